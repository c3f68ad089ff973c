/// The bytes of one shard file and their owner: the command line maps each file into memory
/// (a merge of gigabytes of records then holds pages the kernel can drop, not copies); tests
/// hand in arrays.
///
/// Invariant: `bytes` stays valid and unchanged until the object is released, which then calls
/// `release` once (or frees the copy it owns).
public final class ShardBytes: @unchecked Sendable {
    /// The file's name, for messages.
    public let name: String
    public let bytes: UnsafeRawBufferPointer
    private let release: (@Sendable () -> Void)?
    private let owned: UnsafeMutableRawBufferPointer?

    /// Bytes owned elsewhere, valid until `release` is called.
    public init(name: String, bytes: UnsafeRawBufferPointer, release: @escaping @Sendable () -> Void) {
        self.name = name
        self.bytes = bytes
        self.release = release
        owned = nil
    }

    /// A copy of `array`, owned here.
    public init(name: String, copying array: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 8)
        array.withUnsafeBytes { buffer.copyMemory(from: $0) }
        self.name = name
        bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<array.count])
        release = nil
        owned = buffer
    }

    deinit {
        release?()
        owned?.deallocate()
    }
}
