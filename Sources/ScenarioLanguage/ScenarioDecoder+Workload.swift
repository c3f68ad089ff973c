import InfraModel
import SimKernel

extension ScenarioDecoder {
    static let workloadKeys = ["arrivals", "classes", "mode", "client", "profile", "response_size"]
    static let plannedWorkloadKeys: [String] = []
    static let classKeys = [
        "name", "weight", "path", "mode", "client", "arrivals", "keys", "response_size", "attack", "legitimate",
    ]
    static let plannedClassKeys: [String] = []

    /// `workload:` — the arrival process and the request classes.
    mutating func decodeWorkload(_ node: ScenarioNode, stations: [StationSpec]) -> (ArrivalProcess?, [RequestClass]) {
        guard let f = reader.fields(node, "workload", allowed: Self.workloadKeys + Self.plannedWorkloadKeys) else {
            return (nil, [])
        }
        for key in Self.plannedWorkloadKeys { if let n = f[key] { notBuilt(n, f.path(key)) } }
        let arrivals = f["arrivals"].flatMap { decodeArrivals($0, f.path("arrivals")) }
        // A path is a chain of synchronous calls unless it says `mode: pipeline`: a web worker
        // stays busy while its downstream calls run, the common case (README "Call modes").
        let defaultMode = f["mode"].map { decodeMode($0, f.path("mode")) } ?? .synchronous
        // The workload's client applies to every class that does not give its own.
        let defaultClient = f["client"].map { decodeClient($0, f.path("client")) } ?? .some(nil)
        // The workload's response size applies to every class that does not give its own.
        let defaultSize = f["response_size"].flatMap { responseSize($0, f.path("response_size")) } ?? 0
        responseBytes = []
        var classes: [RequestClass] = []
        if let c = f["classes"] {
            guard let items = reader.list(c, f.path("classes")) else { return (arrivals, []) }
            if items.isEmpty { reader.fail(c, f.path("classes"), "expected at least one class") }
            var names: [String] = []
            for (i, item) in items.enumerated() {
                let path = f.path("classes") + ".\(i)"
                guard
                    let cf = reader.fields(
                        item, path, allowed: Self.classKeys + Self.plannedClassKeys,
                        required: ["name", "path"])
                else { continue }
                for key in Self.plannedClassKeys { if let n = cf[key] { notBuilt(n, cf.path(key)) } }
                let name = cf["name"].flatMap { reader.name($0, cf.path("name")) }
                if let name, names.contains(name), let nameNode = cf["name"] {
                    reader.fail(nameNode, cf.path("name"), "class name '\(name)' is used twice")
                }
                if let name { names.append(name) }
                let weight = cf["weight"].map { reader.number($0, cf.path("weight"), exclusiveMinimum: 0) } ?? 1
                let mode = cf["mode"].map { decodeMode($0, cf.path("mode")) } ?? defaultMode
                let calls = cf["path"].flatMap { decodeCallPath($0, cf.path("path"), stations: stations) }
                let client = cf["client"].map { decodeClient($0, cf.path("client")) } ?? defaultClient
                let own = cf["arrivals"].map { decodeArrivals($0, cf.path("arrivals")) }
                let keys = cf["keys"].map { decodeKeys($0, cf.path("keys")) }
                if let calls {
                    checkHashKeys(
                        calls, hasKeys: cf["keys"] != nil, className: name ?? "?", stations: stations, at: item, path,
                        hint: "give it keys:, e.g. keys: {count: 1M, zipf: 0.99}")
                    checkCacheKeys(
                        calls, hasKeys: cf["keys"] != nil, className: name ?? "?", stations: stations, at: item, path,
                        hint: "give it keys:, e.g. keys: {count: 1M, zipf: 0.99}")
                    checkLimitKeys(
                        calls, keys: keys ?? nil, hasKeys: cf["keys"] != nil, className: name ?? "?",
                        stations: stations, at: item, path, hint: "give it keys:, e.g. keys: {count: 1M, zipf: 0.99}")
                }
                let size = cf["response_size"].map { responseSize($0, cf.path("response_size")) ?? 0 } ?? defaultSize
                var attack = cf["attack"].map { decodeAttack($0, cf.path("attack")) } ?? false
                // `legitimate: false` is another spelling of `attack: true`; both given must agree.
                if let l = cf["legitimate"], let legitimate = decodeAttack(l, cf.path("legitimate")) {
                    if cf["attack"] != nil, let a = attack, a == legitimate {
                        reader.fail(
                            l, cf.path("legitimate"),
                            "'legitimate: \(legitimate)' contradicts 'attack: \(a)': give one of them")
                        attack = nil
                    } else if cf["attack"] == nil {
                        attack = !legitimate
                    }
                } else if cf["legitimate"] != nil {
                    attack = nil
                }
                if cf["arrivals"] == nil && f["arrivals"] == nil {
                    reader.fail(
                        item, path,
                        "class '\(name ?? "?")' has no arrivals: give workload.arrivals (shared by weight) or the class its own 'arrivals'"
                    )
                }
                if cf["arrivals"] != nil, let weightNode = cf["weight"] {
                    reader.fail(
                        weightNode, cf.path("weight"),
                        "a class with its own arrivals takes no share of the workload's: remove 'weight'")
                }
                if let calls, let pathNode = cf["path"], mode == .pipeline,
                    !RequestClass(name: "", calls: calls).isChain
                {
                    reader.fail(
                        pathNode, cf.path("path"),
                        "mode: pipeline takes a plain list of components; calls, probability, repeat and parallel need synchronous calls"
                    )
                    continue
                }
                if let name, let weight, let calls, let mode, let client, own != .some(nil), keys != .some(nil),
                    let attack
                {
                    var cls = RequestClass(
                        name: name, weight: weight, calls: calls, mode: mode, client: client, arrivals: own ?? nil)
                    cls.keys = keys ?? nil
                    cls.attack = attack
                    classes.append(cls)
                    responseBytes.append(size)
                }
            }
            // Attack classes are left out of the headline figures: with no legitimate class, every
            // headline figure would be undefined.
            if !classes.isEmpty, classes.count == items.count, classes.allSatisfy(\.attack) {
                reader.fail(
                    c, f.path("classes"),
                    "every class is an attack class (attack: true), so no request would count in the headline figures: mark at least one class legitimate (attack: false, the default)"
                )
            }
            // The shared process is split by weight among the classes without their own: with
            // none left, its arrivals would have no class to go to.
            if let shared = f["arrivals"], !classes.isEmpty, classes.count == items.count,
                classes.allSatisfy({ $0.arrivals != nil })
            {
                reader.fail(
                    shared, f.path("arrivals"),
                    "every class has its own arrivals, so no class takes a share of workload.arrivals: remove it, or the 'arrivals' of a class that should share it"
                )
            }
        } else if f["arrivals"] == nil {
            reader.fail(node, "workload", "missing required key 'arrivals' (or classes with their own arrivals)")
        } else if let db = stations.first(where: { $0.database != nil }) {
            reader.fail(
                node, "workload",
                "a database is called as '\(db.name).read' or '\(db.name).write' from a class's path: name classes under workload.classes, e.g. {name: read, path: [web, \(db.name).read]}"
            )
        } else if stations.count > Self.maxCallNodes {
            // The default class visits every component: held to the same cap as a class's calls.
            reader.fail(
                node, "workload",
                "the default class visits every component in file order: expected at most \(Self.maxCallNodes), found \(stations.count); name classes under workload.classes with their own paths"
            )
        } else if !stations.isEmpty, let defaultMode, let defaultClient {
            // No classes: one class whose path is every component in file order.
            checkHashKeys(
                CallNode.chain(Array(stations.indices)), hasKeys: false, className: "default", stations: stations,
                at: node, "workload",
                hint: "name classes under workload.classes and give them keys:, e.g. keys: {count: 1M, zipf: 0.99}")
            checkCacheKeys(
                CallNode.chain(Array(stations.indices)), hasKeys: false, className: "default", stations: stations,
                at: node, "workload",
                hint: "name classes under workload.classes and give them keys:, e.g. keys: {count: 1M, zipf: 0.99}")
            checkLimitKeys(
                CallNode.chain(Array(stations.indices)), keys: nil, hasKeys: false, className: "default",
                stations: stations, at: node, "workload",
                hint: "name classes under workload.classes and give them keys:, e.g. keys: {count: 1M, zipf: 0.99}")
            classes = [
                RequestClass(
                    name: "default", weight: 1, path: Array(stations.indices), mode: defaultMode,
                    client: defaultClient)
            ]
            responseBytes = [defaultSize]
        }
        return (arrivals, classes)
    }

    /// `attack: true | false`; nil after reporting anything else (a string, a number, `yes`).
    mutating func decodeAttack(_ node: ScenarioNode, _ path: String) -> Bool? {
        switch node.scalarText {
        case "true": return true
        case "false": return false
        default:
            reader.fail(node, path, "expected true or false, found \(node.kindDescription)")
            return nil
        }
    }

    /// `synchronous` (the default) or `pipeline`; nil after reporting a misspelling.
    mutating func decodeMode(_ node: ScenarioNode, _ path: String) -> CallMode? {
        reader.choice(node, path, CallMode.self)
    }
}
