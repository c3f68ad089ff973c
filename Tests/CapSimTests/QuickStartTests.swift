import CapSimTestSupport
import Foundation
import Testing

/// The README's "Quick start" is the front door: its two commands and the summary it shows must
/// stay what the code does. A change of the summary's numbers or layout fails here until the
/// README shows the new text.
@Suite("README quick start")
struct QuickStartTests {
    /// The README's text.
    static func readme() throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    }

    /// The contents of the first fenced block after `marker` in `text`, without its fences.
    static func block(after marker: String, in text: String) throws -> String {
        let start = try #require(text.range(of: marker), "no \"\(marker)\" in the README")
        let open = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let firstLine = try #require(text.range(of: "\n", range: open.upperBound..<text.endIndex))
        let close = try #require(text.range(of: "\n```", range: firstLine.lowerBound..<text.endIndex))
        return String(text[firstLine.upperBound..<close.lowerBound]) + "\n"
    }

    /// The command lines of a shell block (comments and blank lines dropped).
    static func commands(_ block: String) -> [String] {
        block.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    @Test("the summary the README shows is what its first command prints, byte for byte")
    func summary() throws {
        let text = try Self.readme()
        let setUp = Self.commands(try Self.block(after: "## Quick start", in: text))
        #expect(setUp.count == 2, "\(setUp)")
        let first = try #require(setUp.first)
        let suffix = " && swift run -c release capsim run Scenarios/mm1.yaml"
        #expect(first.hasSuffix(suffix), "\(first)")
        let shown = try Self.block(after: "The first command prints a summary like this", in: text)
        // The command runs from the package root; in-process the scenario is named by its full path.
        let file = scenarioPath("mm1.yaml")
        let r = capsim(["run", file])
        #expect(r.status == 0)
        #expect(r.err == "")
        #expect(r.out.replacingOccurrences(of: file, with: "Scenarios/mm1.yaml") == shown)
    }

    @Test("the README's test command is the one CI runs")
    func testCommand() throws {
        let setUp = Self.commands(try Self.block(after: "## Quick start", in: try Self.readme()))
        let test = try #require(setUp.last)
        #expect(test.hasPrefix("swift test "), "\(test)")
        let ci = try String(contentsOf: packageRoot.appendingPathComponent(".ci/run"), encoding: .utf8)
        let runs = ci.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(runs.contains("CI=true " + test), "`.ci/run` does not run `CI=true \(test)`")
    }
}
