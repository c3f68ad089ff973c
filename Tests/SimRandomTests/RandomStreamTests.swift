import CGSL
import SimRandom
import Testing

@Suite("RandomStream")
struct RandomStreamTests {
    @Test("the 48-bit draw index carries from counter[0] into counter[1] without touching the entity")
    func counterCarry() {
        let store = StreamStore(seed: 99)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "db", purpose: .service)
        let key = stream.key
        let entity: UInt64 = 0xABCD_EF01_2345
        stream.seat(replication: 0xDEAD_BEEF, entity: entity, block: 0xFFFF_FFFF)
        #expect(stream.counter == SIMD4(0xFFFF_FFFF, 0x2345_0000, 0xABCD_EF01, 0xDEAD_BEEF))
        var words: [UInt32] = []
        for _ in 0..<8 { words.append(stream.nextUInt32()) }
        let before = Philox4x32_10.block(counter: SIMD4(0xFFFF_FFFF, 0x2345_0000, 0xABCD_EF01, 0xDEAD_BEEF), key: key)
        let after = Philox4x32_10.block(counter: SIMD4(0, 0x2345_0001, 0xABCD_EF01, 0xDEAD_BEEF), key: key)
        #expect(Array(words[0..<4]) == [before[0], before[1], before[2], before[3]])
        #expect(Array(words[4..<8]) == [after[0], after[1], after[2], after[3]])
        #expect(stream.counter == SIMD4(1, 0x2345_0001, 0xABCD_EF01, 0xDEAD_BEEF))

        // The top of the 48-bit index wraps to 0 inside its 16 bits; the entity bits stay.
        stream.seat(replication: 1, entity: 0xFFFF, block: (1 << 48) - 1)
        #expect(stream.counter == SIMD4(0xFFFF_FFFF, 0xFFFF_FFFF, 0, 1))
        _ = stream.nextUInt32()
        #expect(stream.counter == SIMD4(0, 0xFFFF_0000, 0, 1))
    }

    @Test("seat(rep, entity) gives the same sequence whatever order entities are seated in")
    func seatOrderIndependence() {
        func draws(order: [UInt64], replication: UInt32) -> [UInt64: [Double]] {
            let store = StreamStore(seed: 2024)
            defer { withExtendedLifetime(store) {} }
            let stream = store.stream(path: "web", purpose: .service)
            var out: [UInt64: [Double]] = [:]
            for e in order {
                // Interleave a partial, discarded draw of another entity: seating must reset it.
                stream.seat(replication: replication, entity: e &+ 1000)
                for _ in 0..<Int(e % 5) { _ = stream.uniform() }
                stream.seat(replication: replication, entity: e)
                out[e] = (0..<11).map { _ in stream.uniform() }
            }
            return out
        }
        let forward = Array(UInt64(0)..<64)
        var shuffled = forward
        var state: UInt64 = 12345
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) {  // fixed Fisher–Yates
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            shuffled.swapAt(i, Int(state >> 33) % (i + 1))
        }
        let a = draws(order: forward, replication: 5)
        let b = draws(order: shuffled, replication: 5)
        let c = draws(order: forward.reversed(), replication: 5)
        #expect(a == b)
        #expect(a == c)
        #expect(a[0] != a[1])
        #expect(a != draws(order: forward, replication: 6))
    }

    @Test("draw methods consume words exactly like the GSL functions they mirror")
    func mirrorsGSL() {
        let storeA = StreamStore(seed: 3)
        defer { withExtendedLifetime(storeA) {} }
        let s1 = storeA.stream(path: "x", purpose: .routing)
        let storeB = StreamStore(seed: 3)
        defer { withExtendedLifetime(storeB) {} }
        let s2 = storeB.stream(path: "x", purpose: .routing)
        for round in 0..<2000 {
            switch round % 5 {
            case 0: #expect(s1.uniform() == gsl_rng_uniform(s2.rng))
            case 1: #expect(s1.uniformPositive() == gsl_rng_uniform_pos(s2.rng))
            case 2:
                let n = 1 + round % 97
                #expect(s1.index(below: n) == Int(gsl_rng_uniform_int(s2.rng, UInt(n))))
            case 3:
                let n = 0xFFFF_FFFF - round
                #expect(s1.index(below: n) == Int(gsl_rng_uniform_int(s2.rng, UInt(n))))
            default: #expect(UInt(s1.nextUInt32()) == gsl_rng_get(s2.rng))
            }
        }
        #expect(s1.counter == s2.counter)
    }

    @Test("uniform() is in [0, 1) with mean 1/2 within 3.9 standard errors over 10^6 draws")
    func uniformMean() {
        let store = StreamStore(seed: 11)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "u", purpose: .workload)
        let n = 1_000_000
        var sum = 0.0
        var lo = 1.0
        var hi = 0.0
        for _ in 0..<n {
            let u = stream.uniform()
            sum += u
            lo = min(lo, u)
            hi = max(hi, u)
        }
        #expect(lo >= 0)
        #expect(hi < 1)
        let se = (1.0 / 12.0 / Double(n)).squareRoot()
        #expect(abs(sum / Double(n) - 0.5) <= 3.9 * se, "mean \(sum / Double(n)), bound \(3.9 * se)")
    }

    @Test("uniform() passes a 64-bin chi-square test at p = 1e-4")
    func uniformChiSquare() {
        let store = StreamStore(seed: 12)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "u", purpose: .workload)
        let n = 1_000_000
        let bins = 64
        var counts = [Int](repeating: 0, count: bins)
        for _ in 0..<n { counts[Int(stream.uniform() * Double(bins))] += 1 }
        let expected = Double(n) / Double(bins)
        let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let bound = gsl_cdf_chisq_Qinv(1e-4, Double(bins - 1))
        #expect(chi2 <= bound, "chi2 \(chi2), bound \(bound)")
    }

    @Test("index(below:) is uniform: 10-bin chi-square at p = 1e-4")
    func indexChiSquare() {
        let store = StreamStore(seed: 13)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "i", purpose: .routing)
        let n = 200_000
        let bins = 10
        var counts = [Int](repeating: 0, count: bins)
        for _ in 0..<n { counts[stream.index(below: bins)] += 1 }
        let expected = Double(n) / Double(bins)
        let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi2 <= gsl_cdf_chisq_Qinv(1e-4, Double(bins - 1)), "chi2 \(chi2)")
    }

    @Test("uniformPositive() is in (0, 1)")
    func uniformPositiveRange() {
        let store = StreamStore(seed: 14)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "p", purpose: .keys)
        for _ in 0..<10_000 {
            let u = stream.uniformPositive()
            #expect(u > 0 && u < 1)
        }
    }
}
