import ArgumentParser
import Reporting
import SimStats

/// `--trace PATH`, `--trace-sample R` and `--trace-limit N`, for `run`: a sample of the first
/// replication's requests as spans in Chrome trace-event JSON (`ChromeTrace`).
struct TraceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write a sample of requests, with every visit's wait and service, as Chrome trace-event JSON (open it in Perfetto or chrome://tracing).",
            valueName: "PATH"))
    var trace: String?

    @Option(
        name: .customLong("trace-sample"),
        help: ArgumentHelp(
            "Share of successful requests to trace, from 0 to 1 (every failed request is traced). Default: 0.01.",
            valueName: "R"))
    var sample: Double?

    @Option(
        name: .customLong("trace-limit"),
        help: ArgumentHelp(
            "At most this many sampled requests per design, and separately this many failed ones. Default: 10000.",
            valueName: "N"))
    var limit: Int?

    func validate() throws {
        if trace == nil, sample != nil || limit != nil {
            throw ValidationError("--trace-sample and --trace-limit need --trace PATH")
        }
        if trace == "-" {
            throw ValidationError("--trace needs a file: a trace is for a viewer, not standard output")
        }
        if let sample, !(sample >= 0 && sample <= 1) {
            throw ValidationError("--trace-sample must be between 0 and 1, found \(sample)")
        }
        if let limit, limit < 0 { throw ValidationError("--trace-limit must be 0 or more, found \(limit)") }
    }

    /// Traces the first replication of the design `report` describes, as it was run (the same
    /// seed and warm-up: its requests are ones the statistics counted), into `file`. Returns a
    /// note when a limit left requests out.
    func record(_ report: RunReport, into file: inout ChromeTrace) -> String? {
        let t = Experiment.trace(
            report.scenario.model, seed: report.scenario.seed, replication: 0, sample: sample ?? 0.01,
            limit: limit ?? 10_000)
        // A trace of a replication an interrupt cut short would be partial without saying so.
        if t.outcome?.interrupted == true { return nil }
        file.add(t, of: report)
        guard t.leftOutSampled + t.leftOutFailed > 0 else { return nil }
        return
            "capsim: trace of \(report.designLabel): \(t.leftOutSampled + t.leftOutFailed) requests left out at --trace-limit \(t.limit)\n"
    }
}
