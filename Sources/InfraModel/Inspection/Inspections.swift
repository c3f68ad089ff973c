import SimKernel
import SimRandom

/// The run-time state of every inspection stage: per station its entry (−1 for a station that
/// is not a stage), and per stage and class the detection and when the stage first inspected a
/// request of the class.
///
/// Invariant: `index[s] ≥ 0` exactly for the stations with an `InspectionSpec`; each entry's
/// arrays have one element per class.
struct Inspections {
    struct Entry {
        let station: Int
        let onFailure: InspectionSpec.OnFailure
        /// Seated per request visit: a block draw leaves every other draw of the run as it was.
        let stream: RandomStream
        /// Per class: the share blocked once detected (0: never), and the detection delay (ns).
        let probability: [Double]
        let delay: [Int64]
        /// Per class: when the stage first inspected a request of the class (ns), −1 before.
        var firstSeen: [Int64]
    }

    let index: [Int32]
    var entries: [Entry]
    /// Some station is an inspection stage (checked on the hot path before anything else).
    let any: Bool

    init(spec: ModelSpec, streams store: StreamStore) {
        var index: [Int32] = []
        var entries: [Entry] = []
        for (s, st) in spec.stations.enumerated() {
            guard let inspection = st.inspection else {
                index.append(-1)
                continue
            }
            index.append(Int32(entries.count))
            let detections = spec.classes.map { c in inspection.detections.first { $0.className == c.name } }
            entries.append(
                Entry(
                    station: s, onFailure: inspection.onFailure,
                    stream: store.stream(path: "components." + st.name, purpose: .inspection),
                    probability: detections.map { $0?.probability ?? 0 },
                    delay: detections.map { $0?.delay.nanoseconds ?? 0 },
                    firstSeen: Array(repeating: -1, count: spec.classes.count)))
        }
        self.index = index
        self.entries = entries
        any = !entries.isEmpty
    }
}
