import InfraModel
import SimKernel
import SimRandom
import Testing
import Theory

#if canImport(Glibc)
import Glibc
#endif

/// A popular key's TTL hit probability: the closed form of its slowest mode against the method of
/// steps carried all the way to τ.
@Suite("Che's approximation with a TTL: popular keys")
struct CacheTTLPopularKeyTests {
    /// E[H] = f(τ) by the method of steps alone, every interval up to τ (see `CacheTheory`).
    static func stepsToTheEnd(_ a: Double, intervals: Double) -> Double {
        let degree = 24
        let decay = exp(-a)
        var c = [Double](repeating: 0, count: degree + 1)
        c[1] = 1
        func value(_ w: Double) -> Double {
            var v = 0.0
            for i in stride(from: degree, through: 0, by: -1) { v = v * w + c[i] }
            return v
        }
        let steps = intervals.rounded(.down)
        var j = 0.0
        while j < steps {
            let end = value(a)
            for i in stride(from: degree, through: 2, by: -1) { c[i] = -decay * c[i - 1] / Double(i) }
            c[1] = 1 - decay - decay * c[0]
            c[0] = end
            j += 1
        }
        let hits = value(a * (intervals - steps))
        return hits / (1 + hits)
    }

    @Test("the slowest mode's closed form agrees with the steps carried to τ", arguments: [4.0, 4.5, 6, 8, 10, 12, 14])
    func closedFormAgrees(a: Double) {
        for intervals in [17.5, 33.3, 100, 1_000, 10_000, 1_000_000] {
            let reference = Self.stepsToTheEnd(a, intervals: intervals)
            let p = CacheTheory.hitProbability(rate: 1, characteristicTime: a, ttl: a * intervals)
            #expect(abs(p - reference) <= 1e-14, "a \(a), τ = \(intervals) T_C: \(p) vs \(reference)")
        }
    }

    @Test("a very popular key keeps every request within τ of its fill but the first: λτ/(1 + λτ)")
    func veryPopularKey() {
        // a = 35: e^(−a)(1 + f) stays below 10⁻⁹ up to τ, so f(τ) = λτ to that precision. (A cap
        // of 1,024 steps used to stop f at 1,024 a: 0.9999721 instead of 0.9999971.)
        for intervals in [1e4, 1e6] {
            let b = 35 * intervals
            let p = CacheTheory.hitProbability(rate: 1, characteristicTime: 35, ttl: b)
            #expect(abs(p - b / (1 + b)) <= 1e-12, "τ = \(intervals) T_C: \(p) vs \(b / (1 + b))")
        }
    }
}

/// One cache configuration driven by Zipf keys.
struct CacheCase: CustomTestStringConvertible, Sendable {
    let exponent: Double
    let keys: UInt64
    let capacity: Int
    /// TTL as a multiple of Che's characteristic time (nil: no TTL).
    let ttlOverTC: Double?
    var testDescription: String {
        "s=\(exponent) N=\(keys) C=\(capacity)" + (ttlOverTC.map { " ttl=\($0)·T_C" } ?? "")
    }
}

/// Hit ratio of an `LRUCache` fed `warmup + measured` keys, one request per nanosecond, in each of
/// `replications` independent replications (stream seats 1…R). Returns the mean of the
/// per-replication hit ratios and its standard error from their spread.
private func simulate(
    _ keys: KeyDistribution, capacity: Int, ttl: Int64?, warmup: Int, measured: Int,
    replications: Int
) -> (mean: Double, se: Double, perReplication: [Double]) {
    let store = StreamStore(seed: 6_6_2026)
    defer { withExtendedLifetime(store) {} }
    let stream = store.stream(path: "tests/cache", purpose: .keys)
    var ratios: [Double] = []
    for r in 1...replications {
        stream.seat(replication: UInt32(r), entity: 0)
        var cache = LRUCache(capacity: capacity, ttl: ttl.map { SimDuration(nanoseconds: $0) })
        defer { cache.deallocate() }
        var hits = 0
        for i in 0..<(warmup + measured) {
            let hit = cache.access(keys.sample(stream), now: SimTime(nanoseconds: Int64(i)))
            if hit && i >= warmup { hits += 1 }
        }
        ratios.append(Double(hits) / Double(measured))
    }
    let mean = ratios.reduce(0, +) / Double(replications)
    let variance = ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replications - 1)
    return (mean, (variance / Double(replications)).squareRoot(), ratios)
}

