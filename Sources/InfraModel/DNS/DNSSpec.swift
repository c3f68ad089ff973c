import SimKernel

/// Global traffic management (`dns:`): which region's entry component a request goes to.
///
/// Each client keeps the answer it last got for `ttl`: its entry is refreshed at its own phase
/// φ + k·ttl (φ uniform on [0, ttl), one per request serial, so retries keep the same answer until
/// it expires), and holds what DNS answered then. DNS answers from what its health checks know:
/// a region is known to be down from `detect` after its outage begins until `detect` after it
/// ends. So after a failure at time 0 a request at time s still reaches the dead region with
/// probability 1 for s < detect and max(0, 1 − (s − detect)/ttl) after: the classic failover
/// curve. Anycast (`routing: anycast`) has no cache: the switch is complete at `detect` (the
/// routes' withdrawal).
public struct DNSSpec: Sendable, Equatable {
    public enum Routing: String, Sendable, Equatable, CaseIterable {
        /// Health-checked DNS: clients cache answers for the TTL.
        case healthChecked = "health_checked"
        /// Anycast: one address, routed to a surviving region once the routes are withdrawn.
        case anycast
    }
    public var routing: Routing
    /// How long a client keeps an answer; zero for anycast.
    public var ttl: SimDuration
    /// From a region's outage (or recovery) to DNS answering accordingly.
    public var detect: SimDuration
    /// Per region (index into `ModelSpec.regions.list`): the station requests answered with that
    /// region go to first, in place of their class's root; nil: DNS never answers the region.
    public var entries: [Int?]
    /// Everyone is answered this region while it is known up (active/passive); nil: each user
    /// its own region if it has an entry, else the nearest one by round trip (active/active).
    public var primary: Int?

    public init(routing: Routing, ttl: SimDuration, detect: SimDuration, entries: [Int?], primary: Int? = nil) {
        self.routing = routing
        self.ttl = ttl
        self.detect = detect
        self.entries = entries
        self.primary = primary
    }
}
