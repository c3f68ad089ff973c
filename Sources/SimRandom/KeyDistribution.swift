/// Which key a request touches: a rank in 1…N, drawn uniformly or by Zipf popularity.
///
/// Keys are **1-based ranks**: key 1 is the most popular under Zipf (under uniform every key is
/// equally likely). The same key space is meant to be shared by caches, consistent hashing and the
/// database, so a key is just its rank; whoever needs a spread-out identifier hashes it.
///
/// A Zipf case holds a ready ``ZipfDistribution`` (constants precomputed), so ``sample(_:)`` does no
/// set-up per draw; build one with ``zipf(exponent:count:)``. Check ``validate()`` before sampling.
public enum KeyDistribution: Equatable, Sendable, CustomStringConvertible {
    /// Every key in 1…count equally likely.
    case uniform(count: UInt64)
    /// Zipf popularity over 1…count (rank 1 the most popular).
    case zipf(ZipfDistribution)

    /// Zipf with exponent s ≥ 0 over `count` keys (s = 0 draws like uniform, from the same
    /// rejection-inversion code).
    public static func zipf(exponent: Double, count: UInt64) -> KeyDistribution {
        .zipf(ZipfDistribution(exponent: exponent, count: count))
    }

    /// The number of keys N.
    public var count: UInt64 {
        switch self {
        case .uniform(let count): count
        case .zipf(let z): z.count
        }
    }

    /// Nil when valid, otherwise a message naming the first bad parameter, e.g.
    /// `"count must be >= 1 (found 0)"`. Rules: 1 ≤ count ≤ 2⁵³; a Zipf exponent is finite and ≥ 0.
    public func validate() -> String? {
        switch self {
        case .uniform(let count): ZipfDistribution.validateCount(count)
        case .zipf(let z): z.validate()
        }
    }

    /// One key (a rank in 1…count) from `stream`.
    ///
    /// Uniform with count ≤ 2³² − 1 is ``RandomStream/index(below:)`` + 1 (one word, unbiased, ≡
    /// `gsl_rng_uniform_int`); above, two words make a 64-bit integer, rejected above the largest
    /// multiple of count (unbiased). Zipf is ``ZipfDistribution/sample(_:)``.
    /// - Precondition: ``validate()`` returns nil.
    @inlinable
    public func sample(_ stream: RandomStream) -> UInt64 {
        switch self {
        case .uniform(let count):
            if count <= 0xFFFF_FFFF { return UInt64(stream.index(below: Int(count))) &+ 1 }
            // 2⁶⁴ mod count, computed without 2⁶⁴: (2⁶⁴ − count) mod count.
            let excess = (0 &- count) % count
            while true {
                let x = UInt64(stream.nextUInt32()) << 32 | UInt64(stream.nextUInt32())
                if x <= UInt64.max &- excess { return x % count &+ 1 }
            }
        case .zipf(let z):
            return z.sample(stream)
        }
    }

    /// P(key = k): 1/count for uniform, k^(−s)/H(N, s) for Zipf; 0 outside 1…count.
    public func probability(ofRank k: UInt64) -> Double {
        switch self {
        case .uniform(let count): (k >= 1 && k <= count) ? 1 / Double(count) : 0
        case .zipf(let z): z.probability(ofRank: k)
        }
    }

    public var description: String {
        switch self {
        case .uniform(let count): "uniform(count: \(count))"
        case .zipf(let z): z.description
        }
    }
}
