import CGSL
import Testing

@testable import SimRandom

/// `GammaSampler` and the Gaussian under it draw what GSL draws, bit for bit, consuming the
/// same words: every gamma and Erlang service time in every shipped scenario goes through them,
/// so any difference would move every such output (and `GoldenOutputTests` with it).
@Suite("Gamma sampler")
struct GammaSamplerTests {
    /// Two streams that read the same words: one store per side, one seed.
    static func twinStreams(seed: UInt64) -> (StreamStore, StreamStore, RandomStream, RandomStream) {
        let a = StreamStore(seed: seed)
        let b = StreamStore(seed: seed)
        return (a, b, a.stream(path: "gamma", purpose: .service), b.stream(path: "gamma", purpose: .service))
    }

    @Test("the Gaussian ziggurat's columns read off the linked GSL reproduce it")
    func columnsAreExact() {
        let z = GaussianZiggurat.shared
        #expect(z.isExact)
        // Layer 0 (the base strip with the tail) never accepts outright; every other layer
        // accepts most of its 2²⁴ abscissae, and its width grows towards the base.
        #expect(z.layers[0].bound == 0)
        for i in 1..<128 {
            #expect(z.layers[i].bound > 1 << 23 && z.layers[i].bound < 1 << 24, "layer \(i)")
            #expect(z.layers[i].width > 0 && z.layers[i].width < 1e-6, "layer \(i)")
        }
    }

    @Test("standard normal draws equal gsl_ran_gaussian_ziggurat's, word for word")
    func gaussianDraws() {
        let (a, b, ours, theirs) = Self.twinStreams(seed: 20_261_207)
        defer { withExtendedLifetime((a, b)) {} }
        let z = GaussianZiggurat.shared
        var beyondFastPath = 0
        var tail = 0
        for entity in 0..<400 as Range<UInt64> {
            ours.seat(replication: 3, entity: entity)
            theirs.seat(replication: 3, entity: entity)
            for _ in 0..<500 {
                let x = ours.standardGaussian(z.layers)
                let y = gsl_ran_gaussian_ziggurat(theirs.rng, 1.0)
                if x.bitPattern != y.bitPattern {
                    Issue.record("entity \(entity): \(x) against GSL's \(y)")
                    return
                }
                if ours.counter != theirs.counter || ours.nextUInt32() != theirs.nextUInt32() {
                    Issue.record("entity \(entity): the streams part after \(x)")
                    return
                }
                if abs(x) > 3.44428647676 { tail += 1 }
            }
        }
        // 200,000 draws: about 1.2 % leave the fast path and about 115 fall in the tail
        // beyond the last layer's edge (2 · (1 − Φ(3.444)) ≈ 5.7e-4), so both slow paths ran.
        for entity in 0..<400 as Range<UInt64> {
            ours.seat(replication: 3, entity: entity)
            for _ in 0..<500 {
                let word = ours.nextUInt32()
                if (word &>> 8) & 0xFF_FFFF >= z.layers[Int(word & 0x7F)].bound { beyondFastPath += 1 }
            }
        }
        // Each word leaves the fast path with probability Σᵢ (2²⁴ − kᵢ) / 2³¹ (≈ 1 %).
        let p = (0..<128).reduce(0.0) { $0 + Double((1 << 24) - Int(z.layers[$1].bound)) } / 0x1p31
        let expected = 200_000 * p
        #expect(abs(Double(beyondFastPath) - expected) < 5 * expected.squareRoot())
        #expect(beyondFastPath > 1_000)
        #expect(tail > 60)
    }

    /// What a GSL whose ziggurat differs gets (`GaussianZiggurat` zeroes every bound when its
    /// self-check fails): no word takes the fast path, each goes back, and GSL draws.
    @Test("with every bound 0, each draw is GSL's own, word for word")
    func fallback() {
        let (a, b, ours, theirs) = Self.twinStreams(seed: 5)
        defer { withExtendedLifetime((a, b)) {} }
        let zero = UnsafeMutablePointer<GaussianZiggurat.Layer>.allocate(capacity: 128)
        defer { zero.deallocate() }
        zero.initialize(repeating: GaussianZiggurat.Layer(width: 0, bound: 0), count: 128)
        for entity in 0..<50 as Range<UInt64> {
            ours.seat(replication: 0, entity: entity)
            theirs.seat(replication: 0, entity: entity)
            for _ in 0..<100 {
                let x = ours.standardGaussian(UnsafePointer(zero))
                let y = gsl_ran_gaussian_ziggurat(theirs.rng, 1.0)
                #expect(x.bitPattern == y.bitPattern && ours.counter == theirs.counter)
            }
        }
    }

    @Test(
        "gamma draws equal gsl_ran_gamma's, word for word",
        arguments: [
            (0.04, 1.0), (0.3, 2.0), (0.999, 0.5), (1.0, 1.0), (1.0000001, 3.0), (1.5, 0.008), (2.0, 1e-3),
            (3.7, 0.25), (10.0, 1.0), (123.4, 0.01), (1e5, 1e-5),
        ])
    func gammaDraws(shape: Double, scale: Double) {
        let (a, b, ours, theirs) = Self.twinStreams(seed: UInt64(shape.bitPattern % 1_000_003))
        defer { withExtendedLifetime((a, b)) {} }
        let sampler = GammaSampler(shape: shape, scale: scale)
        for entity in 0..<200 as Range<UInt64> {
            ours.seat(replication: 1, entity: entity)
            theirs.seat(replication: 1, entity: entity)
            for _ in 0..<100 {
                let x = sampler.sample(ours)
                let y = gsl_ran_gamma(theirs.rng, shape, scale)
                if x.bitPattern != y.bitPattern {
                    Issue.record("shape \(shape), entity \(entity): \(x) against GSL's \(y)")
                    return
                }
            }
            #expect(ours.counter == theirs.counter && ours.nextUInt32() == theirs.nextUInt32())
        }
    }

    @Test("gamma and Erlang distributions draw through the sampler, as GSL would")
    func distributions() {
        let (a, b, ours, theirs) = Self.twinStreams(seed: 77)
        defer { withExtendedLifetime((a, b)) {} }
        let cases: [(Distribution, Double, Double)] = [
            (.gamma(mean: 0.008, cv: 1), 1, 0.008), (.gamma(mean: 2, cv: 3), 1.0 / 9, 18),
            (.erlang(k: 4, mean: 0.02), 4, 0.02 / 4),
        ]
        for (d, shape, scale) in cases {
            for entity in 0..<100 as Range<UInt64> {
                ours.seat(replication: 0, entity: entity)
                theirs.seat(replication: 0, entity: entity)
                let x = d.sample(ours)
                let y = gsl_ran_gamma(theirs.rng, shape, scale)
                #expect(x.bitPattern == y.bitPattern, "\(d), entity \(entity)")
            }
        }
    }
}
