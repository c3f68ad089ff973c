import SimKernel

/// What makes a station an inspection stage (`kind: firewall`, `waf` or `ids`): a server pool on
/// the request path whose service is the inspection, which blocks the requests it detects and
/// says what happens to traffic when no instance of it can inspect.
///
/// A request served at the stage is checked against its class's detection when its service
/// (the inspection) ends: once the stage has been inspecting the class for `delay` (counted
/// from the first request of the class it inspected in the replication), each request of the
/// class is blocked with `probability` — it ends with `blocked`, blamed on the stage, having
/// used the stage's worker for its inspection. Requests that are not blocked go on down the
/// path as from any pool. A detection of a legitimate class stands for false positives: its
/// blocked requests count against availability like any error.
public struct InspectionSpec: Sendable, Equatable {
    /// The three kinds behave alike; they differ in their default `on_failure`.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case firewall, waf, ids

        /// A firewall fails closed (no path past a dead firewall); a WAF and an inline IDS
        /// fail open (a bypass keeps the site up, uninspected).
        public var defaultOnFailure: OnFailure { self == .firewall ? .closed : .open }
    }

    /// What a request does at a stage none of whose instances can take it (every instance
    /// believed unhealthy, or the one picked has crashed and refuses it).
    public enum OnFailure: String, Sendable, Equatable, CaseIterable {
        /// Passes uninspected: holds nothing at the stage, takes no time there, and no
        /// detection applies (attack traffic gets through).
        case open
        /// Rejected, as at a server pool (`no_healthy_instance`, `instance_failed`).
        case closed
    }

    /// How the stage treats one class.
    public struct Detection: Sendable, Equatable {
        /// The class's name (`workload.classes[].name`).
        public var className: String
        /// Share of the class's inspected requests blocked once detection is on, in [0, 1].
        public var probability: Double
        /// Time from the first inspected request of the class to detection (0: from the start).
        public var delay: SimDuration

        public init(className: String, probability: Double, delay: SimDuration = .zero) {
            self.className = className
            self.probability = probability
            self.delay = delay
        }
    }

    public var kind: Kind
    public var onFailure: OnFailure
    /// At most one per class; a class with none passes every inspection.
    public var detections: [Detection]

    public init(kind: Kind, onFailure: OnFailure? = nil, detections: [Detection] = []) {
        self.kind = kind
        self.onFailure = onFailure ?? kind.defaultOnFailure
        self.detections = detections
    }

    /// The share of the class's inspected requests the stage blocks once it has detected the
    /// class (0 when it has no detection for it).
    public func blockProbability(ofClass name: String) -> Double {
        detections.first { $0.className == name }?.probability ?? 0
    }
}
