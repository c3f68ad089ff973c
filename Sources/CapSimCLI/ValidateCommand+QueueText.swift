import InfraModel
import Reporting
import Theory

/// The words `validate` gives a station's queueing model: GI/M/c, M/M/c/K, M/M/c+G and the
/// priority levels' waits, each beside what it is compared with.
extension ValidateCommand {
    /// GI/M/c's exact wait (`OfferedLoad.renewalQueue`) beside Erlang C's for Poisson
    /// arrivals at the same rate: `mean wait 4.179 ms (D/M/1, Takács: waits with probability
    /// 80.7 %; Erlang C for M/M/1: 9.000 ms)`. D/M/c names constant gaps reaching the instance
    /// whole, E_n/M/c a Poisson stream's every n-th arrival; otherwise GI/M/c with the gaps'
    /// squared coefficient of variation.
    static func renewalText(_ q: RenewalQueue, erlang: Double) -> String {
        let c = q.servers
        return "mean wait \(duration(q.meanWait)) (\(renewalModel(q.gaps, "\(c)")), Takács: waits with probability "
            + "\(TableReport.fixed(q.waitProbability * 100, 1)) %; Erlang C for M/M/\(c): \(duration(erlang)))"
    }

    /// Kendall's name of a queue fed `gaps` with exponential service and `servers` (the "c" or
    /// "c/K" part): D/M/… for constant gaps reaching the instance whole, E_n/M/… for a
    /// Poisson stream's every n-th arrival, otherwise GI/M/… with the gaps' squared
    /// coefficient of variation.
    static func renewalModel(_ gaps: RenewalGaps, _ servers: String) -> String {
        if case .constant = gaps.source, gaps.kept == 1, gaps.every == 1 { return "D/M/\(servers)" }
        if case .poisson = gaps.source {
            // A random share of a Poisson stream is Poisson: every n-th of it, Erlang-n gaps.
            return "E\(gaps.every)/M/\(servers): round robin gives each instance one arrival in \(gaps.every)"
        }
        return "GI/M/\(servers), gaps' c_a² \(TableReport.fixed(gaps.scv, 3))"
    }

    /// What the model of a bounded queue says (`OfferedLoad.boundedQueue`): the share of its
    /// arrivals turned away, the utilisation it then carries and the mean wait of what it
    /// admits — marked ≈ unless exact (`ModelSpec.isExactFiniteQueue`, or GI/M/c/K for arrivals
    /// that are a renewal process other than Poisson, `OfferedLoad.finiteRenewalQueue`). With no waiting room
    /// and independent instances it is Erlang's loss system, M/G/c/c, whose figures hold for
    /// any service distribution.
    static func boundedQueueText(
        _ q: QueueFigures, _ load: OfferedLoad, _ station: StationSpec, exact: Bool
    )
        -> String
    {
        let about = exact || load.finiteRenewalQueue != nil ? "" : "≈ "
        let c = station.workers ?? 0
        let room = station.queueCapacity ?? 0
        let share = q.blocking < 0.00005 ? "< 0.01" : about + TableReport.fixed(q.blocking * 100, 2)
        let turned = "turns away \(share) % (queue_full)"
        let carried = "utilisation \(about)\(TableReport.fixed(q.utilization * 100, 1)) % carried"
        let busiest = load.unequalShare != nil ? " at the busiest instance" : ""
        if let f = load.finiteRenewalQueue {
            // GI/M/c/K: exact for these arrivals (`OfferedLoad.finiteRenewalQueue`).
            let wait = room == 0 ? "no waiting" : "mean wait \(duration(f.meanWait))"
            return "\(renewalModel(f.gaps, "\(c)/\(c + room)")): \(turned), \(carried), \(wait)"
        }
        if station.discipline == .processorSharing {
            // Insensitive: the chain of M/M/c/K whatever the service distribution.
            let place = load.split == .independent ? "" : " (under the balancing policy's model)"
            return "M/G/\(c)/\(c + room) processor sharing\(place)\(busiest): \(turned), \(carried), nothing waits"
        }
        var model = "M/M/\(c)/\(c + room)"
        var notes: [String] = []
        switch load.split {
        case .independent, .everyNth:
            if room == 0 { return "M/G/\(c)/\(c) (Erlang B)\(busiest): \(turned), \(carried), no waiting" }
        case .sharedQueue(let n):
            model = "M/M/\(n * c)/\(n * (c + room))"
            notes.append("one queue over all instances: a floor for joining the shortest queue")
        case .choices(let d):
            notes.append("power of \(d) choices, mean field")
        }
        if !(exponentialService(station) && station.tls == nil && !load.mixedDemand) {
            notes.append("the service's mean, the wait scaled for its variability")
        }
        let wait =
            room == 0
            ? "no waiting" : load.meanWaitEstimate.map { "mean wait \(about)\(duration($0))" } ?? "no wait estimate"
        let noted = notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"
        return "\(model)\(noted)\(busiest): \(turned), \(carried), \(wait)"
    }

