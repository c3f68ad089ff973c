import InfraModel
import SimKernel

/// `zones:` (zones that fail as a whole), a pool's `zones: [a, b]`, and `events:` — outages,
/// gray failures, maintenance, rolling restarts and deploys at set times.
///
/// ```yaml
/// zones: {a: {}, b: {failures: {mtbf: 2000h, mttr: 2h}}, c: {}}
/// # also: {at: 1h, switchover: {component: db}} (a database's planned primary switchover)
/// #       {at: 2h, data_loss: {component: db}}  (a database's total loss, then its restore)
/// events:
///   - {at: 30m, outage: {zone: b, for: 15m}}
///   - {at: 20m, degrade: {component: db, factor: 3x, for: 10m}}
///   - {at: 80m, rolling_deploy: {component: web, batch: 2, each: 90s, drain: 30s, service_factor: 1.2x}}
/// ```
extension ScenarioDecoder {
    static let zoneKeys = ["failures"]
    static let eventKinds = [
        "outage", "degrade", "maintenance", "rolling_restart", "rolling_deploy", "canary_deploy", "blue_green_deploy",
        "cache_flush", "switchover", "region_outage", "data_loss",
    ]
    static let targetKeys = ["component", "zone", "instances"]
    static let eventKeys: [String: [String]] = [
        "outage": targetKeys + ["for", "mode"],
        "degrade": targetKeys + ["factor", "for"],
        "maintenance": ["component", "instances", "for", "drain"],
        "rolling_restart": ["component", "batch", "each", "drain"],
        "cache_flush": ["component"],
        "switchover": ["component"],
        "data_loss": ["component"],
        "region_outage": ["region", "for", "mode"],
    ]

    /// The zones: those declared at the top level (in file order), then any a pool names that
    /// is not declared — allowed only when there is no top-level `zones:`. Sets each pool's
    /// zone indices.
    mutating func decodeZones(
        _ node: ScenarioNode?, components: ScenarioNode?, stations: inout [StationSpec]
    ) -> [ZoneSpec] {
        var zones: [ZoneSpec] = []
        if let node {
            if case .mapping(let pairs, _) = node {
                for p in pairs {
                    let path = "zones." + p.key
                    guard reader.checkName(p.key, .scalar(p.key, p.keyLocation), path) else { continue }
                    var failures: FailureSpec?
                    if case .null = p.value {
                    } else if let f = reader.fields(p.value, path, allowed: Self.zoneKeys), let n = f["failures"] {
                        failures = decodeFailures(n, f.path("failures"))
                        if let spec = failures, spec.repairCrews != nil {
                            reader.fail(
                                n, f.path("failures") + ".repair_crews",
                                "a zone is one unit: repair_crews applies to a pool's instances")
                        }
                    }
                    zones.append(ZoneSpec(name: p.key, failures: failures))
                }
            } else {
                reader.fail(
                    node, "zones",
                    "expected a mapping of zone names to {failures: …} (or {}), found \(node.kindDescription)")
            }
        }
        guard case .mapping(let comps, _)? = components else { return zones }
        let declared = node != nil
        for p in comps {
            guard case .mapping(let fields, _) = p.value, let z = fields.first(where: { $0.key == "zones" })?.value
            else { continue }
            guard let s = stations.firstIndex(where: { $0.name == p.key }) else {
                if failedComponents.contains(p.key), case .sequence(let items, _) = z {
                    zonesOfFailedComponents.formUnion(items.compactMap(\.scalarText))
                }
                continue
            }
            let path = "components.\(p.key).zones"
            guard let items = reader.list(z, path) else { continue }
            if items.isEmpty {
                reader.fail(z, path, "expected at least one zone name")
                continue
            }
            var indices: [Int] = []
            for (k, item) in items.enumerated() {
                guard let name = reader.name(item, path + ".\(k)") else { continue }
                if let i = zones.firstIndex(where: { $0.name == name }) {
                    if indices.contains(i) { reader.fail(item, path + ".\(k)", "zone '\(name)' is listed twice") }
                    indices.append(i)
                } else if declared {
                    reader.fail(
                        item, path + ".\(k)", "expected a zone declared under 'zones:', found '\(name)'",
                        suggestion: nearest(name, in: zones.map(\.name)))
                } else {
                    zones.append(ZoneSpec(name: name))
                    indices.append(zones.count - 1)
                }
            }
            if indices.count == items.count { stations[s].zones = indices }
        }
        return zones
    }

