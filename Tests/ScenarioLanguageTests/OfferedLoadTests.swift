import InfraModel
import Testing
import Theory

@testable import ScenarioLanguage

/// The dry-run estimates of `capsim validate` against closed forms.
@Suite("Offered load and Erlang C")
struct OfferedLoadTests {
    func load(_ yaml: String) throws -> [OfferedLoad] {
        try ScenarioLoader.parse(yaml: yaml).model.offeredLoad()
    }

    static func scenario(rate: String = "7200/s", pool: String) -> String {
        "version: 1\nhorizon: 1m\nworkload:\n  arrivals: {process: poisson, rate: \(rate)}\ncomponents:\n  pool: \(pool)\n"
    }

    @Test("M/M/8 at ρ = 0.9: C(8, 7.2) = 0.70153, mean wait 0.87692 ms")
    func mmc() throws {
        let l = try load(Self.scenario(pool: "{kind: server_pool, workers: 8, service: {exponential: {mean: 1ms}}}"))[0]
        #expect(abs(l.utilization! - 0.9) < 1e-12)
        #expect(abs(ErlangC.probabilityOfWaiting(servers: 8, load: 7.2) - 0.701_532_990_146_257) < 1e-12)
        #expect(abs(l.erlangCMeanWait! - 0.000_876_916_237_682_821_3) < 1e-15)
        #expect(l.meanWaitEstimate == l.erlangCMeanWait)
        #expect(!l.unstable)
    }

    @Test("one worker, any service: Allen–Cunneen is Pollaczek–Khinchine")
    func mg1() throws {
        // M/G/1 with E[S] = 1 ms, cv 1.5, λ = 700/s: Wq = ρ E[S] (1 + cv²) / (2 (1 − ρ)) = 3.7917 ms.
        let l = try load(
            Self.scenario(rate: "700/s", pool: "{kind: server_pool, service: {lognormal: {mean: 1ms, cv: 1.5}}}"))[0]
        #expect(abs(l.meanWaitEstimate! - 0.7 * 0.001 * 3.25 / 0.6) < 1e-15)
        #expect(abs(l.erlangCMeanWait! - 0.7 / 300) < 1e-15)
        // M/D/1: half the M/M/1 wait.
        let d = try load(Self.scenario(rate: "800/s", pool: "{kind: server_pool, service: {deterministic: 1ms}}"))[0]
        #expect(abs(d.meanWaitEstimate! - d.erlangCMeanWait! / 2) < 1e-15)
    }

