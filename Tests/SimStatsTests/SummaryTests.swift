import InfraModel
import SimKernel
import SimRandom
import Testing

@testable import SimStats

@Suite("Summary")
struct SummaryTests {
    let spec = ModelSpec(
        stations: [StationSpec(name: "web", service: .exponential(mean: 0.001))],
        classes: [RequestClass(name: "default", path: [0])],
        arrivals: .poisson(rate: 500),
        window: RunWindow(warmup: SimTime.zero + .seconds(1), horizon: SimTime.zero + .seconds(20), drain: .seconds(1)))

    @Test("scalar intervals are Student-t over replications; quantiles pool the histograms")
    func intervals() {
        let layout = MetricLayout(spec: spec)
        let results = Experiment(spec: spec, seed: 9, replications: 0..<6, jobs: 2).run()
        let summary = Summary(layout: layout, results: results)
        let i = layout.index(of: "latency.mean")!
        var t = Tally()
        for r in results { t.add(r.values[i]) }
        let e = summary["latency.mean"]!
        #expect(e.value == t.mean)
        let expected = 2.570582 * t.standardDeviation / 6.0.squareRoot()  // t_{0.975,5} from tables
        #expect(abs(e.halfWidth95! - expected) <= expected * 1e-6)
        var pooled = LatencyHistogram()
        for r in results { pooled.merge(r.histograms[0]) }
        #expect(summary["latency.p99"]!.value == pooled.quantile(0.99))
        #expect(summary["latency.max"]!.halfWidth95 == nil)
        // A percentile and a standard deviation: the pooled value, and the sections' t half-width
        // plus the gap between the pooled value and the sections' mean.
        for (id, value) in [("latency.p99", pooled.quantile(0.99)), ("latency.stddev", pooled.standardDeviation)] {
            var sections = Tally()
            for r in results { sections.add(r.values[layout.index(of: id)!]) }
            let e = summary[id]!
            #expect(e.value == value)
            let tHalf = 2.570582 * sections.standardDeviation / 6.0.squareRoot()
            let expected = tHalf + abs(value - sections.mean)
            #expect(abs(e.halfWidth95! - expected) <= expected * 1e-6, "\(id)")
            #expect(abs(value - sections.mean) > 0, "\(id): the pooled value differs from the sections' mean")
        }
    }

    @Test("a latency percentile far from its replications' mean is warned about; a zero one is not")
    func tailWarnings() {
        var histogram = LatencyHistogram()
        for k in 0..<1000 { histogram.record(.nanoseconds(Int64(k))) }
        var sections = Tally()
        for x in [0.9e-6, 1.1e-6] { sections.add(x) }  // mean 1 µs
        var warnings: [String] = []
        Summary.warnAboutTail(
            id: "latency.p50", histogram: histogram, name: "latency", q: 0.5, value: 1.5e-6, sections: sections,
            halfWidth95: 0.2e-6, into: &warnings)
        #expect(
            warnings == [
                "latency.p50: the replications' own percentiles average 33.33 % below the pooled one, more than their spread explains: its tail rests on a few bursts of slow requests; the interval is widened by the gap, and longer replications narrow it"
            ])
        // Within the half-width, for another histogram, or at a pooled value of zero: nothing.
        for (name, value, halfWidth) in [
            ("latency", 1.1e-6, 0.2e-6), ("hop.web.wait", 1.5e-6, 0.2e-6), ("latency", 0, 0.2e-6),
        ] {
            warnings = []
            Summary.warnAboutTail(
                id: "latency.p50", histogram: histogram, name: name, q: 0.5, value: value, sections: sections,
                halfWidth95: halfWidth, into: &warnings)
            #expect(warnings.isEmpty, "\(name) \(value)")
        }
    }

    @Test("results do not depend on thread count or the order replications run in")
    func orderIndependence() {
        let layout = MetricLayout(spec: spec)
        let one = Experiment(spec: spec, seed: 5, replications: 0..<4, jobs: 1).run()
        let two = Experiment(spec: spec, seed: 5, replications: 0..<4, jobs: 3).run()
        let reversed = (0..<4).reversed().map {
            Experiment.runReplication(spec, layout: layout, seed: 5, replication: $0)
        }
        let a = Summary(layout: layout, results: one)
        let b = Summary(layout: layout, results: two)
        let c = Summary(layout: layout, results: reversed)
        #expect(a.estimates.map(\.value).map(\.bitPattern) == b.estimates.map(\.value).map(\.bitPattern))
        #expect(a.estimates.map(\.value).map(\.bitPattern) == c.estimates.map(\.value).map(\.bitPattern))
        #expect(one.map(\.outcome) == reversed.reversed().map(\.outcome))
    }

    @Test("pooling as replications finish keeps no histogram per replication and gives the same summary, bit for bit")
    func poolAsYouGo() {
        let layout = MetricLayout(spec: spec)
        let kept = Experiment(spec: spec, seed: 5, replications: 0..<8, jobs: 3).run()
        let pool = Pool(layout: layout)
        let folded = Experiment(spec: spec, seed: 5, replications: 0..<8, jobs: 3).run(inOrder: { pool.absorb(&$0) })
        #expect(folded.allSatisfy { $0.histograms.isEmpty && $0.distributions.isEmpty })
        #expect(kept.allSatisfy { $0.histograms.count == layout.histograms.count })
        let a = Summary(layout: layout, results: kept)
        let b = Summary(layout: layout, results: folded, pool: pool)
        #expect(a.estimates.map(\.value).map(\.bitPattern) == b.estimates.map(\.value).map(\.bitPattern))
        #expect(a.estimates.map { $0.halfWidth95?.bitPattern } == b.estimates.map { $0.halfWidth95?.bitPattern })
        var merged = Array(repeating: LatencyHistogram(), count: layout.histograms.count)
        for r in kept { for h in merged.indices { merged[h].merge(r.histograms[h]) } }
        #expect(merged.map { $0.quantile(0.99) } == pool.merged.histograms.map { $0.quantile(0.99) })
    }

    @Test("metric ids follow the README's \"Metrics\" table, in a stable order")
    func ids() {
        let ids = MetricLayout(spec: spec).metrics.map(\.id)
        for id in [
            "latency.mean", "latency.p50", "latency.p99", "latency.p999", "latency.max", "hop.web.wait.p99",
            "hop.web.self.mean", "availability.request", "errors.queue_full.rate", "errors.in_flight_at_end.rate",
            "throughput", "utilization.web", "instances.web.mean",
        ] {
            #expect(ids.contains(id), "\(id) missing")
        }
        #expect(Set(ids).count == ids.count)
    }
}
