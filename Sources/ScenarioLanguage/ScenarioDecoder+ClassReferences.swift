import InfraModel

/// Classes a component names (an inspection stage's `detect:`, a pool's priority list), read
/// before the workload that declares them: kept as references and checked once it is read.
extension ScenarioDecoder {
    /// Class `className`, named at `node` (`path`) by component `station`, which `verb`s it
    /// ("detects", "gives priority to").
    struct PendingClassReference {
        var station: String
        var className: String
        var node: ScenarioNode
        var path: String
        var verb: String
    }

    /// Every class the components name exists and reaches the component that names it (a rule
    /// for a class that never comes would do nothing).
    mutating func checkClassReferences(classes: [RequestClass], stations: [StationSpec]) {
        let names = classes.map(\.name)
        for r in pendingClassReferences {
            guard let c = classes.first(where: { $0.name == r.className }) else {
                reader.fail(
                    r.node, r.path,
                    "'\(r.station)' \(r.verb) class '\(r.className)', which the workload does not have (classes: \(names.joined(separator: ", ")))",
                    suggestion: nearest(r.className, in: names))
                continue
            }
            guard let s = stations.firstIndex(where: { $0.name == r.station }) else { continue }
            if !c.calls.contains(where: { $0.station == s }) {
                reader.fail(
                    r.node, r.path, "class '\(r.className)' never reaches '\(r.station)': it is not on the class's path"
                )
            }
        }
    }
}
