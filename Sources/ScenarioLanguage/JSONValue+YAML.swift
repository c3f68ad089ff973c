import Foundation
import Yams

extension JSONValue {
    /// A YAML document as an editor's schema validator sees it: plain scalars typed by the
    /// YAML 1.2 core schema (`10` an integer, `1.5` a number, `true` a boolean, `yes`/`no`/`on`
    /// strings, `~` null), quoted scalars always strings.
    ///
    /// capsim itself never reads YAML this way (it keeps every scalar as text and parses
    /// quantities itself); this is for checking files against `ScenarioSchema` exactly as the
    /// YAML extensions of editors do.
    public static func fromYAML(_ text: String) throws -> JSONValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return typed(node)
    }

    private static func typed(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let s):
            guard s.style == .plain else { return .string(s.string) }
            return plain(s.string)
        case .mapping(let m):
            return .object(m.map { ($0.key.scalar?.string ?? "\($0.key)", typed($0.value)) })
        case .sequence(let q):
            return .array(q.map(typed))
        case .alias:
            return .null
        }
    }

    private static func plain(_ s: String) -> JSONValue {
        func matches(_ pattern: String) -> Bool { s.range(of: pattern, options: .regularExpression) != nil }
        if matches("^(~|null|Null|NULL|)$") { return .null }
        if matches("^(true|True|TRUE)$") { return .bool(true) }
        if matches("^(false|False|FALSE)$") { return .bool(false) }
        if matches("^[-+]?[0-9]+$"), let v = Double(s) { return .number(v) }
        if matches("^0o[0-7]+$"), let v = Int64(s.dropFirst(2), radix: 8) { return .number(Double(v)) }
        if matches("^0x[0-9a-fA-F]+$"), let v = Int64(s.dropFirst(2), radix: 16) { return .number(Double(v)) }
        if matches("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"), let v = Double(s) { return .number(v) }
        if matches("^[-+]?\\.(inf|Inf|INF)$") { return .number(s.hasPrefix("-") ? -.infinity : .infinity) }
        if matches("^\\.(nan|NaN|NAN)$") { return .number(.nan) }
        return .string(s)
    }
}
