import CapSimTestSupport
import Foundation
import Testing

extension InstructionBudgetTests {
    /// Instructions per kernel event of `autoscale-diurnal.yaml` (round robin over an autoscaled
    /// pool) with the autoscaler's `max` set to `max`: the difference of a 3-minute and a
    /// 1-minute run, so the set-up of `max` instance slots cancels out.
    func autoscaledPerEvent(max: Int) throws -> Double {
        let base = [
            "run", scenarioPath("autoscale-diurnal.yaml"), "--set", "warmup=0s", "--replications", "1",
            "--set", "components.web.autoscale.max=\(max)", "--json", "-",
        ]
        let short = try instructions(base + ["--set", "horizon=1m"])
        let long = try instructions(base + ["--set", "horizon=3m"])
        let events = try self.events(long.output) - self.events(short.output)
        #expect(events > 10_000)
        return Double(long.count - short.count) / Double(events)
    }

    /// An autoscaled pool holds a slot per instance up to its `max`; the balancer's scans stop
    /// at the highest slot in the rotation (`Candidates.limit`). Before they did, round robin
    /// walked every empty slot once per cycle: with max 100,000 a run took 100× longer.
    @Test("an autoscaled pool's max costs nothing per event: max 100,000 within 5 % of max 12")
    func autoscaledMax() throws {
        guard toolsPresent() else { return }
        let small = try autoscaledPerEvent(max: 12)
        let large = try autoscaledPerEvent(max: 100_000)
        let ratio = large / small
        #expect(ratio < 1.05, "\(large) against \(small) instructions per event")
    }
}
