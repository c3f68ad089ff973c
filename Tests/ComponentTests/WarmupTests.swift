import CapSimTestSupport
import Foundation
import ScenarioLanguage
import SimStats
import Testing

@Suite("Warm-up by MSER-5")
struct WarmupTests {
    @Test("MSER cuts a transient where the rest is steady")
    func synthetic() {
        // 100 batches at a high level, then a steady alternation around 0.5.
        let z = Array(repeating: 5.0, count: 100) + (0..<1000).map { Double($0 % 2) }
        #expect(WarmupDetection.mser(z) == 100)
        // A decaying transient: the cut lands where the decay has sunk below the noise.
        let decay: [Double] = (0..<2000).map { (j: Int) -> Double in
            let noise: Double = j % 3 == 0 ? 0.3 : -0.15
            return 10 * exp(-Double(j) / 50) + noise
        }
        let d = WarmupDetection.mser(decay)
        #expect(d > 150 && d < 500, "cut at \(d)")
        // A stationary series needs no cut.
        #expect(WarmupDetection.mser((0..<1000).map { Double($0 % 2) }) == 0)
    }

    @Test("warmup: auto chooses a warm-up before the run, reports it, and is deterministic")
    func endToEnd() throws {
        let args = [
            "run", scenarioPath("mm1.yaml"), "--set", "warmup=auto", "--set", "horizon=30s", "--replications", "4",
            "--json", "-",
        ]
        let a = capsim(args)
        let b = capsim(args + ["--jobs", "2"])
        #expect(a.status == 0 && a.out == b.out)
        let json = try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as! [String: Any]
        let warmup = json["warmup"] as! [String: Any]
        #expect(warmup["auto"] as? Bool == true && warmup["method"] as? String == "MSER-5")
        let seconds = warmup["seconds"] as! Double
        #expect(seconds >= 0 && seconds < 15)
        #expect(
            capsim([
                "run", scenarioPath("mm1.yaml"), "--set", "warmup=auto", "--set", "horizon=30s", "--replications", "2",
            ]).out
                .contains("warm-up auto: "))
    }
}

@Suite("SLO and plan decoding")
struct SLODecodingTests {
    func problems(_ extra: String) -> String {
        let r = capsim(["validate", scenarioPath("mm1.yaml"), "--set", extra])
        return r.err
    }

    @Test("thresholds are read in the metric's unit")
    func units() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("mm1.yaml"),
            overrides: [
                try Override(
                    parsing:
                        "slos=[{metric: latency.p99, max: 50ms}, {metric: availability.request, min: 99.95%}, {metric: throughput, min: 800/s}, {metric: utilization.server, max: 0.95}, {metric: queue.server.mean, max: 12}]"
                )
            ])
        #expect(s.slos.map(\.bound) == [.max(0.05), .min(0.9995), .min(800), .max(0.95), .max(12)])
        #expect(s.slos[0].name == "latency.p99 <= 50ms")
    }

    @Test("SLO mistakes are diagnosed with suggestions")
    func mistakes() {
        #expect(
            problems("slos=[{metric: latency.p99x, max: 50ms}]").contains(
                "slos.0.metric: expected a metric id of this scenario (e.g. latency.p99, availability.request), found 'latency.p99x' (did you mean 'latency.p99'?)"
            ))
        #expect(
            problems("slos=[{metric: latency.p99, max: 50}]").contains("slos.0.max: expected a duration with a unit"))
        #expect(
            problems("slos=[{metric: latency.p99, max: 5ms, min: 1ms}]").contains(
                "slos.0: expected exactly one of 'max' and 'min'"))
        #expect(
            problems("slos=[{metric: availability.request, min: 120%}]").contains(
                "slos.0.min: expected a share such as 99.95% or 0.9995, found '120%'"))
        #expect(problems("slos=[{metric: latency.max, max: 1s}]").contains("'latency.max' has no confidence interval"))
        #expect(
            problems("replications={min: 5, max: 20, until: slo-decided}").contains(
                "replications: 'until: slo-decided' needs at least one SLO under 'slos:'"))
        #expect(
            problems("replications={min: 50, max: 20, until: slo-decided}").contains(
                "replications.max: expected max ≥ min (50), found 20"))
    }
}
