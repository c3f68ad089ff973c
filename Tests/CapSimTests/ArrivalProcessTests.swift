import CGSL
import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing
import Theory

/// Counts arrivals per window of a fixed width (and optionally keeps every arrival time).
struct ArrivalCounter: RecordSink {
    let width: Int64
    var counts: [Double]
    var times: [Int64]? = nil
    init(width: Double, windows: Int, keepTimes: Bool = false) {
        self.width = Int64((width * 1e9).rounded())
        counts = Array(repeating: 0, count: windows)
        if keepTimes { times = [] }
    }
    mutating func requestEnded(_ r: RequestRecord) {
        let k = Int(r.arrival.nanoseconds / width)
        if k < counts.count { counts[k] += 1 }
        times?.append(r.arrival.nanoseconds)
    }
    mutating func hopEnded(_ h: HopRecord) {}
    mutating func windowOpened(_ c: ModelCounters) {}
    mutating func windowClosed(_ c: ModelCounters) {}
}

/// A scenario whose only component is a pure delay (unlimited workers), so every arrival ends at
/// once and its record carries its arrival time.
func arrivalScenario(_ workload: String, horizon: String, replications: Int = 1) throws -> Scenario {
    try ScenarioLoader.parse(
        yaml: """
            version: 1
            horizon: \(horizon)
            replications: \(replications)
            seed: 2718
            workload:
            \(workload.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            components:
              hop: {kind: server_pool, workers: unlimited, service: {deterministic: 1us}}
            """, file: "arrivals.yaml")
}

/// Arrivals per window in each replication (rows: replications; columns: windows).
func windowCounts(_ s: Scenario, width: Double, windows: Int, replications: Int) -> [[Double]] {
    (0..<replications).map { rep in
        var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: rep)
        var counter = ArrivalCounter(width: width, windows: windows)
        _ = sim.run(into: &counter)
        return counter.counts
    }
}

@Suite("Time-varying arrivals against theory")
struct ArrivalTheoryTests {
    /// A profile case: its YAML, base rate, horizon, windows, and ∫ m(t) dt over a window
    /// computed in closed form (independently of `RateProfile`).
    struct ProfileCase: CustomTestStringConvertible, Sendable {
        let name: String
        let profile: String
        let rate: Double
        let horizon: Double
        let windows: Int
        let integral: @Sendable (Double, Double) -> Double
        var testDescription: String { name }
    }

    /// Linear interpolation through (t, m) points, held flat outside them.
    static func lerp(_ p: [(Double, Double)], _ t: Double) -> Double {
        if t <= p[0].0 { return p[0].1 }
        for k in 1..<p.count where t <= p[k].0 {
            return p[k - 1].1 + (t - p[k - 1].0) / (p[k].0 - p[k - 1].0) * (p[k].1 - p[k - 1].1)
        }
        return p[p.count - 1].1
    }

    static let points: [(Double, Double)] = [(0, 1), (100, 3), (200, 0.5), (300, 0.5), (400, 2)]
    static let weekly: [Double] = [1, 2, 0.5, 1, 1, 3, 0.2]

