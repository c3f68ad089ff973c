import CapSimTestSupport
import Testing

@testable import Reporting

/// The search behind `capsim size`, on verdicts made up by monotone rules (no simulation), over
/// many random rules: it finds what brute force over the whole grid finds, probes each setting
/// at most once, and never answers with anything but a probed PASS.
@Suite("Capacity search")
struct CapacitySearchTests {
    /// SplitMix64: a small seeded generator for the random rules.
    struct Rules: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func axes(_ counts: [Int]) -> [CapacitySearch.Axis] {
        counts.enumerated().map { k, n in .init(path: "axis\(k)", values: (1...n).map(String.init)) }
    }

    @Test("one axis: the smallest passing value, in at most ⌈log2 n⌉ + 1 probes", arguments: [1, 2, 3, 7, 64, 1000])
    func oneAxis(count n: Int) {
        for threshold in Set([0, 1, n / 3, n / 2, n - 1, n]) {  // n: nothing passes
            var calls = 0
            let outcome = CapacitySearch(axes: axes([n])).run { (s: [Int]) in
                calls += 1
                return SizingProbe(verdict: s[0] >= threshold ? .pass : .fail)
            }
            #expect(outcome.answer?.setting == (threshold < n ? [threshold] : nil), "n \(n), threshold \(threshold)")
            var bound = 1
            while 1 << (bound - 1) < n { bound += 1 }
            #expect(calls <= bound, "n \(n), threshold \(threshold): \(calls) probes")
        }
    }

    @Test("several axes, 300 random monotone rules: the cheapest passing setting of the whole grid")
    func matchesBruteForce() {
        var random = Rules(state: 42)
        for _ in 0..<300 {
            let counts = (0..<Int.random(in: 2...3, using: &random)).map { _ in Int.random(in: 1...9, using: &random) }
            // Passes when a weighted sum of the settings reaches a threshold; costs grow with
            // every axis (as instances and workers cost money).
            let weights = counts.map { _ in Double.random(in: 0.1...3, using: &random) }
            let prices = counts.map { _ in Double.random(in: 1...10, using: &random) }
            let threshold = Double.random(in: 0...30, using: &random)
            func passes(_ s: [Int]) -> Bool { zip(weights, s).map { $0 * Double($1) }.reduce(0, +) >= threshold }
            func cost(_ s: [Int]) -> Double { zip(prices, s).map { $0 * Double($1 + 1) }.reduce(0, +) }
            var probed: [[Int]] = []
            let outcome = CapacitySearch(axes: axes(counts)).run { (s: [Int]) in
                probed.append(s)
                return SizingProbe(verdict: passes(s) ? .pass : .fail, cost: cost(s))
            }
            let passing = CapacitySearch.grid(counts).filter(passes)
            let best = passing.min { cost($0) < cost($1) }
            #expect(outcome.answer.map { cost($0.setting) } == best.map(cost), "\(counts) \(weights) \(threshold)")
            #expect(Set(probed).count == probed.count, "a setting probed twice")
            #expect(outcome.probes.map(\.setting) == probed)
            if let a = outcome.answer { #expect(probed.contains(a.setting) && passes(a.setting)) }
            // At most one bisection per combination of the other axes.
            var perBisection = 1
            while 1 << (perBisection - 1) < (counts.last ?? 1) { perBisection += 1 }
            #expect(probed.count <= CapacitySearch.grid(counts.dropLast()).count * perBisection)
        }
    }

    @Test("an INCONCLUSIVE probe never answers: the search moves past it and lists it as undecided")
    func inconclusive() {
        // Settings 0–3 fail, 4 is INCONCLUSIVE, 5 and up pass.
        let outcome = CapacitySearch(axes: axes([16])).run { (s: [Int]) in
            SizingProbe(verdict: s[0] < 4 ? .fail : s[0] == 4 ? .inconclusive : .pass)
        }
        #expect(outcome.answer?.setting == [5])
        #expect(outcome.undecided.map(\.setting) == [[4]])
        // Nothing decided at the top: no answer, and nothing below it is claimed.
        let none = CapacitySearch(axes: axes([8])).run { _ in SizingProbe(verdict: .inconclusive) }
        #expect(none.answer == nil && none.undecided.isEmpty && none.probes.count == 1)
    }
}
