import InfraModel
import SimRandom

/// `tls:` on a server pool or a load balancer: TLS termination's CPU (see `TLSSpec`).
///
/// ```yaml
/// tls: {handshake: 2ms, resumption: 0.3ms, resumed: 80%, per_request: 40us, requests_per_connection: 10,
///       rtt: {lognormal: {mean: 60ms, cv: 0.3}}, round_trips: 2, resumed_round_trips: 1}
/// ```
extension ScenarioDecoder {
    static let tlsKeys = [
        "handshake", "resumption", "resumed", "per_request", "requests_per_connection", "rtt", "round_trips",
        "resumed_round_trips",
    ]

    mutating func decodeTLS(_ node: ScenarioNode, _ path: String) -> TLSSpec? {
        guard let f = reader.fields(node, path, allowed: Self.tlsKeys, required: ["handshake"]) else { return nil }
        let handshake = f["handshake"].flatMap { decodeTime($0, f.path("handshake")) }
        let resumption = f["resumption"].map { decodeTime($0, f.path("resumption")) } ?? .deterministic(value: 0)
        let perRequest = f["per_request"].map { decodeTime($0, f.path("per_request")) } ?? .deterministic(value: 0)
        // A share: `threshold` refuses anything outside 0 … 1 (0% … 100%).
        let resumed = f["resumed"].map { threshold($0, f.path("resumed"), unit: .fraction) } ?? 0
        let perConnection =
            f["requests_per_connection"].map {
                reader.number($0, f.path("requests_per_connection"), minimum: 1)
            } ?? 1
        let rtt: Distribution?? = f["rtt"].map { decodeTime($0, f.path("rtt")) }
        let trips = f["round_trips"].map { reader.integer($0, f.path("round_trips"), min: 0, max: 10) } ?? 1
        let resumedTrips =
            f["resumed_round_trips"].map { reader.integer($0, f.path("resumed_round_trips"), min: 0, max: 10) } ?? 1
        if f["rtt"] == nil {
            for key in ["round_trips", "resumed_round_trips"] {
                if let n = f[key] {
                    reader.fail(
                        n, f.path(key),
                        "'\(key)' counts round trips of 'rtt': give the client's round trip to this component, e.g. rtt: 40ms"
                    )
                    return nil
                }
            }
        }
        guard let handshake, let resumption, let perRequest, let resumed, let perConnection, rtt != .some(nil),
            let trips, let resumedTrips
        else { return nil }
        var spec = TLSSpec(
            handshake: handshake, resumption: resumption, resumed: resumed, perRequest: perRequest,
            requestsPerConnection: perConnection)
        spec.rtt = rtt ?? nil
        spec.roundTrips = trips
        spec.resumedRoundTrips = resumedTrips
        return spec
    }

}
