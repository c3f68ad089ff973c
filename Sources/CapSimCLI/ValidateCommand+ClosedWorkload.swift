import InfraModel
import Reporting
import ScenarioLanguage
import Theory

/// `capsim validate`'s figures for a closed workload (`ArrivalProcess.closed`): MVA's
/// throughput and response time per population, as a text line and as JSON.
extension ValidateCommand {
    /// A closed workload's line: each population's users and think time, and what MVA gives it —
    /// throughput and response time (the rates the component lines below are computed at).
    static func closedLine(_ m: ModelSpec) -> String {
        guard let (_, figures, _) = m.closedWorkload() else {
            return "closed workload: no MVA figures (open classes alone saturate a component)"
        }
        let how =
            switch figures.method {
            case .synchronousChain:
                (figures.exact ? "synchronous chain, exact" : "≈ by flow-equivalent servers")
                    + ": each caller holds its worker through its calls"
            case .mva: figures.exact ? "MVA, exact" : "≈ by MVA"
            }
        let each = figures.populations.map { p in
            "\(p.name == "workload" ? "" : "class \(p.name): ")\(p.users) users thinking \(duration(p.think)) on average: throughput \(TableReport.fixed(p.throughput, 2))/s, response time \(duration(p.responseTime))"
        }
        return "closed workload (\(how)): " + each.joined(separator: "; ")
    }

    /// A closed workload's MVA figures for the JSON report (nil without one): `exact`, `method`
    /// (`mva` or `synchronous_chain`), and per
    /// population its `name`, `users`, `think` (mean, s), `throughput` (/s) and `response_time`
    /// (s); `populations` is empty where open classes alone saturate a component.
    static func closedWorkload(_ m: ModelSpec) -> JSONValue? {
        guard m.hasClosedWorkload else { return nil }
        let figures = m.closedWorkload()?.figures
        return .object([
            ("exact", .bool(figures?.exact ?? false)),
            ("method", .string(figures?.method.rawValue ?? ClosedWorkloadFigures.Method.mva.rawValue)),
            (
                "populations",
                .array(
                    (figures?.populations ?? []).map { p in
                        .object([
                            ("name", .string(p.name)), ("users", .number(Double(p.users))),
                            ("think", .number(p.think)), ("throughput", .number(p.throughput)),
                            ("response_time", .number(p.responseTime)),
                        ])
                    })
            ),
        ])
    }
}
