/// Sweeps: `sweep:` maps key paths to lists of values; the points are the cartesian product of
/// the axes in file order (first axis outermost). Key paths may be written flat
/// (`components.web.instances: [4, 8]`) or nested (`components: {web: {instances: [4, 8]}}`);
/// `--sweep KEY.PATH=v1,v2` adds `sweep.KEY.PATH=[v1, v2]`, replacing an axis of the same path.
extension ScenarioDecoder {
    /// Largest number of points a sweep may have.
    static let maximumSweepPoints = 10_000

    struct Axis {
        var path: [String]
        var values: [ScenarioNode]
        var joined: String { path.joined(separator: ".") }
    }

    /// The axes of a `sweep:` node, later axes replacing earlier ones with the same path.
    mutating func decodeSweep(_ node: ScenarioNode) -> [Axis]? {
        guard case .mapping = node else {
            reader.fail(
                node, "sweep", "expected a mapping of key paths to lists of values, found \(node.kindDescription)")
            return nil
        }
        var axes: [Axis] = []
        func collect(_ n: ScenarioNode, _ prefix: [String], _ reader: inout NodeReader) {
            switch n {
            case .mapping(let pairs, _):
                for p in pairs { collect(p.value, prefix + p.key.split(separator: ".").map(String.init), &reader) }
            case .sequence(let items, _):
                let path = prefix.joined(separator: ".")
                if items.isEmpty {
                    reader.fail(n, "sweep." + path, "expected at least one value")
                    return
                }
                if let first = prefix.first, first == "sweep" || first == "replications" || first == "seed" {
                    reader.fail(
                        n, "sweep." + path,
                        "'\(first)' cannot be swept: every point runs the same replications with the same seed")
                    return
                }
                axes.removeAll { $0.path == prefix }
                axes.append(Axis(path: prefix, values: items))
            default:
                reader.fail(
                    n, "sweep." + prefix.joined(separator: "."), "expected a list of values, found \(n.kindDescription)"
                )
            }
        }
        collect(node, [], &reader)
        return axes
    }

    /// Every point of the sweep as a fully decoded scenario, or nil after reporting problems.
    mutating func decodePoints(base: ScenarioNode, axes: [Axis]) -> [Scenario]? {
        let count = axes.reduce(1) { $0 * $1.values.count }
        guard count <= Self.maximumSweepPoints else {
            reader.fail(base, "sweep", "expected at most \(Self.maximumSweepPoints) sweep points, found \(count)")
            return nil
        }
        var points: [Scenario] = []
        var index = Array(repeating: 0, count: axes.count)
        for _ in 0..<count {
            var tree = base
            var values: [SweepValue] = []
            for (a, axis) in axes.enumerated() {
                let value = axis.values[index[a]]
                do {
                    tree = try tree.setting(axis.path[...], to: value, keyLocation: value.location)
                } catch {
                    reader.fail(value, "sweep." + axis.joined, "cannot set \(axis.joined): \(error.message)")
                    return nil
                }
                values.append(SweepValue(path: axis.joined, text: value.flowText))
            }
            var pointDecoder = ScenarioDecoder(file: file, baseDirectory: baseDirectory)
            guard var point = pointDecoder.decodeSingle(tree) else {
                let label = values.map { "\($0.path)=\($0.text)" }.joined(separator: ", ")
                for d in pointDecoder.reader.diagnostics {
                    var d = d
                    d.message += " (at sweep point \(label))"
                    reader.diagnostics.append(d)
                }
                return nil
            }
            point.axes = values
            points.append(point)
            // Advance the odometer: the last axis varies fastest.
            var a = axes.count - 1
            while a >= 0 {
                index[a] += 1
                if index[a] < axes[a].values.count { break }
                index[a] = 0
                a -= 1
            }
        }
        return points
    }
}

extension ScenarioNode {
    /// Removes a top-level key.
    func removing(key: String) -> ScenarioNode {
        guard case .mapping(let pairs, let l) = self else { return self }
        return .mapping(pairs.filter { $0.key != key }, l)
    }

    /// Compact flow-style YAML text of the node (`8`, `[a, b]`, `{mean: 1ms}`), for axis columns.
    var flowText: String {
        switch self {
        case .scalar(let s, _): s
        case .null: "null"
        case .sequence(let items, _): "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let pairs, _): "{" + pairs.map { "\($0.key): \($0.value.flowText)" }.joined(separator: ", ") + "}"
        }
    }
}
