import SimKernel

/// A token bucket in front of a component (`rate_limit:`): requests arriving at it take a token
/// each, and one that finds the bucket empty is turned away at once with `rate_limited`, using
/// no worker. The bucket holds at most `burst` tokens, starts full, and gains one every
/// `interval` (1/`rate`, to the nanosecond), so over any stretch of time t it admits at most
/// burst + ⌊t / interval⌋ requests.
public struct RateLimitSpec: Sendable, Equatable {
    /// Which requests share a bucket.
    public enum Scope: String, Sendable, CaseIterable {
        /// One bucket for the whole component, whatever instance would serve the request.
        case fleet
        /// One bucket per instance, taken after the balancer chose it.
        case instance
    }

    /// Which requests share a bucket within a scope.
    public enum Partition: String, Sendable, CaseIterable {
        /// Every class draws from the same bucket(s).
        case component
        /// Each class has bucket(s) of its own, each with the full rate and burst.
        case `class`
        /// Each request key (the class's `keys:` rank, standing for the client that sends it:
        /// a user, a token, an address) has bucket(s) of its own; ranks are shared by classes.
        case key
    }

    /// The most buckets `per: key` may hold for a component (one per key, times the instances
    /// with `scope: instance`): 8 bytes each, so 80 MB at most.
    public static let maxKeyBuckets = 10_000_000

    /// Tokens per second (> 0).
    public var rate: Double
    /// The bucket's size, in requests (≥ 1).
    public var burst: Int
    public var scope: Scope
    public var per: Partition

    public init(rate: Double, burst: Int, scope: Scope = .fleet, per: Partition = .component) {
        self.rate = rate
        self.burst = burst
        self.scope = scope
        self.per = per
    }

    /// The time between tokens in nanoseconds: 1/rate, rounded, at least 1.
    public var interval: Int64 {
        let ns = (1e9 / rate).rounded()
        return ns >= 9e18 ? Int64.max : max(1, Int64(ns))
    }

    /// The admitted rate this limit allows when every bucket is busy: the rate times the number
    /// of buckets a request stream is spread over (`buckets` = instances for `.instance` scope,
    /// times the classes passing for `.class` partition, or 1 for one key's stream).
    public func capacity(buckets: Int) -> Double { 1e9 / Double(interval) * Double(buckets) }
}
