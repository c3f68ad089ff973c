import SimKernel

/// Reads typed values out of a `ScenarioNode` tree, collecting every problem as a diagnostic
/// (with location and key path) instead of stopping at the first.
struct NodeReader {
    var diagnostics: [Diagnostic] = []

    mutating func fail(_ node: ScenarioNode, _ path: String, _ message: String, suggestion: String? = nil) {
        diagnostics.append(Diagnostic(location: node.location, keyPath: path, message: message, suggestion: suggestion))
    }

    /// A file the scenario names (a trace, a samples file) cannot be read: an error marked as a
    /// missing input, which the command line exits 66 for.
    mutating func failMissingInput(_ node: ScenarioNode, _ path: String, _ message: String) {
        var d = Diagnostic(location: node.location, keyPath: path, message: message)
        d.missingInput = true
        diagnostics.append(d)
    }

    /// A mapping's fields, checked against the keys allowed there. Unknown keys are errors with the
    /// nearest allowed name as a suggestion; missing required keys are errors at the mapping.
    mutating func fields(_ node: ScenarioNode, _ path: String, allowed: [String], required: [String] = []) -> Fields? {
        guard case .mapping(let pairs, _) = node else {
            fail(
                node, path,
                "expected a mapping with keys \(allowed.joined(separator: ", ")), found \(node.kindDescription)")
            return nil
        }
        for p in pairs where !allowed.contains(p.key) {
            diagnostics.append(
                Diagnostic(
                    location: p.keyLocation, keyPath: join(path, p.key),
                    message: "unknown key '\(p.key)'; expected one of \(allowed.joined(separator: ", "))",
                    suggestion: nearest(p.key, in: allowed)))
        }
        for r in required where !pairs.contains(where: { $0.key == r }) {
            fail(node, path, "missing required key '\(r)'")
        }
        return Fields(pairs: pairs, path: path)
    }

    mutating func string(_ node: ScenarioNode, _ path: String) -> String? {
        guard case .scalar(let s, _) = node else {
            fail(node, path, "expected a string, found \(node.kindDescription)")
            return nil
        }
        return s
    }

    /// A name used in metric ids and key paths: letters, digits, `_` and `-`, starting with a letter.
    mutating func name(_ node: ScenarioNode, _ path: String) -> String? {
        guard let s = string(node, path) else { return nil }
        return checkName(s, node, path) ? s : nil
    }

    mutating func checkName(_ s: String, _ node: ScenarioNode, _ path: String) -> Bool {
        let ok =
            s.first.map { $0.isASCII && $0.isLetter } == true
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        if !ok {
            fail(node, path, "expected a name of letters, digits, '_' and '-' starting with a letter, found '\(s)'")
        }
        return ok
    }

    mutating func integer(_ node: ScenarioNode, _ path: String, min: Int, max: Int = Int.max) -> Int? {
        guard case .scalar(let s, _) = node else {
            fail(node, path, "expected a whole number, found \(node.kindDescription)")
            return nil
        }
        let digits = s.replacingUnderscores()
        guard let v = Int(digits) else {
            fail(node, path, "expected a whole number, found '\(s)'")
            return nil
        }
        guard v >= min, v <= max else {
            fail(
                node, path,
                max == Int.max
                    ? "expected a whole number ≥ \(min), found \(v)"
                    : "expected a whole number from \(min) to \(max), found \(v)")
            return nil
        }
        return v
    }

    /// The largest finite count of workers, queue places or connections: a billion per
    /// instance, so that × a million instances stays far inside Int64 in every sum and product
    /// the model, the statistics and the theory take (`unlimited` is the way to say more).
    static let maximumLimit = 1_000_000_000

