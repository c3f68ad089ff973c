import SimRandom

/// TLS termination at a component (`tls:`): CPU time added to a request's service there, so it
/// holds its worker longer. A request opens a new connection with probability
/// 1/`requestsPerConnection` (keep-alive carries the rest); a new connection costs a full
/// `handshake`, or the cheaper `resumption` for the `resumed` share that present a session
/// ticket; every request also pays `perRequest` (record encryption).
///
/// With `rtt` (the network round trip between the client and this component), a request that
/// opens a connection first spends `roundTrips` (full) or `resumedRoundTrips` (resumed) round
/// trips on the handshake before it reaches the component: latency, holding nothing.
public struct TLSSpec: Sendable, Equatable {
    public var handshake: Distribution
    public var resumption: Distribution
    /// Share of new connections resumed, in [0, 1].
    public var resumed: Double
    public var perRequest: Distribution
    /// Mean requests per connection, ≥ 1.
    public var requestsPerConnection: Double
    /// The network round trip between the client and the component (seconds); nil: the
    /// handshake's round trips are not counted.
    public var rtt: Distribution?
    /// Round trips of a full handshake (TLS 1.3: 1, TLS 1.2: 2) and of a resumed one (1; 0 for
    /// TLS 1.3's early data).
    public var roundTrips = 1
    public var resumedRoundTrips = 1

    public init(
        handshake: Distribution, resumption: Distribution = .deterministic(value: 0), resumed: Double = 0,
        perRequest: Distribution = .deterministic(value: 0), requestsPerConnection: Double = 1
    ) {
        self.handshake = handshake
        self.resumption = resumption
        self.resumed = resumed
        self.perRequest = perRequest
        self.requestsPerConnection = requestsPerConnection
    }

    /// Probability that a request opens a connection with a full handshake, and with a resumed one.
    public var fullShare: Double { (1 - resumed) / requestsPerConnection }
    public var resumedShare: Double { resumed / requestsPerConnection }

    /// Mean TLS CPU per request (seconds): full · E[h] + resumed · E[r] + E[per request].
    public var meanCost: Double {
        fullShare * handshake.mean + resumedShare * resumption.mean + perRequest.mean
    }

    /// Mean handshake latency per request (seconds): E[rtt] · (full · round trips + resumed ·
    /// resumed round trips); 0 without `rtt`.
    public var meanRoundTripDelay: Double {
        guard let rtt else { return 0 }
        return rtt.mean * (fullShare * Double(roundTrips) + resumedShare * Double(resumedRoundTrips))
    }

    /// Variance of the TLS CPU per request: the handshake part is a mixture (none, full or
    /// resumed), independent of the per-request part.
    public var costVariance: Double {
        let (f, r) = (fullShare, resumedShare)
        let mean = f * handshake.mean + r * resumption.mean
        let square =
            f * (handshake.variance + handshake.mean * handshake.mean)
            + r * (resumption.variance + resumption.mean * resumption.mean)
        return square - mean * mean + perRequest.variance
    }
}
