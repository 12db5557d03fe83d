import RaftCore
import RaftSimulation

/// A failing trace made small: the spec it runs in (perhaps with fewer servers), its actions,
/// and the violation it still ends with.
public struct ShrinkResult: Sendable {
    public var spec: WorldSpec
    public var actions: [Action]
    /// The violation the shrunk actions end with: the same invariant as the original's.
    public var violation: Violation
    /// `EventDigest` of the shrunk run, as its trace records it.
    public var digest: UInt64
    /// How many candidate traces were tried.
    public var candidatesTried: Int
}

/// Minimizes a failing action sequence while the same invariant still fails.
///
/// Delta debugging in the style of Zeller's ddmin and Hypothesis's shrinker: propose a smaller
/// candidate, run it, keep it when it still fails the same way. The passes are
///
/// 1. remove spans of actions, halving the span length from half the trace down to one action;
/// 2. remove a fault together with its repair (a crash and the restart after it, a partition and
///    the heal after it), which removing one action at a time cannot do;
/// 3. remove servers, renumbering the others, and drop the actions that name them: the smallest
///    cluster in which the violation survives, tried smallest first;
///
/// 4. remove every snapshot at once (section 7), which a violation that needs none loses in one
///    candidate rather than one per snapshot;
/// 5. lower the session clients' retries (`Shrinker+Clients`), so that an operation the trace
///    gives up on takes fewer timeouts;
///
/// repeated until a whole round removes nothing, or the candidate budget is spent. Fewer client
/// requests, and single snapshots a violation does not need, fall out of pass 1.
///
/// A candidate is run leniently from the initial world: an action that is no longer enabled is
/// replaced by its nearest enabled equivalent (the same kind of message between the same servers
/// in the same term; a client request carrying the command the world now expects; for session
/// clients, the client's next operation or the same kind of client message, `Shrinker+Clients`)
/// or skipped.
/// The run stops at its first violation, so a candidate can come out shorter than proposed. What
/// is kept is always the list of actions actually taken, so the result is a valid path of the
/// world that `raftlab replay` reproduces exactly.
public struct Shrinker {
    public let mutant: Mutant?
    public let target: InvariantID
    /// The most candidates to try; a fixed count, so shrinking is deterministic.
    public var maxCandidates: Int

    private(set) var candidatesTried = 0

    public init(mutant: Mutant?, target: InvariantID, maxCandidates: Int = 20_000) {
        self.mutant = mutant
        self.target = target
        self.maxCandidates = maxCandidates
    }

    /// Shrinks `actions` in `spec`; nil when running them does not fail `target`.
    public mutating func shrink(_ actions: [Action], in spec: WorldSpec) -> ShrinkResult? {
        candidatesTried = 0
        var spec = spec
        guard var current = attempt(actions, in: spec) else { return nil }
        var improved = true
        while improved && candidatesTried < maxCandidates {
            improved = false
            if removeSpans(&current, in: spec) { improved = true }
            if removeFaultsWithRepairs(&current, in: spec) { improved = true }
            if removeServer(&current, in: &spec) { improved = true }
            if removeSnapshots(&current, in: spec) { improved = true }
            if lowerRetries(&current, in: &spec) { improved = true }
        }
        let rules = WorldRules(spec: spec, mutant: mutant)
        var replay = ReplayChooser(recorded: current)
        guard let result = try? rules.run(chooser: &replay, maxSteps: current.count),
            let violation = result.violation
        else { preconditionFailure("a kept candidate no longer fails when replayed exactly") }
        return ShrinkResult(
            spec: spec, actions: current, violation: violation, digest: result.digest,
            candidatesTried: candidatesTried)
    }

    // MARK: - Passes

    private mutating func removeSpans(_ current: inout [Action], in spec: WorldSpec) -> Bool {
        var improved = false
        var span = max(current.count / 2, 1)
        while span >= 1 && candidatesTried < maxCandidates {
            var start = 0
            while start < current.count && candidatesTried < maxCandidates {
                var candidate = current
                candidate.removeSubrange(start..<min(start + span, current.count))
                if let kept = attempt(candidate, in: spec) {
                    current = kept
                    improved = true
                } else {
                    start += span
                }
            }
            span /= 2
        }
        return improved
    }

    private mutating func removeFaultsWithRepairs(_ current: inout [Action], in spec: WorldSpec) -> Bool {
        var improved = false
        var position = 0
        while position < current.count && candidatesTried < maxCandidates {
            let repair: Action?
            switch current[position] {
            case .crash(let id): repair = .restart(id)
            case .partition: repair = .heal
            default: repair = nil
            }
            if let repair, let end = current[(position + 1)...].firstIndex(of: repair) {
                var candidate = current
                candidate.remove(at: end)
                candidate.remove(at: position)
                if let kept = attempt(candidate, in: spec) {
                    current = kept
                    improved = true
                    continue
                }
            }
            position += 1
        }
        return improved
    }

    private mutating func removeSnapshots(_ current: inout [Action], in spec: WorldSpec) -> Bool {
        let candidate = current.filter { $0.kind != .takeSnapshot }
        guard candidate.count < current.count, candidatesTried < maxCandidates,
            let kept = attempt(candidate, in: spec)
        else { return false }
        current = kept
        return true
    }

