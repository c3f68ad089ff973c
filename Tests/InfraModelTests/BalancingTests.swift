import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// A simulation of one station with `instances` instances (nothing run yet), for calling
/// `chooseInstance` directly and setting the instances' loads by hand.
func pool(_ instances: Int, _ balance: BalancePolicy, weights: [Int]? = nil, seed: UInt64 = 1) -> Simulation<FullModel>
{
    let spec = ModelSpec(
        stations: [
            StationSpec(
                name: "s", instances: instances, workers: 100, service: .deterministic(value: 0.001),
                balance: balance, weights: weights)
        ],
        classes: [RequestClass(name: "default", path: [0])],
        arrivals: .poisson(rate: 1000),
        window: RunWindow(warmup: .zero, horizon: ms(10), drain: .zero))
    return Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: 0)
}

/// The instance `balance` picks for a request with serial `serial` (offset in the pool).
func pick(_ sim: inout Simulation<FullModel>, serial: UInt64 = 0) -> Int {
    let r = sim.requests.insert(Request(arrival: .zero, serial: serial, classIndex: 0))
    let i = sim.chooseInstance(for: r, at: 0)
    sim.requests.remove(r)
    return Int(i)
}

@Suite("Balancing: policies exactly")
struct BalancingPolicyTests {
    @Test("weighted round robin [3, 1]: 0, 0, 1, 0 repeated — exactly 3 of every 4 consecutive picks")
    func weighted31() {
        var sim = pool(2, .weightedRoundRobin, weights: [3, 1])
        let picks = (0..<400).map { _ in pick(&sim) }
        #expect(picks == Array((0..<100).map { _ in [0, 0, 1, 0] }.joined()))
        for start in 0...(picks.count - 4) {
            #expect(picks[start..<start + 4].filter { $0 == 0 }.count == 3)
        }
    }

    @Test("weighted round robin [2, 1] interleaves: never three picks of the heavy instance in a row")
    func weighted21() {
        var sim = pool(2, .weightedRoundRobin, weights: [2, 1])
        let picks = (0..<300).map { _ in pick(&sim) }
        #expect(picks.count > 3)
        for start in 0...(picks.count - 3) {
            #expect(picks[start..<start + 3] != [0, 0, 0])
            #expect(picks[start..<start + 3].filter { $0 == 0 }.count == 2)
        }
    }

    @Test("smooth weighted round robin: any W = Σw consecutive picks give instance i exactly wᵢ", arguments: 0..<40)
    func weightedExactShares(seed: UInt64) {
        var g = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: UInt64) -> Int {
            g ^= g << 13
            g ^= g >> 7
            g ^= g << 17
            return Int(g % n)
        }
        let n = 1 + next(12)
        let weights = (0..<n).map { _ in [1, 1, 2, 3, 5, 7, 20, 100][next(8)] }
        let total = weights.reduce(0, +)
        var sim = pool(n, .weightedRoundRobin, weights: weights)
        let picks = (0..<3 * total).map { _ in pick(&sim) }
        for start in stride(from: 0, through: 2 * total, by: max(1, total / 7)) {
            var counts = Array(repeating: 0, count: n)
            for p in picks[start..<start + total] { counts[p] += 1 }
            #expect(counts == weights, "weights \(weights), window at \(start)")
        }
    }

    @Test("weighted round robin without weights is equal weights: plain round robin")
    func weightedEqual() {
        var wrr = pool(5, .weightedRoundRobin)
        var rr = pool(5, .roundRobin)
        #expect((0..<23).map { _ in pick(&wrr) } == (0..<23).map { _ in pick(&rr) })
    }

    @Test("least outstanding: the fewest in flight (busy + waiting); ties go round robin from the last pick")
    func leastOutstanding() {
        var sim = pool(4, .leastOutstanding)
        // An idle pool is visited in turn, not herded onto instance 0.
        #expect((0..<9).map { _ in pick(&sim) } == [0, 1, 2, 3, 0, 1, 2, 3, 0])
        for (i, busy) in [2, 1, 1, 3].enumerated() { sim.stage(busy: Int32(busy), at: i) }
        // Last pick was 0: the scan starts at 1. Instances 1 and 2 tie at 1 in flight.
        #expect(pick(&sim) == 1)
        #expect(pick(&sim) == 2)
        #expect(pick(&sim) == 1)
        // Waiting requests count as in flight: instance 1 now holds 1 busy + 2 waiting.
        sim.stage(waiting: 7, at: 1)
        sim.stage(waiting: 8, at: 1)
        #expect(pick(&sim) == 2)
        #expect(pick(&sim) == 2)
        sim.stage(busy: 0, at: 3)
        #expect(pick(&sim) == 3)
    }

    @Test("power of two: of two distinct random instances the one with fewer in flight; never the only loaded one")
    func powerOfTwoAvoidsTheLoaded() {
        var sim = pool(5, .powerOfTwo)
        sim.stage(busy: 1, at: 3)
        let picks = (0..<2_000).map { pick(&sim, serial: UInt64($0)) }
        #expect(!picks.contains(3))
        #expect(Set(picks) == [0, 1, 2, 4])
        var two = pool(2, .powerOfTwo)
        two.stage(busy: 1, at: 0)
        #expect((0..<200).allSatisfy { pick(&two, serial: UInt64($0)) == 1 })
    }

    @Test("power of two: on a tie the first draw wins, and it is the instance `random` picks (same stream and seat)")
    func powerOfTwoFirstDrawIsRandom() {
        var p2 = pool(7, .powerOfTwo, seed: 9)
        var random = pool(7, .random, seed: 9)
        let a = (0..<1_000).map { pick(&p2, serial: UInt64($0)) }
        let b = (0..<1_000).map { pick(&random, serial: UInt64($0)) }
        #expect(a == b)
        #expect(Set(a).count == 7)
    }

    @Test("weighted round robin [3, 1] end to end: every request's end to the nanosecond")
    func weightedTrajectory() {
        // Arrivals every 1 ms, deterministic 1.2 ms service, one worker per instance. Instance 0
        // gets arrivals 1, 2, 4, 5, 6, 8, … (3 of every 4): it queues; instance 1 never does.
        var spec = tinySpec(queue: nil, instances: 2)
        spec.window.horizon = ms(40)
        spec.stations[0].service = .deterministic(value: 0.0012)
        spec.stations[0].balance = .weightedRoundRobin
        spec.stations[0].weights = [3, 1]
        let (sink, outcome) = run(spec)
        var free = [SimTime.zero, SimTime.zero]
        var expected: [(SimTime, SimTime)] = []
        for k in 1...39 {
            let i = [0, 0, 1, 0][(k - 1) % 4]
            let end = max(ms(Double(k)), free[i]) + .nanoseconds(1_200_000)
            free[i] = end
            expected.append((ms(Double(k)), end))
        }
        let got = sink.requests.sorted { $0.arrival < $1.arrival }.map { ($0.arrival, $0.end) }
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) {
            #expect(g.0 == e.0 && g.1 == e.1, "arrival \(g.0): end \(g.1), expected \(e.1)")
        }
        #expect(sink.hops.contains { $0.wait > .zero })
        #expect(outcome.arrivals == 39 && outcome.successes == 39)
    }
}

