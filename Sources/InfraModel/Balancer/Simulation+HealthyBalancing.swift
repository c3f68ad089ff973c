import SimKernel
import SimRandom

/// Balancing while the balancer believes some instances unhealthy: each policy chooses only
/// among the others, the same way it chooses among all of them otherwise (random and power of
/// two draw among the healthy ones; round robin and least outstanding skip the others; smooth
/// weighted round robin runs over the healthy instances' weights; consistent hashing walks the
/// ring past them, with its load bound over the healthy ones). Off the hot path: taken only
/// while some instance is out of the rotation.
extension Simulation {
    /// The global index of the instance request r goes to, or −1 when none is believed healthy.
    mutating func chooseHealthyInstance(for r: Int32, at s: Int) -> Int32 {
        let st = stations + s
        let n = st.pointee.instanceCount
        let h = st.pointee.healthyCount
        guard h > 0 else { return -1 }
        let first = st.pointee.firstInstance
        let offset: Int32
        switch st.pointee.balance {
        case .roundRobin:
            var k = st.pointee.nextInstance
            while !instances[Int(first + k)].healthy { k = k + 1 == n ? 0 : k + 1 }
            st.pointee.nextInstance = k + 1 == n ? 0 : k + 1
            offset = k
        case .random:
            let stream = st.pointee.routingStream
            seatDraws(stream, for: r)
            offset = healthy(Int32(truncatingIfNeeded: stream.index(below: Int(h))), of: st)
        case .leastOutstanding:
            var k = st.pointee.nextInstance, best: Int32 = -1, fewest = Int.max
            for _ in 0..<n {
                if instances[Int(first + k)].healthy {
                    let load = inFlight(first + k)
                    if load < fewest { fewest = load; best = k; if load == 0 { break } }
                }
                k = k + 1 == n ? 0 : k + 1
            }
            st.pointee.nextInstance = best + 1 == n ? 0 : best + 1
            offset = best
        case .powerOfTwo:
            guard h > 1 else { offset = healthy(0, of: st); break }
            let stream = st.pointee.routingStream
            seatDraws(stream, for: r)
            let a = Int32(truncatingIfNeeded: stream.index(below: Int(h)))
            var b = Int32(truncatingIfNeeded: stream.index(below: Int(h) - 1))
            if b >= a { b += 1 }
            let x = healthy(a, of: st), y = healthy(b, of: st)
            offset = inFlight(first + y) < inFlight(first + x) ? y : x
        case .weightedRoundRobin:
            let weights = st.pointee.smoothWeights!
            let current = weights + Int(n)
            var best = -1, largest = Int64.min, total: Int64 = 0
            for i in 0..<Int(n) where instances[Int(first) + i].healthy {
                current[i] &+= weights[i]
                total &+= weights[i]
                if current[i] > largest { largest = current[i]; best = i }
            }
            current[best] &-= total
            offset = Int32(truncatingIfNeeded: best)
        case .consistentHash:
            offset = consistentHashInstance(for: r, st)
        }
        return first + offset
    }

    /// The offset of the m-th (0-based) instance of station st believed healthy.
    func healthy(_ m: Int32, of st: UnsafeMutablePointer<StationState>) -> Int32 {
        var seen: Int32 = -1
        for k in 0..<st.pointee.instanceCount where instances[Int(st.pointee.firstInstance + k)].healthy {
            seen += 1
            if seen == m { return k }
        }
        preconditionFailure("fewer healthy instances than healthyCount says")
    }
}
