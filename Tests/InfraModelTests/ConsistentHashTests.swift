import SimKernel
import SimRandom
import Testing
import Theory

@testable import InfraModel

/// A simulation of one consistent-hash station of `instances` instances (nothing run yet), its
/// one class with `keys`, for calling `chooseInstance` directly.
func hashPool(
    _ instances: Int, name: String = "s", vnodes: Int = 100, loadFactor: Double? = 1.25,
    keys: KeyDistribution = .uniform(count: 1_000_000), seed: UInt64 = 1
) -> Simulation<FullModel> {
    var station = StationSpec(
        name: name, instances: instances, workers: 100, service: .deterministic(value: 0.001),
        balance: .consistentHash)
    station.consistentHash = ConsistentHashOptions(vnodes: vnodes, loadFactor: loadFactor)
    var cls = RequestClass(name: "default", path: [0])
    cls.keys = keys
    let spec = ModelSpec(
        stations: [station], classes: [cls], arrivals: .poisson(rate: 1000),
        window: RunWindow(warmup: .zero, horizon: ms(10), drain: .zero))
    return Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: 0)
}

/// The instance (offset) the pool's balancer picks for a request with data key `key`.
func pick(_ sim: inout Simulation<FullModel>, key: UInt64, serial: UInt64 = 0) -> Int {
    var q = Request(arrival: .zero, serial: serial, classIndex: 0)
    q.dataKey = key
    let r = sim.requests.insert(q)
    let i = sim.chooseInstance(for: r, at: 0)
    sim.requests.remove(r)
    return Int(i)
}

/// Requests in flight at instance i of a one-station simulation.
func load(_ sim: borrowing Simulation<FullModel>, _ i: Int) -> Int { sim.inFlight(Int32(i)) }

