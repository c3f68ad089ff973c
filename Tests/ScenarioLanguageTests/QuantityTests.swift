import SimKernel
import Testing

@testable import ScenarioLanguage

@Suite("Quantities")
struct QuantityTests {
    @Test(
        "durations carry units",
        arguments: [
            ("250ms", 250_000_000), ("1.5s", 1_500_000_000), ("5m", 300_000_000_000), ("5min", 300_000_000_000),
            ("1h", 3_600_000_000_000), ("30d", 2_592_000_000_000_000), ("0.4ms", 400_000), ("10us", 10_000),
            ("10µs", 10_000), ("7ns", 7), ("0s", 0), (" 2 s ", 2_000_000_000), ("1e3ms", 1_000_000_000),
        ] as [(String, Int64)])
    func durations(text: String, ns: Int64) throws {
        #expect(try Quantity.duration(text).get() == SimDuration(nanoseconds: ns))
    }

    @Test(
        "bad durations say what was expected",
        arguments: [
            ("1:30", "expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'"),
            ("90", "expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found '90'"),
            ("5 minutes", "expected a duration unit (ns, us, ms, s, m, h, d), found '5 minutes'"),
            ("-1s", "expected a duration ≥ 0, found '-1s'"),
            ("0.1ns", "duration shorter than a nanosecond, found '0.1ns'"),
            ("1e12h", "duration too long for nanosecond time, found '1e12h'"),
            ("no", "expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found 'no'"),
        ])
    func badDurations(text: String, message: String) {
        guard case .failure(let e) = Quantity.duration(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(e.message == message)
    }

    @Test(
        "rates carry a time unit",
        arguments: [
            ("2000/s", 2000.0), ("120k/min", 2000.0), ("1.5M/h", 416.666_666_666_666_7), ("5/ms", 5000.0),
            ("7.2/d", 7.2 / 86400),
        ])
    func rates(text: String, perSecond: Double) throws {
        let r = try Quantity.rate(text).get()
        #expect(abs(r - perSecond) <= perSecond * 1e-12)
    }

    @Test(
        "bad rates",
        arguments: [
            ("100", "expected a rate with a time unit (e.g. 2000/s, 120k/min), found '100'"),
            ("100/fortnight", "expected a time unit after '/' (s, ms, min, h, d), found '100/fortnight'"),
            ("lots/s", "expected a number before '/' (e.g. 2000/s, 120k/min), found 'lots/s'"),
        ])
    func badRates(text: String, message: String) {
        guard case .failure(let e) = Quantity.rate(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(e.message == message)
    }
}
