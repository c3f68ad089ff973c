import CGSL
import SimRandom
import Testing

/// One (exponent, count) pair for the goodness-of-fit test.
struct ZipfCase: CustomTestStringConvertible, Sendable {
    let exponent: Double
    let count: UInt64
    var testDescription: String { "s=\(exponent) N=\(count)" }
}

let zipfCases: [ZipfCase] = [0.0, 0.5, 0.99, 1.0, 1.2, 2.0].flatMap { s in
    [ZipfCase(exponent: s, count: 10), ZipfCase(exponent: s, count: 1_000_000)]
}

/// The bins of the chi-square test: ranks 1…50 one by one, then the rest in 10 log-spaced ranges;
/// adjacent bins are merged (in rank order) until each expects at least 5 draws, the usual
/// condition for the chi-square approximation. Returns each bin's last rank and probability.
private func zipfBins(_ z: ZipfDistribution, draws: Int) -> [(last: UInt64, p: Double)] {
    let n = z.count
    var edges: [UInt64] = Array(1...min(n, 50))
    if n > 50 {
        let lo = log(50.0)
        let hi = log(Double(n))
        for j in 1...10 {
            let e = j == 10 ? n : UInt64(exp(lo + (hi - lo) * Double(j) / 10).rounded())
            if e > edges.last! { edges.append(e) }
        }
    }
    var raw: [(last: UInt64, p: Double)] = []
    var previous: UInt64 = 0
    for e in edges {
        let p =
            e - previous == 1
            ? z.probability(ofRank: e)
            : (ZipfDistribution.generalizedHarmonic(e, exponent: z.exponent)
                - ZipfDistribution.generalizedHarmonic(previous, exponent: z.exponent)) / z.harmonic
        raw.append((e, p))
        previous = e
    }
    var merged: [(last: UInt64, p: Double)] = []
    var pending = 0.0
    for (i, b) in raw.enumerated() {
        pending += b.p
        if pending * Double(draws) >= 5 || i == raw.count - 1 {
            merged.append((b.last, pending))
            pending = 0
        }
    }
    // A small last bin is folded into the one before it.
    if merged.count > 1, merged.last!.p * Double(draws) < 5 {
        let last = merged.removeLast()
        merged[merged.count - 1] = (last.last, merged[merged.count - 1].p + last.p)
    }
    return merged
}

