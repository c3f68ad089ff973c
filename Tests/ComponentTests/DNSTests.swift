import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// DNS failover between regions: the TTL-expiry curve, and the availability of an
/// active/passive region pair against the renewal-cycle formula.
@Suite("DNS failover")
struct DNSTests {
    /// Two regions, each with an entry pool of pure delays (10 ms); everyone prefers us-east
    /// (`primary`), whose outage (scheduled here, or random) sends DNS's answers to eu-west.
    func yaml(
        horizon: String, warmup: String, dns: String, rate: String = "1000/s", process: String = "constant",
        east: String = "", events: String = "", replications: Int = 4
    ) -> String {
        """
        version: 1
        name: dns
        horizon: \(horizon)
        warmup: \(warmup)
        replications: \(replications)
        seed: 11
        regions:
          us-east: {latency: {eu-west: 70ms}\(east)}
          eu-west: {}
        dns: {\(dns), entries: {us-east: web-east, eu-west: web-west}, primary: us-east}
        workload:
          arrivals: {process: \(process), rate: \(rate)}
          classes: [{name: users, path: [web-east]}]
        components:
          web-east: {kind: server_pool, region: us-east, workers: unlimited, service: {deterministic: 10ms}}
          web-west: {kind: server_pool, region: eu-west, workers: unlimited, service: {deterministic: 10ms}}
        \(events)
        """
    }

