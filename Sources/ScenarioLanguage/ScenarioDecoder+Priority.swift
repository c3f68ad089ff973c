import InfraModel

/// `discipline: {priority: [classes]}` on a server pool: the classes a worker coming free
/// serves first, most urgent first (non-preemptive priority; see `QueueDiscipline.priority`).
///
/// ```yaml
/// app: {kind: server_pool, workers: 8, discipline: {priority: [checkout, browse]},
///       service: {exponential: {mean: 5ms}}}
/// ```
///
/// A mapping rather than a key of its own, so that a sweep or `--set` can swap it for `fifo`
/// and back. The list names classes, which are checked against the workload once it is read
/// (`checkPriorities`).
extension ScenarioDecoder {
    /// A class named in a pool's priority list, to be checked against the workload.
    struct PendingPriority {
        var station: String
        var className: String
        var node: ScenarioNode
        var path: String
    }

    /// The list under `discipline: {priority: …}`: a non-empty list of distinct class names;
    /// nil after a problem (reported).
    mutating func decodePriorityClasses(_ node: ScenarioNode, _ path: String, station: String) -> [String]? {
        guard let items = reader.list(node, path) else { return nil }
        if items.isEmpty {
            reader.fail(node, path, "expected at least one class name, found an empty list")
            return nil
        }
        var names: [String] = []
        for (i, item) in items.enumerated() {
            let itemPath = path + ".\(i)"
            guard let name = reader.string(item, itemPath) else { continue }
            if names.contains(name) {
                reader.fail(item, itemPath, "class '\(name)' is listed twice; each class has one level")
                continue
            }
            names.append(name)
            pendingPriorities.append(PendingPriority(station: station, className: name, node: item, path: itemPath))
        }
        return names.count == items.count ? names : nil
    }

    /// Every class a priority list names exists and reaches the pool (a level for a class
    /// that never comes would order nothing).
    mutating func checkPriorities(classes: [RequestClass], stations: [StationSpec]) {
        let names = classes.map(\.name)
        for p in pendingPriorities {
            guard let c = classes.first(where: { $0.name == p.className }) else {
                reader.fail(
                    p.node, p.path,
                    "'\(p.station)' gives priority to class '\(p.className)', which the workload does not have (classes: \(names.joined(separator: ", ")))",
                    suggestion: nearest(p.className, in: names))
                continue
            }
            guard let s = stations.firstIndex(where: { $0.name == p.station }) else { continue }
            if !c.calls.contains(where: { $0.station == s }) {
                reader.fail(
                    p.node, p.path, "class '\(p.className)' never reaches '\(p.station)': it is not on the class's path"
                )
            }
        }
    }
}
