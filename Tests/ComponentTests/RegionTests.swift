import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// Regions: crossings between them (exact on deterministic paths), the users' shares, and
/// region outages (exact when scheduled, against MTBF/(MTBF + MTTR) when random).
@Suite("Regions")
struct RegionTests {
    /// Two regions 80 ms apart (round trip), pure-delay components of 10 ms each.
    func run(
        users: (east: String, west: String)? = nil, components: String, events: String = "", failures: String = "",
        rate: String = "20/s", process: String = "constant", horizon: String = "10m", replications: Int = 2
    ) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: regions
                horizon: \(horizon)
                replications: \(replications)
                seed: 7
                zones: {a: {}, b: {}, c: {}}
                regions:
                  us-east: {zones: [a, b], latency: {eu-west: 80ms}\(users.map { ", users: " + $0.east } ?? "")}
                  eu-west: {zones: [c]\(users.map { ", users: " + $0.west } ?? "")\(failures)}
                workload:
                  arrivals: {process: \(process), rate: \(rate)}
                components:
                \(components)
                \(events)
                """)
    }

    static let pool = "kind: server_pool, workers: unlimited, service: {deterministic: 10ms}"

    @Test("a chain that crosses from us-east to eu-west and back pays the round trip at each crossing, exactly")
    func exactCrossings() throws {
        // Users in us-east: web (us-east) is reached directly; web → api crosses to eu-west; api →
        // proxy (in no region) stays in eu-west; proxy → db crosses back to us-east.
        let r = try run(
            users: ("100%", "0%"),
            components: """
                  web: {\(Self.pool), zones: [a, b], instances: 2}
                  api: {\(Self.pool), region: eu-west}
                  proxy: {\(Self.pool)}
                  db: {\(Self.pool), zones: [a]}
                """)
        for v in r.values("latency.mean") { #expect(abs(v - (4 * 0.010 + 2 * 0.080)) < 1e-9) }
        for v in r.values("latency.max") { #expect(abs(v - 0.200) < 1e-3) }
        // Two crossings per request, one into each region, at the arrival rate.
        for v in r.values("region.eu-west.crossings.rate") { #expect(abs(v - 20) < 0.1) }
        for v in r.values("region.us-east.crossings.rate") { #expect(abs(v - 20) < 0.1) }
        for v in r.values("availability.request") { #expect(v == 1) }
        expectConservation(r)
    }

    @Test("users in another region pay the round trip to reach the first component; without users nobody does")
    func usersPayToReachTheirFirstComponent() throws {
        let from = try run(users: ("0%", "100%"), components: "  web: {\(Self.pool), zones: [a]}")
        for v in from.values("latency.mean") { #expect(abs(v - 0.090) < 1e-9) }
        let none = try run(components: "  web: {\(Self.pool), zones: [a]}")
        for v in none.values("latency.mean") { #expect(abs(v - 0.010) < 1e-9) }
        for v in none.values("region.us-east.crossings.rate") { #expect(v == 0) }
    }

    @Test("each request's users are in a region drawn by the regions' users shares")
    func usersShares() throws {
        // 50 % of the users in eu-west: half the requests cross to reach web in us-east.
        let r = try run(
            users: ("50%", "50%"), components: "  web: {\(Self.pool), zones: [a]}", rate: "200/s", process: "poisson",
            replications: 10)
        // Crossings per request ~ Bernoulli(1/2): the share of the window's requests that crossed.
        let shares = zip(r.values("region.us-east.crossings.rate"), r.values("arrival_rate")).map { $0 / $1 }
        expectMean(shares, 0.5, label: "share of requests from eu-west")
        r.expectMatches("latency.mean", 0.010 + 0.5 * 0.080)
        expectConservation(r)
    }

    @Test("a scheduled region outage takes every component in the region, and only those")
    func scheduledRegionOutage() throws {
        let r = try run(
            users: ("100%", "0%"),
            components: """
                  web: {\(Self.pool), zones: [a, b], instances: 2, health_check: {interval: 1s, unhealthy_after: 1, healthy_after: 1}}
                  api: {\(Self.pool), region: eu-west}
                """, events: "events: [{at: 2m, region_outage: {region: us-east, for: 3m}}]")
        for v in r.values("region.us-east.availability") { #expect(abs(v - 7.0 / 10) < 1e-9) }
        for v in r.values("region.eu-west.availability") { #expect(v == 1) }
        for v in r.values("region.us-east.downtime.monthly") { #expect(abs(v - 0.3 * 730 * 3600) < 1e-3) }
        for v in r.values("instances.web.up.mean") { #expect(abs(v - 2 * 0.7) < 1e-9) }
        for v in r.values("failures.web.count") { #expect(v == 2) }
        // Every request arriving in the outage fails (at web: instance_failed until the check
        // notices, then no_healthy_instance); every other one succeeds.
        for v in r.values("availability.request") { #expect(abs(v - 0.7) < 0.002) }
        expectConservation(r)
    }

    @Test("a region failing at random is up MTBF/(MTBF + MTTR) of the time, and so is a component in it")
    func randomRegionOutages() throws {
        let r = try run(
            users: ("100%", "0%"), components: "  api: {\(Self.pool), region: eu-west}",
            failures: ", failures: {mtbf: 1h, mttr: 15m}", rate: "1/s", horizon: "100h", replications: 10)
        r.expectMatches("region.eu-west.availability", 0.8)
        r.expectMatches("availability.api.instances", 0.8)
        r.expectMatches("availability.request", 0.8)
        for v in r.values("region.us-east.availability") { #expect(v == 1) }
        expectConservation(r)
    }

    @Test("regions are checked with located, exact messages")
    func diagnostics() {
        let head = """
            version: 1
            horizon: 1m
            workload: {arrivals: {process: poisson, rate: 1/s}}
            zones: {a: {}, b: {}, c: {}}
            """
        func check(_ body: String, _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            #expect(problems(head + "\n" + body) == expected, sourceLocation: sourceLocation)
        }
        let web = "components: {web: {kind: server_pool, service: {deterministic: 1ms}, zones: [a, c]}}"
        check(
            "regions: {east: {zones: [a], latency: {west: 10ms}}, west: {zones: [c]}}\n" + web,
            [
                "s.yaml:6:77: error: components.web.zones: a component lives in one region; its zones are in east, west: declare one component per region"
            ])
        check(
            "regions: {east: {zones: [a]}, west: {zones: [c]}}\n"
                + "components: {web: {kind: server_pool, service: {deterministic: 1ms}, region: est}}",
            [
                "s.yaml:5:10: error: regions: no round trip between east and west: give it as latency: {west: …} under regions.east",
                "s.yaml:6:78: error: components.web.region: expected a region declared under 'regions:', found 'est' (did you mean 'east'?)",
            ])
        check(
            "regions: {east: {zones: [a, a], users: 60%, latency: {wst: 10ms}}, west: {zones: [a], users: 30%}}\n"
                + "components: {web: {kind: server_pool, service: {deterministic: 1ms}}}",
            [
                "s.yaml:5:10: error: regions: expected the regions' users to add up to 100%, found 90%",
                "s.yaml:5:29: error: regions.east.zones.1: zone 'a' is listed twice",
                "s.yaml:5:55: error: regions.east.latency.wst: expected a region declared under 'regions:', found 'wst' (did you mean 'west'?)",
                "s.yaml:5:83: error: regions.west.zones.0: zone 'a' is already in region east",
            ])
        check(
            "regions: {east: {}}\nstandby: {}\n"
                + "components: {web: {kind: server_pool, service: {deterministic: 1ms}}}\n"
                + "events: [{at: 10s, region_outage: {region: wes, for: 1m}}]",
            [
                "s.yaml:6:10: error: standby: a standby is a pool's: give standby: {scale_to: …} on the autoscaled pool in the standby region (components.<pool>.standby)",
                "s.yaml:8:44: error: events.0.region_outage.region: expected a region declared under 'regions:', found 'wes'",
            ])
    }
}
