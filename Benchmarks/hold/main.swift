// The pending-event list alone, in the model a fleet gives it: one pending arrival and, per
// request in service, a pending service end. Each popped arrival schedules the next arrival
// (mean gap 10 ms / LOAD) and its own service end (mean 10 ms), so about LOAD events are pending.
// Compiled in one module with the kernel's sources, so the binary heap and the calendar queue
// can be run alone beside the `EventQueue` that switches between them (Benchmarks/hold.sh).
//
//   hold heap|calendar|queue LOAD EVENTS
//
// Prints the structure, the pending count at the end, a checksum of the popped sequence numbers
// (the same for all three: the order of pops is fixed by the entries) and the CPU seconds.
import Foundation

struct Payload {
    var request: Int32
    var instance: Int32
    var isArrival: Bool
}

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func exponential(_ mean: Double) -> Int64 {
        Int64(-mean * log(1 - Double(next() >> 11) * 0x1.0p-53))
    }
}

protocol PendingEvents: ~Copyable {
    var count: Int { get }
    mutating func push(time: Int64, sequence: UInt64, event: Payload)
    mutating func pop() -> (time: Int64, sequence: UInt64, event: Payload)
}
extension BinaryHeap: PendingEvents where Event == Payload {}
extension CalendarQueue: PendingEvents where Event == Payload {}
extension EventQueue: PendingEvents where Event == Payload {}

@inline(never)
func hold<Q: PendingEvents & ~Copyable>(_ queue: inout Q, load: Double, events: Int) -> (Int, UInt64, Double) {
    var rng = SplitMix(state: 42)
    let service = 10_000_000.0
    var sequence: UInt64 = 0
    var checksum: UInt64 = 0
    let start = clock()
    queue.push(time: 0, sequence: sequence, event: Payload(request: 0, instance: 0, isArrival: true))
    sequence += 1
    for _ in 0..<events {
        let e = queue.pop()
        checksum = checksum &* 31 &+ e.sequence
        if e.event.isArrival {
            queue.push(
                time: e.time + rng.exponential(service / load), sequence: sequence,
                event: Payload(request: 0, instance: 0, isArrival: true))
            queue.push(
                time: e.time + rng.exponential(service), sequence: sequence + 1,
                event: Payload(request: 1, instance: 1, isArrival: false))
            sequence += 2
        }
    }
    return (queue.count, checksum, Double(clock() - start) / Double(CLOCKS_PER_SEC))
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let load = Double(arguments[2]), let events = Int(arguments[3]) else {
    print("usage: hold heap|calendar|queue LOAD EVENTS")
    exit(64)
}
let result: (Int, UInt64, Double)
switch arguments[1] {
case "heap":
    var q = BinaryHeap<Payload>()
    result = hold(&q, load: load, events: events)
case "calendar":
    var q = CalendarQueue<Payload>()
    result = hold(&q, load: load, events: events)
default:
    var q = EventQueue<Payload>()
    result = hold(&q, load: load, events: events)
}
print(arguments[1], result.0, result.1, String(format: "%.3f", result.2))
