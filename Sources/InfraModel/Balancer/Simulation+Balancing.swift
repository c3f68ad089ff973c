import SimKernel
import SimRandom

/// How a request picks an instance of a station (its `balance:` policy; see `BalancePolicy` for
/// each policy's exact semantics). Allocation-free: the policies' state lives in `StationState`.
extension Simulation {
    /// The global index of the instance of station `s` that request `r` goes to.
    mutating func chooseInstance(for r: Int32, at s: Int) -> Int32 {
        let st = stations + s
        let n = st.pointee.instanceCount
        if st.pointee.healthyCount < n { return chooseHealthyInstance(for: r, at: s) }
        guard n > 1 else { return st.pointee.firstInstance }
        let offset: Int32
        switch st.pointee.balance {
        case .roundRobin:
            offset = st.pointee.nextInstance
            st.pointee.nextInstance = offset + 1 == n ? 0 : offset + 1
        case .random:
            let stream = st.pointee.routingStream
            seatDraws(stream, for: r)
            offset = Int32(truncatingIfNeeded: stream.index(below: Int(n)))
        case .leastOutstanding:
            offset = leastOutstanding(st)
        case .powerOfTwo:
            let stream = st.pointee.routingStream
            seatDraws(stream, for: r)
            // The first draw is `random`'s choice; the second is uniform over the other n − 1.
            let a = Int32(truncatingIfNeeded: stream.index(below: Int(n)))
            var b = Int32(truncatingIfNeeded: stream.index(below: Int(n) - 1))
            if b >= a { b += 1 }
            let first = st.pointee.firstInstance
            offset = inFlight(first + b) < inFlight(first + a) ? b : a
        case .weightedRoundRobin:
            offset = smoothWeightedRoundRobin(st)
        case .consistentHash:
            offset = consistentHashInstance(for: r, st)
        }
        return st.pointee.firstInstance + offset
    }

    /// Requests in flight at instance `i` (global index): busy workers plus those waiting. (Under
    /// processor sharing `busy` counts every admitted request and nothing waits.)
    @inline(__always)
    func inFlight(_ i: Int32) -> Int {
        Int(instances[Int(i)].busy) + instances[Int(i)].waiting.count
    }

    /// The instance with the fewest in flight, scanning from just after the last pick (ties go
    /// round robin). O(instances), but stops at the first instance with nothing in flight.
    @inline(__always)
    func leastOutstanding(_ st: UnsafeMutablePointer<StationState>) -> Int32 {
        let n = st.pointee.instanceCount
        let first = st.pointee.firstInstance
        var k = st.pointee.nextInstance
        var best = k
        var fewest = Int.max
        for _ in 0..<n {
            let load = inFlight(first + k)
            if load < fewest {
                fewest = load
                best = k
                if load == 0 { break }
            }
            k = k + 1 == n ? 0 : k + 1
        }
        st.pointee.nextInstance = best + 1 == n ? 0 : best + 1
        return best
    }

    /// Smooth weighted round robin (nginx): add each weight to its current weight, pick the
    /// largest current weight (ties: the lowest index), subtract the total from it.
    @inline(__always)
    func smoothWeightedRoundRobin(_ st: UnsafeMutablePointer<StationState>) -> Int32 {
        let n = Int(st.pointee.instanceCount)
        let weights = st.pointee.smoothWeights!
        let current = weights + n
        var best = 0
        var largest = Int64.min
        for i in 0..<n {
            current[i] &+= weights[i]
            if current[i] > largest { largest = current[i]; best = i }
        }
        current[best] &-= st.pointee.totalWeight
        return Int32(truncatingIfNeeded: best)
    }
}
