#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A closed queueing network solved by mean value analysis (MVA): populations of users who
/// think (a delay, any distribution) and send one request at a time through stations of one or
/// more servers (or unlimited ones, a delay).
///
/// A request of population p holds station s's servers for `demands[p][s]` seconds in all
/// (visits × mean holding time) and, when nothing waits anywhere, is answered after
/// `baseResponse[p]` seconds; its response time adds the waits it meets. (In a pipeline the
/// base response is the sum of the demands; in a synchronous call chain a caller's holding
/// time already includes its callees' service, so the base response is the root's.)
///
/// One population without open traffic: exact MVA (Reiser & Lavenberg, J. ACM 27(2), 1980),
/// a multi-server station's probabilities of fewer requests than servers carried along
/// (`exact()`), exact for a product-form network. Several populations, or open traffic beside them: Schweitzer's approximate MVA,
/// a station of m servers as one server of demand D/m plus a delay (Seidmann et al., Management
/// Science 33(12), 1987), each station's demands stretched by 1/(1 − U) for the utilisation U
/// open classes bring.
public struct ClosedNetwork: Sendable {
    public struct Population: Sendable {
        public var users: Int
        /// Mean think time, seconds.
        public var think: Double
        /// Response time at no load, seconds.
        public var baseResponse: Double
        /// Per station: busy-server seconds per request.
        public var demands: [Double]

        public init(users: Int, think: Double, baseResponse: Double, demands: [Double]) {
            self.users = users
            self.think = think
            self.baseResponse = baseResponse
            self.demands = demands
        }
    }

    public var populations: [Population]
    /// Per station: its servers, nil for unlimited (a delay).
    public var servers: [Int?]
    /// Per station: the utilisation open classes bring (0 without them).
    public var openUtilization: [Double]

    public init(populations: [Population], servers: [Int?], openUtilization: [Double]? = nil) {
        self.populations = populations
        self.servers = servers
        self.openUtilization = openUtilization ?? Array(repeating: 0, count: servers.count)
    }

    public struct Solution: Sendable, Equatable {
        /// Per population: requests per second.
        public var throughputs: [Double]
        /// Per population: mean response time, seconds (base response + waits).
        public var responseTimes: [Double]
        /// Per population and station: the wait per request (all its visits), seconds.
        public var waits: [[Double]]
        /// Whether the figures are exact for a product-form network (exact MVA), not Schweitzer's
        /// approximation.
        public var exactMVA: Bool
    }

    /// Exact MVA's work is users × servers (each multi-server station carries P(j), j < m, from
    /// one population to the next). Beyond this, Schweitzer's approximation stands in.
    static let exactWorkLimit = 5e7

    /// Solves the network; nil when open traffic alone saturates a station or a figure is not finite.
    public func solve() -> Solution? {
        guard openUtilization.allSatisfy({ $0 < 1 }) else { return nil }
        let work = Double(populations.first?.users ?? 0) * Double(servers.reduce(0) { $0 + ($1 ?? 0) })
        if populations.count == 1, openUtilization.allSatisfy({ $0 == 0 }), work <= Self.exactWorkLimit,
            let s = exact()
        {
            return s
        }
        return schweitzer()
    }

