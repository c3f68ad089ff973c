import InfraModel
import SimKernel
import SimRandom

/// `regions:` (groups of zones where components live and users are, failing as a whole, with the
/// round trips between them) and a component's `region:`.
///
/// ```yaml
/// regions:
///   us-east: {zones: [a, b], users: 60%, failures: {mtbf: 4000h, mttr: 4h},
///             latency: {eu-west: {lognormal: {mean: 80ms, cv: 0.1}}}}
///   eu-west: {zones: [c], users: 40%}
/// components:
///   web: {kind: server_pool, zones: [a, b], …}     # in us-east, through its zones
///   db:  {kind: database, region: eu-west, …}
/// ```
extension ScenarioDecoder {
    static let regionKeys = ["zones", "users", "failures", "latency"]
    /// Top-level keys that belong elsewhere: a located error saying where, never an unknown key.
    /// (A standby is a pool's: `components.<pool>.standby`.)
    static let misplacedTopLevelRegionKeys = ["standby"]

    /// The regions in file order, with every pair's round trip; sets each component's region
    /// (its `region:`, or the region of its zones).
    mutating func decodeRegions(
        _ node: ScenarioNode?, components: ScenarioNode?, zones: [ZoneSpec], stations: inout [StationSpec]
    ) -> Regions {
        var list: [RegionSpec] = []
        var latencyNodes: [(from: Int, node: ScenarioNode, path: String)] = []
        if let node {
            if case .mapping(let pairs, _) = node, !pairs.isEmpty {
                for p in pairs {
                    let path = "regions." + p.key
                    guard reader.checkName(p.key, .scalar(p.key, p.keyLocation), path) else { continue }
                    var region = RegionSpec(name: p.key)
                    if case .null = p.value {
                    } else if let f = reader.fields(p.value, path, allowed: Self.regionKeys) {
                        if let z = f["zones"] { region.zones = decodeRegionZones(z, f.path("zones"), zones, list) }
                        if let u = f["users"] {
                            region.users = threshold(u, f.path("users"), unit: .fraction) ?? 0
                        }
                        if let n = f["failures"] {
                            region.failures = decodeFailures(n, f.path("failures"))
                            if region.failures?.repairCrews != nil {
                                reader.fail(
                                    n, f.path("failures") + ".repair_crews",
                                    "a region is one unit: repair_crews applies to a pool's instances")
                            }
                        }
                        if let l = f["latency"] { latencyNodes.append((list.count, l, f.path("latency"))) }
                    }
                    list.append(region)
                }
            } else {
                reader.fail(
                    node, "regions",
                    "expected a mapping of region names to {zones: […], users: …, failures: …, latency: …}, found \(node.kindDescription)"
                )
            }
        }
        let names = list.map(\.name)
        var latency: [[Distribution?]] = Array(
            repeating: Array(repeating: nil, count: list.count), count: list.count)
        for (from, l, path) in latencyNodes {
            guard case .mapping(let pairs, _) = l else {
                reader.fail(
                    l, path, "expected a mapping of other regions' names to round trips, found \(l.kindDescription)")
                continue
            }
            for p in pairs {
                let at = path + "." + p.key
                guard let to = names.firstIndex(of: p.key) else {
                    reader.fail(
                        .scalar(p.key, p.keyLocation), at,
                        "expected a region declared under 'regions:', found '\(p.key)'",
                        suggestion: nearest(p.key, in: names))
                    continue
                }
                if to == from {
                    reader.fail(p.value, at, "a region pays no latency to itself")
                    continue
                }
                if latency[from][to] != nil {
                    reader.fail(
                        p.value, at,
                        "the round trip between \(names[from]) and \(names[to]) is given twice (it is one figure for both directions)"
                    )
                    continue
                }
                let d = decodeTime(p.value, at)
                latency[from][to] = d
                latency[to][from] = d
            }
        }
        if let node, list.count > 1, reader.diagnostics.isEmpty {
            for a in 0..<list.count {
                for b in (a + 1)..<list.count where latency[a][b] == nil {
                    reader.fail(
                        node, "regions",
                        "no round trip between \(names[a]) and \(names[b]): give it as latency: {\(names[b]): …} under regions.\(names[a])"
                    )
                }
            }
        }
        if list.contains(where: { $0.users > 0 }), let node {
            let total = list.reduce(0) { $0 + $1.users }
            if abs(total - 1) > 1e-9 {
                reader.fail(
                    node, "regions",
                    "expected the regions' users to add up to 100%, found \(format((total * 100 * 1e6).rounded() / 1e6))%"
                )
            }
        }
        assignRegions(components: components, names: names, list: list, stations: &stations, declared: node)
        return Regions(list: list, latency: latency)
    }

