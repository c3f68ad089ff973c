/// A file's text split into lines the way libyaml splits them, so that a line and column from a
/// YAML mark find the same place again: line breaks are LF, CR, CR LF, NEL, LS and PS; columns
/// count Unicode scalars from 1; a leading byte-order mark is not part of line 1.
struct SourceText: Sendable {
    let scalars: [Unicode.Scalar]
    /// Index in `scalars` of the first scalar of each line.
    let lineStarts: [Int]

    init(_ text: String) {
        var s = Array(text.unicodeScalars)
        if s.first == "\u{FEFF}" { s.removeFirst() }
        scalars = s
        var starts = [0]
        var i = 0
        while i < s.count {
            switch s[i] {
            case "\r":
                if i + 1 < s.count, s[i + 1] == "\n" { i += 1 }
                starts.append(i + 1)
            case "\n", "\u{85}", "\u{2028}", "\u{2029}":
                starts.append(i + 1)
            default: break
            }
            i += 1
        }
        lineStarts = starts
    }

    /// The index of the scalar at a 1-based line and column, nil when outside the text.
    func index(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
        let i = lineStarts[line - 1] + column - 1
        return i < lineEnd(line) ? i : nil
    }

    /// The text of a 1-based line without its line break; nil past the last line.
    func line(_ n: Int) -> String? {
        guard n >= 1, n <= lineStarts.count else { return nil }
        var v = String.UnicodeScalarView()
        v.append(contentsOf: scalars[lineStarts[n - 1]..<lineEnd(n)])
        return String(v)
    }

    private func lineEnd(_ n: Int) -> Int {
        var end = n < lineStarts.count ? lineStarts[n] : scalars.count
        // Drop the break itself (one scalar, or two for CR LF).
        if n < lineStarts.count {
            end -= 1
            if end > lineStarts[n - 1], scalars[end] == "\n", scalars[end - 1] == "\r" { end -= 1 }
        }
        return end
    }
}
