/// The mean wait of each priority level at a station with `discipline: priority`
/// (non-preemptive priority by class), by Cobham's formula: level k waits
///
///     W_k = W₀ / ((1 − σ_{k−1})(1 − σ_k)),
///
/// where σ_k is the utilisation brought by levels 0 … k (σ_{−1} = 0) and W₀ the mean residual
/// work a request finds in service. W₀ is taken from the station's first-come-first-served
/// estimate W as W · (1 − ρ): for M/G/1 that is λE[S²]/2 exactly (Pollaczek–Khinchine, classes
/// with service times of their own included), and for M/M/c with one service rate the
/// probability of waiting over cμ (Erlang C), the textbook multi-server form; otherwise it
/// inherits the FIFO estimate's approximation (Allen–Cunneen).
///
/// Under preemptive resume (`PriorityWaits+Preemptive.swift`) the same levels carry the waits
/// of that rule, and `preemptive` is true.
public struct PriorityWaits: Sendable, Equatable {
    /// One level: the classes in it (the named classes one each, in order; the last level holds
    /// every class reaching the station that the list does not name), their share of the
    /// station's utilisation, and their mean wait for a worker (seconds).
    public struct Level: Sendable, Equatable {
        public var classes: [String]
        public var utilization: Double
        public var meanWait: Double
    }
    public var levels: [Level]
    /// The waits are preemptive resume's (a request's wait counts every moment it spends
    /// without a worker, before its service and while displaced); false: non-preemptive.
    public var preemptive = false

    /// Levels already worked out, most urgent first.
    public init(levels: [Level], preemptive: Bool) {
        self.levels = levels
        self.preemptive = preemptive
    }

    /// Levels from their classes and utilisations (most urgent first), over a station whose
    /// FIFO mean wait would be `fifoWait` at total utilisation `utilization` (< 1).
    public init(classes: [[String]], utilizations: [Double], fifoWait: Double, utilization: Double) {
        precondition(classes.count == utilizations.count, "one utilisation per level")
        let residual = fifoWait * (1 - utilization)
        var above = 0.0
        levels = zip(classes, utilizations).map { names, u in
            let wait = residual / ((1 - above) * (1 - above - u))
            above += u
            return Level(classes: names, utilization: u, meanWait: wait)
        }
    }
}
