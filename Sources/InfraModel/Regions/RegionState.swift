import SimKernel
import SimRandom

/// The regions' run-time state: where each station is, where each call comes from, the streams
/// of the users' regions and the cross-region round trips, and each region's outages.
struct RegionState {
    /// Some station lives in a region: a request may pay a crossing (checked on the hot path
    /// before anything else).
    let any: Bool
    /// Per station: its region (index into `ModelSpec.regions.list`), −1 for none or for a
    /// database with nodes in several regions (`DatabaseRegions`, which knows each node's).
    let ofStation: [Int32]
    /// Per call-tree node, flattened as `ClassRoutes.paths`: the region the call to the node
    /// comes from — the region of the nearest calling station that has one — or −1 for a call
    /// from the user (the root, or a root reached only through stations in no region), or
    /// ``fromDatabaseNode`` when that nearest station is a database with nodes in several
    /// regions: the call then comes from the region of the node serving the request there.
    let fromNode: [Int32]
    /// Per call-tree node, as `fromNode`: true when that calling station is the root's.
    let fromRoot: [Bool]
    /// Per call-tree node, as `fromNode`: for ``fromDatabaseNode``, how many calls up the
    /// database is (1: the node's own caller); 0 otherwise.
    let fromLevels: [Int32]
    /// Per call-tree node, as `fromNode`: for ``fromDatabaseNode``, the database's own region
    /// (its primary's at the start), where a strand whose callers have all ended calls from;
    /// −1 otherwise.
    let fromDatabaseHome: [Int32]
    /// Some station is a database with nodes in several regions.
    let regionalDatabases: Bool
    /// `fromNode` of a call whose nearest calling station with a region is a database with
    /// nodes in several regions.
    static var fromDatabaseNode: Int32 { -2 }
    /// Cumulative user shares by region (empty without `users:`), ending at 1.
    let userCumulative: [Double]
    let userStream: RandomStream
    let latencyStream: RandomStream
    /// Per region: its instances (global indices), and the failure stream of its random outages.
    let members: [[Int32]]
    let failureStreams: [RandomStream]
    /// Per region: reasons it is down now (a random outage counts 1, each scheduled outage in
    /// progress 1); down while > 0.
    var downCount: [Int]
    /// Per region: random up/down periods drawn so far (the seat of the next draw).
    var cycle: [UInt64]
    /// Per region: ∫ [up] dt (ns) up to `since`, outages begun, and crossings into the region
    /// (calls that paid a cross-region round trip to reach one of its stations).
    var upIntegral: [Double]
    var since = SimTime.zero
    var outages: [UInt64]
    var crossings: [UInt64]

    init(spec: ModelSpec, streams: StreamStore, firstInstance: [Int]) {
        let regions = spec.regions.list
        let regional = spec.stations.map { $0.region != nil && $0.database?.remote.isEmpty == false }
        ofStation = spec.stations.indices.map { regional[$0] ? -1 : Int32(spec.stations[$0].region ?? -1) }
        any = spec.stations.contains { $0.region != nil }
        regionalDatabases = regional.contains(true)
        var from: [Int32] = []
        var root: [Bool] = []
        var levels: [Int32] = []
        var home: [Int32] = []
        for c in spec.classes {
            var parent = Array(repeating: -1, count: c.calls.count)
            for (n, node) in c.calls.enumerated() { for m in node.children { parent[m] = n } }
            for n in c.calls.indices {
                var p = parent[n]
                var up: Int32 = 1
                while p >= 0 && ofStation[c.calls[p].station] < 0 && !regional[c.calls[p].station] {
                    p = parent[p]
                    up += 1
                }
                let viaDatabase = p >= 0 && regional[c.calls[p].station]
                from.append(p < 0 ? -1 : viaDatabase ? Self.fromDatabaseNode : ofStation[c.calls[p].station])
                root.append(p == 0)
                levels.append(viaDatabase ? up : 0)
                home.append(viaDatabase ? Int32(spec.stations[c.calls[p].station].region ?? -1) : -1)
            }
        }
        fromNode = from
        fromRoot = root
        fromLevels = levels
        fromDatabaseHome = home
        var acc = 0.0
        let total = regions.reduce(0) { $0 + $1.users }
        userCumulative =
            total > 0
            ? regions.map {
                acc += $0.users
                return acc / total
            } : []
        userStream = streams.stream(path: "regions.users", purpose: .workload)
        latencyStream = streams.stream(path: "regions.latency", purpose: .routing)
        var members = Array(repeating: [Int32](), count: regions.count)
        for (s, st) in spec.stations.enumerated() {
            guard let g = st.region else { continue }
            let nodeRegions = st.database.map { $0.nodeRegions(home: g) }
            for j in 0..<st.instances { members[nodeRegions?[j] ?? g].append(Int32(firstInstance[s] + j)) }
        }
        self.members = members
        failureStreams = regions.map { streams.stream(path: "regions." + $0.name, purpose: .failures) }
        downCount = Array(repeating: 0, count: regions.count)
        cycle = Array(repeating: 0, count: regions.count)
        upIntegral = Array(repeating: 0, count: regions.count)
        outages = Array(repeating: 0, count: regions.count)
        crossings = Array(repeating: 0, count: regions.count)
    }

    /// Brings every region's ∫ [up] dt up to `now`.
    mutating func accumulate(to now: SimTime) {
        let dt = Double(now.nanoseconds &- since.nanoseconds)
        for g in upIntegral.indices where downCount[g] == 0 { upIntegral[g] += dt }
        since = now
    }
}
