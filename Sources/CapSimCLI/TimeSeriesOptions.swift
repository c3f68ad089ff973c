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
        if (output.files.paths + [path, perReplication]).filter({ $0 == "-" }).count > 1 {
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

    /// At most this many windows per replication, as for the scenario's `availability.window`:
    /// each costs a row of statistics.
    static let maximumWindows: Int64 = 10_000_000

    /// Refuses a window that would cut a design's measured time into more than
    /// `maximumWindows` windows (checked for every design before any simulation runs).
    func checkWindowCount(_ designs: [Scenario]) throws {
        for design in designs {
            guard let (w, _) = window(for: design), w.nanoseconds > 0 else { continue }
            let measured = design.model.window.measured
            if measured.nanoseconds / w.nanoseconds >= Self.maximumWindows {
                throw ValidationError(
                    "--timeseries-window: expected a window giving at most \(Self.maximumWindows) windows over \(design.name)'s measured time (\(measured)), found \(w)"
                )
            }
        }
    }

    var onStandardOutput: Bool { path == "-" || perReplication == "-" }

    func write(_ reports: [RunReport]) throws(CLIError) {
        if let path { try OutputFile.write(TimeSeriesReport.render(reports), to: path) }
        if let perReplication {
            try OutputFile.write(TimeSeriesReport.renderPerReplication(reports), to: perReplication)
        }
    }
}
