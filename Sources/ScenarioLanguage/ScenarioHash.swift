import InfraModel

/// A canonical text of a scenario tree (keys in file order, scalars quoted), hashed with
/// FNV-1a 64: stable across processes and platforms, unlike Swift's `Hasher`.
extension ScenarioNode {
    var canonicalText: String {
        switch self {
        case .scalar(let s, _):
            return "\"" + s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"") + "\""
        case .null: return "null"
        case .sequence(let items, _): return "[" + items.map(\.canonicalText).joined(separator: ",") + "]"
        case .mapping(let pairs, _):
            return "{"
                + pairs.map { ScenarioNode.scalar($0.key, $0.keyLocation).canonicalText + ":" + $0.value.canonicalText }
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

extension ScenarioNode {
    /// The fingerprint with the content of the input files the models read (traces) folded in,
    /// so a changed trace changes the hash although the scenario's text does not. Without such
    /// files it is `fingerprint` itself.
    func fingerprint(inputsOf models: [ModelSpec]) -> String {
        var digests: [UInt64] = []
        for m in models {
            for process in [m.arrivals] + m.classes.map(\.arrivals) {
                if case .trace(let t)? = process, !digests.contains(t.digest) { digests.append(t.digest) }
            }
        }
        guard !digests.isEmpty else { return fingerprint }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in canonicalText.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        for d in digests {
            for k in 0..<8 { h = (h ^ ((d >> (8 * UInt64(k))) & 0xff)) &* 0x100_0000_01b3 }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension String {
    fileprivate func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