@Suite("Consistent hashing: the ring")
struct HashRingTests {
    @Test("the hash functions are fixed: known values (never Swift's per-process Hasher)")
    func fixedHash() {
        // SplitMix64's finaliser of 0 and 1, and FNV-1a 64 of "" and "a" (published values).
        #expect(HashRing.mix(0) == 0)
        #expect(HashRing.mix(1) == 0x5692_161d_100b_05e5)
        #expect(HashRing.salt("") == 0xcbf2_9ce4_8422_2325)
        #expect(HashRing.salt("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(
            HashRing.point(salt: HashRing.salt("web"), instance: 3, vnode: 7)
                == HashRing.mix(HashRing.salt("web") ^ HashRing.mix(3 << 32 | 7)))
    }

    @Test("affinity: the same key goes to the same instance, in every replication and seed, whatever came between")
    func affinity() {
        var a = hashPool(8, loadFactor: nil, seed: 1)
        var b = hashPool(8, loadFactor: nil, seed: 99)
        let points = HashRing.points(name: "s", instances: 8, vnodes: 100)
        var g: UInt64 = 12345
        for _ in 0..<20_000 {
            g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let key = 1 + (g >> 33) % 1_000_000
            let first = pick(&a, key: key)
            #expect(first == Int(HashRing.owner(of: key, in: points)))
            #expect(pick(&b, key: key) == first)
            #expect(pick(&a, key: key, serial: g) == first)
        }
        // With the bound and an idle pool the bound never bites: the ring's owner.
        var bounded = hashPool(8)
        #expect(
            (1...5_000).allSatisfy {
                pick(&bounded, key: UInt64($0)) == Int(HashRing.owner(of: UInt64($0), in: points))
            })
    }

    @Test("adding an instance moves only the keys it takes: ≈ 1/(n + 1) of them, all to the new instance")
    func minimalDisruption() {
        // For n = 8 → 9 with v = 100 virtual nodes the new instance's share of the ring is a sum
        // of v of the (n + 1)v spacings of uniform points: Beta(v, nv), mean 1/(n + 1) = 0.1111,
        // sd √(p(1 − p)/((n + 1)v + 1)) = 0.0105; 100,000 uniform keys add a binomial sd of 0.001.
        // Each ring within 4.5 sd (0.048); the mean of 20 rings (20 component names) within 4 sd
        // of the mean (0.0094).
        let n = 8
        let keys = 100_000
        let p = 1 / Double(n + 1)
        let sd = (p * (1 - p) / Double((n + 1) * 100 + 1) + p * (1 - p) / Double(keys)).squareRoot()
        var fractions: [Double] = []
        for c in 0..<20 {
            let name = "pool\(c)"
            let before = HashRing.points(name: name, instances: n, vnodes: 100)
            let after = HashRing.points(name: name, instances: n + 1, vnodes: 100)
            var moved = 0
            for k in 1...UInt64(keys) {
                let x = HashRing.owner(of: k, in: before)
                let y = HashRing.owner(of: k, in: after)
                if x != y {
                    moved += 1
                    #expect(y == Int32(n), "key \(k) moved from \(x) to \(y), not to the new instance")
                }
            }
            let f = Double(moved) / Double(keys)
            #expect(abs(f - p) <= 4.5 * sd, "\(name): \(f) of the keys moved, expected \(p) ± \(4.5 * sd)")
            fractions.append(f)
        }
        let mean = fractions.reduce(0, +) / Double(fractions.count)
        #expect(abs(mean - p) <= 4 * sd / Double(fractions.count).squareRoot(), "mean moved \(mean), expected \(p)")
        print(
            "consistent hash 8 → 9 instances: \(mean) of the keys moved (theory \(p)); rings from \(fractions.min()!) to \(fractions.max()!)"
        )
    }

    @Test("ring shares with v virtual nodes: mean 1/n, spread √(p(1 − p)/(nv + 1)) — shrinking like 1/√v")
    func sharesMatchTheory() {
        // An instance's arc share is Beta(v, (n − 1)v) when the n·v points are uniform: the
        // sample sd over 40 rings × 10 instances (400 shares; the sum constraint within a ring
        // lowers it by a factor √(9/10) at most) must be within 20 % of theory — its own
        // relative standard error is ≈ 1/√(2·360) = 3.7 %, so 20 % is over 5 standard errors.
        let n = 10
        var measured: [Int: Double] = [:]
        for v in [1, 4, 16, 64, 256] {
            var shares: [Double] = []
            for c in 0..<40 {
                let arcs = HashRing.arcShares(HashRing.points(name: "ring\(c)", instances: n, vnodes: v), instances: n)
                #expect(abs(arcs.reduce(0, +) - 1) < 1e-9)
                shares += arcs
            }
            let p = 1 / Double(n)
            let mean = shares.reduce(0, +) / Double(shares.count)
            let sd = (shares.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(shares.count - 1)).squareRoot()
            let theory = (p * (1 - p) / Double(n * v + 1)).squareRoot()
            #expect(abs(mean - p) < 1e-9)
            #expect(abs(sd / theory - 1) <= 0.2, "v = \(v): sd \(sd), theory \(theory)")
            measured[v] = sd
            print("consistent hash, \(n) instances × \(v) vnodes: share sd \(sd) (theory \(theory))")
        }
        // 64× the virtual nodes: an 8× smaller spread (within the two 20 % bounds).
        let ratio = measured[1]! / measured[64]!
        #expect(ratio > 8 * 0.8 / 1.2 && ratio < 8 * 1.2 / 0.8, "sd ratio v=1 / v=64: \(ratio)")
    }

    @Test("the balancer's picks share uniform keys as the ring's arcs say, and Zipf keys as the exact pmf says")
    func picksMatchShares() {
        // Zipf over 5,000 keys (≤ 65,536: the shares are exact) drawn from the request keys'
        // own stream; each instance's count is binomial: within 4.5 sd.
        var cls = RequestClass(name: "default", path: [0])
        cls.keys = .zipf(exponent: 0.9, count: 5_000)
        var station = StationSpec(
            name: "cache", instances: 6, workers: 1, service: .exponential(mean: 0.001), balance: .consistentHash)
        station.consistentHash = ConsistentHashOptions(vnodes: 50, loadFactor: nil)
        let spec = ModelSpec(
            stations: [station], classes: [cls], arrivals: .poisson(rate: 100),
            window: RunWindow(warmup: .zero, horizon: ms(10), drain: .zero))
        let shares = spec.consistentHashShares(station: 0)!
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: 4), replication: 0)
        let draws = 100_000
        var counts = Array(repeating: 0, count: 6)
        for serial in 0..<UInt64(draws) {
            counts[pick(&sim, key: sim.dataKey(serial: serial, classIndex: 0), serial: serial)] += 1
        }
        for i in 0..<6 {
            let p = shares[i]
            let f = Double(counts[i]) / Double(draws)
            #expect(abs(f - p) <= 4.5 * (p * (1 - p) / Double(draws)).squareRoot(), "instance \(i): \(f) vs \(p)")
        }
        #expect(spec.heaviestInstanceShare(station: 0) == shares.max()!)
        print(
            "consistent hash, Zipf 0.9 over 5000 keys on 6 instances: shares \(shares.map { ($0 * 1000).rounded() / 1000 })"
        )
    }
}

