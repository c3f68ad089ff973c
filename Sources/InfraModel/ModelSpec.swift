import SimKernel
import SimRandom

/// A complete, validated description of what one replication simulates. Built by the scenario
/// layer from a YAML file; the model never sees YAML. Plain values only.
public struct ModelSpec: Sendable {
    public var stations: [StationSpec]
    public var classes: [RequestClass]
    public var arrivals: ArrivalProcess
    public var window: RunWindow
    /// A replication stops as unstable when more requests than this are in flight at once, so an
    /// overloaded design is reported rather than eating memory.
    public var maxInFlight: Int

    public init(stations: [StationSpec], classes: [RequestClass], arrivals: ArrivalProcess,
                window: RunWindow, maxInFlight: Int = 2_000_000) {
        self.stations = stations; self.classes = classes; self.arrivals = arrivals
        self.window = window; self.maxInFlight = maxInFlight
    }
}

/// The time frame of one replication.
///
/// Arrivals happen in `[0, horizon)`; requests arriving at or after `warmup` are measured; level
/// statistics cover `[warmup, horizon]`. After the horizon, requests in flight drain for at most
/// `drain`; any still in flight then end as `in_flight_at_end`.
public struct RunWindow: Sendable, Equatable {
    public var warmup: SimTime
    public var horizon: SimTime
    public var drain: SimDuration

    public init(warmup: SimTime, horizon: SimTime, drain: SimDuration) {
        self.warmup = warmup; self.horizon = horizon; self.drain = drain
    }
    /// Length of the measurement window.
    public var measured: SimDuration { horizon - warmup }
}

/// A pool of identical instances, each with `workers` parallel servers and a FIFO queue of
/// `queueCapacity` waiting slots (a station instance holds at most workers + queue requests).
public struct StationSpec: Sendable, Equatable {
    /// The component's name (its key under `components:`), used in metric ids and stream keys.
    public var name: String
    public var instances: Int
    /// Parallel workers per instance; nil = unlimited (a pure delay, e.g. a network hop).
    public var workers: Int?
    /// Waiting slots per instance; nil = unlimited.
    public var queueCapacity: Int?
    /// Service demand in seconds.
    public var service: Distribution
    /// How an arriving request picks an instance.
    public var balance: InstanceChoice

    public init(name: String, instances: Int = 1, workers: Int? = 1, queueCapacity: Int? = nil,
                service: Distribution, balance: InstanceChoice = .roundRobin) {
        self.name = name; self.instances = instances; self.workers = workers
        self.queueCapacity = queueCapacity; self.service = service; self.balance = balance
    }
}

/// How a station spreads requests over its instances (load-balancer policies proper arrive with
/// the `load_balancer` component).
public enum InstanceChoice: String, Sendable, Equatable, CaseIterable {
    case roundRobin = "round_robin"
    case random = "random"
}

/// How a request moves along its path.
public enum CallMode: String, Sendable, Equatable, CaseIterable {
    /// Each station releases its worker before the request moves on (a Jackson tandem).
    case pipeline
}

/// A kind of request: a share of the arrivals and the stations it visits, in order.
public struct RequestClass: Sendable, Equatable {
    public var name: String
    /// Relative share of arrivals (weights need not sum to 1).
    public var weight: Double
    /// Indices into `ModelSpec.stations`, in visiting order. Never empty.
    public var path: [Int]
    public var mode: CallMode

    public init(name: String, weight: Double = 1, path: [Int], mode: CallMode = .pipeline) {
        self.name = name; self.weight = weight; self.path = path; self.mode = mode
    }
}

/// The external arrival process. Rates are per second.
public enum ArrivalProcess: Sendable, Equatable {
    /// Exponential inter-arrival times with mean 1/rate.
    case poisson(rate: Double)
    /// Arrivals exactly at k/rate, k = 1, 2, …
    case constant(rate: Double)

    public var rate: Double {
        switch self { case .poisson(let r), .constant(let r): r }
    }
}
