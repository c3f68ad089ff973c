import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import Testing
import Theory

/// A class's own service demand at a component (`service:` on a path element) against theory,
/// within honest bounds (`expectMean`: about 3.9 standard errors plus a 0.2 % floor), and its
/// rules.
@Suite("Visit service demands")
struct VisitServiceTests {
    @Test("two classes at one FIFO worker: M/G/1 over the mixture, each class's wait the same (Pollaczek–Khinchine)")
    func multiclassMG1() throws {
        let run = try Run("multiclass.yaml", ["horizon=300s", "warmup=10s", "replications=20"])
        // λ = 600/s, half 0.5 ms and half 2 ms exponential: E[S] = 1.25 ms, E[S²] = 4.25e-6 s².
        let wait: Double = 600 * 4.25e-6 / (2 * (1 - 0.75))
        run.expectMatches("class.view.latency.mean", wait + 0.0005)
        run.expectMatches("class.search.latency.mean", wait + 0.002)
        run.expectMatches("latency.mean", wait + 0.00125)
        run.expectMatches("hop.app.wait.mean", wait)
        run.expectMatches("utilization.app", 0.75)
        expectConservation(run)
    }

    @Test("two classes under processor sharing: each class's own E[S]/(1 − ρ), whatever its distribution")
    func multiclassPS() throws {
        let run = try Run(
            "multiclass.yaml",
            [
                "horizon=300s", "warmup=10s", "replications=20", "components.app.discipline=processor_sharing",
                "workload.classes.0.path.0.service={deterministic: 0.5ms}",
                "workload.classes.1.path.0.service={lognormal: {mean: 2ms, cv: 2}}",
            ])
        run.expectMatches("class.view.latency.mean", 0.0005 / (1 - 0.75))
        run.expectMatches("class.search.latency.mean", 0.002 / (1 - 0.75))
        run.expectMatches("utilization.app", 0.75)
        expectConservation(run)
    }

    @Test("validate counts each visit at its own mean and waits by the mixture's variance (exact for one worker)")
    func theory() throws {
        let s = try ScenarioLoader.load(path: scenarioPath("multiclass.yaml"))
        let load = try #require(s.model.offeredLoad().first)
        let utilization = try #require(load.utilization)
        let wait = try #require(load.meanWaitEstimate)
        let theory: Double = 600 * 4.25e-6 / (2 * (1 - 0.75))
        #expect(abs(utilization - 0.75) < 1e-12)
        #expect(abs(wait - theory) < 1e-12)
        #expect(load.mixedDemand)
        #expect(!s.model.isJacksonNetwork)
        // Without demands of their own, the station's service is all there is.
        let plain = try ScenarioLoader.load(
            path: scenarioPath("multiclass.yaml"),
            overrides: [
                Override(parsing: "workload.classes.0.path.0=app"), Override(parsing: "workload.classes.1.path.0=app"),
            ])
        let plainLoad = try #require(plain.model.offeredLoad().first)
        let plainUtilization = try #require(plainLoad.utilization)
        #expect(abs(plainUtilization - 0.6) < 1e-12)
        #expect(!plainLoad.mixedDemand)
        #expect(plain.model.isJacksonNetwork)
    }

    @Test("one class's demand changed, the other's draws stay the same (common random numbers)")
    func commonRandomNumbers() throws {
        // Unlimited workers: a view's latency is its own demand, nothing else.
        let sets = ["horizon=20s", "warmup=1s", "replications=3", "components.app.workers=unlimited"]
        let a = try Run("multiclass.yaml", sets)
        let b = try Run("multiclass.yaml", sets + ["workload.classes.1.path.0.service={exponential: {mean: 9ms}}"])
        #expect(a.values("class.view.latency.mean") == b.values("class.view.latency.mean"))
        #expect(a.values("class.view.latency.p99") == b.values("class.view.latency.p99"))
        #expect(a.values("class.search.latency.mean") != b.values("class.search.latency.mean"))
    }

