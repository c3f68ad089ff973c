import CapSimTestSupport
import InfraModel
import ScenarioLanguage
import SimRandom
import Testing

/// A model without features runs in `Simulation<CoreModel>`, the event handlers compiled with
/// every feature's test constant-false (`Sources/InfraModel/Simulation/ModelShape.swift`). These
/// tests hold the two ways of deciding which shape a model needs to each other, and the two
/// shapes to the same trajectory. (The golden outputs, `GoldenOutputTests`, hold every shipped
/// scenario's report through whichever shape `capsim run` picks.)
@Suite("Model shapes: core models run the full model's trajectory")
struct ModelShapeTests {
    /// Every shipped scenario, shortened as the smoke tests shorten it (`smokeShortening`).
    static func scenarios() throws -> [(name: String, scenario: Scenario)] {
        try shippedScenarioFiles().map { f in
            let settings = try smokeShortening(f)
            let overrides = try stride(from: 1, to: settings.count, by: 2).map { try Override(parsing: settings[$0]) }
            return (f, try ScenarioLoader.load(path: scenarioPath(f), overrides: overrides))
        }
    }

    @Test("the estimate made from the specification is the built model's answer on every shipped scenario")
    func estimateIsExactOnShippedScenarios() throws {
        var core: [String] = []
        for (name, s) in try Self.scenarios() {
            let built = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: 0)
            let uses = built.usesFeatures
            #expect(s.model.mayUseFeatures == uses, "\(name): estimate \(s.model.mayUseFeatures)")
            if !uses { core.append(name) }
        }
        // The queueing models the benchmarks compare with other tools must take the core path.
        for name in ["mm1.yaml", "mmc.yaml", "tandem.yaml"] { #expect(core.contains(name), "\(name) is not core") }
        // And features must be seen as such (three-tier has clients, keys and a database).
        #expect(!core.contains("three-tier.yaml"))
    }

    @Test("a core model's replication is the same event for event in both shapes")
    func coreShapeKeepsTheTrajectory() throws {
        var compared = 0
        var events: UInt64 = 0
        for (name, s) in try Self.scenarios() where !s.model.mayUseFeatures {
            for replication in [0, 3] {
                var full = Simulation<FullModel>(
                    spec: s.model, streams: StreamStore(seed: s.seed), replication: replication)
                var core = Simulation<CoreModel>(
                    spec: s.model, streams: StreamStore(seed: s.seed), replication: replication)
                var fullSink = RecordingSink()
                var coreSink = RecordingSink()
                let fullOutcome = full.run(into: &fullSink)
                let coreOutcome = core.run(into: &coreSink)
                #expect(coreOutcome == fullOutcome, "\(name), replication \(replication)")
                #expect(coreSink.requests.count == fullSink.requests.count, "\(name)")
                #expect(coreSink.hops.count == fullSink.hops.count, "\(name)")
                #expect(
                    coreSink.requests.map(\.end) == fullSink.requests.map(\.end), "\(name), replication \(replication)")
                compared += 1
                events += fullOutcome.events
            }
        }
        // 26 shipped scenarios are core (2026-12-07), about 520,000 events in all.
        #expect(compared >= 40)
        #expect(events > 300_000)
    }

    @Test("a model with a feature is seen as one before and after it is built")
    func featuresAreSeen() throws {
        let base = try String(contentsOfFile: scenarioPath("mm1.yaml"), encoding: .utf8)
        let variants = [
            "workload.client={timeout: 1s}",
            "workload.classes=[{name: a, weight: 1, path: [server], keys: {count: 100, zipf: 1}}]",
            "components.server.tls={handshake: 1ms}",
            "components.server.rate_limit={rate: 100/s, burst: 10}",
            "components.server.concurrency_limit=32",
        ]
        let plain = try ScenarioLoader.parse(yaml: base)
        #expect(!plain.model.mayUseFeatures)
        for v in variants {
            let s = try ScenarioLoader.parse(yaml: base, overrides: [try Override(parsing: v)])
            let built = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: 1), replication: 0)
            let uses = built.usesFeatures
            #expect(uses, "\(v)")
            #expect(s.model.mayUseFeatures, "\(v)")
        }
    }
}