    @Test(
        "with a constant TTL and instant detection, the share of requests still sent to the dead region falls as 1 − s/TTL",
        arguments: [(0, 15, 0.875), (15, 30, 0.625), (30, 45, 0.375), (45, 60, 0.125), (60, 90, 0.0)])
    func ttlCurve(from: Int, to: Int, expected: Double) throws {
        // us-east fails at 60 s for 10 minutes; the window [60 + from, 60 + to) s sees the
        // curve's mean over it (linear: its value at the middle).
        let r = try Run(
            yaml: yaml(
                horizon: "\(60 + to)s", warmup: "\(60 + from)s", dns: "ttl: 60s, detect: 0s",
                events: "events: [{at: 60s, region_outage: {region: us-east, for: 10m}}]", replications: 10))
        if expected == 0 {
            for v in r.values("dns.stale.rate") { #expect(v == 0) }
        } else {
            // Each request is stale with its own chance (its client's phase): a binomial share.
            r.expectMatches("dns.stale.rate", expected, floor: 0)
        }
        // A request DNS sent to the dead region fails there; every other one succeeds.
        for (a, s) in zip(r.values("availability.request"), r.values("dns.stale.rate")) {
            #expect(abs(a - (1 - s)) < 1e-12)
        }
        expectConservation(r)
    }

    @Test("detection delays the curve: every request in the first `detect` goes to the dead region")
    func detectionDelay() throws {
        let r = try Run(
            yaml: yaml(
                horizon: "80s", warmup: "60s", dns: "ttl: 60s, detect: 20s",
                events: "events: [{at: 60s, region_outage: {region: us-east, for: 10m}}]", replications: 2))
        for v in r.values("dns.stale.rate") { #expect(v == 1) }
        for v in r.values("region.eu-west.requests.rate") { #expect(v == 0) }
    }

    @Test("anycast switches at detection, with no clients' caches to expire")
    func anycast() throws {
        let r = try Run(
            yaml: yaml(
                horizon: "3m", warmup: "60s", dns: "routing: anycast, detect: 5s",
                events: "events: [{at: 60s, region_outage: {region: us-east, for: 1m}}]", replications: 2))
        // Stale for 5 s of the 120 s window, then nothing; back to us-east 5 s after it returns.
        for v in r.values("dns.stale.rate") { #expect(abs(v - 5.0 / 120) < 1e-3) }
        for v in r.values("region.eu-west.requests.rate") { #expect(abs(v - 1000 * 60.0 / 120) < 1) }
    }

    @Test("an active/passive region pair is available 1 − (detect + TTL/2)/(MTBF + MTTR) of the time")
    func activePassiveRenewal() throws {
        // us-east fails every 2 h on average (exponential) for exactly 30 minutes; each failure
        // costs the requests of `detect` and then of the TTL's expiring caches: detect + TTL/2 of
        // full traffic. Per renewal cycle (MTBF + MTTR): 30 s + 30 s lost in 9,000 s.
        let r = try Run(
            yaml: yaml(
                horizon: "200h", warmup: "0s", dns: "ttl: 60s, detect: 30s", rate: "2/s", process: "poisson",
                east: ", failures: {mtbf: 2h, mttr: {deterministic: 30m}}", replications: 10))
        r.expectMatches("availability.request", 1 - 60.0 / 9000, floor: 0)
        r.expectMatches("region.us-east.availability", 2.0 / 2.5)
        expectConservation(r)
    }

    @Test("DNS is checked with located, exact messages")
    func diagnostics() {
        let head = """
            version: 1
            horizon: 1m
            workload: {arrivals: {process: poisson, rate: 1/s}}
            regions: {east: {latency: {west: 10ms}}, west: {}}
            components:
              a: {kind: server_pool, service: {deterministic: 1ms}, region: east}
              b: {kind: server_pool, service: {deterministic: 1ms}}
            """
        func check(_ body: String, _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            #expect(problems(head + "\n" + body) == expected, sourceLocation: sourceLocation)
        }
        check(
            "dns: {entries: {east: a, west: b}, primary: wes}",
            [
                "s.yaml:8:6: error: dns: missing required key 'ttl' (how long clients keep an answer)",
                "s.yaml:8:32: error: dns.entries.west: the entry of region west must live in it; 'b' is in no region",
                "s.yaml:8:45: error: dns.primary: expected a region with an entry under dns.entries, found 'wes'",
            ])
        check(
            "dns: {routing: anycast, ttl: 5s, entries: {east: a}}",
            ["s.yaml:8:30: error: dns.ttl: anycast keeps no answer in clients' caches: give no ttl"])
        #expect(
            problems(
                """
                version: 1
                horizon: 1m
                workload: {arrivals: {process: poisson, rate: 1/s}}
                regions: {east: {}}
                components:
                  b: {kind: server_pool, service: {deterministic: 1ms}}
                  a: {kind: server_pool, service: {deterministic: 1ms}, region: east}
                dns: {ttl: 5s, entries: {east: a}}
                """) == [
                    "s.yaml:8:6: error: dns.entries: no class starts at an entry: DNS picks the first component of the classes whose path begins at one"
                ])
        // The default class visits every component: here both regions' entries, on every request.
        #expect(
            problems(
                yaml(horizon: "1m", warmup: "0s", dns: "ttl: 60s").replacingOccurrences(
                    of: "  classes: [{name: users, path: [web-east]}]\n", with: ""))
                == [
                    "s.yaml:10:6: error: dns.entries: class 'default' visits 'web-east' and then 'web-west', entries of two regions: DNS sends each request to one region's entry, so give the class a path that starts at one of them (without 'classes:', the default class visits every component in file order)"
                ])
    }

    @Test("DNS routes to a region numbered above 127 (the region once sat in a byte and trapped there)")
    func manyRegions() throws {
        let n = 130
        let regions = (0..<n).map { i in
            let far = (i + 1..<n).map { "r\($0): {deterministic: 10ms}" }.joined(separator: ", ")
            return far.isEmpty ? "  r\(i): {}" : "  r\(i): {latency: {\(far)}}"
        }
        let r = try Run(
            yaml: """
                version: 1
                name: many-regions
                horizon: 10s
                warmup: 0s
                replications: 1
                regions:
                \(regions.joined(separator: "\n"))
                dns: {ttl: 30s, detect: 10s, entries: {r129: web}, primary: r129}
                workload:
                  arrivals: {process: constant, rate: 10/s}
                components:
                  web: {kind: server_pool, region: r129, workers: 4, service: {deterministic: 10ms}}
                """)
        // Every request goes to r129's entry.
        for (v, rate) in zip(r.values("region.r129.requests.rate"), r.values("arrival_rate")) {
            #expect(v == rate && rate > 9)
        }
        for v in r.values("latency.mean") { #expect(abs(v - 0.010) < 1e-9) }
        expectConservation(r)
    }
}
