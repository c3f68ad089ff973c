import SimKernel

/// Parsers for capsim's quantities. Every quantity carries its unit in its text: durations
/// `250ms`, `1.5s`, `5m`, `1h`, `30d`; rates `2000/s`, `120k/min`. Numbers are read from the
/// text by these functions (never by YAML), so `1:30` is an error, not 90.
public enum Quantity {
    /// Duration units and their length in nanoseconds. `m` is minutes (as in `5m`).
    static let durationUnits: [(String, Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("sec", 1e9),
        ("m", 60e9), ("min", 60e9), ("h", 3600e9), ("d", 86400e9),
    ]
    /// Multipliers allowed before a rate's slash: `120k/min`, `1.5M/h`.
    static let countSuffixes: [(String, Double)] = [("k", 1e3), ("M", 1e6), ("G", 1e9)]

    /// A plain decimal number (digits, optional sign, point and exponent), or nil.
    static func number(_ text: Substring) -> Double? {
        let t = text.trimmingWhitespace()
        // On the bytes: ASCII digits, signs, point and exponent only (a Character test per
        // byte would cost more than the conversion).
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        guard let first = t.utf8.first,
            t.utf8.allSatisfy({ isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x45 || $0 == 0x65 }),
            isDigit(first) || first == 0x2E || first == 0x2D || first == 0x2B,
            let v = Double(t), v.isFinite
        else { return nil }
        return v
    }

    /// Splits `12.5ms` into (12.5, "ms").
    static func split(_ text: String) -> (Double, String)? {
        let t = Substring(text).trimmingWhitespace()
        var end = t.startIndex
        while end < t.endIndex, t[end].isASCII,
            t[end].isNumber || ".+-".contains(t[end])
                || ((t[end] == "e" || t[end] == "E") && t.index(after: end) < t.endIndex
                    && (t[t.index(after: end)].isNumber || "+-".contains(t[t.index(after: end)])))
        {
            end = t.index(after: end)
        }
        guard let v = number(t[..<end]) else { return nil }
        return (v, String(t[end...].trimmingWhitespace()))
    }

    /// Parses a duration such as `250ms`; the error says what was expected.
    public static func duration(_ text: String) -> Result<SimDuration, QuantityError> {
        guard let (v, unit) = split(text), !unit.isEmpty else {
            return .failure(QuantityError("expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h)", found: text))
        }
        guard let scale = durationUnits.first(where: { $0.0 == unit })?.1 else {
            return .failure(QuantityError("expected a duration unit (ns, us, ms, s, m, h, d)", found: text))
        }
        let ns = (v * scale).rounded()
        guard v >= 0 else { return .failure(QuantityError("expected a duration ≥ 0", found: text)) }
        guard ns < 9.2e18 else { return .failure(QuantityError("duration too long for nanosecond time", found: text)) }
        if v > 0 && ns == 0 { return .failure(QuantityError("duration shorter than a nanosecond", found: text)) }
        return .success(SimDuration(nanoseconds: Int64(ns)))
    }

    /// Parses a rate such as `2000/s` or `120k/min`, in events per second.
    public static func rate(_ text: String) -> Result<Double, QuantityError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return .failure(QuantityError("expected a rate with a time unit (e.g. 2000/s, 120k/min)", found: text))
        }
        var countText = parts[0].trimmingWhitespace()
        var multiplier = 1.0
        if let (suffix, m) = countSuffixes.first(where: { countText.hasSuffix($0.0) }) {
            countText = countText.dropLast(suffix.count)
            multiplier = m
        }
        guard let count = number(countText) else {
            return .failure(QuantityError("expected a number before '/' (e.g. 2000/s, 120k/min)", found: text))
        }
        let unit = String(parts[1].trimmingWhitespace())
        guard let scale = durationUnits.first(where: { $0.0 == unit })?.1 else {
            return .failure(QuantityError("expected a time unit after '/' (s, ms, min, h, d)", found: text))
        }
        guard count >= 0 else { return .failure(QuantityError("expected a rate ≥ 0", found: text)) }
        return .success(count * multiplier / (scale * 1e-9))
    }

    /// Time units a price may be per, in hours: `0.096/h` per instance-hour, `70/month` (a
    /// 730-hour month, the month capsim reports). `/m` is refused: minute or month?
    static let priceUnits: [(String, Double)] = [
        ("s", 1 / 3600), ("sec", 1 / 3600), ("min", 1 / 60), ("h", 1), ("d", 24), ("month", 730),
    ]

    /// Parses a price per instance-time such as `0.096/h` (or `/s`, `/min`, `/d`, `/month`), in
    /// money per instance-hour.
    public static func price(_ text: String) -> Result<Double, QuantityError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return .failure(
                QuantityError("expected a price per instance-hour with its time unit, such as 0.096/h", found: text))
        }
        guard let amount = number(parts[0]) else {
            return .failure(QuantityError("expected a number before '/' (e.g. 0.096/h)", found: text))
        }
        let unit = String(parts[1].trimmingWhitespace())
        if unit == "m" {
            return .failure(QuantityError("expected /min or /month ('/m' could be either)", found: text))
        }
        guard let hours = priceUnits.first(where: { $0.0 == unit })?.1 else {
            return .failure(QuantityError("expected a time unit after '/' (s, min, h, d, month)", found: text))
        }
        guard amount >= 0 else { return .failure(QuantityError("expected a price ≥ 0", found: text)) }
        return .success(amount / hours)
    }

    /// Size units and their bytes: decimal (KB = 1000 B) and binary (KiB = 1024 B), as written.
    static let sizeUnits: [(String, Double)] = [
        ("B", 1), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
        ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
    ]

    /// Parses a size such as `20KB` or `1.5MiB`, in bytes.
    public static func size(_ text: String) -> Result<Double, QuantityError> {
        guard let (v, unit) = split(text), !unit.isEmpty else {
            return .failure(QuantityError("expected a size with a unit (e.g. 20KB, 1.5MiB)", found: text))
        }
        guard let bytes = sizeUnits.first(where: { $0.0 == unit })?.1 else {
            return .failure(
                QuantityError("expected a size unit (\(sizeUnits.map(\.0).joined(separator: ", ")))", found: text))
        }
        guard v >= 0 else { return .failure(QuantityError("expected a size ≥ 0", found: text)) }
        return .success(v * bytes)
    }

    /// Parses a multiplier such as `1.8x` (or `1.8×`, or a plain `1.8`): a number ≥ 0.
    public static func multiplier(_ text: String) -> Result<Double, QuantityError> {
        var t = Substring(text).trimmingWhitespace()
        if t.hasSuffix("x") || t.hasSuffix("×") { t = t.dropLast().trimmingWhitespace() }
        guard let v = number(t) else {
            return .failure(QuantityError("expected a multiplier such as 1.8x or 1.8", found: text))
        }
        guard v >= 0 else { return .failure(QuantityError("expected a multiplier ≥ 0", found: text)) }
        return .success(v)
    }
}

/// Why a quantity could not be parsed: what was expected, and the text found.
public struct QuantityError: Error, Sendable, Equatable {
    public var expected: String
    public var found: String
    init(_ expected: String, found: String) {
        self.expected = expected
        self.found = found
    }
    public var message: String { "\(expected), found '\(found)'" }
}

extension Substring {
    /// Without leading and trailing whitespace (`Character.isWhitespace`). ASCII text — every
    /// row of a trace or samples file — is trimmed on its bytes: the same result, without
    /// grapheme breaking, which dominated reading a million-line trace.
    func trimmingWhitespace() -> Substring {
        let bytes = utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // ASCII whitespace as Character.isWhitespace has it: tab, LF, VT, FF, CR and space.
            let isSpace = { (b: UInt8) in b == 0x20 || (b >= 0x09 && b <= 0x0D) }
            guard let start = bytes.firstIndex(where: { !isSpace($0) }),
                let last = bytes.lastIndex(where: { !isSpace($0) })
            else { return self[endIndex...] }
            return self[start...last]
        }
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
