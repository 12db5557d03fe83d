import RaftCore
import RaftSimulation

/// A violation said the way a person explains it: which servers, which index and entries, which
/// terms, and the rule that was broken.
///
/// The sentence is built from the violation's structured fields and the worlds around the
/// violating step, not copied from the `detail` the checker wrote, so that every renderer phrases
/// every invariant the same way even for traces written by older versions. When the worlds do not
/// hold what the fields point at (a hand-edited trace), the recorded `detail` is used instead.
public enum ViolationWords {
    /// The violation in one sentence.
    ///
    /// For example "s1 and s3 both led term 3" or "index 2 committed as 3:x=1 on s1 but applied as
    /// 4:y=2 on s2".
    ///
    /// - Parameters:
    ///   - before: the world before the violating step (nil for step 0).
    ///   - after: the world after it.
    public static func sentence(_ violation: Violation, before: World?, after: World) -> String {
        sentenceFromFields(violation, before: before, after: after) ?? violation.detail
    }

    /// The sentence for the timeline's violation, read against the timeline's worlds.
    public static func sentence(_ violation: Violation, in timeline: Timeline) -> String {
        guard let after = timeline.world(after: violation.step) else { return violation.detail }
        let before = violation.step == 0 ? nil : timeline.world(after: violation.step - 1)
        return sentence(violation, before: before, after: after)
    }

    /// The rule the invariant states and why breaking it matters, in one sentence.
    public static func rule(_ invariant: InvariantID) -> String {
        switch invariant {
        case .electionSafety:
            "At most one leader may be elected in a term (Raft paper, Figure 3): two leaders of one term "
                + "can each commit a different entry at the same index."
        case .leaderAppendOnly:
            "A leader never overwrites or deletes entries in its own log, it only appends (Figure 3)."
        case .logMatching:
            "Two logs with an entry of the same index and term must agree on every entry up to it "
                + "(Figure 3); the AppendEntries consistency check is what keeps this true."
        case .leaderCompleteness:
            "An entry committed in a term must be in the log of every leader of a later term (Figure 3); "
                + "a leader without it can overwrite a committed entry."
        case .stateMachineSafety:
            "Once any server applies an entry at an index, no server may apply a different entry at that "
                + "index (Figure 3): clients would see two different histories."
        case .monotonicTerm:
            "A server's current term never decreases, across restarts too: it is persisted before it is used."
        case .monotonicCommit:
            "A running server's commit index never decreases: what it told others is committed stays committed."
        case .preVoteRestraint:
            "A pre-vote changes no term or vote, and only a server that has not heard from a leader within an "
                + "election timeout, and whose log is no more up to date, grants it (thesis section 9.6): otherwise "
                + "a returning server can unseat a healthy leader."
        case .checkQuorum:
            "With CheckQuorum, a leader that heard from less than a majority within an election timeout steps "
                + "down (thesis section 6.2): otherwise it keeps clients waiting on a leadership that cannot commit."
        case .oneUncommittedConfiguration:
            "A leader appends a configuration only once the previous one is committed (thesis section 4.1): two "
                + "changes in flight can leave an old and a new majority with no server in common."
        case .singleServerChange:
            "Each configuration differs from the one before it by at most one voter (thesis section 4.1): "
                + "otherwise a majority of the old voters and a majority of the new need not overlap."
        case .snapshotCommitted:
            "A snapshot may cover only committed entries, and must hold the state machine's state after exactly "
                + "them (section 7): a snapshot of uncommitted entries makes them permanent on that server."
        case .snapshotKeepsTerm:
            "Loading a snapshot, from a leader or from disk on restart, never lowers a server's current term "
                + "(section 7): a lower term would let it vote again in a term it already voted in."
        case .exactlyOnce:
            "A client operation takes effect at most once, however often it is retried, and a client never gets "
                + "two different answers to one request (thesis section 6.3): the session table remembers each answer."
        case .linearizability:
            "Every client operation must appear to take effect at one instant between its invocation and its "
                + "reply (thesis section 6): the cluster must look like one reliable state machine."
        }
    }

