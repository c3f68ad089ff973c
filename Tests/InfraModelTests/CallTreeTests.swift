import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// Call trees: sequential and parallel calls, optional and repeated calls, exactly.
@Suite("Call trees: exact trajectories and invariants")
struct CallTreeTests {
    /// front (10 workers, 0.5 ms) fans out to a (1 worker, no queue, 5 ms) and b (a pure delay of
    /// 1 ms), then calls c (a pure delay of 1 ms). Arrivals every 1 ms from 1 ms; horizon 10 ms.
    func fanOutSpec(aQueue: Int? = 0) -> ModelSpec {
        let stations = [
            StationSpec(name: "front", workers: 10, service: .deterministic(value: 0.0005)),
            StationSpec(name: "a", workers: 1, queueCapacity: aQueue, service: .deterministic(value: 0.005)),
            StationSpec(name: "b", workers: nil, service: .deterministic(value: 0.001)),
            StationSpec(name: "c", workers: nil, service: .deterministic(value: 0.001)),
        ]
        let calls = [
            CallNode(station: 0, steps: [.parallel([1, 2]), .call(3)]),
            CallNode(station: 1), CallNode(station: 2), CallNode(station: 3),
        ]
        return ModelSpec(
            stations: stations, classes: [RequestClass(name: "page", calls: calls)], arrivals: .constant(rate: 1000),
            window: RunWindow(warmup: .zero, horizon: ms(10), drain: .seconds(1)))
    }

    @Test("a fan-out waits for its slowest branch, then the next call; a rejected branch fails the request at once")
    func fanOutExact() {
        var sim = Simulation<FullModel>(spec: fanOutSpec(), streams: StreamStore(seed: 1), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        // Request k arrives at k ms and fans out at k + 0.5 ms. a is held 5 ms by request 1
        // (1.5–6.5 ms) and request 6 (6.5–11.5 ms; request 1's end comes first at 6.5 ms, being
        // scheduled first); every other request finds a full and fails then, releasing front.
        #expect(sink.requests.count == 9)
        for (i, r) in sink.requests.sorted(by: { $0.arrival < $1.arrival }).enumerated() {
            let k = Double(i + 1)
            #expect(r.arrival == ms(k))
            if k == 1 || k == 6 {
                #expect(r.outcome == .success, "request \(k)")
                #expect(r.end == ms(k + 0.5 + 5 + 1), "request \(k): front, then a (the slower branch), then c")
            } else {
                #expect(r.outcome == .error(.queueFull), "request \(k)")
                #expect(r.end == ms(k + 0.5), "request \(k) fails when a turns it away")
            }
        }
        #expect(outcome.successes == 2 && outcome.errors[Int(ErrorCause.queueFull.rawValue)] == 7)
        // Every strand ended, detached b branches of failed requests included.
        #expect(sim.requests.liveCount == 0)
        // front's inclusive time covers the fan-out and the call to c.
        let front = sink.hops.filter { $0.station == 0 && $0.inclusive > .nanoseconds(1_000_000) }
        #expect(front.map(\.inclusive) == [.nanoseconds(6_500_000), .nanoseconds(6_500_000)])
    }

    @Test("hop times of a tree are kept per node and add up along the critical path")
    func hopTimes() {
        struct Sink: RecordSink {
            var times: [[Int64]] = []
            mutating func requestEnded(_ r: RequestRecord) {
                if let h = r.hopTimes { times.append((0..<4).map { h[$0] }) }
            }
            mutating func hopEnded(_ h: HopRecord) {}
            mutating func windowOpened(_ c: ModelCounters) {}
            mutating func windowClosed(_ c: ModelCounters) {}
        }
        var sim = Simulation<FullModel>(spec: fanOutSpec(aQueue: nil), streams: StreamStore(seed: 1), replication: 0)
        var sink = Sink()
        _ = sim.run(into: &sink)
        // The first request meets no queue: 0.5 ms at front, 5 at a, 1 at b, 1 at c.
        #expect(sink.times.first == [500_000, 5_000_000, 1_000_000, 1_000_000])
        #expect(sink.times.count == 9)
    }

    /// front (a pure delay of 0) calls db (exponential) with a probability and/or repeatedly.
    func optionalSpec(probability: Double, meanCalls: Double, horizon: Double = 200) -> ModelSpec {
        let stations = [
            StationSpec(name: "front", workers: nil, service: .deterministic(value: 0)),
            StationSpec(name: "db", workers: nil, service: .exponential(mean: 0.001)),
        ]
        let calls = [
            CallNode(station: 0, steps: [.call(1)]),
            CallNode(station: 1, probability: probability, meanCalls: meanCalls),
        ]
        return ModelSpec(
            stations: stations, classes: [RequestClass(name: "q", calls: calls)], arrivals: .poisson(rate: 100),
            window: RunWindow(warmup: .zero, horizon: SimTime(nanoseconds: Int64(horizon * 1e9)), drain: .seconds(10)))
    }

    /// Requests and visits to db (all requests succeed: the stations are pure delays).
    func dbVisits(_ spec: ModelSpec, seed: UInt64 = 3) -> (requests: Int, visits: Int) {
        struct Sink: RecordSink {
            var requests = 0, visits = 0
            mutating func requestEnded(_ r: RequestRecord) { requests += 1 }
            mutating func hopEnded(_ h: HopRecord) { if h.station == 1 { visits += 1 } }
            mutating func windowOpened(_ c: ModelCounters) {}
            mutating func windowClosed(_ c: ModelCounters) {}
        }
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: 0)
        var sink = Sink()
        let outcome = sim.run(into: &sink)
        #expect(outcome.successes == outcome.arrivals)
        return (sink.requests, sink.visits)
    }

