import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing

/// Standby regions (`standby:` on an autoscaled pool): the failover's recovery time, request
/// by request; the idle fleet's cost, exactly; the stand-down after the failback.
@Suite("Region standby")
struct RegionStandbyTests {
    /// Requests every 10 ms of 10 ms each (pure delays) enter us-east's web tier; DNS (primary
    /// us-east, 30 s detection) sends them to eu-west's autoscaled standby while us-east is out.
    /// us-east fails at 60.005 s for `outage`.
    static func yaml(
        min: Int, scaleTo: Int = 2, provisioning: String = "5m", ttl: String = "60s", outage: String = "30m",
        horizon: String = "1h", replications: Int = 1, outageEvent: Bool = true
    ) -> String {
        """
        version: 1
        name: standby
        horizon: \(horizon)
        warmup: 0s
        replications: \(replications)
        seed: 3
        regions:
          us-east: {latency: {eu-west: 70ms}}
          eu-west: {}
        dns: {ttl: \(ttl), detect: 30s, entries: {us-east: web-east, eu-west: web-west}, primary: us-east}
        workload:
          arrivals: {process: constant, rate: 100/s}
          classes: [{name: users, path: [web-east]}]
        components:
          web-east: {kind: server_pool, region: us-east, workers: unlimited, service: {deterministic: 10ms}}
          web-west:
            kind: server_pool
            region: eu-west
            workers: unlimited
            service: {deterministic: 10ms}
            cost: 0.10/h
            autoscale: {metric: request_rate, target: 1000/s, min: \(min), max: 4, provisioning: \(provisioning)}
            standby: {scale_to: \(scaleTo)}
        \(outageEvent ? "events: [{at: 60.005s, region_outage: {region: us-east, for: \(outage)}}]" : "")
        """
    }

    static let crash = SimTime(nanoseconds: 60_005_000_000)
    static let detect = SimDuration.seconds(30)

