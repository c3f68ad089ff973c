import CGSL

/// A non-owning handle to one keyed Philox stream (a `gsl_rng` of type ``PhiloxRNGType``).
///
/// A plain two-pointer struct: copying it costs nothing and involves no reference counting. The
/// ``StreamStore`` that created it owns the generator; a handle must not outlive its store, and a
/// stream (like its store) belongs to one thread.
///
/// Position: a stream is *seated* at (replication, entity) with ``seat(replication:entity:)`` and
/// then draws words 0, 1, 2, … of that seat. The counter layout is documented on `PhiloxState`:
/// replication in `counter[3]`, a 48-bit entity in `counter[2]` and the high half of `counter[1]`,
/// a 48-bit draw-block index in the low half of `counter[1]` and `counter[0]`. Seating is cheap
/// (five stores), so models seat per request per hop and the values an entity sees do not depend on
/// what other entities drew before it.
///
/// All draw methods consume words exactly as the GSL functions they mirror, so mixing them with
/// `gsl_ran_*` calls on ``rng`` is consistent: ``uniform()`` ≡ `gsl_rng_uniform`,
/// ``uniformPositive()`` ≡ `gsl_rng_uniform_pos`, ``index(below:)`` ≡ `gsl_rng_uniform_int`,
/// ``nextUInt32()`` ≡ `gsl_rng_get`.
public struct RandomStream {
    /// The generator, to pass to `gsl_ran_*` samplers.
    public let rng: UnsafeMutablePointer<gsl_rng>
    /// Its state as eleven `UInt32` words (cached so the fast paths skip one indirection).
    @usableFromInline let state: UnsafeMutablePointer<UInt32>

    /// Wraps a generator of type ``PhiloxRNGType`` (only ``StreamStore`` creates them).
    @usableFromInline
    init(rng: UnsafeMutablePointer<gsl_rng>) {
        precondition(rng.pointee.type == PhiloxRNGType.pointer, "RandomStream needs a capsim-philox4x32-10 generator")
        self.rng = rng
        self.state = PhiloxState.words(rng.pointee.state)
    }

    /// Seats the stream at (replication, entity), draw 0, and empties the buffer.
    /// - Parameters:
    ///   - replication: the replication number (32 bits).
    ///   - entity: a request, component instance or other entity id; must be below 2⁴⁸.
    @inlinable @inline(__always)
    public func seat(replication: UInt32, entity: UInt64) {
        precondition(entity <= PhiloxState.maxEntity, "entity must be below 2^48")
        PhiloxState.seat(state, replication: replication, entity: entity, block: 0)
    }

    /// Seats the stream at (replication, entity) starting at draw block `block` (word `4 × block`).
    /// ``seat(replication:entity:)`` is `block: 0`. Both `entity` and `block` must be below 2⁴⁸.
    @inlinable @inline(__always)
    public func seat(replication: UInt32, entity: UInt64, block: UInt64) {
        precondition(entity <= PhiloxState.maxEntity, "entity must be below 2^48")
        precondition(block <= PhiloxState.maxBlock, "block must be below 2^48")
        PhiloxState.seat(state, replication: replication, entity: entity, block: block)
    }

    /// The stream's key (`key[0]`, `key[1]`).
    @inlinable
    public var key: SIMD2<UInt32> {
        SIMD2(state[PhiloxState.keyWord], state[PhiloxState.keyWord + 1])
    }

    /// The counter of the next block to be computed (see the layout above).
    @inlinable
    public var counter: SIMD4<UInt32> {
        let c = PhiloxState.counterWord
        return SIMD4(state[c], state[c + 1], state[c + 2], state[c + 3])
    }

    /// The next 32-bit word (≡ `gsl_rng_get`).
    @inlinable @inline(__always)
    public func nextUInt32() -> UInt32 {
        PhiloxState.nextWord(state)
    }

    /// A uniform double in [0, 1) with 53 random bits, consuming two words (≡ `gsl_rng_uniform`).
    @inlinable @inline(__always)
    public func uniform() -> Double {
        PhiloxState.nextDouble(state)
    }

    /// A uniform double in (0, 1): ``uniform()`` redrawn while it is 0 (≡ `gsl_rng_uniform_pos`).
    @inlinable @inline(__always)
    public func uniformPositive() -> Double {
        var x: Double
        repeat { x = PhiloxState.nextDouble(state) } while x == 0
        return x
    }

    /// An unbiased integer in 0..<n by rejection (≡ `gsl_rng_uniform_int(rng, n)`).
    /// - Precondition: 1 ≤ n ≤ 2³² − 1.
    @inlinable @inline(__always)
    public func index(below n: Int) -> Int {
        precondition(n > 0 && n <= 0xFFFF_FFFF, "index(below:) needs 1 <= n <= 2^32 - 1")
        let bound = UInt32(truncatingIfNeeded: n)
        let scale = UInt32.max / bound
        var k: UInt32
        repeat { k = PhiloxState.nextWord(state) / scale } while k >= bound
        return Int(k)
    }
}
