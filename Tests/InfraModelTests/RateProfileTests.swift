import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// The rate profile's segments and bounds: thinning is exact only if the bound of every segment
/// is at least the multiplier everywhere in it.
@Suite("Rate profile segments and bounds")
struct RateProfileTests {
    static let profiles: [RateProfile] = [
        RateProfile(diurnal: .init(peak: 1.8, trough: 0.2, peakAt: 14 * 3600)),
        RateProfile(
            start: 3 * 86_400 + 7_000,
            piecewise: .init(times: [0, 600, 1200, 5000], values: [0.5, 3, 0, 2], interpolation: .linear),
            diurnal: .init(peak: 1.4, trough: 0.6, peakAt: 1000, period: 3600), weekly: [1, 2, 0.5, 1, 1, 3, 0.2],
            spikes: [.init(at: 100, length: 400, factor: 5), .init(at: 300, length: 1000, factor: 0.5)]),
        RateProfile(
            piecewise: .init(times: [10, 20, 30], values: [1, 4, 2], interpolation: .step),
            spikes: [.init(at: 15, length: 1, factor: 3)]),
    ]

    @Test("the bound of each segment is at least the multiplier throughout it", arguments: 0..<3)
    func bounds(_ k: Int) {
        let p = Self.profiles[k]
        var t = 0.0
        var segments = 0
        while t < 4 * 86_400 {
            let e = p.nextBreak(after: t)
            #expect(e > t)
            let b = p.bound(from: t, to: e)
            let end = min(e, 4 * 86_400)
            for i in 0..<64 {
                let x = t + (end - t) * Double(i) / 64
                #expect(
                    p.multiplier(at: x) <= b,
                    "profile \(k): m(\(x)) = \(p.multiplier(at: x)) > bound \(b) on [\(t), \(e))")
            }
            t = e
            segments += 1
            if segments > 100_000 { break }
        }
        #expect(segments < 20_000)
    }

    @Test("the integral agrees with a fine midpoint sum; the peak with a fine scan")
    func integral() {
        for (k, p) in Self.profiles.enumerated() {
            let h = 2 * 86_400.0
            let n = 400_000
            var sum = 0.0
            var peak = 0.0
            for i in 0..<n {
                let x = (Double(i) + 0.5) * h / Double(n)
                sum += p.multiplier(at: x) * h / Double(n)
                peak = max(peak, p.multiplier(at: x))
            }
            let exact = p.integral(from: 0, to: h)
            #expect(abs(exact - sum) <= 1e-3 * exact, "profile \(k): \(exact) vs \(sum)")
            #expect(
                p.peak(over: h) >= peak && p.peak(over: h) <= peak * 1.01,
                "profile \(k): peak \(p.peak(over: h)) vs \(peak)")
        }
    }

    @Test("past 100,000 diurnal segments the mean and peak take the closed form and agree with the segment walk")
    func longHorizon() {
        // A one-second period: 2,500 s is 120,000 segments, past the closed form's threshold.
        let p = RateProfile(
            start: 86_400 - 900,
            piecewise: .init(times: [0, 60, 120], values: [0.5, 3, 2], interpolation: .linear),
            diurnal: .init(peak: 1.4, trough: 0.6, peakAt: 0.3, period: 1), weekly: [1, 2, 0.5, 1, 1, 3, 0.2],
            spikes: [.init(at: 100, length: 40, factor: 5)])
        let h = 2_500.0
        #expect(p.longTail(h) == 140)
        let walked = p.integral(from: 0, to: h) / h
        #expect(abs(p.mean(over: h) - walked) <= 1e-12 * walked, "\(p.mean(over: h)) vs \(walked)")
        var scanned = 0.0
        var t = 140.0
        while t < h {
            scanned = max(scanned, p.multiplier(at: t))
            t += 1e-3
        }
        let tail = p.tailPeak(from: 140, to: h)
        #expect(tail >= scanned && tail <= scanned * (1 + 1e-6), "\(tail) vs \(scanned)")
        // A century of a one-second cycle: bounded work (about 36,500 days), not 1.5e11 segments.
        let century = 100 * 365 * 86_400.0
        #expect(abs(p.mean(over: century) - 2 * 1.0 * (1 + 2 + 0.5 + 1 + 1 + 3 + 0.2) / 7) < 1e-3)
        #expect(p.peak(over: century) == max(p.peak(over: 140), 2 * 1.4 * 3))  // Saturday's 3x in the tail
    }
}
