/// capsim's exit codes: a contract that CI scripts branch on (README "Commands"), mapped
/// explicitly for every error so that nothing falls through to 1, which means an SLO failed.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case sloFailed = 1
    case sloInconclusive = 2
    case usage = 64
    case invalidScenario = 65
    case inputMissing = 66
    case internalError = 70
    case cannotCreateOutput = 73
    /// `capsim merge`: tasks of the table are in no shard file; rerun them (`--tasks`) and merge
    /// again (sysexits' EX_TEMPFAIL: the user is invited to retry).
    case tasksMissing = 75
    case interrupted = 130
    case terminated = 143
}

/// An error a command reports to the user with a given exit status.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var message: String
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
    public var description: String { message }
}