    mutating func decodeEvents(
        _ node: ScenarioNode, stations: [StationSpec], zones: [ZoneSpec], regions: Regions = Regions(),
        horizon: SimDuration?, deploys: inout [DeploySpec]
    ) -> [ScheduledEvent] {
        guard let items = reader.list(node, "events") else { return [] }
        var events: [ScheduledEvent] = []
        for (k, item) in items.enumerated() {
            let path = "events.\(k)"
            guard case .mapping(let pairs, _) = item else {
                reader.fail(
                    item, path,
                    "expected an event such as {at: 30m, outage: {zone: b, for: 15m}}, found \(item.kindDescription)")
                continue
            }
            let kinds = pairs.filter { $0.key != "at" }
            guard
                let f = reader.fields(
                    item, path, allowed: ["at"] + Self.eventKinds, required: ["at"])
            else { continue }
            guard kinds.count == 1, let (kind, body) = kinds.first.map({ ($0.key, $0.value) }) else {
                reader.fail(
                    item, path,
                    "expected exactly one of \(Self.eventKinds.joined(separator: ", ")) beside 'at', found \(kinds.count)"
                )
                continue
            }
            guard Self.eventKinds.contains(kind) else { continue }
            guard let atNode = f["at"], let at = reader.duration(atNode, f.path("at")) else { continue }
            if let horizon, at >= horizon {
                reader.fail(atNode, f.path("at"), "expected a time before the horizon (\(horizon)), found \(at)")
                continue
            }
            if kind == "region_outage" {
                if let action = decodeRegionOutage(body, path + "." + kind, stations: stations, regions: regions) {
                    events.append(ScheduledEvent(at: SimTime.zero + at, action: action))
                }
                continue
            }
            if Self.deployKeys[kind] != nil {
                if let deploy = decodeDeploy(
                    kind, body, path + "." + kind, at: SimTime.zero + at, stations: stations, earlier: deploys)
                {
                    deploys.append(deploy)
                }
                continue
            }
            if let action = decodeAction(kind, body, path + "." + kind, stations: stations, zones: zones) {
                events.append(ScheduledEvent(at: SimTime.zero + at, action: action))
            }
        }
        return events
    }

    private mutating func decodeAction(
        _ kind: String, _ node: ScenarioNode, _ path: String,
        stations: [StationSpec], zones: [ZoneSpec]
    ) -> ScheduledEvent.Action? {
        let required: [String] =
            switch kind {
            case "outage", "maintenance": ["for"]
            case "degrade": ["factor", "for"]
            case "cache_flush", "switchover", "data_loss": ["component"]
            default: ["component", "each"]
            }
        guard let allowed = Self.eventKeys[kind] else {
            preconditionFailure("eventKeys has the keys of every event kind, and '\(kind)' is one")
        }
        guard let f = reader.fields(node, path, allowed: allowed, required: required) else { return nil }
        let duration = f["for"].flatMap { reader.duration($0, f.path("for"), positive: true) }
        switch kind {
        case "outage":
            let mode = f["mode"].map { reader.choice($0, f.path("mode"), FailureSpec.Mode.self) } ?? .crash
            guard let refs = decodeTarget(f, node, path, stations: stations, zones: zones), let duration, let mode
            else { return nil }
            if let z = f["zone"]?.scalarText, let zone = zones.firstIndex(where: { $0.name == z }) {
                return .zoneOutage(zone: zone, refs, duration: duration, mode: mode)
            }
            return .outage(refs, duration: duration, mode: mode)
        case "degrade":
            let factor = f["factor"].flatMap { multiplier($0, f.path("factor")) }
            if let factor, factor <= 0, let factorNode = f["factor"] {
                reader.fail(factorNode, f.path("factor"), "expected a factor > 0, found \(format(factor))")
                return nil
            }
            guard let refs = decodeTarget(f, node, path, stations: stations, zones: zones), let duration, let factor
            else { return nil }
            return .degrade(refs, factor: factor, duration: duration)
        case "maintenance":
            let drain = f["drain"].map { reader.duration($0, f.path("drain")) } ?? .seconds(30)
            guard f["component"] != nil else {
                reader.fail(node, path, "missing required key 'component'")
                return nil
            }
            guard let refs = decodeTarget(f, node, path, stations: stations, zones: zones), let duration, let drain
            else { return nil }
            return .maintenance(refs, duration: duration, drain: drain)
        case "cache_flush":
            // A missing 'component' is already reported by fields(…) as a missing required key.
            guard let componentNode = f["component"], let s = station(componentNode, f.path("component"), stations)
            else { return nil }
            guard case .lru? = stations[s].cache?.policy else {
                let what =
                    stations[s].cache == nil
                    ? "not a cache" : "a cache with a fixed hit_ratio (it has no contents to flush)"
                reader.fail(
                    componentNode, f.path("component"),
                    "cache_flush needs an lru cache; '\(stations[s].name)' is \(what)")
                return nil
            }
            return .cacheFlush(station: s)
        case "switchover":
            // A missing 'component' is already reported by fields(…) as a missing required key.
            guard let componentNode = f["component"], let s = station(componentNode, f.path("component"), stations)
            else { return nil }
            guard let db = stations[s].database, db.failover != nil, db.replicas > 0 else {
                reader.fail(
                    componentNode, f.path("component"),
                    stations[s].database == nil
                        ? "a switchover promotes a database replica; '\(stations[s].name)' is not a database"
                        : "a switchover needs the database's 'failover: {detect, promote}' (its promotion time) and at least one replica"
                )
                return nil
            }
            return .switchover(station: s)
        case "data_loss":
            // A missing 'component' is already reported by fields(…) as a missing required key.
            guard let componentNode = f["component"], let s = station(componentNode, f.path("component"), stations)
            else { return nil }
            guard stations[s].database?.restore != nil else {
                reader.fail(
                    componentNode, f.path("component"),
                    stations[s].database == nil
                        ? "data_loss is a database's total loss; '\(stations[s].name)' is not a database"
                        : "data_loss needs the database's 'restore: {time: …}' (how it recovers, and how long that takes)"
                )
                return nil
            }
            return .dataLoss(station: s)
        default:
            // A missing 'component' is already reported by fields(…) as a missing required key.
            guard let componentNode = f["component"], let s = station(componentNode, f.path("component"), stations)
            else { return nil }
            let n = stations[s].instances
            let batch = f["batch"].map { reader.integer($0, f.path("batch"), min: 1, max: n) } ?? 1
            let each = f["each"].flatMap { reader.duration($0, f.path("each"), positive: true) }
            let drain = f["drain"].map { reader.duration($0, f.path("drain")) } ?? .seconds(30)
            guard let batch, let each, let drain else { return nil }
            return .rolling(station: s, instances: n, batch: batch, each: each, drain: drain, serviceFactor: 1)
        }
    }

