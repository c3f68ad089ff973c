import Yams

/// The scenario's YAML as a plain tree that keeps the file's order and every value's source
/// location. Scalars stay text: capsim parses quantities itself, so YAML 1.1 surprises
/// (`no` → false, `1:30` → 90) cannot leak in.
public indirect enum ScenarioNode: Sendable, Equatable {
    case scalar(String, SourceLocation)
    /// Keys in file order. Each key keeps its own location (for "unknown key" errors).
    case mapping([(key: String, keyLocation: SourceLocation, value: ScenarioNode)], SourceLocation)
    case sequence([ScenarioNode], SourceLocation)
    /// An empty value (`key:` with nothing after it, or `~`/`null`).
    case null(SourceLocation)

    public static func == (a: ScenarioNode, b: ScenarioNode) -> Bool {
        switch (a, b) {
        case let (.scalar(x, _), .scalar(y, _)): x == y
        case let (.sequence(x, _), .sequence(y, _)): x == y
        case (.null, .null): true
        case let (.mapping(x, _), .mapping(y, _)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public var location: SourceLocation {
        switch self {
        case .scalar(_, let l), .mapping(_, let l), .sequence(_, let l), .null(let l): l
        }
    }

    /// What kind of value this is, for "expected … found …" messages.
    var kindDescription: String {
        switch self {
        case .scalar(let s, _): "'\(s)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .null: "nothing"
        }
    }

    /// Parses YAML text. Syntax errors become diagnostics with line and column.
    public static func parse(yaml: String, file: String) throws(ScenarioError) -> ScenarioNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ScenarioError([Self.diagnostic(for: error, file: file)])
        } catch {
            throw ScenarioError([Diagnostic(location: SourceLocation(file: file, line: nil, column: nil),
                                            keyPath: "", message: "cannot read YAML: \(error)")])
        }
        guard let root else {
            return .null(SourceLocation(file: file, line: 1, column: 1))
        }
        return convert(root, file: file, override: nil)
    }

    /// Converts a Yams node; `override` marks values that came from `--set`.
    static func convert(_ node: Node, file: String, override: String?) -> ScenarioNode {
        func loc(_ m: Mark?) -> SourceLocation {
            SourceLocation(file: file, line: m.map { $0.line }, column: m.map { $0.column }, override: override)
        }
        switch node {
        case .scalar(let s):
            if s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return .null(loc(s.mark)) }
            return .scalar(s.string, loc(s.mark))
        case .mapping(let m):
            return .mapping(m.map { pair in
                let key = pair.key.scalar?.string ?? "\(pair.key)"
                return (key, loc(pair.key.mark), convert(pair.value, file: file, override: override))
            }, loc(m.mark))
        case .sequence(let q):
            return .sequence(q.map { convert($0, file: file, override: override) }, loc(q.mark))
        case .alias(let a):
            return .null(loc(a.mark))
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            return Diagnostic(location: SourceLocation(file: file, line: mark.line, column: mark.column),
                              keyPath: "", message: message)
        case let .duplicatedKeysInMapping(duplicates, context):
            return Diagnostic(location: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                              keyPath: "", message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
        default:
            return Diagnostic(location: SourceLocation(file: file, line: nil, column: nil),
                              keyPath: "", message: "invalid YAML: \(error)")
        }
    }
}
