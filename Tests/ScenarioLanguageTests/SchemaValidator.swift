import Foundation

@testable import ScenarioLanguage

/// A JSON Schema (2020-12) validator for exactly the keywords `ScenarioSchema` uses, so the
/// tests need nothing but Swift (CI runs only `swift test`). A keyword it does not know is
/// itself an error: the schema cannot grow a constraint that the tests silently skip.
struct SchemaValidator {
    let root: JSONValue

    static let annotations: Set<String> = ["$schema", "title", "description", "default", "examples"]
    static let keywords: Set<String> = [
        "$ref", "$defs", "type", "const", "enum", "properties", "additionalProperties", "required",
        "propertyNames", "minProperties", "anyOf", "oneOf", "if", "then", "else", "items",
        "minItems", "maxItems", "pattern", "minLength", "minimum", "maximum", "exclusiveMinimum",
    ]

    /// Problems of `instance` against the root schema, as `path: problem` lines (empty = valid).
    func validate(_ instance: JSONValue) -> [String] {
        var problems: [String] = []
        check(instance, against: root, at: "", into: &problems)
        return problems
    }

    func check(_ x: JSONValue, against schema: JSONValue, at path: String, into problems: inout [String]) {
        guard case .object(let pairs) = schema else {
            if schema != .bool(true) { problems.append("\(path): schema \(schema) is not an object") }
            return
        }
        func fail(_ s: String) { problems.append("\(path.isEmpty ? "(root)" : path): \(s)") }
        for (key, value) in pairs {
            switch key {
            case _ where Self.annotations.contains(key), "$defs", "then", "else":
                continue
            case "$ref":
                guard case .string(let ref) = value, let target = resolve(ref) else {
                    fail("cannot resolve \(value)")
                    continue
                }
                check(x, against: target, at: path, into: &problems)
            case "type":
                let types: [String] =
                    switch value {
                    case .string(let t): [t]
                    case .array(let ts): ts.compactMap { if case .string(let t) = $0 { t } else { nil } }
                    default: []
                    }
                if !types.contains(where: { Self.has(x, type: $0) }) {
                    fail("expected \(types.joined(separator: " or ")), found \(x.render(indent: 0))")
                }
            case "const":
                if x != value { fail("expected \(value.render(indent: 0)), found \(x.render(indent: 0))") }
            case "enum":
                guard case .array(let options) = value else { continue }
                if !options.contains(x) {
                    fail("expected one of \(value.render(indent: 0)), found \(x.render(indent: 0))")
                }
            case "properties":
                guard case .object(let instance) = x, case .object(let props) = value else { continue }
                for (k, v) in instance {
                    if let s = props.first(where: { $0.key == k })?.value {
                        check(v, against: s, at: join(path, k), into: &problems)
                    }
                }
            case "additionalProperties":
                guard case .object(let instance) = x else { continue }
                var known: [String] = []
                if case .object(let p) = schema["properties"] ?? .null { known = p.map(\.key) }
                for (k, v) in instance where !known.contains(k) {
                    if value == .bool(false) {
                        problems.append("\(join(path, k)): unknown key")
                    } else {
                        check(v, against: value, at: join(path, k), into: &problems)
                    }
                }
            case "required":
                guard case .object(let instance) = x, case .array(let names) = value else { continue }
                for case .string(let n) in names where !instance.contains(where: { $0.key == n }) {
                    fail("missing required '\(n)'")
                }
            case "propertyNames":
                guard case .object(let instance) = x else { continue }
                for (k, _) in instance {
                    check(.string(k), against: value, at: join(path, k) + " (name)", into: &problems)
                }
            case "minProperties":
                if case .object(let instance) = x, case .number(let n) = value, Double(instance.count) < n {
                    fail("expected at least \(n) keys")
                }
            case "anyOf", "oneOf":
                guard case .array(let options) = value else { continue }
                let passing = options.filter { option in
                    var sub: [String] = []
                    check(x, against: option, at: path, into: &sub)
                    return sub.isEmpty
                }.count
                // A variant's key is its schema or null (`key: ~` removes it): a value that is not
                // null gets the schema's own problems, as precise as without the null option.
                let nonNull = options.filter {
                    if case .object(let o) = $0, o.count == 1, o.first?.key == "type",
                        o.first?.value == .string("null")
                    {
                        return false
                    }
                    return true
                }
                if key == "anyOf" && passing == 0 && nonNull.count == 1 && options.count == 2 && x != .null {
                    check(x, against: nonNull[0], at: path, into: &problems)
                    continue
                }
                if key == "anyOf" && passing == 0 { fail("matches none of anyOf: \(x.render(indent: 0))") }
                if key == "oneOf" && passing != 1 {
                    fail("matches \(passing) of oneOf (expected exactly 1): \(x.render(indent: 0))")
                }
            case "if":
                var sub: [String] = []
                check(x, against: value, at: path, into: &sub)
                if let branch = sub.isEmpty ? schema["then"] : schema["else"] {
                    check(x, against: branch, at: path, into: &problems)
                }
            case "items":
                guard case .array(let items) = x else { continue }
                for (i, item) in items.enumerated() {
                    check(item, against: value, at: join(path, "\(i)"), into: &problems)
                }
            case "minItems":
                if case .array(let items) = x, case .number(let n) = value, Double(items.count) < n {
                    fail("expected at least \(n) items")
                }
            case "maxItems":
                if case .array(let items) = x, case .number(let n) = value, Double(items.count) > n {
                    fail("expected at most \(n) items")
                }
            case "pattern":
                guard case .string(let s) = x, case .string(let p) = value else { continue }
                if s.range(of: p, options: .regularExpression) == nil { fail("'\(s)' does not match \(p)") }
            case "minLength":
                if case .string(let s) = x, case .number(let n) = value, Double(s.unicodeScalars.count) < n {
                    fail("too short")
                }
            case "minimum":
                if case .number(let v) = x, case .number(let m) = value, v < m { fail("expected ≥ \(m), found \(v)") }
            case "maximum":
                if case .number(let v) = x, case .number(let m) = value, v > m { fail("expected ≤ \(m), found \(v)") }
            case "exclusiveMinimum":
                if case .number(let v) = x, case .number(let m) = value, v <= m { fail("expected > \(m), found \(v)") }
            default:
                fail("the schema uses '\(key)', which this validator does not know")
            }
        }
    }

    static func has(_ x: JSONValue, type: String) -> Bool {
        switch (type, x) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            true
        case ("integer", .number(let v)): v == v.rounded() && v.isFinite
        default: false
        }
    }

    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: JSONValue? = root
        for part in ref.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node
    }

    func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "." + b }

    /// Every keyword used anywhere in `schema` (for the "only known keywords" check).
    static func keywordsUsed(in schema: JSONValue) -> Set<String> {
        var used: Set<String> = []
        func walk(_ s: JSONValue, isSchema: Bool) {
            switch s {
            case .object(let pairs):
                for (k, v) in pairs {
                    if isSchema { used.insert(k) }
                    switch k {
                    case "properties", "$defs":
                        if case .object(let children) = v { for c in children { walk(c.value, isSchema: true) } }
                    case "anyOf", "oneOf":
                        if case .array(let children) = v { for c in children { walk(c, isSchema: true) } }
                    case "items", "additionalProperties", "propertyNames", "if", "then", "else":
                        walk(v, isSchema: true)
                    default: break
                    }
                }
            default: break
            }
        }
        walk(schema, isSchema: true)
        return used
    }
}