    static let cases: [ProfileCase] = [
        // m(t) = 0.2 + 0.8(1 + cos(2π(t + 60 − 240)/300)): peak at wall 4m, start_at 1m.
        ProfileCase(
            name: "diurnal (compressed 5-minute day, start_at and peak_at)",
            profile: "diurnal: {peak: 1.8x, trough: 0.2x, peak_at: 4m, period: 5m}\nstart_at: 1m",
            rate: 200, horizon: 600, windows: 12
        ) { a, b in
            let w = 2 * Double.pi / 300
            let phase = 60.0 - 240
            return (b - a) + 0.8 / w * (sin(w * (b + phase)) - sin(w * (a + phase)))
        },
        // Windows of 50 s never straddle a point (every 100 s): the integrand is linear on each.
        ProfileCase(
            name: "piecewise linear",
            profile: "piecewise: {points: [[0s, 1x], [100s, 3x], [200s, 0.5x], [300s, 0.5], [400s, 2]]}",
            rate: 100, horizon: 500, windows: 10
        ) { a, b in
            (b - a) * (lerp(points, a) + lerp(points, b)) / 2
        },
        ProfileCase(
            name: "piecewise step",
            profile:
                "piecewise: {interpolation: step, points: [[0s, 1x], [100s, 3x], [200s, 0.5x], [300s, 0.5], [400s, 2]]}",
            rate: 100, horizon: 500, windows: 10
        ) { a, b in
            (b - a) * (points.last { $0.0 <= a }?.1 ?? 1)
        },
        // Weekly days from Saturday noon, two overlapping spikes (4x and 2x: 8x where they
        // overlap); windows of 12 h. Every edge is a whole second: a sum over seconds is exact.
        ProfileCase(
            name: "weekly and overlapping spikes",
            profile:
                "weekly: [1x, 2x, 0.5x, 1x, 1x, 3x, 0.2x]\nstart_at: saturday 12:00\nspikes: [{at: 1d, for: 6h, factor: 4x}, {at: 27h, for: 6h, factor: 2x}]",
            rate: 0.05, horizon: 7 * 86_400, windows: 14
        ) { a, b in
            var total = 0.0
            for s in stride(from: a, to: b, by: 1) {
                let wall = s + 5 * 86_400 + 43_200
                var m = weekly[Int(wall / 86_400) % 7]
                if s >= 86_400 && s < 86_400 + 21_600 { m *= 4 }
                if s >= 97_200 && s < 97_200 + 21_600 { m *= 2 }
                total += m
            }
            return total
        },
    ]

    @Test("non-homogeneous Poisson counts per window match the integrated rate profile", arguments: cases)
    func profiles(_ c: ProfileCase) throws {
        let s = try arrivalScenario(
            "arrivals: {process: poisson, rate: \(c.rate)/s}\nprofile:\n\(c.profile.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))",
            horizon: "\(Int(c.horizon))s")
        let width = c.horizon / Double(c.windows)
        let counts = windowCounts(s, width: width, windows: c.windows, replications: 20)
        for k in 0..<c.windows {
            let a = Double(k) * width
            expectMean(counts.map { $0[k] }, c.rate * c.integral(a, a + width), label: "\(c.name), window \(k)")
        }
        // The model's own integral (used by `validate`) agrees with the closed form.
        let profile = try #require(s.model.profile)
        let total = profile.integral(from: 0, to: c.horizon)
        let closed = (0..<c.windows).reduce(0.0) { $0 + c.integral(Double($1) * width, Double($1 + 1) * width) }
        #expect(abs(total - closed) <= 1e-9 * closed, "\(c.name): integral \(total) vs \(closed)")
    }

    /// Mean rate and index of dispersion of counts (Var N(t)/E N(t)) in windows of length t, per
    /// replication: the variance about the known mean λt (unbiased: a stationary process has
    /// E N = λt in every window, whatever the correlation between windows).
    func dispersion(
        _ s: Scenario, rate: Double, window t: Double, windows: Int, replications: Int
    ) -> (rates: [Double], idc: [Double]) {
        let counts = windowCounts(s, width: t, windows: windows, replications: replications)
        let mean = rate * t
        return (
            counts.map { $0.reduce(0, +) / (t * Double(windows)) },
            counts.map { row in row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(windows) / mean }
        )
    }

    /// IDC(t) of a stationary renewal process with gamma gaps (shape a, scale θ = 1/(λa)), exact:
    /// Var N(t) = λt + 2λ∫₀ᵗ M(u) du − (λt)², M(u) = Σ_k P(ka, u/θ) the renewal function (Cox,
    /// Renewal Theory, 1962, §4.5 and §7.2), with ∫₀ᵗ P(s, u/θ) du = t·P(s, t/θ) − sθ·P(s + 1, t/θ).
    static func gammaIDC(rate: Double, cv: Double, window t: Double) -> Double {
        let a = 1 / (cv * cv)
        let theta = 1 / (rate * a)
        var integral = 0.0
        for k in 1...100_000 {
            let s = Double(k) * a
            let term = t * gsl_cdf_gamma_P(t, s, theta) - s * theta * gsl_cdf_gamma_P(t, s + 1, theta)
            integral += term
            if s * theta > t && term < 1e-16 * t { break }
        }
        let lt = rate * t
        return (lt + 2 * rate * integral - lt * lt) / lt
    }

