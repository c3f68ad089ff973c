import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing

/// Keeps every request's record and the window's counters, for exact checks on small runs.
struct FailoverRecorder: RecordSink {
    var requests: [RequestRecord] = []
    var opened: ModelCounters?
    var closed: ModelCounters?
    var rtos: [SimDuration] = []
    mutating func requestEnded(_ r: RequestRecord) { requests.append(r) }
    mutating func hopEnded(_ h: HopRecord) {}
    mutating func windowOpened(_ c: ModelCounters) { opened = c }
    mutating func windowClosed(_ c: ModelCounters) { closed = c }
    mutating func failedOver(database: Int32, rto: SimDuration, measured: Bool) { rtos.append(rto) }
}

/// Database failover and switchover, exactly: writes lost request by request, the RTO, sync
/// replication and switchovers losing nothing, write availability counting the primary only.
@Suite("Database failover")
struct DatabaseFailoverTests {
    /// Writes every 10 ms (1 ms of service, so each commits 1 ms after it arrives) and reads
    /// every 5 ms at two replicas with a fixed lag; the primary (node 0) crashes at 30.0055 s
    /// for a minute. Detection takes 3 s and promotion 2 s.
    static func yaml(
        replication: String = "async", event: String = "outage: {component: db, instances: [0], for: 1m}"
    )
        -> String
    {
        """
        version: 1
        name: failover
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
            failover: {detect: 3s, promote: 2s}
        events:
          - {at: 30.0055s, \(event)}
        """
    }

    static let failure = SimTime(nanoseconds: 30_005_500_000)
    static let lag = SimDuration(nanoseconds: 95_000_000)

    func run(_ yaml: String) throws -> (FailoverRecorder, RunOutcome, Scenario) {
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: 0)
        var sink = FailoverRecorder()
        let outcome = sim.run(into: &sink)
        return (sink, outcome, scenario)
    }

    func database(_ sink: FailoverRecorder) throws -> (opened: DatabaseCounters, closed: DatabaseCounters) {
        (try #require(sink.opened?.databases.first), try #require(sink.closed?.databases.first))
    }

    @Test("async: the writes lost are exactly those committed within the lag before the failure, request by request")
    func asyncLoss() throws {
        let (sink, outcome, _) = try run(Self.yaml())
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        #expect(UInt64(sink.requests.count) == outcome.arrivals)
        // A write of this class returns at its commit: its end is its commit time.
        let committedInLag = sink.requests.filter {
            $0.classIndex == 0 && $0.outcome == .success && $0.end > Self.failure - Self.lag && $0.end <= Self.failure
        }
        let db = try database(sink)
        #expect(committedInLag.count == 10, "writes committed at 29.911 s, 29.921 s, …, 30.001 s")
        #expect(db.closed.lostWrites - db.opened.lostWrites == UInt64(committedInLag.count))
        #expect(db.closed.failovers - db.opened.failovers == 1)
        // The oldest lost write was committed at 29.911 s: 94.5 ms of data lost.
        let oldest = try #require(committedInLag.map(\.end).min())
        #expect(
            db.closed.lostDataNanoseconds - db.opened.lostDataNanoseconds == Double((Self.failure - oldest).nanoseconds)
        )
        #expect((Self.failure - oldest).nanoseconds == 94_500_000)
    }

    @Test("the RTO is detect + promote exactly; writes in between end with failover, and only they")
    func rto() throws {
        let (sink, outcome, _) = try run(Self.yaml())
        #expect(sink.rtos == [.seconds(5)])
        let promoted = Self.failure + .seconds(5)
        for r in sink.requests where r.classIndex == 0 {
            let during = r.arrival >= Self.failure && r.arrival < promoted
            if during {
                #expect(r.outcome == .error(.failover), "write arriving at \(r.arrival)")
            } else if r.outcome == .error(.failover) {
                Issue.record("write arriving at \(r.arrival) ended with failover outside the failover")
            }
        }
        // 500 writes arrive in the 5 s (every 10 ms); the one in service at the crash fails with it.
        let failedOver = sink.requests.filter { $0.outcome == .error(.failover) }.count
        #expect(failedOver == 500)
        #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] == 0 || failedOver == 500)
        // Reads go on at the replicas throughout.
        #expect(!sink.requests.contains { $0.classIndex == 1 && $0.outcome != .success })
    }

    @Test("availability.<db>.instances counts the time with a primary taking writes: 1 − 5 s / 110 s")
    func writeAvailability() throws {
        let r = try Run(yaml: Self.yaml())
        let availability: Double = 1 - 5.0 / 110
        #expect(r.values("availability.db.instances") == [availability])
        #expect(r.values("db.db.rto.mean") == [5])
        #expect(r.values("db.db.failovers") == [1])
        #expect(r.values("db.db.lost_writes") == [10])
        #expect(r.values("db.db.rpo.mean") == [0.0945])
        expectConservation(r)
    }

    @Test("sync replication (one ack): no acknowledged write is lost")
    func syncLosesNothing() throws {
        let (sink, outcome, _) = try run(Self.yaml(replication: "sync"))
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        let db = try database(sink)
        #expect(db.closed.failovers - db.opened.failovers == 1)
        #expect(db.closed.lostWrites == 0)
        #expect(sink.rtos == [.seconds(5)])
        // The writes still waiting for their ack at the crash failed with it: never acknowledged.
        let failedAtCrash = sink.requests.filter { $0.classIndex == 0 && $0.outcome == .error(.instanceFailed) }
        #expect(failedAtCrash.count == 10, "commits of the last 95 ms, held for their acks")
    }

    @Test("a switchover drains writes, waits for a replica to catch up, promotes it and loses nothing")
    func switchover() throws {
        let (sink, outcome, _) = try run(Self.yaml(event: "switchover: {component: db}"))
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        let db = try database(sink)
        #expect(db.closed.switchovers == 1 && db.closed.failovers == 0 && db.closed.lostWrites == 0)
        #expect(sink.rtos.isEmpty)
        // Idle primary at once (no write in service at 30.0055 s); the last commit (30.001 s)
        // reaches the replicas at 30.096 s; promotion takes 2 s: writes refused until 32.096 s.
        let end = SimTime(nanoseconds: 32_096_000_000)
        for r in sink.requests where r.classIndex == 0 {
            let during = r.arrival >= Self.failure && r.arrival < end
            #expect((r.outcome == .error(.failover)) == during, "write arriving at \(r.arrival): \(r.outcome)")
        }
        #expect(!sink.requests.contains { $0.outcome == .error(.instanceFailed) })
    }

    @Test("same scenario and seed: the same failover metrics on any number of threads")
    func determinism() throws {
        let scenario = try ScenarioLoader.load(
            path: scenarioPath("db-failover-async.yaml"),
            overrides: ["replications=4", "workload.arrivals.rate=200/s"].map { try Override(parsing: $0) })
        let one = Experiment(spec: scenario.model, seed: scenario.seed, replications: 0..<4, jobs: 1).run()
        let two = Experiment(spec: scenario.model, seed: scenario.seed, replications: 0..<4, jobs: 3).run()
        #expect(one.map(\.values).description == two.map(\.values).description)
    }
}
