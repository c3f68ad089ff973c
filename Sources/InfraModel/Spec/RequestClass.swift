import SimKernel
import SimRandom

/// How a request moves along its path.
public enum CallMode: String, Sendable, Equatable, CaseIterable {
    /// Synchronous calls: each station, after its own service, makes its downstream calls and
    /// keeps its worker until they return (a web worker is busy while its database query runs —
    /// which is how a slow database exhausts the web tier). The default.
    case synchronous
    /// Each station releases its worker before the request moves on (a Jackson tandem). Only
    /// for a plain chain of stations.
    case pipeline
}

/// A kind of request: a share of the arrivals and the calls it makes.
public struct RequestClass: Sendable, Equatable {
    public var name: String
    /// Relative share of arrivals (weights need not sum to 1).
    public var weight: Double
    /// The class's call tree: node 0 is the station the request arrives at; every node's calls
    /// name nodes of higher index (the nodes are in depth-first order). Never empty.
    public var calls: [CallNode]
    public var mode: CallMode
    /// Timeouts, deadline and retries of the class's client; nil = one attempt, no timeout.
    public var client: ClientPolicy?
    /// The class's own arrival process; nil = a weighted share of the workload's.
    public var arrivals: ArrivalProcess?
    /// Which key each request touches (`keys:`): uniform or Zipf over ranks 1…N, drawn once per
    /// request at arrival; nil = its requests carry no key (and may not visit a
    /// `consistent_hash` station).
    public var keys: KeyDistribution?
    /// An attack class (`attack: true`): its requests are simulated like any class's (they load
    /// the components, wait in their lines, hold their workers), but the statistics leave them
    /// out of the headline request figures (latency, availability, error rates, throughput) and
    /// report them on their own. The model itself never reads this flag.
    public var attack = false

    /// A class whose requests visit `path` in order: a chain of calls (each station calls the
    /// next), or in pipeline mode a tandem.
    public init(
        name: String, weight: Double = 1, path: [Int], mode: CallMode = .synchronous, client: ClientPolicy? = nil,
        arrivals: ArrivalProcess? = nil
    ) {
        self.init(
            name: name, weight: weight, calls: CallNode.chain(path), mode: mode, client: client, arrivals: arrivals)
    }

    /// A class with a call tree (see `calls`).
    public init(
        name: String, weight: Double = 1, calls: [CallNode], mode: CallMode = .synchronous, client: ClientPolicy? = nil,
        arrivals: ArrivalProcess? = nil
    ) {
        precondition(!calls.isEmpty, "a class visits at least one station")
        self.name = name
        self.weight = weight
        self.calls = calls
        self.mode = mode
        self.client = client
        self.arrivals = arrivals
    }

    /// The station of each call-tree node, in node order (for a chain: the stations in visiting
    /// order). Per-request hop times are indexed by node.
    public var path: [Int] { calls.map(\.station) }

    /// True when the tree is a plain chain: each node calls the next once, for sure.
    public var isChain: Bool {
        calls.indices.allSatisfy { i in
            let n = calls[i]
            return n.probability == 1 && n.meanCalls == 1 && !n.isGuarded
                && n.steps == (i + 1 < calls.count ? [.call(i + 1)] : [])
        }
    }

    /// Stations held at once by the longest chain of calls below the root (root alone: 0).
    public var treeDepth: Int {
        var depth = Array(repeating: 0, count: calls.count)
        for (i, n) in calls.enumerated() { for m in n.children { depth[m] = depth[i] + 1 } }
        return depth.max() ?? 0
    }

    /// Mean visits per request to each node: the product of probability × mean calls along the
    /// node's ancestry (a Jackson network's visit ratios, for a tree).
    public var meanVisits: [Double] {
        var visits = Array(repeating: 0.0, count: calls.count)
        visits[0] = 1
        for (i, n) in calls.enumerated() {
            for m in n.children { visits[m] = visits[i] * calls[m].probability * calls[m].meanCalls }
        }
        return visits
    }
}

/// One station visit in a class's call tree.
///
/// After its own service, the station makes its `steps` in order, holding its worker (in
/// synchronous mode) until the last returns. The call *to* this node is made with
/// `probability`, and when made it is repeated a geometric number of times with mean
/// `meanCalls` (each call is followed by another with probability 1 − 1/meanCalls): a database
/// queried again and again, a feedback loop of a Jackson network.
public struct CallNode: Sendable, Equatable {
    /// Index into `ModelSpec.stations`.
    public var station: Int
    /// Chance that the caller makes this call at all, in (0, 1]. 1 for the root.
    public var probability: Double
    /// Mean number of calls when the call is made (geometric on 1, 2, …), ≥ 1. 1 for the root.
    public var meanCalls: Double
    public var steps: [CallStep]
    /// The caller gives up on this call after `timeout` (the callee's work goes on for nobody),
    /// and retries a failed or timed-out call by `retries` (backoff, jitter, budget as a
    /// client's); when it stops retrying, the whole request fails with the call's error. nil:
    /// the caller waits as long as it takes, and a failure fails the request at once.
    public var timeout: SimDuration?
    public var retries: RetryPolicy?
    /// A read or a write of a database (`db.read` / `db.write`); `.none` for other components.
    public var access: DataAccess = .none
    /// This visit's own service demand (`service:` on a path element), in place of the
    /// station's: a class whose requests cost the component more or less than its other
    /// classes' do. Drawn from the station's service stream at the same seat, so a design that
    /// changes it keeps every other draw. nil: the station's `service`. At a database it is the
    /// query's demand at whichever node serves it. Only on stations that draw a demand of their
    /// own (not a load balancer or a CDN, whose visits take their `latency`).
    public var service: Distribution?

    public init(
        station: Int, probability: Double = 1, meanCalls: Double = 1, steps: [CallStep] = [],
        timeout: SimDuration? = nil, retries: RetryPolicy? = nil
    ) {
        self.station = station
        self.probability = probability
        self.meanCalls = meanCalls
        self.steps = steps
        self.timeout = timeout
        self.retries = retries
    }

    /// A call the caller watches (a timeout or retries): it runs as a strand of its own.
    public var isGuarded: Bool { timeout != nil || retries != nil }

    /// The probability that a call is followed by another one: 1 − 1/meanCalls.
    public var again: Double { 1 - 1 / meanCalls }

    /// Nodes this one calls, in step order.
    public var children: [Int] {
        steps.flatMap { step -> [Int] in
            switch step {
            case .call(let m): [m]
            case .parallel(let ms): ms
            }
        }
    }

    /// The nodes of a chain through `stations`: each calls the next.
    public static func chain(_ stations: [Int]) -> [CallNode] {
        stations.enumerated().map { i, s in CallNode(station: s, steps: i + 1 < stations.count ? [.call(i + 1)] : []) }
    }
}

/// One step of a station's downstream work.
public enum CallStep: Sendable, Equatable {
    /// A call to one node; the next step starts when it returns.
    case call(Int)
    /// Calls to several nodes at once (fan-out); the next step starts when all have returned.
    case parallel([Int])
}
