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
/// (`checkClassReferences`).
extension ScenarioDecoder {
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
            pendingClassReferences.append(
                PendingClassReference(
                    station: station, className: name, node: item, path: itemPath, verb: "gives priority to"))
        }
        return names.count == items.count ? names : nil
    }
}
