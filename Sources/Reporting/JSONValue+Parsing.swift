import ScenarioLanguage

/// Why a text is not JSON: what was expected and the byte offset where it went wrong.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

extension JSONValue {
    /// The deepest nesting `parse` accepts: far beyond any capsim report, and shallow enough
    /// that a hostile file (`[[[[…`) cannot exhaust the stack of this recursive reader.
    public static let maximumDepth = 256

    /// Reads JSON text (RFC 8259) into a `JSONValue`, keeping object keys in the order written:
    /// `capsim report` lays out components and metrics in the order the run wrote them, which
    /// `JSONSerialization`'s dictionaries lose. Numbers read back bit for bit what
    /// `JSONValue.format` wrote (shortest round-trip text, parsed by `Double(_:)`, which rounds
    /// correctly), so a report rendered from a JSON file equals one rendered from the run itself.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        // A UTF-8 byte-order mark is not JSON, but editors write one; skip it as readers do.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.position = 3 }
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.position == bytes.count else { throw reader.error("expected the end of the text") }
        return value
    }
}

/// A cursor over the bytes of a JSON text.
private struct JSONReader {
    let bytes: [UInt8]
    var position = 0

    func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: position) }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
        while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 }
    }

    mutating func expect(_ literal: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        for b in literal.utf8 {
            guard current == b else { throw error("expected '\(literal)'") }
            position += 1
        }
        return value
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONValue.maximumDepth else {
            throw error("nested deeper than \(JSONValue.maximumDepth) levels")
        }
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case .some(let b) where b == UInt8(ascii: "-") || (0x30...0x39).contains(b): return .number(try number())
        case nil: throw error("unexpected end of the text")
        default: throw error("expected a value")
        }
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        position += 1
        var pairs: [(key: String, value: JSONValue)] = []
        skipSpace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(pairs)
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
            let key = try string()
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            position += 1
            skipSpace()
            pairs.append((key, try value(depth: depth + 1)))
            skipSpace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(pairs)
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func number() throws(JSONParseError) -> Double {
        let start = position
        func digits() -> Int {
            let from = position
            while let b = current, (0x30...0x39).contains(b) { position += 1 }
            return position - from
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            throw error("expected a digit")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let x = Double(text) else { throw JSONParseError(message: "expected a number", offset: start) }
        return x
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current else { throw error("unexpected end of the text in a \\u escape") }
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw error("expected a hexadecimal digit in a \\u escape")
            }
            v = v << 4 | UInt32(d)
            position += 1
        }
        return v
    }

    mutating func string() throws(JSONParseError) -> String {
        position += 1
        var out: [UInt8] = []
        while true {
            guard let b = current else { throw error("unexpected end of the text in a string") }
            position += 1
            switch b {
            case UInt8(ascii: "\""):
                // The text is checked as UTF-8 once, when read (`String(validating:)` below).
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8")
                }
                return s
            case UInt8(ascii: "\\"):
                guard let e = current else { throw error("unexpected end of the text in an escape") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), current == UInt8(ascii: "\\"),
                        position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("expected a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    // A lone surrogate is no character: replaced, as a lenient reader does.
                    out += Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default: throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            case 0x00..<0x20: throw error("a control character in a string (escape it)")
            default: out.append(b)
            }
        }
    }
}
