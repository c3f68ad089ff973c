import CGSL

/// Word-level operations on a `capsim_philox_state` (see `Sources/CGSL/shim.h`), shared by the
/// C callbacks GSL calls (``PhiloxRNGType``) and the inlined fast paths of ``RandomStream``, so both
/// consume draws identically.
///
/// The state is eleven `UInt32` words, always accessed as `UInt32` from Swift:
///
/// | words | field        | meaning                                                   |
/// |-------|--------------|-----------------------------------------------------------|
/// | 0–1   | `key[2]`     | the stream's ``StreamKey``                                |
/// | 2–5   | `counter[4]` | the counter of the *next* block to compute                |
/// | 6–9   | `buffer[4]`  | the outputs of the current block                          |
/// | 10    | `used`       | how many buffer words were consumed (4 = empty)           |
///
/// Counter layout (128 bits; `counter[i]` is Random123's `ctr.v[i]`):
///
/// | word         | bits 31…16                       | bits 15…0                         |
/// |--------------|----------------------------------|-----------------------------------|
/// | `counter[3]` | replication bits 31…16           | replication bits 15…0             |
/// | `counter[2]` | entity bits 47…32                | entity bits 31…16                 |
/// | `counter[1]` | entity bits 15…0                 | draw-block index bits 47…32       |
/// | `counter[0]` | draw-block index bits 31…16      | draw-block index bits 15…0        |
///
/// The draw-block index counts 4-word blocks from the seat and increments with a carry from
/// `counter[0]` into the low 16 bits of `counter[1]`; it wraps within its 48 bits (2⁵⁰ words per
/// (replication, entity) seat, which no run reaches) and never disturbs the entity bits.
@usableFromInline
internal enum PhiloxState {
    // Computed and inlinable (not `static let`) so client modules fold them to constants
    // instead of calling a lazy-initialisation accessor on the hot path.
    @inlinable static var keyWord: Int { 0 }
    @inlinable static var counterWord: Int { 2 }
    @inlinable static var bufferWord: Int { 6 }
    @inlinable static var usedWord: Int { 10 }
    /// Number of `UInt32` words in the state.
    @inlinable static var wordCount: Int { 11 }
    /// Largest entity the counter can hold (48 bits).
    @inlinable static var maxEntity: UInt64 { (1 << 48) - 1 }
    /// Largest draw-block index the counter can hold (48 bits).
    @inlinable static var maxBlock: UInt64 { (1 << 48) - 1 }

    /// The state of a GSL generator of type ``PhiloxRNGType``, viewed as words.
    @inlinable @inline(__always)
    static func words(_ state: UnsafeMutableRawPointer) -> UnsafeMutablePointer<UInt32> {
        state.assumingMemoryBound(to: UInt32.self)
    }

    /// Puts the state at (replication, entity, draw block `block`) with an empty buffer.
    @inlinable @inline(__always)
    static func seat(_ s: UnsafeMutablePointer<UInt32>, replication: UInt32, entity: UInt64, block: UInt64) {
        s[counterWord + 0] = UInt32(truncatingIfNeeded: block)
        s[counterWord + 1] =
            (UInt32(truncatingIfNeeded: entity) &<< 16)
            | UInt32(truncatingIfNeeded: (block &>> 32) & 0xFFFF)
        s[counterWord + 2] = UInt32(truncatingIfNeeded: entity &>> 16)
        s[counterWord + 3] = replication
        s[usedWord] = 4
    }

    /// Computes the block for the current counter into the buffer, marks it unused, and advances
    /// the 48-bit draw-block index. Out of line: it runs once every four words.
    @usableFromInline @inline(never)
    static func refill(_ s: UnsafeMutablePointer<UInt32>) {
        let counter = SIMD4(s[counterWord], s[counterWord + 1], s[counterWord + 2], s[counterWord + 3])
        let key = SIMD2(s[keyWord], s[keyWord + 1])
        let out = Philox4x32_10.block(counter: counter, key: key)
        s[bufferWord + 0] = out[0]
        s[bufferWord + 1] = out[1]
        s[bufferWord + 2] = out[2]
        s[bufferWord + 3] = out[3]
        s[usedWord] = 0
        let low = counter[0] &+ 1
        s[counterWord] = low
        if low == 0 {
            let mid = counter[1]
            s[counterWord + 1] = (mid & 0xFFFF_0000) | ((mid &+ 1) & 0x0000_FFFF)
        }
    }

    /// The next 32-bit word of the stream (what `gsl_rng_get` returns).
    @inlinable @inline(__always)
    static func nextWord(_ s: UnsafeMutablePointer<UInt32>) -> UInt32 {
        var used = s[usedWord]
        if used >= 4 {
            refill(s)
            used = 0
        }
        s[usedWord] = used &+ 1
        return s[bufferWord &+ Int(truncatingIfNeeded: used)]
    }

    /// Gives back the word the last `nextWord` returned: the next `nextWord` returns it again.
    /// Valid right after a `nextWord`, which leaves that word in the buffer and `used` ≥ 1.
    @inlinable @inline(__always)
    static func unreadWord(_ s: UnsafeMutablePointer<UInt32>) {
        assert(s[usedWord] >= 1 && s[usedWord] <= 4, "no word to give back")
        s[usedWord] &-= 1
    }

    /// A double in [0, 1) with 53 random bits: the top 27 bits of one word and the top 26 bits of
    /// the next (what `gsl_rng_uniform` returns). The largest value is 1 − 2⁻⁵³.
    @inlinable @inline(__always)
    static func nextDouble(_ s: UnsafeMutablePointer<UInt32>) -> Double {
        let a = UInt64(nextWord(s) &>> 5)
        let b = UInt64(nextWord(s) &>> 6)
        return Double((a &<< 26) | b) * 0x1p-53
    }
}
