import InfraModel

extension ModelSpec {
    /// Per call-tree node of class c: the mean cross-region round trip a call to it pays (0
    /// unless the node's station is in a region other than the one the call comes from, see
    /// ``callingRegions(_:node:)``). Calls from the users (the root, or below stations in no
    /// region) are left out: they hold no worker. A read of a database with replicas in several
    /// regions goes to the nearest region it has a node in (none to cross when that is the
    /// caller's, every node taken as up); a write, to the primary's region.
    func meanCrossings(_ c: RequestClass) -> [Double] {
        guard !regions.isEmpty else { return Array(repeating: 0, count: c.calls.count) }
        return c.calls.indices.map { m in
            guard let to = stations[c.calls[m].station].region else { return 0 }
            let spanned = stations[c.calls[m].station].regionsSpanned
            return callingRegions(c, node: m).reduce(0) { sum, caller in
                let from = caller.region
                guard from != to else { return sum }
                if c.calls[m].access == .read && spanned.count > 1 {
                    if spanned.contains(from) { return sum }
                    return sum + caller.share * (spanned.compactMap { regions.latency[from][$0]?.mean }.min() ?? 0)
                }
                return sum + caller.share * (regions.latency[from][to]?.mean ?? 0)
            }
        }
    }

    /// Where a call to call-tree node m of class c comes from, with each region's share: the
    /// region of the nearest station above m that is in a region — for a database with nodes in
    /// several regions, the regions of the nodes serving it there
    /// (``servingRegions(_:node:)``). Empty for a call from the users (the root, or below
    /// stations in no region).
    func callingRegions(_ c: RequestClass, node m: Int) -> [(region: Int, share: Double)] {
        var parent = Array(repeating: -1, count: c.calls.count)
        for (n, node) in c.calls.enumerated() { for k in node.children { parent[k] = n } }
        var p = parent[m]
        while p >= 0 && stations[c.calls[p].station].region == nil { p = parent[p] }
        return p >= 0 ? servingRegions(c, node: p) : []
    }

    /// The regions that serve a visit to call-tree node m of class c, with their shares: its
    /// station's region; for a database with nodes in several regions, every node up, a write's
    /// primary region (the database's own) and a read's nearest region with a read node, from
    /// the region the call comes from (for a call from the users, their regions by their
    /// shares, else the database's own). Empty for a station in no region.
    func servingRegions(_ c: RequestClass, node m: Int) -> [(region: Int, share: Double)] {
        let st = stations[c.calls[m].station]
        guard let home = st.region else { return [] }
        guard let db = st.database, !db.remote.isEmpty, c.calls[m].access == .read else { return [(home, 1)] }
        var from = callingRegions(c, node: m)
        if from.isEmpty {
            let users = regions.list.reduce(0) { $0 + $1.users }
            from = users > 0 ? regions.list.enumerated().map { ($0.offset, $0.element.users / users) } : [(home, 1)]
        }
        let candidates = readRegions(db, home: home)
        var served: [(region: Int, share: Double)] = []
        for caller in from where caller.share > 0 {
            guard let nearest = regions.nearestFirst(candidates, from: caller.region).first else { continue }
            let g = candidates[nearest]
            if let k = served.firstIndex(where: { $0.region == g }) {
                served[k].share += caller.share
            } else {
                served.append((g, caller.share))
            }
        }
        return served
    }
}
