/// A canonical text of a scenario tree (keys in file order, scalars quoted), hashed with
/// FNV-1a 64: stable across processes and platforms, unlike Swift's `Hasher`.
extension ScenarioNode {
    var canonicalText: String {
        switch self {
        case .scalar(let s, _): return "\"" + s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"") + "\""
        case .null: return "null"
        case .sequence(let items, _): return "[" + items.map(\.canonicalText).joined(separator: ",") + "]"
        case .mapping(let pairs, _):
            return "{" + pairs.map { ScenarioNode.scalar($0.key, $0.keyLocation).canonicalText + ":" + $0.value.canonicalText }
                .joined(separator: ",") + "}"
        }
    }

    var fingerprint: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in canonicalText.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension String {
    fileprivate func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
