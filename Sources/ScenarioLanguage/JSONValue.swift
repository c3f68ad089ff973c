/// A JSON document with object keys in the order they were written: the schema and
/// `validate --format json` are read by people and diffed in review, so the same input must give
/// the same bytes, in a sensible order — which neither `JSONSerialization` nor `JSONEncoder`
/// (alphabetical at best) promise.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The value of `key` in an object; nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// An optional number, null when absent (or not finite).
    public static func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
    /// An optional string, null when absent.
    public static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// Pretty text with two-space indentation and a final newline. Arrays of plain values short
    /// enough stay on one line (`"enum": ["a", "b"]`).
    public var text: String { render(indent: 0) + "\n" }

    /// The text of `.array(items)` (as `text` gives it) for items that are objects, each made
    /// only when it is written: a report over thousands of designs holds one design's tree at a
    /// time, not all of them.
    public static func arrayText(count: Int, item: (Int) -> JSONValue) -> String {
        if count == 0 { return "[]\n" }
        var text = "[\n"
        for i in 0..<count {
            let value = item(i)
            precondition(!value.isPlain, "arrayText lays out objects and arrays; plain values may go inline")
            if i > 0 { text += ",\n" }
            text += "  " + value.render(indent: 1)
        }
        return text + "\n]\n"
    }

    func render(indent: Int) -> String {
        var out = ""
        write(to: &out, indent: indent)
        return out
    }

    /// Appends the rendering to `out`: one growing string, not a string per value joined at
    /// each level (a report of 10,000 instances is megabytes of text).
    private func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += Self.format(x)
        case .string(let s): out += Self.quote(s)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            if items.allSatisfy(\.isPlain), let inline = Self.inline(items) {
                out += inline
                return
            }
            out += "[\n"
            for (k, item) in items.enumerated() {
                if k > 0 { out += ",\n" }
                Self.pad(&out, indent + 1)
                item.write(to: &out, indent: indent + 1)
            }
            out += "\n"
            Self.pad(&out, indent)
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (k, pair) in pairs.enumerated() {
                if k > 0 { out += ",\n" }
                Self.pad(&out, indent + 1)
                out += Self.quote(pair.key)
                out += ": "
                pair.value.write(to: &out, indent: indent + 1)
            }
            out += "\n"
            Self.pad(&out, indent)
            out += "}"
        }
    }

    /// Plain values on one line, `[a, b]`, when that is at most 80 characters; nil otherwise.
    /// The characters are counted piece by piece (no piece begins with a combining mark, so
    /// the pieces' counts add up), and the line is given up as soon as it is too long.
    private static func inline(_ items: [JSONValue]) -> String? {
        var line = "["
        var characters = 2
        for (k, item) in items.enumerated() {
            var piece = k > 0 ? ", " : ""
            item.write(to: &piece, indent: 0)
            characters += piece.count
            if characters > 80 { return nil }
            line += piece
        }
        return line + "]"
    }

    private static func pad(_ out: inout String, _ indent: Int) {
        for _ in 0..<indent { out += "  " }
    }

    private var isPlain: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Shortest text that reads back as the same double; whole numbers without a fraction;
    /// NaN and infinities (not JSON) as null.
    public static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// A double-quoted string with JSON's escapes. Controls (C0, DEL, C1), line and paragraph
    /// separators and the BOM are written as \\uXXXX, so the same text is also a valid YAML
    /// double-quoted scalar (`show` uses it) that no reader can misread.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028
                    || u.value == 0x2029 || u.value == 0xFEFF
                {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
