import SimKernel

/// A limit on the requests in flight at each instance of a component (`concurrency_limit:`):
/// the server-side counterpart of a rate limit. A request the balancer sends to an instance that
/// already holds `limit` requests (in service, holding a worker across their calls, or waiting)
/// is turned away at once with `rate_limited`, using no worker.
///
/// The limit is fixed (`initial = min = max`, no `latency`), or adaptive by additive increase
/// and multiplicative decrease (AIMD, as TCP's congestion window and Netflix's
/// concurrency-limits library): each visit that ends at the instance is a sample of its latency
/// (from its arrival at the instance to the release of its worker); a sample slower than
/// `latency` multiplies the instance's limit by `backoff`, and a faster one, when the instance
/// holds at least half its limit, adds 1; the limit stays within [min, max]. The number
/// enforced is ⌊limit⌋.
public struct ConcurrencyLimitSpec: Sendable, Equatable {
    public var initial: Double
    public var min: Double
    public var max: Double
    /// Samples slower than this shrink the limit; nil: a fixed limit.
    public var latency: SimDuration?
    /// The factor a slow sample multiplies the limit by, in (0, 1).
    public var backoff: Double

    /// A fixed limit of `limit` requests in flight per instance.
    public init(fixed limit: Int) {
        initial = Double(limit)
        min = Double(limit)
        max = Double(limit)
        latency = nil
        backoff = 1
    }

    public init(initial: Int, min: Int, max: Int, latency: SimDuration, backoff: Double) {
        self.initial = Double(initial)
        self.min = Double(min)
        self.max = Double(max)
        self.latency = latency
        self.backoff = backoff
    }
}
