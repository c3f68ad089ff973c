import Foundation
import InfraModel
import Reporting
import Synchronization

/// What SIGINT and SIGTERM do. While a command that simulates is running (`run`, `check`,
/// `compare` call `beginGraceful()`), the first signal asks the replications to stop: the
/// finished ones are reported as partial results, every output is written as usual, and the
/// command exits 130 or 143. Otherwise — and at a second signal — the process exits at once
/// with that code, after removing the temporary output file being written, if any.
enum Interruption {
    /// Shared by every replication a command starts.
    static let request = StopRequest()
    private static let graceful = GracefulFlag()

    /// From here on, a first signal stops the simulation instead of the process.
    static func beginGraceful() { graceful.set() }

    /// The signal handler's work: async-signal-safe (atomic loads and stores, `unlink`, `_exit`).
    static func received(_ signal: Int32) {
        if graceful.isSet, !request.isRequested {
            request.request(signal: signal)
            return
        }
        InterruptedWrite.removeTemporary()
        _exit(128 + signal)
    }

    /// The error to end with after a graceful stop — what was kept; exit 130 or 143 after a
    /// signal, 65 after the memory budget (as after `--max-events`) — or nil when nothing asked
    /// for a stop.
    static func error(after reports: [RunReport]) -> CLIError? {
        guard let reason = request.reason else { return nil }
        let kept =
            reports.isEmpty
            ? "no replication had finished, so nothing was reported"
            : "kept "
                + reports.map {
                    "\($0.results.count) of \($0.interruptedOf ?? $0.results.count) replication(s) of \($0.designLabel)"
                }
                .joined(separator: ", ")
                + (reports.contains { $0.interruptedOf != nil } ? " (the figures reported are partial)" : "")
        return stopped(
            reason, ": \(kept)",
            advice: "; shorten the horizon, run fewer replications at once (--jobs) or raise --max-memory")
    }

    /// The error to end with when a stop came during `what` (a step whose partial results are
    /// not reported), or nil when no stop was requested.
    static func error(during what: String) -> CLIError? {
        request.reason.map { stopped($0, " during \(what)", advice: "") }
    }

    /// How a stop for `reason` ends a command: exit 130 or 143 after a signal, 65 after the
    /// memory budget (as after `--max-events`); `detail` follows the cause, `advice` a memory stop.
    private static func stopped(_ reason: StopReason, _ detail: String, advice: String) -> CLIError {
        switch reason {
        case .signal(let signal):
            let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
            return CLIError(signal == SIGTERM ? .terminated : .interrupted, "capsim: interrupted by \(name)\(detail)")
        case .memoryBudget:
            let seen =
                MemoryBudget.exceeded.map {
                    " \(MemoryBudget.describe($0.limit)) (resident memory reached \(MemoryBudget.describe($0.resident)))"
                } ?? ""
            return CLIError(.invalidScenario, "capsim: error: stopped at --max-memory\(seen)\(detail)\(advice)")
        }
    }
}

/// A set-once flag readable from a signal handler.
private final class GracefulFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
