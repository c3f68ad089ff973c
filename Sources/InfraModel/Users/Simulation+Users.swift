import SimKernel

/// Closed workloads: each user thinks, sends a request, waits for its end and thinks again.
extension Simulation {
    /// Every user starts thinking at time 0 (a first think time from its distribution).
    mutating func startUsers() {
        guard Shape.hasFeatures && users.any else { return }
        for u in 0..<Int32(users.userCount) { think(u) }
    }

    /// User u thinks from now on: its next request comes after a think time, if before the horizon.
    mutating func think(_ u: Int32) {
        let gap = users.drawThink(u, replication: replication)
        let at = kernel.now + SimDuration(seconds: gap)
        if at < spec.window.horizon { kernel.schedule(.user(.thinkEnd(user: u)), at: at) }
    }

    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: UserEvent, into sink: inout Sink) {
        switch event {
        case .thinkEnd(let u):
            let serial = arrivals.nextSerial
            arrivals.nextSerial &+= 1
            note(kind: 0, index: Int32(truncatingIfNeeded: serial))
            precondition(users.waitingFor.updateValue(u, forKey: serial) == nil, "one request per serial")
            let classIndex = users.populations[Int(users.population[Int(u)])].classIndex
            beginRequest(serial: serial, classIndex: classIndex, into: &sink)
        }
    }

    /// The request `serial` has ended: the user waiting for it, if any, thinks again.
    @inline(never)
    mutating func userRequestEnded(serial: UInt64) {
        guard let u = users.waitingFor.removeValue(forKey: serial) else { return }
        think(u)
    }
}
