/// Why a request ended without success. One closed list, shared by every output
/// (metric ids `errors.<cause>.rate`, CSV columns, JSON keys).
public enum ErrorCause: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// The chosen instance had every worker busy and every waiting slot taken.
    case queueFull
    case timeout
    case deadlineExceeded
    case noHealthyInstance
    case instanceFailed
    case rateLimited
    /// An inspection stage (firewall, WAF, IDS) detected the request and blocked it.
    case blocked
    /// A deployed version answered with an error (its `error_rate`).
    case serverError
    case retryBudgetExhausted
    case failover
    /// The database was restoring after a total loss (`restore:`): it serves nothing meanwhile.
    case restoring
    /// Still in flight when the drain time after the horizon ran out.
    case inFlightAtEnd

    /// The spelling used in metric ids and files.
    public var id: String {
        switch self {
        case .queueFull: "queue_full"
        case .timeout: "timeout"
        case .deadlineExceeded: "deadline_exceeded"
        case .noHealthyInstance: "no_healthy_instance"
        case .instanceFailed: "instance_failed"
        case .rateLimited: "rate_limited"
        case .blocked: "blocked"
        case .serverError: "server_error"
        case .retryBudgetExhausted: "retry_budget_exhausted"
        case .failover: "failover"
        case .restoring: "restoring"
        case .inFlightAtEnd: "in_flight_at_end"
        }
    }
    public var description: String { id }
}

/// How a request ended.
public enum Outcome: Equatable, Sendable {
    case success
    case error(ErrorCause)
}
