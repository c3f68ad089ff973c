import CapSimTestSupport
import Foundation
import SimKernel
import Testing

/// Simulated time saturates instead of wrapping: a sampled duration near 2^63 ns means "never"
/// for the run.
@Suite("Time overflow")
struct TimeOverflowTests {
    @Test("instants and durations saturate at the ends of Int64")
    func arithmetic() {
        let late = SimTime(nanoseconds: .max - 10)
        #expect((late + .nanoseconds(100)).nanoseconds == .max)
        #expect((SimTime(nanoseconds: 5) + .nanoseconds(.max)).nanoseconds == .max)
        #expect((SimTime(nanoseconds: 5) + .nanoseconds(7)).nanoseconds == 12)
        #expect((SimDuration.nanoseconds(.max) + .nanoseconds(1)).nanoseconds == .max)
        #expect((SimDuration.nanoseconds(.max / 2) * 3).nanoseconds == .max)
        #expect((SimDuration.nanoseconds(-(.max / 2)) * 3).nanoseconds == .min)
        #expect((SimDuration.nanoseconds(4) * 3).nanoseconds == 12)
    }

    @Test("a tail that draws durations past 2^63 ns: those requests never finish; every figure stays sane")
    func heavyTail() throws {
        // Pareto shape 0.05, scale 1 ms: P(S > 2^63 ns) = (1e-3 / 9.22e9)^0.05 ≈ 0.22.
        let run = try Run(
            yaml: """
                version: 1
                name: tail
                horizon: 10s
                warmup: 1s
                replications: 2
                seed: 5
                workload:
                  arrivals: {process: poisson, rate: 100/s}
                components:
                  web: {kind: server_pool, workers: 1000, service: {pareto: {shape: 0.05, scale: 1ms}}}
                """)
        expectConservation(run)
        for r in run.results {
            #expect(r.outcome.errors.reduce(0, +) > 0)  // in flight at the end: never served
        }
        for (mean, max) in zip(run.values("latency.mean"), run.values("latency.max")) { #expect(mean <= max) }
        for u in run.values("utilization.web") { #expect(u >= 0 && u <= 1) }
        for l in run.values("in_system.mean") { #expect(l >= 0) }
    }
}
