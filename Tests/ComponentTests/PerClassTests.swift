import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// Per-class outcomes and attack classes (issue 16): every class's own availability, error
/// rates, throughput and arrival rate; an `attack: true` class loads the components but is left
/// out of the headline figures, and reports how much of it reached each component.
@Suite("Per-class outcomes and attack classes")
struct PerClassTests {
    /// Relative agreement to floating-point precision (a few roundings of a ratio of counts).
    static func expectClose(
        _ a: Double, _ b: Double, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(
            abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1e-300) || (a == b), "\(label): \(a) vs \(b)",
            sourceLocation: sourceLocation)
    }

    /// Two legitimate classes and an attack class on bounded pools, so every figure has errors.
    static let mixed = """
        version: 1
        horizon: 40s
        warmup: 2s
        replications: 6
        seed: 11
        workload:
          arrivals: {process: poisson, rate: 1800/s}
          client: {timeout: 30ms}
          classes:
            - {name: browse, weight: 3, path: [edge, app]}
            - {name: buy, weight: 1, path: [edge, app, store]}
            - {name: flood, path: [edge, app], attack: true, arrivals: {process: poisson, rate: 600/s}}
        components:
          edge: {kind: server_pool, instances: 2, workers: 4, queue: 4, service: {exponential: {mean: 2ms}}}
          app: {kind: server_pool, workers: 6, queue: 6, service: {exponential: {mean: 2ms}}}
          store: {kind: server_pool, workers: 2, queue: 2, service: {exponential: {mean: 3ms}}}
        """

    @Test("the headline is the request-weighted combination of the legitimate classes, exactly")
    func headlineIsWeightedCombination() throws {
        let run = try Run(yaml: Self.mixed)
        let legitimate = ["browse", "buy"]
        let arrivals = legitimate.map { run.values("class.\($0).arrival_rate") }
        func combined(_ suffix: String) -> [Double] {
            let figures = legitimate.map { run.values("class.\($0).\(suffix)") }
            return run.results.indices.map { r in
                let total = arrivals.reduce(0.0) { $0 + $1[r] }
                return legitimate.indices.reduce(0.0) { $0 + arrivals[$1][r] * figures[$1][r] } / total
            }
        }
        let availability = run.values("availability.request")
        #expect(availability.allSatisfy { $0 < 0.999 }, "the pools turn requests away: \(availability)")
        for (r, v) in combined("availability.request").enumerated() {
            Self.expectClose(availability[r], v, "availability.request, replication \(r)")
        }
        var seen = 0
        for cause in ErrorCause.allCases {
            let headline = run.values("errors.\(cause.id).rate")
            if headline.contains(where: { $0 > 0 }) { seen += 1 }
            for (r, v) in combined("errors.\(cause.id).rate").enumerated() {
                Self.expectClose(headline[r], v, "errors.\(cause.id).rate, replication \(r)")
            }
        }
        #expect(seen >= 2, "queue_full and timeout both occur")
        for id in ["throughput", "arrival_rate"] {
            let headline = run.values(id)
            let parts = legitimate.map { run.values("class.\($0).\(id)") }
            for r in run.results.indices {
                Self.expectClose(headline[r], parts[0][r] + parts[1][r], "\(id), replication \(r)")
            }
        }
        // The attack class has figures of its own, and is not in the headline's.
        let flood = run.values("class.flood.arrival_rate")
        #expect(flood.allSatisfy { $0 > 500 && $0 < 700 })
        for r in run.results.indices {
            let withAttack = arrivals[0][r] + arrivals[1][r] + flood[r]
            #expect(abs(run.values("arrival_rate")[r] - withAttack) > 400)
        }
        expectConservation(run)
    }

    /// An M/M/c/K pool that a legitimate class and an attack class share; Poisson arrivals see
    /// time averages, so both classes lose the M/M/c/K blocking probability at the combined load.
    static func shared(attack: String?) -> String {
        let classes =
            attack.map {
                "\n    - {name: flood, path: [pool], attack: true, arrivals: {process: poisson, rate: \($0)}}"
            }
            ?? ""
        return """
            version: 1
            horizon: 60s
            warmup: 5s
            replications: 12
            seed: 7
            workload:
              classes:
                - {name: user, path: [pool], arrivals: {process: poisson, rate: 800/s}}\(classes)
            components:
              pool: {kind: server_pool, workers: 2, queue: 3, service: {exponential: {mean: 1ms}}}
            """
    }

    @Test("a heavy attack on a shared pool raises the legitimate class's loss to M/M/c/K blocking at the combined load")
    func sharedPoolBlocking() throws {
        let alone = try Run(yaml: Self.shared(attack: nil))
        let flooded = try Run(yaml: Self.shared(attack: "1600/s"))
        let quiet = Queueing.mmckBlocking(servers: 2, capacity: 5, load: 0.8)
        let loud = Queueing.mmckBlocking(servers: 2, capacity: 5, load: 2.4)
        alone.expectMatches("availability.request", 1 - quiet)
        flooded.expectMatches("class.user.availability.request", 1 - loud)
        flooded.expectMatches("class.flood.availability.request", 1 - loud)
        flooded.expectMatches("class.user.errors.queue_full.rate", loud)
        // The headline is the legitimate class's alone, exactly; it lost more than without the flood.
        #expect(flooded.values("availability.request") == flooded.values("class.user.availability.request"))
        #expect(flooded.values("latency.p99") == flooded.values("class.user.latency.p99"))
        #expect(flooded.summary["availability.request"]!.value < alone.summary["availability.request"]!.value - 0.2)
        // The pool's utilisation counts the attack's load: (1 − p_K)·a / c at the combined load.
        flooded.expectMatches("utilization.pool", (1 - loud) * 2.4 / 2)
        // Every attack request reaches the pool; those admitted are exactly those that succeed.
        flooded.expectMatches("class.flood.reached.pool", 1 - loud)
        #expect(flooded.values("class.flood.reached.pool") == flooded.values("class.flood.availability.request"))
        expectConservation(flooded)
    }

    @Test("an attack on a component the legitimate class does not share leaves its availability unchanged")
    func separateComponent() throws {
        func yaml(_ attack: Bool) -> String {
            """
            version: 1
            horizon: 60s
            warmup: 5s
            replications: 12
            seed: 3
            workload:
              classes:
                - {name: user, path: [pool], arrivals: {process: poisson, rate: 800/s}}\(attack ? "\n    - {name: flood, path: [decoy], attack: true, arrivals: {process: poisson, rate: 5000/s}}" : "")
            components:
              pool: {kind: server_pool, workers: 2, queue: 3, service: {exponential: {mean: 1ms}}}
              decoy: {kind: server_pool, workers: 1, queue: 0, service: {exponential: {mean: 1ms}}}
            """
        }
        let without = try Run(yaml: yaml(false))
        let with = try Run(yaml: yaml(true))
        let blocking = Queueing.mmckBlocking(servers: 2, capacity: 5, load: 0.8)
        without.expectMatches("availability.request", 1 - blocking)
        with.expectMatches("class.user.availability.request", 1 - blocking)
        with.expectMatches("availability.request", 1 - blocking)
        // Paired by replication: the difference's mean lies within its own interval of 0.
        let a = without.values("availability.request")
        let b = with.values("class.user.availability.request")
        expectMean(zip(a, b).map { $0 - $1 }, 0, label: "paired difference", floor: 0)
        #expect(with.values("class.flood.reached.decoy").allSatisfy { $0 < 0.3 })
        #expect(with.layout.index(of: "class.flood.reached.pool") == nil, "only the components on its path")
        #expect(with.layout.index(of: "class.user.reached.pool") == nil, "reach is reported for attack classes")
    }

    /// The legitimate class's latency is exponential with mean 5 ms on unlimited workers, so
    /// P(latency > 200 ms) = e⁻⁴⁰: no user request misses the objective, and every headline
    /// figure must read exactly 1. (At 50 ms, e⁻¹⁰ × 22,400 user requests ≈ 1 would miss it.)
    @Test("an attack whose requests all fail leaves the headline at 100 %")
    func failingAttackLeavesHeadline() throws {
        let run = try Run(
            yaml: """
                version: 1
                horizon: 30s
                warmup: 2s
                replications: 4
                seed: 5
                availability: {objective: 99.9%, window: 5s}
                latency_objective: 200ms
                workload:
                  classes:
                    - {name: user, path: [web], arrivals: {process: poisson, rate: 200/s}}
                    - {name: flood, path: [edge, tarpit], mode: pipeline, attack: true, arrivals: {process: poisson, rate: 2000/s}}
                components:
                  web: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 5ms}}}
                  edge: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
                  tarpit: {kind: server_pool, workers: 1, queue: 0, service: {deterministic: 10s}}
                """)
        for id in ["availability.request", "latency.good_ratio", "availability.time"] {
            #expect(run.values(id).allSatisfy { $0 == 1 }, "\(id): \(run.values(id))")
        }
        for cause in ErrorCause.allCases { #expect(run.values("errors.\(cause.id).rate").allSatisfy { $0 == 0 }) }
        #expect(run.values("errors.at.tarpit.rate").allSatisfy { $0 == 0 })
        #expect(run.values("throughput") == run.values("class.user.throughput"))
        #expect(run.values("latency.max") == run.values("class.user.latency.max"))
        #expect(run.values("class.flood.availability.request").allSatisfy { $0 < 0.001 })
        #expect(run.values("class.flood.errors.queue_full.rate").allSatisfy { $0 > 0.999 })
        // Every attack request got through the edge (one visit each); almost none into the tarpit.
        #expect(run.values("class.flood.reached.edge").allSatisfy { $0 == 1 })
        #expect(run.values("class.flood.reached.tarpit").allSatisfy { $0 < 0.001 })
        // The components still carry the attack: the edge's concurrency is its 2000/s × 1 ms (in
        // pipeline mode the edge lets go before the tarpit).
        run.expectMatches("busy.edge.mean", 2.0, floor: 0.05)
    }

    @Test(
        "the shipped flood: the users lose availability while the origin is flooded; the table, validate and schema show the attack"
    )
    func shippedFlood() throws {
        let run = try Run("flood.yaml", ["replications=3"])
        // 3 of the 14 measured minutes flooded, losing about 1 − 1,600/4,200 of the users' requests.
        let availability = run.summary["availability.request"]!.value
        #expect(availability > 0.84 && availability < 0.9, "\(availability)")
        #expect(run.values("availability.request") == run.values("class.users.availability.request"))
        #expect(run.values("class.flood.reached.edge").allSatisfy { $0 == 1 })
        #expect(run.values("class.flood.reached.origin") == run.values("class.flood.availability.request"))
        let table = capsim(["run", scenarioPath("flood.yaml"), "--set", "replications=2"])
        #expect(table.status == 0)
        let lines = table.out.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix("class ") && $0.hasSuffix("share  availability         p99           top error")
            })
        #expect(lines.contains { $0.hasPrefix("users ") && $0.contains("queue_full") })
        #expect(lines.contains { $0.hasPrefix("flood (attack) ") })
        #expect(lines.contains("(attack classes load the components but are left out of the headline figures)"))
        let validate = capsim(["validate", scenarioPath("flood.yaml")])
        #expect(
            validate.out.split(separator: "\n").dropFirst().first
                == "  attack class(es): flood — their load is in the figures below; the run leaves them out of the headline request figures"
        )
        let schema = capsim(["schema"])
        #expect(schema.status == 0 && schema.out.contains("\"attack\": {"))
        // One class: no class block, and no per-class metric.
        let single = capsim([
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=2s", "--set", "warmup=0s", "--set", "replications=2",
        ])
        #expect(single.status == 0 && single.out.contains("availability.request") && !single.out.contains("top error"))
        #expect(
            MetricLayout(spec: try Run("mm1.yaml", ["horizon=1s", "warmup=0s", "replications=2"]).scenario.model)
                .metrics
                .allSatisfy { !$0.id.hasPrefix("class.") })
    }

    @Test("attack: must be a boolean, and some class must be legitimate")
    func diagnostics() {
        func yaml(_ first: String, _ second: String) -> String {
            """
            version: 1
            horizon: 10s
            workload:
              arrivals: {process: poisson, rate: 10/s}
              classes:
                - {name: user, path: [web]\(first)}
                - {name: flood, path: [web]\(second)}
            components:
              web: {kind: server_pool, service: {deterministic: 1ms}}
            """
        }
        #expect(
            problems(yaml("", ", attack: maybe")) == [
                "s.yaml:7:42: error: workload.classes.1.attack: expected true or false, found 'maybe'"
            ])
        #expect(
            problems(yaml(", attack: true", ", attack: true")) == [
                "s.yaml:6:5: error: workload.classes: every class is an attack class (attack: true), so no request would count in the headline figures: mark at least one class legitimate (attack: false, the default)"
            ])
        #expect(problems(yaml(", attack: false", ", attack: true")).isEmpty)
        // From the command line: exit 65, like every invalid scenario.
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("all-attack.yaml").path
        FileManager.default.createFile(atPath: file, contents: Data(yaml(", attack: true", ", attack: true").utf8))
        let r = capsim(["run", file])
        #expect(r.status == 65)
        #expect(r.err.contains("all-attack.yaml:6:5: error: workload.classes: every class is an attack class"))
    }
}