@Suite("Consistent hashing: bounded load and health")
struct BoundedLoadTests {
    /// The reference choice: walk the sorted points from the key's successor; the first owner
    /// believed healthy with fewer than ceil(c·(T + 1)/m) in flight.
    func reference(
        _ key: UInt64, points: [(hash: UInt64, owner: Int32)], loads: [Int], healthy: [Bool], c: Double?
    ) -> Int {
        let h = HashRing.keyHash(key)
        var k = points.firstIndex { $0.hash >= h } ?? 0
        let m = healthy.filter { $0 }.count
        let total = zip(loads, healthy).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
        let cap = c.map { Int((($0 * 1e6).rounded() * Double(total + 1) / (1e6 * Double(m))).rounded(.up)) } ?? Int.max
        while true {
            let o = Int(points[k].owner)
            if healthy[o] && loads[o] < cap { return o }
            k = (k + 1) % points.count
        }
    }

    @Test(
        "no choice ever exceeds ceil(c·(in flight + 1)/n), and it is the first instance clockwise with room",
        arguments: [1.0, 1.25, 2.0])
    func boundHolds(c: Double) {
        // A random walk of arrivals (Zipf keys: a few are hot) and departures, checking every
        // choice the balancer makes against the bound and against a reference walk of the ring.
        let n = 7
        var sim = hashPool(n, name: "bounded", vnodes: 20, loadFactor: c, keys: .zipf(exponent: 1.2, count: 1_000))
        let points = HashRing.points(name: "bounded", instances: n, vnodes: 20)
        var g: UInt64 = 77
        func next(_ m: UInt64) -> Int {
            g ^= g << 13
            g ^= g >> 7
            g ^= g << 17
            return Int(g % m)
        }
        var spills = 0
        var choices = 0
        for step in 0..<60_000 {
            let loads = (0..<n).map { load(sim, $0) }
            let total = loads.reduce(0, +)
            if total > 0 && next(100) < 48 {
                // A departure from a random busy instance.
                var i = next(UInt64(n))
                while loads[i] == 0 { i = (i + 1) % n }
                sim.stage(busy: sim.instances[i].busy - 1, at: i)
                continue
            }
            let key = sim.dataKey(serial: UInt64(step), classIndex: 0)
            let i = pick(&sim, key: key, serial: UInt64(step))
            let cap = Int((c * Double(total + 1) / Double(n)).rounded(.up))
            #expect(
                loads[i] + 1 <= cap, "step \(step): instance \(i) would hold \(loads[i] + 1) > \(cap) (total \(total))")
            #expect(i == reference(key, points: points, loads: loads, healthy: Array(repeating: true, count: n), c: c))
            if i != Int(HashRing.owner(of: key, in: points)) { spills += 1 }
            choices += 1
            sim.stage(busy: sim.instances[i].busy + 1, at: i)
        }
        #expect(spills > 0)
        print("bounded load c = \(c): \(spills) of \(choices) choices spilled past the key's owner")
    }

    @Test("instances believed unhealthy are skipped; only their keys move (and the bound counts the healthy ones)")
    func unhealthySkipped() {
        for c in [nil, 1.25] as [Double?] {
            var sim = hashPool(6, name: "h", vnodes: 40, loadFactor: c)
            let points = HashRing.points(name: "h", instances: 6, vnodes: 40)
            for i in [1, 4] { sim.instances[i].healthy = false }
            sim.stations[0].healthyCount = 4
            var healthy = Array(repeating: true, count: 6)
            healthy[1] = false
            healthy[4] = false
            var loads = Array(repeating: 0, count: 6)
            for (i, l) in [(0, 3), (2, 1), (3, 0), (5, 2), (1, 9)] {
                sim.stage(busy: Int32(l), at: i)
                loads[i] = l
            }
            for key in UInt64(1)...5_000 {
                let i = pick(&sim, key: key)
                #expect(i != 1 && i != 4)
                #expect(i == reference(key, points: points, loads: loads, healthy: healthy, c: c))
                let owner = Int(HashRing.owner(of: key, in: points))
                if c == nil && healthy[owner] { #expect(i == owner, "key \(key) of a healthy instance moved") }
            }
        }
    }

    @Test(
        "Zipf keys: without a bound the hottest instance is overloaded and turns requests away; with c = 1.25 it is capped"
    )
    func zipfHotInstance() {
        // 8 single-worker instances (exponential 1 ms, queue 20) at 4000/s: 50 % on average. Zipf
        // 1.1 over 1,000 keys gives key 1 alone ≈ 18 % of the requests, so the instance owning it
        // receives more than its capacity: it loses at least (λ_hot − μ)/λ of all requests to
        // queue_full in the long run. The bound spreads the excess.
        func spec(_ c: Double?) -> ModelSpec {
            var station = StationSpec(
                name: "web", instances: 8, workers: 1, queueCapacity: 20,
                service: .exponential(mean: 0.001), balance: .consistentHash)
            station.consistentHash = ConsistentHashOptions(vnodes: 100, loadFactor: c)
            var cls = RequestClass(name: "get", path: [0])
            cls.keys = .zipf(exponent: 1.1, count: 1_000)
            return ModelSpec(
                stations: [station], classes: [cls], arrivals: .poisson(rate: 4000),
                window: RunWindow(warmup: ms(500), horizon: ms(10_500), drain: .seconds(1)))
        }
        let share = spec(nil).heaviestInstanceShare(station: 0)
        let rho = spec(nil).offeredLoad()[0].utilization!
        #expect(rho > 1, "validate's notion: the hottest instance is offered \(rho)")
        #expect(spec(1.25).offeredLoad()[0].utilization! <= 1.25 * 0.5 + 1e-9)
        let lossFloor = (share * 4000 - 1000) / 4000
        var unbounded = 0.0
        var bounded = 0.0
        for rep in 0..<3 {
            let (s1, o1) = run(spec(nil), seed: 3, replication: rep)
            let (s2, o2) = run(spec(1.25), seed: 3, replication: rep)
            expectInvariants(spec(nil), s1, o1)
            expectInvariants(spec(1.25), s2, o2)
            unbounded += Double(o1.errors[Int(ErrorCause.queueFull.rawValue)]) / Double(o1.arrivals) / 3
            bounded += Double(o2.errors[Int(ErrorCause.queueFull.rawValue)]) / Double(o2.arrivals) / 3
        }
        // The loss floor is a long-run bound; 10 s of 4000/s gives a few thousand losses at the
        // hot instance, so 0.8 × the floor leaves room for the finite run.
        #expect(unbounded >= 0.8 * lossFloor, "unbounded: \(unbounded) turned away, floor \(lossFloor)")
        #expect(bounded < 1e-3, "bounded: \(bounded) turned away")
        print(
            "Zipf 1.1 hot instance: share \(share), offered \(rho); queue_full unbounded \(unbounded) (floor \(lossFloor)), c = 1.25 \(bounded)"
        )
    }

    @Test("one key, two instances, constant arrivals: exact trajectories with and without the bound")
    func exactTrajectory() {
        // Every request has key 1. Arrivals every 1 ms, deterministic 1.5 ms service, 1 worker.
        // Unbounded: all go to the key's owner, a D/D/1 queue: request k ends at 1 + 1.5k ms.
        // c = 1: at most ceil((T + 1)/2) in flight — when the owner is busy (T = 1, bound 1) the
        // request walks on to the other instance, so no request ever waits: k ends at k + 1.5 ms.
        func spec(_ c: Double?) -> ModelSpec {
            var s = tinySpec(queue: nil, instances: 2)
            s.stations[0].balance = .consistentHash
            s.stations[0].consistentHash = ConsistentHashOptions(vnodes: 10, loadFactor: c)
            s.classes[0].keys = .uniform(count: 1)
            return s
        }
        let (plain, o1) = run(spec(nil))
        let ends1 = plain.requests.sorted { $0.arrival < $1.arrival }.map(\.end)
        #expect(ends1 == (1...9).map { ms(1 + 1.5 * Double($0)) })
        #expect(o1.successes == 9)
        let (bounded, o2) = run(spec(1))
        let got = bounded.requests.sorted { $0.arrival < $1.arrival }
        #expect(got.map(\.end) == (1...9).map { ms(Double($0) + 1.5) })
        #expect(bounded.hops.allSatisfy { $0.wait == .zero })
        #expect(o2.successes == 9)
    }
}

