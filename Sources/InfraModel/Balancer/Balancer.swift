import SimKernel
import SimRandom

/// The instances a balancer chooses among: `count` consecutive instances from `pool` (a pool's
/// instances, or a database's read nodes), of which `eligible` are in the rotation (believed
/// healthy and not taken out on purpose: `InstanceState.healthy`). `loads` holds their requests
/// in flight (`Simulation.loads`, from the same instance).
///
/// Invariant: `eligible` is the number of `pool[0 ..< count]` with `healthy` set, other than
/// `excluded` (a candidate never chosen, −1 for none: a database's primary among its nodes when
/// reads go to the replicas, which node that is changing with failovers); none of
/// `pool[limit ..< count]` is eligible, so the scans stop at `limit` — an autoscaled pool's
/// slots above the highest one held cost nothing, however large its `max`. Skipping them
/// changes no choice: the policies skip ineligible candidates anyway.
struct Candidates {
    let pool: UnsafeMutablePointer<InstanceState>
    let loads: UnsafePointer<Int32>
    let count: Int32
    let eligible: Int32
    var excluded: Int32 = -1
    var limit: Int32

    init(
        pool: UnsafeMutablePointer<InstanceState>, loads: UnsafePointer<Int32>, count: Int32, eligible: Int32,
        excluded: Int32 = -1, limit: Int32? = nil
    ) {
        self.pool = pool
        self.loads = loads
        self.count = count
        self.eligible = eligible
        self.excluded = excluded
        self.limit = limit ?? count
        assert(self.limit <= count && (self.limit..<count).allSatisfy { !pool[Int($0)].healthy || $0 == excluded })
    }

    /// Every candidate is in the rotation: the policies skip no one (the common case, kept free of
    /// per-instance health reads).
    @inline(__always) var all: Bool { eligible == count }

    @inline(__always)
    func isEligible(_ k: Int32) -> Bool { all || (pool[Int(k)].healthy && k != excluded) }

    /// Requests in flight at candidate k: busy workers plus those waiting. (Under processor
    /// sharing `busy` counts every admitted request and nothing waits.)
    @inline(__always)
    func inFlight(_ k: Int32) -> Int { Int(loads[Int(k)]) }

    /// The offset of the m-th (0-based) eligible candidate.
    @inline(__always)
    func eligibleOffset(_ m: Int32) -> Int32 {
        if all { return m }
        var seen: Int32 = -1
        for k in 0..<count where pool[Int(k)].healthy && k != excluded {
            seen += 1
            if seen == m { return k }
        }
        preconditionFailure("fewer eligible candidates than `eligible` says")
    }
}

/// One balancing policy with its state: how a pool spreads requests over its instances, and how
/// a database spreads reads over its read nodes (see `BalancePolicy` for each policy's
/// semantics). A policy chooses among the eligible candidates exactly as it would among all of
/// them: random and power of two draw among the eligible ones; round robin and least outstanding
/// skip the others; smooth weighted round robin runs over the eligible instances' weights;
/// consistent hashing walks the ring past them, with its load bound over the eligible ones.
///
/// Allocation-free per choice: weights and the ring are allocated once in `init` and freed by
/// `deallocate()`, which its owner calls exactly once.
struct Balancer {
    let policy: BalancePolicy
    /// Random and power-of-two draws, seated at the request's visit (see `Request.seat`), so a
    /// request's choice is its own draw (common random numbers).
    let routing: RandomStream
    /// Round robin: the next candidate. Least outstanding: where the next scan starts (just after
    /// the candidate picked last). An offset into the candidates.
    private(set) var cursor: Int32 = 0
    /// Weighted round robin only (nil otherwise): `count` weights followed by `count` current weights.
    private let smoothWeights: UnsafeMutablePointer<Int64>?
    /// Consistent hashing only (nil otherwise).
    private let ring: RingState?

    /// A balancer over `count` candidates. `weights` (weighted round robin; nil: equal) has one
    /// positive weight per candidate; `name` and `hashing` place a consistent-hash ring's points.
    init(
        policy: BalancePolicy, routing: RandomStream, count: Int, weights: [Int]? = nil, name: String = "",
        hashing: ConsistentHashOptions = ConsistentHashOptions()
    ) {
        self.policy = policy
        self.routing = routing
        if policy == .weightedRoundRobin {
            let weights = weights ?? Array(repeating: 1, count: count)
            precondition(
                weights.count == count && weights.allSatisfy { $0 > 0 },
                "weighted_round_robin needs one positive weight per instance")
            let buffer = UnsafeMutablePointer<Int64>.allocate(capacity: 2 * count)
            for i in 0..<count {
                (buffer + i).initialize(to: Int64(weights[i]))
                (buffer + count + i).initialize(to: 0)
            }
            smoothWeights = buffer
        } else {
            smoothWeights = nil
        }
        ring = policy == .consistentHash ? RingState(name: name, instances: count, options: hashing) : nil
    }

