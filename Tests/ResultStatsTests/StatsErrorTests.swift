import BNCCore
import Testing
@testable import ResultStats

@Suite("bnc-stats errors: status and message")
struct StatsErrorTests {
    @Test func readErrors() {
        let cases: [(ResultReadError, BNCCore.ExitStatus)] = [
            (.cannotOpen(file: "f", reason: "No such file or directory"), .ioError),
            (.readFailed(file: "f", reason: "read failed"), .ioError),
            (.unknownFormat(file: "f"), .dataError),
            (.badRow(file: "f", line: 3, reason: "bad score"), .dataError),
            (.mixedTimeBases, .dataError),
            (.severalSymbols(["BTCUSDT", "ETHUSDT"]), .usage),
            (.tradeRatesNotAllowed(file: "f"), .dataError),
        ]
        for (error, status) in cases {
            #expect(ToolExit.status(for: error) == status, "\(error)")
            #expect(ToolExit.message(for: error)?.isEmpty == false)
        }
        #expect(ToolExit.message(for: ResultReadError.badRow(file: "f", line: 3, reason: "bad score")) == "f:3: bad score")
    }

    @Test func analysisErrors() {
        #expect(StatsError.noRows.exitStatus == .dataError)
        #expect(StatsError.unknownWindowSize.exitStatus == .dataError)
        #expect(StatsError.rowsAndTradeRates.exitStatus == .usage)
        #expect(StatsError.noRows.description == "no result rows in the input")
    }

    @Test func writeErrorsNameTheFile() {
        let error = ReportFile.WriteError.cannotCreate("cannot create", errno: EACCES).at("report.html")
        #expect(error.exitStatus == .cannotCreate)
        #expect(error.description == "report.html: cannot create: \(String(cString: strerror(EACCES)))")
        #expect(ReportFile.WriteError.writeFailed(errno: ENOSPC).exitStatus == .ioError)
        #expect(SummaryBlock.AppendError.failed(errno: ENOSPC).exitStatus == .ioError)
    }
}
