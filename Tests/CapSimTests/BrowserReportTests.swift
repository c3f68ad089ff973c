import CapSimTestSupport
import Foundation
import Testing

/// The HTML report as a user sees it: rendered by headless Chromium (Debian's `chromium`, which
/// `.ci/run` installs). Without Chromium the tests are skipped on a developer's machine, but
/// with `CI=true` they run and fail, so CI cannot pass by not having a browser.
@Suite("HTML report in a browser")
struct BrowserReportTests {
    /// Chromium's executable on the PATH, if any.
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Runs Chromium headless with its own profile folder (tests run in parallel) and no network
    /// (every host name fails to resolve: a fetch would fail even without the page's policy).
    static func browse(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let chromium = try #require(chromium, "CI=true, but chromium is not installed: .ci/run installs it")
        let profile = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: profile) }
        return try runProcess(
            "/usr/bin/timeout",
            [
                "120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=\(profile.path)", "--host-resolver-rules=MAP * ~NOTFOUND", "--no-first-run",
            ] + arguments)
    }

    /// The width and height in a PNG's IHDR chunk (bytes 16–23, big-endian), after checking the
    /// signature: enough decoding to know the file is the screenshot asked for.
    static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            return nil
        }
        func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    @Test(
        "a report renders: not blank, every chart with its marks in the DOM, names shown as text, no script, nothing fetched",
        .enabled(
            if: chromium != nil || inCI, "chromium is not installed (apt-get install chromium); CI=true runs this test")
    )
    func rendersInChromium() throws {
        let dir = temporaryDirectory()
        let html = dir.appendingPathComponent("report.html")
        let r = capsim(
            [
                "run", try HTMLReportTests.hostileScenario(), "-q", "--html", html.path, "--sweep",
                "components.server.workers=1,2",
            ])
        #expect(r.status == 0, "\(r.err)")
        let source = try String(contentsOf: html, encoding: .utf8)
        try HTMLReportTests.expectSelfContained(source)

        // The DOM after parsing: what the browser built, not what capsim wrote.
        let dom = try Self.browse(["--dump-dom", html.absoluteString])
        #expect(dom.status == 0, "\(dom.err)")
        let page = dom.out
        #expect(page.contains("<h1>capsim report — &lt;script&gt;alert(1)&lt;/script&gt;</h1>"), "\(page.prefix(2000))")
        #expect(!page.lowercased().contains("<script"))
        #expect(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""))
        let charts = page.components(separatedBy: "<svg class=\"chart").dropFirst()
        let drawn = source.components(separatedBy: "<svg class=\"chart").count - 1
        #expect(charts.count == drawn && drawn >= 5, "charts in the DOM: \(charts.count), in the file: \(drawn)")
        for chart in charts {
            let svg = chart.components(separatedBy: "</svg>")[0]
            #expect(svg.contains("class=\"mark "), "a chart without marks in the DOM: \(svg.prefix(300))")
        }

        // The screenshot: the size asked for, and far more detail than a blank page of that size
        // (PNG compresses a blank page to a few kilobytes; a page of charts and tables to tens).
        let shot = dir.appendingPathComponent("report.png")
        let blankShot = dir.appendingPathComponent("blank.png")
        let blank = dir.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)
        for (page, png) in [(html, shot), (blank, blankShot)] {
            let s = try Self.browse(["--screenshot=\(png.path)", "--window-size=1000,1400", page.absoluteString])
            #expect(s.status == 0, "\(s.err)")
        }
        let image = try Data(contentsOf: shot)
        let empty = try Data(contentsOf: blankShot)
        let size = try #require(Self.pngSize(image), "the screenshot is not a PNG")
        #expect(size.width == 1000 && size.height == 1400)
        #expect(image.count > 8 * empty.count, "report \(image.count) bytes, blank page \(empty.count) bytes")
    }
}