@Suite("Balancing: invariants under every policy")
struct BalancingInvariantTests {
    /// A small random network with finite queues and two classes, every station on `policy`.
    func spec(_ seed: UInt64, _ policy: BalancePolicy) -> ModelSpec {
        var g = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: UInt64) -> Int {
            g ^= g << 13
            g ^= g >> 7
            g ^= g << 17
            return Int(g % n)
        }
        let stations = (0..<3).map { i in
            let n = 1 + next(5)
            return StationSpec(
                name: "s\(i)", instances: n, workers: 1 + next(3), queueCapacity: next(3) == 0 ? nil : next(5),
                service: [
                    Distribution.exponential(mean: 0.003), .lognormal(mean: 0.003, cv: 2), .deterministic(value: 0.002),
                ][next(3)],
                balance: policy, weights: policy == .weightedRoundRobin ? (0..<n).map { _ in 1 + next(4) } : nil)
        }
        // Keys for consistent_hash (drawn, and unused, under the other policies).
        var a = RequestClass(name: "a", weight: 2, path: [0, 1], mode: .pipeline)
        var b = RequestClass(name: "b", path: [2, 0, 2], mode: .pipeline)
        a.keys = .zipf(exponent: 0.9, count: 1_000)
        b.keys = .uniform(count: 50)
        return ModelSpec(
            stations: stations,
            classes: [a, b],
            arrivals: .poisson(rate: 800 + Double(next(1200))),
            window: RunWindow(warmup: ms(100), horizon: ms(2000), drain: .milliseconds(Int64(next(20)))))
    }

    @Test("every request ends exactly once", arguments: BalancePolicy.allCases, 0..<8)
    func conservation(policy: BalancePolicy, seed: UInt64) {
        let spec = spec(seed, policy)
        let (sink, outcome) = run(spec, seed: seed)
        #expect(outcome.arrivals > 1_000)
        expectInvariants(spec, sink, outcome)
    }

    @Test(
        "same seed, same trajectory; the policy changes the trajectory, not the requests' demands",
        arguments: BalancePolicy.allCases)
    func determinismAndCommonRandomNumbers(policy: BalancePolicy) {
        var s = spec(3, policy)
        for i in s.stations.indices { s.stations[i].queueCapacity = nil }
        s.window.drain = .seconds(3600)  // everything finishes, so both runs report every hop
        var baseline = s
        for i in baseline.stations.indices {
            baseline.stations[i].balance = .roundRobin
            baseline.stations[i].weights = nil
        }
        let a = run(s, seed: 5, replication: 1)
        let b = run(s, seed: 5, replication: 1)
        #expect(a.1 == b.1)
        let demands = { (sink: RecordingSink) in sink.hops.map(\.service).sorted { $0.nanoseconds < $1.nanoseconds } }
        #expect(demands(a.0) == demands(run(baseline, seed: 5, replication: 1).0))
    }
}
