import CapSimTestSupport
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
        arguments: [(1, 0.1 + 0.2 / 3.0), (2, 0.1 + 0.4 / 3.0)] as [(Int, Double)])
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

    /// Replicas with 4× the primary's workers: primary 2 workers × 20 ms, two replicas 8 workers
    /// × 40 ms each, 300 reads/s (round robin: 150/s per replica) and 20 writes/s.
    static let unequalWorkers = """
        version: 1
        name: unequal
        horizon: 60s
        warmup: 5s
        replications: 10
        seed: 11
        workload:
          classes:
            - {name: r, path: [db.read], arrivals: {process: poisson, rate: 300/s}}
            - {name: w, path: [db.write], arrivals: {process: poisson, rate: 20/s}}
        components:
          db:
            kind: database
            primary: {workers: 2, service: {exponential: {mean: 20ms}}}
            replicas: {count: 2, workers: 8, service: {exponential: {mean: 40ms}}, lag: {exponential: {mean: 10ms}}}
        """

    @Test(
        "utilisation per node is λ·E[S]/c at each node's own workers, and the database's is busy over all its workers (never above 100 %)"
    )
    func utilizationPerNode() throws {
        let r = try Run(yaml: Self.unequalWorkers)
        // Offered: primary 20/s × 20 ms / 2 = 20 %; each replica 150/s × 40 ms / 8 = 75 %; all
        // together (0.4 + 6 + 6) busy workers of 2 + 8 + 8 = 68.9 % (the old figure divided the
        // 12.4 busy workers by 3 nodes × the primary's 2 workers: 207 %).
        r.expectMatches("utilization.db.primary", 20 * 0.020 / 2)
        r.expectMatches("utilization.db.replica1", 150 * 0.040 / 8)
        r.expectMatches("utilization.db.replica2", 150 * 0.040 / 8)
        r.expectMatches("utilization.db", (20 * 0.020 + 300 * 0.040) / 18)
        for id in ["utilization.db", "utilization.db.primary", "utilization.db.replica1", "utilization.db.replica2"] {
            #expect(r.values(id).allSatisfy { $0 >= 0 && $0 <= 1 }, "\(id): \(r.values(id))")
        }
        // The nodes' busy workers add up to the database's, replication by replication.
        let busy = r.values("busy.db.mean")
        let nodes = zip(
            r.values("utilization.db.primary"),
            zip(r.values("utilization.db.replica1"), r.values("utilization.db.replica2"))
        )
        .map { 2 * $0 + 8 * $1.0 + 8 * $1.1 }
        #expect(zip(busy, nodes).allSatisfy { abs($0 - $1) <= 1e-9 * $0 }, "\(busy) vs \(nodes)")
        #expect(zip(busy, r.values("utilization.db")).allSatisfy { abs($0 / 18 - $1) <= 1e-12 })
        expectConservation(r)
    }

    @Test("the time series has each node's utilisation too: its windows average to the run's figure")
    func utilizationPerNodeTimeSeries() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("unequal.yaml").path
        try Self.unequalWorkers.write(toFile: file, atomically: true, encoding: .utf8)
        let series = dir.appendingPathComponent("series.csv").path
        // 55 s measured, 11 windows of 5 s: the mean over equal windows is the run's mean.
        let r = capsim([
            "run", file, "-q", "--replications", "3", "--csv", "-", "--timeseries", series, "--timeseries-window", "5s",
        ])
        #expect(r.status == 0, "\(r.err)")
        func table(_ text: String) -> (header: [String], rows: [[String]]) {
            let lines = text.split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            return (lines[0], Array(lines.dropFirst()))
        }
        let run = table(r.out)
        let windows = table(try String(contentsOfFile: series, encoding: .utf8))
        #expect(windows.rows.count == 11)
        for id in ["utilization.db", "utilization.db.primary", "utilization.db.replica1", "utilization.db.replica2"] {
            let w = try #require(windows.header.firstIndex(of: id), "\(windows.header)")
            let values = windows.rows.compactMap { Double($0[w]) }
            #expect(values.count == 11 && values.allSatisfy { $0 > 0 && $0 <= 1 }, "\(id): \(values)")
            let k = try #require(run.header.firstIndex(of: id))
            let whole = try #require(Double(run.rows[0][k]))
            let mean = values.reduce(0, +) / 11
            #expect(abs(mean - whole) <= 1e-9, "\(id): windows \(mean), run \(whole)")
        }
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

