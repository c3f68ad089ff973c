import SimKernel
import SimRandom

/// What makes a station a cache (`kind: cache` or `kind: cdn`): how a lookup decides hit or miss,
/// how the cache starts, and what a request does when no instance of it can answer.
///
/// A cache is a server pool (instances, workers, queue, a lookup's service time, balance) whose
/// visit ends in a hit or a miss when its own service is over. On a hit the request returns from
/// the cache: the calls below it in the path (its backend) are skipped. On a miss it makes them,
/// holding its worker as any synchronous caller does, and when they have all returned the key is
/// filled (fill on return: a miss whose backend call fails fills nothing, and the request fails).
/// In a pipeline a hit ends the request at the cache and a miss fills at once (there is no return
/// trip).
public struct CacheSpec: Sendable, Equatable {
    public enum Policy: Sendable, Equatable {
        /// Each lookup hits with probability `h`, the request's own draw.
        case ratio(Double)
        /// A least-recently-used cache over the request keys, holding `capacity` keys per
        /// instance, with an optional time to live counted from the fill.
        case lru(capacityPerInstance: Int, ttl: SimDuration?)
    }

    /// How a cache is filled when the run starts (and never again: a restart comes back cold).
    public enum Start: String, Sendable, Equatable, CaseIterable {
        /// Each instance holds the most popular keys it would be sent, up to its capacity.
        case warm
        /// Empty.
        case cold
    }

    /// What a request does at a cache none of whose instances can take it (every instance
    /// believed unhealthy, or the one picked has crashed and refuses it).
    public enum OnFailure: String, Sendable, Equatable, CaseIterable {
        /// Goes straight to the backend, as a miss that fills nothing (the stampede).
        case bypass
        /// Fails, as at a server pool (`no_healthy_instance`, `instance_failed`).
        case fail
    }

    public var policy: Policy
    public var start: Start
    public var onFailure: OnFailure
    /// How `capacity` was written (`per: instance` or `per: total`), for reports; the model
    /// uses `capacityPerInstance` only.
    public var capacityIsTotal: Bool

    public init(policy: Policy, start: Start = .warm, onFailure: OnFailure = .bypass, capacityIsTotal: Bool = false) {
        self.policy = policy
        self.start = start
        self.onFailure = onFailure
        self.capacityIsTotal = capacityIsTotal
    }
}
