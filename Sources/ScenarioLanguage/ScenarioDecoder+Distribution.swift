import Foundation
import SimKernel
import SimRandom

extension ScenarioDecoder {
    static let distributionNames = [
        "exponential", "deterministic", "uniform", "normal", "lognormal", "gamma",
        "weibull", "pareto", "erlang", "hyperexponential", "empirical",
    ]

    /// A time that is a duration (`90s`, a constant) or a distribution (a mapping, as
    /// `decodeDistribution`): start-ups, provisioning, CPU costs, detection delays.
    mutating func decodeTime(_ node: ScenarioNode, _ path: String) -> Distribution? {
        if case .mapping = node { return decodeDistribution(node, path) }
        return reader.duration(node, path).map { .deterministic(value: $0.seconds) }
    }

    /// A service-time distribution, written as a mapping with one key naming the family:
    /// `{lognormal: {mean: 20ms, cv: 1.5}}`. Durations carry units; shapes and cvs are numbers.
    mutating func decodeDistribution(_ node: ScenarioNode, _ path: String) -> Distribution? {
        guard case .mapping(let pairs, _) = node, pairs.count == 1 else {
            reader.fail(
                node, path,
                "expected a distribution such as {exponential: {mean: 10ms}} (one of \(Self.distributionNames.joined(separator: ", "))), found \(node.kindDescription)"
            )
            return nil
        }
        let family = pairs[0].key
        let body = pairs[0].value
        let p = path + "." + family
        guard Self.distributionNames.contains(family) else {
            reader.diagnostics.append(
                Diagnostic(
                    location: pairs[0].keyLocation, keyPath: p,
                    message:
                        "expected a distribution (\(Self.distributionNames.joined(separator: ", "))), found '\(family)'",
                    suggestion: nearest(family, in: Self.distributionNames)))
            return nil
        }
        let d: Distribution?
        switch family {
        case "exponential":
            d = fields(body, p, ["mean"]).flatMap { f in seconds(f, "mean").map { .exponential(mean: $0) } }
        case "deterministic":
            if case .scalar = body {
                d = reader.duration(body, p).map { .deterministic(value: $0.seconds) }
            } else {
                d = fields(body, p, ["value"]).flatMap { f in seconds(f, "value").map { .deterministic(value: $0) } }
            }
        case "uniform":
            if case .sequence(let items, _) = body, items.count == 2 {
                let lo = reader.duration(items[0], p + ".0")
                let hi = reader.duration(items[1], p + ".1")
                d = lo.flatMap { lo in hi.map { .uniform(min: lo.seconds, max: $0.seconds) } }
            } else {
                d = fields(body, p, ["min", "max"]).flatMap { f in
                    let lo = seconds(f, "min")
                    let hi = seconds(f, "max")
                    return lo.flatMap { lo in hi.map { .uniform(min: lo, max: $0) } }
                }
            }
        case "normal":
            d = meanAndSpread(body, p) { .normal(mean: $0, sd: $1) }
        case "lognormal":
            d = meanAndSpread(
                body, p, cvForm: { .lognormal(mean: $0, cv: $1) }, sdForm: { m, sd in .lognormal(mean: m, cv: sd / m) })
        case "gamma":
            d = meanAndSpread(
                body, p, cvForm: { .gamma(mean: $0, cv: $1) }, sdForm: { m, sd in .gamma(mean: m, cv: sd / m) })
        case "weibull":
            d = fields(body, p, ["shape", "scale"]).flatMap { f in
                let k = number(f, "shape")
                let s = seconds(f, "scale")
                return k.flatMap { k in s.map { .weibull(shape: k, scale: $0) } }
            }
        case "pareto":
            d = fields(body, p, ["shape", "scale"]).flatMap { f in
                let a = number(f, "shape")
                let s = seconds(f, "scale")
                return a.flatMap { a in s.map { .pareto(shape: a, scale: $0) } }
            }
        case "erlang":
            d = fields(body, p, ["k", "mean"]).flatMap { f in
                let k = f["k"].flatMap { reader.integer($0, f.path("k"), min: 1, max: 10_000) }
                let m = seconds(f, "mean")
                return k.flatMap { k in m.map { .erlang(k: k, mean: $0) } }
            }
        case "hyperexponential":
            d = decodeHyperexponential(body, p)
        default:  // empirical
            d = decodeEmpirical(body, p)
        }
        guard let d else { return nil }
        if let problem = d.validate() {
            reader.fail(body, p, problem)
            return nil
        }
        return d
    }

    private mutating func fields(
        _ node: ScenarioNode, _ path: String, _ keys: [String], optional: [String] = []
    ) -> Fields? {
        reader.fields(node, path, allowed: keys + optional, required: keys)
    }

    private mutating func seconds(_ f: Fields, _ key: String) -> Double? {
        f[key].flatMap { reader.duration($0, f.path(key)) }?.seconds
    }

    private mutating func number(_ f: Fields, _ key: String) -> Double? {
        f[key].flatMap { reader.number($0, f.path(key), exclusiveMinimum: 0) }
    }