@Suite("Replication lag from an apply queue")
struct ApplyQueueTests {
    static func database(
        writes: String, apply: String, threads: Int? = nil, lag: String? = nil, horizon: String = "200s",
        replications: Int = 10
    ) throws -> Run {
        var replicas = "count: 2, apply: \(apply)"
        if let threads { replicas += ", apply_threads: \(threads)" }
        if let lag { replicas += ", lag: \(lag)" }
        return try Run(
            yaml: """
                version: 1
                name: apply-queue
                horizon: \(horizon)
                warmup: 10s
                replications: \(replications)
                seed: 11
                workload:
                  classes:
                    - {name: w, path: [db.write], arrivals: \(writes)}
                components:
                  db:
                    kind: database
                    primary: {workers: unlimited, service: {deterministic: 1ms}}
                    replicas: {\(replicas)}
                """)
    }

    @Test("one apply thread, exponential apply: each replica is an M/M/1 queue — lag ~ Exp(μ − λ); backlog λ/(μ − λ)")
    func mm1() throws {
        // Poisson writes at 100/s commit after a fixed 1 ms (the arrivals shifted: still Poisson);
        // apply 5 ms: ρ = 0.5, mean lag 1/(200 − 100) = 10 ms, p99 = ln 100 / 100.
        let r = try Self.database(
            writes: "{process: poisson, rate: 100/s}", apply: "{exponential: {mean: 5ms}}")
        r.expectMatches("replication.db.lag.mean", 0.01)
        r.expectMatches("replication.db.lag.stddev", 0.01)
        r.expectMatches("replication.db.lag.p99", log(100) / 100)
        // Little: commits unapplied per replica = λ · E[lag] = 1.
        r.expectMatches("replication.db.backlog.mean", 1)
        expectConservation(r)
    }

    @Test("apply threads in commit order: exact lags for constant writes and a fixed apply time")
    func threads() throws {
        // Writes every 4 ms, apply 10 ms: three threads keep up (each commit waits for none), so
        // every lag is the apply time; one thread with writes every 12 ms too.
        let three = try Self.database(
            writes: "{process: constant, rate: 250/s}", apply: "{deterministic: 10ms}", threads: 3, horizon: "20s",
            replications: 2)
        let one = try Self.database(
            writes: "{process: constant, rate: 83.333333/s}", apply: "{deterministic: 10ms}", horizon: "20s",
            replications: 2)
        for run in [three, one] {
            #expect(run.values("replication.db.lag.max").allSatisfy { abs($0 - 0.010) < 1e-9 })
            #expect(run.values("replication.db.lag.p50").allSatisfy { abs($0 - 0.010) < 1e-5 })
        }
        // Two threads fall behind (200 commits/s of capacity for 250/s): the lag grows.
        let two = try Self.database(
            writes: "{process: constant, rate: 250/s}", apply: "{deterministic: 10ms}", threads: 2, horizon: "20s",
            replications: 2)
        #expect(two.values("replication.db.lag.max").allSatisfy { $0 > 1 })
        // A shipping delay before the queue adds to every lag.
        let shipped = try Self.database(
            writes: "{process: constant, rate: 83.333333/s}", apply: "{deterministic: 10ms}",
            lag: "{deterministic: 5ms}",
            horizon: "20s", replications: 2)
        #expect(shipped.values("replication.db.lag.max").allSatisfy { abs($0 - 0.015) < 1e-9 })
    }

    @Test("apply_threads without apply is an error naming the key")
    func errors() {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try? """
        version: 1
        name: bad
        horizon: 1s
        workload:
          classes:
            - {name: w, path: [db.write], arrivals: {process: poisson, rate: 10/s}}
        components:
          db:
            kind: database
            primary: {service: {deterministic: 1ms}}
            replicas: {count: 1, lag: 1ms, apply_threads: 2}
        """.write(to: file, atomically: true, encoding: .utf8)
        let r = capsim(["validate", file.path])
        #expect(r.status == 65)
        #expect(
            r.err.contains(
                "components.db.replicas.apply_threads: apply_threads needs an apply queue: give 'apply', the time to apply one commit, e.g. apply: {exponential: {mean: 2ms}}"
            ), "\(r.err)")
    }
}
