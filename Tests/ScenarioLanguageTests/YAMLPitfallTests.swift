import Testing

@testable import ScenarioLanguage

/// YAML's surprises do not leak into scenarios: duplicate keys are errors (all of them, where
/// the second one is), quantities are read from their text, out-of-range numbers are errors,
/// aliases cannot blow up memory.
@Suite("YAML pitfalls")
struct YAMLPitfallTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return []
        } catch let ScenarioLoadError.invalid(e) {
            return e.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("every duplicate key is reported at its second occurrence, with the other problems")
    func duplicates() {
        let yaml = """
            version: 1
            horizon: 1m
            horizon: 2m
            workload:
              arrivals: {process: poisson, rate: 100/s, rate: 5/s}
            components:
              web: {kind: server_pool, service: {exponential: {mean: 10ms}}, workers: 0}
              web: {kind: server_pool}
            horizon: 3m
            "version": 1
            """
        #expect(
            problems(yaml) == [
                "s.yaml:3:1: error: horizon: duplicate key 'horizon' (first at line 2, column 1)",
                "s.yaml:5:45: error: workload.arrivals.rate: duplicate key 'rate' (first at line 5, column 32)",
                "s.yaml:7:75: error: components.web.workers: expected a whole number ≥ 1, found 0",
                "s.yaml:8:3: error: components.web: duplicate key 'web' (first at line 7, column 3)",
                "s.yaml:9:1: error: horizon: duplicate key 'horizon' (first at line 2, column 1)",
                "s.yaml:10:1: error: version: duplicate key 'version' (first at line 1, column 1)",
            ])
    }

    @Test("3,000 copies of one key stop after 16 reported duplicates; 100,000 distinct keys are read in linear time")
    func manyKeys() {
        let copies = (0..<3000).map { _ in "seed: 1\n" }.joined()
        let found = problems("version: 1\n" + copies)
        #expect(found.count == 17)
        #expect(found.first == "s.yaml:2:1: error: duplicate key 'seed': written again later in the same mapping")
        #expect(
            found.last
                == "s.yaml:18:1: error: duplicate key 'seed' in a mapping; more than 16 duplicate keys in this file, so capsim stops reading it here (remove these and run again)"
        )
        // Each key is looked up once in its mapping (a linear search took 48 s here).
        let keys = (0..<100_000).map { "  k\($0): \($0)\n" }.joined()
        let clock = ContinuousClock()
        var wide: [String] = []
        let elapsed = clock.measure { wide = problems(DiagnosticTests.valid + "\nx-extra:\n" + keys + "  k7: 0\n") }
        #expect(elapsed < .seconds(20), "\(elapsed)")
        #expect(wide.contains { $0.contains("x-extra.k7: duplicate key 'k7' (first at line") }, "\(wide.prefix(3))")
    }

    @Test("keys YAML 1.1 reads as booleans are names like any other, and are compared as text")
    func booleanKeys() {
        let yaml =
            DiagnosticTests.valid.replacingOccurrences(of: "  web:", with: "  on:")
            + "\n  \"on\": {kind: server_pool}\n"
        #expect(problems(yaml) == ["s.yaml:7:3: error: components.on: duplicate key 'on' (first at line 6, column 3)"])
    }

    @Test("no, on, yes, off, y and n stay strings where a string is expected")
    func booleans() throws {
        for word in ["no", "on", "yes", "off", "y", "n", "true", "false"] {
            let s = try ScenarioLoader.parse(yaml: DiagnosticTests.valid + "\nname: \(word)\ndescription: \(word)\n")
            #expect(s.name == word)
        }
        #expect(
            problems(DiagnosticTests.valid.replacingOccurrences(of: "workers: 4", with: "workers: yes")) == [
                "s.yaml:6:37: error: components.web.workers: expected a whole number or 'unlimited', found 'yes'"
            ])
    }

    @Test(
        "quantities and counts are read from their text, not by YAML",
        arguments: [
            (
                "horizon: 1:30",
                "s.yaml:2:10: error: horizon: expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'"
            ),
            (
                "horizon: 90",
                "s.yaml:2:10: error: horizon: expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found '90'"
            ),
            (
                "horizon: .inf",
                "s.yaml:2:10: error: horizon: expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found '.inf'"
            ),
            ("replications: 0x10", "s.yaml:7:15: error: replications: expected a whole number, found '0x10'"),
            ("replications: 1:30", "s.yaml:7:15: error: replications: expected a whole number, found '1:30'"),
            ("replications: 1e3", "s.yaml:7:15: error: replications: expected a whole number, found '1e3'"),
            (
                "seed: 0o17",
                "s.yaml:7:7: error: seed: expected a whole number from 0 to 18446744073709551615, found '0o17'"
            ),
        ])
    func quantities(line: String, message: String) {
        let yaml =
            line.hasPrefix("horizon")
            ? DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: line)
            : DiagnosticTests.valid + "\n" + line + "\n"
        #expect(problems(yaml) == [message])
    }

    @Test("digit grouping with _ is a count, as in YAML 1.1 and Swift")
    func grouping() throws {
        let s = try ScenarioLoader.parse(yaml: DiagnosticTests.valid + "\nreplications: 1_000\nseed: 12_345\n")
        #expect(s.replications == 1000 && s.seed == 12345)
    }

    @Test(
        "numbers out of range are errors",
        arguments: [
            ("horizon: 0s", "s.yaml:2:10: error: horizon: expected a duration > 0, found '0s'"),
            ("horizon: -1m", "s.yaml:2:10: error: horizon: expected a duration ≥ 0, found '-1m'"),
            ("horizon: 200000d", "s.yaml:2:10: error: horizon: duration too long for nanosecond time, found '200000d'"),
            ("horizon: 0.4ns", "s.yaml:2:10: error: horizon: duration shorter than a nanosecond, found '0.4ns'"),
            (
                "arrivals: {process: poisson, rate: -5/s}",
                "s.yaml:4:38: error: workload.arrivals.rate: expected a rate ≥ 0, found '-5/s'"
            ),
            (
                "arrivals: {process: poisson, rate: 0/s}",
                "s.yaml:4:38: error: workload.arrivals.rate: expected a rate > 0, found '0/s'"
            ),
            ("workers: 0", "s.yaml:6:37: error: components.web.workers: expected a whole number ≥ 1, found 0"),
            (
                "workers: 99999999999999999999",
                "s.yaml:6:37: error: components.web.workers: expected a whole number or 'unlimited', found '99999999999999999999'"
            ),
            ("mean: 0ms", "s.yaml:6:63: error: components.web.service.exponential: mean must be > 0 (found 0)"),
        ])
    func ranges(field: String, message: String) {
        let yaml: String
        switch field.prefix(while: { $0 != ":" }) {
        case "horizon": yaml = DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: field)
        case "arrivals":
            yaml = DiagnosticTests.valid.replacingOccurrences(
                of: "arrivals: {process: poisson, rate: 100/s}", with: field)
        case "workers": yaml = DiagnosticTests.valid.replacingOccurrences(of: "workers: 4", with: field)
        default: yaml = DiagnosticTests.valid.replacingOccurrences(of: "mean: 10ms", with: field)
        }
        #expect(problems(yaml) == [message])
    }

    @Test("aliases are expanded; a 'billion laughs' document is an error, not a hang")
    func aliases() throws {
        let ok = """
            version: 1
            horizon: 1m
            workload:
              arrivals: {process: poisson, rate: 100/s}
              mode: pipeline
            components:
              db: {kind: server_pool, service: &fast {exponential: {mean: 1ms}}}
              cache: {kind: server_pool, service: *fast}
            """
        let s = try ScenarioLoader.parse(yaml: ok)
        #expect(s.model.stations.map(\.service) == [.exponential(mean: 0.001), .exponential(mean: 0.001)])
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let found = problems(bomb)
        #expect(
            found.contains {
                $0.hasSuffix("the document expands to more than 1000000 values (aliases nested too deeply?)")
            }, "\(found.prefix(3))")
    }
}
