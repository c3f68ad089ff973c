import SimKernel
import SimRandom

/// Where a deploy is. Transitions (asserted in `DeployState.enter`):
/// - rolling: scheduled → promoting → promoted;
/// - canary: scheduled → startingCanary → baking → promoting → promoted, or
///   baking → rollingBack → rolledBack (promoted directly when the canary is the whole pool);
/// - blue-green: scheduled → provisioning → baking → promoted or rolledBack.
enum DeployPhase: Equatable {
    case scheduled
    /// The canaries drain and restart on the new version.
    case startingCanary
    /// Blue-green: the second fleet is provisioned (billed), the old version serves.
    case provisioning
    /// The new version serves and is watched.
    case baking
    /// Canary passed: the rest of the pool rolls over to the new version, batch by batch.
    case promoting
    /// Canary failed: the canaries restart on the old version.
    case rollingBack
    case promoted
    case rolledBack

    func canEnter(_ next: DeployPhase) -> Bool {
        switch (self, next) {
        case (.scheduled, .startingCanary), (.scheduled, .provisioning), (.scheduled, .promoting): true
        case (.startingCanary, .baking), (.provisioning, .baking): true
        case (.baking, .promoting), (.baking, .rollingBack), (.baking, .promoted), (.baking, .rolledBack): true
        case (.promoting, .promoted), (.rollingBack, .rolledBack): true
        default: false
        }
    }
}

/// One deploy's run-time state: its phase, the instances of the step under way, what the new
/// version has answered so far (the analysis's evidence), and for blue-green the extra fleet's
/// billed time.
struct DeployState {
    let spec: DeploySpec
    /// The pool's instances (global indices first ..< first + count).
    let first: Int
    let count: Int
    /// Error draws of the new version, seated per request.
    let stream: RandomStream
    private(set) var phase = DeployPhase.scheduled
    /// The step under way (global instance indices), how many of its first instances are out of
    /// the rotation (the rest, surged, serve until the step's end), where the next step looks
    /// from (the instance after the last this one looked at), and whether it installs the new
    /// version.
    var step: [Int] = []
    var stepOut = 0
    var stepCursor = 0
    var stepInstallsNew = true
    var stepProgress = StepProgress.underWay
    /// Its pods beside the pool's on a cluster (indices in `ClusterState.extraPods`): the
    /// second fleet of a blue-green deploy, or the surge of a rollout; empty for a pool of VMs.
    var pods: Range<Int> = 0..<0
    /// The version each of the pool's instances ran before this deploy installed its own
    /// (indexed by instance − `first`; −1: the pool's own), which a rollback installs again.
    /// Deploys of one pool never overlap, so this is the version the deploy replaced.
    var replaced: [Int32]
    /// Responses the new version gave, those that were errors, and those (not errors) slower
    /// than the analysis's latency threshold: cumulative from the deploy's start.
    var responses: UInt64 = 0
    var errors: UInt64 = 0
    var slow: UInt64 = 0
    /// The latency threshold in ns (Int64.max: none).
    let slowAbove: Int64
    /// Blue-green: ∫ extra instances held dt (ns), brought up to `heldSince`, and the extra
    /// instances held now (the pool's size while provisioning and baking, else 0).
    var extraHeldIntegral = 0.0
    var heldSince = SimTime.zero
    var extraHeld = 0

    init(spec: DeploySpec, first: Int, count: Int, stream: RandomStream) {
        self.spec = spec
        self.first = first
        self.count = count
        self.stream = stream
        replaced = Array(repeating: -1, count: count)
        slowAbove = spec.analysis?.latency?.threshold.nanoseconds ?? .max
    }

    mutating func enter(_ next: DeployPhase) {
        assert(phase.canEnter(next), "a deploy does not go from \(phase) to \(next)")
        phase = next
    }

    /// Brings the extra fleet's integral up to `now`, then holds `extra` instances.
    mutating func hold(_ extra: Int, at now: SimTime) {
        extraHeldIntegral += Double(extraHeld) * Double(now.nanoseconds &- heldSince.nanoseconds)
        heldSince = now
        extraHeld = extra
    }

    /// ∫ extra instances held dt (ns) up to `now`.
    func extraHeldIntegral(at now: SimTime) -> Double {
        extraHeldIntegral + Double(extraHeld) * Double(now.nanoseconds &- heldSince.nanoseconds)
    }

    /// 1 rolled back, 0 promoted, −1 not decided yet.
    var outcome: Int8 {
        switch phase {
        case .rolledBack, .rollingBack: 1
        case .promoted, .promoting: 0
        default: -1
        }
    }
}

/// Where a deploy's step under way is: its instances draining or restarting, or restarted and
/// waiting for the deploy's pods to run (a surge on a cluster: the replacements must run before
/// the step ends).
enum StepProgress: Equatable {
    case underWay
    case waitingForPods
}

/// The deploys of a replication (`ModelSpec.deploys`, in order).
struct Deploys {
    var entries: ContiguousArray<DeployState> = []
    var any: Bool { !entries.isEmpty }
}
