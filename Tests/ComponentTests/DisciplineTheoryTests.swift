import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// Queue disciplines against theory, within honest bounds (`expectMean`: about 3.9 standard
/// errors plus a 0.2 % floor), and their YAML keys.
@Suite("Disciplines: theory")
struct DisciplineTheoryTests {
    @Test(
        "M/G/1-PS: mean sojourn E[S]/(1 − ρ) whatever the service distribution (insensitivity)",
        arguments: ["{exponential: {mean: 1ms}}", "{deterministic: 1ms}", "{lognormal: {mean: 1ms, cv: 2}}"])
    func mg1ps(service: String) throws {
        let run = try Run(
            "mg1-ps.yaml",
            [
                "horizon=300s", "warmup=10s", "replications=20",
                "components.server.service=\(service)",
            ])
        run.expectMatches("latency.mean", 0.001 / (1 - 0.7))
        run.expectMatches("utilization.server", 0.7)
        // Nothing waits under processor sharing.
        run.expectMatches("hop.server.wait.mean", 0, floor: 0)
        // Little's law per replication.
        let l = run.values("in_system.mean")
        let lam = run.values("arrival_rate")
        let w = run.values("latency.mean")
        expectMean(zip(l, zip(lam, w)).map { $0 / ($1.0 * $1.1) }, 1, label: "L / λW")
        expectConservation(run)
    }

    @Test("M/M/1 LIFO: the same mean sojourn 1/(μ − λ) as FIFO, a longer p99 (paired, common random numbers)")
    func mm1Lifo() throws {
        let sets = ["horizon=300s", "warmup=15s", "replications=20"]
        let lifo = try Run("mm1.yaml", sets + ["components.server.discipline=lifo"])
        let fifo = try Run("mm1.yaml", sets)
        let rate = 1000.0 - 900.0
        lifo.expectMatches("latency.mean", 1 / rate)
        lifo.expectMatches("hop.server.wait.mean", 0.9 / rate)
        lifo.expectMatches("utilization.server", 0.9)
        expectConservation(lifo)
        // Same arrivals and demands in both (common random numbers): the difference of p99 per
        // replication is the discipline's alone; it is positive beyond its own confidence bound.
        let d = zip(lifo.values("latency.p99"), fifo.values("latency.p99")).map { $0 - $1 }
        var t = Tally()
        for x in d { t.add(x) }
        let critical = StudentT.quantile(1 - 0.5e-4, degreesOfFreedom: Int(t.count) - 1)
        #expect(
            t.mean > critical * t.standardDeviation / Double(t.count).squareRoot(),
            "p99 LIFO − FIFO: \(t.mean) s, sd \(t.standardDeviation) over \(t.count) replications")
        // Same requests served, same busy time: only the order differs.
        #expect(lifo.values("utilization.server") == fifo.values("utilization.server"))
    }

    @Test("adaptive_lifo with a threshold no queue reaches gives FIFO's results exactly")
    func adaptiveEqualsFifo() throws {
        let sets = ["horizon=60s", "warmup=5s", "replications=4"]
        let fifo = try Run("mm1.yaml", sets)
        let adaptive = try Run(
            "mm1.yaml",
            sets + [
                "components.server.discipline=adaptive_lifo",
                "components.server.lifo_above=1000000000",
            ])
        #expect(fifo.results.map(\.values) == adaptive.results.map(\.values))
        #expect(fifo.results.map(\.outcome) == adaptive.results.map(\.outcome))
    }
}

