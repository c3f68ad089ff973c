/// The options of `balance: consistent_hash` (`vnodes:`, `load_factor:`), on a server pool or on
/// the load balancer in front of it. Ignored by the other policies.
public struct ConsistentHashOptions: Sendable, Equatable {
    /// Virtual nodes per instance on the ring (1 … 10,000; default 100). More virtual nodes
    /// spread the key space more evenly: an instance's share of uniform keys has mean 1/n and a
    /// spread that shrinks like 1/√vnodes.
    public var vnodes: Int
    /// The bounded-load factor c ≥ 1 in millionths (1.25 → 1_250_000), or nil for plain
    /// consistent hashing without a bound (`load_factor: unlimited`). An instance may hold at
    /// most ceil(c · (in flight + 1) / n) requests in flight; kept as a whole number so the
    /// bound is computed exactly, in integers.
    public var loadFactorMillionths: Int?

    public static let defaultVnodes = 100
    public static let defaultLoadFactor = 1.25

    public init(vnodes: Int = defaultVnodes, loadFactor: Double? = defaultLoadFactor) {
        self.vnodes = vnodes
        self.loadFactorMillionths = loadFactor.map { Int(($0 * 1e6).rounded()) }
    }

    /// The load factor c (nil: unbounded).
    public var loadFactor: Double? { loadFactorMillionths.map { Double($0) / 1e6 } }
}

/// The fixed, seed-independent hash functions of consistent hashing (never Swift's per-process
/// `Hasher`, whose seed changes from run to run, so results would too). A ring is a pure function of the
/// pool's component name, its instance count and `vnodes`, so it is the same in every
/// replication, every design of a sweep, every process and every machine.
///
/// - `mix(x)`: SplitMix64's finaliser (Stafford's Mix13 constants) — a bijection of 64-bit words
///   with full avalanche: x ^= x >> 30; x *= 0xbf58476d1ce4e5b9; x ^= x >> 27;
///   x *= 0x94d049bb133111eb; x ^= x >> 31.
/// - `salt(name)`: FNV-1a 64 of the component name's UTF-8 bytes (offset 0xcbf29ce484222325,
///   prime 0x100000001b3).
/// - The point of virtual node j of instance i (both from 0): mix(salt ^ mix(i << 32 | j)).
/// - A key k (a rank ≥ 1) hashes to mix(k); it belongs to the first point clockwise at or after
///   its hash (the first point ≥ mix(k), wrapping past 2⁶⁴ − 1 to the smallest).
///
/// Instances are identified by their index in the pool, so a pool of n + 1 instances has the
/// ring of n instances plus the new instance's points: only the keys landing on those move.
public enum HashRing {
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// FNV-1a 64 of the name's UTF-8 bytes.
    public static func salt(_ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Where virtual node `vnode` of instance `instance` sits on the ring of component `salt`.
    @inline(__always)
    public static func point(salt: UInt64, instance: Int, vnode: Int) -> UInt64 {
        mix(salt ^ mix(UInt64(instance) << 32 | UInt64(vnode)))
    }

    /// Where key `key` hashes on every ring.
    @inline(__always)
    public static func keyHash(_ key: UInt64) -> UInt64 { mix(key) }

    /// The ring's points sorted clockwise (ties: the lower instance first), each with its owner.
    public static func points(name: String, instances: Int, vnodes: Int) -> [(hash: UInt64, owner: Int32)] {
        let s = salt(name)
        var points: [(hash: UInt64, owner: Int32)] = []
        points.reserveCapacity(instances * vnodes)
        for i in 0..<instances {
            for j in 0..<vnodes { points.append((point(salt: s, instance: i, vnode: j), Int32(i))) }
        }
        points.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.owner < $1.owner }
        return points
    }