@Suite("Zipf")
struct ZipfTests {
    /// 10⁶ draws binned by rank; Pearson's statistic against the pmf must stay below the chi-square
    /// quantile at a false-alarm rate of 10⁻⁴ (12 cases: about 1 false alarm per 800 runs of the
    /// suite with arbitrary seeds). The bin probabilities sum to 1 (to 10⁻¹²), which checks the
    /// Euler–Maclaurin normaliser against the head terms as well.
    @Test("draws fit the pmf (chi-square, p = 1e-4)", arguments: zipfCases)
    func chiSquare(_ c: ZipfCase) {
        let z = ZipfDistribution(exponent: c.exponent, count: c.count)
        #expect(z.validate() == nil)
        let draws = 1_000_000
        let bins = zipfBins(z, draws: draws)
        let total = bins.reduce(0) { $0 + $1.p }
        #expect(abs(total - 1) < 1e-12, "bin probabilities sum to \(total)")

        let store = StreamStore(seed: 6_2026)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "tests/zipf/\(c.testDescription)", purpose: .keys)
        stream.seat(replication: 1, entity: 0)
        var observed = [Int](repeating: 0, count: bins.count)
        let lasts = bins.map(\.last)
        for _ in 0..<draws {
            let k = z.sample(stream)
            precondition(k >= 1 && k <= c.count, "draw \(k) out of 1…\(c.count)")
            // First bin whose last rank is ≥ k (binary search).
            var lo = 0
            var hi = lasts.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if lasts[mid] >= k { hi = mid } else { lo = mid + 1 }
            }
            observed[lo] += 1
        }
        var chi2 = 0.0
        for (i, b) in bins.enumerated() {
            let expected = b.p * Double(draws)
            let d = Double(observed[i]) - expected
            chi2 += d * d / expected
        }
        let df = Double(bins.count - 1)
        let critical = gsl_cdf_chisq_Qinv(1e-4, df)
        #expect(chi2 <= critical, "chi² = \(chi2) with \(bins.count - 1) df, critical \(critical)")
    }

    /// The Euler–Maclaurin normaliser (documented accuracy ≈ 10⁻¹⁴ relative) against compensated
    /// direct summation, with a 10⁻¹³ relative bound.
    @Test(
        "generalised harmonic numbers match direct summation",
        arguments: [0.0, 0.3, 0.5, 0.99, 1.0, 1.01, 1.2, 2.0, 4.0])
    func harmonic(_ s: Double) {
        for n: UInt64 in [1, 2, 31, 32, 33, 100, 12_345, 1_000_000] {
            // Kahan-compensated, smallest terms first: good to a few ulps of the total.
            var direct = 0.0
            var compensation = 0.0
            var k = n
            while k >= 1 {
                let y = pow(Double(k), -s) - compensation
                let t = direct + y
                compensation = (t - direct) - y
                direct = t
                k -= 1
            }
            let h = ZipfDistribution.generalizedHarmonic(n, exponent: s)
            #expect(abs(h - direct) <= 1e-13 * direct, "H(\(n), \(s)) = \(h), direct \(direct)")
        }
    }

    /// Closed forms at N = 10⁹: H(N, 0) = N; H(N, 2) = π²/6 − (1/N − 1/(2N²) + …).
    @Test("generalised harmonic numbers match closed forms at N = 1e9")
    func harmonicClosedForms() {
        let h0 = ZipfDistribution.generalizedHarmonic(1_000_000_000, exponent: 0)
        #expect(abs(h0 - 1e9) <= 1e-15 * 1e9, "H(1e9, 0) = \(h0)")
        let h2 = ZipfDistribution.generalizedHarmonic(1_000_000_000, exponent: 2)
        #expect(abs(h2 - (Double.pi * Double.pi / 6 - 1e-9 + 0.5e-18)) < 1e-14, "H(1e9, 2) = \(h2)")
    }

    @Test("the same seat gives the same keys; another seat gives other keys")
    func determinism() {
        func keys(_ d: KeyDistribution, replication: UInt32, entity: UInt64) -> [UInt64] {
            let store = StreamStore(seed: 77)
            defer { withExtendedLifetime(store) {} }
            let stream = store.stream(path: "cache", purpose: .keys)
            stream.seat(replication: replication, entity: entity)
            return (0..<1000).map { _ in d.sample(stream) }
        }
        for d in [
            KeyDistribution.zipf(exponent: 0.99, count: 5_000_000), .uniform(count: 1000), .uniform(count: 1 << 40),
        ] {
            let a = keys(d, replication: 3, entity: 11)
            #expect(a == keys(d, replication: 3, entity: 11))
            #expect(a != keys(d, replication: 3, entity: 12))
            #expect(a != keys(d, replication: 4, entity: 11))
            #expect(a.allSatisfy { $0 >= 1 && $0 <= d.count })
        }
    }

    /// N = 10⁹: draws stay in 1…N, and the share of rank 1 and of ranks above N/2 each match the pmf
    /// within 3.9 binomial standard errors (so the far tail is reached, and reached as often as it
    /// should be).
    @Test("N = 1e9 works and stays in range", arguments: [0.0, 0.8, 1.0, 1.5])
    func billion(_ s: Double) {
        let n: UInt64 = 1_000_000_000
        let z = ZipfDistribution(exponent: s, count: n)
        #expect(z.validate() == nil)
        let store = StreamStore(seed: 9)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "tests/zipf/billion", purpose: .keys)
        stream.seat(replication: 0, entity: 0)
        let draws = 400_000
        var ones = 0
        var upperHalf = 0
        var lowest = UInt64.max
        var highest: UInt64 = 0
        for _ in 0..<draws {
            let k = z.sample(stream)
            lowest = min(lowest, k)
            highest = max(highest, k)
            if k == 1 { ones += 1 }
            if k > n / 2 { upperHalf += 1 }
        }
        #expect(lowest >= 1 && highest <= n, "range \(lowest)…\(highest)")
        let pOne = z.probability(ofRank: 1)
        let pUpper = (z.harmonic - ZipfDistribution.generalizedHarmonic(n / 2, exponent: s)) / z.harmonic
        for (hits, p, what) in [(ones, pOne, "rank 1"), (upperHalf, pUpper, "ranks above N/2")] {
            let bound = 3.9 * (p * (1 - p) / Double(draws)).squareRoot() + 1e-12
            let share = Double(hits) / Double(draws)
            #expect(abs(share - p) <= bound, "\(what): \(share) vs \(p), bound \(bound)")
        }
    }

    @Test("count 1 always draws key 1; uniform over more than 2^32 keys stays in range")
    func edges() {
        let store = StreamStore(seed: 1)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "tests/zipf/edges", purpose: .keys)
        stream.seat(replication: 0, entity: 0)
        for s in [0.0, 1.0, 3.0] {
            let z = ZipfDistribution(exponent: s, count: 1)
            #expect((0..<1000).allSatisfy { _ in z.sample(stream) == 1 })
            #expect(z.probability(ofRank: 1) == 1)
        }
        let big = KeyDistribution.uniform(count: 3 << 40)
        var above32 = 0
        for _ in 0..<10_000 {
            let k = big.sample(stream)
            #expect(k >= 1 && k <= 3 << 40)
            if k > 0xFFFF_FFFF { above32 += 1 }
        }
        // P(k > 2³²) = 1 − 2³²/(3·2⁴⁰) ≈ 0.9987: all but a handful.
        #expect(above32 > 9_900)
    }

    @Test("validation names the bad parameter")
    func validation() {
        #expect(KeyDistribution.zipf(exponent: 0.99, count: 5_000_000).validate() == nil)
        #expect(KeyDistribution.zipf(exponent: 0, count: 1).validate() == nil)
        #expect(KeyDistribution.zipf(exponent: -1, count: 10).validate() == "exponent must be >= 0 (found -1)")
        #expect(
            KeyDistribution.zipf(exponent: .nan, count: 10).validate() == "exponent must be a finite number (found nan)"
        )
        #expect(KeyDistribution.zipf(exponent: 1, count: 0).validate() == "count must be >= 1 (found 0)")
        #expect(KeyDistribution.uniform(count: 0).validate() == "count must be >= 1 (found 0)")
        #expect(
            KeyDistribution.uniform(count: (1 << 53) + 1).validate()
                == "count must be <= 9007199254740992 (found 9007199254740993)")
        #expect(KeyDistribution.uniform(count: 4).probability(ofRank: 4) == 0.25)
        #expect(KeyDistribution.uniform(count: 4).probability(ofRank: 5) == 0)
        let p2 = KeyDistribution.zipf(exponent: 1, count: 3).probability(ofRank: 2)
        #expect(abs(p2 - 0.5 / (1 + 0.5 + 1.0 / 3)) < 1e-15)
    }
}
