import SimRandom

#if canImport(Glibc)
import Glibc
#endif

/// The time a fan-out keeps its caller waiting: the maximum of its branches' times
/// (``BranchTime``), taken as independent.
///
/// For independent branches with laws F_m, P(max ≤ t) = Π F_m(t), so
/// E[max] = Σ E[X_m] − ∫₀^∞ D(t) dt and E[max²] = Σ E[X_m²] − ∫₀^∞ 2t·D(t) dt, with
/// D = Σ (1 − F_m) − (1 − Π F_m) ≥ 0, which vanishes wherever at most one branch is still
/// running. The integrals are taken by the midpoint rule up to the second furthest branch's
/// reach (12 standard deviations beyond its mean, 50 means where a variance is infinite), over
/// 4,096 equal cells on each branch's own scale, split where a law jumps (a constant service or
/// shift, an empirical sample), so a fan-out of constants is exact.
///
/// Exact for branches that are independent: visits that do not wait (unlimited workers, or a
/// load too light to queue), whatever their service laws. Branches that queue are not: their
/// waits follow the same arrivals, so they are positively correlated and the maximum of
/// independent ones is an upper estimate (two M/M/1 branches at load ρ: 1.5/(μ − λ) against
/// the exact (12 − ρ)/8/(μ − λ) of Nelson and Tantawi).
public enum ForkJoin {
    /// Cells of the quadrature grid before the laws' jumps are added.
    static let cells = 4_096

    /// E[max] and E[max²] (seconds, seconds²) of independent branches; a single branch's own
    /// moments, (0, 0) for none. `.infinity` where a branch's moment is infinite.
    public static func maximum(_ branches: [BranchTime]) -> (mean: Double, second: Double) {
        guard branches.count > 1 else { return (branches.first?.mean ?? 0, branches.first?.second ?? 0) }
        let sumMean = branches.reduce(0) { $0 + $1.mean }
        let sumSecond = branches.reduce(0) { $0 + $1.second }
        let largest = branches.map(\.mean).max() ?? 0
        guard !sumMean.isNaN else { return (.nan, .nan) }
        guard sumMean.isFinite else { return (.infinity, .infinity) }
        let taking = branches.filter { $0.zero < 1 && $0.mean > 0 }
        guard taking.count > 1 else {
            return (largest, taking.first?.second ?? 0)
        }
        // D vanishes where at most one branch still runs, so the integrals stop at the second
        // furthest reach; each branch's own scale gets its cells below that.
        let reaches = taking.map { Self.reach($0.body) }.sorted(by: >)
        let end = reaches[1]
        guard end > 0, end.isFinite else { return (largest, sumSecond) }
        let (mids, widths) = grid(
            scales: reaches.map { Swift.min($0, end) }, jumps: taking.flatMap { Self.jumps($0.body) })
        let laws = taking.map { b in cumulative(b.body, at: mids).map { b.zero + (1 - b.zero) * $0 } }
        var overlap = 0.0  // ∫ D
        var overlapSecond = 0.0  // ∫ 2t·D
        for j in mids.indices {
            var survivals = 0.0
            var all = 1.0
            for law in laws {
                survivals += 1 - law[j]
                all *= law[j]
            }
            let d = Swift.max(0, survivals - (1 - all))
            overlap += d * widths[j]
            overlapSecond += 2 * mids[j] * d * widths[j]
        }
        let mean = Swift.min(sumMean, Swift.max(largest, sumMean - overlap))
        let second = sumSecond.isFinite ? Swift.max(mean * mean, sumSecond - overlapSecond) : .infinity
        return (mean, second)
    }

    /// How far a body's law reaches: its mean plus 12 standard deviations (50 means when the
    /// variance is infinite).
    static func reach(_ body: BranchTime.Body) -> Double {
        let (mean, variance): (Double, Double)
        switch body {
        case .visit(let service, let shift, let p, let rate):
            let wait = rate > 0 ? p / rate : 0
            let waitSecond = rate > 0 ? 2 * p / (rate * rate) : 0
            mean = service.mean + shift + wait
            variance = service.variance + waitSecond - wait * wait
        case .fitted(let m, let scv):
            mean = m
            variance = scv * m * m
        }
        return variance.isFinite ? mean + 12 * Swift.max(0, variance).squareRoot() : 50 * mean
    }

