import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing
import Theory

@testable import CapSimCLI

/// Keeps every request's and visit's record and the window's counters, for exact checks.
/// Database backups and restores, exactly: the writes a total loss loses request by request (since
/// the last completed backup, or the last shipped log), the restore's outage, a backup's load on
/// its node only during its window, and total losses when every node is down.
@Suite("Database backups and restores")
struct DatabaseBackupTests {
    /// Writes every 10 ms (1 ms of service: each commits 1 ms after it arrives, at x.xx1 s) and
    /// reads every 5 ms at two replicas with a fixed lag of 95 ms. Backups every 30 s from
    /// 20.0005 s, 5 s long; the data is lost at 60.0055 s and the restore takes 7 s.
    static func yaml(
        backups: String = "{every: 30s, at: 20.0005s, duration: 5s, from: primary}",
        restore: String = "{time: 7s}", events: String = "  - {at: 60.0055s, data_loss: {component: db}}",
        replication: String = "async"
    ) -> String {
        """
        version: 1
        name: backups
        horizon: 2m
        warmup: 10s
        replications: 1
        seed: 5
        workload:
          classes:
            - {name: w, path: [db.write], arrivals: {process: constant, rate: 100/s}, keys: {count: 50}}
            - {name: r, path: [db.read], arrivals: {process: constant, rate: 200/s}, keys: {count: 50}}
        components:
          db:
            kind: database
            primary: {workers: unlimited, service: {deterministic: 1ms}}
            replicas: {count: 2, lag: {deterministic: 95ms}}
            replication: \(replication)
            backups: \(backups)
            restore: \(restore)
        events:
        \(events)
        """
    }

    static let loss = SimTime(nanoseconds: 60_005_500_000)

    func run(_ yaml: String) throws -> (RecordingSink, RunOutcome) {
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        #expect(UInt64(sink.requests.count) == outcome.arrivals)
        return (sink, outcome)
    }

    func database(_ sink: RecordingSink) throws -> (opened: DatabaseCounters, closed: DatabaseCounters) {
        (try #require(sink.opened?.databases.first), try #require(sink.closed?.databases.first))
    }

    /// Successful writes (class 0) committed in (after, upTo]: a write returns at its commit,
    /// so its end is its commit time.
    func writesCommitted(_ sink: RecordingSink, after: SimTime, upTo: SimTime) -> [RequestRecord] {
        sink.requests.filter { $0.classIndex == 0 && $0.outcome == .success && $0.end > after && $0.end <= upTo }
    }

    @Test("a data loss loses exactly the writes committed since the last completed backup's start, request by request")
    func lossSinceBackup() throws {
        let (sink, _) = try run(Self.yaml())
        let db = try database(sink)
        // Backups start at 20.0005 s and 50.0005 s (each snapshotting every commit so far) and
        // complete 5 s later; the one of 50.0005 s is the last completed before the loss.
        let lastBackup = SimTime(nanoseconds: 50_000_500_000)
        let lost = writesCommitted(sink, after: lastBackup, upTo: Self.loss)
        #expect(lost.count == 1001, "commits at 50.001 s, 50.011 s, …, 60.001 s")
        #expect(db.closed.dataLostWrites - db.opened.dataLostWrites == UInt64(lost.count))
        #expect(db.closed.restores - db.opened.restores == 1)
        // Seconds of data: the loss − the oldest lost write's commit (50.001 s).
        let oldest = try #require(lost.map(\.end).min())
        #expect(
            db.closed.dataLostNanoseconds - db.opened.dataLostNanoseconds == Double((Self.loss - oldest).nanoseconds))
        // Backups completed in the window: 20.0005 s, 50.0005 s, 80.0005 s and 110.0005 s.
        #expect(db.closed.backups - db.opened.backups == 4)
    }

