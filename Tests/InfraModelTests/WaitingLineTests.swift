import Testing

@testable import InfraModel

@Suite("WaitingLine")
struct WaitingLineTests {
    @Test("append, take from either end and remove from the middle agree with an array, over many seeds")
    func againstArray() {
        for seed in 1...50 {
            var rng = SplitMix(seed: UInt64(seed))
            var line = WaitingLine()
            var model: [Int32] = []
            var next: Int32 = 0
            for _ in 0..<2_000 {
                switch rng.next() % 4 {
                case 0, 1:
                    line.append(next)
                    model.append(next)
                    next += 1
                case 2 where !model.isEmpty:
                    if rng.next() % 2 == 0 {
                        #expect(line.removeFirst() == model.removeFirst())
                    } else {
                        #expect(line.removeLast() == model.removeLast())
                    }
                default:
                    // Remove a waiting one (or one that is not there).
                    let x = Int32(truncatingIfNeeded: rng.next() % UInt64(next + 1))
                    let found = model.firstIndex(of: x)
                    #expect(line.remove(x) == (found != nil))
                    if let found { model.remove(at: found) }
                }
                #expect(line.count == model.count)
            }
            var rest: [Int32] = []
            while !line.isEmpty { rest.append(line.removeFirst()) }
            #expect(rest == model)
            line.deallocate()
        }
    }
}

/// A small deterministic generator for the property test (SplitMix64).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