    @Test("instances split the arrivals: 2 instances × M/M/4 at λ/2 each")
    func instances() throws {
        let two = try load(
            Self.scenario(pool: "{kind: server_pool, instances: 2, workers: 4, service: {exponential: {mean: 1ms}}}"))[
                0]
        let mu = 1000.0
        let perInstance = 3600.0
        let expected = ErlangC.probabilityOfWaiting(servers: 4, load: perInstance / mu) / (4 * mu - perInstance)
        #expect(abs(two.erlangCMeanWait! - expected) < 1e-15)
        #expect(
            two.erlangCMeanWait!
                > (try load(Self.scenario(pool: "{kind: server_pool, workers: 8, service: {exponential: {mean: 1ms}}}")))[
                    0
                ].erlangCMeanWait!)
    }

    @Test("where Erlang C does not apply: unlimited workers wait 0; an overload has no estimate")
    func notApplicable() throws {
        let delay = try load(
            Self.scenario(pool: "{kind: server_pool, workers: unlimited, service: {exponential: {mean: 1ms}}}"))[0]
        #expect(delay.utilization == nil && delay.erlangCMeanWait == 0 && !delay.unstable)
        #expect(delay.boundedQueue == nil && delay.carriedUtilization == nil)
        let over = try load(
            Self.scenario(pool: "{kind: server_pool, workers: 7, service: {exponential: {mean: 1ms}}}"))[0]
        #expect(over.unstable && over.overloaded && over.erlangCMeanWait == nil)
        #expect(over.boundedQueue == nil && over.carriedUtilization == over.utilization)
        let heavy = try load(
            Self.scenario(rate: "100/s", pool: "{kind: server_pool, service: {pareto: {shape: 1.5, scale: 1ms}}}"))[0]
        #expect(heavy.erlangCMeanWait != nil && heavy.meanWaitEstimate == nil)
    }

    @Test("a bounded queue is M/M/c/K at any load: what it turns away, the load carried, the wait")
    func boundedQueue() throws {
        // M/M/8/18 at ρ = 0.9: the chain's figures, no Erlang C.
        let finite = try load(
            Self.scenario(pool: "{kind: server_pool, workers: 8, queue: 10, service: {exponential: {mean: 1ms}}}"))[0]
        let q = try #require(finite.boundedQueue)
        let p = FiniteQueueTests.chain(servers: 8, capacity: 18, load: 7.2)
        #expect(finite.erlangCMeanWait == nil)
        #expect(abs(q.blocking - p[18]) < 1e-12)
        #expect(abs(finite.carriedUtilization! - 0.9 * (1 - p[18])) < 1e-12)
        #expect(finite.meanWaitEstimate == q.meanWait)
        // M/M/7/12 at ρ = 7.2/7: overloaded, yet a steady state with a carried load below 1.
        let full = try load(
            Self.scenario(pool: "{kind: server_pool, workers: 7, queue: 5, service: {exponential: {mean: 1ms}}}"))[0]
        #expect(full.overloaded && !full.unstable)
        let fq = try #require(full.boundedQueue)
        #expect(abs(fq.blocking - FiniteQueueTests.chain(servers: 7, capacity: 12, load: 7.2)[12]) < 1e-12)
        #expect(full.carriedUtilization! < 1 && full.utilization! > 1)
        // Deterministic service: M/M/c/K's wait halved, as Allen–Cunneen halves Erlang C's; with no
        // waiting room, nothing waits.
        let md = try load(
            Self.scenario(pool: "{kind: server_pool, workers: 8, queue: 10, service: {deterministic: 1ms}}"))[0]
        #expect(abs(md.meanWaitEstimate! - q.meanWait / 2) < 1e-15)
        let loss = try load(
            Self.scenario(pool: "{kind: server_pool, workers: 8, queue: 0, service: {lognormal: {mean: 1ms, cv: 2}}}"))[
                0]
        #expect(
            loss.meanWaitEstimate == 0
                && abs(loss.boundedQueue!.blocking - FiniteQueue.erlangB(servers: 8, load: 7.2)) < 1e-15)
        // Two instances split at random: each an M/M/4/9 fed half.
        let two = try load(
            Self.scenario(
                pool:
                    "{kind: server_pool, instances: 2, workers: 4, queue: 5, balance: random, service: {exponential: {mean: 1ms}}}"
            ))[0]
        #expect(abs(two.boundedQueue!.blocking - FiniteQueueTests.chain(servers: 4, capacity: 9, load: 3.6)[9]) < 1e-12)
    }

    @Test("where a policy's model cannot be had in bounded work, independent instances, and the line says so")
    func policyFallback() throws {
        let choices = try load(
            Self.scenario(
                rate: "1e9/s",
                pool:
                    "{kind: server_pool, instances: 4, workers: 100000, queue: 1000000000, balance: power_of_two, service: {exponential: {mean: 1ms}}}"
            ))[0]
        #expect(choices.split == .independent && choices.boundedQueue != nil)
        let shared = try load(
            Self.scenario(
                pool:
                    "{kind: server_pool, instances: 1000000, workers: 1000, queue: 1000000, balance: least_outstanding, service: {exponential: {mean: 1ms}}}"
            ))[0]
        #expect(shared.split == .independent && shared.boundedQueue != nil)
        let modelled = try load(
            Self.scenario(
                pool:
                    "{kind: server_pool, instances: 8, workers: 2, queue: 10, balance: power_of_two, service: {exponential: {mean: 1ms}}}"
            ))[0]
        #expect(modelled.split == .choices(2) && modelled.boundedQueue!.blocking < 1e-6)
    }

    /// A database with primary 30 ms and replicas 20 ms mean service, 8 workers on every node,
    /// behind a web tier (5 ms, 4 × 16 workers): `reads` reads/s spread over two replicas,
    /// `writes` writes/s; `writePath` is the write class's path.
    static func database(
        reads: String = "500/s", writes: String = "50/s", writePath: String = "[web, db.write]"
    )
        -> String
    {
        """
        version: 1
        horizon: 1m
        workload:
          classes:
            - {name: read,  path: [web, db.read], arrivals: {process: poisson, rate: \(reads)}}
            - {name: write, path: \(writePath), arrivals: {process: poisson, rate: \(writes)}}
        components:
          web: {kind: server_pool, instances: 4, workers: 16, service: {exponential: {mean: 5ms}}}
          audit: {kind: server_pool, workers: 64, service: {exponential: {mean: 100ms}}}
          db:
            kind: database
            primary: {workers: 8, service: {exponential: {mean: 30ms}}}
            replicas: {count: 2, workers: 8, service: {exponential: {mean: 20ms}}, lag: {exponential: {mean: 10ms}}}
        """
    }

    @Test("a database's load node by node: each replica its read share at its own service time, the primary its writes")
    func databaseNodes() throws {
        // 250 reads/s per replica × 20 ms / 8 workers = 62.5 % (not 250 × (20 + 30 ms) / 8 = 156 %);
        // the primary 50 writes/s × 30 ms / 8 = 18.75 %.
        let loads = try load(Self.database())
        let db = try #require(loads.first { $0.name == "db" })
        let nodes = try #require(db.databaseNodes)
        #expect(nodes.map(\.name) == ["primary", "replica1", "replica2"])
        #expect(nodes.map(\.arrivalRate) == [50, 250, 250])
        let u = nodes.map { $0.utilization ?? .nan }
        #expect(abs(u[0] - 0.1875) < 1e-12 && abs(u[1] - 0.625) < 1e-12 && abs(u[2] - 0.625) < 1e-12, "\(u)")
        #expect(abs((db.utilization ?? .nan) - 0.625) < 1e-12 && !db.unstable && !db.overloaded)
        #expect(abs((db.unequalShare ?? .nan) - 250.0 / 550) < 1e-12)
        // The web tier holds its worker for its 5 ms plus the database visit: a read's 20 ms at a
        // replica, a write's 30 ms at the primary: (500 × 25 ms + 50 × 35 ms) / 64 = 22.27 %.
        let web = try #require(loads.first { $0.name == "web" }?.utilization)
        let held: Double = 500 * 0.025 + 50 * 0.035
        #expect(abs(web - held / 64) < 1e-12, "\(web)")
    }

    @Test("a database write's calls hold a primary worker, not the replicas'")
    func databaseWriteCalls() throws {
        // Writes call `audit` (100 ms) from the database: each holds its primary worker 30 + 100 ms,
        // 50/s × 130 ms / 8 = 81.25 %; the reads make no calls, so the replicas stay at 62.5 %.
        let loads = try load(Self.database(writePath: "[web, db.write, audit]"))
        let nodes = try #require(loads.first { $0.name == "db" }?.databaseNodes)
        let u = nodes.map { $0.utilization ?? .nan }
        #expect(abs(u[0] - 50 * 0.13 / 8) < 1e-12 && abs(u[1] - 0.625) < 1e-12 && abs(u[2] - 0.625) < 1e-12, "\(u)")
    }

    @Test("Erlang C stays finite for thousands of servers")
    func large() {
        let c = ErlangC.probabilityOfWaiting(servers: 5000, load: 4900)
        #expect(c.isFinite && c > 0 && c < 1)
    }
}
