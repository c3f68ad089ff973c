import InfraModel

extension ModelSpec {
    /// Per call-tree node of class c: the mean cross-region round trip a call to it pays (0
    /// unless the node's station is in a region other than that of its nearest calling station
    /// in a region). Calls from the users (the root, or below stations in no region) are left
    /// out: they hold no worker. A read of a database with replicas in several regions goes to
    /// the nearest region it has a node in (none to cross when that is the caller's, every node
    /// taken as up); a write, to the primary's region.
    func meanCrossings(_ c: RequestClass) -> [Double] {
        guard !regions.isEmpty else { return Array(repeating: 0, count: c.calls.count) }
        return c.calls.indices.map { m in
            guard let to = stations[c.calls[m].station].region else { return 0 }
            guard let from = callingRegion(c, node: m), from != to else { return 0 }
            let spanned = stations[c.calls[m].station].regionsSpanned
            if c.calls[m].access == .read && spanned.count > 1 {
                if spanned.contains(from) { return 0 }
                return spanned.compactMap { regions.latency[from][$0]?.mean }.min() ?? 0
            }
            return regions.latency[from][to]?.mean ?? 0
        }
    }

    /// The region of the nearest station above call-tree node m of class c that is in a region;
    /// nil for a call from the users (the root, or below stations in no region).
    func callingRegion(_ c: RequestClass, node m: Int) -> Int? {
        var parent = Array(repeating: -1, count: c.calls.count)
        for (n, node) in c.calls.enumerated() { for k in node.children { parent[k] = n } }
        var p = parent[m]
        while p >= 0 && stations[c.calls[p].station].region == nil { p = parent[p] }
        return p >= 0 ? stations[c.calls[p].station].region : nil
    }
}
