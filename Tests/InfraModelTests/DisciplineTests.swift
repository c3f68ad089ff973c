import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// One station, constant arrivals every 1 ms (k = 1, 2, … before the horizon), deterministic
/// service, one worker (or core).
func disciplineSpec(
    _ d: QueueDiscipline, service: Double, horizon: Double = 10, workers: Int? = 1,
    queue: Int? = nil
) -> ModelSpec {
    ModelSpec(
        stations: [
            StationSpec(
                name: "s", workers: workers, queueCapacity: queue,
                service: .deterministic(value: service), discipline: d)
        ],
        classes: [RequestClass(name: "default", path: [0])],
        arrivals: .constant(rate: 1000),
        window: RunWindow(warmup: .zero, horizon: ms(horizon), drain: .seconds(1)))
}

/// The arrival times (ms) of the requests in the order they ended.
func serviceOrder(_ sink: RecordingSink) -> [Double] {
    sink.requests.sorted { $0.end < $1.end }.map { Double($0.arrival.nanoseconds) / 1e6 }
}

@Suite("Disciplines: exact trajectories")
struct DisciplineTrajectoryTests {
    // Service 1.7 ms, arrivals every 1 ms: the worker is busy from 1 ms on, so the p-th request
    // served ends at 1 + 1.7p ms; the discipline decides only which one is p-th.

    @Test("fifo is the default and keeps the golden trajectory")
    func fifoGolden() {
        #expect(StationSpec(name: "s", service: .exponential(mean: 1)).discipline == .fifo)
        let (_, outcome) = run(disciplineSpec(.fifo, service: 0.0015))
        #expect(outcome.fingerprint == 0x4dc4_7876_da1d_8c0f)
    }

    @Test("lifo serves the newest waiting request first")
    func lifo() {
        let (sink, outcome) = run(disciplineSpec(.lifo, service: 0.0017))
        #expect(serviceOrder(sink) == [1, 2, 4, 6, 7, 9, 8, 5, 3])
        for (p, r) in sink.requests.sorted(by: { $0.end < $1.end }).enumerated() {
            #expect(r.end == ms(1 + 1.7 * Double(p + 1)))
        }
        #expect(outcome.successes == 9)
    }

    @Test("adaptive_lifo: oldest first while at most lifo_above wait, newest first beyond")
    func adaptive() {
        // lifo_above 2: at 4.4 ms [3, 4] wait (2, not more) → 3; at 6.1 [4, 5, 6] → 6; at 7.8
        // [4, 5, 7] → 7; at 9.5 [4, 5, 8, 9] → 9; at 11.2 [4, 5, 8] → 8; then [4, 5] → 4, 5.
        let (sink, _) = run(disciplineSpec(.adaptiveLifo(lifoAbove: 2), service: 0.0017))
        #expect(serviceOrder(sink) == [1, 2, 3, 6, 7, 9, 8, 4, 5])
        // lifo_above 0: newest first whenever anything waits — plain LIFO.
        let (zero, _) = run(disciplineSpec(.adaptiveLifo(lifoAbove: 0), service: 0.0017))
        #expect(serviceOrder(zero) == [1, 2, 4, 6, 7, 9, 8, 5, 3])
    }

    @Test("adaptive_lifo with a threshold no line reaches is FIFO, bit for bit")
    func adaptiveIsFifoBelowThreshold() {
        let golden = run(disciplineSpec(.adaptiveLifo(lifoAbove: 1_000), service: 0.0015)).1
        #expect(golden.fingerprint == 0x4dc4_7876_da1d_8c0f)
        for seed: UInt64 in 0..<10 {
            var fifo = disciplineSpec(.fifo, service: 0.002, horizon: 2000)
            fifo.arrivals = .poisson(rate: 450)
            fifo.stations[0].service = .lognormal(mean: 0.002, cv: 2)
            var adaptive = fifo
            adaptive.stations[0].discipline = .adaptiveLifo(lifoAbove: 1_000_000)
            #expect(run(fifo, seed: seed).1 == run(adaptive, seed: seed).1)
        }
    }

    @Test("processor sharing on one core: each of n in service progresses at rate 1/n")
    func sharingOneCore() {
        // Service 1.5 ms. r1 alone 1–2 ms (0.5 left); from 2 ms r1 and r2 share: r1 ends at 3 ms
        // (r2 has 0.5 by then). At 3 ms r3 arrives: r2 (1.0 left) and r3 (1.5) share until r2
        // ends at 5 ms; r3, 0.5 left, alone until 5.5 ms.
        let (sink, outcome) = run(disciplineSpec(.processorSharing, service: 0.0015, horizon: 3.5))
        #expect(sink.requests.map(\.end) == [ms(3), ms(5), ms(5.5)])
        #expect(sink.requests.allSatisfy { $0.outcome == .success })
        // Nothing waits; a hop's service is its whole time at the station.
        #expect(sink.hops.map(\.wait) == [.zero, .zero, .zero])
        #expect(sink.hops.map(\.service) == [ms(2), ms(3), ms(2.5)].map { $0 - .zero })
        #expect(outcome.successes == 3)
        // The core is busy from 1 ms to the horizon (3.5 ms); beyond one in service is the queue
        // level: r2 from 2 to 3 ms and r3 from 3 to 3.5 ms.
        #expect(sink.closed!.busyIntegral[0] == 2.5e6)
        #expect(sink.closed!.queueIntegral[0] == 1.5e6)
    }

