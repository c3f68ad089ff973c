/// Offered load on a station from the model alone (no simulation): λ_s = λ · Σ_c share_c · visits_c(s),
/// utilisation = λ_s · E[S] / (instances · workers).
public struct OfferedLoad: Sendable, Equatable {
    public var name: String
    public var arrivalRate: Double
    public var utilization: Double?
}

extension ModelSpec {
    /// Offered load on each station, in station order, computed from the spec alone.
    public func offeredLoad() -> [OfferedLoad] {
        let total = classes.reduce(0) { $0 + $1.weight }
        return stations.enumerated().map { (s, st) in
            var visits = 0.0
            for c in classes { visits += c.weight / total * Double(c.path.filter { $0 == s }.count) }
            let rate = arrivals.rate * visits
            let u = st.workers.map { rate * st.service.mean / Double(st.instances * $0) }
            return OfferedLoad(name: st.name, arrivalRate: rate, utilization: u)
        }
    }
}
