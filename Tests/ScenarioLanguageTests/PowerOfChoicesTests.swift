import Foundation
import Testing
import Theory

/// Power of d choices in its mean field (`PowerOfChoices`): with d = 1 it must be M/M/c and
/// M/M/c/K at each instance; with one worker, Mitzenmacher's closed form; always the load it
/// carries. And the round-robin wait `BalanceSplit.erlangArrivalsWait` (E_k/M/1).
@Suite("Power of d choices, mean field")
struct PowerOfChoicesTests {
    static func close(_ x: Double, _ y: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(x - y) <= tolerance * max(abs(y), 1e-300)
    }

    @Test(
        "one choice without a bound is M/M/c: Erlang C's wait and probability of waiting",
        arguments: [(1, 0.5), (1, 0.9), (4, 0.8), (16, 0.95), (3, 0.2)])
    func oneChoiceIsErlangC(c: Int, rho: Double) throws {
        let lambda = rho * Double(c) * 1000
        let q = try #require(
            PowerOfChoices(choices: 1, servers: c, waitingRoom: nil, arrivalRate: lambda, meanService: 0.001))
        #expect(q.blocking == 0)
        #expect(Self.close(q.meanWait, ErlangC.meanWait(servers: c, arrivalRate: lambda, meanService: 0.001)))
        #expect(Self.close(q.waitProbability, ErlangC.probabilityOfWaiting(servers: c, load: rho * Double(c))))
        #expect(Self.close(q.utilization, rho))
    }

    @Test(
        "one choice with a bound is M/M/c/K, overloaded or not",
        arguments: [(2, 3, 2.4), (4, 10, 3.6), (1, 5, 0.5), (8, 0, 7.2), (3, 20, 3.3)])
    func oneChoiceIsFiniteQueue(c: Int, room: Int, a: Double) throws {
        let q = try #require(
            PowerOfChoices(choices: 1, servers: c, waitingRoom: room, arrivalRate: a * 1000, meanService: 0.001))
        let m = try #require(FiniteQueue(servers: c, waitingRoom: room, arrivalRate: a * 1000, meanService: 0.001))
        #expect(Self.close(q.blocking, m.blocking))
        #expect(Self.close(q.meanInSystem, m.meanInSystem))
        #expect(Self.close(q.meanWait + 1e-300, m.meanWait + 1e-300))
        #expect(Self.close(q.waitProbability + 1e-300, m.waitProbability + 1e-300))
    }

    @Test("one worker, two choices: s_k = ρ^(2ᵏ − 1) (Mitzenmacher)", arguments: [0.5, 0.9, 0.99])
    func closedForm(rho: Double) throws {
        let q = try #require(
            PowerOfChoices(choices: 2, servers: 1, waitingRoom: nil, arrivalRate: rho * 1000, meanService: 0.001))
        var present = 0.0
        var k = 1.0
        while pow(rho, pow(2, k) - 1) > 1e-30 {
            present += pow(rho, pow(2, k) - 1)
            k += 1
        }
        #expect(Self.close(q.meanInSystem, present))
        #expect(Self.close(q.meanWait, present / (rho * 1000) - 0.001))
        #expect(Self.close(q.waitProbability, rho * rho))
    }

    @Test("the workers carry what is admitted, and two choices wait and lose less than one")
    func carried() throws {
        for room: Int? in [nil, 6, 40] {
            let q = try #require(
                PowerOfChoices(choices: 2, servers: 4, waitingRoom: room, arrivalRate: 3_600, meanService: 0.001))
            // In service: Σ_{k=1}^{c} s_k, which must be λ(1 − blocking)·E[S].
            #expect(Self.close(q.meanInSystem - q.meanWaiting, 3.6 * (1 - q.blocking)))
            let one = try #require(
                PowerOfChoices(choices: 1, servers: 4, waitingRoom: room, arrivalRate: 3_600, meanService: 0.001))
            #expect(q.meanWait < one.meanWait && q.blocking <= one.blocking)
        }
        // Overloaded with room for 10: it sheds at least 1 − 1/ρ, less than independent M/M/4/14.
        let over = try #require(
            PowerOfChoices(choices: 2, servers: 4, waitingRoom: 10, arrivalRate: 4_800, meanService: 0.001))
        let alone = try #require(FiniteQueue(servers: 4, waitingRoom: 10, arrivalRate: 4_800, meanService: 0.001))
        #expect(over.blocking >= 1 - 1 / 1.2 && over.blocking < alone.blocking)
        #expect(Self.close(over.meanInSystem - over.meanWaiting, 4.8 * (1 - over.blocking)))
        // A bound the chain never reaches changes nothing.
        let open = try #require(
            PowerOfChoices(choices: 2, servers: 4, waitingRoom: nil, arrivalRate: 3_600, meanService: 0.001))
        let far = try #require(
            PowerOfChoices(choices: 2, servers: 4, waitingRoom: 1_000_000, arrivalRate: 3_600, meanService: 0.001))
        #expect(far.meanWait == open.meanWait && far.blocking == 0)
    }

    @Test("no estimate where there is no steady state or the chain is too long; none needed without load")
    func bounds() throws {
        #expect(PowerOfChoices(choices: 2, servers: 4, waitingRoom: nil, arrivalRate: 4_000, meanService: 0.001) == nil)
        #expect(
            PowerOfChoices(choices: 2, servers: 4, waitingRoom: 1_000_000, arrivalRate: 4_800, meanService: 0.001)
                == nil)
        #expect(PowerOfChoices(choices: 2, servers: 1, waitingRoom: nil, arrivalRate: .nan, meanService: 1) == nil)
        let idle = try #require(
            PowerOfChoices(choices: 2, servers: 2, waitingRoom: nil, arrivalRate: 0, meanService: 0.001))
        #expect(idle.meanWait == 0 && idle.blocking == 0)
    }

    @Test("round robin's E_k/M/1 wait: M/M/1 for k = 1, 4.7807 ms for E8/M/1 at ρ = 0.9")
    func erlangArrivals() {
        #expect(Self.close(BalanceSplit.erlangArrivalsWait(k: 1, arrivalRate: 900, meanService: 0.001), 0.009))
        #expect(abs(BalanceSplit.erlangArrivalsWait(k: 8, arrivalRate: 7_200, meanService: 0.001) - 0.004_780_7) < 1e-6)
    }
}
