/// Where a value came from: a place in a scenario file, or a command-line override.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line and column; nil when the value came from the command line.
    public var line: Int?
    public var column: Int?
    /// The `--set` argument that supplied the value, when it came from the command line.
    public var override: String?

    public init(file: String, line: Int?, column: Int?, override: String? = nil) {
        self.file = file; self.line = line; self.column = column; self.override = override
    }

    public var description: String {
        if let override { return "--set \(override)" }
        if let line, let column { return "\(file):\(line):\(column)" }
        return file
    }
}

/// One problem found in a scenario: where, at which key path, what was expected and found.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    /// Dotted key path from the root of the file, e.g. `components.web.service.lognormal.cv`.
    public var keyPath: String
    public var message: String
    /// The nearest valid name, for a misspelt key or policy.
    public var suggestion: String?

    public init(location: SourceLocation, keyPath: String, message: String, suggestion: String? = nil) {
        self.location = location; self.keyPath = keyPath; self.message = message; self.suggestion = suggestion
    }

    /// `file:line:col: error: key.path: message (did you mean 'x'?)`
    public var description: String {
        var s = "\(location): error: "
        if !keyPath.isEmpty { s += "\(keyPath): " }
        s += message
        if let suggestion { s += " (did you mean '\(suggestion)'?)" }
        return s
    }
}

/// A scenario that could not be loaded: every problem found, in file order.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Nearest valid name to a misspelling (Levenshtein distance at most 2, or a third of its
/// length for long names); nil when nothing is close.
func nearest(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count), current = previous
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