@Suite("Consistent hashing: request keys")
struct RequestKeyTests {
    @Test("a request's key is its own draw: the same in every design, for retries and for branch strands")
    func keysBelongToTheRequest() {
        // Two classes with keys (one with a client that retries, one that fans out) and a class
        // without keys; the keyless class draws nothing and has key 0.
        var web = StationSpec(
            name: "web", instances: 3, workers: 1, service: .deterministic(value: 0.01), balance: .consistentHash)
        web.consistentHash = ConsistentHashOptions(vnodes: 10)
        let a = StationSpec(name: "a", instances: 1, workers: 1, service: .deterministic(value: 0.001))
        let b = StationSpec(name: "b", instances: 2, workers: 1, service: .deterministic(value: 0.001))
        var retrying = RequestClass(
            name: "retrying", weight: 1, path: [0],
            client: ClientPolicy(timeout: .milliseconds(1), retries: RetryPolicy(maxRetries: 3)))
        retrying.keys = .zipf(exponent: 1, count: 100)
        var fanning = RequestClass(
            name: "fanning", weight: 1,
            calls: [CallNode(station: 1, steps: [.parallel([1, 2])]), CallNode(station: 2), CallNode(station: 2)])
        fanning.keys = .uniform(count: 1_000_000)
        let plain = RequestClass(name: "plain", weight: 1, path: [1])
        let spec = ModelSpec(
            stations: [web, a, b], classes: [retrying, fanning, plain], arrivals: .poisson(rate: 1000),
            window: RunWindow(warmup: .zero, horizon: ms(100), drain: .seconds(1)))
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: 8), replication: 2)
        var other = spec
        other.stations[0].instances = 5
        other.stations[0].balance = .consistentHash
        let sim2 = Simulation<FullModel>(spec: other, streams: StreamStore(seed: 8), replication: 2)
        #expect(sim.arrivals.keys.classes[2] == nil)
        for serial in UInt64(0)..<200 {
            #expect(sim.dataKey(serial: serial, classIndex: 2) == 0)
            for c: Int32 in [0, 1] {
                let k = sim.dataKey(serial: serial, classIndex: c)
                #expect(k >= 1 && k <= spec.classes[Int(c)].keys!.count)
                #expect(sim2.dataKey(serial: serial, classIndex: c) == k)
                #expect(sim.dataKey(serial: serial, classIndex: c) == k)
            }
        }
        // A client's attempts: start one, then a retry by hand — the same key.
        var sink = RecordingSink()
        sim.startClient(serial: 41, classIndex: 0, into: &sink)
        let first = sim.clients[0].current
        #expect(sim.requests[first].dataKey == sim.dataKey(serial: 41, classIndex: 0))
        sim.requests[first].abandon()
        sim.clients[0].current = -1
        sim.startAttempt(0, into: &sink)
        let second = sim.clients[0].current
        #expect(second != first && sim.requests[second].attempt == 1)
        #expect(sim.requests[second].dataKey == sim.requests[first].dataKey)
        // A fan-out: the branch strands carry the caller's key.
        let r = sim.requests.insert(Request(arrival: .zero, serial: 42, classIndex: 1))
        sim.requests[r].dataKey = sim.dataKey(serial: 42, classIndex: 1)
        sim.beginTree(r)
        sim.enterStation(r, into: &sink)
        sim.endService(of: r, into: &sink)
        let branches = (0..<Int32(sim.requests.used)).filter {
            sim.requests.slots[Int($0)].isLive && sim.requests[$0].parent == r
        }
        #expect(branches.count == 2)
        for s in branches { #expect(sim.requests[s].dataKey == sim.requests[r].dataKey) }
    }

    @Test("a run with keyed classes is deterministic and conserves requests under consistent_hash with health checks")
    func determinism() {
        var web = StationSpec(
            name: "web", instances: 5, workers: 2, queueCapacity: 10, service: .exponential(mean: 0.002),
            balance: .consistentHash,
            failures: FailureSpec(timeToFailure: .exponential(mean: 0.5), timeToRepair: .exponential(mean: 0.1)),
            healthCheck: HealthCheck(interval: .milliseconds(20)))
        web.consistentHash = ConsistentHashOptions(vnodes: 30, loadFactor: 1.5)
        var cls = RequestClass(name: "get", path: [0])
        cls.keys = .zipf(exponent: 0.99, count: 5_000_000)
        let spec = ModelSpec(
            stations: [web], classes: [cls], arrivals: .poisson(rate: 2000),
            window: RunWindow(warmup: ms(100), horizon: ms(3000), drain: .seconds(1)))
        let (s1, o1) = run(spec, seed: 11, replication: 4)
        let (_, o2) = run(spec, seed: 11, replication: 4)
        #expect(o1 == o2)
        expectInvariants(spec, s1, o1)
        #expect(o1.errors[Int(ErrorCause.instanceFailed.rawValue)] > 0)
    }
}
