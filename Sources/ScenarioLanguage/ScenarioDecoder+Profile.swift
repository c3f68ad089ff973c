import InfraModel
import SimKernel

/// `workload.profile`: a time-varying multiplier of every Poisson arrival process.
extension ScenarioDecoder {
    static let profileKeys = ["start_at", "piecewise", "diurnal", "weekly", "spikes"]
    static let profileParts = ["piecewise", "diurnal", "weekly", "spikes"]
    static let piecewiseKeys = ["points", "interpolation"]
    static let diurnalKeys = ["peak", "trough", "peak_at", "period"]
    static let spikeKeys = ["at", "for", "factor"]
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The workload's profile, checked against the processes it multiplies (Poisson only) and
    /// against `warmup: auto` (refused for time-varying load: a trace or a profile), and against
    /// the clock: no rate times the profile's peak over the horizon may pass 1e9/s, one arrival
    /// per nanosecond, as for a rate written out; nil when there is none or it is invalid.
    mutating func decodeProfile(
        _ workload: ScenarioNode?, arrivals: ArrivalProcess?, classes: [RequestClass],
        autoWarmup: ScenarioNode?, horizon: SimDuration?
    ) -> RateProfile? {
        var node: ScenarioNode?
        if case .mapping(let pairs, _)? = workload { node = pairs.first { $0.key == "profile" }?.value }
        let profile = node.flatMap { decodeProfile($0, "workload.profile") }
        if let node, profile != nil {
            let named: [(String, ArrivalProcess?)] =
                [("workload.arrivals", arrivals)]
                + classes.map { ("the arrivals of class '\($0.name)'", $0.arrivals) }
            for (place, process) in named {
                guard let process else { continue }
                if case .poisson(let rate) = process {
                    if let horizon, let profile, !(rate * profile.peak(over: horizon.seconds) <= 1e9) {
                        reader.fail(
                            node, "workload.profile",
                            "expected a profile whose peak keeps \(place)'s rate at most 1e9/s (one per nanosecond), found \(format(rate))/s × \(format(profile.peak(over: horizon.seconds)))x"
                        )
                    }
                    continue
                }
                reader.fail(
                    node, "workload.profile",
                    "a rate profile multiplies Poisson arrivals only, found process: \(process.name) in \(place)")
            }
        }
        let traced = ([arrivals] + classes.map(\.arrivals)).contains { if case .trace? = $0 { true } else { false } }
        if let w = autoWarmup, node != nil || traced {
            reader.fail(
                w, "warmup",
                "expected a fixed warm-up (e.g. 10m) with time-varying load (\(node != nil ? "workload.profile" : "a trace")): MSER-5 looks for the end of a start-up transient, which a varying load does not have, found 'auto'"
            )
        }
        return profile
    }

    mutating func decodeProfile(_ node: ScenarioNode, _ path: String) -> RateProfile? {
        guard let f = reader.fields(node, path, allowed: Self.profileKeys) else { return nil }
        guard Self.profileParts.contains(where: { f[$0] != nil }) else {
            reader.fail(node, path, "expected at least one of \(Self.profileParts.joined(separator: ", "))")
            return nil
        }
        let errors = reader.diagnostics.count
        let start = f["start_at"].flatMap { decodeStartAt($0, f.path("start_at")) } ?? 0
        let piecewise = f["piecewise"].flatMap { decodePiecewise($0, f.path("piecewise")) }
        let diurnal = f["diurnal"].flatMap { decodeDiurnal($0, f.path("diurnal")) }
        var weekly: [Double]?
        if let w = f["weekly"], let items = reader.list(w, f.path("weekly")) {
            if items.count != 7 {
                reader.fail(w, f.path("weekly"), "expected seven multipliers, Monday to Sunday, found \(items.count)")
            } else {
                let values = items.enumerated().compactMap { i, item in multiplier(item, f.path("weekly") + ".\(i)") }
                if values.count == 7 { weekly = values }
            }
        }
        var spikes: [RateProfile.Spike] = []
        if let s = f["spikes"], let items = reader.list(s, f.path("spikes")) {
            for (i, item) in items.enumerated() {
                let p = f.path("spikes") + ".\(i)"
                guard let sf = reader.fields(item, p, allowed: Self.spikeKeys, required: Self.spikeKeys) else {
                    continue
                }
                let at = sf["at"].flatMap { reader.duration($0, sf.path("at")) }
                let length = sf["for"].flatMap { reader.duration($0, sf.path("for"), positive: true) }
                let factor = sf["factor"].flatMap { multiplier($0, sf.path("factor")) }
                if let at, let length, let factor {
                    spikes.append(.init(at: at.seconds, length: length.seconds, factor: factor))
                }
            }
        }
        guard reader.diagnostics.count == errors else { return nil }
        return RateProfile(start: start, piecewise: piecewise, diurnal: diurnal, weekly: weekly, spikes: spikes)
    }

