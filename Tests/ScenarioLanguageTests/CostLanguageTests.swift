import InfraModel
import Testing

@testable import ScenarioLanguage

/// The language of prices: `currency`, components' `cost`, `response_size` — what they decode to
/// and the exact text of their errors.
@Suite("Cost: decoding and diagnostics")
struct CostLanguageTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return []
        } catch let e as ScenarioLoadError {
            guard case .invalid(let error) = e else { return ["\(e)"] }
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static func scenario(cost: String, top: String = "", size: String = "", slos: String = "") -> String {
        """
        version: 1
        horizon: 1h
        \(top)workload:
          arrivals: {process: poisson, rate: 100/s}
        \(size)components:
          web: {kind: server_pool, workers: 4, service: {exponential: {mean: 10ms}}, cost: \(cost)}
        \(slos)
        """
    }

    @Test(
        "prices per instance-time and sizes with decimal or binary units",
        arguments: [
            ("0.096/h", 0.096), ("2.4/d", 0.1), ("70.08/month", 0.096), ("0.5/min", 30), ("0.001/s", 3.6),
            (" 1 / h ", 1), ("0/h", 0),
        ])
    func prices(text: String, hourly: Double) throws {
        #expect(abs(try Quantity.price(text).get() - hourly) <= 1e-12 * hourly)
    }

    @Test(
        "sizes",
        arguments: [
            ("20KB", 20_000.0), ("1KiB", 1024), ("1.5MiB", 1_572_864), ("2GB", 2e9), ("512B", 512),
            ("1TiB", 1_099_511_627_776),
        ])
    func sizes(text: String, bytes: Double) throws {
        #expect(try Quantity.size(text).get() == bytes)
    }

    @Test("bad prices and sizes say what was expected")
    func badQuantities() {
        #expect(
            Quantity.price("0.096").failure?.message
                == "expected a price per instance-hour with its time unit, such as 0.096/h, found '0.096'")
        #expect(
            Quantity.price("0.1/m").failure?.message == "expected /min or /month ('/m' could be either), found '0.1/m'")
        #expect(Quantity.price("-1/h").failure?.message == "expected a price ≥ 0, found '-1/h'")
        #expect(
            Quantity.price("1/week").failure?.message
                == "expected a time unit after '/' (s, min, h, d, month), found '1/week'")
        #expect(Quantity.price("$1/h").failure?.message == "expected a number before '/' (e.g. 0.096/h), found '$1/h'")
        #expect(Quantity.size("20").failure?.message == "expected a size with a unit (e.g. 20KB, 1.5MiB), found '20'")
        #expect(
            Quantity.size("20kb").failure?.message
                == "expected a size unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), found '20kb'")
        #expect(Quantity.size("-1KB").failure?.message == "expected a size ≥ 0, found '-1KB'")
    }

    @Test("cost decodes to the component's prices; currency and response sizes too")
    func decoding() throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.scenario(
                cost: "{instance: 70.08/month, billing: per_hour, per_million_requests: 0.2, egress_per_gb: 0.09}",
                top: "currency: EUR\n", size: "  response_size: 20KB\n"))
        let cost = try #require(s.model.cost)
        #expect(cost.currency == "EUR")
        #expect(cost.responseBytes == [20_000])
        let p = try #require(cost.stations[0])
        #expect(abs(p.instanceHour! - 0.096) < 1e-15)
        #expect(p.billing == .perHour && p.perMillionRequests == 0.2 && p.egressPerGB == 0.09)
        let short = try ScenarioLoader.parse(yaml: Self.scenario(cost: "0.096/h"))
        #expect(
            short.model.cost
                == CostModel(currency: "USD", stations: [CostModel.Prices(instanceHour: 0.096)], responseBytes: [0]))
        // Nothing priced: no cost model, no cost metrics (currency alone is a label).
        let free = try ScenarioLoader.parse(yaml: DiagnosticTests.valid + "\ncurrency: GBP\n")
        #expect(free.model.cost == nil)
    }

    @Test("errors in prices, billing, currency and response sizes are located and exact")
    func diagnostics() {
        #expect(
            problems(Self.scenario(cost: "0.096")) == [
                "s.yaml:6:84: error: components.web.cost: expected a price per instance-hour with its time unit, such as 0.096/h, found '0.096'"
            ])
        #expect(
            problems(Self.scenario(cost: "{instance: -0.1/h}")) == [
                "s.yaml:6:95: error: components.web.cost.instance: expected a price ≥ 0, found '-0.1/h'"
            ])
        #expect(
            problems(Self.scenario(cost: "{instance: 0.1/h, billing: per-hour}")) == [
                "s.yaml:6:111: error: components.web.cost.billing: expected one of per_second, per_hour, found 'per-hour' (did you mean 'per_hour'?)"
            ])
        #expect(
            problems(Self.scenario(cost: "{billing: per_hour}")) == [
                "s.yaml:6:94: error: components.web.cost.billing: billing applies to the instance price: give 'instance' (e.g. instance: 0.096/h)"
            ])
        #expect(
            problems(Self.scenario(cost: "{per_million_requests: -2}")) == [
                "s.yaml:6:107: error: components.web.cost.per_million_requests: expected a number ≥ 0, found -2"
            ])
        #expect(
            problems(Self.scenario(cost: "{}")) == [
                "s.yaml:6:84: error: components.web.cost: expected at least one price: instance, per_million_requests, egress_per_gb or telemetry"
            ])
        #expect(
            problems(Self.scenario(cost: "{instance: 1/h, egres_per_gb: 1}")) == [
                "s.yaml:6:100: error: components.web.cost.egres_per_gb: unknown key 'egres_per_gb'; expected one of instance, billing, per_million_requests, egress_per_gb, telemetry (did you mean 'egress_per_gb'?)"
            ])
        #expect(
            problems(Self.scenario(cost: "1/h", top: "currency: usd\n")) == [
                "s.yaml:3:11: error: currency: expected a currency code of three capital letters (ISO 4217, e.g. USD, EUR), found 'usd' (did you mean 'USD'?)"
            ])
        #expect(
            problems(Self.scenario(cost: "1/h", size: "  response_size: 20\n")) == [
                "s.yaml:5:18: error: workload.response_size: expected a size with a unit (e.g. 20KB, 1.5MiB), found '20'"
            ])
    }

    @Test("egress is billed where responses leave: at a class's entry component, which needs response sizes")
    func egressPlacement() {
        let yaml = """
            version: 1
            horizon: 1h
            workload:
              arrivals: {process: poisson, rate: 100/s}
              response_size: 4KB
            components:
              edge: {kind: load_balancer, targets: web}
              web: {kind: server_pool, workers: 4, service: {exponential: {mean: 10ms}}, cost: {egress_per_gb: 0.09}}
            """
        #expect(
            problems(yaml) == [
                "s.yaml:8:100: error: components.web.cost.egress_per_gb: egress is billed where responses leave for the client, the first component of a class's path (edge); no class's path starts at 'web'"
            ])
        let noSize = Self.scenario(cost: "{egress_per_gb: 0.09}")
        #expect(
            problems(noSize) == [
                "s.yaml:6:100: error: components.web.cost.egress_per_gb: egress_per_gb needs the size of the responses 'web' sends: give workload.response_size (or its classes' response_size)"
            ])
    }

    @Test("an SLO on a cost metric reads money: a number, or a number and the scenario's currency")
    func moneyThresholds() throws {
        let ok = try ScenarioLoader.parse(
            yaml: Self.scenario(
                cost: "1/h", top: "currency: EUR\n",
                slos: "slos: [{metric: cost.monthly, max: 12000 EUR}, {metric: cost.horizon, max: 1_000}]"))
        #expect(ok.slos.map(\.bound) == [.max(12000), .max(1000)])
        #expect(
            problems(Self.scenario(cost: "1/h", slos: "slos: [{metric: cost.monthly, max: 12000 EUR}]")) == [
                "s.yaml:7:36: error: slos.0.max: expected an amount of money in USD such as 12000 or 12000 USD, found '12000 EUR'"
            ])
        #expect(
            problems(Self.scenario(cost: "1/h", slos: "slos: [{metric: cost.montly, max: 1}]")) == [
                "s.yaml:7:17: error: slos.0.metric: expected a metric id of this scenario (e.g. latency.p99, availability.request), found 'cost.montly' (did you mean 'cost.monthly'?)"
            ])
    }
}
