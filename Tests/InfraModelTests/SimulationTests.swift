import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// Keeps every record, for exact checks on small runs.
struct RecordingSink: RecordSink {
    var requests: [RequestRecord] = []
    var hops: [HopRecord] = []
    var opened: ModelCounters?
    var closed: ModelCounters?
    mutating func requestEnded(_ r: RequestRecord) { requests.append(r) }
    mutating func hopEnded(_ h: HopRecord) { hops.append(h) }
    mutating func windowOpened(_ c: ModelCounters) { opened = c }
    mutating func windowClosed(_ c: ModelCounters) { closed = c }
}

/// The invariants every run keeps: it ended normally, every request ended exactly once and was
/// reported once, and each station's busy workers stayed within its capacity (and, when
/// `queues` is true, its waiting line within its queue capacity).
func expectInvariants(
    _ spec: ModelSpec, _ sink: RecordingSink, _ outcome: RunOutcome, queues: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(!outcome.unstable, sourceLocation: sourceLocation)
    #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +), sourceLocation: sourceLocation)
    #expect(UInt64(sink.requests.count) == outcome.arrivals, sourceLocation: sourceLocation)
    let o = sink.opened!
    let c = sink.closed!
    let window = Double((spec.window.horizon - spec.window.warmup).nanoseconds)
    for (s, st) in spec.stations.enumerated() {
        let busy = (c.busyIntegral[s] - o.busyIntegral[s]) / window
        let queue = (c.queueIntegral[s] - o.queueIntegral[s]) / window
        #expect(busy >= 0 && busy <= Double(st.instances * st.workers!) + 1e-9, sourceLocation: sourceLocation)
        #expect(queue >= 0, sourceLocation: sourceLocation)
        if queues, let q = st.queueCapacity {
            #expect(queue <= Double(st.instances * q) + 1e-9, sourceLocation: sourceLocation)
        }
    }
}

func ms(_ x: Double) -> SimTime { SimTime(nanoseconds: Int64((x * 1e6).rounded())) }

/// One station, constant arrivals every 1 ms over a 10 ms horizon, deterministic 1.5 ms service.
func tinySpec(queue: Int?, drain: SimDuration = .seconds(1), instances: Int = 1) -> ModelSpec {
    ModelSpec(
        stations: [
            StationSpec(
                name: "s", instances: instances, workers: 1, queueCapacity: queue,
                service: .deterministic(value: 0.0015))
        ],
        classes: [RequestClass(name: "default", path: [0])],
        arrivals: .constant(rate: 1000),
        window: RunWindow(warmup: .zero, horizon: ms(10), drain: drain))
}

func run(_ spec: ModelSpec, seed: UInt64 = 1, replication: Int = 0) -> (RecordingSink, RunOutcome) {
    var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: replication)
    var sink = RecordingSink()
    let outcome = sim.run(into: &sink)
    return (sink, outcome)
}

@Suite("Simulation: exact trajectories")
struct ExactTrajectoryTests {
    @Test("constant arrivals and deterministic service: every end time to the nanosecond")
    func fifoQueue() {
        let (sink, outcome) = run(tinySpec(queue: nil))
        // Arrival k (1-based) at k ms; the server is always busy from 1 ms on, so request k
        // ends at 1 + 1.5k ms and waits 0.5(k − 1) ms. Arrivals stop before 10 ms: k = 1…9.
        #expect(sink.requests.count == 9)
        for (i, r) in sink.requests.enumerated() {
            let k = Double(i + 1)
            #expect(r.arrival == ms(k))
            #expect(r.end == ms(1 + 1.5 * k))
            #expect(r.outcome == .success)
            #expect(sink.hops[i].wait == ms(0.5 * (k - 1)) - .zero)
            #expect(sink.hops[i].service == .nanoseconds(1_500_000))
        }
        #expect(outcome.arrivals == 9 && outcome.successes == 9)
        // 9 arrivals + 9 service ends + window open + window close.
        #expect(outcome.events == 20)
        // Busy from 1 ms to 10 ms inside the window [0, 10 ms]: 9 ms of one worker.
        #expect(sink.closed!.busyIntegral[0] == 9e6)
        // Golden fingerprint of this trajectory: changes only when the model's behaviour changes.
        #expect(outcome.fingerprint == 0x4dc4_7876_da1d_8c0f)
    }

    @Test("a full station rejects with queue_full")
    func rejection() {
        let (sink, outcome) = run(tinySpec(queue: 0))
        // Service 1.5 ms, arrivals every 1 ms, no waiting room: odd requests served, even rejected.
        let served = sink.requests.filter { $0.outcome == .success }.map { $0.arrival }
        let rejected = sink.requests.filter { $0.outcome == .error(.queueFull) }.map { $0.arrival }
        #expect(served == [1, 3, 5, 7, 9].map { ms($0) })
        #expect(rejected == [2, 4, 6, 8].map { ms($0) })
        #expect(rejected.allSatisfy { r in sink.requests.first { $0.arrival == r }!.latency == .zero })
        #expect(outcome.errors[Int(ErrorCause.queueFull.rawValue)] == 4)
    }

