import SimRandom

/// One arrival process of a replication: the workload's shared one, or a class's own.
///
/// A plain, trivially copyable struct (no references): the process's parameters are unpacked
/// here once, a trace is reached through a pointer into its shared, immutable buffer (owned by
/// the `ModelSpec` the simulation holds), and the rate profile is read from the spec.
struct ArrivalSource {
    enum Kind: UInt8 {
        case poisson, constant, gamma, mmpp2, timestamps, counts
        /// Poisson under the workload's rate profile: thinning.
        case profiled
    }

    let kind: Kind
    /// Poisson, constant and gamma: the (base) rate per second.
    let rate: Double
    /// 1 / `rate` (seconds), a Poisson gap's mean: divided once here rather than on every
    /// arrival (the same double either way).
    let meanGap: Double
    /// Its own stream (`workload` or `workload.classes.<name>`, purpose arrivals), drawn in
    /// sequence: gaps, thinning acceptances, MMPP state sojourns and trace spreading all come
    /// from it, in the order the source needs them.
    let stream: RandomStream
    /// The class its arrivals belong to; −1 for the shared process (class chosen by weight).
    let classIndex: Int32
    /// Arrivals scheduled so far (constant arrivals come at count/rate; a timestamp trace's next
    /// row is count − 1).
    var count: UInt64 = 0

    /// Continuous time (seconds) of the last arrival or candidate, for the processes that are
    /// not plain Poisson or constant (so gaps do not accumulate nanosecond rounding).
    var clock = 0.0
    /// Gamma: shape and scale of a gap. MMPP2: the two rates and mean sojourns.
    var a = 0.0, b = 0.0
    var rates = SIMD2<Double>(0, 0), meanTimes = SIMD2<Double>(0, 0)
    /// MMPP2: current state and the time it ends. Profiled Poisson: the current segment's end
    /// and the bound of the multiplier on it.
    var state = 0
    var until = 0.0
    var bound = 0.0
    /// Traces: the values (in the spec's shared buffer) and, for counts, the bin width (ns),
    /// the current bin, arrivals left in it and the position (0…1) of the last one placed.
    var trace: UnsafePointer<Int64>? = nil
    var traceCount = 0
    var bin: Int64 = 0
    var binIndex = -1
    var left: Int64 = 0
    var position = 0.0

    init(process: ArrivalProcess, stream: RandomStream, classIndex: Int32, profiled: Bool = false) {
        self.stream = stream
        self.classIndex = classIndex
        switch process {
        case .poisson(let r):
            kind = profiled ? .profiled : .poisson
            rate = r
        case .constant(let r):
            kind = .constant
            rate = r
        case .gamma(let r, let cv):
            kind = .gamma
            rate = r
            a = 1 / (cv * cv)
            b = cv * cv / r
        case .mmpp2(let m):
            kind = .mmpp2
            rate = m.meanRate
            rates = SIMD2(m.rates[0], m.rates[1])
            meanTimes = SIMD2(m.meanTimes[0], m.meanTimes[1])
        case .trace(let t):
            rate = 0
            trace = UnsafePointer(t.storage.values)
            traceCount = t.count
            switch t.format {
            case .timestamps: kind = .timestamps
            case .counts(let w):
                kind = .counts
                bin = w.nanoseconds
            }
        case .closed:
            preconditionFailure("a closed workload has users, not an arrival source (Arrivals.init skips it)")
        }
        meanGap = 1 / rate
    }
}
