/// The Philox4x32-10 counter-based block function (Salmon, Moraes, Dror & Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3", SC'11; the Random123 library).
///
/// A pure function from a 128-bit counter and a 64-bit key to 128 pseudo-random bits. It is checked
/// against Random123's known-answer vectors (`tests/kat_vectors`), so a block computed here equals the
/// block any other conforming implementation computes for the same counter and key.
///
/// Word order follows Random123: `counter[0]` and `key[0]` are the `v[0]` words of its `ctr` and `key`.
public enum Philox4x32_10 {
    /// Round multipliers (`PHILOX_M4x32_0`, `PHILOX_M4x32_1`).
    public static let multipliers: SIMD2<UInt32> = [0xD251_1F53, 0xCD9E_8D57]
    /// Key schedule increments, Weyl constants (`PHILOX_W32_0` golden ratio, `PHILOX_W32_1` √3 − 1).
    public static let weyl: SIMD2<UInt32> = [0x9E37_79B9, 0xBB67_AE85]
    /// Number of rounds.
    public static let rounds = 10

    /// Returns Philox4x32 with 10 rounds applied to `counter` under `key`. No allocation, no state.
    @inlinable @inline(__always)
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c0 = counter[0]
        var c1 = counter[1]
        var c2 = counter[2]
        var c3 = counter[3]
        var k0 = key[0]
        var k1 = key[1]
        round(&c0, &c1, &c2, &c3, k0, k1)
        for _ in 1..<10 {
            k0 &+= 0x9E37_79B9
            k1 &+= 0xBB67_AE85
            round(&c0, &c1, &c2, &c3, k0, k1)
        }
        return SIMD4(c0, c1, c2, c3)
    }

    /// One Philox S-box round: two 32×32→64 multiplies, then a Feistel-like mix with the round key.
    @inlinable @inline(__always)
    internal static func round(
        _ c0: inout UInt32, _ c1: inout UInt32, _ c2: inout UInt32, _ c3: inout UInt32,
        _ k0: UInt32, _ k1: UInt32
    ) {
        let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
        let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
        let n0 = UInt32(truncatingIfNeeded: p1 &>> 32) ^ c1 ^ k0
        let n2 = UInt32(truncatingIfNeeded: p0 &>> 32) ^ c3 ^ k1
        c1 = UInt32(truncatingIfNeeded: p1)
        c3 = UInt32(truncatingIfNeeded: p0)
        c0 = n0
        c2 = n2
    }
}