    @Test("gamma renewal arrivals: mean rate and index of dispersion of counts")
    func gammaRenewal() throws {
        let s = try arrivalScenario("arrivals: {process: gamma, rate: 1000/s, cv: 2}", horizon: "200s")
        let theory = Self.gammaIDC(rate: 1000, cv: 2, window: 0.1)
        // Sanity of the closed form: near cv² for windows much longer than a gap, and 1 for Poisson.
        #expect(theory > 3.9 && theory < 4)
        #expect(abs(Self.gammaIDC(rate: 1000, cv: 1, window: 0.1) - 1) < 1e-9)
        let d = dispersion(s, rate: 1000, window: 0.1, windows: 2000, replications: 12)
        expectMean(d.rates, 1000, label: "gamma mean rate")
        expectMean(d.idc, theory, label: "gamma IDC(0.1 s)")
    }

    @Test("MMPP2 arrivals: mean rate and index of dispersion of counts (Heffes & Lucantoni)")
    func mmpp2() throws {
        let s = try arrivalScenario(
            "arrivals: {process: mmpp2, states: [{rate: 200/s, mean_time: 2s}, {rate: 1000/s, mean_time: 1s}]}",
            horizon: "400s")
        let m = MMPP2(rates: (200, 1000), meanTimes: (2, 1))
        #expect(abs(m.meanRate - 1400.0 / 3) < 1e-9)
        // The formula's limits: IDC → 1 as t → 0, and its t → ∞ value 1 + 2π₁π₂(λ₁−λ₂)²/(λ̄ r).
        #expect(abs(m.indexOfDispersion(window: 1e-9) - 1) < 1e-6)
        #expect(
            abs(m.indexOfDispersion(window: 1e9) - (1 + 2 * (2.0 / 3) * (1.0 / 3) * 640_000 / (1400.0 / 3 * 1.5)))
                < 1e-3)
        let d = dispersion(s, rate: m.meanRate, window: 0.5, windows: 800, replications: 12)
        expectMean(d.rates, m.meanRate, label: "mmpp2 mean rate")
        expectMean(d.idc, m.indexOfDispersion(window: 0.5), label: "mmpp2 IDC(0.5 s)")
    }

    @Test("an on/off MMPP2 (one rate 0/s) delivers only in its on state")
    func onOff() throws {
        let s = try arrivalScenario(
            "arrivals: {process: mmpp2, states: [{rate: 0/s, mean_time: 3s}, {rate: 400/s, mean_time: 1s}]}",
            horizon: "200s")
        let d = dispersion(s, rate: 100, window: 1, windows: 200, replications: 10)
        expectMean(d.rates, 100, label: "on/off mean rate")
        expectMean(
            d.idc, MMPP2(rates: (0, 400), meanTimes: (3, 1)).indexOfDispersion(window: 1), label: "on/off IDC(1 s)")
    }
}

