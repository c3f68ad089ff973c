import Testing

@testable import ScenarioLanguage

@Suite("Many diagnostics")
struct DiagnosticLimitTests {
    @Test("a file with 150 bad keys shows the first 100 and counts the rest; every one is kept")
    func shownLimit() {
        let yaml =
            """
            version: 1
            horizon: 1m
            workload: {arrivals: {process: poisson, rate: 10/s}}
            components:
              web: {kind: server_pool, service: {exponential: {mean: 1ms}}}

            """ + (0..<150).map { "junk\($0): 1" }.joined(separator: "\n") + "\n"
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            Issue.record("150 unknown keys were accepted")
        } catch {
            guard case .invalid(let e) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(e.diagnostics.count == 150)
            let text = e.description
            #expect(text.components(separatedBy: ": error: ").count - 1 == 100)
            #expect(text.contains("s.yaml:105:1: error: junk99: unknown key"))
            #expect(!text.contains("junk100:"))
            #expect(
                text.hasSuffix("… and 50 more not shown (capsim validate FILE --format json lists every one)"))
        }
    }
}
