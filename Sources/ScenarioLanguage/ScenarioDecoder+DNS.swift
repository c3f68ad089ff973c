import InfraModel
import SimKernel

/// `dns:` — global traffic management between regions' entry components.
///
/// ```yaml
/// dns:
///   routing: health_checked   # or anycast (no TTL: the switch is complete at detect)
///   ttl: 60s                  # how long clients keep an answer
///   detect: 30s               # until DNS notices a region down (or back)
///   entries: {us-east: web-east, eu-west: web-west}
///   primary: us-east          # optional: everyone there while it is up (active/passive)
/// ```
extension ScenarioDecoder {
    static let dnsKeys = ["routing", "ttl", "detect", "entries", "primary"]

    mutating func decodeDNS(_ node: ScenarioNode, regions: Regions, stations: [StationSpec]) -> DNSSpec? {
        guard let f = reader.fields(node, "dns", allowed: Self.dnsKeys, required: ["entries"]) else { return nil }
        let routing =
            f["routing"].map { reader.choice($0, f.path("routing"), DNSSpec.Routing.self) } ?? .healthChecked
        var ttl: SimDuration? = .zero
        if routing == .anycast, let t = f["ttl"] {
            reader.fail(t, f.path("ttl"), "anycast keeps no answer in clients' caches: give no ttl")
            ttl = nil
        } else if routing == .healthChecked {
            if let t = f["ttl"] {
                ttl = reader.duration(t, f.path("ttl"))
            } else {
                reader.fail(node, "dns", "missing required key 'ttl' (how long clients keep an answer)")
                ttl = nil
            }
        }
        let detect = f["detect"].map { reader.duration($0, f.path("detect")) } ?? .zero
        let names = regions.list.map(\.name)
        guard !names.isEmpty else {
            reader.fail(node, "dns", "DNS answers with a region: declare the regions under 'regions:'")
            return nil
        }
        var entries: [Int?] = Array(repeating: nil, count: names.count)
        var ok = true
        // Regions whose entry names a component already reported (broken, or unknown).
        var unresolved: Set<Int> = []
        if let e = f["entries"] {
            if case .mapping(let pairs, _) = e, !pairs.isEmpty {
                for p in pairs {
                    let at = f.path("entries") + "." + p.key
                    guard let g = names.firstIndex(of: p.key) else {
                        reader.fail(
                            .scalar(p.key, p.keyLocation), at,
                            "expected a region declared under 'regions:', found '\(p.key)'",
                            suggestion: nearest(p.key, in: names))
                        ok = false
                        continue
                    }
                    guard let s = station(p.value, at, stations) else {
                        unresolved.insert(g)
                        ok = false
                        continue
                    }
                    if stations[s].region != g {
                        reader.fail(
                            p.value, at,
                            "the entry of region \(p.key) must live in it; '\(stations[s].name)' is in \(stations[s].region.map { names[$0] } ?? "no region")"
                        )
                        ok = false
                    } else if entries.contains(s) {
                        reader.fail(p.value, at, "'\(stations[s].name)' is already another region's entry")
                        ok = false
                    } else {
                        entries[g] = s
                    }
                }
            } else {
                reader.fail(
                    e, f.path("entries"),
                    "expected a mapping of region names to their entry components, found \(e.kindDescription)")
                ok = false
            }
        }
        var primary: Int?
        if let p = f["primary"], let name = reader.name(p, f.path("primary")) {
            if let g = names.firstIndex(of: name), entries[g] != nil {
                primary = g
            } else if let g = names.firstIndex(of: name), unresolved.contains(g) {
                ok = false
            } else {
                reader.fail(
                    p, f.path("primary"), "expected a region with an entry under dns.entries, found '\(name)'",
                    suggestion: nearest(name, in: names.indices.filter { entries[$0] != nil }.map { names[$0] }))
                ok = false
            }
        }
        // (No entries at all: the missing key is reported by fields(…).)
        guard ok, entries.contains(where: { $0 != nil }), let routing, let ttl, let detect else { return nil }
        return DNSSpec(routing: routing, ttl: ttl, detect: detect, entries: entries, primary: primary)
    }

    /// DNS routes the classes whose path begins at an entry: at least one must, and none may
    /// visit a second region's entry after its first (DNS sends each request to one region: such
    /// a path calls the other region's entry on every request, the default class's trap).
    mutating func checkDNSRoutes(
        _ dns: DNSSpec, classes: [RequestClass], stations: [StationSpec], node: ScenarioNode
    ) {
        let entries = dns.entries.compactMap { $0 }
        guard !classes.isEmpty else { return }
        guard classes.contains(where: { entries.contains($0.calls[0].station) }) else {
            reader.fail(
                node, "dns.entries",
                "no class starts at an entry: DNS picks the first component of the classes whose path begins at one")
            return
        }
        for c in classes where entries.contains(c.calls[0].station) {
            guard
                let other = c.calls.dropFirst().first(where: {
                    entries.contains($0.station) && $0.station != c.calls[0].station
                })
            else { continue }
            reader.fail(
                node, "dns.entries",
                "class '\(c.name)' visits '\(stations[c.calls[0].station].name)' and then '\(stations[other.station].name)', entries of two regions: DNS sends each request to one region's entry, so give the class a path that starts at one of them (without 'classes:', the default class visits every component in file order)"
            )
        }
    }
}
