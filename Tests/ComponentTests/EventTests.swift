import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// Zones and scheduled events: exact where the timeline makes the answer exact.
@Suite("Zones and scheduled events")
struct EventTests {
    /// Six pure-delay instances (1 ms, unlimited workers) over zones a, b, c, one hour from 0.
    func run(
        _ extra: String, pool: String = "", rate: String = "200/s", arrivals: String = "poisson", replications: Int = 4
    ) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: events
                horizon: 1h
                replications: \(replications)
                seed: 12
                workload:
                  arrivals: {process: \(arrivals), rate: \(rate)}
                components:
                  web:
                    kind: server_pool
                    instances: 6
                    workers: unlimited
                    zones: [a, b, c]
                    service: {deterministic: 1ms}
                    health_check: {interval: 1s, unhealthy_after: 2, healthy_after: 1}
                \(pool)
                \(extra)
                """)
    }

    @Test("a scheduled zone outage takes every instance in the zone for its duration")
    func zoneOutage() throws {
        let r = try run("events: [{at: 20m, outage: {zone: b, for: 10m}}]")
        // Zone b holds instances 1 and 4: 2 of 6 down for 10 of 60 minutes.
        for v in r.values("instances.web.up.mean") { #expect(abs(v - (6.0 * 60 - 2 * 10) / 60) < 1e-9) }
        for v in r.values("failures.web.count") { #expect(v == 2) }
        // Every request lost is blamed on web, and on zone b whose outage killed it.
        for (zone, lost) in zip(r.values("errors.zone.b.rate"), r.values("errors.instance_failed.rate")) {
            #expect(zone == lost && zone > 0)
        }
        for v in r.values("errors.zone.a.rate") { #expect(v == 0) }
        // Lost: the requests routed to b before the checks notice (1–2 s of a third of the traffic).
        for v in r.values("errors.instance_failed.rate") { #expect(v > 0 && v < 2.0 / 3600) }
        expectConservation(r)
    }

    @Test("requests still in flight at the end are blamed on no zone, whatever the run's last event blamed")
    func inFlightAtEndBlamesNoZone() throws {
        // The last event of the drain is front's last service end, whose request round robin sends
        // to zone b's dead instance (arrival 179 of 179 goes to instance 178 mod 3 = 1): it is
        // refused and blamed on b. The 100 s services still running on a and c at the end are
        // in_flight_at_end, the fault of nothing in any zone.
        let r = try Run(
            yaml: """
                version: 1
                name: zone-blame
                horizon: 60s
                drain: 1s
                replications: 2
                seed: 5
                workload:
                  arrivals: {process: constant, rate: 3/s}
                components:
                  front: {kind: server_pool, workers: unlimited, service: {deterministic: 1s}}
                  web: {kind: server_pool, instances: 3, workers: unlimited, zones: [a, b, c], service: {deterministic: 100s}}
                events:
                  - {at: 10s, outage: {zone: b, for: 1h}}
                """)
        for (zone, lost) in zip(r.values("errors.zone.b.rate"), r.values("errors.instance_failed.rate")) {
            #expect(zone == lost && zone > 0)
        }
        for v in r.values("errors.in_flight_at_end.rate") { #expect(v > 0.5) }
        expectConservation(r)
    }

    @Test("a zone that fails at random is up MTBF/(MTBF + MTTR) of the time, with all its instances")
    func randomZone() throws {
        let r = try run("zones: {a: {failures: {mtbf: 100s, mttr: 25s}}, b: {}, c: {}}", replications: 10)
        // Zone a holds 2 of the 6 instances.
        r.expectMatches("instances.web.up.mean", 4 + 2 * 100.0 / 125)
    }

    @Test("a degrade stretches service for its duration, and only then")
    func degrade() throws {
        let r = try run(
            "events: [{at: 30m, degrade: {component: web, factor: 3x, for: 15m}}]", arrivals: "constant",
            replications: 1)
        // Constant arrivals: a quarter of them meet 3 ms instead of 1 ms.
        for v in r.values("latency.mean") { #expect(abs(v - (0.75 * 0.001 + 0.25 * 0.003)) < 1e-6) }
        #expect(r.values("availability.request") == [1])
    }

    @Test("maintenance drains an instance first: no request is lost")
    func maintenance() throws {
        let r = try run("events: [{at: 10m, maintenance: {component: web, instances: [2], for: 20m, drain: 5s}}]")
        for v in r.values("availability.request") { #expect(v == 1) }
        for v in r.values("instances.web.up.mean") { #expect(abs(v - (6.0 * 3600 - 1200) / 3600) < 1e-9) }
        for v in r.values("failures.web.count") { #expect(v == 0, "planned downtime is not a failure") }
    }

    @Test("a rolling restart takes batches out in turn, drained, without losing requests; a deploy can change speed")
    func rolling() throws {
        let restart = try run("events: [{at: 10m, rolling_restart: {component: web, batch: 2, each: 2m, drain: 10s}}]")
        for v in restart.values("availability.request") { #expect(v == 1) }
        // Three batches of two, each down 2 minutes.
        for v in restart.values("instances.web.up.mean") { #expect(abs(v - (6.0 * 60 - 3 * 2 * 2) / 60) < 1e-9) }
        let deploy = try run(
            "events: [{at: 0s, rolling_deploy: {component: web, batch: 3, each: 1m, drain: 1s, service_factor: 2x}}]",
            arrivals: "constant", replications: 1)
        // After 2 minutes every instance runs the new version, twice as slow; before, half of
        // the rotation is new during the second minute. Check the end state through the max.
        #expect(abs(deploy.values("latency.max")[0] - 0.002) < 1e-6)
        #expect(deploy.values("availability.request") == [1])
        // Without a drain the requests in service at the moment of the restart are lost: with
        // 100 ms of service at 600/s, about 10 per instance.
        let abrupt = try Run(
            yaml: """
                version: 1
                name: abrupt
                horizon: 10m
                replications: 1
                workload:
                  arrivals: {process: poisson, rate: 600/s}
                components:
                  web: {kind: server_pool, instances: 6, workers: unlimited, service: {deterministic: 100ms}}
                events: [{at: 1m, rolling_restart: {component: web, batch: 3, each: 1m, drain: 0s}}]
                """)
        #expect(abrupt.values("errors.instance_failed.rate")[0] > 10.0 / 360_000)
    }

    @Test("mistakes in zones and events are located and explained")
    func diagnostics() {
        func problems(_ extra: String) -> String {
            do {
                _ = try run(extra)
                return ""
            } catch { return "\(error)" }
        }
        #expect(
            problems("events: [{at: 2h, outage: {zone: b, for: 1m}}]").contains(
                "events.0.at: expected a time before the horizon (1h), found 2h"))
        #expect(
            problems("events: [{at: 1m, outage: {zone: d, for: 1m}}]").contains(
                "events.0.outage.zone: expected a zone some component is placed in, found 'd'"))
        #expect(
            problems("events: [{at: 1m, outage: {component: web, zone: b, for: 1m}}]").contains(
                "give 'component' or 'zone', not both"))
        #expect(
            problems("events: [{at: 1m, outage: {component: web, instances: 7, for: 1m}}]").contains(
                "events.0.outage.instances: expected a whole number from 1 to 6"))
        #expect(
            problems("events: [{at: 1m, cache_flush: {component: web}}]").contains(
                "events.0.cache_flush.component: cache_flush needs an lru cache; 'web' is not a cache"))
        #expect(
            problems("events: [{at: 1m}]").contains(
                "expected exactly one of outage, degrade, maintenance, rolling_restart, rolling_deploy, canary_deploy, blue_green_deploy, cache_flush, switchover, region_outage, data_loss beside 'at', found 0"
            ))
        #expect(
            problems("events: [{at: 1m, switchover: {component: web}}]").contains(
                "events.0.switchover.component: a switchover promotes a database replica; 'web' is not a database"))
        #expect(
            problems("zones: {a: {}, b: {}}").contains(
                "components.web.zones.2: expected a zone declared under 'zones:', found 'c'"))
        #expect(
            problems("events: [{at: 1m, rolling_restart: {component: web, batch: 9, each: 1m}}]").contains(
                "events.0.rolling_restart.batch: expected a whole number from 1 to 6"))
        #expect(
            problems("events: [{at: 1m, cache_flush: {}}]").contains(
                "events.0.cache_flush: missing required key 'component'"))
        #expect(
            problems("events: [{at: 1m, rolling_restart: {each: 1m}}]").contains(
                "events.0.rolling_restart: missing required key 'component'"))
    }
}

@Suite("Zone and deploy scenarios")
struct ZoneScenarioTests {
    @Test("zone-outage.yaml: the outage costs about a third of the traffic for the detection time")
    func zoneOutage() throws {
        let r = try Run(
            "zone-outage.yaml", ["horizon=40m", "warmup=5m", "replications=4", "components.lb.policy=round_robin"])
        expectConservation(r)
        // Round robin: each of zone b's 3 instances is refused its share until its own checks
        // notice, 10–15 s after the outage (phase + 2 intervals). Its share is 1/9 until another
        // instance leaves the rotation, at most 1/7: between 3 × 1/9 × 10 s and 3 × 1/7 × 15 s of
        // the traffic, over 35 measured minutes.
        for v in r.values("errors.instance_failed.rate") {
            let (low, high): (Double, Double) = (3.0 / 9 * 10 / 2100, 3.0 / 7 * 15 / 2100)
            #expect(v > low && v < high, "\(v)")
        }
        let mean = r.values("errors.instance_failed.rate").reduce(0, +) / 4
        let floor: Double = 3.0 / 9 * 11 / 2100
        #expect(mean > floor, "the detection delay averages (3 − ½) × 5 s, not its minimum: \(mean)")
        for v in r.values("instances.web.up.mean") { #expect(abs(v - (9 - 3 * 15.0 / 35)) < 1e-9) }
    }

    @Test("multi-zone.yaml: three zones beat one on availability, replication by replication")
    func multiZone() throws {
        // Zones failing every 5 h (for 30 min) so every replication sees several outages.
        let sets = [
            "replications=4", "workload.arrivals.rate=5/s", "zones.a.failures.mtbf=5h", "zones.b.failures.mtbf=5h",
            "zones.c.failures.mtbf=5h",
        ]
        let one = try Run("multi-zone.yaml", sets)
        let three = try Run("multi-zone.yaml", sets + ["components.web.zones=[a, b, c]"])
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
        // One zone: down ≈ 0.5/5.5 ≈ 9 % of the time; three: only while all three are out.
        #expect(mean(one.values("availability.request")) < 0.96)
        #expect(mean(three.values("availability.request")) > 0.99)
        expectConservation(one)
        expectConservation(three)
    }

    @Test("rolling-deploy.yaml: a batch of 4 at peak overloads the rest; a batch of 1 does not")
    func rollingDeploy() throws {
        let small = try Run("rolling-deploy.yaml", ["replications=2"])
        let big = try Run("rolling-deploy.yaml", ["replications=2", "events.0.rolling_deploy.batch=4"])
        for (a, b) in zip(small.values("latency.p99"), big.values("latency.p99")) {
            #expect(a < 0.5 && b > 1, "\(a) vs \(b)")
        }
    }
}
