import Foundation
import Testing

@testable import ScenarioLanguage

/// Bad input gets a clear error, never a crash: every shipped scenario, mutated at random many
/// times (lines dropped, duplicated or swapped, characters replaced, values swapped for garbage),
/// either loads or fails with located diagnostics. Bounded: a fixed number of mutations per
/// seed, well under a second in a release build.
@Suite("Mutated scenarios never crash the decoder")
struct MutationFuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let scenarios: [(String, String)] = {
        let dir = root.appendingPathComponent("Scenarios")
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted())
            ?? []
        return files.map { ($0, (try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) ?? "") }
    }()

    static let garbage = [
        "", "-1", "0", "1e400", "NaN", "~", "[]", "{}", "no", "1:30", "5", "abc", "2000/s", "10ms",
        "unlimited", "[1, 2", "{a: b", "\"x\"", "'", "&a", "*a", "99999999999999999999", "0.0000001ns",
        "{exponential: {mean: -1ms}}", "{gamma: {mean: 1ms}}", "[a, b]", "%", "🙂",
    ]

    @Test("random mutations load or fail with located diagnostics", arguments: 0..<8)
    func mutations(seed: UInt64) {
        var g = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: Int) -> Int {
            g ^= g << 13
            g ^= g >> 7
            g ^= g << 17
            return Int(g % UInt64(max(n, 1)))
        }
        #expect(Self.scenarios.count >= 10)
        for (name, text) in Self.scenarios {
            for _ in 0..<25 {
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                for _ in 0..<(1 + next(3)) {
                    let i = next(lines.count)
                    switch next(6) {
                    case 0: lines.remove(at: i)
                    case 1: lines.insert(lines[i], at: i)
                    case 2: lines.swapAt(i, next(lines.count))
                    case 3:
                        // Replace the value after a colon with garbage.
                        if let colon = lines[i].firstIndex(of: ":") {
                            lines[i] = String(lines[i][...colon]) + " " + Self.garbage[next(Self.garbage.count)]
                        }
                    case 4:
                        var chars = Array(lines[i])
                        if !chars.isEmpty { chars[next(chars.count)] = Array("{}[]:,- #x0'\"")[next(13)] }
                        lines[i] = String(chars)
                    default:
                        lines[i] = String(repeating: " ", count: next(4)) + lines[i]
                    }
                    if lines.isEmpty { lines = [""] }
                }
                let mutated = lines.joined(separator: "\n")
                do {
                    _ = try ScenarioLoader.parse(
                        yaml: mutated, file: name, baseDirectory: Self.root.appendingPathComponent("Scenarios").path)
                } catch {
                    guard case .invalid(let e) = error else {
                        Issue.record("\(name): unexpected error \(error)")
                        continue
                    }
                    #expect(!e.diagnostics.isEmpty, "\(name): an invalid scenario without diagnostics")
                    for d in e.diagnostics {
                        #expect(!d.message.isEmpty)
                        #expect(
                            d.location.line != nil || d.location.override != nil || !d.keyPath.isEmpty,
                            "\(name): a diagnostic with no place: \(d)\n--- input ---\n\(mutated)")
                    }
                }
            }
        }
    }
}