    /// `{points: [[0s, 1x], [30m, 3x], …], interpolation: linear | step}`.
    mutating func decodePiecewise(_ node: ScenarioNode, _ path: String) -> RateProfile.Piecewise? {
        guard let f = reader.fields(node, path, allowed: Self.piecewiseKeys, required: ["points"]) else { return nil }
        let interpolation =
            f["interpolation"].map { reader.choice($0, f.path("interpolation"), RateProfile.Interpolation.self) }
            ?? .linear
        guard let p = f["points"], let items = reader.list(p, f.path("points")) else { return nil }
        if items.isEmpty {
            reader.fail(p, f.path("points"), "expected at least one point [time, multiplier]")
            return nil
        }
        var times: [Double] = []
        var values: [Double] = []
        var ok = true
        var previous: (Double, String)?
        for (i, item) in items.enumerated() {
            let ip = f.path("points") + ".\(i)"
            guard case .sequence(let pair, _) = item, pair.count == 2 else {
                reader.fail(
                    item, ip, "expected a point [time, multiplier] such as [30m, 2x], found \(item.kindDescription)")
                ok = false
                continue
            }
            let t = reader.duration(pair[0], ip + ".0")
            let v = multiplier(pair[1], ip + ".1")
            guard let t, let v else {
                ok = false
                continue
            }
            if let (last, text) = previous, t.seconds <= last {
                reader.fail(
                    pair[0], ip + ".0",
                    "expected times in increasing order, found \(pair[0].scalarText ?? "?") after \(text)")
                ok = false
            }
            previous = (t.seconds, pair[0].scalarText ?? "?")
            times.append(t.seconds)
            values.append(v)
        }
        guard ok, let interpolation else { return nil }
        return .init(times: times, values: values, interpolation: interpolation)
    }

    /// `{peak: 1.8x, trough: 0.4x, peak_at: "14:00", period: 24h}`; trough defaults to 2 − peak
    /// (so the base rate is the mean), peak_at to half the period.
    mutating func decodeDiurnal(_ node: ScenarioNode, _ path: String) -> RateProfile.Diurnal? {
        guard let f = reader.fields(node, path, allowed: Self.diurnalKeys, required: ["peak"]) else { return nil }
        let period = f["period"].map { reader.duration($0, f.path("period"), positive: true) } ?? .seconds(86_400)
        if let p = period, p < .seconds(1), let periodNode = f["period"] {
            reader.fail(
                periodNode, f.path("period"), "expected a period of at least 1s, found '\(periodNode.scalarText ?? "")'"
            )
            return nil
        }
        guard let peak = f["peak"].flatMap({ multiplier($0, f.path("peak")) }), let period else { return nil }
        var trough = 2 - peak
        if let t = f["trough"] {
            guard let v = multiplier(t, f.path("trough")) else { return nil }
            if v > peak {
                reader.fail(
                    t, f.path("trough"),
                    "expected a trough ≤ the peak (\(format(peak))x), found '\(t.scalarText ?? "")'")
                return nil
            }
            trough = v
        } else if peak > 2 {
            reader.fail(
                node, path,
                "expected 'trough' with a peak above 2x (the default trough, 2 − peak, keeps the base rate as the mean and cannot go below 0), found peak \(format(peak))x"
            )
            return nil
        }
        var peakAt = period.seconds / 2
        if let n = f["peak_at"] {
            guard let v = timeOfDay(n, f.path("peak_at")) else { return nil }
            guard v < period.seconds else {
                reader.fail(
                    n, f.path("peak_at"), "expected a time within the period (\(period)), found '\(n.scalarText ?? "")'"
                )
                return nil
            }
            peakAt = v
        }
        return .init(peak: peak, trough: trough, peakAt: peakAt, period: period.seconds)
    }