    /// Tries the trace in every smaller cluster, smallest first, and keeps the first that still fails.
    ///
    /// For each size, every choice of the servers to drop is tried (the rest renumbered in order,
    /// the actions that name a dropped server left out).
    ///
    /// Going straight for the smallest cluster rather than one server a round: a 7-server trace
    /// whose bug needs 3 servers would otherwise spend four rounds of the other passes at sizes
    /// it does not need. At most 2^servers - 2 candidates a round.
    private mutating func removeServer(_ current: inout [Action], in spec: inout WorldSpec) -> Bool {
        let servers = spec.servers
        guard servers > 1 else { return false }
        for kept in 1..<servers {
            for dropped in Self.subsets(of: servers, size: servers - kept) where candidatesTried < maxCandidates {
                var candidate = current
                var smaller = spec
                // Highest index first, so that the indices still to drop keep their meaning.
                for index in dropped.reversed() {
                    let renaming = ServerRenaming.removing(NodeID(index), serverCount: smaller.servers)
                    candidate = candidate.compactMap { $0.renamed(by: renaming) }
                    smaller.servers -= 1
                    // The initial voters are the first slots: dropping one of them leaves one fewer.
                    if let members = smaller.initialMembers, index < members {
                        smaller.initialMembers = max(members - 1, 1)
                    }
                }
                if let kept = attempt(candidate, in: smaller) {
                    current = kept
                    spec = smaller
                    return true
                }
            }
        }
        return false
    }

    /// Every set of `size` indices below `count`, each in increasing order, the sets in
    /// lexicographic order (those that keep the low-numbered servers come last).
    static func subsets(of count: Int, size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard size <= count else { return [] }
        var result: [[Int]] = []
        var chosen: [Int] = []
        func extend(from start: Int) {
            if chosen.count == size {
                result.append(chosen)
                return
            }
            for index in start..<count where count - index >= size - chosen.count {
                chosen.append(index)
                extend(from: index + 1)
                chosen.removeLast()
            }
        }
        extend(from: 0)
        return result
    }

    // MARK: - Running a candidate

    /// Runs `candidate` leniently; returns the actions taken when the first violation is of the
    /// target invariant.
    mutating func attempt(_ candidate: [Action], in spec: WorldSpec) -> [Action]? {
        candidatesTried += 1
        let rules = WorldRules(spec: spec, mutant: mutant)
        var world = rules.initialWorld
        var checker = IncrementalInvariants()
        var taken: [Action] = []
        taken.reserveCapacity(candidate.count)
        for proposed in candidate {
            guard let action = Self.nearestEnabled(proposed, in: world, rules) else { continue }
            let before = action.steppingServer.flatMap { world.servers[$0.index].node }
            let preVoteGrantsBefore = Invariants.preVoteGrants(before: action, in: world)
            rules.apply(action, to: &world)
            taken.append(action)
            if checker.violated(after: action, before: before, preVoteGrantsBefore: preVoteGrantsBefore, in: world) {
                // Name the violation exactly as replay will (the incremental check only says one
                // failed), and keep the candidate only if it is the same invariant.
                var replay = ReplayChooser(recorded: taken)
                let result = try? rules.run(chooser: &replay, maxSteps: taken.count)
                return result?.violation?.invariant == target ? taken : nil
            }
        }
        return nil
    }

    /// `action` if the world enables it, else the closest enabled stand-in, else nil.
    static func nearestEnabled(_ action: Action, in world: World, _ rules: WorldRules) -> Action? {
        if rules.isEnabled(action, in: world) { return action }
        switch action {
        case .deliver(let wanted), .drop(let wanted), .duplicate(let wanted):
            for envelope in world.network
            where envelope.from == wanted.from && envelope.to == wanted.to
                && envelope.message.rpc == wanted.message.rpc && envelope.message.term == wanted.message.term
            {
                let standIn: Action
                switch action {
                case .deliver: standIn = .deliver(envelope)
                case .drop: standIn = .drop(envelope)
                default: standIn = .duplicate(envelope)
                }
                if rules.isEnabled(standIn, in: world) { return standIn }
            }
            return nil
        case .clientRequest(let id, _):
            let standIn = Action.clientRequest(id, rules.nextCommand(in: world))
            return rules.isEnabled(standIn, in: world) ? standIn : nil
        case .client(let clientAction):
            return nearestEnabled(clientAction, in: world, rules)
        default:
            return nil
        }
    }
}

extension Message {
    /// The RPC messages, without their fields.
    enum RPC {
        case requestVote, requestVoteResponse, preVote, preVoteResponse, appendEntries, appendEntriesResponse
        case installSnapshot
    }

    /// Which of the RPC messages this is.
    var rpc: RPC {
        switch self {
        case .requestVote: .requestVote
        case .requestVoteResponse: .requestVoteResponse
        case .preVote: .preVote
        case .preVoteResponse: .preVoteResponse
        case .appendEntries: .appendEntries
        case .appendEntriesResponse: .appendEntriesResponse
        case .installSnapshot: .installSnapshot
        }
    }
}

extension Shrinker {
    /// The first violation running `actions` leniently meets (as `shrink` runs candidates), named
    /// as `raftlab replay` names it; nil when none fails.
    public static func firstViolation(of actions: [Action], in spec: WorldSpec, mutant: Mutant?) -> Violation? {
        let rules = WorldRules(spec: spec, mutant: mutant)
        var world = rules.initialWorld
        var taken: [Action] = []
        for proposed in actions {
            guard let action = nearestEnabled(proposed, in: world, rules) else { continue }
            let previous = world
            rules.apply(action, to: &world)
            taken.append(action)
            if let violation = Invariants.check(after: world, previous: previous, action: action, step: taken.count) {
                return violation
            }
        }
        return nil
    }
}
