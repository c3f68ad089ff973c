import Foundation
import Testing

@testable import ScenarioLanguage

/// Odd files and odd YAML, each with the message a user sees: every one is a scenario or a
/// located error, never a crash, a hang or a message about the parser's internals.
@Suite("Hostile YAML")
struct HostileYAMLTests {
    func problems(_ yaml: String) -> [String] { YAMLPitfallTests().problems(yaml) }

    func rendered(_ yaml: String) -> String {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return ""
        } catch {
            guard case .invalid(let e) = error else { return "\(error)" }
            return e.description
        }
    }

    @Test("a mapping used as a key is named as such, not dumped as a parser object")
    func mappingKey() {
        let found = problems(DiagnosticTests.valid + "\n? {a: 1}\n: 2\n")
        #expect(found == ["s.yaml:7:3: error: expected a name as a key, found a mapping (a '? ' complex key)"])
    }

    @Test("nesting past libyaml's limit says how deep, without naming a C function")
    func deepNesting() {
        let found = problems(DiagnosticTests.valid + "\nx: " + String(repeating: "[", count: 2000))
        #expect(found == ["s.yaml:7:5: error: invalid YAML: lists and mappings nested more than 1000 levels deep"])
    }

    @Test("a control character is located at its line and column and shown as a visible symbol")
    func controlCharacters() {
        let yaml = "version: 1\nhorizon: 1s\u{1}\u{1B}[31m\n"
        #expect(
            problems(yaml) == ["s.yaml:2:12: error: invalid YAML: control characters are not allowed (found U+0001)"])
        let text = rendered(yaml)
        #expect(!text.contains("\u{1B}") && !text.contains("\u{1}"), "\(text)")
        #expect(text.contains("  2 | horizon: 1s␁␛[31m\n    |            ^"), "\(text)")
    }

    @Test("an empty file, a file of comments, and a lone scalar ask for the scenario's mapping")
    func emptyFiles() {
        for yaml in ["", "# nothing here\n", "42\n"] {
            let found = problems(yaml)
            #expect(found.count == 1, "\(found)")
            #expect(
                found.first?.hasPrefix("s.yaml:1:1: error: expected a mapping with keys version, name") == true,
                "\(found)")
        }
    }

    @Test("a byte-order mark and CRLF line ends read as the same scenario")
    func bomAndCRLF() throws {
        let plain = try ScenarioLoader.parse(yaml: DiagnosticTests.valid, file: "s.yaml")
        let bom = try ScenarioLoader.parse(yaml: "\u{FEFF}" + DiagnosticTests.valid, file: "s.yaml")
        let crlf = try ScenarioLoader.parse(
            yaml: DiagnosticTests.valid.replacingOccurrences(of: "\n", with: "\r\n"), file: "s.yaml")
        #expect(bom.tree == plain.tree && crlf.tree == plain.tree)
        #expect(bom.model.stations == plain.model.stations && crlf.model.stations == plain.model.stations)
        // A mistake in a CRLF file is located as in the LF one.
        let bad = DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: "horizon: 1parsec")
        #expect(problems(bad.replacingOccurrences(of: "\n", with: "\r\n")) == problems(bad))
    }

    @Test("bytes that are not UTF-8 are refused as such")
    func notUTF8() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-yaml-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("latin1.yaml")
        var bytes = Array(DiagnosticTests.valid.utf8)
        bytes.append(contentsOf: [0x0A, 0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xE9, 0x0A])  // "name: é" in Latin-1
        try Data(bytes).write(to: file)
        do {
            _ = try ScenarioLoader.load(path: file.path)
            Issue.record("loaded a Latin-1 file")
        } catch {
            guard case .invalid(let e) = error else { return }
            #expect(e.diagnostics.map(\.message) == ["expected UTF-8 text"])
        }
    }

    @Test("NaN and infinity are not numbers a quantity accepts")
    func nanAndInfinity() {
        for (text, message) in [
            ("rate: .nan/s", "expected a number before '/' (e.g. 2000/s, 120k/min), found '.nan/s'"),
            ("rate: inf/s", "expected a number before '/' (e.g. 2000/s, 120k/min), found 'inf/s'"),
            ("rate: 1e400/s", "expected a number before '/' (e.g. 2000/s, 120k/min), found '1e400/s'"),
        ] {
            let found = problems(DiagnosticTests.valid.replacingOccurrences(of: "rate: 100/s", with: text))
            #expect(found.count == 1 && found.first?.hasSuffix(message) == true, "\(text): \(found)")
        }
    }

    @Test("merge keys merge: explicit keys win, merged values keep their own location; a bad merge is located")
    func mergeKeys() throws {
        let yaml = """
            version: 1
            horizon: 1m
            workload:
              arrivals: {process: poisson, rate: 100/s}
              classes:
                - {name: a, path: [web, api]}
            components:
              web: &pool {kind: server_pool, workers: 2, service: {exponential: {mean: 10ms}}}
              api:
                <<: *pool
                workers: 4
            """
        let s = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(s.model.stations.map(\.workers) == [2, 4])
        #expect(s.model.stations[1].service == s.model.stations[0].service)
        let wrong = yaml.replacingOccurrences(of: "<<: *pool", with: "<<: [*pool, 3]")
        #expect(
            problems(wrong) == [
                "s.yaml:10:17: error: components.api.<<: expected a mapping (or a list of mappings) to merge, found '3'"
            ])
        let badMerged = yaml.replacingOccurrences(of: "workers: 2,", with: "workers: 0,")
        #expect(problems(badMerged).contains { $0.hasPrefix("s.yaml:8:") }, "\(problems(badMerged))")
    }
}
