import SimRandom
import Testing

/// A `Sampler` draws what its distribution draws, bit for bit, consuming the same words: the
/// model keeps samplers for its hot draws, so any difference would move every shipped output.
@Suite("Sampler")
struct SamplerTests {
    @Test(
        "draws equal Distribution.sample's, bit for bit, and leave the stream at the same counter",
        arguments: [
            Distribution.exponential(mean: 0.004),
            .lognormal(mean: 0.005, cv: 1.5),
            .lognormal(mean: 3e3, cv: 0.2),
            .gamma(mean: 0.008, cv: 1),
            .gamma(mean: 0.004, cv: 0.7),
            .gamma(mean: 2, cv: 3),
            .erlang(k: 3, mean: 0.01),
            .weibull(shape: 1.5, scale: 0.01),
            .uniform(min: 0.001, max: 0.002),
            .deterministic(value: 0.25),
            .hyperexponential(probabilities: [0.3, 0.7], means: [0.001, 0.05]),
        ])
    func sameDraws(_ d: Distribution) {
        let store = StreamStore(seed: 20_261_205)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "pool", purpose: .service)
        let sampler = Sampler(d)
        #expect(sampler.distribution == d)
        for entity in 0..<200 as Range<UInt64> {
            stream.seat(replication: 1, entity: entity)
            let ours = (0..<50).map { _ in sampler.sample(stream) }
            let after = stream.counter
            stream.seat(replication: 1, entity: entity)
            let theirs = (0..<50).map { _ in d.sample(stream) }
            #expect(ours.map(\.bitPattern) == theirs.map(\.bitPattern), "\(d), entity \(entity)")
            #expect(stream.counter == after)
        }
    }
}
