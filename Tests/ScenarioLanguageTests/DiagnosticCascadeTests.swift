import Foundation
import Testing

@testable import ScenarioLanguage

/// One mistake gives one error: a component that fails to decode is reported where it is
/// written, and the paths, targets, zones and events that name it stay quiet instead of each
/// adding a false "expected the name of a component".
@Suite("One mistake, one error")
struct DiagnosticCascadeTests {
    static let mistakes = ["bogus_key=1", "workers=-1", "service.bogus=1"]

    func problems(_ path: String, _ override: Override) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(path: path, overrides: [override])
            return []
        } catch {
            guard case .invalid(let e) = error else { return [] }
            return e.diagnostics
        }
    }

    @Test("every component of every shipped scenario, broken three ways: exactly one error, at that component")
    func oneErrorPerMistake() throws {
        let folder = scenariosFolder()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
            .sorted()
        var checked = 0
        for f in files {
            let path = folder + "/" + f
            let scenario = try ScenarioLoader.load(path: path)
            guard case .mapping(let top, _) = scenario.tree,
                case .mapping(let components, _)? = top.first(where: { $0.key == "components" })?.value
            else { continue }
            for c in components.map(\.key) {
                for mistake in Self.mistakes {
                    let override = try Override(parsing: "components.\(c).\(mistake)")
                    let found = problems(path, override)
                    #expect(found.count == 1, "\(f) \(c).\(mistake): \(found.map(\.description))")
                    #expect(
                        found.allSatisfy { $0.keyPath.hasPrefix("components.\(c)") },
                        "\(f) \(c).\(mistake): \(found.map(\.description))")
                    checked += 1
                }
            }
        }
        #expect(checked >= 150)  // 59 components × 3 at the time of writing
    }
}
