import RaftCore
import RaftSimulation

/// When a fuzz run's servers snapshot their applied prefix (section 7), and which server, drawn
/// from the run's snapshot stream alone.
///
/// Swarmed like the faults: with the spec's `maxSnapshots` above 0, about half the runs take
/// snapshots, at a rate drawn per run, so that some runs compact often (every lagging follower
/// then needs InstallSnapshot) and others not at all. With `maxSnapshots` at 0 nothing is drawn
/// and no snapshot is ever due, so such a run is the one its seed gave before compaction existed.
struct SnapshotSchedule {
    /// The tick the next snapshot is due; `Int.max` when none will be.
    private(set) var nextSnapshotTick = Int.max
    private var prng: PRNG
    private let snapshotsPerTick: Ratio?

    /// The rates a run may draw, per tick: from a few in a run to one every few heartbeats.
    static let rates = [Ratio(1, 1_000), Ratio(1, 300), Ratio(1, 100)]

    init(spec: WorldSpec, prng: PRNG) {
        self.prng = prng
        guard spec.maxSnapshots > 0 else {
            snapshotsPerTick = nil
            return
        }
        let on = self.prng.chance(Ratio(1, 2))
        let rate = Self.rates[Int(self.prng.uniform(below: UInt64(Self.rates.count)))]
        snapshotsPerTick = on ? rate : nil
        nextSnapshotTick = nextArrival(after: 0)
    }

    /// The run's snapshot rate, nil when it takes none.
    var rate: Ratio? { snapshotsPerTick }

    /// A snapshot is due: the action that takes it, if any.
    ///
    /// It goes to a running server (the leader half the time) that has applied entries since its
    /// last snapshot; nil when there is none, or when the spec's budget is spent (then none is
    /// due again). The next one is drawn first.
    mutating func snapshotDue(now: Int, in world: World, rules: WorldRules) -> Action? {
        nextSnapshotTick = nextArrival(after: now)
        guard world.spent.snapshots < rules.spec.maxSnapshots else {
            nextSnapshotTick = .max
            return nil
        }
        let preferLeader = prng.chance(Ratio(1, 2))
        guard let server = world.pickRunningServer(preferLeader: preferLeader, drawingFrom: &prng) else { return nil }
        let action = Action.takeSnapshot(server)
        return rules.isEnabled(action, in: world) ? action : nil
    }

    private mutating func nextArrival(after now: Int) -> Int {
        snapshotsPerTick.map { now + prng.ticksUntilArrival(rate: $0) } ?? .max
    }
}
