import ArgumentParser
import Reporting
import ScenarioLanguage

/// `--max-events` and `--max-memory`, for the commands that simulate: guards for unattended
/// jobs. Either stops the replications cleanly — what finished is reported and written — and
/// the command then fails with exit 65 saying which limit was reached.
struct LimitOptions: ParsableArguments {
    @Option(
        name: .customLong("max-events"), parsing: .unconditional,
        help: ArgumentHelp(
            "Stop each replication after this many events, and fail the command saying so (a guard for unattended jobs).",
            valueName: "N"))
    var maxEvents: Int?

    @Option(
        name: .customLong("max-memory"),
        help: ArgumentHelp(
            "Stop the replications when the process's resident memory passes this size (e.g. 2GiB, 500MB), keep those finished, and fail the command saying so.",
            valueName: "SIZE"))
    var maxMemory: String?

    func validate() throws {
        if let n = maxEvents, n < 1 { throw ValidationError("--max-events must be at least 1, found \(n)") }
        _ = try memoryLimit()
    }

    /// `--max-memory` in bytes, or nil without it.
    func memoryLimit() throws(ValidationError) -> Int? {
        guard let text = maxMemory else { return nil }
        switch Quantity.size(text) {
        case .failure(let e): throw ValidationError("--max-memory: \(e.message)")
        case .success(let bytes):
            // Below a mebibyte no process runs; above 2^60 bytes no machine has it.
            guard bytes >= 1_048_576, bytes <= 0x1000_0000_0000_0000 else {
                throw ValidationError("--max-memory must be between 1MiB and 1024PiB, found '\(text)'")
            }
            return Int(bytes)
        }
    }

    /// Starts the `--max-memory` watchdog (nil without the option); call `stop()` on it when
    /// the simulation is over.
    func startMemoryBudget() throws -> MemoryBudget? {
        guard let limit = try memoryLimit() else { return nil }
        return try MemoryBudget(limit: limit, stopping: Interruption.request)
    }

    /// The error for reports with replications stopped by the overload guard (exit 65, after
    /// every output is written): `run`'s figures would not be a steady state.
    static func overloaded(_ reports: [RunReport]) -> CLIError? {
        guard let bad = reports.first(where: { !$0.unstableReplications.isEmpty }) else { return nil }
        return CLIError(
            .invalidScenario,
            "\(bad.scenario.file): error: the design is overloaded: \(bad.unstableReplications.count) replication(s) had more than \(bad.scenario.model.maxInFlight) requests in flight (the load offered to some component, retries included, is at or above its capacity); its results are not a steady state"
        )
    }

    /// The error for reports with replications stopped at `--max-events` (exit 65, after every
    /// output is written), for every command that simulates.
    static func eventLimited(_ reports: [RunReport]) -> CLIError? {
        guard let bad = reports.first(where: { !$0.eventLimitedReplications.isEmpty }) else { return nil }
        return CLIError(
            .invalidScenario,
            "\(bad.scenario.file): error: \(bad.eventLimitedReplications.count) replication(s) stopped at --max-events \(bad.scenario.model.maxEvents) before the end of the run; shorten the horizon, lower the rate or raise --max-events"
        )
    }
}
