import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// Rolling, canary and blue-green deploys (`Deploy/`): the errors a bad version lets through,
/// request by request and against share × error rate × exposure; the analysis's decision and
/// its false-rollback rate; the extra fleet a blue-green switch bills; and the diagnostics.
@Suite("Deploy strategies")
struct DeployTests {
    /// Ten instances behind round robin at 500/s; `event` is the deploy event's body (one line).
    static func scenario(
        _ event: String, arrivals: String = "{process: poisson, rate: 500/s}",
        service: String = "{gamma: {mean: 40ms, cv: 1}}", horizon: String = "40m", replications: Int = 10
    ) -> String {
        """
        version: 1
        name: deploy
        horizon: \(horizon)
        warmup: 5m
        replications: \(replications)
        seed: 8
        workload:
          arrivals: \(arrivals)
        components:
          web:
            kind: server_pool
            instances: 10
            workers: 8
            queue: 200
            balance: round_robin
            service: \(service)
            cost: {instance: 0.20/h}
        events:
          - {at: 10m, \(event)}
        """
    }

    @Test("a canary with a bad version rolls back; the errors it lets through are share × error rate × exposure")
    func canaryRollsBack() throws {
        let run = try Run(
            yaml: Self.scenario(
                "canary_deploy: {component: web, instances: 1, bake: 10m, each: 60s, drain: 20s, version: {error_rate: 5%}, analysis: {max_error_rate: 1%}}"
            ))
        expectConservation(run)
        #expect(run.values("deploy.web.rolled_back").allSatisfy { $0 == 1 })
        // The canary serves 1/10 of 500/s for the 10-minute bake, then drains out of the rotation.
        run.expectMatches("deploy.web.new_version.errors", 0.1 * 500 * 0.05 * 600, floor: 0.005)
        run.expectMatches("deploy.web.new_version.responses", 0.1 * 500 * 600, floor: 0.005)
        // Every server error is the new version's.
        let window = 35.0 * 60 * 500
        run.expectMatches("errors.server_error.rate", 0.1 * 500 * 0.05 * 600 / window, floor: 0.01)
    }

    @Test("a good canary is promoted: the rest of the pool rolls over and nothing is rolled back")
    func canaryPromotes() throws {
        let run = try Run(
            yaml: Self.scenario(
                "canary_deploy: {component: web, instances: 2, bake: 5m, batch: 4, each: 30s, drain: 10s, version: {error_rate: 0.2%}, analysis: {max_error_rate: 1%}}"
            ))
        expectConservation(run)
        #expect(run.values("deploy.web.rolled_back").allSatisfy { $0 == 0 })
        // The canary (2/10 of the traffic) from 10m40s to the 15m40s decision; then batches of 4
        // are out for 40 s each: while the first is, the canaries are 2 of the 6 in the rotation;
        // while the second is, all 6 run the new version; from 17m00s the whole pool does.
        let exposure = 0.2 * 300 + 2.0 / 6 * 40 + 1.0 * 40 + Double(40 * 60 - 17 * 60)
        run.expectMatches("deploy.web.new_version.responses", 500 * exposure, floor: 0.01)
        run.expectMatches("deploy.web.new_version.errors", 500 * exposure * 0.002, floor: 0.01)
    }

    @Test("request by request: errors come only from the canary, between its restart and its rollback")
    func canaryTrajectory() throws {
        let yaml = Self.scenario(
            "canary_deploy: {component: web, instances: 1, bake: 20s, each: 5s, drain: 2s, version: {error_rate: 100%}, analysis: {max_error_rate: 1%}}",
            arrivals: "{process: constant, rate: 100/s}", service: "{deterministic: 10ms}", horizon: "11m",
            replications: 1
        ).replacingOccurrences(of: "warmup: 5m", with: "warmup: 0s")
        let requests = try RateLimitTests().outcomes(yaml)
        let start: Int64 = 600_000_000_000 + 7_000_000_000  // at + drain + restart
        let end = start + 20_000_000_000  // the bake; then the canary drains (no new work)
        let errors = requests.filter { $0.outcome == "server_error" }
        // Round robin over ten instances: the canary gets every tenth request of the bake.
        #expect(errors.count == 200)
        #expect(errors.allSatisfy { $0.arrival >= start && $0.arrival < end })
        #expect(requests.filter { $0.outcome != "success" && $0.outcome != "server_error" }.isEmpty)
    }

