/// The cheapest setting that meets every SLO (`capsim size`): a search over axes of settings,
/// each ordered from least to most capable, on the assumption the user states by choosing the
/// axes — that more capability never makes an SLO worse (more workers, more instances).
///
/// - One axis: bisection. The top of the range is probed first (if it does not pass, nothing
///   does); then the smallest passing value is bracketed, one probe per halving.
/// - Several axes: for each combination of the other axes (in increasing order), bisection on
///   the last one. Monotonicity bounds each bisection: a combination at least as capable on
///   every other axis as one already searched needs no more of the last axis, so its range is
///   cut at that one's answer. This walks the frontier of smallest passing settings; the
///   answer is the frontier point with the lowest cost (its point estimate; ties go to the
///   earlier point).
///
/// Only a probed PASS is ever an answer. A FAIL or an INCONCLUSIVE probe (the gate could not
/// decide within its replications) counts as not passing, so bisection moves up past it: the
/// answer is then conservative, and `SizingOutcome.undecided` lists the INCONCLUSIVE settings
/// below it, which might pass too. Each setting is probed at most once.
public struct CapacitySearch: Sendable {
    public struct Axis: Sendable, Equatable {
        /// The key path it sets, e.g. `components.web.workers`.
        public var path: String
        /// Its values as YAML text, from least to most capable.
        public var values: [String]

        public init(path: String, values: [String]) {
            self.path = path
            self.values = values
        }
    }

    public let axes: [Axis]

    /// The most combinations of the axes other than the last that a search may visit.
    public static let maximumCombinations = 10_000

    public init(axes: [Axis]) {
        precondition(!axes.isEmpty && axes.allSatisfy { !$0.values.isEmpty }, "at least one axis, none empty")
        self.axes = axes
    }

    /// Runs the search. `probe` gets a setting — an index into each axis's values — and gives
    /// its verdict and cost; it is called at most once per setting, in the order of
    /// `SizingOutcome.probes`.
    public func run<E: Error>(_ probe: ([Int]) throws(E) -> SizingProbe) throws(E) -> SizingOutcome {
        var probes: [SizingProbe] = []
        var seen: [[Int]: Int] = [:]  // setting → index in `probes`
        func look(_ setting: [Int]) throws(E) -> SizingProbe {
            if let k = seen[setting] { return probes[k] }
            var p = try probe(setting)
            p.setting = setting
            seen[setting] = probes.count
            probes.append(p)
            return p
        }
        let last = axes.count - 1
        var frontier: [SizingProbe] = []
        for others in Self.grid(axes.dropLast().map(\.values.count)) {
            // The most of the last axis this combination can need: no more than a less capable
            // combination's answer.
            var top = axes[last].values.count - 1
            for f in frontier where zip(f.setting.prefix(last), others).allSatisfy({ $0 <= $1 }) {
                top = min(top, f.setting[last])
            }
            // Bisection over (lo, hi]: lo never passes (−1: below the range), hi passes.
            let highest = try look(others + [top])
            guard highest.verdict == .pass else { continue }
            var lo = -1
            var hi = top
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if try look(others + [mid]).verdict == .pass { hi = mid } else { lo = mid }
            }
            frontier.append(try look(others + [hi]))
        }
        var answer: SizingProbe?
        for f in frontier where answer == nil || (f.cost ?? .infinity) < (answer?.cost ?? .infinity) {
            answer = f
        }
        let undecided = probes.filter { p in
            guard p.verdict == .inconclusive, let a = answer else { return false }
            return zip(p.setting, a.setting).allSatisfy { $0 <= $1 } && p.setting != a.setting
        }
        return SizingOutcome(probes: probes, frontier: frontier, answer: answer, undecided: undecided)
    }

    /// Every index tuple over `counts`, the last varying fastest; one empty tuple for no counts.
    public static func grid(_ counts: [Int]) -> [[Int]] {
        var result: [[Int]] = [[]]
        for n in counts { result = result.flatMap { prefix in (0..<n).map { prefix + [$0] } } }
        return result
    }
}

/// One probe of a capacity search: a setting and what the SLO gate said of it.
public struct SizingProbe: Sendable, Equatable {
    /// An index into each axis's values (set by the search).
    public var setting: [Int]
    /// The worst SLO verdict.
    public var verdict: Verdict
    /// Its cost (e.g. `cost.monthly`), if the scenario has one.
    public var cost: Double?

    public init(setting: [Int] = [], verdict: Verdict, cost: Double? = nil) {
        self.setting = setting
        self.verdict = verdict
        self.cost = cost
    }
}

/// What a capacity search found.
public struct SizingOutcome: Sendable, Equatable {
    /// Every probe, in the order it ran.
    public var probes: [SizingProbe]
    /// Per combination of the other axes that has a passing setting: the smallest one on the
    /// last axis (a probed PASS).
    public var frontier: [SizingProbe]
    /// The cheapest point of the frontier, or nil when no setting in range passed.
    public var answer: SizingProbe?
    /// INCONCLUSIVE settings no more capable than the answer on any axis: they might pass too.
    public var undecided: [SizingProbe]
}
