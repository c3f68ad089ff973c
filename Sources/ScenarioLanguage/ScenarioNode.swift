import Yams

/// The scenario's YAML as a plain tree that keeps the file's order and every value's source
/// location. Scalars stay text: capsim parses quantities itself, so YAML 1.1 surprises
/// (`no` → false, `1:30` → 90) cannot leak in.
public indirect enum ScenarioNode: Sendable, Equatable {
    case scalar(String, SourceLocation)
    /// Keys in file order. Each key keeps its own location (for "unknown key" errors).
    case mapping([(key: String, keyLocation: SourceLocation, value: ScenarioNode)], SourceLocation)
    case sequence([ScenarioNode], SourceLocation)
    /// An empty value (`key:` with nothing after it, or `~`/`null`).
    case null(SourceLocation)

    public static func == (a: ScenarioNode, b: ScenarioNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x, _), .scalar(let y, _)): x == y
        case (.sequence(let x, _), .sequence(let y, _)): x == y
        case (.null, .null): true
        case (.mapping(let x, _), .mapping(let y, _)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public var location: SourceLocation {
        switch self {
        case .scalar(_, let l), .mapping(_, let l), .sequence(_, let l), .null(let l): l
        }
    }

    /// What kind of value this is, for "expected … found …" messages.
    var kindDescription: String {
        switch self {
        case .scalar(let s, _): "'\(s)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .null: "nothing"
        }
    }

    /// Most values a document may expand to. Aliases are shared in Yams' tree but copied into
    /// this one, so a few lines of nested aliases ("billion laughs") could otherwise take all
    /// memory; no real scenario comes near this.
    static let maximumValues = 1_000_000

    /// Parses YAML text; any problem (syntax, duplicate keys) is an error with line and column.
    public static func parse(yaml: String, file: String) throws(ScenarioError) -> ScenarioNode {
        let (tree, problems) = try parseCollecting(yaml: yaml, file: file)
        guard problems.isEmpty else { throw ScenarioError(problems) }
        return tree
    }

    /// Parses YAML text into a tree and the problems that need not stop reading it — duplicate
    /// keys — so they are reported together with everything decoding finds.
    ///
    /// Yams rejects a mapping with a duplicate key at the first one it meets, pointing at the
    /// first occurrence. To report every duplicate, at its second occurrence, the first
    /// occurrence's key is renamed in the text (one character swapped for a private-use one,
    /// which keeps every line and column) and the text parsed again; the tree then gets the
    /// original names back and each mapping's later duplicates are reported and dropped.
    static func parseCollecting(yaml: String, file: String) throws(ScenarioError) -> (ScenarioNode, [Diagnostic]) {
        let source = SourceText(yaml)
        var scalars = source.scalars
        var restore: [Unicode.Scalar: Unicode.Scalar] = [:]
        var renamed: [(key: String, location: Mark)] = []
        var root: Node?
        while true {
            do {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                root = try Yams.compose(yaml: String(view))
                break
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(_, let context) = error,
                    let i = renameableKey(
                        in: scalars, source: source, line: context.mark.line, column: context.mark.column)
                {
                    guard restore.count < Self.maximumDuplicateKeys,
                        let marker = Unicode.Scalar(0xE000 + UInt32(restore.count))
                    else {
                        throw ScenarioError(
                            renamed.map { Self.repeatedKey($0.key, at: $0.location, file: file) }
                                + [Self.repeatedKey(at: context.mark, error: error, file: file)])
                    }
                    renamed.append((Self.keyText(scalars, from: i), context.mark))
                    restore[marker] = scalars[i]
                    scalars[i] = marker
                    continue
                }
                throw ScenarioError([Self.diagnostic(for: error, file: file)])
            } catch {
                throw ScenarioError([
                    Diagnostic(
                        location: SourceLocation(file: file, line: nil, column: nil),
                        keyPath: "", message: "cannot read YAML: \(error)")
                ])
            }
        }
        guard let root else { return (.null(SourceLocation(file: file, line: 1, column: 1)), []) }
        var converter = Converter(file: file, override: nil, restore: restore)
        let tree = converter.convert(root, path: "")
        return (tree, converter.diagnostics)
    }

    /// Duplicate keys renamed before `parseCollecting` stops: each costs a parse of the whole
    /// text, so thousands of copies of one line must not cost thousands of parses.
    static let maximumDuplicateKeys = 16

    /// The key text starting at `i` (up to the colon or the end of its line), for messages.
    private static func keyText(_ scalars: [Unicode.Scalar], from i: Int) -> String {
        var view = String.UnicodeScalarView()
        var j = i
        while j < scalars.count, !":\n\r\"'".unicodeScalars.contains(scalars[j]), j - i < 80 {
            view.append(scalars[j])
            j += 1
        }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }

    /// A duplicate key found before the cap, reported at its first occurrence (its later one is
    /// not located once parsing stops).
    private static func repeatedKey(_ key: String, at mark: Mark, file: String) -> Diagnostic {
        Diagnostic(
            location: SourceLocation(file: file, line: mark.line, column: mark.column), keyPath: "",
            message: "duplicate key '\(key)': written again later in the same mapping")
    }

    /// The duplicate that reached the cap.
    private static func repeatedKey(at mark: Mark, error: YamlError, file: String) -> Diagnostic {
        var d = diagnostic(for: error, file: file)
        d.message +=
            "; more than \(maximumDuplicateKeys) duplicate keys in this file, so capsim stops reading it here (remove these and run again)"
        return d
    }

    /// Index of the key's first character at a mark, when swapping it cannot change the
    /// document's structure (a plain or quoted scalar key, not an escape, anchor or tag).
    private static func renameableKey(in scalars: [Unicode.Scalar], source: SourceText, line: Int, column: Int) -> Int?
    {
        guard var i = source.index(line: line, column: column) else { return nil }
        if scalars[i] == "\"" || scalars[i] == "'" { i += 1 }
        guard i < scalars.count else { return nil }
        let c = scalars[i]
        if c.properties.isWhitespace || "\"'\\[]{}?&*!|>%@`#,:-".unicodeScalars.contains(c)
            || (0xE000...0xF8FF).contains(c.value)
        {
            return nil
        }
        return i
    }

    /// Converts a Yams node (a `--set` value); `override` marks values that came from the command line.
    static func convert(_ node: Node, file: String, override: String?) -> ScenarioNode {
        var converter = Converter(file: file, override: override, restore: [:])
        return converter.convert(node, path: "")
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if problem.hasPrefix("Maximum nesting level reached") {
                // libyaml's own wording names its C setter; say what the limit is instead.
                message = "invalid YAML: lists and mappings nested more than 1000 levels deep"
            } else if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            return Diagnostic(
                location: SourceLocation(file: file, line: mark.line, column: mark.column),
                keyPath: "", message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                location: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                keyPath: "",
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, let offset, let value, let yaml):
            // `offset` counts Characters; the location counts lines and Unicode scalars, as
            // every other mark does, so a control character is pointed at, not buried in text.
            var line = 1
            var column = 1
            if let offset, let end = yaml.index(yaml.startIndex, offsetBy: offset, limitedBy: yaml.endIndex) {
                for c in yaml[..<end] {
                    if c.isNewline {
                        line += 1
                        column = 1
                    } else {
                        column += c.unicodeScalars.count
                    }
                }
            }
            var message = "invalid YAML: \(problem)"
            if value >= 0, let scalar = Unicode.Scalar(UInt32(value)) {
                message += " (found U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)))"
            }
            return Diagnostic(
                location: SourceLocation(
                    file: file, line: offset == nil ? nil : line, column: offset == nil ? nil : column),
                keyPath: "", message: message)
        default:
            return Diagnostic(
                location: SourceLocation(file: file, line: nil, column: nil),
                keyPath: "", message: "invalid YAML: \(error)")
        }
    }
}