    private static func sentenceFromFields(_ violation: Violation, before: World?, after: World) -> String? {
        let servers = violation.servers
        guard servers.allSatisfy({ $0.index < after.servers.count }) else { return nil }
        // The sentences below read logs from index 1; a compacted log's detail already says it.
        let compacted = { (world: World) in world.servers.indices.contains { world.log(of: $0).baseIndex > 0 } }
        if compacted(after) || before.map(compacted) == true { return nil }
        switch violation.invariant {
        case .electionSafety:
            guard let term = violation.terms.first, servers.count >= 2 else { return nil }
            let names = servers.map(\.description)
            let both = names.count == 2 ? "both" : "all"
            return "\(names.dropLast().joined(separator: ", ")) and \(names.last!) \(both) led term \(term)"
        case .logMatching:
            guard servers.count == 2, let index = violation.index else { return nil }
            let left = after.log(of: servers[0].index)
            let right = after.log(of: servers[1].index)
            guard index <= left.lastIndex, index <= right.lastIndex else { return nil }
            var agreeing = min(left.lastIndex, right.lastIndex)
            while agreeing > 0 && left[agreeing].term != right[agreeing].term { agreeing -= 1 }
            guard agreeing >= index else { return nil }
            return "\(servers[0]) and \(servers[1]) both hold an entry of term \(left[agreeing].term) at index "
                + "\(agreeing), yet differ at index \(index): \(left[index]) on \(servers[0]), "
                + "\(right[index]) on \(servers[1])"
        case .leaderCompleteness:
            guard servers.count == 2, let index = violation.index, violation.terms.count == 2,
                index >= 1, index <= after.ghost.committed.count,
                let leader = after.servers[servers[0].index].node
            else { return nil }
            let entry = after.ghost.committed[index - 1].entry
            let held = leader.log.term(at: index) == nil ? "nothing" : leader.log[index].description
            return "leader \(servers[0]) of term \(violation.terms[0]) lacks \(entry) at index \(index), which "
                + "\(servers[1]) committed in term \(violation.terms[1]) (\(servers[0]) holds \(held) there)"
        case .stateMachineSafety:
            guard servers.count == 2, let index = violation.index, index >= 1, index <= after.ghost.committed.count,
                let node = after.servers[servers[1].index].node, index <= node.log.lastIndex
            else { return nil }
            let verb = node.lastApplied >= index ? "applied" : "committed"
            return "index \(index) committed as \(after.ghost.committed[index - 1].entry) on \(servers[0]) "
                + "but \(verb) as \(node.log[index]) on \(servers[1])"
        case .leaderAppendOnly:
            guard let before, servers.count == 1, let index = violation.index, let term = violation.terms.first,
                let old = before.servers[servers[0].index].node, index >= 1, index <= old.log.lastIndex
            else { return nil }
            let log = after.log(of: servers[0].index)
            let now = index <= log.lastIndex ? log[index].description : "nothing"
            return "leader \(servers[0]) of term \(term) replaced \(old.log[index]) at index \(index) with \(now)"
        case .monotonicTerm:
            guard servers.count == 1, violation.terms.count == 2 else { return nil }
            return "\(servers[0])'s term went down from \(violation.terms[0]) to \(violation.terms[1])"
        case .monotonicCommit:
            guard let before, servers.count == 1, let old = before.servers[servers[0].index].node,
                let node = after.servers[servers[0].index].node
            else { return nil }
            return "\(servers[0])'s commit index went down from \(old.commitIndex) to \(node.commitIndex) "
                + "while it kept running"
        case .preVoteRestraint, .checkQuorum, .oneUncommittedConfiguration, .singleServerChange, .snapshotCommitted,
            .snapshotKeepsTerm, .exactlyOnce, .linearizability:
            // The detail already says it from the step itself, or from the logs it names.
            return nil
        }
    }
}
