extension InputFile {
    /// Why a file could not be read as lines of text.
    public enum LineFailure: Error, Equatable {
        case file(Failure)
        /// The line (1-based) is not UTF-8.
        case notUTF8(line: Int)
        /// The line (1-based) is longer than `InputFile.lineLimit` bytes.
        case lineTooLong(line: Int)
    }

    /// The longest line `forEachLine` reads: a trace or samples row is a few dozen bytes, and a
    /// file that is one endless line must not be held whole.
    public static let lineLimit = 1 << 20

    /// Reads the file a line at a time, handing each to `body` with its number (1-based) until
    /// `body` returns false. A line ends at LF, CR or CRLF (as `Character.isNewline` splits the
    /// common ones); the line break is not part of it, and a UTF-8 byte-order mark before the
    /// first line is dropped. Returns the FNV-1a digest of every byte of the file (when read to
    /// its end), so a trace's identity costs no second pass.
    ///
    /// Memory: one chunk and one line, whatever the file's size (up to `limit` bytes).
    public static func forEachLine(
        _ path: String, limit: Int, _ body: (_ number: Int, _ line: Substring) -> Bool
    ) -> Result<UInt64, LineFailure> {
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        var line: [UInt8] = []
        var number = 1
        var afterCR = false
        var stopped = false
        var failure: LineFailure?
        var atStart = true

        /// Hands over the line gathered so far; false when reading should stop.
        func emit() -> Bool {
            if atStart, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
            atStart = false
            guard let text = String(validating: line, as: UTF8.self) else {
                failure = .notUTF8(line: number)
                return false
            }
            line.removeAll(keepingCapacity: true)
            let more = body(number, text[...])
            number += 1
            return more
        }

        let read = forEachChunk(path, limit: limit) { bytes in
            for b in bytes {
                digest = (digest ^ UInt64(b)) &* 0x100_0000_01b3
                switch b {
                case 0x0A where afterCR:
                    afterCR = false  // the LF of a CRLF: that line was handed over at its CR
                case 0x0A, 0x0D:
                    afterCR = b == 0x0D
                    if !emit() {
                        stopped = true
                        return false
                    }
                default:
                    afterCR = false
                    line.append(b)
                    if line.count > lineLimit {
                        failure = .lineTooLong(line: number)
                        stopped = true
                        return false
                    }
                }
            }
            return true
        }
        if case .failure(let f) = read { return .failure(.file(f)) }
        if !stopped, !line.isEmpty { _ = emit() }
        if let failure { return .failure(failure) }
        return .success(digest)
    }
}
