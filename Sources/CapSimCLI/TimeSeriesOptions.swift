import ArgumentParser
import Reporting
import ScenarioLanguage
import SimKernel

/// `run`'s per-window time series options (README "Time series").
struct TimeSeriesOptions: ParsableArguments {
    @Option(
        name: .customLong("timeseries"),
        help: ArgumentHelp("Write the per-window time series CSV here ('-' for standard output).", valueName: "PATH"))
    var path: String?

    @Option(
        name: .customLong("timeseries-window"),
        help: ArgumentHelp(
            "Window length of the time series (default: the scenario's availability window, else 1m).",
            valueName: "DURATION"))
    var window: String?

    @Option(
        name: .customLong("timeseries-per-replication"),
        help: ArgumentHelp(
            "Write the time series of every replication (one row per replication and window) here.", valueName: "PATH"))
    var perReplication: String?

    /// True when some time series output is asked for.
    var wanted: Bool { path != nil || perReplication != nil }

    func check(_ output: OutputOptions) throws {
        if window != nil && !wanted {
            throw ValidationError("--timeseries-window needs --timeseries or --timeseries-per-replication")
        }
        if let w = window, case .failure(let e) = Quantity.duration(w) {
            throw ValidationError("--timeseries-window: \(e.message)")
        }
        if let w = window, case .success(let d) = Quantity.duration(w), d <= .zero {
            throw ValidationError("--timeseries-window: expected a positive duration, found '\(w)'")
        }
        if ([output.csv, output.json, output.perReplication, path, perReplication]).filter({ $0 == "-" }).count > 1 {
            throw ValidationError(
                "only one of --csv, --json, --per-replication, --timeseries and --timeseries-per-replication can write to standard output ('-')"
            )
        }
    }

    /// The window for a design: the option, else its availability window, else one minute.
    func window(for design: Scenario) -> (window: SimDuration, perReplication: Bool)? {
        guard wanted else { return nil }
        let explicit = window.flatMap { try? Quantity.duration($0).get() }
        return (explicit ?? design.model.availability?.window ?? .seconds(60), perReplication != nil)
    }

    var onStandardOutput: Bool { path == "-" || perReplication == "-" }

    func write(_ reports: [RunReport]) throws(CLIError) {
        if let path { try OutputFile.write(TimeSeriesReport.render(reports), to: path) }
        if let perReplication {
            try OutputFile.write(TimeSeriesReport.renderPerReplication(reports), to: perReplication)
        }
    }
}
