/// capsim's own small SVG writer, for the charts of the HTML report (`HTMLReport`).
///
/// Why its own: the report must be one self-contained, deterministic file, and capsim's allowed
/// dependencies (swift-argument-parser, Yams) hold no plotting or SVG package; a JavaScript
/// library embedded at build time would put a script in a page that should run none, and
/// would draw in the browser (a test could no longer read the marks from the file). The charts
/// needed — lines, bands, points with error bars, stacked bars, linear and log axes — take a
/// few hundred lines. Invariants: the same calls give the same bytes (coordinates written with
/// one fixed number of decimals, no dictionary order, no clock); every text is escaped
/// (`HTMLText.escape`), so a name from a scenario is shown, never parsed as markup; every mark
/// carries `class="mark …"`, so tests (and the browser test) can count what was drawn.
public struct SVGWriter: Sendable {
    public let width: Double
    public let height: Double
    /// The chart's accessible name, the first child of the `<svg>` (`<title>`).
    public let title: String
    /// The `<svg>` element's class: `chart` (a figure), `chart glyph` (inline in a table).
    public let cssClass: String
    private var body: [String] = []

    public init(width: Double, height: Double, title: String, cssClass: String = "chart") {
        self.width = width
        self.height = height
        self.title = title
        self.cssClass = cssClass
    }

    /// The finished `<svg>` element, for inline use in HTML (which needs no `xmlns`: the page holds
    /// no URL at all).
    public var text: String {
        "<svg class=\"\(HTMLText.escape(cssClass))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\">"
            + "<title>\(HTMLText.escape(title))</title>" + body.joined() + "</svg>"
    }

    /// Coordinates with one decimal: a tenth of a pixel is below what a screen shows, and a fixed
    /// count of decimals keeps the bytes the same for the same numbers.
    static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let t = TableReport.fixed(x, 1)
        return t.hasSuffix(".0") ? String(t.dropLast(2)) : t == "-0" ? "0" : t
    }

    /// `class="mark KIND"` for a drawn datum, else the plain class (axes, grid, labels).
    /// `paint`: `stroke` for lines, `fill` for shapes; the colour is an attribute, so a chart
    /// keeps its colours outside the page's style sheet too.
    static func attributes(_ cls: String, mark: Bool, color: String?, paint: String) -> String {
        var a = " class=\"\(mark ? "mark " : "")\(cls)\""
        if let color { a += " \(paint)=\"\(HTMLText.escape(color))\"" }
        return a
    }

    /// A `<title>` child: the tooltip a browser shows over a mark.
    static func tooltip(_ text: String?) -> String { text.map { "<title>\(HTMLText.escape($0))</title>" } ?? "" }

    public mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String, mark: Bool = false, color: String? = nil
    ) {
        body.append(
            "<line\(Self.attributes(cls, mark: mark, color: color, paint: "stroke")) x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\"/>"
        )
    }

    /// A polyline through the points, in order.
    public mutating func polyline(
        _ points: [(Double, Double)], cls: String, mark: Bool = true, color: String? = nil, tooltip: String? = nil
    ) {
        guard !points.isEmpty else { return }
        let p = points.map { Self.n($0.0) + "," + Self.n($0.1) }.joined(separator: " ")
        body.append(
            "<polyline\(Self.attributes(cls, mark: mark, color: color, paint: "stroke")) points=\"\(p)\">\(Self.tooltip(tooltip))</polyline>"
        )
    }

    /// A closed polygon (a confidence band: the upper edge forward, the lower edge back).
    public mutating func polygon(
        _ points: [(Double, Double)], cls: String, mark: Bool = true, color: String? = nil, tooltip: String? = nil
    ) {
        guard points.count >= 3 else { return }
        let p = points.map { Self.n($0.0) + "," + Self.n($0.1) }.joined(separator: " ")
        body.append(
            "<polygon\(Self.attributes(cls, mark: mark, color: color, paint: "fill")) points=\"\(p)\">\(Self.tooltip(tooltip))</polygon>"
        )
    }

    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, cls: String, mark: Bool = true, color: String? = nil,
        tooltip: String? = nil
    ) {
        body.append(
            "<rect\(Self.attributes(cls, mark: mark, color: color, paint: "fill")) x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(width, 0)))\" height=\"\(Self.n(max(height, 0)))\">\(Self.tooltip(tooltip))</rect>"
        )
    }

    public mutating func circle(
        x: Double, y: Double, r: Double, cls: String, mark: Bool = true, color: String? = nil, tooltip: String? = nil
    ) {
        body.append(
            "<circle\(Self.attributes(cls, mark: mark, color: color, paint: "fill")) cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\">\(Self.tooltip(tooltip))</circle>"
        )
    }

    public enum Anchor: String, Sendable {
        case start, middle, end
    }

    /// Text at (x, y) (its baseline), escaped; `rotate` turns it about that point (−90: upwards).
    public mutating func text(
        _ s: String, x: Double, y: Double, anchor: Anchor = .start, cls: String = "label", rotate: Double = 0
    ) {
        let transform = rotate == 0 ? "" : " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\""
        body.append(
            "<text class=\"\(cls)\" x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor.rawValue)\"\(transform)>\(HTMLText.escape(s))</text>"
        )
    }
}

/// Escaping for HTML text and attribute values (and SVG inside HTML).
public enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as character references: the result is inert text in an
    /// element or a quoted attribute. Control characters other than tab and newline (which HTML
    /// does not allow as text) are shown as U+FFFD.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
