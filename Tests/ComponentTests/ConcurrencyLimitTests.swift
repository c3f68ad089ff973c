import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

/// `concurrency_limit:`: a fixed limit is an M/M/c/K queue's capacity; an adaptive (AIMD) limit
/// sheds an overload so that what it admits keeps its latency and the servers stay busy; and
/// the diagnostics.
@Suite("Concurrency limits")
struct ConcurrencyLimitTests {
    static func scenario(rate: String, limit: String?, horizon: String = "5m", replications: Int = 10) -> String {
        """
        version: 1
        name: limited
        horizon: \(horizon)
        warmup: 30s
        replications: \(replications)
        seed: 41
        workload:
          arrivals: {process: poisson, rate: \(rate)}
        components:
          api:
            kind: server_pool
            workers: 4
            service: {exponential: {mean: 20ms}}
        \(limit.map { "    concurrency_limit: " + $0 } ?? "")
        """
    }

    /// M/M/c/K: the stationary probability of K in the system, which arrivals see (PASTA).
    static func blocking(arrivalRate: Double, serviceRate: Double, workers: Int, capacity: Int) -> Double {
        let a = arrivalRate / serviceRate
        var p = [1.0]
        for n in 1...capacity { p.append(p[n - 1] * a / Double(min(n, workers))) }
        return p[capacity] / p.reduce(0, +)
    }

    @Test("a fixed limit of K in flight makes an M/M/c queue an M/M/c/K: its blocking")
    func fixedLimit() throws {
        let run = try Run(yaml: Self.scenario(rate: "180/s", limit: "10"))
        let p = Self.blocking(arrivalRate: 180, serviceRate: 50, workers: 4, capacity: 10)
        run.expectMatches("errors.rate_limited.rate", p)
        run.expectMatches("availability.request", 1 - p)
    }

    @Test("an adaptive limit sheds a 2x overload: the servers stay busy and what it admits stays fast")
    func adaptiveLimit() throws {
        // Capacity 4 / 20 ms = 200/s against 400/s offered.
        let limited = try Run(
            yaml: Self.scenario(
                rate: "400/s", limit: "{latency: 100ms, initial: 8, min: 4, max: 200}", horizon: "2m",
                replications: 4))
        let unlimited = try Run(yaml: Self.scenario(rate: "400/s", limit: nil, horizon: "2m", replications: 4))
        for u in limited.values("utilization.api") { #expect(u > 0.95, "utilisation \(u)") }
        // Conservation: what is not shed is served, at most at capacity, so at least half is shed.
        for shed in limited.values("errors.rate_limited.rate") { #expect(shed >= 0.49 && shed < 0.53, "shed \(shed)") }
        // The limit hovers where visits take about the latency target; without it the line
        // grows for the whole run and waits reach tens of seconds.
        for p99 in limited.values("latency.p99") { #expect(p99 < 0.4, "p99 \(p99) s") }
        for p99 in unlimited.values("latency.p99") { #expect(p99 > 10, "p99 without a limit \(p99) s") }
    }

    @Test(
        "diagnostics name the key",
        arguments: [
            ("0", "expected a whole number from 1 to 1000000000, found 0"),
            ("{initial: 5}", "missing required key 'latency'"),
            ("{latency: 1s, backoff: 1.5}", "expected a factor between 0 and 1 (exclusive), found 1.5"),
            ("{latency: 1s, min: 30, initial: 20}", "expected min ≤ initial ≤ max, found min 30, initial 20, max 1000"),
            ("{latency: 1s, step: 2}", "unknown key 'step'"),
        ])
    func diagnostics(_ limit: String, _ expected: String) {
        let found = problems(Self.scenario(rate: "10/s", limit: limit))
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }
}
