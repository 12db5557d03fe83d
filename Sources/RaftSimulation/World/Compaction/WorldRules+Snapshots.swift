import RaftCore

// MARK: - Taking snapshots (section 7)

extension WorldRules {
    /// Whether `id` may take a snapshot now: the spec's budget is not spent, it runs, and it has
    /// applied an entry its last snapshot does not cover (a snapshot of nothing new changes
    /// nothing but the budget) and still holds it (a mutant may truncate applied entries).
    func mayTakeSnapshot(on id: NodeID, in world: World) -> Bool {
        guard world.spent.snapshots < spec.maxSnapshots, let node = world.servers[id.index].node else { return false }
        return node.lastApplied > node.log.baseIndex && node.lastApplied <= node.log.lastIndex
    }

    /// Appends a `takeSnapshot` for every server that may take one, in server order: after every
    /// other kind, so that the actions of a spec without snapshots keep their positions.
    func enabledSnapshots(in world: World, into actions: inout [Action]) {
        for index in world.servers.indices where mayTakeSnapshot(on: NodeID(index), in: world) {
            actions.append(.takeSnapshot(NodeID(index)))
        }
    }
}

extension KeyValueStore {
    /// The store's values as a snapshot holds them: one word a key, 0 for never written, else
    /// the value plus one.
    public var snapshotState: SnapshotState {
        SnapshotState(words: (0..<Self.keyCount).map { key in values[key].map { UInt64($0) + 1 } ?? 0 })
    }

    /// The store as `state` describes it, for the values a snapshot covers.
    ///
    /// `appliedCount` is left alone: it counts entries applied since the server started, and
    /// loading a snapshot applies none.
    mutating func load(_ state: SnapshotState) {
        for key in 0..<Self.keyCount {
            let word = key < state.words.count ? state.words[key] : 0
            values[key] = word == 0 ? nil : UInt16(truncatingIfNeeded: word - 1)
        }
    }
}