    /// A count that may be `unlimited`: returns `.some(nil)` for unlimited.
    mutating func limit(_ node: ScenarioNode, _ path: String, min: Int) -> Int?? {
        if case .scalar("unlimited", _) = node { return .some(nil) }
        if case .scalar(let s, _) = node, Int(s.replacingUnderscores()) == nil {
            fail(
                node, path, "expected a whole number or 'unlimited', found '\(s)'",
                suggestion: nearest(s, in: ["unlimited"]))
            return nil
        }
        if case .scalar(let s, _) = node, let v = Int(s.replacingUnderscores()), v > Self.maximumLimit {
            fail(node, path, "expected a whole number ≤ \(Self.maximumLimit) or 'unlimited', found \(v)")
            return nil
        }
        return integer(node, path, min: min).map { .some($0) }
    }

    mutating func number(
        _ node: ScenarioNode, _ path: String, minimum: Double? = nil, exclusiveMinimum: Double? = nil
    ) -> Double? {
        guard case .scalar(let s, _) = node, let v = Quantity.number(Substring(s.replacingUnderscores())) else {
            fail(node, path, "expected a number, found \(node.kindDescription)")
            return nil
        }
        if let m = minimum, v < m {
            fail(node, path, "expected a number ≥ \(format(m)), found \(s)")
            return nil
        }
        if let m = exclusiveMinimum, v <= m {
            fail(node, path, "expected a number > \(format(m)), found \(s)")
            return nil
        }
        return v
    }

    mutating func duration(_ node: ScenarioNode, _ path: String, positive: Bool = false) -> SimDuration? {
        guard case .scalar(let s, _) = node else {
            fail(node, path, "expected a duration with a unit (e.g. 250ms), found \(node.kindDescription)")
            return nil
        }
        switch Quantity.duration(s) {
        case .success(let d):
            if positive && d.nanoseconds == 0 {
                fail(node, path, "expected a duration > 0, found '\(s)'")
                return nil
            }
            return d
        case .failure(let e):
            fail(node, path, e.message)
            return nil
        }
    }

    mutating func rate(_ node: ScenarioNode, _ path: String) -> Double? {
        guard case .scalar(let s, _) = node else {
            fail(node, path, "expected a rate (e.g. 2000/s), found \(node.kindDescription)")
            return nil
        }
        switch Quantity.rate(s) {
        case .success(let r):
            if r <= 0 {
                fail(node, path, "expected a rate > 0, found '\(s)'")
                return nil
            }
            // Time is counted in nanoseconds: a faster rate (or an infinite one) cannot be simulated.
            if !(r <= 1e9) {
                fail(node, path, "expected a rate of at most 1e9/s (one per nanosecond), found '\(s)'")
                return nil
            }
            return r
        case .failure(let e):
            fail(node, path, e.message)
            return nil
        }
    }

    /// One of a closed set of spellings; a near miss gets a suggestion.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: ScenarioNode, _ path: String, _: T.Type) -> T?
    where T.RawValue == String {
        guard let s = string(node, path) else { return nil }
        if let v = T(rawValue: s) { return v }
        let names = T.allCases.map(\.rawValue)
        fail(
            node, path, "expected one of \(names.joined(separator: ", ")), found '\(s)'",
            suggestion: nearest(s, in: names))
        return nil
    }

    mutating func list(_ node: ScenarioNode, _ path: String) -> [ScenarioNode]? {
        guard case .sequence(let items, _) = node else {
            fail(node, path, "expected a list, found \(node.kindDescription)")
            return nil
        }
        return items
    }
}

/// The fields of one mapping, looked up by key (in file order when iterated).
struct Fields {
    var pairs: [(key: String, keyLocation: SourceLocation, value: ScenarioNode)]
    var path: String
    subscript(key: String) -> ScenarioNode? { pairs.first { $0.key == key }?.value }
    func path(_ key: String) -> String { join(path, key) }
}

func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
}

extension String {
    /// `1_000_000` → `1000000` (digit grouping as in YAML 1.1 and Swift).
    func replacingUnderscores() -> String { filter { $0 != "_" } }
}
