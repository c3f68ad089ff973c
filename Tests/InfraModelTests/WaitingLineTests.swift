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

    @Test("priority mode: the head is always the oldest of the most urgent level, through growth, wraps and removals")
    func priorityAgainstStableSort() {
        for seed in 1...50 {
            var rng = SplitMix(seed: UInt64(seed))
            var line = WaitingLine()
            // (level, request) in arrival order: the line must give them back sorted by level,
            // arrival order within a level.
            var model: [(level: Int32, request: Int32)] = []
            var next: Int32 = 0
            let levels = UInt64(1 + seed % 4)
            for _ in 0..<2_000 {
                switch rng.next() % 5 {
                case 0, 1, 2:
                    let level = Int32(rng.next() % levels)
                    line.insert(next, level: level)
                    model.append((level, next))
                    next += 1
                case 3 where !model.isEmpty:
                    let k = model.indices.min {
                        model[$0].level < model[$1].level || (model[$0].level == model[$1].level && $0 < $1)
                    }!
                    #expect(line.first == model[k].request)
                    #expect(line.next(.priority) == model.remove(at: k).request)
                default:
                    let x = Int32(truncatingIfNeeded: rng.next() % UInt64(next + 1))
                    let found = model.firstIndex { $0.request == x }
                    #expect(line.remove(x) == (found != nil))
                    if let found { model.remove(at: found) }
                }
                #expect(line.count == model.count)
            }
            var rest: [Int32] = []
            while !line.isEmpty { rest.append(line.next(.priority)) }
            let sorted = model.enumerated().sorted { a, b in
                a.element.level < b.element.level || (a.element.level == b.element.level && a.offset < b.offset)
            }
            #expect(rest == sorted.map(\.element.request))
            line.deallocate()
        }
    }
}
