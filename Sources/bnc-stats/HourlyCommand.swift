import ArgumentParser
import BNCCore
import ResultStats

struct HourlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hourly",
        abstract: "Windows and anomaly rate per hour of the day (UTC for our files, the written wall clock for the original's).")

    @OptionGroup var input: InputOptions

    func run() {
        runStats {
            let hourly = try input.analyse(columns: .none) { s in try HourlyAnalysis(s) }
            try input.json ? emit(hourly.json) : emit(hourly.text())
        }
    }
}
