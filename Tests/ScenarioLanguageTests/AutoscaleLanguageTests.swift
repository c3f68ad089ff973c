import InfraModel
import SimKernel
import SimRandom
import Testing

@testable import ScenarioLanguage

/// `autoscale:` of a server pool: what it decodes to, and the exact text of its errors.
@Suite("Autoscale language")
struct AutoscaleLanguageTests {
    static func yaml(_ web: String) -> String {
        """
        version: 1
        horizon: 1h
        workload:
          arrivals: {process: poisson, rate: 100/s}
        components:
          web:
            kind: server_pool
            workers: 4
            service: {exponential: {mean: 10ms}}
        \(web)
        """
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return []
        } catch let ScenarioLoadError.invalid(e) {
            return e.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("defaults, every field, and max instances allocated with `instances` serving at time 0")
    func decodes() throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.yaml(
                """
                    instances: 3
                    autoscale:
                      metric: utilization
                      target: 60%
                      min: 2
                      max: 12
                      interval: 10s
                      metric_lag: 30s
                      cooldown: 2m
                      scale_in_cooldown: 4m
                      scale_out_window: 30s
                      scale_in_window: 3m
                      max_step: 3
                      provisioning: {uniform: {min: 60s, max: 120s}}
                      drain: 20s
                      schedule: [{at: 8h, min: 10}, {at: 20h, min: 2}]
                """), file: "s.yaml")
        let web = s.model.stations[0]
        #expect(web.instances == 12)
        let expected = AutoscalePolicy(
            metric: .utilization, target: 0.6, initial: 3, min: 2, max: 12, interval: .seconds(10),
            metricLag: .seconds(30), scaleOutCooldown: .seconds(120), scaleInCooldown: .seconds(240),
            scaleOutWindow: .seconds(30), scaleInWindow: .seconds(180), maxStep: 3,
            provisioning: .uniform(min: 60, max: 120), drain: .seconds(20),
            schedule: [
                (at: SimTime.zero + .seconds(8 * 3600), min: 10), (at: SimTime.zero + .seconds(20 * 3600), min: 2),
            ])
        guard case .uniform(let lo, let hi)? = web.autoscale?.provisioning else {
            Issue.record("provisioning")
            return
        }
        #expect(abs(lo - 60) < 1e-9 && abs(hi - 120) < 1e-9)
        var got = web.autoscale
        got?.provisioning = .uniform(min: 60, max: 120)
        #expect(got == expected)
        let d = try ScenarioLoader.parse(
            yaml: Self.yaml("    autoscale: {metric: request_rate, target: 50/s, min: 3, max: 5}"), file: "s.yaml")
        #expect(
            d.model.stations[0].autoscale
                == AutoscalePolicy(metric: .requestRate, target: 50, initial: 3, min: 3, max: 5))
        #expect(d.model.stations[0].instances == 5)
        let p = d.model.stations[0].autoscale!
        #expect(
            p.interval == .seconds(15) && p.metricLag == .zero && p.scaleOutCooldown == .zero
                && p.scaleInCooldown == .seconds(300)
                && p.scaleInWindow == .seconds(300) && p.provisioning == .deterministic(value: 60)
                && p.drain == .seconds(30))
    }

    @Test("errors, with location, key path and exact text")
    func errors() {
        #expect(
            problems(Self.yaml("    autoscale: {metric: utilisation, target: 60%, max: 10}")) == [
                "s.yaml:10:25: error: components.web.autoscale.metric: expected one of utilization, in_flight, request_rate, found 'utilisation' (did you mean 'utilization'?)"
            ])
        #expect(
            problems(Self.yaml("    autoscale: {metric: in_flight, target: 3, min: 4, max: 3}")) == [
                "s.yaml:10:60: error: components.web.autoscale.max: expected max ≥ min (4), found 3"
            ])
        #expect(
            problems(Self.yaml("    instances: 12\n    autoscale: {metric: in_flight, target: 3, min: 2, max: 10}"))
                == [
                    "s.yaml:10:16: error: components.web.instances: expected instances from the autoscaler's min 2 to its max 10 (the count at time 0), found 12"
                ])
        #expect(
            problems(Self.yaml("    autoscale: {metric: in_flight, target: 3, max: 10, schedule: [{at: 5m, min: 12}]}"))
                == [
                    "s.yaml:10:81: error: components.web.autoscale.schedule.0.min: expected a minimum ≤ max (10), found 12"
                ])
        #expect(
            problems(
                Self.yaml(
                    "    autoscale: {metric: in_flight, target: 3, max: 10, schedule: [{at: 5m, min: 2}, {at: 4m, min: 3}]}"
                )) == [
                    "s.yaml:10:90: error: components.web.autoscale.schedule.1.at: expected the schedule in time order: this entry is not after the one before"
                ])
        #expect(
            problems(Self.yaml("    autoscale: {metric: in_flight, target: 3, max: 4, cooldwn: 1m}")) == [
                "s.yaml:10:55: error: components.web.autoscale.cooldwn: unknown key 'cooldwn'; expected one of metric, target, min, max, interval, metric_lag, cooldown, scale_out_cooldown, scale_in_cooldown, scale_out_window, scale_in_window, max_step, provisioning, drain, schedule (did you mean 'cooldown'?)"
            ])
        #expect(
            problems(
                Self.yaml("    balance: consistent_hash\n    autoscale: {metric: in_flight, target: 3, max: 4}")
                    .replacingOccurrences(of: "    workers: 4\n", with: "    workers: 4\n    keys: x\n")
            ).contains {
                $0.contains("autoscaling a pool balanced by consistent_hash is not built in this version of capsim yet")
            })
        let unlimited = Self.yaml("    autoscale: {metric: utilization, target: 60%, max: 10}").replacingOccurrences(
            of: "workers: 4", with: "workers: unlimited")
        #expect(
            problems(unlimited) == [
                "s.yaml:10:25: error: components.web.autoscale.metric: utilization needs a pool with a finite number of workers; this pool has workers: unlimited (track in_flight or request_rate instead)"
            ])
        let cache = Self.yaml("").replacingOccurrences(
            of: "kind: server_pool",
            with: "kind: cache\n    hit_ratio: 0.5\n    autoscale: {metric: in_flight, target: 3, max: 4}")
        #expect(
            problems(cache) == [
                "s.yaml:9:16: error: components.web.autoscale: 'autoscale' is part of the scenario language but not built in this version of capsim yet"
            ])
    }
}