    /// `08:00`, `monday 08:00`, `sat`, or a duration since Monday 00:00: seconds since Monday 00:00.
    mutating func decodeStartAt(_ node: ScenarioNode, _ path: String) -> Double? {
        guard let text = reader.string(node, path) else { return nil }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        var day = 0.0
        var rest = Substring(text)
        if let first = words.first, let d = Self.weekday(first) {
            day = Double(d) * 86_400
            guard words.count <= 2 else { return failStartAt(node, path, text) }
            if words.count == 1 { return day }
            rest = words[1]
        }
        guard
            let t = Self.clock(rest)
                ?? { if case .success(let d) = Quantity.duration(String(rest)) { d.seconds } else { nil } }()
        else {
            return failStartAt(node, path, text)
        }
        return day + t
    }

    private mutating func failStartAt(_ node: ScenarioNode, _ path: String, _ text: String) -> Double? {
        reader.fail(
            node, path,
            "expected a time of day such as 08:00, a day and time such as 'saturday 08:00', or a duration since Monday 00:00, found '\(text)'"
        )
        return nil
    }

    /// A time within the day, `14:00` or `14:30:15` (or a duration such as `14h`): seconds.
    mutating func timeOfDay(_ node: ScenarioNode, _ path: String) -> Double? {
        guard let text = reader.string(node, path) else { return nil }
        if let t = Self.clock(Substring(text)) { return t }
        if case .success(let d) = Quantity.duration(text) { return d.seconds }
        reader.fail(node, path, "expected a time of day such as 14:00 (or a duration such as 14h), found '\(text)'")
        return nil
    }

    /// `HH:MM` or `HH:MM:SS` (00:00 to 23:59:59): seconds since midnight.
    static func clock(_ text: Substring) -> Double? {
        let parts = text.trimmingWhitespace().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
            parts.allSatisfy({ $0.count == 2 || ($0.count == 1 && $0 == parts[0]) }),
            let h = Int(parts[0]), let m = Int(parts[1]), h >= 0, h < 24, m >= 0, m < 60
        else { return nil }
        var s = 0.0
        if parts.count == 3 {
            guard let v = Int(parts[2]), v >= 0, v < 60 else { return nil }
            s = Double(v)
        }
        return Double(h * 3600 + m * 60) + s
    }

    static func weekday(_ word: Substring) -> Int? {
        let w = word.lowercased()
        return weekdays.firstIndex { $0 == w || (w.count == 3 && $0.hasPrefix(w)) }
    }

    /// A multiplier: `1.8x` or a plain number, ≥ 0.
    mutating func multiplier(_ node: ScenarioNode, _ path: String) -> Double? {
        guard case .scalar(let s, _) = node else {
            reader.fail(node, path, "expected a multiplier such as 1.8x or 1.8, found \(node.kindDescription)")
            return nil
        }
        switch Quantity.multiplier(s) {
        case .success(let v): return v
        case .failure(let e):
            reader.fail(node, path, e.message)
            return nil
        }
    }
}
