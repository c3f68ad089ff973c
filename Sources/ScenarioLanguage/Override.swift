import Yams

/// A `--set KEY.PATH=VALUE` override: any field of the scenario, by its key path from the root.
/// The value is read as YAML, so lists and mappings can be given (`--set 'x=[a, b]'`).
public struct Override: Sendable, Equatable {
    public var path: [String]
    public var value: String
    /// The argument as the user wrote it, for messages.
    public var text: String

    /// Parses `KEY.PATH=VALUE`; the message says what is wrong otherwise.
    public init(parsing text: String) throws(ScenarioError) {
        guard let eq = text.firstIndex(of: "=") else {
            throw ScenarioError([Diagnostic(location: SourceLocation(file: "<command line>", line: nil, column: nil, override: text),
                                            keyPath: "", message: "expected KEY.PATH=VALUE, found no '='")])
        }
        let key = text[..<eq]
        path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        value = String(text[text.index(after: eq)...])
        self.text = text
        if key.isEmpty || path.contains(where: \.isEmpty) {
            throw ScenarioError([Diagnostic(location: SourceLocation(file: "<command line>", line: nil, column: nil, override: text),
                                            keyPath: String(key), message: "expected a dotted key path such as components.web.instances")])
        }
    }

    /// The override's value as a tree node.
    func node() throws(ScenarioError) -> ScenarioNode {
        let loc = SourceLocation(file: "<command line>", line: nil, column: nil, override: text)
        guard !value.isEmpty else { return .scalar("", loc) }
        do {
            guard let n = try Yams.compose(yaml: value) else { return .null(loc) }
            return ScenarioNode.convert(n, file: "<command line>", override: text)
        } catch {
            throw ScenarioError([Diagnostic(location: loc, keyPath: path.joined(separator: "."),
                                            message: "the value is not valid YAML")])
        }
    }
}

extension ScenarioNode {
    /// Returns the tree with `override` applied: the value at its key path replaced, or added
    /// (with any missing mappings on the way) when absent. Sequence elements are addressed by index.
    public func applying(_ override: Override) throws(ScenarioError) -> ScenarioNode {
        try replacing(at: override.path[...], with: override.node(), override: override)
    }

    private func replacing(at path: ArraySlice<String>, with new: ScenarioNode, override: Override) throws(ScenarioError) -> ScenarioNode {
        guard let head = path.first else { return new }
        let rest = path.dropFirst()
        let loc = SourceLocation(file: "<command line>", line: nil, column: nil, override: override.text)
        switch self {
        case .mapping(var pairs, let l):
            if let i = pairs.firstIndex(where: { $0.key == head }) {
                pairs[i].value = try pairs[i].value.replacing(at: rest, with: new, override: override)
            } else {
                pairs.append((head, loc, try ScenarioNode.null(loc).replacing(at: rest, with: new, override: override)))
            }
            return .mapping(pairs, l)
        case .null(let l):
            return .mapping([(head, loc, try ScenarioNode.null(loc).replacing(at: rest, with: new, override: override))], l)
        case .sequence(var items, let l):
            guard let i = Int(head), items.indices.contains(i) else {
                let done = override.path.count - path.count
                throw ScenarioError([Diagnostic(location: loc, keyPath: override.path[..<(done + 1)].joined(separator: "."),
                                                message: "expected an index below \(items.count) into the list, found '\(head)'")])
            }
            items[i] = try items[i].replacing(at: rest, with: new, override: override)
            return .sequence(items, l)
        case .scalar:
            let done = override.path.count - path.count
            throw ScenarioError([Diagnostic(location: loc, keyPath: override.path[..<done].joined(separator: "."),
                                            message: "cannot set '\(head)' inside \(kindDescription): it is not a mapping")])
        }
    }
}
