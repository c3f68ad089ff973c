import Testing

@testable import InfraModel

@Suite("Replication log")
struct ReplicationLogTests {
    @Test("apply = max(commit + lag, previous apply), in commit order: exact on a small trajectory")
    func applyOrder() {
        var log = ReplicationLog(replicas: 2)
        defer { log.deallocate() }
        // Commits of keys 1, 2, 3 at 0, 10, 20 ns; replica 0 lags 50, 5, 100; replica 1 lags 1, 1, 1.
        let commits: [(key: UInt64, at: Int64, lags: [Int64])] = [
            (1, 0, [50, 1]), (2, 10, [5, 1]), (3, 20, [100, 1]),
        ]
        var applies: [[Int64]] = []
        for c in commits {
            log.advance(to: c.at)
            log.lags = c.lags
            log.commit(key: c.key, now: c.at)
            applies.append([log.latestApply(0), log.latestApply(1)])
        }
        // Replica 0: 50, max(15, 50) = 50, 120. Replica 1: 1, 11, 21.
        #expect(applies == [[50, 1], [50, 11], [120, 21]])
        func stale(_ t: Int64) -> [Bool] {
            log.advance(to: t)
            return (1...3).map { log.isStale(key: $0, replica: 0) } + (1...3).map { log.isStale(key: $0, replica: 1) }
        }
        #expect(stale(21) == [true, true, true, false, false, false])
        #expect(stale(49) == [true, true, true, false, false, false])
        #expect(stale(50) == [false, false, true, false, false, false])
        #expect(log.trackedKeys == 1)
        #expect(stale(119) == [false, false, true, false, false, false])
        #expect(stale(120) == [false, false, false, false, false, false])
        #expect(log.trackedKeys == 0)
        #expect(!log.isStale(key: 99, replica: 0))
    }

    @Test(
        "a key is stale while its latest commit is unapplied, whatever earlier commits did; against a brute-force model"
    )
    func bruteForce() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let replicas = 3
        var log = ReplicationLog(replicas: replicas)
        defer { log.deallocate() }
        var history: [(key: UInt64, applies: [Int64])] = []
        var last = Array(repeating: Int64.min, count: replicas)
        var now: Int64 = 0
        for step in 0..<20_000 {
            now += Int64(next() % 7)
            log.advance(to: now)
            if step % 3 != 0 {
                let key = next() % 40 + 1
                let lags = (0..<replicas).map { _ in Int64(next() % 200) }
                log.lags = lags
                log.commit(key: key, now: now)
                var a: [Int64] = []
                for r in 0..<replicas {
                    last[r] = max(now + lags[r], last[r])
                    a.append(last[r])
                }
                history.append((key, a))
            } else {
                let key = next() % 40 + 1
                let r = Int(next() % UInt64(replicas))
                // Stale iff the key's latest commit is applied after now at replica r.
                let expected = history.last { $0.key == key }.map { $0.applies[r] > now } ?? false
                #expect(log.isStale(key: key, replica: r) == expected, "step \(step)")
            }
        }
        #expect(log.trackedKeys <= 40)
    }
}
