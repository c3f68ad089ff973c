import Foundation
import Testing

@testable import ScenarioLanguage

/// Range checks that come with the decoder patches: rates beyond nanosecond time, a run end
/// beyond nanosecond time, and samples files named in a base read through `extends:`.
@Suite("Ranges in nanosecond time")
struct RangeTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return []
        } catch let ScenarioLoadError.invalid(e) { return e.diagnostics.map(\.description) } catch {
            return ["\(error)"]
        }
    }

    @Test("a rate faster than one per nanosecond, or infinite, is an error", arguments: ["1e300/ns", "2e9/s"])
    func rates(rate: String) {
        #expect(
            problems(DiagnosticTests.valid.replacingOccurrences(of: "rate: 100/s", with: "rate: \(rate)")) == [
                "s.yaml:4:38: error: workload.arrivals.rate: expected a rate of at most 1e9/s (one per nanosecond), found '\(rate)'"
            ])
    }

    @Test("horizon + drain must fit in nanosecond time")
    func runEnd() {
        #expect(
            problems(
                DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: "horizon: 106000d\ndrain: 1000d"))
                == [
                    "s.yaml:3:8: error: drain: expected horizon + drain within nanosecond time (about 292 years), found 106000d + 1000d"
                ])
    }

    @Test("a samples file named in a base is read relative to the base")
    func empiricalInBase() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-emp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("base"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("variants"), withIntermediateDirectories: true)
        try "1ms\n2ms\n".write(to: root.appendingPathComponent("base/samples.csv"), atomically: true, encoding: .utf8)
        try DiagnosticTests.valid.replacingOccurrences(
            of: "{exponential: {mean: 10ms}}", with: "{empirical: {file: samples.csv}}"
        )
        .write(to: root.appendingPathComponent("base/a.yaml"), atomically: true, encoding: .utf8)
        try "extends: ../base/a.yaml\nseed: 3\n".write(
            to: root.appendingPathComponent("variants/b.yaml"), atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.load(path: root.appendingPathComponent("variants/b.yaml").path)
        #expect(s.model.stations[0].service == .empirical(samples: [0.001, 0.002]))
    }
}
