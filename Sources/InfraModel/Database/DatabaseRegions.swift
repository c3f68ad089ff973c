import SimRandom

/// Where the nodes of a database with replicas in other regions live (`DatabaseSpec.remote`),
/// and how its reads find the nearest ones. Absent (nil in `DatabaseState`) for a database whose
/// nodes share the station's region, which reads and replicates as if there were no regions.
///
/// Reads: the read nodes form one range of consecutive nodes per region (`ranges`), each with
/// its own balancer. A read from region c tries the ranges in `order[c + 1]` — its own region
/// first, then the others by mean round trip from c (ties by declaration) — and goes to the
/// first one with a node in the rotation; a read from no region is taken as one from the
/// database's own region.
struct DatabaseRegions {
    /// A run of consecutive read nodes in one region: node offsets `from ..< from + count`.
    struct ReadRange {
        let from: Int32
        let count: Int32
        let region: Int32
    }

    /// Per node (primary first): its region.
    let nodeRegion: [Int32]
    let ranges: [ReadRange]
    var balancers: [Balancer]
    /// Per caller region + 1 (index 0: a caller in no region): indices into `ranges`, nearest first.
    let order: [[Int32]]

    /// `readFrom` is the first read node (0 when the primary may serve reads, or the primary
    /// moves with failovers; 1 otherwise).
    init(db: DatabaseSpec, home: Int, readFrom: Int, regions: Regions, policy: BalancePolicy, routing: RandomStream) {
        let regionOf = db.nodeRegions(home: home).map { Int32($0) }
        nodeRegion = regionOf
        var ranges: [ReadRange] = []
        var j = readFrom
        while j < regionOf.count {
            var end = j
            while end < regionOf.count && regionOf[end] == regionOf[j] { end += 1 }
            ranges.append(ReadRange(from: Int32(j), count: Int32(end - j), region: regionOf[j]))
            j = end
        }
        self.ranges = ranges
        balancers = ranges.map { Balancer(policy: policy, routing: routing, count: Int($0.count)) }
        order = (-1..<regions.list.count).map { caller in
            regions.nearestFirst(ranges.map { Int($0.region) }, from: caller < 0 ? home : caller).map { Int32($0) }
        }
    }

    func deallocate() { for b in balancers { b.deallocate() } }
}
