import SimKernel

/// Outage episodes: a station is out while fewer than its required instances are up, the
/// service while some station is out. Counted when they begin, reported (`OutageRecord`) when
/// they end, from the two places an instance goes down or comes back (`setDown`, `setUp`).
extension Simulation {
    /// Station s's instances up just fell by one, at `now`: an episode begins if it fell below
    /// the required count.
    mutating func noteInstanceDown(station s: Int, at now: SimTime) {
        guard stations[s].upLevel == stations[s].required - 1 else { return }
        beginOutage(station: s, at: now)
    }

    /// Station s's instances up just rose by one, at `now`: its episode ends if it reached the
    /// required count again. An episode that ends at the instant it began (an active/passive
    /// pair switching in no time) was no time out: it is taken back, neither counted nor reported.
    mutating func noteInstanceUp<Sink: RecordSink & ~Copyable>(station s: Int, at now: SimTime, into sink: inout Sink) {
        guard stations[s].upLevel == stations[s].required else { return }
        let warmup = spec.window.warmup
        let began = stations[s].outageBegan
        if began == now {
            stations[s].outageCount &-= 1
        } else {
            sink.outageEnded(OutageRecord(station: Int32(s), began: began, ended: now, measured: began >= warmup))
        }
        outages.service.accumulate(to: now)
        outages.service.stationsDown -= 1
        assert(outages.service.stationsDown >= 0, "the service's count of stations out never goes negative")
        if outages.service.stationsDown == 0 {
            let serviceBegan = outages.service.outageBegan
            if serviceBegan == now {
                outages.service.outageCount &-= 1
            } else {
                sink.outageEnded(
                    OutageRecord(station: -1, began: serviceBegan, ended: now, measured: serviceBegan >= warmup))
            }
        }
    }

    /// After the set-up, before the first event: a station already out at time 0 (instances
    /// down from the start) is in an episode begun at 0.
    mutating func startOutageEpisodes() {
        for s in 0..<stationCount where stations[s].upLevel < stations[s].required {
            beginOutage(station: s, at: .zero)
        }
    }

    private mutating func beginOutage(station s: Int, at now: SimTime) {
        stations[s].outageCount &+= 1
        stations[s].outageBegan = now
        outages.service.accumulate(to: now)
        outages.service.stationsDown += 1
        if outages.service.stationsDown == 1 {
            outages.service.outageCount &+= 1
            outages.service.outageBegan = now
        }
    }
}