    @Test("a call made with probability p is made by a share p of the requests (binomial bound)")
    func probability() {
        let (n, visits) = dbVisits(optionalSpec(probability: 0.3, meanCalls: 1))
        let share = Double(visits) / Double(n)
        // Binomial: sd √(p(1−p)/n); 4.5 sd is a false alarm about once in 300,000 runs.
        #expect(abs(share - 0.3) <= 4.5 * (0.3 * 0.7 / Double(n)).squareRoot(), "share \(share) of \(n)")
        #expect(n > 15_000)
    }

    @Test("a repeated call is made a geometric number of times with the given mean")
    func repeated() {
        let (n, visits) = dbVisits(optionalSpec(probability: 1, meanCalls: 2.5))
        let mean = Double(visits) / Double(n)
        // Geometric on 1, 2, … with mean m: variance m(m − 1) = 3.75.
        #expect(abs(mean - 2.5) <= 4.5 * (3.75 / Double(n)).squareRoot(), "mean visits \(mean) of \(n)")
    }

    @Test("a request's optional and repeated calls are its own: the same whatever the design (common random numbers)")
    func commonRandomNumbers() {
        var a = optionalSpec(probability: 0.5, meanCalls: 2, horizon: 20)
        var b = a
        a.stations[1].workers = 1
        b.stations[1].workers = 4
        b.stations[1].instances = 3
        b.stations[1].balance = .random
        let x = dbVisits(a)
        let y = dbVisits(b)
        #expect(x.requests == y.requests)
        #expect(x.visits == y.visits)
    }

    @Test("strands end exactly once under random trees, bounded queues, timeouts and retries", arguments: 0..<12)
    func invariants(seed: UInt64) {
        let stations = [
            StationSpec(name: "web", instances: 2, workers: 2, queueCapacity: 4, service: .exponential(mean: 0.001)),
            StationSpec(
                name: "a", workers: 2, queueCapacity: 2, service: .exponential(mean: 0.002), dropExpired: seed % 2 == 0),
            StationSpec(name: "b", workers: 16, service: .exponential(mean: 0.001)),
            StationSpec(name: "c", workers: 1, queueCapacity: nil, service: .exponential(mean: 0.0005)),
        ]
        let calls = [
            CallNode(station: 0, steps: [.parallel([1, 2]), .call(4), .parallel([5, 6])]),
            CallNode(station: 1, steps: [.call(3)]),
            CallNode(station: 2, probability: 0.7),
            CallNode(station: 3, meanCalls: 1.5),
            CallNode(station: 3, probability: 0.5, meanCalls: 2),
            CallNode(station: 2, meanCalls: 3),
            CallNode(station: 1, probability: 0.4),
        ]
        let client =
            seed % 3 == 0
            ? nil
            : ClientPolicy(timeout: .milliseconds(30), retries: RetryPolicy(maxRetries: 2, base: .milliseconds(1)))
        let spec = ModelSpec(
            stations: stations, classes: [RequestClass(name: "t", calls: calls, client: client)],
            arrivals: .poisson(rate: 400),
            window: RunWindow(warmup: .zero, horizon: SimTime(nanoseconds: 3_000_000_000), drain: .seconds(5)))
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        expectInvariants(spec, sink, outcome, queues: true)
        #expect(outcome.errors[Int(ErrorCause.inFlightAtEnd.rawValue)] == 0)
        // The run exercises both outcomes (a test that cannot fail proves nothing).
        #expect(
            outcome.successes > outcome.arrivals / 4,
            "successes \(outcome.successes), errors \(outcome.errors) of \(outcome.arrivals)")
        #expect(
            outcome.errors[Int(ErrorCause.queueFull.rawValue)] > 0,
            "successes \(outcome.successes), errors \(outcome.errors) of \(outcome.arrivals)")
        #expect(sim.requests.liveCount == 0, "every strand, detached ones included, has ended")
        for i in 0..<sim.instanceCount { #expect(sim.instances[i].busy == 0 && sim.instances[i].waiting.isEmpty) }
        #expect(sim.loadsDisagree() == nil, "\(sim.loadsDisagree() ?? "")")
    }
}
