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
            let loaded = try input.load(columns: .none)
            let hourly = HourlyAnalysis(loaded.series)
            try input.json ? emit(hourly.json) : emit(hourly.text())
        }
    }
}
