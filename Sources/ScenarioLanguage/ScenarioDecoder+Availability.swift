import InfraModel
import SimKernel

extension ScenarioDecoder {
    static let availabilityKeys = ["objective", "window", "min_requests"]
    /// At most this many windows per replication (each costs a row of statistics).
    static let maximumWindows: Int64 = 10_000_000

    /// `availability: {objective: 99.9%, window: 1m, min_requests: 20}` — time-based availability
    /// (`availability.time`, `downtime.monthly`). `window` defaults to 1m, `min_requests` to 1.
    mutating func decodeAvailability(_ node: ScenarioNode, measured: SimDuration?) -> AvailabilityObjective? {
        guard let f = reader.fields(node, "availability", allowed: Self.availabilityKeys, required: ["objective"])
        else { return nil }
        var objective: Double?
        if let o = f["objective"], let v = threshold(o, f.path("objective"), unit: .fraction) {
            if v > 0 {
                objective = v
            } else {
                reader.fail(
                    o, f.path("objective"),
                    "expected a share above 0 such as 99.9% or 0.999, found '\(o.scalarText ?? "")'")
            }
        }
        let window = f["window"].map { reader.duration($0, f.path("window"), positive: true) } ?? .seconds(60)
        let minRequests =
            f["min_requests"].map { reader.integer($0, f.path("min_requests"), min: 1, max: 1_000_000_000) } ?? 1
        if let w = window, let m = measured, m.nanoseconds / w.nanoseconds >= Self.maximumWindows {
            reader.fail(
                f["window"] ?? node, f.path("window"),
                "expected a window giving at most \(Self.maximumWindows) windows over the measured time (\(m)), found \(w)"
            )
            return nil
        }
        guard let objective, let window, let minRequests else { return nil }
        return AvailabilityObjective(objective: objective, window: window, minRequests: minRequests)
    }
}
