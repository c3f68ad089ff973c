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

/// Per station, its TLS termination and the streams its costs and round trips are drawn from
/// (nil: none).
struct TLSState {
    let specs: [TLSSpec?]
    let streams: [RandomStream?]
    let roundTripStreams: [RandomStream?]
    /// Some station terminates TLS (checked on the hot path before anything else).
    let any: Bool
    /// Some station counts the handshake's round trips (`rtt`).
    let anyRoundTrips: Bool

    init(spec: ModelSpec, streams store: StreamStore) {
        specs = spec.stations.map(\.tls)
        streams = spec.stations.map { st in
            st.tls == nil ? nil : store.stream(path: "components." + st.name, purpose: .tls)
        }
        roundTripStreams = spec.stations.map { st in
            st.tls?.rtt == nil ? nil : store.stream(path: "components." + st.name, purpose: .tlsRoundTrip)
        }
        any = specs.contains { $0 != nil }
        anyRoundTrips = roundTripStreams.contains { $0 != nil }
    }
}

/// TLS's own events.
enum TLSEvent {
    /// The request at this slab index has finished its handshake's round trips and reaches its
    /// current station.
    case connected(request: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .connected(let r): (23, r)
        }
    }
}

extension Simulation {
    /// Request r reaches station s, which counts its handshake's round trips: when the request
    /// opens a connection (the same draw as its TLS CPU, `tlsCost`, from the same seat), it
    /// spends the round trips first — holding nothing, at no instance — and reaches the station
    /// when `.tls(.connected)` fires. Returns false for a request that goes straight in.
    mutating func startsHandshake(_ r: Int32, station s: Int) -> Bool {
        guard let spec = tls.specs[s], let rtt = spec.rtt, let stream = tls.streams[s],
            let network = tls.roundTripStreams[s]
        else { return false }
        seatDraws(stream, for: r)
        let u = stream.uniform()
        let trips =
            u < spec.fullShare ? spec.roundTrips : u < spec.fullShare + spec.resumedShare ? spec.resumedRoundTrips : 0
        guard trips > 0 else { return false }
        seatDraws(network, for: r)
        let delay = SimDuration(seconds: Double(trips) * rtt.sample(network))
        delayEntry(r, by: delay, arrivingWith: .tls(.connected(request: r)))
        return true
    }

    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: TLSEvent, into sink: inout Sink) {
        switch event {
        case .connected(let r): endDelay(r, crossed: true, connected: true, into: &sink)
        }
    }
}