    @Test("a slower version fails the latency analysis and rolls back; an unchanged one passes it")
    func latencyAnalysis() throws {
        let analysis = "analysis: {max_latency: {p99: 150ms}}"
        let slow = try Run(
            yaml: Self.scenario(
                "canary_deploy: {component: web, bake: 5m, each: 30s, version: {service_factor: 3x}, \(analysis)}",
                replications: 4))
        #expect(slow.values("deploy.web.rolled_back").allSatisfy { $0 == 1 })
        #expect(slow.values("errors.server_error.rate").allSatisfy { $0 == 0 })
        // Exponential service of mean 40 ms, almost no wait: P(T > 150 ms) = e^{−3.75} ≈ 2.4 % — even
        // the unchanged version's p99 is above 150 ms — while P(T > 250 ms) = e^{−6.25} ≈ 0.2 %.
        let same = try Run(
            yaml: Self.scenario(
                "canary_deploy: {component: web, bake: 5m, each: 30s, analysis: {max_latency: {p99: 250ms}}}",
                replications: 4))
        #expect(same.values("deploy.web.rolled_back").allSatisfy { $0 == 0 })
    }

    @Test("blue-green: the second fleet is billed for provision + bake exactly, and a rollback switches straight back")
    func blueGreenCost() throws {
        let run = try Run(
            yaml: Self.scenario(
                "blue_green_deploy: {component: web, provision: 5m, bake: 10m, version: {error_rate: 5%}, analysis: {max_error_rate: 1%}}"
            ))
        expectConservation(run)
        #expect(run.values("deploy.web.rolled_back").allSatisfy { $0 == 1 })
        // Ten instances for the 35-minute window and ten more for 15 minutes of it.
        let mean = 10 + 10 * 15.0 / 35
        #expect(run.values("instances.web.mean").allSatisfy { abs($0 - mean) < 1e-9 })
        // cost.horizon scales the window's spending to the 40-minute horizon.
        let horizonCost = mean * 40.0 / 60 * 0.20
        #expect(run.values("cost.horizon").allSatisfy { abs($0 - horizonCost) < 1e-9 })
        // All traffic runs the new version for the bake.
        run.expectMatches("deploy.web.new_version.errors", 500 * 0.05 * 600, floor: 0.005)
    }

    @Test("a rolling deploy with a bad version, judged by nothing, fails its error rate for the rest of the run")
    func rollingBadVersion() throws {
        let run = try Run(
            yaml: Self.scenario(
                "rolling_deploy: {component: web, batch: 5, each: 60s, drain: 0s, version: {error_rate: 4%}}"))
        expectConservation(run)
        #expect(run.layout.index(of: "deploy.web.rolled_back") == nil)
        // Batch 1 is out from 10m to 11m; from 11m it serves alone (batch 2 is out), and from 12m
        // the whole pool runs the new version to the 40m horizon.
        let exposure = 60 + (40 - 12) * 60.0
        run.expectMatches("deploy.web.new_version.errors", 500 * exposure * 0.04, floor: 0.005)
    }

    @Test("a rolled-back canary restarts on the version it replaced: an earlier deploy's, with its error rate")
    func rollbackRestoresEarlierVersion() throws {
        let yaml =
            Self.scenario(
                "rolling_deploy: {component: web, batch: 5, each: 30s, drain: 10s, version: {error_rate: 2%}}"
            )
            + "\n  - {at: 20m, canary_deploy: {component: web, instances: 1, bake: 2m, each: 30s, drain: 10s, version: {error_rate: 100%}, analysis: {max_error_rate: 1%}}}"
        let run = try Run(yaml: yaml)
        expectConservation(run)
        #expect(run.values("deploy.web.2.rolled_back").allSatisfy { $0 == 1 })
        // The first deploy's version, in shares of the traffic × seconds: 5 instances alone from
        // 10m40s to 11m20s, the whole pool to 20m; during the canary all but instance 0 (out
        // 20m–20m40s and 22m40s–23m20s, 1 of 10 on the canary's version for its 2-minute bake);
        // from 23m20s the whole pool again, instance 0 back on the first deploy's version, to
        // the 40m horizon. Left on the pool's own version it would miss 100 of these 1,748.
        let exposure = 40 + 520 + 40 + 0.9 * 120 + 40 + 1000.0
        run.expectMatches("deploy.web.new_version.responses", 500 * exposure, floor: 0.01)
        run.expectMatches("deploy.web.new_version.errors", 500 * exposure * 0.02, floor: 0.01)
        run.expectMatches("deploy.web.2.new_version.responses", 500 * 0.1 * 120, floor: 0.01)
    }