@Suite("CacheTheory")
struct CacheTheoryTests {
    /// Simulated LRU hit ratio against Che's approximation.
    ///
    /// Bound: |mean of 10 replications − Che| ≤ 3.9 · SE + 0.005.
    /// - 3.9 · SE: the simulation's sampling error, SE from the spread of the 10 per-replication
    ///   ratios (each over 2·10⁵ requests after its own warm-up), so the correlation of successive
    ///   hits is accounted for; 3.9 standard errors is a false alarm about once in 10⁴.
    /// - 0.005 (half a percentage point): the error of Che's approximation itself. It is asymptotically
    ///   exact (Fricker, Robert & Roberts 2012), and for Zipf popularity and caches of 100 keys or
    ///   more the published comparisons (Che et al. 2002; Fricker et al. 2012; Martina, Garetto &
    ///   Leonardi 2014) show differences well under a percentage point; half a point is a
    ///   conservative envelope. A wrong eviction order (FIFO or random instead of LRU) moves these
    ///   hit ratios by several points, so the test still discriminates.
    /// Warm-up: 3·T_C + 3·TTL requests. Without a TTL the LRU content is exactly the last C distinct
    /// keys requested, so once C distinct keys have been seen (≈ T_C requests) the cold start is
    /// forgotten entirely; with a TTL, each key's cycle renews at its next miss, within about
    /// T_C + TTL.
    @Test(
        "LRU under Zipf keys matches Che's approximation",
        arguments: [
            CacheCase(exponent: 0.8, keys: 10_000, capacity: 100, ttlOverTC: nil),
            CacheCase(exponent: 1.0, keys: 10_000, capacity: 1_000, ttlOverTC: nil),
            CacheCase(exponent: 0.8, keys: 100_000, capacity: 5_000, ttlOverTC: nil),
            CacheCase(exponent: 1.0, keys: 100_000, capacity: 10_000, ttlOverTC: nil),
            CacheCase(exponent: 1.0, keys: 10_000, capacity: 500, ttlOverTC: 0.5),
            CacheCase(exponent: 0.8, keys: 100_000, capacity: 2_000, ttlOverTC: 2.5),
        ])
    func cheApproximation(_ c: CacheCase) {
        let keys = KeyDistribution.zipf(exponent: c.exponent, count: c.keys)
        let popularity = CacheTheory.Popularity(keys)
        let tc = CacheTheory.characteristicTime(popularity, capacity: Double(c.capacity))
        let ttl = c.ttlOverTC.map { Int64(($0 * tc).rounded()) }
        // The cache counts an entry of age exactly ttl as expired; with requests one nanosecond
        // apart, hits happen at ages 1…ttl − 1, the continuous model's τ = ttl − ½ on average.
        let theory = CacheTheory.lruHitRatio(
            popularity, capacity: Double(c.capacity), ttl: ttl.map { Double($0) - 0.5 })
        let warmup = Int(3 * tc) + 3 * Int(ttl ?? 0)
        let sim = simulate(keys, capacity: c.capacity, ttl: ttl, warmup: warmup, measured: 200_000, replications: 10)
        let bound = 3.9 * sim.se + 0.005
        #expect(
            abs(sim.mean - theory) <= bound,
            "simulated \(sim.mean) (SE \(sim.se)) vs Che \(theory), bound \(bound); T_C = \(tc)")
    }

    /// Uniform popularity has closed forms: T_C = −N ln(1 − C/N) and hit ratio C/N.
    @Test("uniform keys: T_C and the hit ratio have closed forms")
    func uniformClosedForm() {
        for (n, cap) in [(UInt64(1000), 10.0), (1000, 500), (50_000, 1234)] {
            for keys in [KeyDistribution.uniform(count: n), .zipf(exponent: 0, count: n)] {
                let popularity = CacheTheory.Popularity(keys, exactRanks: 100)
                let tc = CacheTheory.characteristicTime(popularity, capacity: cap)
                let expected = -Double(n) * log1p(-cap / Double(n))
                #expect(abs(tc - expected) <= 1e-10 * expected, "\(keys): T_C \(tc) vs \(expected)")
                let hit = CacheTheory.lruHitRatio(popularity, capacity: cap)
                #expect(abs(hit - cap / Double(n)) <= 1e-10, "\(keys): hit ratio \(hit) vs \(cap / Double(n))")
            }
        }
        let all = CacheTheory.Popularity(.uniform(count: 10))
        #expect(CacheTheory.characteristicTime(all, capacity: 10) == .infinity)
        #expect(abs(CacheTheory.lruHitRatio(all, capacity: 10) - 1) <= 1e-15)
    }

    /// The tail integral (ranks above 10⁴) against summing all 10⁵ ranks exactly.
    @Test("the Zipf tail integral agrees with exact summation", arguments: [0.6, 0.8, 1.0, 1.2])
    func tailIntegral(_ s: Double) {
        let keys = KeyDistribution.zipf(exponent: s, count: 100_000)
        let split = CacheTheory.Popularity(keys)
        let exact = CacheTheory.Popularity(keys, exactRanks: 100_000)
        for capacity in [100.0, 5_000, 30_000] {
            let t1 = CacheTheory.characteristicTime(split, capacity: capacity)
            let t2 = CacheTheory.characteristicTime(exact, capacity: capacity)
            #expect(abs(t1 - t2) <= 1e-8 * t2, "T_C \(t1) vs \(t2)")
            for ttl in [nil, 0.7 * t2, 3 * t2] as [Double?] {
                let h1 = CacheTheory.lruHitRatio(split, capacity: capacity, ttl: ttl)
                let h2 = CacheTheory.lruHitRatio(exact, capacity: capacity, ttl: ttl)
                #expect(abs(h1 - h2) <= 1e-9, "C \(capacity) ttl \(String(describing: ttl)): \(h1) vs \(h2)")
            }
        }
    }

    /// The per-key TTL formula (method of steps) against its limits and against the
    /// inclusion–exclusion closed form where that is still well conditioned (τ ≤ 4·T_C).
    @Test("TTL hit probability: limits and the inclusion–exclusion form")
    func ttlFormula() {
        func inclusionExclusion(_ lambda: Double, _ tc: Double, _ tau: Double) -> Double {
            var hits = lambda * tau
            var k = 1.0
            while tau - k * tc > 0 {
                let mu = lambda * (tau - k * tc)
                let sign = Int(k) % 2 == 0 ? 1.0 : -1.0
                hits += sign * exp(-k * lambda * tc) * (pow(mu, k + 1) / tgamma(k + 2) + pow(mu, k) / tgamma(k + 1))
                k += 1
            }
            return hits / (1 + hits)
        }
        for lambda in [1e-5, 1e-3, 0.01, 0.1] {
            for tc in [10.0, 300, 5_000] {
                let a = lambda * tc
                // τ ≤ T_C: the non-reset TTL cache, λτ/(1 + λτ).
                let short = CacheTheory.hitProbability(rate: lambda, characteristicTime: tc, ttl: 0.6 * tc)
                #expect(abs(short - 0.6 * a / (1 + 0.6 * a)) <= 1e-15)
                // τ ≫ T_C·e^a/a (a cycle's expected length): Che's 1 − e^(−a).
                if a <= 5 {
                    let long = CacheTheory.hitProbability(rate: lambda, characteristicTime: tc, ttl: 1e4 * tc)
                    #expect(abs(long - -expm1(-a)) <= 1e-12, "λ \(lambda) T_C \(tc): \(long) vs \(-expm1(-a))")
                }
                // Refreshed on hit: 1 − e^(−λ min(T_C, τ)).
                let refreshed = CacheTheory.hitProbability(
                    rate: lambda, characteristicTime: tc, ttl: 0.5 * tc, ttlRefreshedOnHit: true)
                #expect(abs(refreshed - -expm1(-0.5 * a)) <= 1e-15)
                for ratio in [1.3, 2.0, 2.7, 3.9] {
                    let steps = CacheTheory.hitProbability(rate: lambda, characteristicTime: tc, ttl: ratio * tc)
                    let closed = inclusionExclusion(lambda, tc, ratio * tc)
                    #expect(abs(steps - closed) <= 1e-12, "λ \(lambda) T_C \(tc) τ/T_C \(ratio): \(steps) vs \(closed)")
                    // A TTL can only lose hits.
                    #expect(steps <= -expm1(-a) + 1e-15)
                }
            }
        }
    }
}
