/// Where a value came from: a place in a scenario file, or a command-line override.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (a base file of `extends:` is named relative to the
    /// extending file's folder, so the path is one the user can open).
    public var file: String
    /// 1-based line and column; nil when the value came from the command line.
    public var line: Int?
    public var column: Int?
    /// The `--set` argument that supplied the value, when it came from the command line.
    public var override: String?

    public init(file: String, line: Int?, column: Int?, override: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.override = override
    }

    public var description: String {
        if let override { return "--set \(override)" }
        if let line, let column { return "\(file):\(line):\(column)" }
        return file
    }
}

/// One problem found in a scenario: where, at which key path, what was expected and found.
///
/// It has two forms: `description` (also `summary`) is the one-line
/// `file:line:col: error: key.path: message` that logs, JSON and tests compare; `rendered`
/// adds the offending source line with a caret under the column, as compilers do, which is
/// what a person at a terminal reads.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    /// Dotted key path from the root of the file, e.g. `components.web.service.lognormal.cv`.
    public var keyPath: String
    public var message: String
    /// The nearest valid name, for a misspelt key or policy.
    public var suggestion: String?
    /// The text of the line `location` points into (without its line break), filled in by the
    /// loader, which holds the files' text; nil for command-line overrides.
    public var sourceLine: String?
    /// True when the problem is an input file the scenario names (a trace) that is missing or
    /// unreadable: the CLI exits 66 for it rather than 65.
    public var missingInput = false

    public init(
        location: SourceLocation, keyPath: String, message: String, suggestion: String? = nil,
        sourceLine: String? = nil
    ) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.suggestion = suggestion
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: key.path: message (did you mean 'x'?)`
    public var summary: String {
        var s = "\(location): error: "
        if !keyPath.isEmpty { s += "\(keyPath): " }
        s += message
        if let suggestion { s += " (did you mean '\(suggestion)'?)" }
        return Self.visible(s)
    }

    /// The text with each control character but the tab shown as one visible symbol (U+2400 +
    /// its code for C0, ␡ for DEL, U+FFFD for C1), so a stray byte in a scenario can neither
    /// drive the terminal nor shift the caret: every scalar stays one column.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var view = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            guard isControl(u) else {
                view.append(u)
                continue
            }
            let shown: UInt32 = u.value < 0x20 ? 0x2400 + u.value : u.value == 0x7F ? 0x2421 : 0xFFFD
            view.append(Unicode.Scalar(shown) ?? "?")
        }
        return String(view)
    }

    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\t") || (0x7F...0x9F).contains(u.value)
    }

    public var description: String { summary }

    /// The summary, then the source line and a caret under the column:
    ///
    ///     s.yaml:2:10: error: horizon: expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'
    ///       2 | horizon: 1:30
    ///         |          ^
    public var rendered: String {
        guard let line = location.line, let column = location.column, let text = sourceLine else { return summary }
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        // Columns count Unicode scalars (as libyaml does); a tab before the caret stays a tab so
        // the caret lines up however the terminal expands tabs.
        var pad = ""
        for (i, u) in text.unicodeScalars.enumerated() where i < column - 1 { pad += u == "\t" ? "\t" : " " }
        if text.unicodeScalars.count < column - 1 {
            pad += String(repeating: " ", count: column - 1 - text.unicodeScalars.count)
        }
        return summary + "\n  \(number) | \(Self.visible(text))\n  \(gutter) | \(pad)^"
    }
}

/// A scenario that could not be loaded: every problem found, in file order.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    /// True when some problem is a missing or unreadable input file (exit 66 rather than 65).
    public var missingInput: Bool { diagnostics.contains { $0.missingInput } }
    /// The diagnostics in their rendered (multi-line, with source snippet) form: the first
    /// `shownLimit`, then a line counting the rest — a generated file with a hundred thousand
    /// bad keys would otherwise print 300,000 lines that say the same thing.
    public var description: String {
        var lines = diagnostics.prefix(Self.shownLimit).map(\.rendered)
        if diagnostics.count > Self.shownLimit {
            lines.append(
                "… and \(diagnostics.count - Self.shownLimit) more not shown (capsim validate FILE --format json lists every one)"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// How many diagnostics `description` shows.
    public static let shownLimit = 100
}

/// Nearest valid name to a misspelling (Levenshtein distance at most 2, or a third of its
/// length for long names); nil when nothing is close.
func nearest(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
    let w = Array(word.lowercased())
    var best: (String, Int)?
    for c in candidates {
        let d = distance(w, Array(c.lowercased()))
        if d <= max(2, w.count / 3), d < (best?.1 ?? .max) { best = (c, d) }
    }
    return best?.0
}