    /// The zones of a region: declared zones, each in one region only.
    private mutating func decodeRegionZones(
        _ node: ScenarioNode, _ path: String, _ zones: [ZoneSpec], _ earlier: [RegionSpec]
    ) -> [Int] {
        guard let items = reader.list(node, path) else { return [] }
        var out: [Int] = []
        for (k, item) in items.enumerated() {
            guard let name = reader.name(item, path + ".\(k)") else { continue }
            guard let z = zones.firstIndex(where: { $0.name == name }) else {
                reader.fail(
                    item, path + ".\(k)",
                    "expected a zone declared under 'zones:' or named by a component, found '\(name)'",
                    suggestion: nearest(name, in: zones.map(\.name)))
                continue
            }
            if let other = earlier.first(where: { $0.zones.contains(z) }) {
                reader.fail(item, path + ".\(k)", "zone '\(name)' is already in region \(other.name)")
                continue
            }
            if out.contains(z) {
                reader.fail(item, path + ".\(k)", "zone '\(name)' is listed twice")
                continue
            }
            out.append(z)
        }
        return out
    }

    /// Each component's region: its `region:`, or that of its zones (all in one region).
    private mutating func assignRegions(
        components: ScenarioNode?, names: [String], list: [RegionSpec], stations: inout [StationSpec],
        declared: ScenarioNode?
    ) {
        guard case .mapping(let comps, _)? = components else { return }
        for p in comps {
            guard let s = stations.firstIndex(where: { $0.name == p.key }) else { continue }
            let path = "components.\(p.key)"
            // The region of each of its zones (nil: a zone in no region): one region, or none.
            let zoneRegions = stations[s].zones.map { z in list.firstIndex { $0.zones.contains(z) } }
            let fromZones = zoneRegions.first ?? nil
            if zoneRegions.contains(where: { $0 != fromZones }) {
                let spread = zoneRegions.map { $0.map { names[$0] } ?? "no region" }
                reader.fail(
                    fieldNode(p.value, "zones") ?? p.value, path + ".zones",
                    "a component lives in one region; its zones are in \(spread.joined(separator: ", ")): declare one component per region"
                )
                continue
            }
            guard let r = fieldNode(p.value, "region") else {
                stations[s].region = fromZones
                continue
            }
            guard let name = reader.name(r, path + ".region") else { continue }
            guard let g = names.firstIndex(of: name) else {
                reader.fail(
                    r, path + ".region",
                    declared == nil
                        ? "expected a region declared under 'regions:', found '\(name)' (the scenario has no 'regions:')"
                        : "expected a region declared under 'regions:', found '\(name)'",
                    suggestion: nearest(name, in: names))
                continue
            }
            if let z = fromZones, z != g {
                reader.fail(r, path + ".region", "its zones are in region \(names[z]), not \(name)")
                continue
            }
            stations[s].region = g
        }
    }

    private func fieldNode(_ node: ScenarioNode, _ key: String) -> ScenarioNode? {
        guard case .mapping(let fields, _) = node else { return nil }
        return fields.first { $0.key == key }?.value
    }
}

extension ScenarioDecoder {
    /// `region_outage: {region: us-east, for: 1h, mode: crash}`: every component in the region
    /// goes down for the duration.
    mutating func decodeRegionOutage(
        _ node: ScenarioNode, _ path: String, stations: [StationSpec], regions: Regions
    ) -> ScheduledEvent.Action? {
        guard
            let f = reader.fields(
                node, path, allowed: ["region", "for", "mode"], required: ["region", "for"])
        else { return nil }
        let duration = f["for"].flatMap { reader.duration($0, f.path("for"), positive: true) }
        let mode = f["mode"].map { reader.choice($0, f.path("mode"), FailureSpec.Mode.self) } ?? .crash
        guard let regionNode = f["region"], let name = reader.name(regionNode, f.path("region")) else { return nil }
        let names = regions.list.map(\.name)
        guard let g = names.firstIndex(of: name) else {
            reader.fail(
                regionNode, f.path("region"), "expected a region declared under 'regions:', found '\(name)'",
                suggestion: nearest(name, in: names))
            return nil
        }
        guard let duration, let mode else { return nil }
        var refs: [InstanceRef] = []
        for (s, st) in stations.enumerated() where st.regionsSpanned.contains(g) {
            for j in 0..<st.instances where st.region(ofInstance: j) == g {
                refs.append(InstanceRef(station: s, instance: j))
            }
        }
        return .regionOutage(region: g, refs, duration: duration, mode: mode)
    }
}
