// The validating one-object JSON scanner every NDJSON reader stands on. Beyond "no crash":
// every reported range lies inside the buffer, every number member parses with DecimalParser
// (JSON's number grammar is a subset of its grammar), and every nested object rescans cleanly.
import BNCCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONObjectScanner(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var members = 0
    do throws(JSONScanError) {
        try JSONObjectScanner.scan(bytes) { (member: JSONMember) throws(JSONScanError) in
            members += 1
            precondition(member.keyRange.lowerBound >= 0 && member.keyRange.upperBound <= size)
            precondition(member.valueRange.lowerBound >= 0 && member.valueRange.upperBound <= size)
            precondition(member.keyRange.upperBound <= member.valueRange.lowerBound)
            switch member.kind {
            case .number:
                precondition(DecimalParser.double(bytes, member.valueRange) != nil, "JSON number rejected by DecimalParser")
            case .object:
                try JSONObjectScanner.scan(bytes, range: member.valueRange) { (_: JSONMember) throws(JSONScanError) in }
            case .true:
                precondition(JSONObjectScanner.bytes(bytes, member.valueRange, equal: "true"))
            case .false:
                precondition(JSONObjectScanner.bytes(bytes, member.valueRange, equal: "false"))
            case .null:
                precondition(JSONObjectScanner.bytes(bytes, member.valueRange, equal: "null"))
            case .string, .array:
                break
            }
        }
    } catch {
        _ = error.description
    }
    _ = members
    return 0
}
