import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import Testing

/// A rolling deploy of an autoscaled pool: its steps walk the instances serving on an older
/// version, and the instances the autoscaler provisions start on the new one.
@Suite("Deploys of autoscaled pools")
struct DeployAutoscaledTests {
    /// Constant arrivals (100/s, 10 ms each, one worker per instance); two instances held, the
    /// scheduled minimum 4 from 60 s (provisioned in 10 s). A rolling deploy at 50 s, one
    /// instance per step, each 20 s, of a version twice as slow.
    static func scenario(cluster: Bool) -> String {
        let placement =
            cluster
            ? """
                cluster: k8s
                pod: {cpu: 2, memory: 1GiB}
            """
            : ""
        let k8s =
            cluster
            ? """
              k8s:
                kind: cluster
                node: {cpu: 4, memory: 8GiB}
                nodes: 3
                pod_startup: 10s
            """
            : ""
        return """
            version: 1
            horizon: 200s
            replications: 1
            workload: {arrivals: {process: constant, rate: 100/s}}
            components:
            \(k8s)
              web:
                kind: server_pool
                instances: 2
                workers: 1
                service: {deterministic: 10ms}
            \(placement)
                autoscale:
                  metric: utilization
                  target: 60%
                  min: 2
                  max: 6
                  interval: 15s
            \(cluster ? "" : "      provisioning: 10s")
                  schedule: [{at: 60s, min: 4}]
            events:
              - at: 50s
                rolling_deploy: {component: web, batch: 1, each: 20s, drain: 0s, version: {service_factor: 2x}}
            """
    }

    @Test(
        "instances provisioned during the rollout start on the new version; the steps walk only the old ones",
        arguments: [false, true])
    func rollout(cluster: Bool) throws {
        let yaml = Self.scenario(cluster: cluster)
        // 50 s: instance 0 restarts (back at 70 s on the new version). 60 s: the minimum rises,
        // instances 2 and 3 are provisioned on the new version and serve at 70 s. 70 s: the
        // next step takes instance 1 (back at 90 s); 2 and 3 already run the new version, so
        // the rollout ends at 90 s. From 70 s every response comes from the new version.
        let sim = try ClusterAutoscaleTests.run(yaml)
        let scaling = sim.scalingLog.map { ($0.time, $0.kind) }
        #expect(scaling.map(\.0) == ClusterDeployTests.times([60, 70, 70]))
        #expect(scaling.map(\.1) == [.scaleOut(count: 2), .ready(instance: 2), .ready(instance: 3)])
        let run = try Run(yaml: yaml)
        let responses = run.values("deploy.web.new_version.responses").first ?? 0
        // (Those in service at 70 s or at the horizon may count either way.)
        #expect(abs(responses - 100 * (200 - 70)) <= 2)
        #expect(run.values("availability.request") == [1])
    }

    @Test("a canary or blue-green deploy of an autoscaled pool is an error that names rolling_deploy")
    func errors() {
        let yaml = Self.scenario(cluster: false).replacingOccurrences(
            of: "rolling_deploy: {component: web, batch: 1, each: 20s, drain: 0s, version: {service_factor: 2x}}",
            with: "canary_deploy: {component: web, bake: 60s, each: 20s}")
        #expect(
            problems(yaml) == [
                "s.yaml:23:32: error: events.0.canary_deploy.component: canary_deploy of an autoscaled pool is not built in this version of capsim yet: give 'web' a fixed number of instances, or roll the new version out with rolling_deploy"
            ])
    }
}