@Suite("Trace replay and shipped time-varying scenarios")
struct TraceReplayTests {
    func arrivalTimes(_ s: Scenario, replication: Int = 0) -> [Int64] {
        var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: replication)
        var counter = ArrivalCounter(width: 1, windows: 0, keepTimes: true)
        _ = sim.run(into: &counter)
        return counter.times!.sorted()
    }

    @Test("a timestamp trace is replayed exactly, to the nanosecond, and stops at the horizon")
    func timestamps() throws {
        let text = try String(contentsOfFile: scenarioPath("traces/checkout-burst.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("timestamp") }
            .map { Int64((Double($0)! * 1e9).rounded()) }
        #expect(rows.count == 1150)
        let full = try ScenarioLoader.load(path: scenarioPath("trace-replay.yaml"))
        #expect(arrivalTimes(full) == rows)
        #expect(arrivalTimes(full, replication: 7) == rows)
        let cut = try ScenarioLoader.load(
            path: scenarioPath("trace-replay.yaml"), overrides: [try Override(parsing: "horizon=40s")])
        #expect(arrivalTimes(cut) == rows.filter { $0 < 40_000_000_000 })
    }

    @Test("a counts trace keeps every bin's count, spread within the bin, differently per replication")
    func counts() throws {
        let dir = temporaryDirectory()
        let counts = [3, 0, 5, 1, 0, 0, 12, 2]
        try ("count\n" + counts.map(String.init).joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.parse(
            yaml: """
                version: 1
                horizon: 10s
                workload:
                  arrivals: {process: trace, file: c.csv, format: counts, bin: 500ms}
                components:
                  hop: {kind: server_pool, workers: unlimited, service: {deterministic: 1us}}
                """, file: dir.appendingPathComponent("s.yaml").path, baseDirectory: dir.path)
        let a = arrivalTimes(s)
        let b = arrivalTimes(s, replication: 1)
        for times in [a, b] {
            let perBin = (0..<counts.count).map { k in times.filter { $0 / 500_000_000 == k }.count }
            #expect(perBin == counts)
            #expect(times.count == counts.reduce(0, +))
        }
        #expect(a != b)
    }

    @Test("flash-crowd.yaml (shortened): arrivals follow the spike, the excess is turned away")
    func flashCrowd() throws {
        let run = try Run(
            "flash-crowd.yaml",
            [
                "horizon=4m", "warmup=0s", "replications=3",
                "workload.profile.spikes.0.at=1m", "workload.profile.spikes.0.for=1m",
            ])
        expectConservation(run)
        // 300/s × (4 min + 4 × 1 min of spike) over 4 min.
        run.expectMatches("arrival_rate", 300 * (240 + 4 * 60) / 240)
        #expect(run.values("errors.queue_full.rate").allSatisfy { $0 > 0.05 })
        let peak = run.scenario.model.offeredLoad()[1]
        #expect(peak.peakOverloaded && !peak.overloaded && abs(peak.peakArrivalRate! - 1500) < 1e-6)
    }

    @Test("diurnal.yaml (shortened): the arrival rate follows the day's cosine")
    func diurnal() throws {
        let run = try Run("diurnal.yaml", ["horizon=6h", "warmup=0s", "replications=3"])
        expectConservation(run)
        // m(t) = 1 + 0.7 cos(2π(t − 14h)/24h): its mean over [0, 6h).
        let w = 2 * Double.pi / 86_400
        let h = 21_600.0
        let mean = 1 + 0.7 / w * (sin(w * (h - 50_400)) - sin(w * -50_400)) / h
        run.expectMatches("arrival_rate", 5 * mean)
        #expect(abs(run.scenario.model.classRates[0] - 5 * mean) < 1e-9)
    }

    @Test("trace-replay.yaml: every replication sees the trace's 1,150 arrivals")
    func traceScenario() throws {
        let run = try Run("trace-replay.yaml", ["replications=3"])
        expectConservation(run)
        #expect(run.results.allSatisfy { $0.outcome.arrivals == 1150 })
    }

    @Test("validate prints the mean load and flags the peak; JSON adds peak fields only under varying load")
    func validate() {
        let r = capsim(["validate", scenarioPath("flash-crowd.yaml")])
        #expect(r.status == 0)
        #expect(
            r.out.hasSuffix(
                """
                  edge: offered mean 500.00/s, unlimited workers (no waiting); peak 1500.00/s
                  web: offered mean 500.00/s, utilisation 78.1 %, M/M/16/144 (one queue over all instances: a floor for joining the shortest queue; the service's mean, the wait scaled for its variability): turns away < 0.01 % (queue_full), utilisation ≈ 78.1 % carried, mean wait ≈ 2.301 ms; peak 1500.00/s, utilisation 234.4 %  — PEAK OVERLOAD: requests are turned away (queue_full) while the rate stays this high

                """))
        let json = capsim(["validate", "--format", "json", scenarioPath("diurnal.yaml")]).out
        #expect(json.contains("\"peak_arrival_rate\": 8.5") && json.contains("\"peak_overloaded\": false"))
        #expect(!capsim(["validate", "--format", "json", scenarioPath("mm1.yaml")]).out.contains("peak"))
    }

    @Test("a missing trace exits 66 with a located message; a malformed one exits 65")
    func exitCodes() throws {
        let missing = capsim([
            "validate", scenarioPath("trace-replay.yaml"), "--set", "workload.arrivals.file=traces/nowhere.csv",
        ])
        #expect(missing.status == 66)
        #expect(
            missing.err
                == "--set workload.arrivals.file=traces/nowhere.csv: error: workload.arrivals.file: cannot read the trace file '\(packageRoot.path)/Scenarios/traces/nowhere.csv': no such file\n1 problem in \(scenarioPath("trace-replay.yaml"))\n"
        )
        let dir = temporaryDirectory()
        try "0.5\n0.25\n".write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let bad = capsim([
            "run", scenarioPath("trace-replay.yaml"), "--set", "workload.arrivals.file=\(dir.path)/t.csv",
        ])
        #expect(bad.status == 65)
        #expect(
            bad.err.hasPrefix(
                "\(dir.path)/t.csv:2:1: error: workload.arrivals.file: expected timestamps in non-decreasing order, found '0.25' after '0.5'\n"
            ))
        let json = capsim([
            "validate", "--format", "json", scenarioPath("trace-replay.yaml"), "--set",
            "workload.arrivals.file=nowhere.csv",
        ])
        #expect(json.status == 66 && json.out.contains("cannot read the trace file"))
    }

    @Test("the scenario hash changes with the trace's content, not only its name")
    func hash() throws {
        let dir = temporaryDirectory()
        let trace = dir.appendingPathComponent("t.csv")
        let scenario = dir.appendingPathComponent("s.yaml")
        try """
        version: 1
        horizon: 10s
        workload: {arrivals: {process: trace, file: t.csv}}
        components: {hop: {kind: server_pool, workers: unlimited, service: {deterministic: 1us}}}
        """.write(to: scenario, atomically: true, encoding: .utf8)
        try "1\n2\n".write(to: trace, atomically: true, encoding: .utf8)
        let a = try ScenarioLoader.load(path: scenario.path).hash
        #expect(try ScenarioLoader.load(path: scenario.path).hash == a)
        try "1\n3\n".write(to: trace, atomically: true, encoding: .utf8)
        #expect(try ScenarioLoader.load(path: scenario.path).hash != a)
    }

    @Test("same seed, same results whatever the number of threads, for every new process and a profile")
    func determinism() throws {
        for workload in [
            "arrivals: {process: gamma, rate: 200/s, cv: 3}",
            "arrivals: {process: mmpp2, states: [{rate: 50/s, mean_time: 1s}, {rate: 400/s, mean_time: 500ms}]}",
            "arrivals: {process: poisson, rate: 200/s}\nprofile: {diurnal: {peak: 1.5x, period: 10s}, spikes: [{at: 3s, for: 2s, factor: 3x}]}",
        ] {
            let s = try arrivalScenario(workload, horizon: "20s", replications: 6)
            let one = Experiment(spec: s.model, seed: s.seed, replications: 0..<6, jobs: 1).run()
            let two = Experiment(spec: s.model, seed: s.seed, replications: 0..<6, jobs: 2).run()
            #expect(one.map(\.values) == two.map(\.values) && one.map(\.outcome) == two.map(\.outcome), "\(workload)")
            #expect(Set(one.map(\.outcome.arrivals)).count > 1, "replications differ: \(workload)")
        }
    }

    @Test("every shipped scenario is listed in the gallery")
    func gallery() throws {
        let readme = try String(contentsOfFile: scenarioPath("README.md"), encoding: .utf8)
        for f in try shippedScenarioFiles() {
            #expect(readme.contains("| `\(f)` |"), "\(f) is not in Scenarios/README.md")
        }
    }
}
