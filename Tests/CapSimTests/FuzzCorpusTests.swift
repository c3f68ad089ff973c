import CapSimTestSupport
import Foundation
import Testing

/// Every input the fuzzer (`capsim-fuzz`) or a person once broke capsim with, kept in
/// `FuzzCorpus/`: each must now end in a result or a located error — exit 0, 65 or 66 —
/// from `validate` and, when it validates, from a short `run`, as the fuzzer requires.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")
    }

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    @Test("the corpus holds the inputs that once failed")
    func corpusPresent() {
        #expect(Self.inputs.count >= 10, "\(Self.inputs)")
    }

    @Test("each kept input ends in a result or a located error", arguments: inputs)
    func input(_ name: String) {
        let path = Self.folder.appendingPathComponent(name).path
        let validate = capsim(["validate", path])
        #expect([0, 65, 66].contains(validate.status), "validate \(name): \(validate.status)\n\(validate.err)")
        if validate.status != 0 {
            #expect(validate.err.contains("\(name):"), "\(name): the error names the file: \(validate.err)")
            return
        }
        let run = capsim(["run", path, "-q", "--replications", "1", "--max-events", "200000"])
        #expect([0, 65, 66].contains(run.status), "run \(name): \(run.status)\n\(run.err)")
    }
}
