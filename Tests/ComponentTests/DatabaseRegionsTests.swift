import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing
import Theory

/// A database with a replica in another region, exactly: the writes lost when the primary's
/// region goes are those committed within the cross-region lag (lag + half the round trip),
/// writes cross to the promoted primary, sync acks wait for the far replica, and reads stay in
/// their users' region while it has a replica in the rotation.
@Suite("Database replicas in other regions")
struct DatabaseRegionsTests {
    /// Writes every 10 ms and reads every 5 ms (1 ms of service, so a write commits 1 ms after it
    /// arrives, at 29.961 s, 29.971 s, …); a local replica with a 5 ms lag and one in eu-west,
    /// 80 ms away: there a commit lands 5 + 40 = 45 ms after it is made.
    static func yaml(
        users: String = "us-east: {users: 100%, latency: {eu-west: {deterministic: 80ms}}}\n  eu-west: {}",
        replication: String = "async", extra: String = "",
        events: String = "  - {at: 30.0055s, region_outage: {region: us-east, for: 1m}}"
    ) -> String {
        """
        version: 1
        name: cross-region
        horizon: 2m
        warmup: 10s
        replications: 1
        seed: 5
        regions:
          \(users)
        workload:
          classes:
            - {name: w, path: [db.write], arrivals: {process: constant, rate: 100/s}, keys: {count: 50}}
            - {name: r, path: [db.read], arrivals: {process: constant, rate: 200/s}, keys: {count: 50}}
        components:
          db:
            kind: database
            region: us-east
            primary: {workers: unlimited, service: {deterministic: 1ms}}
            replicas: {count: 1, lag: {deterministic: 5ms}, remote: {eu-west: 1}}
            replication: \(replication)
            failover: {detect: 3s, promote: 2s}
        \(extra)
        events:
        \(events)
        """
    }

    static let failure = SimTime(nanoseconds: 30_005_500_000)
    static let crossRegionLag = SimDuration(nanoseconds: 45_000_000)

