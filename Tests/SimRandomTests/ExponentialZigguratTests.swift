import CGSL
import CZiggurat
import SimRandom
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The exponential ziggurat behind every exponential draw (`RandomStream.standardExponential`):
/// its tables against their definition, and its draws against Exp(1).
@Suite("Exponential ziggurat")
struct ExponentialZigguratTests {
    static let layers = 256
    static let r = 7.69711747013104972
    static let area = 3.949659822581572e-3

    /// The right edges x₁ < … < x₂₅₅ = r of the layers, by Marsaglia and Tsang's recursion
    /// x_{i−1} = −ln(v/xᵢ + e^{−xᵢ}) (each layer's rectangle has area v).
    static func edges() -> [Double] {
        var x = [Double](repeating: 0, count: layers)
        x[layers - 1] = r
        for i in stride(from: layers - 2, through: 1, by: -1) {
            x[i] = -log(area / x[i + 1] + exp(-x[i + 1]))
        }
        return x
    }

    /// Every entry of `Sources/CZiggurat/include/CZiggurat.h` is the recursion's value, bit for
    /// bit (the same double arithmetic and libm as its `generate.py`): a hand edit or a wrong
    /// constant fails here.
    @Test("the tables are the recursion's values, bit for bit")
    func tables() {
        let x = Self.edges()
        let m = 0x1p53
        let q = Self.area / exp(-Self.r)
        #expect(capsim_ziggurat_r().bitPattern == Self.r.bitPattern)
        #expect(capsim_ziggurat_k_at(0) == UInt64(Self.r / q * m))
        #expect(capsim_ziggurat_k_at(1) == 0)
        #expect(capsim_ziggurat_w_at(0).bitPattern == (q / m).bitPattern)
        #expect(capsim_ziggurat_f_at(0) == 1)
        for i in 1..<Self.layers {
            #expect(capsim_ziggurat_w_at(UInt32(i)).bitPattern == (x[i] / m).bitPattern, "w[\(i)]")
            #expect(capsim_ziggurat_f_at(UInt32(i)).bitPattern == exp(-x[i]).bitPattern, "f[\(i)]")
            if i >= 2 {
                #expect(capsim_ziggurat_k_at(UInt32(i)) == UInt64(x[i - 1] / x[i] * m), "k[\(i)]")
            }
        }
    }

    /// The layers cover the area under e⁻ˣ with equal pieces: each rectangle i ≥ 1 (width xᵢ,
    /// height f(x_{i−1}) − f(xᵢ)) and the base (r·f(r) plus the tail's f(r)) have area v, the top
    /// layer closes at height 1 — which holds only for a consistent pair (r, v) — and the
    /// rectangles overhang the curve by 256·v − 1 ≈ 1.1 %: the share of draws rejected and drawn
    /// again.
    @Test("the layers have equal areas and cover the curve")
    func areas() {
        let x = Self.edges()
        var total = Self.r * exp(-Self.r) + exp(-Self.r)
        #expect(abs(total - Self.area) <= 1e-12 * Self.area)
        for i in 1..<Self.layers {
            let above = i == 1 ? 1.0 : exp(-x[i - 1])
            let a = x[i] * (above - exp(-x[i]))
            #expect(abs(a - Self.area) <= 1e-9 * Self.area, "layer \(i): \(a)")
            total += a
        }
        #expect(abs(total - 256 * Self.area) <= 1e-9, "total \(total)")
        #expect(abs(256 * Self.area - 1.0111) < 1e-4)
        #expect(x[1] > 0 && zip(x.dropFirst(), x.dropFirst(2)).allSatisfy { $0 < $1 })
    }

