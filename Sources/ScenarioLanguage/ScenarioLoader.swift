import Foundation

/// Why a scenario could not be loaded. The CLI maps these to exit codes: 66 for an unreadable
/// file, 65 for an invalid scenario.
public enum ScenarioLoadError: Error, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(ScenarioError)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): error: cannot read the scenario file: \(reason)"
        case .invalid(let e): e.description
        }
    }
}

/// Reads, resolves (`extends:`), overrides (`--set`) and validates scenario files.
///
/// The steps, in order: parse the file into a tree (duplicate keys are collected, not fatal),
/// resolve `extends:` by merging the file over its base, apply `--set` overrides, decode. Every
/// problem from every step is reported together, in file order (the file named first, then its
/// bases, then the command line), each with the line it points into.
public enum ScenarioLoader {
    /// Loads the scenario at `path` with `--set` overrides applied in order.
    public static func load(path: String, overrides: [Override] = []) throws(ScenarioLoadError) -> Scenario {
        let data: Data
        switch InputFile.read(path, limit: InputFile.scenarioLimit) {
        case .success(let d): data = d
        case .failure(let f): throw .unreadable(file: path, reason: f.description)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid(
                ScenarioError([
                    Diagnostic(
                        location: SourceLocation(file: path, line: nil, column: nil),
                        keyPath: "", message: "expected UTF-8 text")
                ]))
        }
        return try parse(
            yaml: text, file: path, baseDirectory: ExtendsResolver.directory(of: path), overrides: overrides)
    }

    /// Parses scenario text (for tests and for scenarios that do not come from a file); a base
    /// named by `extends:` is read relative to `baseDirectory`.
    public static func parse(
        yaml: String, file: String = "<scenario>", baseDirectory: String = ".",
        overrides: [Override] = []
    ) throws(ScenarioLoadError) -> Scenario {
        var sources = [file: SourceText(yaml)]
        var order = [file]
        func failure(_ diagnostics: [Diagnostic]) -> ScenarioLoadError {
            .invalid(
                ScenarioError(
                    arrange(diagnostics, order: order + overrides.map { "--set " + $0.text }, sources: sources)))
        }

        var problems: [Diagnostic]
        var tree: ScenarioNode
        do throws(ScenarioError) {
            (tree, problems) = try ScenarioNode.parseCollecting(yaml: yaml, file: file)
        } catch {
            throw failure(error.diagnostics)
        }

        var resolver = ExtendsResolver()
        tree = resolver.resolve(tree, file: file, directory: baseDirectory)
        sources.merge(resolver.sources) { a, _ in a }
        order += resolver.order
        problems += resolver.diagnostics
        if resolver.failed { throw failure(problems) }

        for o in overrides {
            if o.path.first == "extends" {
                let loc = SourceLocation(file: "<command line>", line: nil, column: nil, override: o.text)
                problems.append(
                    Diagnostic(
                        location: loc, keyPath: "extends",
                        message:
                            "'extends' is resolved before --set overrides apply; write a variant file that extends the base instead"
                    ))
                continue
            }
            do throws(ScenarioError) { tree = try tree.applying(o) } catch { problems += error.diagnostics }
        }

        var decoder = ScenarioDecoder(file: file, baseDirectory: baseDirectory)
        if let scenario = decoder.decode(tree), problems.isEmpty { return scenario }
        throw failure(problems + decoder.reader.diagnostics)
    }

    /// Diagnostics in file order — the file named first, then its bases in the order they were
    /// read, then command-line overrides in the order given (`order` lists files, then
    /// `--set TEXT`) — whatever order they were found in, each with the text of the line it
    /// points into.
    static func arrange(_ diagnostics: [Diagnostic], order: [String], sources: [String: SourceText]) -> [Diagnostic] {
        func key(_ d: Diagnostic, _ offset: Int) -> (Int, Int, Int, Int) {
            let place = d.location.override.map { "--set " + $0 } ?? d.location.file
            let rank = order.firstIndex(of: place) ?? order.count
            return (rank, d.location.line ?? .max, d.location.column ?? .max, offset)
        }
        return diagnostics.enumerated().sorted { key($0.element, $0.offset) < key($1.element, $1.offset) }.map { item in
            var d = item.element
            if d.location.override == nil, let line = d.location.line, let text = sources[d.location.file]?.line(line) {
                d.sourceLine = text
            }
            return d
        }
    }
}
