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
            throw ScenarioError([
                Diagnostic(
                    location: SourceLocation(file: "<command line>", line: nil, column: nil, override: text),
                    keyPath: "", message: "expected KEY.PATH=VALUE, found no '='")
            ])
        }
        let key = text[..<eq]
        path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        value = String(text[text.index(after: eq)...])
        self.text = text
        if key.isEmpty || path.contains(where: \.isEmpty) {
            throw ScenarioError([
                Diagnostic(
                    location: SourceLocation(file: "<command line>", line: nil, column: nil, override: text),
                    keyPath: String(key), message: "expected a dotted key path such as components.web.instances")
            ])
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
            throw ScenarioError([
                Diagnostic(
                    location: loc, keyPath: path.joined(separator: "."),
                    message: "the value is not valid YAML")
            ])
        }
    }
}

/// Why a value could not be set at a key path: the number of path segments that were
/// reached before it failed, and what was wrong there.
struct SettingError: Error {
    var depth: Int
    var message: String
}

extension ScenarioNode {
    /// Returns the tree with `override` applied: the value at its key path replaced, or added
    /// (with any missing mappings on the way) when absent. Sequence elements are addressed by index.
    public func applying(_ override: Override) throws(ScenarioError) -> ScenarioNode {
        let loc = SourceLocation(file: "<command line>", line: nil, column: nil, override: override.text)
        do {
            return try setting(override.path[...], to: override.node(), keyLocation: loc)
        } catch let e as SettingError {
            throw ScenarioError([
                Diagnostic(location: loc, keyPath: override.path[..<e.depth].joined(separator: "."), message: e.message)
            ])
        } catch let e as ScenarioError {
            throw e
        } catch {
            throw ScenarioError([Diagnostic(location: loc, keyPath: override.text, message: "\(error)")])
        }
    }

    /// The tree with the value at `path` replaced, or added when absent (creating mappings on
    /// the way, their keys located at `keyLocation`). Shared by `--set` overrides and sweep points.
    func setting(
        _ path: ArraySlice<String>, to new: ScenarioNode, keyLocation: SourceLocation, depth: Int = 0
    ) throws(SettingError) -> ScenarioNode {
        guard let head = path.first else { return new }
        let rest = path.dropFirst()
        switch self {
        case .mapping(var pairs, let l):
            if let i = pairs.firstIndex(where: { $0.key == head }) {
                pairs[i].value = try pairs[i].value.setting(rest, to: new, keyLocation: keyLocation, depth: depth + 1)
            } else {
                pairs.append(
                    (
                        head, keyLocation,
                        try ScenarioNode.null(keyLocation).setting(
                            rest, to: new, keyLocation: keyLocation, depth: depth + 1)
                    ))
            }
            return .mapping(pairs, l)
        case .null(let l):
            return .mapping(
                [
                    (
                        head, keyLocation,
                        try ScenarioNode.null(keyLocation).setting(
                            rest, to: new, keyLocation: keyLocation, depth: depth + 1)
                    )
                ], l)
        case .sequence(var items, let l):
            guard let i = Int(head), items.indices.contains(i) else {
                throw SettingError(
                    depth: depth + 1, message: "expected an index below \(items.count) into the list, found '\(head)'")
            }
            items[i] = try items[i].setting(rest, to: new, keyLocation: keyLocation, depth: depth + 1)
            return .sequence(items, l)
        case .scalar:
            throw SettingError(
                depth: depth, message: "cannot set '\(head)' inside \(kindDescription): it is not a mapping")
        }
    }
}
