import Foundation
import InfraModel
import SimKernel
import Testing
import Theory

@testable import ScenarioLanguage

/// The scenario language of time-varying load: arrival processes (gamma, mmpp2, trace), rate
/// profiles, multipliers, trace files — what they decode to, and the exact text of their errors.
@Suite("Time-varying load: decoding and diagnostics")
struct LoadLanguageTests {
    func problems(
        _ yaml: String, file: String = "s.yaml", baseDirectory: String = ".", overrides: [String] = []
    ) -> [String] {
        do {
            _ = try ScenarioLoader.parse(
                yaml: yaml, file: file, baseDirectory: baseDirectory,
                overrides: overrides.map { try Override(parsing: $0) })
            return []
        } catch let e as ScenarioLoadError {
            guard case .invalid(let error) = e else { return ["\(e)"] }
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static func scenario(_ workload: String, extra: String = "") -> String {
        """
        version: 1
        horizon: 1h
        \(extra)workload:
        \(workload.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        components:
          web: {kind: server_pool, workers: 4, service: {exponential: {mean: 10ms}}}
        """
    }

    @Test(
        "multipliers: 1.8x, 1.8×, plain numbers; errors say what was expected",
        arguments: [
            ("1.8x", 1.8), ("1.8 x", 1.8), ("2×", 2.0), ("0.5", 0.5), ("0x", 0.0), ("1e1x", 10.0), (" 3 ", 3.0),
        ])
    func multipliers(text: String, value: Double) throws {
        #expect(try Quantity.multiplier(text).get() == value)
    }

    @Test("bad multipliers")
    func badMultipliers() {
        #expect(Quantity.multiplier("x").failure?.message == "expected a multiplier such as 1.8x or 1.8, found 'x'")
        #expect(Quantity.multiplier("2y").failure?.message == "expected a multiplier such as 1.8x or 1.8, found '2y'")
        #expect(Quantity.multiplier("-1x").failure?.message == "expected a multiplier ≥ 0, found '-1x'")
        #expect(Quantity.multiplier("1.8xx").failure != nil)
    }

    @Test("every process and profile part decodes to its value")
    func decoding() throws {
        let g = try ScenarioLoader.parse(yaml: Self.scenario("arrivals: {process: gamma, rate: 2k/s, cv: 2}"))
        #expect(g.model.arrivals == .gamma(rate: 2000, cv: 2))
        let m = try ScenarioLoader.parse(
            yaml: Self.scenario(
                "arrivals: {process: mmpp2, states: [{rate: 500/s, mean_time: 2m}, {rate: 0/s, mean_time: 20s}]}"))
        #expect(
            m.model.arrivals
                == .mmpp2(
                    MMPP2(
                        rates: (500, 0), meanTimes: (SimDuration.seconds(120).seconds, SimDuration.seconds(20).seconds))
                ))
        let p = try ScenarioLoader.parse(
            yaml: Self.scenario(
                """
                arrivals: {process: poisson, rate: 100/s}
                profile:
                  start_at: sat 08:30
                  piecewise: {interpolation: step, points: [[0s, 1x], [30m, 2]]}
                  diurnal: {peak: 1.5x, peak_at: "14:00"}
                  weekly: [1, 1, 1, 1, 1.2x, 0.5x, 0.4x]
                  spikes: [{at: 40m, for: 5m, factor: 3x}]
                """))
        #expect(
            p.model.profile
                == RateProfile(
                    start: 5 * 86_400 + 8.5 * 3600,
                    piecewise: .init(times: [0, 1800], values: [1, 2], interpolation: .step),
                    diurnal: .init(peak: 1.5, trough: 0.5, peakAt: 14 * 3600, period: 86_400),
                    weekly: [1, 1, 1, 1, 1.2, 0.5, 0.4],
                    spikes: [.init(at: 2400, length: 300, factor: 3)]))
        // Defaults: trough 2 − peak, peak half-way through the period, start Monday 00:00.
        let d = try ScenarioLoader.parse(
            yaml: Self.scenario(
                "arrivals: {process: poisson, rate: 100/s}\nprofile: {diurnal: {peak: 1.8x, period: 2h}}"))
        #expect(d.model.profile == RateProfile(diurnal: .init(peak: 1.8, trough: 2 - 1.8, peakAt: 3600, period: 7200)))
        // Over the first hour, m(t) = 1 + 0.8 cos(π(t − 1h)/1h) rises from its trough to its peak:
        // its mean is 1 (the cosine integrates to 0 over half a cycle), its peak 1.8.
        #expect(abs(d.model.classRates[0] - 100) < 1e-9)
        #expect(abs((d.model.peakClassRates?[0] ?? 0) - 180) < 1e-6)
    }

