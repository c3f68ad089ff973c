import CapSimTestSupport
import Foundation
import ScenarioLanguage
import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// A sink that keeps nothing: the simulation's own state is what these tests look at.
private struct DiscardingSink: RecordSink {
    mutating func requestEnded(_ r: RequestRecord) {}
    mutating func hopEnded(_ h: HopRecord) {}
    mutating func windowOpened(_ c: ModelCounters) {}
    mutating func windowClosed(_ c: ModelCounters) {}
}

/// `Simulation.loads`, the requests in flight per instance that the balancers read, is kept
/// apart from the instances' own busy workers and waiting lines; every place that changes
/// either must change it too. Every shipped scenario (failures that evict, queue timeouts,
/// processor sharing, database backups holding workers, deploys, clusters) is stopped part-way
/// and at its end, and every instance's entry is compared with its state.
@Suite("Instance loads")
struct InstanceLoadTests {
    @Test("the balancers' loads agree with every instance's busy workers and waiting line, mid-run and at the end")
    func loadsAgree() throws {
        let files = try shippedScenarioFiles()
        #expect(files.count >= 8)
        var stoppedWithRequestsWaiting = 0
        for f in files {
            let args = try smokeShortening(f)
            let overrides = try stride(from: 1, to: args.count, by: 2).map { try Override(parsing: args[$0]) }
            let scenario = try ScenarioLoader.load(path: scenarioPath(f), overrides: overrides)
            var whole = Simulation<FullModel>(
                spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: 0)
            var sink = DiscardingSink()
            let outcome = whole.run(into: &sink)
            #expect(whole.loadsDisagree() == nil, "\(f) after the run: \(whole.loadsDisagree() ?? "")")
            // The same replication stopped at a third of its events: requests in service and waiting.
            var model = scenario.model
            model.maxEvents = max(1, outcome.events / 3)
            var part = Simulation<FullModel>(spec: model, streams: StreamStore(seed: scenario.seed), replication: 0)
            _ = part.run(into: &sink)
            #expect(part.loadsDisagree() == nil, "\(f) mid-run: \(part.loadsDisagree() ?? "")")
            if (0..<part.instanceCount).contains(where: { part.instances[$0].waiting.count > 0 }) {
                stoppedWithRequestsWaiting += 1
            }
        }
        // The check is not vacuous: some scenarios stop with requests in their lines.
        #expect(stoppedWithRequestsWaiting >= 3)
    }
}
