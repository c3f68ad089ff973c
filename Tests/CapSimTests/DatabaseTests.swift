import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// Databases against theory: stale reads of asynchronous replicas, sync replication's write
/// latency and freshness, reads and writes per node.
@Suite("Databases")
struct DatabaseTests {
    /// A database alone: writes of `writeRate` and reads of 2000/s over `keys` uniform keys,
    /// Poisson and independent, deterministic 1 ms service on unlimited workers, so commits and
    /// reads stay Poisson.
    func staleRun(writeRate: Double, keys: Int, lag: String) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: stale
                horizon: 12s
                warmup: 2s
                replications: 10
                seed: 7
                workload:
                  classes:
                    - {name: w, path: [db.write], arrivals: {process: poisson, rate: \(writeRate)/s}, keys: {count: \(keys)}}
                    - {name: r, path: [db.read], arrivals: {process: poisson, rate: 2000/s}, keys: {count: \(keys)}}
                components:
                  db:
                    kind: database
                    primary: {workers: unlimited, service: {deterministic: 1ms}}
                    replicas: {count: 2, lag: {deterministic: \(lag)}}
                """)
    }

    @Test(
        "K uniform keys, write rate w, fixed lag L: P(stale) = 1 − e^(−wL/K)",
        arguments: [
            (200.0, 100, "500ms", 0.5), (100.0, 1000, "1s", 1.0), (400.0, 50, "250ms", 0.25),
        ])
    func staleProbability(w: Double, k: Int, lag: String, seconds: Double) throws {
        let r = try staleRun(writeRate: w, keys: k, lag: lag)
        let theory = 1 - exp(-w * seconds / Double(k))
        r.expectMatches("stale_reads.rate", theory, floor: 0.001)
        // A fixed lag keeps commit order: every apply is exactly commit + L.
        r.expectMatches("replication.db.lag.mean", seconds, floor: 0.001)
        expectConservation(r)
    }

    /// One request at a time (constant arrivals 100 ms apart, everything done within 60 ms):
    /// `app` writes a key, then reads it back.
    func readYourWrite(_ replication: String) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: ryw
                horizon: 60s
                replications: 4
                seed: 3
                workload:
                  classes:
                    - name: rw
                      arrivals: {process: constant, rate: 10/s}
                      keys: {count: 1M}
                      path:
                        - to: app
                          calls: [db.write, db.read]
                components:
                  app: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
                  db:
                    kind: database
                    primary: {workers: 4, service: {deterministic: 1ms}}
                    replicas: {count: 2, workers: 4, lag: {uniform: [10ms, 50ms]}}
                    \(replication)
                """)
    }

    @Test(
        "sync replication: no stale read after the write returned from every replica; async reads its own write stale")
    func syncFreshness() throws {
        let all = try readYourWrite("replication: sync\n    acks: 2")
        #expect(all.values("stale_reads.rate").allSatisfy { $0 == 0 }, "\(all.values("stale_reads.rate"))")
        let async = try readYourWrite("replication: async")
        #expect(async.values("stale_reads.rate").allSatisfy { $0 == 1 }, "\(async.values("stale_reads.rate"))")
        // One ack of two: reads alternate between the replicas; the one that did not acknowledge is
        // still behind (unless both lags fall within the read's 1 ms).
        let one = try readYourWrite("replication: sync")
        for v in one.values("stale_reads.rate") { #expect(v > 0.35 && v < 0.65, "\(v)") }
    }

    /// Writes 250 ms apart, lags U(100 ms, 300 ms) at two replicas: no apply waits for an earlier
    /// one, so a sync write returns after its 1 ms service + the acks-th smallest of two lags.
    @Test(
        "sync replication: a write's latency includes the acks-th apply (E[min] and E[max] of two uniform lags)",
        arguments: [(1, 0.1 + 0.2 / 3), (2, 0.1 + 0.4 / 3)])
    func syncLatency(acks: Int, wait: Double) throws {
        let r = try Run(
            yaml: """
                version: 1
                name: sync
                horizon: 200s
                replications: 10
                seed: 11
                workload:
                  classes:
                    - {name: w, path: [db.write], arrivals: {process: constant, rate: 4/s}, keys: {count: 1000}}
                components:
                  db:
                    kind: database
                    primary: {workers: unlimited, service: {deterministic: 1ms}}
                    replicas: {count: 2, lag: {uniform: [100ms, 300ms]}}
                    replication: sync
                    acks: \(acks)
                """)
        r.expectMatches("latency.mean", 0.001 + wait, floor: 0.001)
        r.expectMatches("replication.db.lag.mean", 0.2, floor: 0.001)
    }

    @Test(
        "Scenarios/read-replicas.yaml: reads split over the nodes of the read policy, writes at the primary; same results for any --jobs"
    )
    func perNode() throws {
        let r = try Run(
            "read-replicas.yaml",
            ["horizon=20s", "warmup=2s", "replications=4", "components.db.replicas.balance=round_robin"])
        let reads = r.values("db.db.reads.rate")
        let writes = r.values("db.db.writes.rate")
        expectMean(reads, 1500, label: "reads", floor: 0.02)
        expectMean(writes, 150, label: "writes", floor: 0.05)
        #expect(r.values("db.db.primary.reads.rate").allSatisfy { $0 == 0 })
        for (i, total) in reads.enumerated() {
            let a = r.values("db.db.replica1.reads.rate")[i]
            let b = r.values("db.db.replica2.reads.rate")[i]
            // Round robin: the counts differ only by the reads in flight at the window's edges.
            #expect(abs(a + b - total) < 1e-6 * total && abs(a - b) * 18 <= 30, "\(a) \(b)")
        }
        let stale = r.values("stale_reads.rate")
        #expect(stale.allSatisfy { $0 > 0.005 && $0 < 0.2 }, "\(stale)")
        expectConservation(r)
        let any = try Run(
            "read-replicas.yaml",
            [
                "horizon=20s", "warmup=2s", "replications=4", "components.db.read_policy=any",
                "components.db.replicas.balance=round_robin",
            ])
        for node in ["primary", "replica1", "replica2"] {
            expectMean(any.values("db.db.\(node).reads.rate"), 500, label: node, floor: 0.02)
        }
        // Reads at the primary are never stale: a third of the reads less.
        #expect(zip(any.values("stale_reads.rate"), stale).allSatisfy { $0 < $1 })
        // Determinism across threads.
        let s = r.scenario
        let one = Experiment(spec: s.model, seed: s.seed, replications: 0..<3, jobs: 1).run()
        let two = Experiment(spec: s.model, seed: s.seed, replications: 0..<3, jobs: 2).run()
        #expect(one.map(\.values) == two.map(\.values) && one.map(\.outcome) == two.map(\.outcome))
    }
}