    @Test("with log shipping, a data loss loses exactly the writes committed since the last shipment")
    func lossSinceShipment() throws {
        let (sink, _) = try run(Self.yaml(restore: "{time: 7s, log_shipping: 7s}"))
        let db = try database(sink)
        // Shipments at 7 s, 14 s, …, 56 s: the loss at 60.0055 s keeps what was committed before 56 s.
        let shipped = SimTime(nanoseconds: 56_000_000_000)
        let lost = writesCommitted(sink, after: shipped, upTo: Self.loss)
        #expect(lost.count == 401, "commits at 56.001 s, …, 60.001 s")
        #expect(db.closed.dataLostWrites - db.opened.dataLostWrites == UInt64(lost.count))
        let oldest = try #require(lost.map(\.end).min())
        #expect(
            db.closed.dataLostNanoseconds - db.opened.dataLostNanoseconds == Double((Self.loss - oldest).nanoseconds))
    }

    @Test("a backup from a replica holds what the replica had applied at its start: it lags by the replication lag")
    func replicaSnapshot() throws {
        let (sink, _) = try run(Self.yaml(backups: "{every: 30s, at: 20.0005s, duration: 5s, from: replica}"))
        let db = try database(sink)
        // The replica had applied the commits of up to 50.0005 s − 95 ms = 49.9055 s.
        let applied = SimTime(nanoseconds: 49_905_500_000)
        let lost = writesCommitted(sink, after: applied, upTo: Self.loss)
        #expect(lost.count == 1010, "commits at 49.911 s, …, 60.001 s")
        #expect(db.closed.dataLostWrites - db.opened.dataLostWrites == UInt64(lost.count))
    }

    @Test(
        "the restore's outage is the restore time exactly: every request meanwhile ends with restoring, and only they")
    func restoreOutage() throws {
        let (sink, _) = try run(Self.yaml())
        let restored = Self.loss + .seconds(7)
        for r in sink.requests {
            // Those arriving during the restore, and those in flight at the loss (failed then).
            let during =
                (r.arrival >= Self.loss && r.arrival < restored) || (r.arrival < Self.loss && r.end == Self.loss)
            #expect((r.outcome == .error(.restoring)) == during, "request arriving at \(r.arrival): \(r.outcome)")
        }
        // 700 writes and 1,400 reads arrive in the 7 s; in flight at the loss: the read of
        // 60.005 s (each takes 1 ms).
        #expect(sink.requests.filter { $0.outcome == .error(.restoring) }.count == 2_101)
        let r = try Run(yaml: Self.yaml())
        let availability: Double = 1 - 7.0 / 110
        #expect(r.values("availability.db.instances") == [availability])
        #expect(r.values("db.db.restore.rto.mean") == [7])
        #expect(r.values("db.db.restores") == [1])
        #expect(r.values("db.db.data_lost") == [1001])
        #expect(r.values("db.db.data_lost.per_restore") == [1001])
        #expect(r.values("db.db.restore.rpo.mean") == [10.0045])
        #expect(r.values("db.db.backups") == [4])
        #expect(r.values("failures.db.count") == [0])
        expectConservation(r)
    }

    @Test(
        "requests in service at the loss fail with restoring; after the restore the replicas follow the restored primary"
    )
    func inFlightAtLoss() throws {
        // The loss at 60.0005 s finds the write of 60.000 s in service at the primary.
        let (sink, _) = try run(Self.yaml(events: "  - {at: 60.0005s, data_loss: {component: db}}"))
        let loss = SimTime(nanoseconds: 60_000_500_000)
        let inService = sink.requests.filter { $0.arrival < loss && $0.outcome == .error(.restoring) }
        #expect(inService.count == 2, "the write of 60.000 s and the read of 60.000 s")
        #expect(inService.allSatisfy { $0.end == loss })
        // After the restore (67.0005 s) reads are served again and every write commits.
        let after = SimTime(nanoseconds: 67_000_500_000)
        #expect(!sink.requests.contains { $0.arrival >= after && $0.outcome != .success })
    }

    @Test("sync replication: a data loss loses only acknowledged writes; those awaiting their acks fail with restoring")
    func syncLoss() throws {
        let (sink, _) = try run(Self.yaml(replication: "sync"))
        let db = try database(sink)
        // A sync write returns at its commit + 95 ms (its ack): acknowledged by the loss are
        // those that returned by then; the backup of 50.0005 s holds commits up to 50.0005 s.
        let lastBackup = SimTime(nanoseconds: 50_000_500_000)
        let acknowledged = sink.requests.filter {
            $0.classIndex == 0 && $0.outcome == .success && $0.end <= Self.loss
                && $0.end - SimDuration(nanoseconds: 95_000_000) > lastBackup
        }
        #expect(db.closed.dataLostWrites - db.opened.dataLostWrites == UInt64(acknowledged.count))
        #expect(acknowledged.count == 991, "commits of 50.001 s … 59.901 s, acknowledged 95 ms later")
        let awaiting = sink.requests.filter {
            $0.classIndex == 0 && $0.arrival < Self.loss && $0.outcome == .error(.restoring)
        }
        #expect(awaiting.count == 10, "the commits of the last 95 ms, held for their acks")
    }

    @Test("every node down at once is a total loss (all_down: restore), and is not with all_down: wait")
    func allDown() throws {
        let outage = "  - {at: 60.0055s, outage: {component: db, for: 3s}}"
        let (sink, _) = try run(Self.yaml(events: outage))
        let db = try database(sink)
        #expect(db.closed.restores - db.opened.restores == 1)
        #expect(db.closed.dataLostWrites - db.opened.dataLostWrites == 1001)
        // The restore (7 s) outlasts the outage (3 s): requests fail with restoring for 7 s.
        let restored = Self.loss + .seconds(7)
        for r in sink.requests where r.arrival >= Self.loss && r.arrival < restored {
            #expect(r.outcome == .error(.restoring), "request arriving at \(r.arrival): \(r.outcome)")
        }
        #expect(!sink.requests.contains { $0.arrival >= restored && $0.outcome != .success })
        let (waited, _) = try run(Self.yaml(restore: "{time: 7s, all_down: wait}", events: outage))
        let w = try database(waited)
        #expect(w.closed.restores == 0 && w.closed.dataLostWrites == 0)
        #expect(!waited.requests.contains { $0.outcome == .error(.restoring) })
        #expect(waited.requests.contains { $0.outcome == .error(.instanceFailed) })
    }

    @Test("a backup whose node goes down is aborted: it never completes, and a loss goes back to the one before")
    func abortedBackup() throws {
        // The primary is down 51–52 s, during the backup of 50.0005 s.
        let (sink, _) = try run(
            Self.yaml(
                events: """
                      - {at: 51s, outage: {component: db, instances: [0], for: 1s}}
                      - {at: 60.0055s, data_loss: {component: db}}
                    """))
        let db = try database(sink)
        #expect(db.closed.backups - db.opened.backups == 3, "20.0005 s, 80.0005 s and 110.0005 s")
        let lost = writesCommitted(sink, after: SimTime(nanoseconds: 20_000_500_000), upTo: Self.loss)
        #expect(db.closed.dataLostWrites - db.opened.dataLostWrites == UInt64(lost.count))
    }

    /// An M/M/1-like primary (Poisson writes at 400/s, exponential service of mean 1 ms), backed
    /// up with `service_factor: 2x` from 100 s to 200 s of each 300 s.
    static let slowYAML = """
        version: 1
        name: backup-load
        horizon: 1h
        warmup: 30s
        replications: 1
        seed: 11
        workload:
          classes:
            - {name: w, path: [db.write], arrivals: {process: poisson, rate: 400/s}}
        components:
          db:
            kind: database
            primary: {workers: 1, service: {exponential: {mean: 1ms}}}
            backups: {every: 300s, at: 100s, duration: 100s, from: primary, load: {service_factor: 2x}}
        """

    @Test("a backup's service factor shows only during its window: mean service there = factor × base (within a CI)")
    func serviceFactorInWindow() throws {
        let (sink, _) = try run(Self.slowYAML)
        var inside = Tally()
        var outside = Tally()
        var waitInside = Tally()
        var waitOutside = Tally()
        for h in sink.hops where h.served {
            // Where the service started: the factor applies to services started in the window.
            let start = (h.arrived + h.wait).nanoseconds % 300_000_000_000
            let during = start >= 100_000_000_000 && start < 200_000_000_000
            if during {
                inside.add(h.service.seconds)
                waitInside.add(h.wait.seconds)
            } else {
                outside.add(h.service.seconds)
                waitOutside.add(h.wait.seconds)
            }
        }
        func expectNear(_ t: Tally, _ theory: Double, _ label: String) {
            let critical = StudentT.quantile(1 - 0.5e-4, degreesOfFreedom: Int(t.count) - 1)
            let bound = critical * t.standardDeviation / Double(t.count).squareRoot()
            #expect(abs(t.mean - theory) <= bound, "\(label): \(t.mean) ± \(bound) vs \(theory)")
        }
        expectNear(inside, 0.002, "service in the backup window")
        expectNear(outside, 0.001, "service outside it")
        // The queue follows: ρ = 0.4 outside (M/M/1 wait ρ/(μ − λ) = 0.67 ms), 0.8 inside (wait
        // 8 ms at equilibrium; 100 s is 20,000 mean services: near it).
        #expect(waitInside.mean > 4 * waitOutside.mean)
    }

    @Test("a backup holding half of two workers serves one request at a time during its window")
    func workersHeld() throws {
        let yaml = """
            version: 1
            name: backup-workers
            horizon: 60s
            warmup: 0s
            replications: 1
            seed: 3
            workload:
              classes:
                - {name: w, path: [db.write], arrivals: {process: constant, rate: 50/s}}
            components:
              db:
                kind: database
                primary: {workers: 2, service: {deterministic: 30ms}}
                backups: {every: 60s, at: 20.005s, duration: 10s, from: primary, load: {workers: 50%}}
            """
        let (sink, _) = try run(yaml)
        // Service intervals: starts every 20 ms, 30 ms each, so two overlap outside the window.
        let intervals = sink.hops.filter(\.served).map { h in
            let start = (h.arrived + h.wait).nanoseconds
            return (start, start + h.service.nanoseconds)
        }.sorted { $0.0 < $1.0 }
        func overlaps(from: Int64, to: Int64) -> Int {
            var n = 0
            let inside = intervals.filter { $0.0 >= from && $0.0 < to }
            for (a, b) in zip(inside, inside.dropFirst()) where b.0 < a.1 { n += 1 }
            return n
        }
        #expect(overlaps(from: 0, to: 20_000_000_000) > 0)
        // From the backup's start (it takes one worker at once or at the next release).
        #expect(overlaps(from: 20_040_000_000, to: 30_005_000_000) == 0)
        // One worker for 20 ms arrivals of 30 ms: a queue builds up during the window.
        let waited = sink.hops.filter { $0.wait > .zero }
        #expect(!waited.isEmpty)
        #expect(waited.allSatisfy { $0.arrived.nanoseconds >= 20_000_000_000 })
    }

    /// 400 reads/s at one replica of 4 workers, 3 ms each: ρ = 0.3. For the first half hour of
    /// the hour a backup holds 1 worker and slows service 1.5×: 1.8 workers' work on 3 workers.
    static let validatedYAML = """
        version: 1
        name: backup-load
        horizon: 1h
        warmup: 0s
        replications: 5
        seed: 11
        workload:
          arrivals: {process: poisson, rate: 400/s}
          classes:
            - {name: read, weight: 1, path: [db.read]}
        components:
          db:
            kind: database
            primary: {workers: 4, service: {exponential: {mean: 2ms}}}
            replicas: {count: 1, workers: 4, service: {exponential: {mean: 3ms}}, lag: {deterministic: 10ms}}
            backups: {every: 1h, at: 0s, duration: 30m, from: replica, load: {service_factor: 1.5x, workers: 1}}
        """

    @Test("validate's backup line: the node's utilisation without and with a backup, as the run measures it")
    func validateBackupLoad() throws {
        let scenario = try ScenarioLoader.parse(yaml: Self.validatedYAML)
        let load = try #require(scenario.model.backupLoads().first)
        #expect(load.node == "replica1" && load.backups == 1 && load.heldWorkers == 1 && load.workers == 4)
        let u = try #require(load.utilization)
        let during = try #require(load.backupUtilization)
        #expect(abs(u - 0.3) < 1e-12 && abs(during - 0.6) < 1e-12)
        #expect(!load.overloadedDuringBackup)
        // The run counts the held worker as busy: half the hour at (0.6 × 3 + 1) / 4, half at 0.3.
        let run = try Run(yaml: Self.validatedYAML)
        run.expectMatches("utilization.db.replica1", 0.5 * (during * 3 + 1) / 4 + 0.5 * u, floor: 0.005)
        // Three workers held of the four leave 1.8 workers' work on 1: overloaded, and flagged.
        let held = try ScenarioLoader.parse(
            yaml: Self.validatedYAML.replacingOccurrences(of: "workers: 1}", with: "workers: 3}"))
        let overloaded = try #require(held.model.backupLoads().first)
        #expect(overloaded.overloadedDuringBackup && abs((overloaded.backupUtilization ?? 0) - 1.8) < 1e-12)
        #expect(
            ValidateCommand.backupLine(held.model, overloaded)
                == "backups of db read replica1 (1 start before the horizon; service ×1.50, 3 of 4 workers held): utilisation 30.0 % → 180.0 % during the busiest (at 0s)  — OVERLOADED DURING BACKUPS: the node cannot carry its load while a backup runs"
        )
    }

    @Test("validate weighs the busiest backup: under a daily profile, the one nearest the peak")
    func validateBusiestBackup() throws {
        let yaml = Self.validatedYAML
            .replacingOccurrences(of: "horizon: 1h", with: "horizon: 2d")
            .replacingOccurrences(
                of: "  arrivals: {process: poisson, rate: 400/s}",
                with:
                    "  arrivals: {process: poisson, rate: 400/s}\n  profile:\n    diurnal: {peak: 1.5x, trough: 0.5x, peak_at: 14h}"
            )
            .replacingOccurrences(of: "every: 1h, at: 0s, duration: 30m", with: "every: 6h, at: 1h, duration: 1h")
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        let load = try #require(scenario.model.backupLoads().first)
        // Backups at 1h, 7h, 13h, 19h, …: the one from 13h to 14h is nearest the 14h peak.
        #expect(load.backups == 8 && load.busiestAt == SimTime.zero + .seconds(13 * 3600))
        // Its mean multiplier: 1 + 0.5 · mean of cos over the hour before the peak.
        let w = 2 * Double.pi / 24
        let multiplier = 1 + 0.5 * sin(w) / w
        #expect(abs((load.utilization ?? 0) - 0.3 * multiplier) < 1e-9)
        #expect(!load.atPeakRate)
        let text = ValidateCommand.backupLine(scenario.model, load)
        #expect(
            text.hasPrefix(
                "backups of db read replica1 (8 start before the horizon; service ×1.50, 1 of 4 workers held): utilisation"
            ))
    }

    @Test("failures, failovers, switchovers, backups and restores together: every request ends exactly once")
    func stormy() throws {
        let yaml = """
            version: 1
            name: stormy
            horizon: 20m
            warmup: 1m
            replications: 6
            seed: 9
            workload:
              arrivals: {process: poisson, rate: 300/s}
              classes:
                - {name: r, weight: 0.7, path: [web, db.read], keys: {count: 1000}}
                - {name: w, weight: 0.3, path: [web, db.write], keys: {count: 1000}}
              client: {timeout: 2s, retries: {max: 2, backoff: {exponential: {mean: 50ms}}}}
            components:
              web: {kind: server_pool, instances: 2, workers: 16, service: {exponential: {mean: 2ms}}}
              db:
                kind: database
                primary: {workers: 4, queue: 50, service: {exponential: {mean: 2ms}}}
                replicas: {count: 2, workers: 4, queue: 50, lag: {exponential: {mean: 30ms}}}
                replication: sync
                failures: {mtbf: 3m, mttr: 40s}
                health_check: {interval: 2s, unhealthy_after: 2, healthy_after: 2}
                failover: {detect: 3s, promote: {uniform: [1s, 3s]}}
                backups: {every: 90s, at: 30s, duration: {uniform: [20s, 60s]}, load: {service_factor: 1.3x, workers: 2}}
                restore: {time: {exponential: {mean: 30s}}, log_shipping: 20s}
            events:
              - {at: 5m, data_loss: {component: db}}
              - {at: 310s, data_loss: {component: db}}
              - {at: 8m, switchover: {component: db}}
              - {at: 12m, outage: {component: db, for: 30s}}
              - {at: 15m, outage: {component: db, instances: [0, 1], for: 1m, mode: hang}}
            """
        let r = try Run(yaml: yaml)
        expectConservation(r)
        // Two losses per replication (the second, during the first's restore, is none), and the
        // outage of every node at 12 m.
        #expect(r.values("db.db.restores").allSatisfy { $0 >= 2 })
        #expect(r.values("errors.restoring.rate").allSatisfy { $0 > 0 })
    }

    @Test("a database without backups or restore has no backup metrics, and its figures are unchanged")
    func noBackupsNoMetrics() throws {
        let scenario = try ScenarioLoader.load(path: scenarioPath("db-failover-async.yaml"))
        let layout = MetricLayout(spec: scenario.model)
        #expect(layout.index(of: "db.db.backups") == nil)
        #expect(layout.index(of: "db.db.restores") == nil)
    }

    @Test("same scenario and seed: the same backup metrics on any number of threads")
    func determinism() throws {
        let scenario = try ScenarioLoader.load(
            path: scenarioPath("db-backup-peak.yaml"),
            // To 28 minutes: the backup (from 27.5 minutes) has started.
            overrides: [try Override(parsing: "replications=4"), try Override(parsing: "horizon=28m")])
        let one = Experiment(spec: scenario.model, seed: scenario.seed, replications: 0..<4, jobs: 1).run()
        let two = Experiment(spec: scenario.model, seed: scenario.seed, replications: 0..<4, jobs: 3).run()
        #expect(one.map(\.values).description == two.map(\.values).description)
    }
}
