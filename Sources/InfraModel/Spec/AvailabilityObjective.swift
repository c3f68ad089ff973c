import SimKernel

/// Time-based availability (README "Availability over time"): the measurement window is cut into
/// windows of `window`, and a window is good when the share of its requests that succeed is at
/// least `objective`. A window with fewer than `minRequests` requests is not judged (its ratio
/// says too little). The model only ticks at the boundaries; the statistics judge.
public struct AvailabilityObjective: Sendable, Equatable {
    /// Required success ratio of a window, in (0, 1].
    public var objective: Double
    /// Window length (> 0).
    public var window: SimDuration
    /// Requests a window needs to be judged (≥ 1).
    public var minRequests: Int

    public init(objective: Double, window: SimDuration, minRequests: Int) {
        self.objective = objective
        self.window = window
        self.minRequests = minRequests
    }
}