    func run(_ yaml: String) throws -> (FailoverRecorder, RunOutcome) {
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: 0)
        var sink = FailoverRecorder()
        let outcome = sim.run(into: &sink)
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        #expect(UInt64(sink.requests.count) == outcome.arrivals)
        return (sink, outcome)
    }

    @Test(
        "the primary's region fails: the eu-west replica is promoted and the writes lost are those committed in the last 45 ms, request by request"
    )
    func regionLoss() throws {
        let (sink, _) = try run(Self.yaml())
        // An async write returns at its commit: its end is its commit time.
        let inWindow = sink.requests.filter {
            $0.classIndex == 0 && $0.outcome == .success && $0.end > Self.failure - Self.crossRegionLag
                && $0.end <= Self.failure
        }
        #expect(inWindow.count == 5, "commits at 29.961 s, 29.971 s, …, 30.001 s")
        let opened = try #require(sink.opened?.databases.first)
        let closed = try #require(sink.closed?.databases.first)
        #expect(closed.lostWrites - opened.lostWrites == UInt64(inWindow.count))
        #expect(closed.failovers - opened.failovers == 1)
        let oldest = try #require(inWindow.map(\.end).min())
        let lostSpan = Double((Self.failure - oldest).nanoseconds)
        #expect(closed.lostDataNanoseconds - opened.lostDataNanoseconds == lostSpan)
        #expect(lostSpan == 44_500_000)
        #expect(sink.rtos == [.seconds(5)])
    }

    @Test("after the promotion every write crosses to eu-west: 80 ms + 1 ms, exactly")
    func writesCross() throws {
        let (sink, _) = try run(Self.yaml())
        let promoted = Self.failure + .seconds(5)
        let before = sink.requests.filter { $0.classIndex == 0 && $0.arrival < Self.failure - .milliseconds(1) }
        let after = sink.requests.filter { $0.classIndex == 0 && $0.arrival >= promoted }
        #expect(!before.isEmpty && !after.isEmpty)
        for r in before { #expect(r.outcome == .success && r.end - r.arrival == .milliseconds(1)) }
        for r in after { #expect(r.outcome == .success && r.end - r.arrival == .milliseconds(81)) }
        // The promoted primary is a new region's: us-east's return (at 90.0055 s) leaves it there.
        #expect(after.contains { $0.arrival > Self.failure + .seconds(61) })
    }

    @Test("sync replication: one ack is the local replica's (5 ms), two wait for eu-west's (45 ms)")
    func syncAcks() throws {
        for (acks, wait) in [(1, 5), (2, 45)] {
            let (sink, _) = try run(Self.yaml(replication: "sync\n    acks: \(acks)", events: "  []"))
            let writes = sink.requests.filter { $0.classIndex == 0 }
            #expect(!writes.isEmpty)
            for r in writes {
                #expect(r.outcome == .success && r.end - r.arrival == .milliseconds(Int64(1 + wait)), "acks \(acks)")
            }
        }
    }

    @Test("reads stay in their users' region while it has a replica in the rotation, then cross")
    func readsStayLocal() throws {
        // Every user in eu-west: reads go to its replica (1 ms); writes cross to us-east (81 ms).
        // eu-west's replica goes down at 30 s for a minute; checks every second notice it after one
        // failed check, and then reads cross to us-east's replica.
        let yaml = Self.yaml(
            users: "us-east: {latency: {eu-west: {deterministic: 80ms}}}\n  eu-west: {users: 100%}",
            extra: "    health_check: {interval: 1s, unhealthy_after: 1, healthy_after: 1}",
            events: "  - {at: 30s, outage: {component: db, instances: [2], for: 1m}}")
        let (sink, _) = try run(yaml)
        let reads = sink.requests.filter { $0.classIndex == 1 }
        let local = reads.filter { $0.arrival < SimTime(nanoseconds: 29_000_000_000) }
        let crossing = reads.filter {
            $0.arrival >= SimTime(nanoseconds: 32_000_000_000) && $0.arrival < SimTime(nanoseconds: 90_000_000_000)
        }
        #expect(!local.isEmpty && !crossing.isEmpty)
        for r in local { #expect(r.outcome == .success && r.end - r.arrival == .milliseconds(1)) }
        for r in crossing { #expect(r.outcome == .success && r.end - r.arrival == .milliseconds(81)) }
        for r in sink.requests where r.classIndex == 0 {
            #expect(r.outcome == .success && r.end - r.arrival == .milliseconds(81))
        }
    }

    @Test("a region outage takes only the nodes in that region")
    func outageTakesItsNodes() throws {
        let r = try Run(yaml: Self.yaml(events: "  - {at: 30s, region_outage: {region: eu-west, for: 1m}}"))
        // The primary stays up (no failover), and us-east's users read at us-east's replica.
        #expect(r.values("db.db.failovers") == [0])
        #expect(r.values("availability.db.instances") == [1])
        #expect(r.values("availability.request") == [1])
        expectConservation(r)
    }

    @Test("validate spreads each region's reads over the nearest region's replicas, and the simulation agrees")
    func theorySpread() throws {
        // Users 30 % in us-east, 70 % in eu-west; reads 200/s: 60/s at us-east's replica, 140/s at
        // eu-west's. (No outage: every node up, as the theory assumes.)
        let yaml = Self.yaml(
            users: "us-east: {users: 30%, latency: {eu-west: {deterministic: 80ms}}}\n  eu-west: {users: 70%}",
            events: "  []"
        ).replacingOccurrences(of: "replications: 1\n", with: "replications: 8\n")
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        let load = try #require(scenario.model.offeredLoad().first { $0.name == "db" })
        let nodes = try #require(load.databaseNodes)
        #expect(nodes.map(\.name) == ["primary", "replica1", "replica2"])
        let rates = nodes.map(\.arrivalRate)
        #expect(abs(rates[0] - 100) < 1e-9 && abs(rates[1] - 60) < 1e-9 && abs(rates[2] - 140) < 1e-9, "\(rates)")
        let r = Run(scenario)
        for (id, expected) in [("db.db.replica1.reads.rate", 60.0), ("db.db.replica2.reads.rate", 140.0)] {
            r.expectMatches(id, expected)
        }
    }

    @Test("remote replicas are checked with located, exact messages")
    func diagnostics() {
        func check(
            _ regions: String, _ db: String, _ expected: [String],
            sourceLocation: Testing.SourceLocation = #_sourceLocation
        ) {
            let yaml = """
                version: 1
                horizon: 1m
                workload: {classes: [{name: r, path: [db.read], arrivals: {process: poisson, rate: 1/s}}]}
                \(regions)
                components:
                  db: {kind: database, primary: {service: {deterministic: 1ms}}, \(db)}
                """
            #expect(problems(yaml) == expected, sourceLocation: sourceLocation)
        }
        let regions = "regions: {us-east: {latency: {eu-west: 80ms}}, eu-west: {}}"
        check(
            regions, "region: us-east, replicas: {count: 1, lag: {deterministic: 5ms}, remote: {eu-wst: 1}}",
            [
                "s.yaml:6:140: error: components.db.replicas.remote.eu-wst: expected a region declared under 'regions:', found 'eu-wst' (did you mean 'eu-west'?)"
            ])
        check(
            regions, "region: us-east, replicas: {count: 1, lag: {deterministic: 5ms}, remote: {us-east: 2}}",
            [
                "s.yaml:6:140: error: components.db.replicas.remote.us-east: us-east is the database's own region: count its replicas there in replicas.count"
            ])
        check(
            regions, "replicas: {count: 1, lag: {deterministic: 5ms}, remote: {eu-west: 1}}",
            [
                "s.yaml:6:122: error: components.db.replicas.remote: a database with replicas in other regions lives in a region itself: give it region: <one of us-east, eu-west>"
            ])
        check(
            regions, "region: us-east, replicas: {count: 1, lag: {deterministic: 5ms}, remote: {eu-west: 0}}",
            [
                "s.yaml:6:149: error: components.db.replicas.remote.eu-west: expected a whole number from 1 to 1000, found 0"
            ])
        check(
            regions, "region: us-east, replicas: {count: 1, lag: {deterministic: 5ms}, remote: [eu-west]}",
            [
                "s.yaml:6:139: error: components.db.replicas.remote: expected a mapping of other regions' names to replica counts, e.g. remote: {eu-west: 1}, found a list"
            ])
    }
}
