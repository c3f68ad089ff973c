import Foundation

/// Resolves `extends: base.yaml`, so that design B is a few lines on top of design A.
///
/// It works on trees, before decoding: the base file (named relative to the extending file's
/// folder) is read and resolved in turn (chains are allowed, a cycle is an error naming the
/// chain), then the extending file is merged over it: mappings merge key by key, the extending
/// file's value wins, lists and scalars are replaced whole, a distribution of another family
/// replaces the base's, and a key set to null (`key: ~`) is removed. `name` is the one key not
/// inherited: a variant is another design, so it is named after its own file unless it says
/// otherwise. Every value keeps the location of the file it came from, so diagnostics point at
/// the right file.
struct ExtendsResolver {
    /// The text of every base file read, by the name diagnostics use for it (for snippets).
    var sources: [String: SourceText] = [:]
    /// Files in the order they were read (for ordering diagnostics: extending file first).
    var order: [String] = []
    var diagnostics: [Diagnostic] = []
    /// True when a base could not be resolved: decoding a half-merged tree would only add noise.
    var failed = false

    /// Longest chain of `extends:` followed; longer chains are almost surely a mistake.
    static let maximumDepth = 32

    /// `tree` with its `extends:` resolved; `file` is the name it was read under and `directory`
    /// the folder its base files are relative to.
    mutating func resolve(
        _ tree: ScenarioNode, file: String, directory: String, chain: [(name: String, identity: String)] = []
    ) -> ScenarioNode {
        guard case .mapping(let pairs, let location) = tree,
            let index = pairs.firstIndex(where: { $0.key == "extends" })
        else { return tree }
        let value = pairs[index].value
        var own = pairs
        own.remove(at: index)
        let withoutExtends = ScenarioNode.mapping(own, location)
        guard case .scalar(let name, _) = value, !name.isEmpty else {
            fail(
                value,
                "expected the name of a scenario file to extend (relative to this file's folder), found \(value.kindDescription)"
            )
            return withoutExtends
        }
        let baseName = name.hasPrefix("/") ? name : Self.join(directory, name)
        let identity = Self.identity(of: baseName)
        let chain = chain.isEmpty ? [(file, Self.identity(of: file))] : chain
        if let start = chain.firstIndex(where: { $0.identity == identity }) {
            let names = chain[start...].map(\.name) + [baseName]
            fail(value, "extends a file that extends this one: \(names.joined(separator: " → "))")
            return withoutExtends
        }
        guard chain.count < Self.maximumDepth else {
            fail(value, "expected at most \(Self.maximumDepth) files in a chain of 'extends', found more")
            return withoutExtends
        }
        let data: Data
        switch InputFile.read(baseName, limit: InputFile.scenarioLimit) {
        case .success(let d): data = d
        case .failure(let f):
            // A missing input, as for the file named on the command line: exit 66.
            fail(value, "cannot read the scenario file to extend, '\(baseName)': \(f)", missingInput: true)
            return withoutExtends
        }
        guard let text = String(data: data, encoding: .utf8) else {
            fail(value, "cannot read the scenario file to extend, '\(baseName)': expected UTF-8 text")
            return withoutExtends
        }
        sources[baseName] = SourceText(text)
        order.append(baseName)
        let base: ScenarioNode
        do throws(ScenarioError) {
            let (parsed, problems) = try ScenarioNode.parseCollecting(yaml: text, file: baseName)
            diagnostics += problems
            base = parsed
        } catch {
            diagnostics += error.diagnostics
            failed = true
            return withoutExtends
        }
        guard case .mapping = base else {
            fail(base, "expected a scenario (a mapping) in '\(baseName)', found \(base.kindDescription)")
            return withoutExtends
        }
        let resolvedBase = resolve(
            base, file: baseName, directory: Self.directory(of: baseName),
            chain: chain + [(baseName, identity)])
        let merged = resolvedBase.merged(with: withoutExtends)
        return own.contains(where: { $0.key == "name" }) ? merged : merged.removingKey("name")
    }

    private mutating func fail(_ node: ScenarioNode, _ message: String, missingInput: Bool = false) {
        var d = Diagnostic(location: node.location, keyPath: "extends", message: message)
        d.missingInput = missingInput
        diagnostics.append(d)
        failed = true
    }

    /// `a/b` + `c.yaml` = `a/b/c.yaml`; the current folder stays implicit (`.` + `c.yaml` = `c.yaml`).
    static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty || directory == "."
            ? name : (directory.hasSuffix("/") ? directory + name : directory + "/" + name)
    }

    /// The folder of a file's path (`.` for a bare name).
    static func directory(of path: String) -> String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }

    /// One spelling per file (absolute, symbolic links resolved) to recognise a cycle.
    static func identity(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

extension ScenarioNode {
    /// This tree with `other` merged over it: mappings merge key by key (base order first, new
    /// keys after in their own order), `other`'s value wins, a null in `other` removes the key,
    /// anything else is replaced whole.
    func merged(with other: ScenarioNode) -> ScenarioNode {
        guard case .mapping(var pairs, _) = self, case .mapping(let overrides, let location) = other else {
            return other
        }
        // A distribution is one value: switching family ({exponential: …} over {lognormal: …})
        // replaces it rather than leaving a mapping with two families.
        if pairs.count == 1, overrides.count == 1, pairs[0].key != overrides[0].key,
            ScenarioDecoder.distributionNames.contains(pairs[0].key),
            ScenarioDecoder.distributionNames.contains(overrides[0].key)
        {
            return other
        }
        for o in overrides {
            if let i = pairs.firstIndex(where: { $0.key == o.key }) {
                if case .null = o.value {
                    pairs.remove(at: i)
                    continue
                }
                pairs[i] = (o.key, o.keyLocation, pairs[i].value.merged(with: o.value))
            } else if case .null = o.value {
                continue
            } else {
                pairs.append(o)
            }
        }
        return .mapping(pairs, location)
    }

    /// The mapping without `key` (unchanged when it is not a mapping or has no such key).
    func removingKey(_ key: String) -> ScenarioNode {
        guard case .mapping(let pairs, let l) = self else { return self }
        return .mapping(pairs.filter { $0.key != key }, l)
    }
}
