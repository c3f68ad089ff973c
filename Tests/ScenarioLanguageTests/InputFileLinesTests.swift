import Foundation
import Testing

@testable import ScenarioLanguage

/// `InputFile.forEachLine`, the reader of traces and samples: lines as `Character.isNewline`
/// splits the common breaks, their numbers, the digest of the bytes, and its limits.
@Suite("Input files read a line at a time")
struct InputFileLinesTests {
    func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-lines-\(UUID().uuidString)")
        try Data(bytes).write(to: path)
        return path.path
    }

    func lines(
        _ path: String, stopAfter: Int = .max
    ) -> (lines: [String], result: Result<UInt64, InputFile.LineFailure>) {
        var seen: [String] = []
        let result = InputFile.forEachLine(path, limit: 1 << 30) { n, line in
            seen.append("\(n):\(line)")
            return seen.count < stopAfter
        }
        return (seen, result)
    }

    @Test("LF, CR and CRLF end lines as Swift's line splitting does; a BOM is dropped; the digest covers every byte")
    func breaks() throws {
        let text = "\u{FEFF}a,1\r\nb\rc\n\nd"
        let path = try file(Array(text.utf8))
        let (seen, result) = lines(path)
        let expected = text.dropFirst().split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .enumerated().map { "\($0.offset + 1):\($0.element)" }
        #expect(seen == expected)
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { digest = (digest ^ UInt64(b)) &* 0x100_0000_01b3 }
        #expect(result == .success(digest))
    }

    @Test("reading stops when the reader says so")
    func stops() throws {
        let path = try file(Array("1\n2\n3\n4\n".utf8))
        #expect(lines(path, stopAfter: 2).lines == ["1:1", "2:2"])
    }

    @Test("a line that is not UTF-8, or longer than the line limit, fails naming its number")
    func failures() throws {
        let bad = try file(Array("1\n2\n".utf8) + [0xFF, 0xFE] + Array("\n4\n".utf8))
        #expect(lines(bad).result == .failure(.notUTF8(line: 3)))
        let long = try file(Array("1\n".utf8) + Array(repeating: UInt8(ascii: "7"), count: InputFile.lineLimit + 1))
        #expect(lines(long).result == .failure(.lineTooLong(line: 2)))
        #expect(lines("/nonexistent/t.csv").result == .failure(.file(.missing)))
    }

    @Test("a trace with a line that is not UTF-8 fails at that line")
    func traceNotUTF8() throws {
        let path = try file(Array("0.5\n1\n".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        guard case .failure(.malformed(let line, _, let message)) = TraceFile.read(path: path, format: .timestamps)
        else {
            Issue.record("a trace with bad bytes was read")
            return
        }
        #expect(line == 3 && message == "expected UTF-8 text")
    }
}