@Suite("Disciplines: scenario keys")
struct DisciplineKeyTests {
    static func yaml(_ extra: String) -> String {
        """
        version: 1
        horizon: 1m
        workload:
          arrivals: {process: poisson, rate: 100/s}
        components:
          web:
            kind: server_pool
            queue: 8
            service: {exponential: {mean: 5ms}}
        \(extra.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    func problems(_ extra: String) -> [String] {
        do {
            _ = try ScenarioLoader.parse(yaml: Self.yaml(extra), file: "s.yaml")
            return []
        } catch {
            guard case .invalid(let e) = error else { return ["\(error)"] }
            return e.diagnostics.map(\.description)
        }
    }

    func discipline(_ extra: String) throws -> QueueDiscipline {
        try ScenarioLoader.parse(yaml: Self.yaml(extra), file: "s.yaml").model.stations[0].discipline
    }

    @Test("every spelling; fifo by default; adaptive_lifo's default threshold is half the queue, or 32")
    func spellings() throws {
        #expect(try discipline("") == .fifo)
        #expect(try discipline("discipline: fifo") == .fifo)
        #expect(try discipline("discipline: lifo") == .lifo)
        #expect(try discipline("discipline: adaptive_lifo") == .adaptiveLifo(lifoAbove: 4))
        #expect(try discipline("discipline: adaptive_lifo\nlifo_above: 6") == .adaptiveLifo(lifoAbove: 6))
        #expect(try discipline("discipline: adaptive_lifo\nlifo_above: 0") == .adaptiveLifo(lifoAbove: 0))
        #expect(try discipline("discipline: processor_sharing") == .processorSharing)
        let unlimited = try ScenarioLoader.parse(
            yaml: Self.yaml("discipline: adaptive_lifo"), file: "s.yaml",
            overrides: [Override(parsing: "components.web.queue=unlimited")])
        #expect(unlimited.model.stations[0].discipline == .adaptiveLifo(lifoAbove: 32))
        #expect(QueueDiscipline.names == ["fifo", "lifo", "adaptive_lifo", "processor_sharing"])
    }

    @Test("a misspelt discipline gets the nearest name")
    func misspelt() {
        #expect(
            problems("discipline: adaptive-lifo") == [
                "s.yaml:10:17: error: components.web.discipline: expected one of fifo, lifo, adaptive_lifo, processor_sharing or {priority: [classes]}, found 'adaptive-lifo' (did you mean 'adaptive_lifo'?)"
            ])
        #expect(
            problems("discipline: ps") == [
                "s.yaml:10:17: error: components.web.discipline: expected one of fifo, lifo, adaptive_lifo, processor_sharing or {priority: [classes]}, found 'ps'"
            ])
        #expect(
            problems("discipline: processor-sharing") == [
                "s.yaml:10:17: error: components.web.discipline: expected one of fifo, lifo, adaptive_lifo, processor_sharing or {priority: [classes]}, found 'processor-sharing' (did you mean 'processor_sharing'?)"
            ])
        #expect(problems("disipline: lifo").first?.hasSuffix("(did you mean 'discipline'?)") == true)
    }

    @Test("lifo_above: only with adaptive_lifo, a whole number below a finite queue")
    func lifoAboveRules() {
        #expect(
            problems("lifo_above: 3") == [
                "s.yaml:10:17: error: components.web.lifo_above: lifo_above applies only to 'discipline: adaptive_lifo'; this component's discipline is fifo (the default)"
            ])
        #expect(
            problems("discipline: lifo\nlifo_above: 3") == [
                "s.yaml:11:17: error: components.web.lifo_above: lifo_above applies only to 'discipline: adaptive_lifo'; this component's discipline is lifo"
            ])
        #expect(
            problems("discipline: adaptive_lifo\nlifo_above: 8") == [
                "s.yaml:11:17: error: components.web.lifo_above: expected a whole number from 0 to 7 (fewer than the 8 waiting slots of queue: 8; a larger lifo_above never switches to newest first), found 8"
            ])
        #expect(
            problems("discipline: adaptive_lifo\nlifo_above: -1") == [
                "s.yaml:11:17: error: components.web.lifo_above: expected a whole number ≥ 0, found -1"
            ])
        #expect(
            problems("discipline: adaptive_lifo\nlifo_above: many") == [
                "s.yaml:11:17: error: components.web.lifo_above: expected a whole number, found 'many'"
            ])
    }
}
