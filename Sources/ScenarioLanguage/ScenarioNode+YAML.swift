/// YAML text of a scenario tree, for `capsim show`: the fully resolved scenario (after
/// `extends:` and `--set`) as a file one could save and run, with the same scenario hash.
///
/// The text is deterministic: keys in the tree's (file) order, two-space indentation, top-level
/// sections with nested collections in block style, anything else in flow style
/// (`{mean: 1ms}`) when it fits in `lineWidth` columns, lists of mappings as one `- ` item per
/// element. Scalars are plain when
/// YAML reads them back as the same text and double-quoted otherwise — including `yes`, `no`,
/// `on`, `off`, `True`, `FALSE` and `null`, so that other YAML tools do not turn them into
/// booleans or nothing either. Lowercase `true` and `false` stay plain: they are the booleans of
/// every YAML version and the spelling of the language's own flags (`drop_expired: true`); capsim
/// reads them back as the same text wherever a string is expected.
extension ScenarioNode {
    static let lineWidth = 100

    /// The tree as a YAML document (ending in a newline).
    public var yamlText: String {
        isCollection ? blockLines(indent: 0, top: true).joined(separator: "\n") + "\n" : yamlFlow + "\n"
    }

    /// Flow-style text: `8`, `"yes"`, `[a, b]`, `{mean: 1ms}`.
    var yamlFlow: String {
        switch self {
        case .scalar(let s, _): Self.yamlScalar(s)
        case .null: "null"
        case .sequence(let items, _): "[" + items.map(\.yamlFlow).joined(separator: ", ") + "]"
        case .mapping(let pairs, _):
            "{" + pairs.map { Self.yamlScalar($0.key) + ": " + $0.value.yamlFlow }.joined(separator: ", ") + "}"
        }
    }

    private var children: [ScenarioNode] {
        switch self {
        case .mapping(let p, _): p.map(\.value)
        case .sequence(let i, _): i
        default: []
        }
    }

    private var isCollection: Bool {
        switch self {
        case .mapping(let p, _): !p.isEmpty
        case .sequence(let i, _): !i.isEmpty
        default: false
        }
    }

    /// Whether this value, after `prefix` at `indent`, goes on the same line in flow style.
    private func fitsInline(indent: Int, prefix: String, top: Bool) -> Bool {
        if !isCollection { return true }
        if top && children.contains(where: \.isCollection) { return false }
        if case .sequence(let items, _) = self,
            items.contains(where: { if case .mapping(let p, _) = $0 { !p.isEmpty } else { false } })
        {
            return false
        }
        return indent + prefix.count + yamlFlow.count <= Self.lineWidth
    }

    /// Block-style lines of a mapping or sequence at `indent` spaces.
    private func blockLines(indent: Int, top: Bool) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        switch self {
        case .mapping(let pairs, _):
            for p in pairs {
                let head = pad + Self.yamlScalar(p.key) + ":"
                if p.value.fitsInline(indent: indent, prefix: head + " ", top: top) {
                    lines.append(head + " " + p.value.yamlFlow)
                } else {
                    lines.append(head)
                    lines += p.value.blockLines(indent: indent + 2, top: false)
                }
            }
        case .sequence(let items, _):
            for item in items {
                if item.fitsInline(indent: indent, prefix: "- ", top: false) {
                    lines.append(pad + "- " + item.yamlFlow)
                } else if case .mapping = item {
                    // The first key on the dash's line, the rest aligned under it.
                    var inner = item.blockLines(indent: indent + 2, top: false)
                    inner[0] = pad + "- " + inner[0].dropFirst(indent + 2)
                    lines += inner
                } else {
                    lines.append(pad + "-")
                    lines += item.blockLines(indent: indent + 2, top: false)
                }
            }
        default:
            lines.append(pad + yamlFlow)
        }
        return lines
    }

    /// Words YAML 1.1 or 1.2 would read as something other than a string.
    private static let reserved: Set<String> = [
        "~", "null", "Null", "NULL", "True", "TRUE", "False", "FALSE",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        "y", "Y", "n", "N", "<<", "=",
    ]

    /// A scalar as YAML text: plain when that reads back as the same string, double-quoted otherwise.
    static func yamlScalar(_ s: String) -> String {
        isPlainSafe(s) ? s : quoted(s)
    }

    private static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last, !reserved.contains(s) else {
            return false
        }
        if first.properties.isWhitespace || last.properties.isWhitespace || last == ":" { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            // `-1`, `-x` are plain; `- x`, `-` are not.
            guard first == "-", let second = s.unicodeScalars.dropFirst().first,
                !second.properties.isWhitespace
            else { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.contains(":\t") || s.contains("\t#") { return false }
        for u in s.unicodeScalars {
            // Flow indicators would end the scalar inside [...] or {...}; control characters,
            // line breaks and the BOM need escapes.
            if ",[]{}".unicodeScalars.contains(u) { return false }
            if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028
                || u.value == 0x2029 || u.value == 0xFEFF
            {
                return false
            }
        }
        return true
    }

    /// YAML's double-quoted style accepts JSON's escapes: one quoting for both.
    private static func quoted(_ s: String) -> String { JSONValue.quote(s) }
}
