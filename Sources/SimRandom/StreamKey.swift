/// The 64-bit Philox key of one random stream, derived from (master seed, component path, purpose).
///
/// Streams are keyed, never positional: the key does not depend on how many other streams exist or
/// in which order they were created, and it is identical across processes, platforms and Swift
/// versions because it uses a fixed hash (not `Hasher`, which is randomly seeded per process):
///
/// 1. `h` = FNV-1a (64-bit) over the UTF-8 bytes of `path`, one `0x00` byte, then the UTF-8 bytes of
///    `purpose.rawValue`;
/// 2. `s` = SplitMix64 finaliser of `seed &+ 0x9E3779B97F4A7C15`;
/// 3. `z` = SplitMix64 finaliser of `s ^ h`; `words` = (low 32 bits of `z`, high 32 bits of `z`).
///
/// Both finaliser steps are bijections, so for one seed two paths/purposes get the same key only if
/// their FNV-1a hashes collide, and for one path/purpose different seeds always give different keys.
/// Changing this function changes every simulated result: treat it like a file format.
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    /// The key words as Philox takes them (`key[0]`, `key[1]`).
    public let words: SIMD2<UInt32>

    /// Derives the key of the stream for `purpose` of the component at `path` under master `seed`.
    public init(seed: UInt64, path: String, purpose: StreamPurpose) {
        var h = StreamKey.fnvOffset
        for byte in path.utf8 { h = (h ^ UInt64(byte)) &* StreamKey.fnvPrime }
        h = (h ^ 0) &* StreamKey.fnvPrime
        for byte in purpose.rawValue.utf8 { h = (h ^ UInt64(byte)) &* StreamKey.fnvPrime }
        let s = StreamKey.splitMix64Finalizer(seed &+ 0x9E37_79B9_7F4A_7C15)
        let z = StreamKey.splitMix64Finalizer(s ^ h)
        words = SIMD2(UInt32(truncatingIfNeeded: z), UInt32(truncatingIfNeeded: z &>> 32))
    }

    /// A key given directly (tests, diagnostics).
    public init(words: SIMD2<UInt32>) {
        self.words = words
    }

    /// The key as 16 hex digits, `key[1]` first (e.g. for logs).
    public var description: String {
        let value = UInt64(words[1]) << 32 | UInt64(words[0])
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// SplitMix64's output function (Steele, Lea & Flood 2014): a bijection on 64-bit words.
    static func splitMix64Finalizer(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}
