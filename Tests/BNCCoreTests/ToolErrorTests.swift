import BNCCore
import Testing

@Suite("ToolError and ToolExit: one status and one message per error")
struct ToolErrorTests {
    @Test func exitStatusesAreTheSysexitsCodes() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 64, 65, 69, 73, 74])
    }

    @Test func outputErrors() {
        #expect(ToolExit.status(for: OutputError.downstreamClosed) == .success)
        #expect(ToolExit.message(for: OutputError.downstreamClosed) == nil)
        #expect(ToolExit.status(for: OutputError.writeFailed(errno: ENOSPC)) == .ioError)
        #expect(ToolExit.message(for: OutputError.writeFailed(errno: ENOSPC)) == "write failed: \(String(cString: strerror(ENOSPC)))")
    }

    @Test func inputErrors() {
        let open = InputFileError.cannotOpen(path: "/x", errno: ENOENT)
        #expect(ToolExit.status(for: open) == .ioError)
        #expect(ToolExit.message(for: open) == "/x: cannot open: \(String(cString: strerror(ENOENT)))")
        let read = LineReaderError.readFailed(errno: EISDIR)
        #expect(ToolExit.status(for: read) == .ioError)
        #expect(ToolExit.message(for: read) == "read failed: \(String(cString: strerror(EISDIR)))")
    }

    @Test func badJSONIsADataError() {
        #expect(ToolExit.status(for: JSONScanError.notAnObject) == .dataError)
        #expect(ToolExit.message(for: JSONScanError.notAnObject) == "not a JSON object")
    }

    @Test func aLocationGoesInFrontAndKeepsTheStatus() {
        let located = OutputError.writeFailed(errno: EIO).at("stdout")
        #expect(located.description == "stdout: write failed: \(String(cString: strerror(EIO)))")
        #expect(located.exitStatus == .ioError)
        #expect(ToolExit.message(for: OutputError.downstreamClosed.at("stdout")) == nil)
    }

    @Test func aLineLoopErrorCarriesItsCausesStatus() {
        let body: LineInputError<JSONScanError> = .body(.empty)
        #expect(body.exitStatus == .dataError)
        #expect(body.description == "empty line")
        let read: LineInputError<JSONScanError> = .read(.readFailed(errno: EIO))
        #expect(read.exitStatus == .ioError)
        let open: LineInputError<JSONScanError> = .open(.cannotOpen(path: "p", errno: EACCES))
        #expect(ToolExit.status(for: open) == .ioError)
        #expect(ToolExit.message(for: open)?.hasPrefix("p: cannot open: ") == true)
    }

    struct Foreign: Error, CustomStringConvertible { var description: String { "from elsewhere" } }

    @Test func anErrorFromOutsideTheStoryIsAnIOFailureWithItsText() {
        #expect(ToolExit.status(for: Foreign()) == .ioError)
        #expect(ToolExit.message(for: Foreign()) == "from elsewhere")
    }

    @Test func exitWithSuccessReturns() {
        ToolExit.exit(.success)   // would end the test process for any other status
        ToolExit.run(tool: "bnc-test") { throw OutputError.downstreamClosed }   // a quiet success
    }
}
