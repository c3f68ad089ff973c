extension Quantity {
    /// Parses a whole count such as `5M`, `200k`, `1.5M`, `2G` or `1_000_000`: decimal digits
    /// with an optional fraction and an optional suffix k (10³), M (10⁶) or G (10⁹), read exactly
    /// (in integers, never through a Double), and whole after scaling (`1.5k` is 1500; `1.5` and
    /// `0.0005k` are not whole numbers and are errors). No sign, no exponent.
    public static func count(_ text: String) -> Result<UInt64, QuantityError> {
        let expected = "expected a whole number such as 1000, 200k, 5M or 2G"
        var t = Substring(text.replacingUnderscores()).trimmingWhitespace()
        var scale: UInt64 = 1
        var zeros = 0
        for (suffix, s, z) in [("k", UInt64(1_000), 3), ("M", 1_000_000, 6), ("G", 1_000_000_000, 9)]
        where t.hasSuffix(suffix) {
            t = t.dropLast(suffix.count).trimmingWhitespace()
            scale = s
            zeros = z
            break
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy({ $0.isASCII && $0.isNumber }),
            parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber })
        else {
            return .failure(QuantityError(expected, found: text))
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        // The fraction's digits beyond the suffix's zeros must all be 0: 1.5k = 1500, 1.0005k is not whole.
        let kept = fraction.prefix(zeros)
        let dropped = fraction.dropFirst(zeros)
        guard dropped.allSatisfy({ $0 == "0" }) else {
            return .failure(QuantityError("expected a whole number (\(text) is not)", found: text))
        }
        let padded = String(kept) + String(repeating: "0", count: zeros - kept.count)
        guard let w = UInt64(whole), let f = padded.isEmpty ? 0 : UInt64(padded) else {
            return .failure(QuantityError("expected a number below 2^64", found: text))
        }
        let (scaled, overflow) = w.multipliedReportingOverflow(by: scale)
        let (value, overflow2) = scaled.addingReportingOverflow(f)
        guard !overflow, !overflow2 else { return .failure(QuantityError("expected a number below 2^64", found: text)) }
        return .success(value)
    }
}
