import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// `InstanceState` keeps what a request's arrival, service start and end read in its first 32
/// bytes, and the instances start on a 64-byte boundary: in a fleet of thousands, whose states
/// lie in cold memory, a visit then waits for one cache line, not two.
@Suite("Instance state layout")
struct InstanceLayoutTests {
    @Test("the hot fields lie in the first 32 bytes, the stride is a multiple of 32, the buffer is 64-byte aligned")
    func hotFieldsShareALine() throws {
        typealias I = InstanceState
        let hot: [(String, Int?, Int)] = [
            ("station", MemoryLayout<I>.offset(of: \I.station), 4),
            ("busy", MemoryLayout<I>.offset(of: \I.busy), 4),
            ("up", MemoryLayout<I>.offset(of: \I.up), 1),
            ("hung", MemoryLayout<I>.offset(of: \I.hung), 1),
            ("downReasons", MemoryLayout<I>.offset(of: \I.downReasons), 2),
            ("healthy", MemoryLayout<I>.offset(of: \I.healthy), 1),
            ("slowdown", MemoryLayout<I>.offset(of: \I.slowdown), 8),
            ("waiting.count", MemoryLayout<I>.offset(of: \I.waiting.count), 8),
        ]
        for (name, offset, size) in hot {
            let at = try #require(offset, "\(name) is a stored property")
            #expect(at + size <= 32, "\(name) at bytes \(at) ..< \(at + size)")
        }
        #expect(MemoryLayout<I>.stride % 32 == 0, "stride \(MemoryLayout<I>.stride)")
        let spec = ModelSpec(
            stations: [StationSpec(name: "web", instances: 3, workers: 1, service: .exponential(mean: 0.001))],
            classes: [RequestClass(name: "r", path: [0])], arrivals: nil,
            window: RunWindow(warmup: .zero, horizon: SimTime(nanoseconds: 1_000_000), drain: .zero))
        let sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: 1), replication: 0)
        #expect(Int(bitPattern: UnsafeRawPointer(sim.instances)) % 64 == 0)
    }
}
