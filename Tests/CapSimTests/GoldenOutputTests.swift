import CapSimTestSupport
import Foundation
import Testing

/// Every shipped scenario, shortened as the smoke test shortens it, must give exactly the JSON and
/// CSV reports recorded in `Golden/shipped-scenarios.txt` (an FNV-1a 64 hash of each, the
/// scenario's path written relative to the package root). The JSON carries every replication's
/// trajectory fingerprint, so any change in behaviour — one event moved by a nanosecond, one draw
/// taken from another seat — changes a hash. A refactor must leave the file as it is; a
/// deliberate change of behaviour re-records it (`CAPSIM_RECORD_GOLDEN=1 swift test … --filter
/// GoldenOutput`) in the same commit, so the diff shows which scenarios it moved.
/// `CAPSIM_GOLDEN_DUMP=DIR` also writes each report to DIR, to diff two commits' outputs.
@Suite("Golden outputs of the shipped scenarios")
struct GoldenOutputTests {
    static let goldenFile = packageRoot.appendingPathComponent("Tests/CapSimTests/Golden/shipped-scenarios.txt")

    @Test("every shipped scenario gives its recorded JSON and CSV, byte for byte")
    func shippedScenariosMatchRecordedOutputs() throws {
        let environment = ProcessInfo.processInfo.environment
        let record = environment["CAPSIM_RECORD_GOLDEN"] == "1"
        let dump = environment["CAPSIM_GOLDEN_DUMP"].map { URL(fileURLWithPath: $0) }
        if let dump { try FileManager.default.createDirectory(at: dump, withIntermediateDirectories: true) }
        let files = try shippedScenarioFiles()
        let dir = temporaryDirectory()
        var lines: [String] = []
        for f in files {
            let csvPath = dir.appendingPathComponent(f + ".csv").path
            let r = capsim(
                ["run", scenarioPath(f), "-q", "--replications", "2", "--json", "-", "--csv", csvPath]
                    + (try smokeShortening(f)))
            #expect(r.status == 0, "\(f): \(r.err)")
            let relative = "Scenarios/" + f
            let json = r.out.replacingOccurrences(of: scenarioPath(f), with: relative)
            let csv = try String(contentsOfFile: csvPath, encoding: .utf8).replacingOccurrences(
                of: scenarioPath(f), with: relative)
            if let dump {
                try json.write(to: dump.appendingPathComponent(f + ".json"), atomically: true, encoding: .utf8)
                try csv.write(to: dump.appendingPathComponent(f + ".csv"), atomically: true, encoding: .utf8)
            }
            lines.append("\(relative) json \(hex(fnv1a(json))) csv \(hex(fnv1a(csv)))")
        }
        let got = lines.joined(separator: "\n") + "\n"
        if record {
            try got.write(to: Self.goldenFile, atomically: true, encoding: .utf8)
            return
        }
        let want = try String(contentsOf: Self.goldenFile, encoding: .utf8)
        let wanted = Set(want.split(separator: "\n").map(String.init))
        for line in lines where !wanted.contains(line) {
            Issue.record(
                "output changed: \(line) (recorded: \(want.split(separator: "\n").first { $0.hasPrefix(line.prefix { $0 != " " } + " ") } ?? "none"))"
            )
        }
        let recordedNames = Set(want.split(separator: "\n").map { String($0.prefix { $0 != " " }) })
        let names = Set(lines.map { String($0.prefix { $0 != " " }) })
        #expect(
            names == recordedNames,
            "scenarios added or removed since Golden/shipped-scenarios.txt was recorded: \(names.symmetricDifference(recordedNames).sorted())"
        )
    }

    func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
