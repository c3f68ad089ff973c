import CGSL

/// Owns the random streams of one replication: one `gsl_rng` of type ``PhiloxRNGType`` per
/// (component path, purpose), keyed by ``StreamKey`` under the store's master seed.
///
/// Asking twice for the same (path, purpose) returns the same stream. Allocation order is kept in an
/// array (the dictionary is only for lookup), so nothing depends on hash iteration order. A store is
/// used by one replication on one thread; it is `@unchecked Sendable` only so it can be handed to the
/// thread that runs that replication. Its ``RandomStream`` handles must not outlive it.
public final class StreamStore: @unchecked Sendable {
    /// The master seed every key is derived from.
    public let seed: UInt64

    private struct Name: Hashable {
        let path: String
        let purpose: StreamPurpose
    }

    /// Generators in allocation order (freed in `deinit`).
    private var generators: [UnsafeMutablePointer<gsl_rng>] = []
    private var lookup: [Name: Int] = [:]

    /// Creates an empty store for master `seed`.
    public init(seed: UInt64) {
        GSL.initialize()
        self.seed = seed
    }

    deinit {
        for rng in generators { gsl_rng_free(rng) }
    }

    /// Number of streams allocated so far.
    public var count: Int { generators.count }

    /// The stream for `purpose` of the component at `path`, allocating it on first use.
    /// A new stream is seated at replication 0, entity 0, draw 0.
    public func stream(path: String, purpose: StreamPurpose) -> RandomStream {
        let name = Name(path: path, purpose: purpose)
        if let i = lookup[name] { return RandomStream(rng: generators[i]) }
        GSL.initialize()
        guard let rng = gsl_rng_alloc(PhiloxRNGType.pointer) else {
            fatalError("gsl_rng_alloc failed (out of memory)")
        }
        let key = StreamKey(seed: seed, path: path, purpose: purpose)
        let s = PhiloxState.words(rng.pointee.state)
        s[PhiloxState.keyWord] = key.words[0]
        s[PhiloxState.keyWord + 1] = key.words[1]
        PhiloxState.seat(s, replication: 0, entity: 0, block: 0)
        lookup[name] = generators.count
        generators.append(rng)
        return RandomStream(rng: rng)
    }
}
