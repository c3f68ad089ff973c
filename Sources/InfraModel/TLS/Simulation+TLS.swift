import SimKernel
import SimRandom

/// The TLS CPU of a request's visit (see `TLSSpec`), added to its service demand by `demand`.
/// Drawn from the component's own `tls` stream, seated at the request's visit like its service
/// draw: turning TLS on leaves every other draw of the run as it was (common random numbers).
extension Simulation {
    @inline(__always)
    func tlsCost(of r: Int32, at s: Int) -> SimDuration {
        guard let spec = tls.specs[s], let stream = tls.streams[s] else { return .zero }
        seatDraws(stream, for: r)
        let u = stream.uniform()
        var seconds = 0.0
        if u < spec.fullShare {
            seconds += spec.handshake.sample(stream)
        } else if u < spec.fullShare + spec.resumedShare {
            seconds += spec.resumption.sample(stream)
        }
        seconds += spec.perRequest.sample(stream)
        return SimDuration(seconds: seconds)
    }
}

/// Per station, its TLS termination and the stream its costs are drawn from (nil: none).
struct TLSState {
    let specs: [TLSSpec?]
    let streams: [RandomStream?]
    /// Some station terminates TLS (checked on the hot path before anything else).
    let any: Bool

    init(spec: ModelSpec, streams store: StreamStore) {
        specs = spec.stations.map(\.tls)
        streams = spec.stations.map { st in
            st.tls == nil ? nil : store.stream(path: "components." + st.name, purpose: .tls)
        }
        any = specs.contains { $0 != nil }
    }
}
