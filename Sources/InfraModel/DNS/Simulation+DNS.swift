import SimKernel
import SimRandom

/// DNS answering requests with a region (see `DNSSpec`): a request of a routed class starts at
/// the entry of the region its client's cached answer names.
extension Simulation {
    /// Picks the region request r (a root strand or a client's attempt, at its start) goes to.
    mutating func resolveRegion(_ r: Int32) {
        let now = kernel.now.nanoseconds
        var x = now
        if dns.ttl > 0 {
            // The client's answer dates from its last refresh, at its own phase.
            dns.phaseStream.seat(replication: replication, entity: requests[r].serial)
            let phase = Int64(dns.phaseStream.uniform() * Double(dns.ttl))
            var age = (now - phase) % dns.ttl
            if age < 0 { age += dns.ttl }
            x = now - age
        }
        let choices = dns.preference[Int(userRegion(of: r) + 1)]
        var g = choices[0]
        for c in choices where !dns.knownDown(Int(c), at: x) {
            g = c
            break
        }
        requests[r].servingRegion = g
        dns.resolved[Int(g)] &+= 1
        if regions.downCount[Int(g)] > 0 { dns.stale &+= 1 }
    }

    /// Region g's outage begins (`down`) or ends at `now`, for what DNS's checks learn of it.
    mutating func dnsNotes(region g: Int, down: Bool, longAgo: Bool = false) {
        guard Shape.hasFeatures && dns.any else { return }
        let now = kernel.now.nanoseconds
        if down {
            // An outage that ended before now − detect − ttl can no longer change an answer.
            let horizon = now - dns.detect - dns.ttl
            var k = 0
            while k < dns.starts[g].count {
                if dns.ends[g][k] < horizon {
                    dns.starts[g].remove(at: k)
                    dns.ends[g].remove(at: k)
                } else {
                    k += 1
                }
            }
            dns.starts[g].append(longAgo ? Int64.min / 4 : now)
            dns.ends[g].append(.max)
        } else if let last = dns.ends[g].indices.last {
            dns.ends[g][last] = now
        }
    }

    /// Fills DNS's counters of a snapshot (from `snapshot()`).
    mutating func dnsSnapshot() {
        counters.dnsResolved = dns.resolved
        counters.dnsStale = dns.stale
    }
}
