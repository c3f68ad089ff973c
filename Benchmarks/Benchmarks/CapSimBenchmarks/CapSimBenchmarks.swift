// Speed of capsim's inner loop: one replication of a fixed run of customers per iteration.
//
// "events/s" counts station events as the peer comparison does (Benchmarks/peers): one arrival at
// or one departure from a station, so a customer makes 2 per station it visits (M/M/1 and M/M/8: 2,
// the 3-station tandem: 6), divided by the CPU time of the thread that ran the replication.
// Every model runs at two horizons, ten times apart (M/M/1 at three): the malloc count per iteration
// must stay the same at each (the per-replication set-up allocates; the event loop must not; buffers
// that double to the run's peak queue length may add a handful).
import Benchmark
import ScenarioLanguage
import SimStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repository root: this file is at Benchmarks/Benchmarks/CapSimBenchmarks/<file>.
private let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}()

private enum Metrics {
    /// Station events (arrivals at and departures from stations) per second of thread CPU time.
    static let eventsPerSecond = BenchmarkMetric.custom(
        "events/s (CPU)", polarity: .prefersLarger, useScalingFactor: false)
    /// Station events in one iteration (one replication).
    static let events = BenchmarkMetric.custom("station events", polarity: .prefersLarger, useScalingFactor: false)
    /// Events the kernel delivered (a hand-off between pipeline stations is one kernel event).
    static let kernelEvents = BenchmarkMetric.custom("kernel events", polarity: .prefersLarger, useScalingFactor: false)
}

/// CPU time of the calling thread, in nanoseconds.
private func threadCPUNanoseconds() -> Int {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return t.tv_sec * 1_000_000_000 + t.tv_nsec
}

private struct Case {
    var label: String
    var file: String
    /// Horizons (seconds of simulated time), ten times apart.
    var horizons: [Int]
}

private let cases = [
    // λ = 900/s: 100 k, 1 M and 10 M customers; 2 station events each.
    Case(label: "M/M/1", file: "mm1.yaml", horizons: [111, 1111, 11111]),
    // λ = 7200/s: 50 k and 500 k customers; 2 station events each.
    Case(label: "M/M/8", file: "mmc.yaml", horizons: [7, 70]),
    // λ = 600/s: 16.7 k and 167 k customers; 6 station events each.
    Case(label: "Tandem-3", file: "tandem.yaml", horizons: [28, 278]),
    // λ = 2000/s through 4 tiers in synchronous calls, with clients and timers: 20 k and 200 k
    // requests; 8 station events each.
    Case(label: "Three-tier", file: "three-tier.yaml", horizons: [10, 100]),
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        // No .peakMemoryResident: its sampling thread mallocs every 10 ms and would make the malloc
        // count grow with the run's length (peak memory is checked with /usr/bin/time instead).
        metrics: [
            .wallClock, .mallocCountTotal,
            Metrics.eventsPerSecond, Metrics.events, Metrics.kernelEvents,
        ],
        units: [Metrics.eventsPerSecond: .kilo, Metrics.events: .count, Metrics.kernelEvents: .count],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 15
    )

    for c in cases {
        for horizon in c.horizons {
            let path = repositoryRoot + "/Scenarios/" + c.file
            let scenario: Scenario
            do {
                let overrides = [try Override(parsing: "horizon=\(horizon)s"), try Override(parsing: "warmup=0s")]
                scenario = try ScenarioLoader.load(path: path, overrides: overrides)
            } catch {
                fatalError("cannot load \(path): \(error)")
            }
            let spec = scenario.model
            let seed = scenario.seed
            let layout = MetricLayout(spec: spec)
            let stationsPerCustomer = UInt64(spec.classes[0].path.count)

            Benchmark("\(c.label) horizon \(horizon)s") { benchmark in
                let start = threadCPUNanoseconds()
                let result = Experiment.runReplication(spec, layout: layout, seed: seed, replication: 0)
                let cpu = threadCPUNanoseconds() - start
                let stationEvents = 2 * stationsPerCustomer * result.outcome.arrivals
                blackHole(result)
                benchmark.measurement(
                    Metrics.eventsPerSecond, Int(Double(stationEvents) / (Double(max(cpu, 1)) * 1e-9)))
                benchmark.measurement(Metrics.events, Int(stationEvents))
                benchmark.measurement(Metrics.kernelEvents, Int(result.outcome.events))
            }
        }
    }
}
