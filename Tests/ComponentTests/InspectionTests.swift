import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing
import Theory

/// `kind: firewall | waf | ids`: detections request by request, the share blocked and what it
/// leaves downstream, fail-closed and fail-open stages under failures, and the diagnostics.
@Suite("Inspection stages")
struct InspectionTests {
    /// Users and a flood through a stage in front of an origin; `stage` holds the stage's own
    /// keys (kind, failures, on_failure, detect).
    static func scenario(
        stage: String, users: String = "{process: poisson, rate: 100/s}",
        flood: String? = "{process: poisson, rate: 50/s}", horizon: String = "10m", replications: Int = 10,
        origin: String = "{exponential: {mean: 2ms}}", mode: String = "synchronous"
    ) -> String {
        """
        version: 1
        name: inspected
        horizon: \(horizon)
        warmup: 0s
        replications: \(replications)
        seed: 23
        workload:
          classes:
            - {name: users, path: [stage, origin], mode: \(mode), arrivals: \(users)}
        \(flood.map { "    - {name: flood, attack: true, path: [stage, origin], mode: \(mode), arrivals: \($0)}" } ?? "")
        components:
          stage:
            workers: unlimited
            service: {deterministic: 1ms}
        \(stage.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
          origin:
            kind: server_pool
            instances: 2
            workers: 4
            service: \(origin)
        """
    }

    @Test("request by request, a detection blocks its class from the first inspection plus the delay")
    func detectionTrajectory() throws {
        let yaml = Self.scenario(
            stage: "kind: ids\ndetect: {flood: {probability: 100%, delay: 2s}}",
            users: "{process: constant, rate: 100/s}", flood: "{process: constant, rate: 30/s}", horizon: "10s",
            replications: 1, origin: "{deterministic: 1ms}")
        let requests = try RateLimitTests().outcomes(yaml)
        let users = requests.filter { $0.classIndex == "users" }
        let flood = requests.filter { $0.classIndex == "flood" }
        #expect(users.count > 900 && users.allSatisfy { $0.outcome == "success" })
        let first = try #require(flood.first).arrival
        #expect(flood.count > 250)
        for r in flood {
            // Inspection takes 1 ms for every request, so "inspected ≥ first inspection + 2 s" is
            // "arrived ≥ first arrival + 2 s".
            let expected = r.arrival - first >= 2_000_000_000 ? "blocked" : "success"
            #expect(r.outcome == expected, "flood request arriving at \(r.arrival) ns")
        }
    }

    @Test("a share p of a detected class is blocked, and only the rest reaches the origin (and its theory)")
    func blockedShare() throws {
        let run = try Run(yaml: Self.scenario(stage: "kind: waf\ndetect: {flood: 30%}"))
        run.expectMatches("class.flood.errors.blocked.rate", 0.3)
        run.expectMatches("class.flood.reached.origin", 0.7)
        // The stage's blocked share is over everything that entered it: 0.3 × 50 / 150.
        run.expectMatches("inspection.stage.blocked.rate", 0.1)
        #expect(run.values("availability.request").allSatisfy { $0 == 1 })
        // The origin sees the users and 70 % of the flood: (100 + 35)/s × 2 ms / 8 workers.
        let load = run.scenario.model.offeredLoad()
        let origin = try #require(load.first { $0.name == "origin" })
        #expect(abs((origin.utilization ?? 0) - 135 * 0.002 / 8) < 1e-12)
        run.expectMatches("utilization.origin", 135 * 0.002 / 8)
    }

    static let failing = "failures: {mtbf: 2m, mttr: 20s}"

    @Test("a fail-closed stage costs the users exactly its unavailability share")
    func failClosed() throws {
        let run = try Run(
            yaml: Self.scenario(
                stage: "kind: firewall\ninstances: 1\n\(Self.failing)\ndetect: {flood: 100%}", horizon: "1h"))
        // A repairable unit is up MTBF / (MTBF + MTTR) of the time; users arriving at a dead
        // firewall are refused (instance_failed).
        run.expectMatches("availability.request", 120.0 / 140.0)
        let paired = zip(run.values("availability.request"), run.values("availability.stage.instances")).map {
            $0 - $1
        }
        expectMean(paired, 0, label: "availability.request − availability.stage.instances", floor: 0.002)
        #expect(run.values("inspection.stage.uninspected.rate").allSatisfy { $0 == 0 })
        #expect(run.values("class.flood.reached.origin").allSatisfy { $0 == 0 })
    }

