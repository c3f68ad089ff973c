import CapSimTestSupport
import Foundation
import ScenarioLanguage
import Testing
import Theory

/// When `validate` may print a station's mean wait without "≈" outside a Jackson network:
/// Poisson arrivals reaching the station untouched, and M/M/c or M/G/1 there
/// (`ModelSpec.isExactUnlimitedQueue`). The figures themselves are tested against the
/// simulation in `QueueingTheoryTests`, `VisitServiceTests`, `PriorityTests` and
/// `PreemptionTests`.
@Suite struct ExactWaitTests {
    func exact(_ file: String, _ settings: [String] = [], station: Int = 0) throws -> Bool {
        let s = try ScenarioLoader.load(path: scenarioPath(file), overrides: settings.map { try Override(parsing: $0) })
        return s.model.isExactUnlimitedQueue(station: station)
    }

    @Test("M/G/1 and M/M/c fed Poisson arrivals are exact; several workers of a general service are not")
    func rule() throws {
        #expect(try exact("mg1-lognormal.yaml"))
        #expect(try exact("md1.yaml"))
        #expect(try exact("mmc-10-workers.yaml"))
        // A mixture of the classes' own demands at one worker: Pollaczek–Khinchine with its moments.
        #expect(try exact("multiclass.yaml"))
        // The same mixture over two workers, and a lognormal over two: Allen–Cunneen's estimate.
        #expect(try !exact("multiclass.yaml", ["components.app.workers=2"]))
        #expect(try !exact("mg1-lognormal.yaml", ["components.server.workers=2"]))
        // Priority at one worker per instance, split at random, each class its own demand.
        #expect(try exact("preemptive-priority.yaml"))
    }

    @Test("anything that reshapes the arrivals or the line makes the figure an estimate")
    func estimates() throws {
        #expect(try !exact("mg1-lognormal.yaml", ["workload.client={timeout: 1s, retries: {max: 2}}"]))
        #expect(try !exact("mg1-lognormal.yaml", ["components.server.queue=20"]))
        #expect(try !exact("mg1-lognormal.yaml", ["components.server.timeout=50ms"]))
        #expect(try !exact("mg1-lognormal.yaml", ["components.server.instances=2"]))  // round robin
        #expect(try exact("mg1-lognormal.yaml", ["components.server.instances=2", "components.server.balance=random"]))
        #expect(try !exact("mg1-lognormal.yaml", ["workload.arrivals={process: constant, rate: 700/s}"]))
        #expect(try !exact("mg1-lognormal.yaml", ["components.server.discipline=processor_sharing"]))
        // A tandem's later stations see the departures of a queue with finite workers.
        #expect(try !exact("tandem.yaml", ["components.app.service={lognormal: {mean: 0.8ms, cv: 2}}"], station: 1))
    }

    @Test("in a pipeline only the stations before decide: none after, unlimited and always-up ones before")
    func pipelineOrder() throws {
        let lognormalApp = "components.app.service={lognormal: {mean: 0.8ms, cv: 2}}"
        // The first station's arrivals are the workload's, whatever follows it (no Jackson
        // network once app is lognormal).
        #expect(try exact("tandem.yaml", [lognormalApp], station: 0))
        #expect(try !exact("tandem.yaml", [lognormalApp], station: 2))
        // Behind a stage of unlimited workers each request is delayed on its own: an M/G/∞
        // stage passes a Poisson stream on as Poisson, so app is M/G/1 whatever store is.
        #expect(try exact("tandem.yaml", [lognormalApp, "components.edge.workers=unlimited"], station: 1))
        // Unless that stage can fail (requests lost while it is down) or limits its concurrency.
        #expect(
            try !exact(
                "tandem.yaml",
                [lognormalApp, "components.edge.workers=unlimited", "components.edge.failures={mtbf: 1h, mttr: 1m}"],
                station: 1))
        #expect(
            try !exact(
                "tandem.yaml",
                [lognormalApp, "components.edge.workers=unlimited", "components.edge.concurrency_limit=50"],
                station: 1))
    }

    @Test("validate's line: Pollaczek–Khinchine without ≈ where exact, Allen–Cunneen's ≈ elsewhere")
    func text() {
        let exact = capsim(["validate", scenarioPath("md1.yaml")])
        #expect(
            exact.out.hasSuffix(
                "  server: offered 800.00/s, utilisation 80.0 %, mean wait 2.000 ms (Pollaczek–Khinchine, M/G/1; Erlang C for M/M/1: 4.000 ms)\n"
            ), "\(exact.out)")
        let estimate = capsim(["validate", scenarioPath("md1.yaml"), "--set", "components.server.workers=2"])
        #expect(estimate.out.contains("mean wait ≈ ") && estimate.out.contains("(Allen–Cunneen; Erlang C for M/M/2:"))
        let priority = capsim(["validate", scenarioPath("preemptive-priority.yaml")])
        #expect(
            priority.out.contains(
                "      by priority, mean wait: page 436.782 µs; report 60.935 ms (preemptive resume: the time without a worker, before service and while displaced)\n"
            ), "\(priority.out)")
        let twoWorkers = capsim([
            "validate", scenarioPath("preemptive-priority.yaml"), "--set", "components.render.workers=2",
        ])
        #expect(twoWorkers.out.contains("page ≈ "), "\(twoWorkers.out)")
    }
}