/// Turns Yams' node tree into a `ScenarioNode` tree: restores renamed keys, reports and drops
/// duplicate keys, and stops expanding aliases past `ScenarioNode.maximumValues`.
private struct Converter {
    let file: String
    let override: String?
    let restore: [Unicode.Scalar: Unicode.Scalar]
    var diagnostics: [Diagnostic] = []
    var values = 0

    init(file: String, override: String?, restore: [Unicode.Scalar: Unicode.Scalar]) {
        self.file = file
        self.override = override
        self.restore = restore
    }

    /// A value from `--set` is located by its argument, not by a line and column inside it.
    func loc(_ m: Mark?) -> SourceLocation {
        override != nil
            ? SourceLocation(file: file, line: nil, column: nil, override: override)
            : SourceLocation(file: file, line: m.map { $0.line }, column: m.map { $0.column })
    }

    func original(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, let o = restore[first] else { return s }
        var v = String.UnicodeScalarView([o])
        v.append(contentsOf: s.unicodeScalars.dropFirst())
        return String(v)
    }

    mutating func convert(_ node: Node, path: String) -> ScenarioNode {
        values += 1
        if values == ScenarioNode.maximumValues + 1 {
            diagnostics.append(
                Diagnostic(
                    location: loc(node.mark), keyPath: path,
                    message:
                        "the document expands to more than \(ScenarioNode.maximumValues) values (aliases nested too deeply?)"
                ))
        }
        if values > ScenarioNode.maximumValues { return .null(loc(node.mark)) }
        switch node {
        case .scalar(let s):
            if s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return .null(loc(s.mark)) }
            return .scalar(s.string, loc(s.mark))
        case .mapping(let m):
            var pairs: [(key: String, keyLocation: SourceLocation, value: ScenarioNode)] = []
            var firstIndex: [String: Int] = [:]  // a mapping may have 100k keys: no linear search
            var merges: [Node] = []
            for pair in m {
                guard let name = pair.key.scalar?.string else {
                    diagnostics.append(
                        Diagnostic(
                            location: loc(pair.key.mark), keyPath: path,
                            message:
                                "expected a name as a key, found \(pair.key.mapping != nil ? "a mapping" : "a list") (a '? ' complex key)"
                        ))
                    continue
                }
                if name == "<<", pair.key.scalar?.style == .plain {
                    merges.append(pair.value)
                    continue
                }
                let key = original(name)
                let keyPath = path.isEmpty ? key : path + "." + key
                if let index = firstIndex[key] {
                    let first = pairs[index]
                    let at =
                        first.keyLocation.line.map { " (first at line \($0), column \(first.keyLocation.column ?? 0))" }
                        ?? ""
                    diagnostics.append(
                        Diagnostic(
                            location: loc(pair.key.mark), keyPath: keyPath,
                            message: "duplicate key '\(key)'\(at)"))
                    continue
                }
                firstIndex[key] = pairs.count
                pairs.append((key, loc(pair.key.mark), convert(pair.value, path: keyPath)))
            }
            // YAML's merge key: `<<: *base` (or a list of them) adds the keys of each mapping
            // that the mapping does not set itself, earlier mappings first; merged values keep
            // the location they were written at.
            for source in merges {
                let sources: [Node] = source.sequence.map { Array($0) } ?? [source]
                for node in sources {
                    guard node.mapping != nil, case .mapping(let more, _) = convert(node, path: path) else {
                        diagnostics.append(
                            Diagnostic(
                                location: loc(node.mark), keyPath: path.isEmpty ? "<<" : path + ".<<",
                                message: "expected a mapping (or a list of mappings) to merge, found \(describe(node))")
                        )
                        continue
                    }
                    for pair in more where firstIndex[pair.key] == nil {
                        firstIndex[pair.key] = pairs.count
                        pairs.append(pair)
                    }
                }
            }
            return .mapping(pairs, loc(m.mark))
        case .sequence(let q):
            var items: [ScenarioNode] = []
            for (i, item) in q.enumerated() {
                items.append(convert(item, path: path.isEmpty ? "\(i)" : path + ".\(i)"))
            }
            return .sequence(items, loc(q.mark))
        case .alias(let a):
            return .null(loc(a.mark))
        }
    }
}

/// What a Yams node is, for messages.
private func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let s): "'\(s.string)'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
}

extension String {
    /// The text with leading zeros up to `width` characters (for U+0001).
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
