import SimKernel
import SimRandom

/// A region (`regions:`): a set of zones that fails as a whole, where components live and users
/// send their requests from. A request that goes from one region to a component in another pays
/// the pair's round trip (`Regions.latency`) before it reaches the component.
public struct RegionSpec: Sendable, Equatable {
    public var name: String
    /// Indices into `ModelSpec.zones` of the zones inside the region (each zone is in at most
    /// one region).
    public var zones: [Int]
    /// Share in [0, 1] of the arrivals whose users are in this region; 0 when the scenario gives
    /// no `users:` (then requests start from nowhere in particular and pay no latency to reach
    /// their first component).
    public var users: Double
    /// Random outages of the whole region (nil: only scheduled `region_outage` events).
    public var failures: FailureSpec?

    public init(name: String, zones: [Int] = [], users: Double = 0, failures: FailureSpec? = nil) {
        self.name = name
        self.zones = zones
        self.users = users
        self.failures = failures
    }
}

/// The regions of a design and the round trips between them. Empty: no regions (every
/// component is in the same place and no request pays a cross-region latency).
public struct Regions: Sendable, Equatable {
    public var list: [RegionSpec] = []
    /// Round-trip latency (seconds) of a call from region a to a component in region b, for
    /// a ≠ b: `latency[a][b]`, symmetric; nil on the diagonal. A request pays it once per call,
    /// on the way in (the answer's way back is in the same figure).
    public var latency: [[Distribution?]] = []

    public init(list: [RegionSpec] = [], latency: [[Distribution?]] = []) {
        self.list = list
        self.latency = latency
    }

    public var isEmpty: Bool { list.isEmpty }
    /// Some region has users: each request starts in a user region, drawn by `users`.
    public var hasUsers: Bool { list.contains { $0.users > 0 } }

    /// The positions of `candidates` (region indices) nearest first from region c: c itself
    /// first, then by mean round trip, ties (and regions with no round trip given) in the
    /// given order. How a read finds the region to go to (`DatabaseSpec.remote`).
    public func nearestFirst(_ candidates: [Int], from c: Int) -> [Int] {
        func distance(_ g: Int) -> Double { g == c ? -1 : latency[c][g]?.mean ?? .infinity }
        return candidates.indices.sorted { a, b in
            let (da, db) = (distance(candidates[a]), distance(candidates[b]))
            return da != db ? da < db : a < b
        }
    }
}
