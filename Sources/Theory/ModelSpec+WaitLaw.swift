import InfraModel

extension ModelSpec {
    /// Per station, in station order: the law of a visit's wait (`OfferedLoad.waitLaw`) where
    /// it is exact for this model, else nil.
    ///
    /// - An unlimited queue (M/M/c): exact where its mean wait is (`isJacksonNetwork`, or
    ///   `isExactUnlimitedQueue`): Poisson arrivals reach each instance untouched. In a Jackson
    ///   network an arrival finds the station as a random observer would (the arrival theorem
    ///   of open networks), so each station's wait has its M/M/c law, revisits included.
    /// - GI/M/c (`OfferedLoad.renewalQueue`): exact wherever `validate` gives it.
    /// - A bounded queue (M/M/c/K): exact where `isExactFiniteQueue` says so.
    ///
    /// A closed workload's users do not arrive as a Poisson stream: nil throughout.
    public func exactWaitLaws() -> [WaitLaw?] {
        exactWaitLaws(offeredLoad())
    }

    /// `exactWaitLaws()` from the model's `offeredLoad()`, already computed.
    public func exactWaitLaws(_ loads: [OfferedLoad]) -> [WaitLaw?] {
        guard !hasClosedWorkload else { return loads.map { _ in nil } }
        let jackson = isJacksonNetwork
        return loads.enumerated().map { s, load in
            guard let law = load.waitLaw else { return nil }
            if load.renewalQueue != nil { return law }
            if stations[s].queueCapacity != nil { return isExactFiniteQueue(station: s) ? law : nil }
            return jackson || isExactUnlimitedQueue(station: s) ? law : nil
        }
    }
}