    /// `component: web` (every instance), with `instances: 2` (the first two) or `[0, 3]`; or `zone: b`.
    private mutating func decodeTarget(
        _ f: Fields, _ node: ScenarioNode, _ path: String,
        stations: [StationSpec], zones: [ZoneSpec]
    ) -> [InstanceRef]? {
        switch (f["component"], f["zone"]) {
        case (let c?, nil):
            guard let s = station(c, f.path("component"), stations) else { return nil }
            let n = stations[s].instances
            guard let i = f["instances"] else { return (0..<n).map { InstanceRef(station: s, instance: $0) } }
            if case .sequence(let items, _) = i {
                var refs: [InstanceRef] = []
                for (k, item) in items.enumerated() {
                    guard let j = reader.integer(item, f.path("instances") + ".\(k)", min: 0, max: n - 1) else {
                        return nil
                    }
                    refs.append(InstanceRef(station: s, instance: j))
                }
                if refs.isEmpty {
                    reader.fail(i, f.path("instances"), "expected at least one instance index")
                    return nil
                }
                return refs
            }
            guard let count = reader.integer(i, f.path("instances"), min: 1, max: n) else { return nil }
            return (0..<count).map { InstanceRef(station: s, instance: $0) }
        case (nil, let z?):
            if let i = f["instances"] {
                reader.fail(i, f.path("instances"), "a zone event takes every instance in the zone: remove 'instances'")
                return nil
            }
            guard let name = reader.name(z, f.path("zone")) else { return nil }
            guard let zi = zones.firstIndex(where: { $0.name == name }) else {
                if zonesOfFailedComponents.contains(name) { return nil }  // that component's problem is reported
                reader.fail(
                    z, f.path("zone"), "expected a zone some component is placed in, found '\(name)'",
                    suggestion: nearest(name, in: zones.map(\.name)))
                return nil
            }
            var refs: [InstanceRef] = []
            for (s, st) in stations.enumerated() where !st.zones.isEmpty {
                for j in 0..<st.zonedInstances where st.zones[j % st.zones.count] == zi {
                    refs.append(InstanceRef(station: s, instance: j))
                }
            }
            // A cluster's nodes in the zone go down with it (`Cluster/`): their pods are its instances.
            let nodesInZone = pendingClusters.contains { c in c.zoneNames.contains { $0.name == name } }
            if refs.isEmpty && !nodesInZone {
                reader.fail(z, f.path("zone"), "no instance is placed in zone '\(name)'")
                return nil
            }
            return refs
        case (nil, nil):
            reader.fail(node, path, "expected 'component' (with optional 'instances') or 'zone'")
            return nil
        case (_?, _?):
            reader.fail(node, path, "give 'component' or 'zone', not both")
            return nil
        }
    }

    mutating func station(_ node: ScenarioNode, _ path: String, _ stations: [StationSpec]) -> Int? {
        guard let name = reader.string(node, path) else { return nil }
        if let s = stations.firstIndex(where: { $0.name == name }) { return s }
        if failedComponents.contains(name) { return nil }  // reported where it is defined
        reader.fail(
            node, path, "expected the name of a component, found '\(name)'",
            suggestion: nearest(name, in: stations.map(\.name)))
        return nil
    }
}
