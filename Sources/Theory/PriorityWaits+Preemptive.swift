/// The mean wait of each priority level under preemptive resume (`discipline: {priority: …,
/// preemptive: true}`): the time a request spends at the station without a worker, before its
/// service and while displaced, so its sojourn is its wait plus its service.
///
/// One worker: exact for M/G/1 with the levels' own service distributions, by the classic
/// preemptive-resume formula — level k's sojourn is
///
///     T_k = E[S_k] / (1 − σ_{k−1}) + (Σ_{i≤k} λ_i E[S_i²] / 2) / ((1 − σ_{k−1})(1 − σ_k)),
///
/// with σ_k the utilisation of levels 0 … k: a level never sees the less urgent ones, and its
/// service is stretched by the more urgent work arriving during it. Several workers: levels 0 … k
/// together are served as if alone, so their mean sojourn is that of one first-come-first-served
/// station fed by them alone, T_{≤k} = E[S_{≤k}] + W(λ_{≤k}); level k's follows from
/// λ_k T_k = λ_{≤k} T_{≤k} − λ_{≤k−1} T_{≤k−1}. Exact for M/M/c with one service rate (the
/// number of requests of levels ≤ k present is then the M/M/c chain at their rate); with
/// service times that differ by level it is an approximation.
extension PriorityWaits {
    /// Levels most urgent first: their classes, arrival rates (at one instance, per second),
    /// mean services and services' second moments (seconds, seconds²), over `servers` workers.
    /// `fifoWait(rate, mean, scv)` is the mean wait of a first-come-first-served instance fed
    /// `rate` with services of that mean and squared coefficient of variation (used only for
    /// several workers). Nil when the levels' total load reaches the workers' capacity.
    public static func preemptiveResume(
        classes: [[String]], rates: [Double], meanServices: [Double], secondMoments: [Double], servers: Int,
        fifoWait: (Double, Double, Double) -> Double?
    ) -> PriorityWaits? {
        precondition(
            classes.count == rates.count && rates.count == meanServices.count
                && meanServices.count == secondMoments.count, "one rate, mean and second moment per level")
        let c = Double(servers)
        var levels: [Level] = []
        var above = 0.0  // σ_{k−1}: the utilisation per worker of the more urgent levels
        var residual = 0.0  // Σ λ_i E[S_i²] / 2 over levels ≤ k
        var rateAbove = 0.0  // λ_{≤k−1}
        var firstAbove = 0.0  // Σ λ_i E[S_i] over levels < k
        var secondAbove = 0.0  // Σ λ_i E[S_i²] over levels < k
        var sojournAbove = 0.0  // T_{≤k−1}
        for k in classes.indices {
            let (lambda, mean, second) = (rates[k], meanServices[k], secondMoments[k])
            let u = lambda * mean / c
            guard above + u < 1 else { return nil }
            var wait: Double
            let rateUpTo = rateAbove + lambda
            let firstUpTo = firstAbove + lambda * mean
            let secondUpTo = secondAbove + lambda * second
            let meanUpTo = rateUpTo > 0 ? firstUpTo / rateUpTo : 0
            let sojournUpTo: Double
            if servers == 1 {
                residual += lambda * second / 2
                let sojourn = mean / (1 - above) + residual / ((1 - above) * (1 - above - u))
                wait = sojourn - mean
                sojournUpTo = 0
            } else {
                guard rateUpTo > 0 else { return nil }
                let scv = meanUpTo > 0 ? max(0, secondUpTo / rateUpTo / (meanUpTo * meanUpTo) - 1) : 1
                guard let w = fifoWait(rateUpTo, meanUpTo, scv) else { return nil }
                sojournUpTo = meanUpTo + w
                if lambda > 0 {
                    wait = (rateUpTo * sojournUpTo - rateAbove * sojournAbove) / lambda - mean
                } else {
                    // A level with no arrivals: the wait its first request would meet.
                    wait = w
                }
            }
            wait = max(0, wait)
            levels.append(Level(classes: classes[k], utilization: u, meanWait: wait))
            above += u
            rateAbove = rateUpTo
            firstAbove = firstUpTo
            secondAbove = secondUpTo
            sojournAbove = sojournUpTo
        }
        return PriorityWaits(levels: levels, preemptive: true)
    }
}
