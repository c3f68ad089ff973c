import SimKernel
import SimRandom

/// How a request picks an instance of a station (its `balance:` policy).
extension Simulation {
    /// The global index of the instance of station `s` that request `r` goes to.
    mutating func chooseInstance(for r: Int32, at s: Int) -> Int32 {
        let st = stations + s
        var offset: Int32 = 0
        let instanceCount = st.pointee.instanceCount
        if instanceCount > 1 {
            switch st.pointee.balance {
            case .roundRobin:
                offset = st.pointee.nextInstance
                st.pointee.nextInstance = offset + 1 == instanceCount ? 0 : offset + 1
            case .random:
                let stream = st.pointee.routingStream
                stream.seat(replication: replication, entity: entity(of: r))
                offset = Int32(stream.index(below: Int(instanceCount)))
            }
        }
        return st.pointee.firstInstance + offset
    }
}
