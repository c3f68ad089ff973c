import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import Testing
import Theory

/// `rate_limit:`: a token bucket of `burst` tokens refilled one per 1/rate, request by request,
/// and its long-run rate; per instance and per class; the analytic load behind a limit; and its
/// diagnostics.
@Suite("Rate limits")
struct RateLimitTests {
    static func scenario(arrivals: String, limit: String, instances: Int = 1, classes: String? = nil) -> String {
        """
        version: 1
        name: limited
        horizon: 10s
        warmup: 0s
        replications: 2
        seed: 11
        workload:
          arrivals: \(arrivals)
        \(classes.map { "  classes:\n" + $0 } ?? "")
        components:
          api:
            kind: server_pool
            instances: \(instances)
            workers: unlimited
            service: {deterministic: 1ms}
            rate_limit: \(limit)
        """
    }

    /// Every request of the first replication with its outcome, from a full trace.
    func outcomes(_ yaml: String) throws -> [(arrival: Int64, outcome: String, classIndex: String)] {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let trace = dir.appendingPathComponent("t.json").path
        let r = capsim([
            "run", file.path, "-q", "--trace", trace, "--trace-sample", "1", "--trace-limit", "10000000",
        ])
        #expect(r.status == 0, "\(r.err)")
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace))) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        return events.filter { $0["cat"] as? String == "request" }.compactMap { e in
            guard let args = e["args"] as? [String: Any], let ts = e["ts"] as? Double else { return nil }
            return (
                Int64((ts * 1000).rounded()), args["outcome"] as? String ?? "?", args["class"] as? String ?? "?"
            )
        }.sorted { $0.arrival < $1.arrival }
    }

    /// A token bucket written plainly, in integer nanoseconds: `credit` is the time's worth of
    /// tokens held (one token = one interval), at most burst × interval, full at time 0.
    struct ReferenceBucket {
        let interval: Int64
        let burst: Int64
        var credit: Int64
        var last: Int64 = 0
        init(interval: Int64, burst: Int64) {
            self.interval = interval
            self.burst = burst
            credit = interval * burst
        }
        mutating func admit(at t: Int64) -> Bool {
            credit = min(burst * interval, credit + (t - last))
            last = t
            guard credit >= interval else { return false }
            credit -= interval
            return true
        }
    }

    @Test(
        "request by request, the limiter admits what a plain token bucket admits",
        arguments: [
            ("{process: constant, rate: 100/s}", "{rate: 20/s, burst: 5}", Int64(50_000_000), Int64(5)),
            ("{process: poisson, rate: 300/s}", "{rate: 70/s, burst: 12}", Int64(14_285_714), Int64(12)),
            ("{process: poisson, rate: 50/s}", "{rate: 45/s, burst: 1}", Int64(22_222_222), Int64(1)),
        ])
    func tokenBucket(_ arrivals: String, _ limit: String, _ interval: Int64, _ burst: Int64) throws {
        let requests = try outcomes(Self.scenario(arrivals: arrivals, limit: limit))
        #expect(requests.count > 400)
        var bucket = ReferenceBucket(interval: interval, burst: burst)
        var admitted = 0
        for r in requests {
            let expected = bucket.admit(at: r.arrival) ? "success" : "rate_limited"
            #expect(r.outcome == expected, "request at \(r.arrival) ns")
            if expected == "success" { admitted += 1 }
        }
        // Over the whole run, at most burst + ⌊t / interval⌋ pass.
        let last = try #require(requests.last?.arrival)
        #expect(admitted <= Int(burst + last / interval))
    }

    @Test("constant arrivals above the rate: burst + ⌊(t − t₀) / interval⌋ have passed by each arrival t")
    func exactCount() throws {
        // Arrivals every 10 ms (at 10 ms, 20 ms, …); a token every 50 ms, 5 in the full bucket.
        let requests = try outcomes(
            Self.scenario(arrivals: "{process: constant, rate: 100/s}", limit: "{rate: 20/s, burst: 5}"))
        let first = try #require(requests.first?.arrival)
        var passed: Int64 = 0
        for (k, r) in requests.enumerated() {
            if r.outcome == "success" { passed += 1 }
            #expect(passed == min(Int64(k + 1), 5 + (r.arrival - first) / 50_000_000), "arrival \(k + 1)")
        }
        #expect(passed == 5 + (try #require(requests.last?.arrival) - first) / 50_000_000)
    }

    @Test("Poisson arrivals at three times the rate: the long-run admitted rate is the limit's")
    func longRunRate() throws {
        var yaml = Self.scenario(arrivals: "{process: poisson, rate: 3000/s}", limit: "{rate: 1000/s, burst: 20}")
        yaml = yaml.replacingOccurrences(of: "horizon: 10s", with: "horizon: 2m")
        let run = Run(try ScenarioLoader.parse(yaml: yaml))
        // At most burst over the rate; and the bucket is nearly never full at 3× the rate.
        for t in run.values("throughput") { #expect(t <= 1000 + 20 / 120.0 && t >= 990, "\(t)") }
        let rejected = run.values("errors.rate_limited.rate")
        for x in rejected { #expect(abs(x - 2.0 / 3) < 0.01, "\(x)") }
    }

    @Test("per instance: each instance has its bucket; per class: each class its own")
    func scopes() throws {
        let perInstance = Run(
            try ScenarioLoader.parse(
                yaml: Self.scenario(
                    arrivals: "{process: poisson, rate: 2000/s}", limit: "{rate: 100/s, burst: 5, scope: instance}",
                    instances: 4)))
        for t in perInstance.values("throughput") { #expect(t <= 400 + 20 / 10.0 && t >= 390, "\(t)") }
        let perClass = Run(
            try ScenarioLoader.parse(
                yaml: Self.scenario(
                    arrivals: "{process: poisson, rate: 2000/s}", limit: "{rate: 100/s, burst: 5, per: class}",
                    classes: "    - {name: a, weight: 1, path: [api]}\n    - {name: b, weight: 1, path: [api]}")))
        for t in perClass.values("throughput") { #expect(t <= 200 + 10 / 10.0 && t >= 195, "\(t)") }
    }

    @Test("theory under a rate that varies: the limit binds only while the rate is above it")
    func theoryOverTime() throws {
        // The flood is 4,000/s from 5 to 8 minutes of 15 against 300/s per class: 300/s of it
        // passes for 3 minutes (60/s over the horizon), and all of the users' 200/s.
        let spec = try ScenarioLoader.load(path: scenarioPath("flood-rate-limited.yaml")).model
        let load = spec.offeredLoad()
        #expect(abs(load[0].arrivalRate - 1000) < 1e-9)
        // The slices' edges cut the flood's first and last minute: within 0.5/s of 260/s.
        #expect(abs(load[1].arrivalRate - 260) < 0.5, "\(load[1].arrivalRate)")
        #expect(abs((load[0].passRatio ?? 0) - 0.26) < 0.0005)
        // The run agrees over its measured window, from 1 minute: the users' 200/s, and the
        // flood's 300/s for 3 minutes plus the 300 tokens its bucket held when it began.
        let run = try Run("flood-rate-limited.yaml", ["replications=3"])
        run.expectMatches("arrival_rate.origin", 200 + (300 * 180 + 300) / 840.0)
    }

    @Test("theory: the load behind a limit is what the limit lets through")
    func theory() throws {
        let yaml = """
            version: 1
            name: edge-limited
            horizon: 1m
            workload:
              arrivals: {process: poisson, rate: 5000/s}
              classes: [{name: page, path: [edge, app]}]
            components:
              edge:
                kind: load_balancer
                targets: app
                rate_limit: {rate: 1000/s, burst: 50}
              app: {kind: server_pool, workers: 8, service: {exponential: {mean: 4ms}}}
            """
        let spec = try ScenarioLoader.parse(yaml: yaml).model
        let load = spec.offeredLoad()
        // 5000/s offered, 1000/s let through: the app is at 1000 × 4 ms / 8 = 50 %, not 250 %.
        #expect(abs((load[1].utilization ?? 0) - 0.5) < 1e-9)
        #expect(abs(load[1].arrivalRate - 1000) < 1e-9)
        #expect(abs(load[0].arrivalRate - 5000) < 1e-9 && abs((load[0].passRatio ?? 0) - 0.2) < 1e-12)
        #expect(load[1].passRatio == nil)
        let file = temporaryDirectory().appendingPathComponent("edge.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let validate = capsim(["validate", file.path])
        #expect(validate.status == 0 && !validate.out.contains("UNSTABLE"), "\(validate.out)")
        #expect(
            validate.out.contains(
                "  edge: offered 5000.00/s, its rate limit lets 20.0 % through (1000.00/s), unlimited workers (no waiting)\n"
            ), "\(validate.out)")
    }

    @Test(
        "diagnostics name the key",
        arguments: [
            ("{rate: 10/s}", "error: components.api.rate_limit: missing required key 'burst'"),
            ("{rate: 10/s, burst: 0}", "components.api.rate_limit.burst"),
            ("{rate: 10/s, burst: 2, scope: zone}", "components.api.rate_limit.scope"),
            ("{rate: 0/s, burst: 2}", "components.api.rate_limit.rate"),
            (
                "500/s",
                "error: components.api.rate_limit: expected a mapping with keys rate, burst, scope, per, found '500/s'"
            ),
        ])
    func diagnostics(_ limit: String, _ expected: String) {
        let found = problems(Self.scenario(arrivals: "{process: poisson, rate: 10/s}", limit: limit))
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test("a database takes no rate_limit (a key it does not have)")
    func notOnDatabases() {
        let yaml = """
            version: 1
            name: db
            horizon: 1m
            workload: {arrivals: {process: poisson, rate: 10/s}}
            components:
              db:
                kind: database
                primary: {workers: 4, service: {exponential: {mean: 1ms}}}
                rate_limit: {rate: 10/s, burst: 1}
            """
        #expect(problems(yaml).contains { $0.contains("db.rate_limit") }, "\(problems(yaml))")
    }
}

/// `per: key`: a bucket per request key, so a flood from a few keys is cut to rate × keys while
/// users spread over many keys pass; theory's pass ratios by key popularity agree.
@Suite("Rate limits per key")
struct RateLimitPerKeyTests {
    static let yaml = """
        version: 1
        name: keyed
        horizon: 2m
        warmup: 10s
        replications: 4
        seed: 7
        workload:
          classes:
            - {name: users, path: [api], keys: {count: 100000}, arrivals: {process: poisson, rate: 200/s}}
            - {name: flood, attack: true, path: [api], keys: {count: 5}, arrivals: {process: poisson, rate: 1000/s}}
        components:
          api:
            kind: server_pool
            workers: unlimited
            service: {deterministic: 1ms}
            rate_limit: {rate: 20/s, burst: 20, per: key}
        """

    @Test("five flooding keys pass 5 × 20/s; the users' many keys pass; theory says the same")
    func floodFromFewKeys() throws {
        let run = Run(try ScenarioLoader.parse(yaml: Self.yaml))
        // Each flooding key gets at most 20/s plus its burst over the 110 s measured.
        let ceiling: Double = 100 + 5 * 20 / 110.0
        for t in run.values("class.flood.throughput") { #expect(t <= ceiling && t >= 99, "\(t)") }
        for a in run.values("class.users.availability.request") { #expect(a > 0.9995, "\(a)") }
        let passes = run.scenario.model.expectedPassRatios(hits: run.scenario.model.expectedHitRatios())
        // Each flooding key carries 200/s, and the users' 0.002/s on the same rank (ranks are
        // shared): each passes 20/200.002 of it.
        #expect(abs(passes[1][0] - 20 / 200.002) < 1e-12)
        // The users lose that share of their 5 × 0.002/s on ranks 1…5, of their 200/s.
        #expect(abs(passes[0][0] - (1 - 5 * 0.002 * (1 - 20 / 200.002) / 200)) < 1e-12)
    }

    @Test("a class without keys on a per-key limit, and too many keys, are errors at the class")
    func diagnostics() {
        let noKeys = Self.yaml.replacingOccurrences(of: "keys: {count: 100000}, ", with: "")
        #expect(
            problems(noKeys).contains {
                $0.contains(
                    "the per-key rate limit at 'api' needs keys: class 'users' has none (give it keys:, e.g. keys: {count: 1M, zipf: 0.99})"
                )
            }, "\(problems(noKeys))")
        let many = Self.yaml.replacingOccurrences(of: "keys: {count: 100000}", with: "keys: {count: 20M}")
        #expect(
            problems(many).contains {
                $0.contains(
                    "the per-key rate limit at 'api' keeps a bucket per key: at most 10000000, but class 'users' has 20000000 keys"
                )
            }, "\(problems(many))")
    }
}
