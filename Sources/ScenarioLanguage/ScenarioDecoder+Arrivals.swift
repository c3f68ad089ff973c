import InfraModel
import SimKernel

/// `arrivals:` of the workload or of a class.
extension ScenarioDecoder {
    static let arrivalKeys = ["process", "rate"]
    static let arrivalProcesses = ["poisson", "constant"]
    static let plannedArrivalProcesses = ["gamma", "mmpp2", "trace"]

    mutating func decodeArrivals(_ node: ScenarioNode, _ path: String) -> ArrivalProcess? {
        guard let f = reader.fields(node, path, allowed: Self.arrivalKeys, required: ["process", "rate"]) else { return nil }
        let rate = f["rate"].flatMap { reader.rate($0, f.path("rate")) }
        guard let p = f["process"], let process = reader.string(p, f.path("process")) else { return nil }
        if Self.plannedArrivalProcesses.contains(process) {
            reader.fail(p, f.path("process"), "arrival process '\(process)' is part of the scenario language but not built in this version of capsim yet")
            return nil
        }
        guard Self.arrivalProcesses.contains(process) else {
            reader.fail(p, f.path("process"), "expected one of \(Self.arrivalProcesses.joined(separator: ", ")), found '\(process)'",
                        suggestion: nearest(process, in: Self.arrivalProcesses + Self.plannedArrivalProcesses))
            return nil
        }
        guard let rate else { return nil }
        return process == "poisson" ? .poisson(rate: rate) : .constant(rate: rate)
    }
}