    /// Frees what `init` allocated (once, when the simulation ends).
    func deallocate() {
        smoothWeights?.deallocate()
        ring?.deallocate()
    }

    /// The offset of the candidate request `q` goes to, or −1 when none is eligible.
    /// `replication` seats the draws; `q.dataKey` is the key consistent hashing places. (The
    /// request is read in place: a policy that draws nothing reads nothing of it.)
    @inline(__always)
    mutating func choose(among c: Candidates, for q: UnsafePointer<Request>, replication: UInt32) -> Int32 {
        guard c.eligible > 0 else { return -1 }
        let n = c.count
        guard n > 1 else { return 0 }
        switch policy {
        case .roundRobin:
            var k = cursor
            // Past `limit` nothing is eligible: wrap at once, as scanning to n would.
            if !c.all { while k >= c.limit || !c.isEligible(k) { k = k + 1 >= c.limit ? 0 : k + 1 } }
            cursor = k + 1 == n ? 0 : k + 1
            return k
        case .random:
            q.pointee.seat(routing, replication: replication)
            return c.eligibleOffset(Int32(truncatingIfNeeded: routing.index(below: Int(c.eligible))))
        case .leastOutstanding:
            return leastOutstanding(c)
        case .powerOfTwo:
            let h = c.eligible
            guard h > 1 else { return c.eligibleOffset(0) }
            q.pointee.seat(routing, replication: replication)
            // The first draw is `random`'s choice; the second is uniform over the other h − 1.
            let a = Int32(truncatingIfNeeded: routing.index(below: Int(h)))
            var b = Int32(truncatingIfNeeded: routing.index(below: Int(h) - 1))
            if b >= a { b += 1 }
            let x = c.eligibleOffset(a)
            let y = c.eligibleOffset(b)
            return c.inFlight(y) < c.inFlight(x) ? y : x
        case .weightedRoundRobin:
            return smoothWeightedRoundRobin(c)
        case .consistentHash:
            guard let ring else { preconditionFailure("consistent_hash balancer without its ring") }
            return ring.choose(keyHash: HashRing.keyHash(q.pointee.dataKey), among: c)
        }
    }

    /// The eligible candidate with the fewest in flight, scanning from just after the last pick
    /// (ties go round robin). O(candidates), but stops at the first one with nothing in flight.
    @inline(__always)
    private mutating func leastOutstanding(_ c: Candidates) -> Int32 {
        let n = c.count
        // The candidates in cyclic order from the cursor, those past `limit` (never eligible) left out.
        let m = c.limit
        var k = cursor >= m ? 0 : cursor
        var best: Int32 = -1
        var fewest = Int.max
        for _ in 0..<m {
            if c.isEligible(k) {
                let load = c.inFlight(k)
                if load < fewest {
                    fewest = load
                    best = k
                    if load == 0 { break }
                }
            }
            k = k + 1 == m ? 0 : k + 1
        }
        cursor = best + 1 == n ? 0 : best + 1
        return best
    }

    /// Smooth weighted round robin (nginx) over the eligible candidates: add each weight to its
    /// current weight, pick the largest current weight (ties: the lowest index), subtract the
    /// eligible candidates' total weight from it.
    @inline(__always)
    private func smoothWeightedRoundRobin(_ c: Candidates) -> Int32 {
        guard let weights = smoothWeights else { preconditionFailure("weighted_round_robin balancer without weights") }
        let n = Int(c.count)
        let current = weights + n
        var best = 0
        var largest = Int64.min
        var total: Int64 = 0
        for i in 0..<Int(c.limit) where c.isEligible(Int32(truncatingIfNeeded: i)) {
            current[i] &+= weights[i]
            total &+= weights[i]
            if current[i] > largest {
                largest = current[i]
                best = i
            }
        }
        current[best] &-= total
        return Int32(truncatingIfNeeded: best)
    }
}
