/// What a design costs to run (`currency:`, components' `cost:`, classes' `response_size`).
/// Not simulated: the statistics turn the model's counters — instance-time held, requests
/// handled, responses sent — into money.
public struct CostModel: Sendable, Equatable {
    /// How held instance-time is billed: each instance's holding period (from when it is
    /// provisioned until it is released) rounded up to whole seconds or whole hours.
    public enum Billing: String, Sendable, Equatable, CaseIterable {
        case perSecond = "per_second"
        case perHour = "per_hour"

        /// The billing granularity in seconds.
        public var granularity: Double { self == .perSecond ? 1 : 3600 }
    }

    /// Telemetry a component emits for each request it handles — log lines, metric samples,
    /// trace spans — and what the observability backend charges for it: per GB (10^9 bytes)
    /// ingested, and per GB-month stored for the retention.
    public struct Telemetry: Sendable, Equatable {
        /// Bytes emitted per request handled (each visit that gets a worker).
        public var bytesPerRequest: Double
        /// Money per GB ingested.
        public var ingestPerGB: Double
        /// Money per GB stored for a month (730 hours), and how long each byte is kept (s).
        public var storagePerGBMonth: Double
        public var retention: Double

        public init(
            bytesPerRequest: Double, ingestPerGB: Double = 0, storagePerGBMonth: Double = 0, retention: Double = 0
        ) {
            self.bytesPerRequest = bytesPerRequest
            self.ingestPerGB = ingestPerGB
            self.storagePerGBMonth = storagePerGBMonth
            self.retention = retention
        }

        /// Money per byte emitted: ingested once, then stored for `retention` — in steady state
        /// the store holds `retention` worth of the ingest rate, so each byte costs its storage
        /// price × retention in months.
        public var pricePerByte: Double {
            (ingestPerGB + storagePerGBMonth * retention / CostModel.monthSeconds) / 1e9
        }
    }

    /// The prices of one component; nil fields are free.
    public struct Prices: Sendable, Equatable {
        /// Money per instance-hour held.
        public var instanceHour: Double?
        public var billing: Billing
        /// Money per million requests the component handles.
        public var perMillionRequests: Double?
        /// Money per GB (10^9 bytes) of responses the component sends to clients.
        public var egressPerGB: Double?
        /// The telemetry of each request it handles and its price.
        public var telemetry: Telemetry?

        public init(
            instanceHour: Double? = nil, billing: Billing = .perSecond, perMillionRequests: Double? = nil,
            egressPerGB: Double? = nil
        ) {
            self.instanceHour = instanceHour
            self.billing = billing
            self.perMillionRequests = perMillionRequests
            self.egressPerGB = egressPerGB
        }
    }

    /// The currency code money is in (ISO 4217 style, e.g. USD): a label only.
    public var currency: String
    /// Aligned with `ModelSpec.stations`; nil = the component costs nothing.
    public var stations: [Prices?]
    /// Aligned with `ModelSpec.classes`: bytes of each successful response (0 = none given).
    /// Egress is billed at the class's entry component (the first of its path), which answers
    /// the client.
    public var responseBytes: [Double]
    /// Aligned with `ModelSpec.clusters`: money per node-hour held (billed per second); nil =
    /// the cluster's nodes cost nothing. A pool on a cluster has no instance price of its own.
    public var clusters: [Double?] = []

    /// The month capsim extrapolates to: 730 hours, in seconds.
    public static let monthSeconds = 730.0 * 3600

    public init(currency: String = "USD", stations: [Prices?], responseBytes: [Double]) {
        self.currency = currency
        self.stations = stations
        self.responseBytes = responseBytes
    }

    /// True when some component has an instance price, a request price or an egress price.
    public var hasInstancePrice: Bool { stations.contains { $0?.instanceHour != nil } }
    public var hasRequestPrice: Bool { stations.contains { $0?.perMillionRequests != nil } }
    public var hasEgressPrice: Bool { stations.contains { $0?.egressPerGB != nil } }
    public var hasNodePrice: Bool { clusters.contains { $0 != nil } }
    public var hasTelemetryPrice: Bool { stations.contains { $0?.telemetry != nil } }
    /// True when what is spent depends on the load (requests, egress or telemetry are priced),
    /// so a month extrapolated from a short slice of time inherits that slice's load.
    public var dependsOnLoad: Bool { hasRequestPrice || hasEgressPrice || hasTelemetryPrice }
}
