import SimRandom
import Testing

@Suite("StreamKey and StreamStore")
struct StreamKeyTests {
    @Test("keys are pinned: the derivation must not change (values from an independent Python implementation)")
    func goldenKeys() {
        #expect(StreamKey(seed: 42, path: "web", purpose: .service).words == SIMD2(0x943B_361A, 0xE960_C8C0))
        #expect(StreamKey(seed: 0, path: "", purpose: .arrivals).words == SIMD2(0x98AF_BBC7, 0x2FE4_757C))
        #expect(
            StreamKey(seed: .max, path: "edge/lb/web-1", purpose: .routing).words == SIMD2(0x8545_07D8, 0x7DDC_BF56))
        #expect(StreamKey(seed: 42, path: "web", purpose: .service).description == "e960c8c0943b361a")
    }

    /// A realistic set of component paths.
    static let paths: [String] = {
        let tiers = ["edge", "web", "app", "cache", "db", "queue", "auth", "search", "batch", "cdn"]
        var out: [String] = []
        for i in 0..<1000 {
            let tier = tiers[i % tiers.count]
            switch i % 4 {
            case 0: out.append("\(tier)-\(i)")
            case 1: out.append("\(tier)/instances/\(i)")
            case 2: out.append("region-\(i % 7)/\(tier)-\(i)")
            default: out.append("workloads/\(tier)/class-\(i)")
            }
        }
        return out
    }()

    @Test("1000 paths × all purposes give distinct keys, and different seeds give different keys")
    func noCollisions() {
        #expect(Set(Self.paths).count == 1000)
        var seen: [StreamKey: String] = [:]
        for seed: UInt64 in [1, 2] {
            for path in Self.paths {
                for purpose in StreamPurpose.allCases {
                    let key = StreamKey(seed: seed, path: path, purpose: purpose)
                    #expect(seen[key] == nil, "\(seed) \(path) \(purpose) collides with \(seen[key] ?? "")")
                    seen[key] = "\(seed) \(path) \(purpose)"
                }
            }
        }
        #expect(seen.count == 2 * 1000 * StreamPurpose.allCases.count)
        for path in Self.paths.prefix(50) {
            let keys = Set((0..<100).map { StreamKey(seed: UInt64($0), path: path, purpose: .service) })
            #expect(keys.count == 100)
        }
        #expect(
            StreamKey(seed: 1, path: "web", purpose: .service) != StreamKey(seed: 1, path: "webs", purpose: .service))
    }

    @Test("the same (path, purpose) returns the same stream; allocation order does not matter")
    func storeIdentity() {
        let a = StreamStore(seed: 5)
        defer { withExtendedLifetime(a) {} }
        let x1 = a.stream(path: "web", purpose: .service)
        let y1 = a.stream(path: "db", purpose: .service)
        let x2 = a.stream(path: "web", purpose: .service)
        #expect(x1.rng == x2.rng)
        #expect(x1.rng != y1.rng)
        #expect(a.count == 2)
        #expect(a.seed == 5)

        let b = StreamStore(seed: 5)
        defer { withExtendedLifetime(b) {} }
        let y2 = b.stream(path: "db", purpose: .service)
        _ = b.stream(path: "other", purpose: .failures)
        let x3 = b.stream(path: "web", purpose: .service)
        #expect(x3.key == StreamKey(seed: 5, path: "web", purpose: .service).words)
        for e: UInt64 in [0, 17] {
            x1.seat(replication: 2, entity: e)
            x3.seat(replication: 2, entity: e)
            y1.seat(replication: 2, entity: e)
            y2.seat(replication: 2, entity: e)
            for _ in 0..<9 {
                #expect(x1.uniform() == x3.uniform())
                #expect(y1.uniform() == y2.uniform())
            }
        }
    }

    @Test("stores on different threads give identical streams")
    func concurrentStores() async {
        let results = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = StreamStore(seed: 77)
                    defer { withExtendedLifetime(store) {} }
                    let s = store.stream(path: "web", purpose: .arrivals)
                    s.seat(replication: 1, entity: 9)
                    return (0..<100).map { _ in s.uniform() }
                }
            }
            var all: [[Double]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 4)
        #expect(Set(results.map { $0.description }).count == 1)
    }
}
