/// Reads what `ByteWriter` wrote from a span of bytes (a file mapped into memory, or an array
/// held by the caller), checking every read against the end: damaged input is an error, never
/// a read past the span.
///
/// Invariant: `position ≤ bytes.count`; `bytes` stays valid while the reader is used (the caller
/// keeps the array or the mapping alive).
public struct ByteReader {
    /// Why bytes could not be read as expected.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        /// Offset into the span where the problem was found.
        public var offset: Int
        public var description: String { "\(message) (at byte \(offset))" }
    }

    public let bytes: UnsafeRawBufferPointer
    public private(set) var position: Int

    public init(_ bytes: UnsafeRawBufferPointer, from position: Int = 0) {
        precondition(position >= 0 && position <= bytes.count, "a reader starts inside its span")
        self.bytes = bytes
        self.position = position
    }

    /// Bytes left after `position`.
    public var remaining: Int { bytes.count - position }

    public func failure(_ message: String) -> Failure { Failure(message: message, offset: position) }

    private func need(_ n: Int, _ what: String) throws(Failure) {
        guard n <= remaining else { throw failure("truncated: \(what) needs \(n) bytes, \(remaining) left") }
    }

    public mutating func byte(_ what: String = "a byte") throws(Failure) -> UInt8 {
        try need(1, what)
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func varint(_ what: String = "a number") throws(Failure) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte(what)
            // The tenth byte may hold only the 64th bit.
            guard shift < 63 || b <= 1 else { throw failure("\(what): a number longer than 64 bits") }
            value |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    /// A count or index, at most `limit`.
    public mutating func count(_ what: String, limit: Int) throws(Failure) -> Int {
        let v = try varint(what)
        guard v <= UInt64(max(limit, 0)) else { throw failure("\(what): \(v) is more than \(limit)") }
        return Int(v)
    }

    public mutating func fixed32(_ what: String = "a 32-bit number") throws(Failure) -> UInt32 {
        try need(4, what)
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[position + k]) << (8 * UInt32(k)) }
        position += 4
        return v
    }

    public mutating func fixed64(_ what: String = "a 64-bit number") throws(Failure) -> UInt64 {
        try need(8, what)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
        position += 8
        return v
    }

    public mutating func double(_ what: String = "a number") throws(Failure) -> Double {
        Double(bitPattern: try fixed64(what))
    }

    /// The next `n` bytes as a span of their own (no copy), and moves past them.
    public mutating func span(_ n: Int, _ what: String) throws(Failure) -> UnsafeRawBufferPointer {
        try need(n, what)
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }
}