    /// One replication's records, outcome and scaling log.
    func run(_ yaml: String) throws -> (FailoverRecorder, RunOutcome, [ScalingLogEntry]) {
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: 0)
        var sink = FailoverRecorder()
        let outcome = sim.run(into: &sink)
        return (sink, outcome, sim.scalingLog)
    }

    @Test(
        "a cold standby recovers detect + provisioning after the outage: every request in between fails, none after",
        arguments: [("5m", 300.0), ("12m", 720.0)])
    func coldRecovery(provisioning: String, seconds: Double) throws {
        let (sink, outcome, scaling) = try run(Self.yaml(min: 0, provisioning: provisioning))
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        #expect(UInt64(sink.requests.count) == outcome.arrivals)
        // The TTL (60 s) is shorter than the provisioning: once the standby serves, every
        // client's answer already names it.
        let recovered = Self.crash + Self.detect + SimDuration(seconds: seconds)
        let service = SimDuration(nanoseconds: 10_000_000)
        for r in sink.requests {
            // In service at the crash (evicted), or arrived before the standby serves.
            let lost = r.arrival + service > Self.crash && r.arrival < recovered
            #expect((r.outcome != .success) == lost, "request arrived at \(r.arrival): \(r.outcome)")
        }
        #expect(sink.requests.contains { $0.outcome != .success })
        // The scaling log: both instances ordered at detection, both serving at `recovered`.
        let west = 1
        let log = scaling.filter { $0.station == west }
        #expect(log.first?.time == Self.crash + Self.detect)
        #expect(log.first?.kind == .scaleOut(count: 2))
        #expect(log.filter { if case .ready = $0.kind { true } else { false } }.map(\.time) == [recovered, recovered])
        let o = try #require(sink.opened)
        let c = try #require(sink.closed)
        #expect(c.standbyFailovers[west] - o.standbyFailovers[west] == 1)
        #expect(c.standbyRecoveries[west] - o.standbyRecoveries[west] == 1)
        #expect(c.standbyRecoveryNanoseconds[west] == Double((Self.detect + SimDuration(seconds: seconds)).nanoseconds))
    }

    @Test("with a TTL longer than the provisioning, stale answers fail until detect + TTL, as the expiry curve says")
    func ttlBeyondProvisioning() throws {
        // Provisioning 5 min, TTL 10 min: from detect + 300 s to detect + 600 s a request fails
        // when its client's answer still names us-east, with probability 1 − u/600 at u after
        // detection: 100/s × ∫_300^600 (1 − u/600) du = 7,500 requests on average; each client's
        // phase is its own, so the count's variance is 100/s × ∫ p(1 − p) du = 5,000.
        let (sink, outcome, _) = try run(Self.yaml(min: 0, ttl: "10m"))
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        let standbyServes = Self.crash + Self.detect + .seconds(300)
        let answersExpired = Self.crash + Self.detect + .seconds(600)
        let service = SimDuration(nanoseconds: 10_000_000)
        for r in sink.requests where r.arrival + service > Self.crash && r.arrival < standbyServes {
            #expect(r.outcome != .success)
        }
        for r in sink.requests where r.arrival >= answersExpired { #expect(r.outcome == .success) }
        let stale = sink.requests.filter {
            $0.arrival >= standbyServes && $0.arrival < answersExpired && $0.outcome != .success
        }.count
        #expect(abs(Double(stale) - 7500) <= 4 * 5000.0.squareRoot(), "\(stale) stale failures")
    }

    @Test("a hot standby has nothing to provision: it recovers at detection")
    func hotRecovery() throws {
        let (sink, _, scaling) = try run(Self.yaml(min: 2))
        let c = try #require(sink.closed)
        #expect(c.standbyRecoveryNanoseconds[1] == Double(Self.detect.nanoseconds))
        #expect(scaling.filter { $0.station == 1 }.isEmpty, "the hot fleet neither grows nor shrinks")
        for r in sink.requests where r.arrival >= Self.crash + Self.detect + .seconds(60) {
            #expect(r.outcome == .success)
        }
    }

    @Test("a warm standby's idle fleet costs its instances × hours × price, exactly")
    func warmIdleCost() throws {
        // No outage: 1 instance × 730 h × 0.10/h a month.
        let r = try Run(yaml: Self.yaml(min: 1, horizon: "10m", replications: 2, outageEvent: false))
        for v in r.values("cost.web-west.monthly") { #expect(abs(v - 73) < 1e-9) }
        for v in r.values("standby.web-west.failovers") { #expect(v == 0) }
        for v in r.values("standby.web-west.rto.mean") { #expect(v.isNaN) }
    }

    @Test("a failover is billed from the scale-out to the stand-down's drain, exactly")
    func failoverCost() throws {
        // Warm (1 idle, scale to 2): the second instance is held from detection (90.005 s) until
        // the stand-down (outage end + detect + TTL = 1,860.005 + 90 s) plus its 30 s drain:
        // 1,890 s more than the idle fleet's 3,600 s of the hour. (3,600 + 1,890)/3,600 instance-hours
        // in an hour at 0.10/h, × 730 h.
        let r = try Run(yaml: Self.yaml(min: 1, horizon: "1h", replications: 2))
        for v in r.values("cost.web-west.monthly") { #expect(abs(v - 5490.0 / 3600 * 0.10 * 730) < 1e-9) }
        for v in r.values("standby.web-west.failovers") { #expect(v == 1) }
        for v in r.values("standby.web-west.rto.mean") { #expect(abs(v - 330) < 1e-9) }
        expectConservation(r)
    }

    @Test("a cold standby stands down to nothing after the failback")
    func coldStandsDown() throws {
        let (_, _, scaling) = try run(Self.yaml(min: 0))
        let log = scaling.filter { $0.station == 1 }
        let standDown = Self.crash + .seconds(1800) + Self.detect + .seconds(60)
        #expect(log.contains { $0.time == standDown && $0.kind == .scaleIn(count: 2) })
        #expect(log.last?.held == 0)
        #expect(log.last?.time == standDown + .seconds(30))
    }

    @Test("standby is checked with located, exact messages")
    func diagnostics() {
        let head = """
            version: 1
            horizon: 1m
            workload: {arrivals: {process: poisson, rate: 1/s}, classes: [{name: u, path: [a]}]}
            regions: {east: {latency: {west: 10ms}}, west: {}}
            """
        func check(_ body: String, _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            #expect(problems(head + "\n" + body) == expected, sourceLocation: sourceLocation)
        }
        let a = "  a: {kind: server_pool, service: {deterministic: 1ms}, region: east}"
        let dns = "dns: {ttl: 5s, entries: {east: a, west: b}, primary: east}"
        check(
            dns + "\ncomponents:\n" + a
                + "\n  b: {kind: server_pool, service: {deterministic: 1ms}, region: west, standby: {scale_to: 2}}",
            [
                "s.yaml:8:80: error: components.b.standby: a standby pool scales up through its autoscaler: give autoscale: {…, min: <the idle fleet>, max: ≥ 2, provisioning: …}"
            ])
        let auto = "autoscale: {metric: in_flight, target: 2, min: 0, max: 3}"
        check(
            dns + "\ncomponents:\n" + a
                + "\n  b: {kind: server_pool, service: {deterministic: 1ms}, region: west, \(auto), standby: {scale_to: 4}}",
            [
                "s.yaml:8:150: error: components.b.standby.scale_to: expected scale_to ≤ the autoscaler's max (3), found 4"
            ])
        check(
            "dns: {ttl: 5s, entries: {east: a, west: b}}\ncomponents:\n" + a
                + "\n  b: {kind: server_pool, service: {deterministic: 1ms}, region: west, \(auto), standby: {scale_to: 2}}",
            [
                "s.yaml:8:139: error: components.b.standby: a standby pool fails over when DNS's health checks find the primary region down: give dns: {…, primary: <the active region>}"
            ])
        check(
            dns + "\ncomponents:\n" + a
                + "\n  b: {kind: server_pool, service: {deterministic: 1ms}, region: west}"
                + "\n  c: {kind: server_pool, service: {deterministic: 1ms}, region: east, \(auto), standby: {scale_to: 2}}",
            [
                "s.yaml:9:139: error: components.c.standby: 'c' is in east, DNS's primary: a standby pool lives in the region DNS fails over to"
            ])
        check(
            dns + "\ncomponents:\n" + a
                + "\n  b: {kind: server_pool, service: {deterministic: 1ms}, region: west, autoscale: {metric: in_flight, target: 2, min: 0, max: 3}}",
            ["s.yaml:8:118: error: components.b.autoscale.min: expected a whole number from 1 to 1000000, found 0"])
    }
}