    @Test(
        "a fail-open stage keeps the users up and lets the flood through while it is down",
        arguments: ["synchronous", "pipeline"])
    func failOpen(mode: String) throws {
        let run = try Run(
            yaml: Self.scenario(
                stage: "kind: waf\ninstances: 1\non_failure: open\n\(Self.failing)\ndetect: {flood: 100%}",
                horizon: "1h", mode: mode))
        // Only requests being inspected when the instance crashes fail: λ · 1 ms per failure,
        // about 7 · 10⁻⁶ of the users (one failure per 140 s).
        #expect(
            run.values("availability.request").allSatisfy { $0 > 1 - 1e-4 }, "\(run.values("availability.request"))")
        #expect(run.values("errors.no_healthy_instance.rate").allSatisfy { $0 == 0 })
        run.expectMatches("inspection.stage.uninspected.rate", 20.0 / 140.0)
        run.expectMatches("class.flood.reached.origin", 20.0 / 140.0)
    }

    @Test(
        "a fail-open stage with nothing after it completes the request uninspected",
        arguments: ["synchronous", "pipeline"])
    func failOpenLeaf(mode: String) throws {
        let yaml = Self.scenario(
            stage: "kind: waf\ninstances: 1\non_failure: open\n\(Self.failing)", flood: nil, horizon: "1h",
            mode: mode
        ).replacingOccurrences(of: "path: [stage, origin]", with: "path: [stage]")
        let run = try Run(yaml: yaml)
        #expect(
            run.values("availability.request").allSatisfy { $0 > 1 - 1e-4 }, "\(run.values("availability.request"))")
        run.expectMatches("inspection.stage.uninspected.rate", 20.0 / 140.0)
    }

    @Test("a flood the stage blocks entirely leaves the origin and the users' latency as without it")
    func filteredFlood() throws {
        let stage = "kind: waf\ndetect: {flood: 100%}"
        let flooded = try Run(
            yaml: Self.scenario(stage: stage, flood: "{process: poisson, rate: 2000/s}", horizon: "2m"))
        let quiet = try Run(yaml: Self.scenario(stage: "kind: waf", flood: nil, horizon: "2m"))
        #expect(flooded.values("class.flood.reached.origin").allSatisfy { $0 == 0 })
        // Independent runs (the flood's arrivals take serials, so the users' draws differ): the
        // difference of two means against both standard errors.
        for id in ["utilization.origin", "latency.mean", "throughput"] {
            var a = Tally()
            var b = Tally()
            for x in flooded.values(id) { a.add(x) }
            for x in quiet.values(id) { b.add(x) }
            let se = (a.variance / Double(a.count) + b.variance / Double(b.count)).squareRoot()
            #expect(abs(a.mean - b.mean) <= 3.9 * se + 0.002 * abs(b.mean), "\(id): \(a.mean) vs \(b.mean) ± \(se)")
        }
    }

    @Test(
        "diagnostics name the key",
        arguments: [
            ("kind: waf\ndetect: {flod: 50%}", "'stage' detects class 'flod', which the workload does not have"),
            ("kind: waf\ndetect: {flood: 150%}", "expected a share such as 99.95% or 0.9995"),
            ("kind: waf\ndetect: {flood: {delay: 1s}}", "missing required key 'probability'"),
            ("kind: waf\non_failure: shut", "expected one of open, closed, found 'shut'"),
            ("kind: waf\ndetect: [flood]", "expected a mapping of class names"),
        ])
    func diagnostics(_ stage: String, _ expected: String) {
        let found = problems(Self.scenario(stage: stage))
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test("a detection of a class that never reaches the stage is an error")
    func unreachable() {
        let yaml = Self.scenario(stage: "kind: waf\ndetect: {flood: 50%}").replacingOccurrences(
            of: "name: flood, attack: true, path: [stage, origin]", with: "name: flood, attack: true, path: [origin]")
        #expect(
            problems(yaml).contains {
                $0.contains("class 'flood' never reaches 'stage': it is not on the class's path")
            },
            "\(problems(yaml))")
    }

    @Test("legitimate: false is attack: true, and the two must agree")
    func legitimate() throws {
        let base = Self.scenario(stage: "kind: waf")
        let spelled = base.replacingOccurrences(of: "attack: true", with: "legitimate: false")
        let scenario = try ScenarioLoader.parse(yaml: spelled)
        #expect(scenario.model.classes.map(\.attack) == [false, true])
        let both = base.replacingOccurrences(of: "attack: true", with: "attack: true, legitimate: true")
        #expect(
            problems(both).contains { $0.contains("'legitimate: true' contradicts 'attack: true'") },
            "\(problems(both))")
    }
}
