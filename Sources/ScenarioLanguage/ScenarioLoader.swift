import Foundation

/// Why a scenario could not be loaded. The CLI maps these to exit codes: 66 for an unreadable
/// file, 65 for an invalid scenario.
public enum ScenarioLoadError: Error, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(ScenarioError)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): error: cannot read the scenario file: \(reason)"
        case let .invalid(e): e.description
        }
    }
}

/// Reads, overrides and validates scenario files.
public enum ScenarioLoader {
    /// Loads the scenario at `path` with `--set` overrides applied in order.
    public static func load(path: String, overrides: [Override] = []) throws(ScenarioLoadError) -> Scenario {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(file: path, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: "permission denied or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid(ScenarioError([Diagnostic(location: SourceLocation(file: path, line: nil, column: nil),
                                                     keyPath: "", message: "expected UTF-8 text")]))
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(yaml: text, file: path, baseDirectory: directory.isEmpty ? "." : directory, overrides: overrides)
    }

    /// Parses scenario text (for tests and for scenarios that do not come from a file).
    public static func parse(yaml: String, file: String = "<scenario>", baseDirectory: String = ".",
                             overrides: [Override] = []) throws(ScenarioLoadError) -> Scenario {
        do {
            var tree = try ScenarioNode.parse(yaml: yaml, file: file)
            for o in overrides { tree = try tree.applying(o) }
            var decoder = ScenarioDecoder(file: file, baseDirectory: baseDirectory)
            if let scenario = decoder.decode(tree) { return scenario }
            // Report in file order (command-line overrides last), whatever order decoding found them.
            let sorted = decoder.reader.diagnostics.enumerated().sorted { a, b in
                let ka = (a.element.location.line ?? .max, a.element.location.column ?? .max, a.offset)
                let kb = (b.element.location.line ?? .max, b.element.location.column ?? .max, b.offset)
                return ka < kb
            }.map(\.element)
            throw ScenarioError(sorted)
        } catch let e as ScenarioError {
            throw .invalid(e)
        } catch {
            throw .invalid(ScenarioError([Diagnostic(location: SourceLocation(file: file, line: nil, column: nil),
                                                     keyPath: "", message: "\(error)")]))
        }
    }
}