    @Test("requests still in flight when the drain ends are counted in_flight_at_end")
    func drainCutoff() {
        let (sink, outcome) = run(tinySpec(queue: nil, drain: .zero))
        // Request k ends at 1 + 1.5k ms ≤ 10 ms only for k ≤ 6.
        #expect(sink.requests.filter { $0.outcome == .success }.count == 6)
        let cut = sink.requests.filter { $0.outcome == .error(.inFlightAtEnd) }
        #expect(cut.count == 3)
        #expect(cut.allSatisfy { $0.end == ms(10) })
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
    }

    @Test("round robin alternates instances")
    func roundRobin() {
        let (sink, _) = run(tinySpec(queue: nil, instances: 2))
        // Two instances, each gets every other request (2 ms apart) and serves it in 1.5 ms: no waiting.
        #expect(sink.hops.allSatisfy { $0.wait == .zero })
        #expect(sink.requests.allSatisfy { $0.latency == .nanoseconds(1_500_000) })
    }
}

@Suite("Simulation: invariants")
struct InvariantTests {
    /// A random small network: several stations with finite queues, random routing, two classes.
    func randomSpec(_ seed: UInt64) -> ModelSpec {
        var g = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: UInt64) -> Int {
            g ^= g << 13
            g ^= g >> 7
            g ^= g << 17
            return Int(g % n)
        }
        let stations = (0..<3).map { i in
            StationSpec(
                name: "s\(i)", instances: 1 + next(3), workers: 1 + next(4),
                queueCapacity: next(3) == 0 ? nil : next(5),
                service: [
                    Distribution.exponential(mean: 0.002), .lognormal(mean: 0.002, cv: 2), .deterministic(value: 0.001),
                ][next(3)],
                balance: next(2) == 0 ? .roundRobin : .random)
        }
        return ModelSpec(
            stations: stations,
            classes: [RequestClass(name: "a", weight: 2, path: [0, 1]), RequestClass(name: "b", path: [2, 0, 2])],
            arrivals: .poisson(rate: 800 + Double(next(1200))),
            window: RunWindow(warmup: ms(100), horizon: ms(2000), drain: .milliseconds(Int64(next(20)))))
    }

    @Test("every request ends exactly once; levels stay in bounds", arguments: 0..<30)
    func conservation(seed: UInt64) {
        let spec = randomSpec(seed)
        let (sink, outcome) = run(spec, seed: seed)
        expectInvariants(spec, sink, outcome)
        // Every successful request visited each station of its path once.
        let successes = sink.requests.filter { $0.outcome == .success }.count
        #expect(successes == Int(outcome.successes))
    }

    @Test("same seed and replication give the same trajectory; another replication differs")
    func determinism() {
        let spec = randomSpec(7)
        let a = run(spec, seed: 3, replication: 2).1
        let b = run(spec, seed: 3, replication: 2).1
        let c = run(spec, seed: 3, replication: 3).1
        let d = run(spec, seed: 4, replication: 2).1
        #expect(a == b)
        #expect(a.fingerprint != c.fingerprint)
        #expect(a.fingerprint != d.fingerprint)
    }

    @Test("an overloaded design stops as unstable instead of growing without bound")
    func unstable() {
        var spec = ModelSpec(
            stations: [StationSpec(name: "s", service: .exponential(mean: 0.002))],
            classes: [RequestClass(name: "default", path: [0])],
            arrivals: .poisson(rate: 1000),
            window: RunWindow(warmup: .zero, horizon: SimTime.zero + .seconds(100), drain: .zero))
        spec.maxInFlight = 1_000
        let (_, outcome) = run(spec)
        #expect(outcome.unstable)
        #expect(outcome.arrivals < 5_000)
    }

    @Test("service demands belong to the request: more instances do not change them")
    func commonRandomNumbers() {
        var one = tinySpec(queue: nil)
        one.arrivals = .poisson(rate: 300)
        one.stations[0].service = .exponential(mean: 0.002)
        one.stations[0].workers = 1
        var four = one
        four.stations[0].instances = 4
        four.stations[0].balance = .random
        let a = run(one).0.hops.sorted { $0.service.nanoseconds < $1.service.nanoseconds }.map(\.service)
        let b = run(four).0.hops.sorted { $0.service.nanoseconds < $1.service.nanoseconds }.map(\.service)
        #expect(!a.isEmpty && a == b)
    }
}