    @Test("bad profile fields: each reported at its place, with what was expected")
    func badProfile() {
        let yaml = Self.scenario(
            """
            arrivals: {process: poisson, rate: 100/s}
            profile:
              piecewise: {points: [[0s, 1x], [30m, 2y], 5m], interpolation: cubic}
              diurnal: {peak: 0.5x, trough: 0.8x}
              weekly: [1x, 1x, 1x]
              spikes: [{at: 10m, for: 0s, factor: -2x}, {at: 5m, factor: 2x}]
              start_at: someday 08:00
            """)
        #expect(
            problems(yaml) == [
                "s.yaml:6:42: error: workload.profile.piecewise.points.1.1: expected a multiplier such as 1.8x or 1.8, found '2y'",
                "s.yaml:6:47: error: workload.profile.piecewise.points.2: expected a point [time, multiplier] such as [30m, 2x], found '5m'",
                "s.yaml:6:67: error: workload.profile.piecewise.interpolation: expected one of linear, step, found 'cubic'",
                "s.yaml:7:35: error: workload.profile.diurnal.trough: expected a trough ≤ the peak (0.5x), found '0.8x'",
                "s.yaml:8:13: error: workload.profile.weekly: expected seven multipliers, Monday to Sunday, found 3",
                "s.yaml:9:29: error: workload.profile.spikes.0.for: expected a duration > 0, found '0s'",
                "s.yaml:9:41: error: workload.profile.spikes.0.factor: expected a multiplier ≥ 0, found '-2x'",
                "s.yaml:9:47: error: workload.profile.spikes.1: missing required key 'for'",
                "s.yaml:10:15: error: workload.profile.start_at: expected a time of day such as 08:00, a day and time such as 'saturday 08:00', or a duration since Monday 00:00, found 'someday 08:00'",
            ])
        let base = Self.scenario(
            "arrivals: {process: poisson, rate: 100/s}\nprofile: {spikes: [{at: 1m, for: 1m, factor: 2x}]}")
        #expect(
            problems(base, overrides: ["workload.profile={piecewise: {points: [[0s, 1], [30m, 2], [20m, 1]]}}"]) == [
                "--set workload.profile={piecewise: {points: [[0s, 1], [30m, 2], [20m, 1]]}}: error: workload.profile.piecewise.points.2.0: expected times in increasing order, found 20m after 30m"
            ])
        #expect(
            problems(base, overrides: ["workload.profile={}"]) == [
                "--set workload.profile={}: error: workload.profile: expected at least one of piecewise, diurnal, weekly, spikes"
            ])
        #expect(
            problems(base, overrides: ["workload.profile={diurnal: {peak: 2.5x}}"]) == [
                "--set workload.profile={diurnal: {peak: 2.5x}}: error: workload.profile.diurnal: expected 'trough' with a peak above 2x (the default trough, 2 − peak, keeps the base rate as the mean and cannot go below 0), found peak 2.5x"
            ])
        #expect(
            problems(base, overrides: ["workload.profile={diurnal: {peak: 1.5, peak_at: 2h, period: 1h}}"]) == [
                "--set workload.profile={diurnal: {peak: 1.5, peak_at: 2h, period: 1h}}: error: workload.profile.diurnal.peak_at: expected a time within the period (1h), found '2h'"
            ])
        #expect(
            problems(base, overrides: ["workload.profile.diurnal={peak: 1.5, peak_at: '24:00'}"]) == [
                "--set workload.profile.diurnal={peak: 1.5, peak_at: '24:00'}: error: workload.profile.diurnal.peak_at: expected a time of day such as 14:00 (or a duration such as 14h), found '24:00'"
            ])
        #expect(
            problems(base, overrides: ["workload.profile.sprikes=1"]) == [
                "--set workload.profile.sprikes=1: error: workload.profile.sprikes: unknown key 'sprikes'; expected one of start_at, piecewise, diurnal, weekly, spikes (did you mean 'spikes'?)"
            ])
    }

    @Test("a profile multiplies Poisson arrivals only; warmup: auto is refused for varying load")
    func profileScope() {
        let yaml = Self.scenario(
            """
            arrivals: {process: gamma, rate: 100/s, cv: 2}
            profile: {spikes: [{at: 1m, for: 1m, factor: 2x}]}
            classes:
              - {name: a, path: [web]}
              - {name: b, path: [web], arrivals: {process: constant, rate: 5/s}}
            """, extra: "warmup: auto\n")
        #expect(
            problems(yaml) == [
                "s.yaml:3:9: error: warmup: expected a fixed warm-up (e.g. 10m) with time-varying load (workload.profile): MSER-5 looks for the end of a start-up transient, which a varying load does not have, found 'auto'",
                "s.yaml:6:12: error: workload.profile: a rate profile multiplies Poisson arrivals only, found process: gamma in workload.arrivals",
                "s.yaml:6:12: error: workload.profile: a rate profile multiplies Poisson arrivals only, found process: constant in the arrivals of class 'b'",
            ])
    }

    @Test("bad arrival processes: keys of another process, missing keys, two states")
    func badArrivals() {
        let yaml = Self.scenario(
            """
            classes:
              - {name: a, path: [web], arrivals: {process: poisson, rate: 5/s, cv: 2}}
              - {name: b, path: [web], arrivals: {process: gamma, rate: 5/s}}
              - {name: c, path: [web], arrivals: {process: mmpp2, states: [{rate: 1/s, mean_time: 1s}], rate: 2/s}}
              - {name: d, path: [web], arrivals: {process: mmpp2, states: [{rate: 0/s, mean_time: 1s}, {rate: 0/s, mean_time: 1s}]}}
              - {name: e, path: [web], arrivals: {process: gamma, rate: 5/s, cv: 1000}}
              - {name: f, path: [web], arrivals: {process: trace, file: x.csv, bin: 1s}}
              - {name: g, path: [web], arrivals: {process: trace, file: x.csv, format: timestamp}}
            """)
        #expect(
            problems(yaml) == [
                "s.yaml:5:74: error: workload.classes.0.arrivals.cv: 'cv' applies only to process: gamma; this process is poisson",
                "s.yaml:6:40: error: workload.classes.1.arrivals: missing required key 'cv' (process: gamma)",
                "s.yaml:7:65: error: workload.classes.2.arrivals.states: expected exactly two states [{rate, mean_time}, {rate, mean_time}], found 1",
                "s.yaml:7:101: error: workload.classes.2.arrivals.rate: 'rate' applies only to process: poisson, constant or gamma; this process is mmpp2",
                "s.yaml:8:65: error: workload.classes.3.arrivals.states: expected a rate > 0 in at least one state, found 0/s in both",
                "s.yaml:9:72: error: workload.classes.4.arrivals.cv: expected a coefficient of variation from 0.01 to 100, found 1000",
                "s.yaml:10:75: error: workload.classes.5.arrivals.bin: 'bin' applies only to format: counts; this trace's format is timestamps (the default)",
                "s.yaml:11:78: error: workload.classes.6.arrivals.format: expected one of timestamps, counts, found 'timestamp' (did you mean 'timestamps'?)",
            ])
    }

    /// A scenario replaying `t.csv` in a fresh folder holding `content`.
    func traceProblems(_ content: String, format: String = "timestamps") throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try content.write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        return problems(
            Self.scenario("arrivals: {process: trace, file: t.csv, format: \(format)}"), file: "s.yaml",
            baseDirectory: dir.path
        )
        .map { $0.replacingOccurrences(of: dir.path + "/", with: "") }
    }

    @Test("trace files: header, comments, extra columns, quotes, CRLF and units are read")
    func traceFormat() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "# recorded 2026-05-01\r\ntimestamp,path\r\n0.5,/a\r\n\r\n\"0.75\",/b # late\r\n1.5s\r\n1500ms\r\n2\r\n"
            .write(
                to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.parse(
            yaml: Self.scenario("arrivals: {process: trace, file: t.csv}"), file: "s.yaml", baseDirectory: dir.path)
        guard case .trace(let t)? = s.model.arrivals else {
            Issue.record("not a trace")
            return
        }
        #expect(t.values == [500_000_000, 750_000_000, 1_500_000_000, 1_500_000_000, 2_000_000_000])
        #expect(t.format == .timestamps && t.arrivals == 5)
        #expect(abs(s.model.classRates[0] - 5.0 / 3600) < 1e-12)
        #expect(s.model.arrivals?.peakRate(over: 3600) == 2)  // two in [0, 1s) and two in [1s, 2s)
    }

    @Test("malformed, unsorted, empty and missing traces: located errors")
    func badTraces() throws {
        #expect(
            try traceProblems("0.5\n  abc, x\n") == [
                "t.csv:2:3: error: workload.arrivals.file: expected a time in seconds (e.g. 12.5) or a duration with a unit (e.g. 12.5s, 250ms) in the first column, found 'abc'"
            ])
        #expect(
            try traceProblems("1.5s\n1200ms\n") == [
                "t.csv:2:1: error: workload.arrivals.file: expected timestamps in non-decreasing order, found '1200ms' after '1.5s'"
            ])
        #expect(
            try traceProblems("1\n-2\n") == [
                "t.csv:2:1: error: workload.arrivals.file: expected a time ≥ 0, found '-2'"
            ])
        #expect(
            try traceProblems("# nothing\ntimestamp\n") == [
                "t.csv: error: workload.arrivals.file: expected at least one row (a timestamp), found none"
            ])
        #expect(
            try traceProblems("count\n3\n2.5\n", format: "counts") == [
                "t.csv:3:1: error: workload.arrivals.file: expected a whole number of arrivals from 0 to 4294967295 in the first column, found '2.5'"
            ])
        // A missing file is marked as such (the CLI exits 66), at the place that names it.
        do {
            _ = try ScenarioLoader.parse(
                yaml: Self.scenario("arrivals: {process: trace, file: traces/none.csv}"), file: "s.yaml",
                baseDirectory: "/nonexistent")
            Issue.record("a missing trace was accepted")
        } catch {
            guard case .invalid(let e) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(
                e.diagnostics.map(\.description) == [
                    "s.yaml:4:36: error: workload.arrivals.file: cannot read the trace file '/nonexistent/traces/none.csv': no such file"
                ])
            #expect(e.missingInput)
        }
    }
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { e } else { nil } }
}