    /// What the model of an impatient line says (`OfferedLoad.impatience`, M/M/c+G): the share
    /// of arrivals that give up waiting, the utilisation carried and — for the station's own
    /// timeout — the mean wait of every admitted request, those giving up included; marked ≈
    /// unless exact (`ModelSpec.isExactImpatientQueue`).
    static func impatienceText(
        _ q: ImpatientQueue, _ load: OfferedLoad, _ station: StationSpec, exact: Bool
    )
        -> String
    {
        let about = exact ? "" : "≈ "
        let c = q.servers
        let room = q.waitingRoom.map { "/\(c + $0)" } ?? ""
        let whose = load.clientsPatience ? "the clients' " : ""
        let model: String
        let how: String
        switch q.patience {
        case .exponential(let mean):
            model = "M/M/\(c)\(room)+M"
            how = (load.clientsPatience ? whose : "Erlang-A: ") + "exponential patience, mean \(duration(mean))"
        case .fixed(let d):
            model = "M/M/\(c)\(room)+D"
            how = whose + "patience \(duration(d))"
        }
        var notes = [how]
        if !(exponentialService(station) && station.tls == nil && !load.mixedDemand) {
            notes.append("the service's mean")
        }
        let busiest = load.unequalShare != nil ? " at the busiest instance" : ""
        let percent = { (x: Double) in x < 0.00005 ? "< 0.01" : about + TableReport.fixed(x * 100, 2) }
        var parts = [
            load.clientsPatience
                ? "\(percent(q.abandonment)) % give up waiting (timeout; drop_expired skips them)"
                : "\(percent(q.abandonment)) % give up waiting (timeout)"
        ]
        if q.waitingRoom != nil { parts.append("turns away \(percent(q.blocking)) % (queue_full)") }
        parts.append("utilisation \(about)\(TableReport.fixed(q.utilization * 100, 1)) % carried")
        if let wait = load.meanWaitEstimate {
            parts.append("mean wait \(about)\(duration(wait)) (those giving up included)")
        }
        return "\(model) (\(notes.joined(separator: "; ")))\(busiest): " + parts.joined(separator: ", ")
    }

    static func exponentialService(_ station: StationSpec) -> Bool {
        if case .exponential = station.service { true } else { false }
    }

    /// Whether a priority pool's waits are exact: where the station's own wait is (`exact`),
    /// without TLS, for one exponential service time or for one worker (M/G/1: Cobham's
    /// formula and preemptive resume's hold for any service distributions).
    static func priorityExact(_ waits: PriorityWaits, _ load: OfferedLoad, _ station: StationSpec, exact: Bool) -> Bool
    {
        exact && station.tls == nil && (station.workers == 1 || (exponentialService(station) && !load.mixedDemand))
    }

    /// A priority pool's second line: each level's mean wait by Cobham's formula, exact where
    /// the station's FIFO wait is (M/M/c with one exponential service time in a Jackson network);
    /// under preemptive resume, exact for one worker (M/G/1) or one exponential service time.
    static func priorityLine(
        _ waits: PriorityWaits, _ load: OfferedLoad, _ station: StationSpec, exact: Bool
    )
        -> String
    {
        let sure = priorityExact(waits, load, station, exact: exact)
        let each = waits.levels.map { level in
            level.classes.joined(separator: ", ") + " " + (sure ? "" : "≈ ") + duration(level.meanWait)
        }
        return "by priority, mean wait: " + each.joined(separator: "; ")
            + (waits.preemptive
                ? " (preemptive resume: the time without a worker, before service and while displaced)"
                : " (Cobham, non-preemptive)")
    }
}