    /// Where a body's law jumps: a constant service's value (after the shift), an empirical
    /// service's samples (when there are at most as many as the grid's cells), a fitted constant.
    static func jumps(_ body: BranchTime.Body) -> [Double] {
        switch body {
        case .visit(let service, let shift, _, _):
            switch service {
            case .deterministic(let value): return [value + shift]
            case .empirical(let samples) where samples.count <= cells: return samples.map { $0 + shift }
            default: return []
            }
        case .fitted(let mean, let scv):
            return scv < 1e-12 ? [mean] : []
        }
    }

    /// The midpoints and widths of the cells over [0, max `scales`] whose edges are `cells`
    /// equal steps up to each of `scales` (the branches' own, so that a short branch beside a
    /// long one is resolved; scales within a factor of two share one) and the `jumps` inside.
    static func grid(scales: [Double], jumps: [Double]) -> (mids: [Double], widths: [Double]) {
        let end = scales.max() ?? 0
        var edges: [Double] = [0, end]
        // The largest scale always, then each one below half of the last gridded: a scale
        // within a factor of two of a gridded one is resolved by its cells.
        var previous = Double.infinity
        for scale in scales.sorted(by: >) where scale > 0 && 2 * scale < previous {
            previous = scale
            let h = scale / Double(cells)
            edges += (1..<cells).map { Double($0) * h }
        }
        edges += jumps.filter { $0 > 0 && $0 < end }
        edges.sort()
        var mids: [Double] = []
        var widths: [Double] = []
        mids.reserveCapacity(edges.count)
        widths.reserveCapacity(edges.count)
        for i in 1..<edges.count where edges[i] > edges[i - 1] {
            mids.append((edges[i - 1] + edges[i]) / 2)
            widths.append(edges[i] - edges[i - 1])
        }
        return (mids, widths)
    }

    /// A body's P(X ≤ t) at each of `points` (ascending).
    static func cumulative(_ body: BranchTime.Body, at points: [Double]) -> [Double] {
        switch body {
        case .fitted(let mean, let scv):
            let law: Distribution =
                scv < 1e-12 ? .deterministic(value: mean) : .gamma(mean: mean, cv: scv.squareRoot())
            return law.cumulativeProbabilities(at: points)
        case .visit(let service, let shift, let p, let rate):
            // u = t − shift: the service and the wait's part.
            let first = points.firstIndex { $0 - shift > 0 } ?? points.count
            let u = points[first...].map { $0 - shift }
            let served = service.cumulativeProbabilities(at: u)
            var law = Array(repeating: 0.0, count: first)
            guard p > 0, rate > 0 else { return law + served }
            // G(u) = P(S + E ≤ u), E exponential with rate θ, solves G′ = θ(F_S − G), G(0) = 0;
            // over each step F_S is taken linear between the points, which integrates exactly:
            // G(u + d) = e^{−θd}·G(u) + a·(1 − e^{−θd}) + b·(1 − (1 − e^{−θd})/(θd)),
            // a = F_S(u), b = F_S(u + d) − F_S(u).
            var g = 0.0
            var before = 0.0  // u of the last point
            var servedBefore = service.cumulativeProbabilities(at: [0])[0]  // F_S there
            law.reserveCapacity(points.count)
            for (i, ui) in u.enumerated() {
                let x = rate * (ui - before)
                let decay = exp(-x)
                let rise = -expm1(-x)
                let a = servedBefore
                let b = served[i] - servedBefore
                g = decay * g + a * rise + b * (x > 0 ? 1 - rise / x : 0)
                law.append((1 - p) * served[i] + p * Swift.min(1, Swift.max(0, g)))
                before = ui
                servedBefore = served[i]
            }
            return law
        }
    }
}