    @Test("processor sharing with two cores: up to two requests run at full speed")
    func sharingTwoCores() {
        let (sink, _) = run(disciplineSpec(.processorSharing, service: 0.0015, horizon: 3.5, workers: 2))
        #expect(sink.requests.map(\.end) == [ms(2.5), ms(3.5), ms(4.5)])
        // Unlimited cores: a pure delay.
        let (delay, _) = run(disciplineSpec(.processorSharing, service: 0.0015, horizon: 3.5, workers: nil))
        #expect(delay.requests.map(\.end) == [ms(2.5), ms(3.5), ms(4.5)])
    }

    @Test("processor sharing admits at most workers + queue; the rest end with queue_full")
    func sharingAdmission() {
        // Service 1.6 ms, one core, queue 1: r1 and r2 share from 2 ms (r1 ends at 3.2 ms);
        // r3 arrives at 3 ms to a full instance. r2 has 1.0 left at 3.2 ms and ends at 4.2 ms.
        let (sink, outcome) = run(disciplineSpec(.processorSharing, service: 0.0016, horizon: 3.5, queue: 1))
        #expect(sink.requests.map(\.end) == [ms(3), ms(3.2), ms(4.2)])
        #expect(sink.requests.map(\.outcome) == [.error(.queueFull), .success, .success])
        #expect(outcome.errors[Int(ErrorCause.queueFull.rawValue)] == 1)
    }

    @Test("processor sharing in a call chain: a request waiting for its downstream call uses no core")
    func sharingCallChain() {
        // ps (one core, 0.8 ms) calls db (unlimited workers, 5 ms). r1: ps 1–1.8, db 1.8–6.8;
        // r2 arrives at 2 ms while r1 holds its place at ps but is not in service: it runs
        // alone, ps 2–2.8, db 2.8–7.8.
        let spec = ModelSpec(
            stations: [
                StationSpec(
                    name: "ps", workers: 1, service: .deterministic(value: 0.0008), discipline: .processorSharing),
                StationSpec(name: "db", workers: nil, service: .deterministic(value: 0.005)),
            ],
            classes: [RequestClass(name: "default", path: [0, 1])],
            arrivals: .constant(rate: 1000),
            window: RunWindow(warmup: .zero, horizon: ms(2.5), drain: .seconds(1)))
        let (sink, _) = run(spec)
        #expect(sink.requests.map(\.end) == [ms(6.8), ms(7.8)])
        let ps = sink.hops.filter { $0.station == 0 }
        #expect(ps.map(\.service) == [ms(0.8), ms(0.8)].map { $0 - .zero })
        #expect(ps.map(\.inclusive) == [ms(5.8), ms(5.8)].map { $0 - .zero })
        // Core time inside [0, 2.5 ms]: 0.8 ms of r1 and 0.5 ms of r2 — not the held time.
        #expect(sink.closed!.busyIntegral[0] == 1.3e6)
        #expect(sink.closed!.queueIntegral[0] == 0)
    }
}

@Suite("Disciplines: invariants")
struct DisciplineInvariantTests {
    static let disciplines: [QueueDiscipline] = [.fifo, .lifo, .adaptiveLifo(lifoAbove: 1), .processorSharing]

    /// A random small network (as in `InvariantTests`), every station with discipline `d`,
    /// synchronous and pipeline classes.
    func network(_ seed: UInt64, _ d: QueueDiscipline) -> ModelSpec {
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
                balance: next(2) == 0 ? .roundRobin : .random, discipline: d)
        }
        return ModelSpec(
            stations: stations,
            classes: [
                RequestClass(name: "a", weight: 2, path: [0, 1]), RequestClass(name: "b", path: [2, 0, 2]),
                RequestClass(name: "c", path: [1, 2], mode: .pipeline),
            ],
            arrivals: .poisson(rate: 800 + Double(next(1200))),
            window: RunWindow(warmup: ms(100), horizon: ms(2000), drain: .milliseconds(Int64(next(20)))))
    }

    @Test("every request ends exactly once; levels stay in bounds", arguments: disciplines, 0..<12)
    func conservation(d: QueueDiscipline, seed: UInt64) {
        let spec = network(seed, d)
        let (sink, outcome) = run(spec, seed: seed)
        expectInvariants(spec, sink, outcome, queues: true)
        // Deterministic: the same run again gives the same trajectory.
        #expect(run(spec, seed: seed).1 == outcome)
    }

    @Test(
        "the discipline reorders service, never the requests' demands (common random numbers)",
        arguments: [QueueDiscipline.lifo, .adaptiveLifo(lifoAbove: 3)])
    func commonRandomNumbers(d: QueueDiscipline) {
        var fifo = disciplineSpec(.fifo, service: 0.002, horizon: 500)
        fifo.arrivals = .poisson(rate: 400)
        fifo.stations[0].service = .exponential(mean: 0.002)
        var other = fifo
        other.stations[0].discipline = d
        let a = run(fifo).0.hops.map(\.service).sorted { $0.nanoseconds < $1.nanoseconds }
        let b = run(other).0.hops.map(\.service).sorted { $0.nanoseconds < $1.nanoseconds }
        #expect(!a.isEmpty && a == b)
    }
}
