import ArgumentParser
import Reporting
import SimStats

/// `--pareto METRIC` and `--pareto-csv PATH`, for `run` and `size`: the front over cost and a
/// metric of the designs simulated (`ParetoFront`).
struct ParetoOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Print the designs no other beats on both cost.monthly and this metric, e.g. latency.p99 (size: of the passing probes).",
            valueName: "METRIC"))
    var pareto: String?

    @Option(
        name: .customLong("pareto-csv"),
        help: ArgumentHelp("Write the --pareto front as CSV here ('-' for standard output).", valueName: "PATH"))
    var paretoCSV: String?

    func validate() throws {
        if paretoCSV != nil, pareto == nil { throw ValidationError("--pareto-csv needs --pareto METRIC") }
    }

    /// Refuses, before anything is simulated, a metric no front can be drawn over for designs
    /// of these layouts.
    func check(_ layouts: [MetricLayout]) throws(CLIError) {
        guard let pareto else { return }
        do throws(ParetoFront.Failure) { try ParetoFront.check(layouts, metric: pareto) } catch {
            throw CLIError(.usage, error.description)
        }
    }

    /// The front of `reports`, printed as a table (when `table`) and written to `--pareto-csv`.
    func report(_ reports: [RunReport], console: Console, table: Bool) throws {
        guard let pareto else { return }
        let front: ParetoFront
        do throws(ParetoFront.Failure) { front = try ParetoFront(reports, metric: pareto) } catch {
            throw CLIError(.usage, error.description)
        }
        if table && paretoCSV != "-" { console.out("\n" + front.table) }
        if let paretoCSV { try OutputFile.write(front.csv, to: paretoCSV) }
    }
}
