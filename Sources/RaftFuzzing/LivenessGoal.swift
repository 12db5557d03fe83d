import RaftCore
import RaftSimulation

/// The goal of a fuzz run's liveness phase, judged on one world: the one definition that the
/// fuzzer's `LivenessJudge` and the replay of a liveness trace share, so that a saved liveness
/// failure is reproduced by the same words that reported it.
///
/// The goal: one leader, of the highest term, followed by every running member of its latest
/// configuration in its term (`stableLeader`); a
/// probe command of that leader's term acknowledged (this Raft commits nothing of earlier terms
/// until an entry of the leader's own term commits, section 5.4.2, so the probe is what carries
/// them); and every acknowledged command applied on every member. Whether the goal is met depends
/// only on the world and on which command was the probe, so a replay that reaches the same world
/// with the same probe reaches the same judgement.
public enum LivenessGoal {
    /// The probe command the judge had sent, and the term of the leader that took it.
    public struct Probe: Hashable, Sendable {
        public var command: Command
        public var term: Term

        public init(command: Command, term: Term) {
            self.command = command
            self.term = term
        }
    }

    /// What the goal depends on besides the servers: the probe, whether it was acknowledged, and
    /// how far acknowledged commands reach.
    ///
    /// The fuzzer's judge keeps it up to date one acknowledgement at a time; a replay reads it
    /// from the world at the end (`init(reading:probe:)`). Commands are never reused, so both
    /// ways agree.
    struct Evidence {
        private(set) var probe: Probe? = nil
        private(set) var probeAcknowledged = false
        /// The highest log index of an acknowledged command: every server must apply up to it.
        private(set) var highestAcknowledgedIndex = 0

        init() {}

        /// The evidence in `world`'s acknowledgements, `probe` being the probe.
        init(reading world: World, probe: Probe?) {
            self.probe = probe
            for acknowledgement in world.ghost.acknowledged { read(acknowledgement) }
        }

        /// One more acknowledgement, in the order the world made them.
        mutating func read(_ acknowledgement: World.Acknowledgement) {
            highestAcknowledgedIndex = max(highestAcknowledgedIndex, acknowledgement.index)
            if acknowledgement.command == probe?.command { probeAcknowledged = true }
        }

        /// A new probe, not yet acknowledged.
        mutating func probeSent(_ probe: Probe) {
            self.probe = probe
            probeAcknowledged = false
        }
    }

    /// What the goal still lacks in `world`, in the words of a liveness failure; nil when the goal
    /// is met, or when the spec's `maxTerm`, not Raft, stopped the elections a leader needed
    /// (then the fuzzer does not judge the run).
    ///
    /// - Parameter stepLimitReached: the run ended at its step limit rather than its budget;
    ///   `maxTerm` does not excuse that, and the words say so.
    public static func shortfall(
        in world: World, spec: WorldSpec, probe: Probe?, stepLimitReached: Bool
    ) -> String? {
        let evidence = Evidence(reading: world, probe: probe)
        if let leader = stableLeader(in: world), isMet(in: world, spec: spec, leader: leader, evidence: evidence) {
            return nil
        }
        if !stepLimitReached && electionsSpent(in: world, spec: spec) { return nil }
        return missing(in: world, evidence: evidence, stepLimitReached: stepLimitReached)
    }

    /// Whether the goal is met in `world`, whose stable leader is `leader`.
    ///
    /// Without a probe of the leader's term the goal can be met only when no probe can be sent
    /// (the spec's client requests are spent, or the network is full).
    static func isMet(in world: World, spec: WorldSpec, leader: RaftNode, evidence: Evidence) -> Bool {
        if evidence.probe?.term == leader.currentTerm {
            guard evidence.probeAcknowledged else { return false }
        } else if probeCanBeSent(in: world, spec: spec) {
            return false
        }
        // Running members only: the liveness phase may keep a minority down, and a server outside
        // the leader's configuration receives nothing more.
        let members = leader.configuration.members
        return world.servers.allSatisfy {
            $0.node.map { !members.contains($0.id) || $0.lastApplied >= evidence.highestAcknowledgedIndex } ?? true
        }
    }

