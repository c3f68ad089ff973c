import Dispatch
import InfraModel
import Reporting
import Synchronization

/// A one-line progress display on standard error, drawn only when it and standard output are
/// terminals (so logs, pipes and CI output stay clean) and the command is not quiet:
/// replications finished, events per second and an estimate of the time left. It is redrawn
/// four times a second from `RunProgress`, which the replications update every
/// `Simulation.stopCheckInterval` events, so a long replication shows it moving.
final class ProgressBar: Sendable {
    let total: Int
    let label: String
    let console: Console
    let watched: RunProgress
    /// Horizon + drain of one replication, in nanoseconds: the simulated time a replication covers.
    let perReplication: Int64
    private let state = Mutex<(done: Int, drawn: Bool, timer: DispatchSourceTimer?)>((0, false, nil))
    private let start = DispatchTime.now()

    init(total: Int, label: String, console: Console, watching progress: RunProgress, perReplication: Int64, show: Bool)
    {
        self.total = total
        self.label = label
        self.console = console
        self.watched = progress
        self.perReplication = perReplication
        guard show, console.isTerminal else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.draw() }
        state.withLock { $0.timer = timer }
        timer.resume()
    }

    /// A replication finished: `done` of `total`.
    @Sendable func update(_ done: Int) {
        state.withLock { $0.done = done }
        draw()
    }

    func draw() {
        guard console.isTerminal else { return }
        state.withLock { s in
            guard s.timer != nil else { return }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let planned = Double(perReplication) * Double(total)
            let fraction = planned > 0 ? min(1, Double(watched.simulatedNanoseconds) / planned) : 0
            console.err(
                "\r"
                    + Self.line(
                        label: label, done: s.done, total: total, fraction: fraction,
                        eventsPerSecond: elapsed > 0 ? Double(watched.events) / elapsed : 0, elapsed: elapsed)
                    + "\u{1B}[K")
            s.drawn = true
        }
    }

    /// `mm1 [#########                     ] 3/10 replications · 2.4 M events/s · 12 s left`. The
    /// time left assumes the rest goes at the pace so far; it is left out until 1 % is done.
    static func line(
        label: String, done: Int, total: Int, fraction: Double, eventsPerSecond: Double, elapsed: Double
    ) -> String {
        let width = 30
        let filled = max(0, min(width, Int((fraction * Double(width)).rounded(.down))))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        var text = "\(label) [\(bar)] \(done)/\(total) replications"
        if eventsPerSecond > 0 { text += " · " + rate(eventsPerSecond) + " events/s" }
        if fraction >= 0.01, fraction < 1 { text += " · " + duration(elapsed * (1 - fraction) / fraction) + " left" }
        return text
    }

    static func rate(_ x: Double) -> String {
        x >= 1e6
            ? TableReport.fixed(x / 1e6, 1) + " M"
            : x >= 1e3 ? TableReport.fixed(x / 1e3, 1) + " k" : TableReport.fixed(x, 0)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }

    func finish() {
        state.withLock { s in
            s.timer?.cancel()
            s.timer = nil
            if s.drawn { console.err("\r\u{1B}[K") }
        }
    }
}