    @Test("queries of their own at a database's only node: M/G/1 per class over the mixture")
    func databaseQueries() throws {
        let run = try Run(
            yaml: """
                version: 1
                name: db-queries
                horizon: 300s
                warmup: 10s
                replications: 20
                seed: 5
                workload:
                  arrivals: {process: poisson, rate: 400/s}
                  classes:
                    - {name: lookup, weight: 3, path: [{to: db.read, service: {exponential: {mean: 0.5ms}}}]}
                    - {name: report, weight: 1, path: [{to: db.read, service: {exponential: {mean: 4ms}}}]}
                components:
                  db: {kind: database, primary: {workers: 1, service: {exponential: {mean: 1ms}}}}
                """)
        // 300/s of 0.5 ms and 100/s of 4 ms: ρ = 0.55, E[S²] = (300 · 2 · 0.5² + 100 · 2 · 4²) / 400 ms².
        let secondMoment: Double = (300 * 2 * 0.25e-6 + 100 * 2 * 16e-6) / 400
        let wait: Double = 400 * secondMoment / (2 * (1 - 0.55))
        run.expectMatches("class.lookup.latency.mean", wait + 0.0005)
        run.expectMatches("class.report.latency.mean", wait + 0.004)
        run.expectMatches("utilization.db", 0.55)
        expectConservation(run)
        let load = try #require(run.scenario.model.offeredLoad().first)
        let utilization = try #require(load.utilization)
        #expect(abs(utilization - 0.55) < 1e-12)
    }

    @Test("writes and reads of their own at a primary and a replica: each node's utilisation, simulated and in theory")
    func databaseNodes() throws {
        let run = try Run(
            yaml: """
                version: 1
                name: db-nodes
                horizon: 200s
                warmup: 10s
                replications: 10
                seed: 9
                workload:
                  arrivals: {process: poisson, rate: 800/s}
                  classes:
                    - {name: save, weight: 1, path: [{to: db.write, service: {exponential: {mean: 2ms}}}]}
                    - {name: browse, weight: 3, path: [{to: db.read, service: {lognormal: {mean: 3ms, cv: 1.5}}}]}
                components:
                  db:
                    kind: database
                    primary: {workers: 4, service: {exponential: {mean: 1ms}}}
                    replicas: {count: 1, workers: 4, service: {exponential: {mean: 1ms}}, lag: {exponential: {mean: 10ms}}}
                """)
        // The primary: 200 writes/s × 2 ms over 4 workers; the replica: 600 reads/s × 3 ms over 4.
        run.expectMatches("utilization.db.primary", 0.1)
        run.expectMatches("utilization.db.replica1", 0.45)
        expectConservation(run)
        let load = try #require(run.scenario.model.offeredLoad().first)
        let nodes = try #require(load.databaseNodes)
        let primary = try #require(nodes[0].utilization)
        let replica = try #require(nodes[1].utilization)
        #expect(abs(primary - 0.1) < 1e-12 && abs(replica - 0.45) < 1e-12)
        #expect(abs(nodes[0].serviceLoad - 0.4) < 1e-12 && abs(nodes[1].serviceLoad - 1.8) < 1e-12)
    }

    @Test("only on components that draw a demand of their own: a load balancer and a CDN are errors")
    func rules() {
        let yaml = """
            version: 1
            horizon: 10s
            workload:
              arrivals: {process: poisson, rate: 100/s}
              classes:
                - {name: a, path: [web, {to: db.read, service: {exponential: {mean: 1ms}}}]}
                - {name: b, path: [{to: lb, service: {exponential: {mean: 1ms}}}, web]}
                - {name: c, path: [{to: edge, service: {exponential: {mean: 1ms}}}, {to: web, service: 3ms}]}
                - {name: d, path: [{to: web, service: {deterministic: 1ms}, calls: [{to: cache, service: {deterministic: 0.1ms}}]}]}
            components:
              edge: {kind: cdn, latency: {deterministic: 5ms}, hit_ratio: 0.5}
              lb: {kind: load_balancer, targets: web}
              web: {kind: server_pool, service: {exponential: {mean: 1ms}}}
              cache: {kind: cache, hit_ratio: 0.5, service: {exponential: {mean: 1ms}}}
              db: {kind: database, primary: {service: {exponential: {mean: 1ms}}}}
            """
        #expect(
            problems(yaml) == [
                "s.yaml:7:42: error: workload.classes.1.path.0.service: 'service' on a call replaces the called component's own service demand; 'lb' is a load_balancer: a load balancer's visits take its 'latency'",
                "s.yaml:8:44: error: workload.classes.2.path.0.service: 'service' on a call replaces the called component's own service demand; 'edge' is a cdn: a CDN's visits take its 'latency'",
                "s.yaml:8:92: error: workload.classes.2.path.1.service: expected a distribution such as {exponential: {mean: 10ms}} (one of exponential, deterministic, uniform, normal, lognormal, gamma, weibull, pareto, erlang, hyperexponential, empirical), found '3ms'",
            ])
    }
}