    /// `{mean, cv}` or `{mean, sd}`: exactly one of cv and sd.
    private mutating func meanAndSpread(
        _ node: ScenarioNode, _ path: String,
        cvForm: ((Double, Double) -> Distribution)? = nil,
        sdForm: (Double, Double) -> Distribution
    ) -> Distribution? {
        guard let f = reader.fields(node, path, allowed: ["mean", "cv", "sd"], required: ["mean"]) else { return nil }
        let mean = seconds(f, "mean")
        switch (f["cv"], f["sd"]) {
        case (let cv?, nil):
            guard let c = reader.number(cv, f.path("cv"), exclusiveMinimum: 0), let mean else { return nil }
            return cvForm.map { $0(mean, c) } ?? sdForm(mean, c * mean)
        case (nil, let sd?):
            guard let s = reader.duration(sd, f.path("sd"), positive: true), let mean else { return nil }
            return sdForm(mean, s.seconds)
        default:
            reader.fail(node, path, "expected exactly one of 'cv' (a number) and 'sd' (a duration)")
            return nil
        }
    }

    /// `{mean, cv}` (balanced means, cv ≥ 1) or `{branches: [{p, mean}, …]}`.
    private mutating func decodeHyperexponential(_ node: ScenarioNode, _ path: String) -> Distribution? {
        guard let f = reader.fields(node, path, allowed: ["mean", "cv", "branches"]) else { return nil }
        if let b = f["branches"] {
            guard let items = reader.list(b, f.path("branches")) else { return nil }
            var ps: [Double] = []
            var means: [Double] = []
            for (i, item) in items.enumerated() {
                guard
                    let bf = reader.fields(
                        item, f.path("branches") + ".\(i)", allowed: ["p", "mean"], required: ["p", "mean"])
                else { continue }
                if let p = bf["p"].flatMap({ reader.number($0, bf.path("p"), exclusiveMinimum: 0) }),
                    let m = seconds(bf, "mean")
                {
                    ps.append(p)
                    means.append(m)
                }
            }
            return ps.count == items.count ? .hyperexponential(probabilities: ps, means: means) : nil
        }
        guard let mean = seconds(f, "mean"), let cv = f["cv"].flatMap({ reader.number($0, f.path("cv"), minimum: 1) })
        else {
            if f["mean"] == nil || f["cv"] == nil {
                reader.fail(node, path, "expected {mean, cv} or {branches: [{p, mean}, …]}")
            }
            return nil
        }
        return .hyperexponential(mean: mean, cv: cv)
    }

    /// `{file: samples.csv, unit: ms}`: one sample per line (blank lines and `#` comments
    /// skipped); a line may carry its own unit (`12ms`), otherwise `unit` applies.
    private mutating func decodeEmpirical(_ node: ScenarioNode, _ path: String) -> Distribution? {
        guard let f = reader.fields(node, path, allowed: ["file", "unit"], required: ["file"]),
            let fileNode = f["file"], let name = reader.string(fileNode, f.path("file"))
        else { return nil }
        let unit = f["unit"].flatMap { reader.string($0, f.path("unit")) } ?? ""
        if let unitNode = f["unit"], !unit.isEmpty, Quantity.durationUnits.first(where: { $0.0 == unit }) == nil {
            reader.fail(unitNode, f.path("unit"), "expected a duration unit (ns, us, ms, s, m, h, d), found '\(unit)'")
            return nil
        }
        // Relative to the file that names it: a base read through `extends:` may sit elsewhere.
        let folder =
            fileNode.location.override != nil || fileNode.location.file == file
            ? baseDirectory : ExtendsResolver.directory(of: fileNode.location.file)
        let full = name.hasPrefix("/") ? name : folder + "/" + name
        // Read a line at a time: a samples file may be large, and only its values are kept.
        var samples: [Double] = []
        var rowError: String?
        let read = InputFile.forEachLine(full, limit: InputFile.dataLimit) { n, raw in
            let line =
                raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map {
                    $0.trimmingWhitespace()
                } ?? ""
            if line.isEmpty { return true }
            let withUnit = Quantity.split(String(line)).map { $0.1.isEmpty } == true ? line + unit : String(line)
            switch Quantity.duration(String(withUnit)) {
            case .success(let d):
                samples.append(d.seconds)
                return true
            case .failure(let e):
                rowError = "\(full):\(n): \(e.message)\(unit.isEmpty ? " (or give 'unit')" : "")"
                return false
            }
        }
        switch read {
        case .success:
            if let rowError {
                reader.fail(fileNode, f.path("file"), rowError)
                return nil
            }
        case .failure(.notUTF8(let line)):
            reader.fail(
                fileNode, f.path("file"), "cannot read the samples file '\(full)': line \(line) is not UTF-8 text")
            return nil
        case .failure(.lineTooLong(let line)):
            reader.fail(
                fileNode, f.path("file"),
                "cannot read the samples file '\(full)': line \(line) is longer than \(InputFile.lineLimit >> 20) MiB")
            return nil
        case .failure(.file(let failure)):
            reader.failMissingInput(fileNode, f.path("file"), "cannot read the samples file '\(full)': \(failure)")
            return nil
        }
        return .empirical(samples: samples)
    }
}
