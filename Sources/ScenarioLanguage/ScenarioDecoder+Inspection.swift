import InfraModel
import SimKernel
import SimRandom

/// `kind: firewall`, `kind: waf` and `kind: ids`: inspection stages, server pools that block
/// what they detect (see `InspectionSpec`).
///
/// ```yaml
/// waf: {kind: waf, instances: 4, workers: 32, service: {exponential: {mean: 1ms}},
///       on_failure: open, detect: {flood: {probability: 95%, delay: 30s}, users: 0.01%}}
/// ```
///
/// Pool keys are read by the server pool's decoder, so they mean exactly what they mean there.
/// `detect:` names classes; they are checked against the workload once it is read
/// (`checkClassReferences`).
extension ScenarioDecoder {
    static let inspectionKinds = InspectionSpec.Kind.allCases.map(\.rawValue)
    static let inspectionOnlyKeys = ["on_failure", "detect"]
    static let inspectionKeys = serverPoolKeys + inspectionOnlyKeys
    static let detectionKeys = ["probability", "delay"]

    mutating func decodeInspection(
        _ node: ScenarioNode, _ path: String, name: String, kind: InspectionSpec.Kind
    ) -> StationSpec? {
        guard case .mapping(let pairs, let location) = node else {
            reader.fail(node, path, "expected a component (a mapping with 'kind'), found \(node.kindDescription)")
            return nil
        }
        guard let f = reader.fields(node, path, allowed: Self.inspectionKeys, required: ["kind", "service"]) else {
            return nil
        }
        var poolPairs = pairs.filter { Self.serverPoolKeys.contains($0.key) && $0.key != "kind" }
        poolPairs.insert((key: "kind", keyLocation: location, value: .scalar("server_pool", location)), at: 0)
        let station = decodeServerPool(.mapping(poolPairs, location), path, name: name)
        var onFailure: InspectionSpec.OnFailure?
        if let n = f["on_failure"] {
            guard let choice = reader.choice(n, f.path("on_failure"), InspectionSpec.OnFailure.self) else { return nil }
            onFailure = choice
        }
        let detections = f["detect"].map { decodeDetections($0, f.path("detect"), station: name) } ?? []
        guard var station, let detections else { return nil }
        station.inspection = InspectionSpec(kind: kind, onFailure: onFailure, detections: detections)
        return station
    }

    /// `detect:` — a mapping of class names to a share (`95%`: blocked from the start) or to
    /// `{probability, delay}`.
    private mutating func decodeDetections(
        _ node: ScenarioNode, _ path: String, station: String
    ) -> [InspectionSpec.Detection]? {
        guard case .mapping(let pairs, _) = node else {
            reader.fail(
                node, path,
                "expected a mapping of class names to a share blocked (95%) or {probability, delay}, found \(node.kindDescription)"
            )
            return nil
        }
        var detections: [InspectionSpec.Detection] = []
        var ok = true
        for p in pairs {
            let itemPath = join(path, p.key)
            var probability: Double?
            var delay: SimDuration? = .zero
            if case .mapping = p.value {
                guard let f = reader.fields(p.value, itemPath, allowed: Self.detectionKeys, required: ["probability"])
                else {
                    ok = false
                    continue
                }
                probability = f["probability"].flatMap { threshold($0, f.path("probability"), unit: .fraction) }
                delay = f["delay"].map { reader.duration($0, f.path("delay")) } ?? .zero
            } else {
                probability = threshold(p.value, itemPath, unit: .fraction)
            }
            guard let probability, let delay else {
                ok = false
                continue
            }
            pendingClassReferences.append(
                PendingClassReference(
                    station: station, className: p.key, node: p.value, path: itemPath, verb: "detects"))
            detections.append(InspectionSpec.Detection(className: p.key, probability: probability, delay: delay))
        }
        return ok ? detections : nil
    }
}