    /// 2 × 10⁶ draws: counts between consecutive layer edges (where the fast path, the wedges
    /// and the tail meet) against e^{−x_{i−1}} − e^{−xᵢ} by a χ² test at level 10⁻⁴, the
    /// Kolmogorov–Smirnov distance against 1 − e⁻ˣ under its 10⁻⁴ critical value, the tail beyond
    /// r and beyond 12 within 3.9 binomial standard errors, and mean and variance 1 within 3.9
    /// standard errors.
    @Test("draws are Exp(1): χ² over the layers, Kolmogorov–Smirnov, the tail, the moments")
    func draws() {
        let store = StreamStore(seed: 20_261_206)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "ziggurat", purpose: .service)
        let n = 2_000_000
        var samples = [Double](repeating: 0, count: n)
        // Seated per 1,000 draws, as models seat per entity: the fresh blocks must not matter.
        for i in 0..<n {
            if i % 1_000 == 0 { stream.seat(replication: 2, entity: UInt64(i / 1_000)) }
            samples[i] = stream.standardExponential()
        }
        #expect(samples.allSatisfy { $0 >= 0 && $0.isFinite })

        // χ² over the bins [0, x₁), [x₁, x₂), …, [x₂₅₄, r), [r, ∞).
        let x = Self.edges()
        var bounds = Array(x[1...])
        bounds.append(.infinity)
        var counts = [Int](repeating: 0, count: bounds.count)
        for s in samples {
            var lo = 0
            var hi = bounds.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if s < bounds[mid] { hi = mid } else { lo = mid + 1 }
            }
            counts[lo] += 1
        }
        var chi2 = 0.0
        var previous = 0.0
        for (k, b) in bounds.enumerated() {
            let p = exp(-previous) - (b.isFinite ? exp(-b) : 0)
            let e = p * Double(n)
            chi2 += (Double(counts[k]) - e) * (Double(counts[k]) - e) / e
            previous = b
        }
        let critical = gsl_cdf_chisq_Qinv(1e-4, Double(bounds.count - 1))
        #expect(chi2 < critical, "χ² \(chi2) over \(bounds.count) bins, critical \(critical)")

        // Kolmogorov–Smirnov: P(√n·D > 2.2255) ≈ 10⁻⁴ (Kolmogorov's limit).
        let sorted = samples.sorted()
        var d = 0.0
        for (i, s) in sorted.enumerated() {
            let f = 1 - exp(-s)
            d = max(d, f - Double(i) / Double(n), Double(i + 1) / Double(n) - f)
        }
        #expect(d * Double(n).squareRoot() < 2.2255, "√n·D = \(d * Double(n).squareRoot())")

        for t in [Self.r, 12.0] {
            let p = exp(-t)
            let beyond = Double(samples.filter { $0 > t }.count) / Double(n)
            let bound = 3.9 * (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(beyond - p) <= bound, "P(X > \(t)): \(beyond) vs \(p), bound \(bound)")
        }

        let mean = samples.reduce(0, +) / Double(n)
        #expect(abs(mean - 1) <= 3.9 / Double(n).squareRoot(), "mean \(mean)")
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Var of the sample variance of Exp(1): (μ₄ − σ⁴)/n = (9 − 1)/n.
        #expect(abs(variance - 1) <= 3.9 * (8 / Double(n)).squareRoot(), "variance \(variance)")
    }

    /// An exponential of any mean is the mean times the standard draw from the same words, so
    /// designs that differ only in a mean see the same quantile of every draw (common random
    /// numbers stay perfectly coupled).
    @Test("an exponential of mean m is m times the standard draw")
    func scaled() {
        let store = StreamStore(seed: 7)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "x", purpose: .service)
        for mean in [1e-3, 0.05, 3.7e4] {
            stream.seat(replication: 3, entity: 11)
            let ours = (0..<10_000).map { _ in Distribution.exponential(mean: mean).sample(stream) }
            stream.seat(replication: 3, entity: 11)
            let standard = (0..<10_000).map { _ in mean * stream.standardExponential() }
            #expect(ours.map(\.bitPattern) == standard.map(\.bitPattern), "mean \(mean)")
        }
    }
}
