/// Bytes for capsim's binary records (the results in shard files, `ReplicationCodec`): fixed-width
/// values little-endian, whole numbers as LEB128 varints (7 bits a byte, low bits first), so a
/// count of 3 takes one byte and a file reads the same on every machine.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A count or index (never negative).
    public mutating func varint(_ value: Int) {
        precondition(value >= 0, "a count or an index is never negative")
        varint(UInt64(value))
    }

    public mutating func fixed32(_ value: UInt32) {
        for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))) }
    }

    public mutating func fixed64(_ value: UInt64) {
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }

    /// A double by its bit pattern: read back bit for bit (NaN payloads and −0 included).
    public mutating func double(_ x: Double) { fixed64(x.bitPattern) }

    public mutating func append<S: Sequence>(contentsOf other: S) where S.Element == UInt8 {
        bytes.append(contentsOf: other)
    }
}
