import CGSL

/// capsim's Philox4x32-10 generator exposed to GSL as a custom `gsl_rng_type` named
/// `"capsim-philox4x32-10"`, so every `gsl_ran_*` sampler can draw from a keyed stream.
///
/// - State: `capsim_philox_state` (`Sources/CGSL/shim.h`); word layout and counter layout are
///   documented on `PhiloxState`.
/// - `get` returns the next 32-bit word (`min` = 0, `max` = 0xffffffff).
/// - `get_double` returns a double in [0, 1) built from two words (53 random bits).
/// - `set(seed)` (called by `gsl_rng_alloc` and `gsl_rng_set`) puts the 64-bit seed in the key
///   (low word first), zeroes the counter and empties the buffer. ``StreamStore`` then overwrites
///   the key with a ``StreamKey``; the GSL seed plays no other part in capsim.
public enum PhiloxRNGType {
    /// The type's name as GSL reports it (`gsl_rng_name`).
    public static let name = "capsim-philox4x32-10"

    /// The process-wide, immutable `gsl_rng_type`. Created once (thread-safe lazy initialisation of a
    /// `static let`) and never freed or mutated, so sharing it across threads is safe.
    public nonisolated(unsafe) static let pointer: UnsafePointer<gsl_rng_type> = {
        let cName: StaticString = "capsim-philox4x32-10"
        let namePointer = UnsafeRawPointer(cName.utf8Start).assumingMemoryBound(to: CChar.self)
        let type = UnsafeMutablePointer<gsl_rng_type>.allocate(capacity: 1)
        type.initialize(
            to: gsl_rng_type(
                name: namePointer,
                max: 0xFFFF_FFFF,
                min: 0,
                size: MemoryLayout<capsim_philox_state>.size,
                set: { state, seed in
                    guard let state else { return }
                    let s = PhiloxState.words(state)
                    s[PhiloxState.keyWord] = UInt32(truncatingIfNeeded: UInt64(seed))
                    s[PhiloxState.keyWord + 1] = UInt32(truncatingIfNeeded: UInt64(seed) &>> 32)
                    for i in PhiloxState.counterWord..<PhiloxState.usedWord { s[i] = 0 }
                    s[PhiloxState.usedWord] = 4
                },
                // GSL passes get/get_double the state gsl_rng_alloc allocated (`size` bytes), never nil: `state!` holds.
                get: { state in
                    UInt(PhiloxState.nextWord(PhiloxState.words(state!)))
                },
                get_double: { state in
                    PhiloxState.nextDouble(PhiloxState.words(state!))
                }
            ))
        return UnsafePointer(type)
    }()
}