    /// The index of the first of `count` sorted `hashes` at or after `h` (0 past the last).
    @inline(__always)
    static func successor(_ h: UInt64, in hashes: UnsafePointer<UInt64>, count: Int) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if hashes[mid] < h { lo = mid &+ 1 } else { hi = mid }
        }
        return lo == count ? 0 : lo
    }

    /// The owner (instance index) of `key` on a sorted ring, ignoring load and health.
    public static func owner(of key: UInt64, in points: [(hash: UInt64, owner: Int32)]) -> Int32 {
        let h = keyHash(key)
        var lo = 0
        var hi = points.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if points[mid].hash < h { lo = mid + 1 } else { hi = mid }
        }
        return points[lo == points.count ? 0 : lo].owner
    }

    /// Each instance's share of the ring: the arcs ending at its points (the keys hashing into
    /// (previous point, point] go to the point's owner), as fractions of 2⁶⁴.
    public static func arcShares(_ points: [(hash: UInt64, owner: Int32)], instances: Int) -> [Double] {
        var shares = Array(repeating: 0.0, count: instances)
        guard let last = points.last else { return shares }
        var previous = last.hash
        for p in points {
            shares[Int(p.owner)] += Double(p.hash &- previous) / 18_446_744_073_709_551_616.0
            previous = p.hash
        }
        if points.count == 1 { shares[Int(points[0].owner)] = 1 }
        return shares
    }
}

/// A station's ring at run time: its points' hashes and owners in two buffers allocated once by
/// `Balancer.init` and freed by `Balancer.deallocate()`, so a lookup allocates nothing.
struct RingState {
    let hashes: UnsafeMutablePointer<UInt64>
    let owners: UnsafeMutablePointer<Int32>
    let count: Int
    /// c in millionths, or 0 for no bound.
    let loadFactorMillionths: Int

    init(name: String, instances: Int, options: ConsistentHashOptions) {
        let points = HashRing.points(name: name, instances: instances, vnodes: options.vnodes)
        count = points.count
        hashes = .allocate(capacity: max(1, count))
        owners = .allocate(capacity: max(1, count))
        for (k, p) in points.enumerated() {
            hashes[k] = p.hash
            owners[k] = p.owner
        }
        loadFactorMillionths = options.loadFactorMillionths ?? 0
    }

    func deallocate() {
        hashes.deallocate()
        owners.deallocate()
    }

    /// The instance (offset in the pool) that takes a request whose key hashes to `h`: the
    /// first owner clockwise from h that the balancer believes healthy and, with a load factor
    /// c, that holds fewer than ceil(c · (T + 1) / m) requests in flight — T the requests in
    /// flight at the m instances believed healthy. Some instance always has room (if all m held
    /// ≥ c(T + 1)/m ≥ (T + 1)/m they would hold more than T), so the walk ends within one turn.
    /// The candidates are the pool's instances; m is their number believed healthy (≥ 1).
    @inline(__always)
    func choose(keyHash h: UInt64, among c: Candidates) -> Int32 {
        var k = HashRing.successor(h, in: hashes, count: count)
        var cap = -1
        for _ in 0..<count {
            let o = owners[k]
            if c.all || c.pool[Int(o)].healthy {
                if loadFactorMillionths == 0 { return o }
                let load = c.inFlight(o)
                if load == 0 { return o }  // the bound is at least 1
                if cap < 0 { cap = bound(c) }
                if load < cap { return o }
            }
            k = k &+ 1 == count ? 0 : k &+ 1
        }
        preconditionFailure("consistent_hash: no instance with room (healthyCount out of step?)")
    }

    /// ceil(c · (T + 1) / m) in integers: T the requests in flight at the instances believed
    /// healthy, m their number.
    @inline(__always)
    func bound(_ c: Candidates) -> Int {
        var total = 0
        for i in 0..<c.count where c.all || c.pool[Int(i)].healthy { total &+= c.inFlight(i) }
        let d = 1_000_000 &* Int(c.eligible)
        return (loadFactorMillionths &* (total &+ 1) &+ d &- 1) / d
    }
}