    /// Exact single-population MVA. A station of m servers carries P(j requests there), j < m,
    /// from the population one smaller (Menascé & Almeida, "Capacity Planning for Web
    /// Services", 2002, §12): R(n) = D/m · [1 + Q(n − 1) + Σ_{j=1}^{m−1} (m − j) P(j − 1 | n − 1)],
    /// P(j | n) = X(n) D / j · P(j − 1 | n − 1) for 0 < j < m, and P(0 | n) from the busy
    /// servers, X(n) D = m − Σ_{j<m} (m − j) P(j | n). Near saturation P(0 | n) is a small
    /// difference of numbers near 1; rounding may leave it a little below 0, which is clamped
    /// (its weight in R is D/m, so the error stays at rounding's size).
    public func exact() -> Solution? {
        let p = populations[0]
        let k = servers.count
        var queue = Array(repeating: 0.0, count: k)  // mean requests at the station (waiting or held), n − 1 users
        var marginal: [[Double]] = servers.map { m in (m ?? 1) > 1 ? [1] + Array(repeating: 0, count: (m ?? 1) - 1) : []
        }
        var waits = Array(repeating: 0.0, count: k)
        var throughput = 0.0
        for n in 1...max(1, p.users) {
            for s in 0..<k {
                let d = p.demands[s]
                guard let m = servers[s], d > 0 else {
                    waits[s] = 0
                    continue
                }
                var idle = 0.0
                if m > 1 { for j in 1..<m { idle += Double(m - j) * marginal[s][j - 1] } }
                waits[s] = d / Double(m) * (1 + queue[s] + idle) - d
            }
            throughput = Double(n) / (p.think + p.baseResponse + waits.reduce(0, +))
            for s in 0..<k {
                queue[s] = throughput * (p.demands[s] + waits[s])
                guard let m = servers[s], m > 1, p.demands[s] > 0 else { continue }
                let load = throughput * p.demands[s]
                var next = marginal[s]
                var idle = 0.0
                for j in stride(from: m - 1, through: 1, by: -1) {
                    next[j] = load / Double(j) * marginal[s][j - 1]
                    idle += Double(m - j) * next[j]
                }
                next[0] = max(0, 1 - (load + idle) / Double(m))
                marginal[s] = next
            }
        }
        guard throughput.isFinite, waits.allSatisfy(\.isFinite) else { return nil }
        let response = p.baseResponse + waits.reduce(0, +)
        return Solution(throughputs: [throughput], responseTimes: [response], waits: [waits], exactMVA: true)
    }

    /// Schweitzer's approximate MVA with Seidmann's multi-server stations.
    public func schweitzer() -> Solution? {
        let k = servers.count
        let c = populations.count
        // Held-or-waiting requests of each population at each station's queueing part.
        var queue = populations.map { p in
            (0..<k).map { s in servers[s] != nil && p.demands[s] > 0 ? Double(p.users) / Double(k) : 0 }
        }
        var throughputs = Array(repeating: 0.0, count: c)
        var waits = Array(repeating: Array(repeating: 0.0, count: k), count: c)
        // Converged in a few hundred rounds as a rule; bounded so a design of thousands of
        // stations stays quick to check (the last round's figures stand: an approximation anyway).
        let rounds = max(50, min(100_000, Int(2e8 / Double(max(1, k * c)))))
        for _ in 0..<rounds {
            var change = 0.0
            for a in 0..<c {
                let p = populations[a]
                for s in 0..<k {
                    guard let m = servers[s], p.demands[s] > 0 else {
                        waits[a][s] = 0
                        continue
                    }
                    let total = (0..<c).reduce(0.0) { $0 + queue[$1][s] }
                    let seen = total - (p.users > 0 ? queue[a][s] / Double(p.users) : 0)
                    let share = p.demands[s] / Double(m) / (1 - openUtilization[s])
                    waits[a][s] =
                        share * seen + p.demands[s] / Double(m) * openUtilization[s] / (1 - openUtilization[s])
                }
                throughputs[a] = Double(p.users) / (p.think + p.baseResponse + waits[a].reduce(0, +))
            }
            for a in 0..<c {
                for s in 0..<k where servers[s] != nil {
                    let m = Double(servers[s] ?? 1)
                    let q = throughputs[a] * (populations[a].demands[s] / m + waits[a][s])
                    change = max(change, abs(q - queue[a][s]))
                    queue[a][s] = q
                }
            }
            if change < 1e-10 { break }
        }
        guard throughputs.allSatisfy(\.isFinite) else { return nil }
        let responses = (0..<c).map { populations[$0].baseResponse + waits[$0].reduce(0, +) }
        return Solution(throughputs: throughputs, responseTimes: responses, waits: waits, exactMVA: false)
    }
}
