import Foundation
import Testing
import Theory

/// M/M/c/K (`FiniteQueue`) against its birth–death chain summed term by term, Erlang B, Erlang C
/// and its limits; and `OfferedLoad.boundedQueue` on scenarios.
@Suite("M/M/c/K")
struct FiniteQueueTests {
    /// The chain's stationary probabilities p_0…p_K, summed directly (fine for small K).
    static func chain(servers c: Int, capacity k: Int, load a: Double) -> [Double] {
        var p = [1.0]
        for n in stride(from: 1, through: k, by: 1) { p.append(p[n - 1] * a / Double(min(n, c))) }
        let total = p.reduce(0, +)
        return p.map { $0 / total }
    }

    static func close(_ x: Double, _ y: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(x - y) <= tolerance * max(1, abs(y))
    }

    @Test(
        "blocking, waiting, the load carried and the wait match the chain",
        arguments: [
            (1, 0, 0.5), (1, 4, 0.8), (2, 3, 2.4), (8, 12, 7.2), (3, 5, 3.0), (4, 40, 6.0), (10, 0, 8.0),
            (5, 20, 4.995), (2, 2000, 1.9995), (1, 300, 0.9990001), (1, 2000, 1.0005), (16, 64, 30.0),
        ])
    func againstChain(c: Int, room: Int, a: Double) throws {
        let q = try #require(FiniteQueue(servers: c, waitingRoom: room, arrivalRate: a * 1000, meanService: 0.001))
        let p = Self.chain(servers: c, capacity: c + room, load: a)
        let waiting = p.indices.reduce(0.0) { $0 + Double(max($1 - c, 0)) * p[$1] }
        let inSystem = p.indices.reduce(0.0) { $0 + Double($1) * p[$1] }
        let waits = p[c..<(c + room)].reduce(0, +) / (1 - p[c + room])
        #expect(Self.close(q.blocking, p[c + room], 1e-10))
        #expect(Self.close(q.meanWaiting, waiting, 1e-10))
        #expect(Self.close(q.meanInSystem, inSystem, 1e-10))
        #expect(Self.close(q.waitProbability, waits, 1e-10))
        // Busy servers: Σ min(n, c)·p_n, which is the carried load a(1 − p_K).
        let busy = p.indices.reduce(0.0) { $0 + Double(min($1, c)) * p[$1] }
        #expect(Self.close(q.carriedLoad, busy, 1e-10))
        // Little's law over the admitted stream: L = λ(1 − p_K)·(W + E[S]).
        #expect(Self.close(q.meanInSystem, a * 1000 * (1 - q.blocking) * (q.meanWait + 0.001), 1e-10))
    }

    @Test("no waiting room is Erlang's loss system: B(10, 8) = 0.121661")
    func erlangB() throws {
        let q = try #require(FiniteQueue(servers: 10, waitingRoom: 0, arrivalRate: 800, meanService: 0.01))
        #expect(abs(q.blocking - 0.121_661_064_252_951_5) < 1e-14)
        #expect(q.meanWaiting == 0 && q.meanWait == 0 && q.waitProbability == 0)
        #expect(Self.close(q.utilization, 0.8 * (1 - q.blocking)))
        #expect(Self.close(FiniteQueue.erlangB(servers: 10, load: 8), q.blocking))
    }

    @Test("a waiting room without end: Erlang C below capacity, 1 − 1/ρ lost above it")
    func limits() throws {
        // M/M/8 at ρ = 0.9: the wait of Erlang C, and nothing lost.
        let below = try #require(
            FiniteQueue(servers: 8, waitingRoom: 1_000_000_000, arrivalRate: 7200, meanService: 0.001))
        #expect(below.blocking == 0)
        #expect(Self.close(below.meanWait, ErlangC.meanWait(servers: 8, arrivalRate: 7200, meanService: 0.001), 1e-9))
        #expect(Self.close(below.waitProbability, ErlangC.probabilityOfWaiting(servers: 8, load: 7.2), 1e-9))
        // At ρ = 1.2 the queue stays full: a share 1 − 1/ρ is lost and the servers never rest.
        let above = try #require(
            FiniteQueue(servers: 4, waitingRoom: Int.max - 4, arrivalRate: 4800, meanService: 0.001))
        #expect(Self.close(above.blocking, 1 - 1 / 1.2, 1e-12))
        #expect(Self.close(above.utilization, 1, 1e-12))
        #expect(above.meanWaiting.isFinite && above.meanWaiting > 1e15)
        // At ρ = 1 exactly the waiting room's states are equally likely.
        let flat = try #require(FiniteQueue(servers: 1, waitingRoom: 999, arrivalRate: 1000, meanService: 0.001))
        #expect(Self.close(flat.blocking, 1.0 / 1001, 1e-12))
        #expect(Self.close(flat.meanInSystem, 500, 1e-12))
        // Thousands of servers: Erlang B's recursion neither overflows nor underflows into NaN.
        let big = try #require(FiniteQueue(servers: 5000, waitingRoom: 100, arrivalRate: 4_900_000, meanService: 0.001))
        #expect(big.blocking > 0 && big.blocking < 1e-3 && big.meanWait.isFinite)
    }

    @Test("bounded work: nil where the sums would take too long, zero without load")
    func bounds() throws {
        #expect(
            FiniteQueue(servers: 1, waitingRoom: Int.max, arrivalRate: 1000 * (1 + 1e-12), meanService: 0.001) == nil)
        #expect(FiniteQueue(servers: 20_000_000, waitingRoom: 0, arrivalRate: 1, meanService: 1) == nil)
        #expect(FiniteQueue(servers: 1, waitingRoom: 1, arrivalRate: .infinity, meanService: 1) == nil)
        #expect(FiniteQueue(servers: 1, waitingRoom: 1, arrivalRate: 1e200, meanService: 1e200) == nil)
        let idle = try #require(FiniteQueue(servers: 3, waitingRoom: 3, arrivalRate: 0, meanService: 1))
        #expect(idle.blocking == 0 && idle.meanWait == 0 && idle.utilization == 0)
    }
}
