/// FNV-1a 64 over bytes fed in pieces: the checksum of a shard file. Each step is a bijection
/// of the running state, so any single damaged byte changes the result; other damage goes
/// unnoticed with probability about 2⁻⁶⁴.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = h
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = h
    }
}
