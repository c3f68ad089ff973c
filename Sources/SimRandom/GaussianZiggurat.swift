import CGSL

/// The fast path of GSL's `gsl_ran_gaussian_ziggurat`, as numbers: for each of its 128 layers
/// the bound below which a draw is accepted outright and the width that scales it.
///
/// GSL's Gaussian ziggurat (used by `gsl_ran_gamma`) takes one 32-bit word k: the layer
/// i = k & 0x7F, the sign from bit 7 and a 24-bit abscissa j = k >> 8; when j < k(i) it returns
/// ±j · w(i) with no further word, else it goes on to its wedge and tail tests. ``RandomStream``
/// repeats that fast path inline (`standardGaussian(_:)`) and hands every other draw back to GSL,
/// so draws equal GSL's bit for bit and word for word.
///
/// The two columns are GSL's own, read off the library capsim is linked with rather than copied
/// into the source: a probe generator feeds `gsl_ran_gaussian_ziggurat` chosen words and
/// watches whether it asks for a second. The fast-path test is monotone in j, so k(i) is the
/// least j for which it does (a binary search over 2²⁴); with j = 1 the draw is w(i) exactly.
/// A linked GSL whose ziggurat works otherwise fails the self-check that ends the probe
/// (draws against GSL's on a real stream), and then `isExact` is false and every draw goes to
/// GSL: slower, never different.
///
/// Invariant: with `isExact`, `j < layers[i].bound` implies GSL accepts the word on its fast
/// path and returns ±j · `layers[i].width`; without it, every bound is 0.
@usableFromInline
struct GaussianZiggurat: @unchecked Sendable {
    /// One layer's columns: the acceptance bound k(i) (j < k(i) accepts) and w(i) (the draw is
    /// j · w(i)); w(i) is 0 for a layer whose bound is at most 1, where only j = 0 (x = 0)
    /// could take the fast path. Side by side, so a draw touches one cache line.
    @usableFromInline struct Layer {
        @usableFromInline var width: Double
        @usableFromInline var bound: UInt32
    }

    /// The 128 layers.
    @usableFromInline let layers: UnsafePointer<Layer>
    /// Whether the columns reproduce the linked GSL's draws (the self-check passed). When they
    /// do not, every bound is 0: no draw takes the fast path.
    @usableFromInline let isExact: Bool

    /// The linked GSL's columns, probed once per process (a `static let` is initialised once,
    /// thread-safely) and never freed.
    @usableFromInline static let shared = GaussianZiggurat()

    private init() {
        let layers = UnsafeMutablePointer<Layer>.allocate(capacity: 128)
        layers.initialize(repeating: Layer(width: 0, bound: 0), count: 128)
        let probe = ZigguratProbe()
        var probed = probe.isAvailable
        for layer in 0..<128 where probed {
            let i = UInt32(layer) | 0x80  // sign bit set: a positive draw
            // The least j in 0...2²⁴ that leaves the fast path (2²⁴: none does).
            var low: UInt32 = 0
            var high: UInt32 = 1 << 24
            while low < high {
                let mid = (low + high) / 2
                if probe.isFast(word: mid << 8 | i) { low = mid + 1 } else { high = mid }
            }
            layers[layer].bound = low
            if low > 1 {
                let w = probe.draw(word: 1 << 8 | i)
                layers[layer].width = w
                probed = w > 0 && w.isFinite
            }
        }
        isExact = probed && Self.agreesWithGSL(layers)
        // Bounds of 0 take no draw on the fast path: every draw is GSL's.
        if !isExact { layers.update(repeating: Layer(width: 0, bound: 0), count: 128) }
        self.layers = UnsafePointer(layers)
    }

    /// Draws the fast path's way and GSL's way from two copies of one stream, 1,024 draws over
    /// 16 seats (every layer about 8 times, about 12 draws beyond the fast path): equal values,
    /// equal words consumed.
    private static func agreesWithGSL(_ layers: UnsafeMutablePointer<Layer>) -> Bool {
        // Two stores with one seed: two streams that read the same words.
        let ourStore = StreamStore(seed: 0x5EED_6A55)
        let theirStore = StreamStore(seed: 0x5EED_6A55)
        let ours = ourStore.stream(path: "gaussian-ziggurat-check", purpose: .service)
        let theirs = theirStore.stream(path: "gaussian-ziggurat-check", purpose: .service)
        return withExtendedLifetime((ourStore, theirStore)) {
            for entity in 0..<16 as Range<UInt64> {
                ours.seat(replication: 0, entity: entity)
                theirs.seat(replication: 0, entity: entity)
                for _ in 0..<64 {
                    let x = ours.standardGaussian(UnsafePointer(layers))
                    let y = gsl_ran_gaussian_ziggurat(theirs.rng, 1.0)
                    if x.bitPattern != y.bitPattern || ours.counter != theirs.counter { return false }
                }
            }
            return true
        }
    }
}

/// A GSL generator that returns words it is given, to probe `gsl_ran_gaussian_ziggurat`: the
/// first `get` returns the probed word; every later `get` returns 1 (layer 1, j = 0: accepted at
/// once) and every `get_double` 0 (the wedge test then accepts or redraws, the tail returns), so
/// each probe ends after a few calls. It counts the calls.
private final class ZigguratProbe {
    /// The probe's state: the word to return first and the calls so far.
    private struct State {
        var word: UInt64
        var calls: Int
    }

    private let type: UnsafeMutablePointer<gsl_rng_type>
    private let rng: UnsafeMutablePointer<gsl_rng>?

    var isAvailable: Bool { rng != nil }

    init() {
        let cName: StaticString = "capsim-ziggurat-probe"
        type = UnsafeMutablePointer<gsl_rng_type>.allocate(capacity: 1)
        type.initialize(
            to: gsl_rng_type(
                name: UnsafeRawPointer(cName.utf8Start).assumingMemoryBound(to: CChar.self),
                max: 0xFFFF_FFFF,
                min: 0,
                size: MemoryLayout<State>.size,
                set: { state, _ in
                    state?.assumingMemoryBound(to: State.self).pointee = State(word: 1, calls: 0)
                },
                get: { state in
                    guard let s = state?.assumingMemoryBound(to: State.self) else { return 1 }
                    s.pointee.calls += 1
                    return s.pointee.calls == 1 ? UInt(s.pointee.word) : 1
                },
                get_double: { state in
                    state?.assumingMemoryBound(to: State.self).pointee.calls += 1
                    return 0
                }
            ))
        rng = gsl_rng_alloc(type)
    }

    deinit {
        if let rng { gsl_rng_free(rng) }
        type.deinitialize(count: 1)
        type.deallocate()
    }

    /// GSL's draw when its first word is `word`, and how many calls it made.
    private func run(word: UInt32) -> (x: Double, calls: Int) {
        guard let rng else { return (0, 0) }
        let s = rng.pointee.state.assumingMemoryBound(to: State.self)
        s.pointee = State(word: UInt64(word), calls: 0)
        let x = gsl_ran_gaussian_ziggurat(rng, 1.0)
        return (x, s.pointee.calls)
    }

    /// Whether GSL accepts `word` on its fast path (asks for no second word).
    func isFast(word: UInt32) -> Bool { run(word: word).calls == 1 }

    /// GSL's draw from `word`.
    func draw(word: UInt32) -> Double { run(word: word).x }
}
