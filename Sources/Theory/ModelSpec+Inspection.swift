import InfraModel

extension ModelSpec {
    /// The share of class c's requests inspected at station s that go on past it: 1 minus the
    /// stage's block probability for the class (1 at a plain station). A fluid estimate on the
    /// mean rates: it takes the detection as on from the start (a `delay` lets the first part of
    /// a flood through, which this ignores) and every request as inspected (a stage that fails
    /// open passes its share of traffic uninspected).
    public func inspectionPassShare(_ c: RequestClass, station s: Int) -> Double {
        1 - (stations[s].inspection?.blockProbability(ofClass: c.name) ?? 0)
    }
}
