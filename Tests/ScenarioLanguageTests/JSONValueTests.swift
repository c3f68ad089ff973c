import Testing

@testable import ScenarioLanguage

@Suite("JSON text")
struct JSONValueTests {
    static let objects: [JSONValue] = [
        .object([("a", .number(1)), ("b", .array([.string("x"), .null]))]),
        .object([("nested", .object([("deep", .array([.object([("k", .bool(true))])]))]))]),
        .array([.number(2), .object([])]),
        .object([]),
    ]

    @Test("arrayText lays out items made one at a time exactly as .array(items).text does", arguments: 0...4)
    func arrayTextMatches(count: Int) {
        let items = Array(Self.objects.prefix(count))
        #expect(JSONValue.arrayText(count: items.count) { items[$0] } == JSONValue.array(items).text)
    }
}