    /// A one-sided 95 % analysis must roll back a version whose error rate is exactly at the
    /// limit at most 5 % of the time, and one clearly better almost never.
    @Test("the analysis's false rollbacks: at most its α at the limit, almost never below it")
    func falseRollbackRate() {
        let analysis = DeployAnalysis(maxErrorRate: 0.01, latency: nil, confidence: 0.95, onInconclusive: .promote)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        func rollbacks(p: Double, n: Int, trials: Int) -> Int {
            var fails = 0
            for _ in 0..<trials {
                var errors: UInt64 = 0
                for _ in 0..<n where uniform() < p { errors += 1 }
                if analysis.verdict(responses: UInt64(n), errors: errors, slow: 0) == .fail { fails += 1 }
            }
            return fails
        }
        let trials = 4000
        // At the limit: the rate must stay within α = 5 % (plus 3.9 standard errors of its estimate).
        let atLimit = rollbacks(p: 0.01, n: 5000, trials: trials)
        #expect(Double(atLimit) / Double(trials) <= 0.05 + 3.9 * (0.05 * 0.95 / Double(trials)).squareRoot())
        #expect(rollbacks(p: 0.005, n: 5000, trials: 500) == 0)
        // And it has power: twice the limit is rolled back nearly always.
        #expect(rollbacks(p: 0.02, n: 5000, trials: 500) >= 495)
        // Too little evidence either way is inconclusive.
        #expect(analysis.verdict(responses: 100, errors: 1, slow: 0) == .inconclusive)
    }

    @Test("deploy diagnostics name the key and say what to do")
    func diagnostics() throws {
        /// The first problem's line: its location, key path and message.
        func problem(_ event: String, extra: String = "") -> String {
            do {
                _ = try ScenarioLoader.parse(yaml: Self.scenario(event) + extra)
                return "no error"
            } catch { return "\(error)".split(separator: "\n").first.map(String.init) ?? "" }
        }
        #expect(
            problem("canary_deploy: {component: web, bake: 5m, each: 30s, analysis: {confidence: 99%}}")
                == "<scenario>:19:78: error: events.0.canary_deploy.analysis: expected max_error_rate, max_latency or both: what the analysis judges"
        )
        #expect(
            problem("canary_deploy: {component: web, bake: 5m, each: 30s, analysis: {max_latency: {p98: 1s}}}")
                == "<scenario>:19:92: error: events.0.canary_deploy.analysis.max_latency: expected one of p50, p90, p95, p99, p999, found 'p98'"
        )
        #expect(
            problem(
                "rolling_deploy: {component: web, each: 30s, service_factor: 2x, version: {service_factor: 2x}}")
                == "<scenario>:19:75: error: events.0.rolling_deploy.service_factor: give the service factor once: in version: {service_factor: …}"
        )
        #expect(
            problem(
                "blue_green_deploy: {component: web, provision: 5m, bake: 10m}",
                extra: "\n  - {at: 20m, rolling_deploy: {component: web, each: 30s}}")
                == "<scenario>:20:31: error: events.1.rolling_deploy: this deploy of 'web' overlaps the one at 10m, which may last until 25m: start it after that"
        )
    }
}

extension DeployTests {
    @Test("a surge keeps every instance serving and bills the surged instances for the rollout exactly")
    func surge() throws {
        let run = try Run(
            yaml: Self.scenario(
                "rolling_deploy: {component: web, max_surge: 20%, each: 60s, drain: 20s, version: {service_factor: 1.1x}}"
            ))
        expectConservation(run)
        // 20 % of 10 is 2 surged per step, none out: 5 steps of 80 s, 2 extra instances all along.
        let mean: Double = 10 + 2 * 5 * 80 / (35 * 60)
        #expect(run.values("instances.web.mean").allSatisfy { abs($0 - mean) < 1e-9 })
        #expect(run.values("instances.web.up.mean").allSatisfy { $0 == 10 })
        #expect(run.values("availability.request").allSatisfy { $0 == 1 })
        // Every instance ends on the new version: from 10m + 80 s × step, 2 at a time.
        var exposure = 0.0
        for step in 1...5 {
            let serving: Int = 2400 - 600 - 80 * step
            exposure += 0.2 * Double(serving)
        }
        run.expectMatches("deploy.web.new_version.responses", 500 * exposure, floor: 0.01)
    }
}
