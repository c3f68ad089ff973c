import Synchronization

/// A one-line progress bar on standard error, drawn only when it is a terminal (so logs and CI
/// output stay clean).
final class ProgressBar: Sendable {
    let total: Int
    let label: String
    let console: Console
    let drawn = Mutex(false)

    init(total: Int, label: String, console: Console) {
        self.total = total
        self.label = label
        self.console = console
    }

    @Sendable func update(_ done: Int) {
        guard console.isTerminal else { return }
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        drawn.withLock { drawn in
            console.err("\r\(label) [\(bar)] \(done)/\(total) replications")
            drawn = true
        }
    }

    func finish() {
        drawn.withLock { drawn in
            if drawn { console.err("\r\u{1B}[K") }
        }
    }
}
