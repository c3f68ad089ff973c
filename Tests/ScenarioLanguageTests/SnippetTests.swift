import Testing

@testable import ScenarioLanguage

/// Exact text of the rendered diagnostics: the summary line, then the source line and a caret.
@Suite("Diagnostic snippets")
struct SnippetTests {
    func rendered(_ yaml: String, overrides: [String] = []) -> String {
        do {
            _ = try ScenarioLoader.parse(
                yaml: yaml, file: "s.yaml", overrides: overrides.map { try Override(parsing: $0) })
            return ""
        } catch let ScenarioLoadError.invalid(e) {
            return e.description
        } catch {
            return "\(error)"
        }
    }

    @Test("a caret under the column of the offending value")
    func caret() {
        let yaml = DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: "horizon: 1:30")
        #expect(
            rendered(yaml) == """
                s.yaml:2:10: error: horizon: expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'
                  2 | horizon: 1:30
                    |          ^
                """)
    }

    @Test("the gutter widens with the line number; every problem gets its own snippet")
    func gutter() {
        let yaml = DiagnosticTests.valid.replacingOccurrences(
            of: "version: 1", with: "version: 1\n\n\n\n\n\n\n\nseed: x"
        )
        .replacingOccurrences(of: "workers: 4", with: "workers: four")
        #expect(
            rendered(yaml) == """
                s.yaml:9:7: error: seed: expected a whole number from 0 to 18446744073709551615, found 'x'
                  9 | seed: x
                    |       ^
                s.yaml:14:37: error: components.web.workers: expected a whole number or 'unlimited', found 'four'
                  14 |   web: {kind: server_pool, workers: four, service: {exponential: {mean: 10ms}}}
                     |                                     ^
                """)
    }

    @Test("columns count Unicode scalars, as libyaml does; a tab before the caret stays a tab")
    func unicodeAndTabs() {
        let unicode = DiagnosticTests.valid.replacingOccurrences(
            of: "{process: poisson, rate: 100/s}", with: "{process: pöisson, rate: 100}")
        #expect(
            rendered(unicode) == """
                s.yaml:4:23: error: workload.arrivals.process: expected one of poisson, constant, gamma, mmpp2, trace, closed, found 'pöisson' (did you mean 'poisson'?)
                  4 |   arrivals: {process: pöisson, rate: 100}
                    |                       ^
                s.yaml:4:38: error: workload.arrivals.rate: expected a rate with a time unit (e.g. 2000/s, 120k/min), found '100'
                  4 |   arrivals: {process: pöisson, rate: 100}
                    |                                      ^
                """)
        let tab = DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: "horizon:\t1:30")
        #expect(
            rendered(tab)
                == "s.yaml:2:10: error: horizon: expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'\n  2 | horizon:\t1:30\n    |         \t^"
        )
    }

    @Test("CR LF line ends: the right line, without its CR")
    func crlf() {
        let yaml = DiagnosticTests.valid.replacingOccurrences(of: "horizon: 1m", with: "horizon: soon")
            .replacingOccurrences(of: "\n", with: "\r\n")
        #expect(
            rendered(yaml) == """
                s.yaml:2:10: error: horizon: expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found 'soon'
                  2 | horizon: soon
                    |          ^
                """)
    }

    @Test("a value from --set has no snippet; a syntax error has one")
    func overridesAndSyntax() {
        #expect(
            rendered(DiagnosticTests.valid, overrides: ["horizon=soon"])
                == "--set horizon=soon: error: horizon: expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found 'soon'"
        )
        #expect(
            rendered("version: 1\nhorizon: [1m\n") == """
                s.yaml:3:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 2:10)
                  3 | 
                    | ^
                """)
    }

    @Test("summary and description stay one line")
    func oneLine() {
        let d = Diagnostic(
            location: SourceLocation(file: "s.yaml", line: 2, column: 10), keyPath: "horizon",
            message: "expected a duration", suggestion: nil, sourceLine: "horizon: 1:30")
        #expect(d.description == "s.yaml:2:10: error: horizon: expected a duration")
        #expect(d.summary == d.description)
        #expect(d.rendered == d.summary + "\n  2 | horizon: 1:30\n    |          ^")
    }

    @Test(
        "source lines split as libyaml splits them",
        arguments: [
            ("a\nb\r\nc\rd\u{2028}e", ["a", "b", "c", "d", "e"]),
            ("\u{FEFF}a\n", ["a", ""]),
            ("", [""]),
        ])
    func lines(text: String, expected: [String]) {
        let s = SourceText(text)
        #expect((1...s.lineStarts.count).map { s.line($0) ?? "?" } == expected)
        #expect(s.line(0) == nil && s.line(expected.count + 1) == nil)
    }
}