    /// Whether a client request can be sent now: the spec has requests left and the network room.
    static func probeCanBeSent(in world: World, spec: WorldSpec) -> Bool {
        world.spent.clientRequests < spec.maxClientRequests && world.network.count < spec.maxInFlight
    }

    /// Whether a running non-leader has reached `maxTerm`, so that no election timer fires there.
    static func electionsSpent(in world: World, spec: WorldSpec) -> Bool {
        world.servers.contains {
            guard let node = $0.node else { return false }
            return !node.isLeader && node.currentTerm >= spec.maxTerm
        }
    }

    /// What was missing in `world`, in words: no stable leader (with every server's role and
    /// term), an unacknowledged probe, or a server that applied less than was acknowledged.
    static func missing(in world: World, evidence: Evidence, stepLimitReached: Bool) -> String {
        let detail: String
        if let leader = stableLeader(in: world) {
            let members = leader.configuration.members
            let lagging = world.servers.compactMap { $0.node }.filter {
                members.contains($0.id) && $0.lastApplied < evidence.highestAcknowledgedIndex
            }
            if !evidence.probeAcknowledged, let probe = evidence.probe {
                detail =
                    "leader \(leader.id) of term \(leader.currentTerm) is stable but the probe command "
                    + "\(probe.command) was not acknowledged"
            } else if let server = lagging.first {
                detail =
                    "\(server.id) applied up to index \(server.lastApplied), but commands were acknowledged "
                    + "up to index \(evidence.highestAcknowledgedIndex)"
            } else {
                detail =
                    "leader \(leader.id) of term \(leader.currentTerm) is stable but no probe command could be sent"
            }
        } else {
            let roles = world.servers.compactMap { $0.node }.map {
                "\($0.id) \($0.role.kind.rawValue) term \($0.currentTerm)"
            }
            detail = "no leader followed by every server (\(roles.joined(separator: ", ")))"
        }
        return detail + (stepLimitReached ? " [run step limit reached]" : "")
    }

    /// The leader every running member of its configuration follows in its term, if there is one.
    ///
    /// Members are the voters and learners of the leader's latest configuration (the thesis,
    /// section 4.1): a server outside it, a spare slot never added or a server removed, is no
    /// longer the cluster's, and may never hear of its removal (section 4.2.3). A leader that
    /// removed itself still leads until the change commits (section 4.2.2), and the probe it is
    /// sent is what carries that change to the new voters.
    public static func stableLeader(in world: World) -> RaftNode? {
        guard let leader = world.currentLeaders.max(by: { $0.currentTerm < $1.currentTerm }) else { return nil }
        let members = leader.configuration.members
        for server in world.servers {
            // A server kept down has no say; every running member must follow the leader.
            guard let node = server.node, members.contains(node.id) else { continue }
            guard node.currentTerm == leader.currentTerm else { return nil }
            if node.id != leader.id && node.role != .follower(leader: leader.id) { return nil }
        }
        return leader
    }

    /// Follows a re-executed run to find the probe its liveness phase sent: the last client
    /// request after `phaseStartStep` that a leader accepted, with that leader's term.
    ///
    /// The fuzzer sends no other client request in the liveness phase (its workload stops), so
    /// every request there is a probe, and the last one accepted is the probe the judge last
    /// waited for.
    public struct ProbeWatch: Sendable {
        public let phaseStartStep: Int
        /// The probe found so far.
        public private(set) var probe: Probe? = nil
        private var steps = 0
        private var clientRequestsAccepted = 0

        public init(phaseStartStep: Int) {
            self.phaseStartStep = phaseStartStep
        }

        /// The next step of the run: its action and the world after it.
        public mutating func record(_ action: Action, _ world: World) {
            steps += 1
            let accepted = world.spent.clientRequests > clientRequestsAccepted
            clientRequestsAccepted = world.spent.clientRequests
            guard steps > phaseStartStep, accepted, case .clientRequest(let server, let command) = action,
                let leader = world.servers[server.index].node
            else { return }
            probe = Probe(command: command, term: leader.currentTerm)
        }
    }
}
