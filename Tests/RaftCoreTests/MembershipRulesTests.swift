import RaftTestSupport
import Testing

@testable import RaftCore

private let s4 = NodeID(3)
private let s5 = NodeID(4)

/// The first three slots voting, the rest not yet members.
private let threeVoters = Configuration(voters: NodeSet([s1, s2, s3]))

/// A server of a 4-slot cluster whose initial configuration is `initial`, running with the
/// leader's no-op as membership changes require.
private func member(
    _ id: NodeID, initial: Configuration = threeVoters, term: Term = 0, log: [Entry] = [], slots: Int = 4
) -> RaftNode {
    RaftNode(
        id: id, serverCount: slots, options: ProtocolOptions(leaderNoOp: true), configuration: initial,
        restoring: DurableState(currentTerm: term, log: Log(log)))
}

/// Acknowledges everything the leader holds on `follower`'s behalf.
@discardableResult
private func acknowledge(_ leader: inout RaftNode, by follower: NodeID) -> Ready {
    deliver(
        .appendEntriesResponse(
            AppendEntriesResponse(term: leader.currentTerm, success: true, matchIndex: leader.log.lastIndex)),
        from: follower, to: &leader)
}

/// s1 leading term 1 of `initial` with votes from `voters`, its no-op committed by `ackers`.
private func settledLeader(initial: Configuration = threeVoters, voters: [NodeID] = [s2], ackers: [NodeID] = [s2])
    -> RaftNode
{
    var node = member(s1, initial: initial)
    _ = elect(&node, votesFrom: voters)
    precondition(node.isLeader)
    for acker in ackers { acknowledge(&node, by: acker) }
    precondition(node.commitIndex == node.log.lastIndex)
    return node
}

private func config(_ term: Term, _ configuration: Configuration) -> Entry {
    Entry(term: term, payload: .configuration(configuration))
}

@Suite("Membership changes: single-server changes as the thesis, chapter 4, states them")
struct MembershipRulesTests {
    @Test("A follower uses a configuration as soon as it appends it, before it is committed (section 4.1)")
    func configurationTakesEffectOnAppend() {
        var node = member(s2)
        let grown = Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4]))
        _ = deliver(appendEntries(term: 1, prev: (0, 0), entries: [config(1, grown)], commit: 0), from: s1, to: &node)
        #expect(node.commitIndex == 0)
        #expect(node.configuration == grown)
        #expect(node.configurationIndex == 1)
    }

    @Test("A truncated configuration entry takes its configuration with it (section 4.1)")
    func truncationRevertsConfiguration() {
        let grown = Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4]))
        var node = member(s2, term: 1, log: [entry(1), config(1, grown)])
        #expect(node.configuration == grown)
        _ = deliver(appendEntries(term: 2, prev: (1, 1), entries: [entry(2, 7)], commit: 0), from: s3, to: &node)
        #expect(node.log == Log([entry(1), entry(2, 7)]))
        #expect(node.configuration == threeVoters)
        #expect(node.configurationIndex == 0)
    }

    @Test("A restarted server recovers the latest configuration in its log, committed or not (section 4.1)")
    func restartRecoversLatestConfiguration() {
        let grown = Configuration(voters: NodeSet([s1, s2, s3, s4]))
        let shrunk = Configuration(voters: NodeSet([s2, s3, s4]))
        let node = member(s2, term: 2, log: [config(1, grown), entry(1), config(2, shrunk)])
        #expect(node.commitIndex == 0)
        #expect(node.configuration == shrunk)
        #expect(node.configurationIndex == 3)
    }

    @Test("Only the voters of the candidate's configuration count toward its majority (section 4.1)")
    func votesCountByConfiguration() {
        let fourVoters = Configuration(voters: NodeSet([s1, s2, s3, s4]))
        var node = member(s1, initial: fourVoters)
        _ = elect(&node, votesFrom: [s2])
        #expect(!node.isLeader, "2 of 4 voters is no majority")
        _ = elect(&node, votesFrom: [s2, s3])
        #expect(node.isLeader)

        // A learner's vote does not count.
        var withLearner = member(s1, initial: Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4])))
        _ = elect(&withLearner, votesFrom: [s4])
        #expect(!withLearner.isLeader)
    }

    @Test("A candidate asks only the voters of its configuration")
    func candidateAsksVoters() {
        var node = member(s1, initial: Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4])))
        let ready = node.handle(.electionTimeout)
        #expect(ready.messages.map(\.to) == [s2, s3])
    }

    @Test("A leader refuses a change until it has committed an entry of its term (Ongaro, raft-dev 2015)")
    func changeWaitsForOwnTermCommit() {
        var node = member(s1)
        _ = elect(&node, votesFrom: [s2])
        let early = node.handle(.proposeConfigurationChange(.addLearner(s4)))
        #expect(early.clientReplies == [.configurationRefused(.addLearner(s4))])
        #expect(node.configurationIndex == 0)
        acknowledge(&node, by: s2)
        let later = node.handle(.proposeConfigurationChange(.addLearner(s4)))
        #expect(later.clientReplies == [.configurationAccepted(.addLearner(s4), index: 2, term: 1)])
        #expect(node.configuration == Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4])))
    }

    @Test("A leader appends at most one uncommitted configuration at a time (section 4.1)")
    func oneChangeInFlight() {
        var node = settledLeader()
        _ = node.handle(.proposeConfigurationChange(.addLearner(s4)))
        let second = node.handle(.proposeConfigurationChange(.promote(s4)))
        #expect(second.clientReplies == [.configurationRefused(.promote(s4))])
        acknowledge(&node, by: s2)
        #expect(node.commitIndex == node.configurationIndex)
        let third = node.handle(.proposeConfigurationChange(.promote(s4)))
        #expect(third.clientReplies == [.configurationAccepted(.promote(s4), index: 3, term: 1)])
        #expect(node.configuration == Configuration(voters: NodeSet([s1, s2, s3, s4])))
    }

    @Test("Every change moves one server; a new server joins as learner and votes only once promoted (4.1, 4.2.1)")
    func singleServerChanges() {
        #expect(threeVoters.applying(.promote(s4)) == nil, "only a learner can be promoted")
        #expect(threeVoters.applying(.addLearner(s2)) == nil, "already a member")
        #expect(threeVoters.applying(.remove(s4)) == nil, "not a member")
        #expect(Configuration(voters: NodeSet([s1])).applying(.remove(s1)) == nil, "the last voter stays")
        let added = threeVoters.applying(.addLearner(s4))!
        #expect(added.voters == threeVoters.voters && added.learners == NodeSet([s4]))
        let promoted = added.applying(.promote(s4))!
        #expect(promoted.voters == NodeSet([s1, s2, s3, s4]) && promoted.learners.isEmpty)
        for next in [added, promoted, threeVoters.applying(.remove(s1))!] {
            #expect(threeVoters.differsByAtMostOneVoter(from: next) || added.differsByAtMostOneVoter(from: next))
        }
    }

    @Test("A learner receives entries but its acknowledgement does not commit them (section 4.2.1)")
    func learnerCatchesUpWithoutCounting() {
        var node = settledLeader()
        let ready = node.handle(.proposeConfigurationChange(.addLearner(s4)))
        #expect(ready.messages.contains { $0.to == s4 }, "the leader replicates to the learner at once")
        _ = node.handle(.clientRequest(Command(key: 0, value: 9)))
        acknowledge(&node, by: s4)
        #expect(node.commitIndex == 1, "s1 and the learner s4 are not a majority of s1, s2, s3")
        acknowledge(&node, by: s3)
        #expect(node.commitIndex == node.log.lastIndex)
    }

    @Test("A learner, or a server that knows its removal committed, never starts an election (section 4.2.3)")
    func nonVotersDoNotCampaign() {
        var learner = member(s4, initial: Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4])))
        #expect(learner.handle(.electionTimeout).isEmpty)
        #expect(learner.currentTerm == 0)
        var outsider = member(s4)
        #expect(outsider.handle(.electionTimeout).isEmpty)
        var removed = member(s1, term: 1, log: [config(1, Configuration(voters: NodeSet([s2, s3])))])
        // Until it knows the change committed it may hold its only copy, and campaigns under it.
        #expect(removed.mayCampaign)
        _ = deliver(appendEntries(term: 1, prev: (1, 1), entries: [], commit: 1), from: s2, to: &removed)
        #expect(!removed.mayCampaign)
        #expect(removed.knownLeader == s2)
        #expect(removed.handle(.electionTimeout).isEmpty)
        #expect(removed.role.kind == .follower)
        // It forgets the leader it heard from, so that its lease refuses no later candidate.
        #expect(removed.knownLeader == nil)
        #expect(!removed.electionTimeoutActs)
    }

    @Test("Read in place, a server's election timeout acts exactly when it says it does, and roleKind follows its role")
    func electionTimeoutActsInPlace() {
        func expectInPlaceAgrees(_ node: RaftNode, _ comment: Comment) {
            var held = node
            let inPlace = withUnsafePointer(to: &held) { RaftNode.electionTimeoutActs(at: $0) }
            #expect(inPlace == node.electionTimeoutActs, comment)
            #expect(node.roleKind == node.role.kind, comment)
        }
        var removed = member(s1, term: 1, log: [config(1, Configuration(voters: NodeSet([s2, s3])))])
        expectInPlaceAgrees(removed, "removal not known committed: may campaign")
        _ = deliver(appendEntries(term: 1, prev: (1, 1), entries: [], commit: 1), from: s2, to: &removed)
        expectInPlaceAgrees(removed, "removed, following a known leader")
        _ = removed.handle(.electionTimeout)
        expectInPlaceAgrees(removed, "removed, leader forgotten")
        var candidate = member(s1)
        _ = candidate.handle(.electionTimeout)
        expectInPlaceAgrees(candidate, "candidate")
        expectInPlaceAgrees(settledLeader(), "leader")
        expectInPlaceAgrees(
            member(s4, initial: Configuration(voters: NodeSet([s1, s2, s3]), learners: NodeSet([s4]))), "learner")
    }

    @Test("A removed leader leads until the configuration without it commits, then steps down (section 4.2.2)")
    func removedLeaderStepsDown() {
        var node = settledLeader()
        _ = node.handle(.proposeConfigurationChange(.remove(s1)))
        #expect(node.isLeader)
        #expect(node.configuration == Configuration(voters: NodeSet([s2, s3])))
        // The leader does not count itself: one of two remaining voters is no majority.
        acknowledge(&node, by: s2)
        #expect(node.isLeader && node.commitIndex == 1)
        let ready = acknowledge(&node, by: s3)
        #expect(node.commitIndex == 2)
        #expect(!node.isLeader)
        #expect(ready.timers.contains(.resetElectionTimer))
        #expect(node.handle(.electionTimeout).isEmpty, "and it does not campaign again")
    }

    @Test("Without a configuration every slot votes and the fixed cluster is Figure 2's")
    func fixedClusterUnchanged() {
        let node = server(s1)
        #expect(node.configuration == .allVoters(3))
        #expect(node.configurationIndex == 0)
        var leader = leader(s1, term: 1)
        let refused = leader.handle(.proposeConfigurationChange(.remove(s3)))
        #expect(refused.clientReplies == [.configurationRefused(.remove(s3))], "no entry of term 1 committed")
    }

    @Test("Renaming servers renames the configurations in the log and the initial one")
    func renamingConfigurations() {
        let node = member(s4, term: 1, log: [config(1, Configuration(voters: NodeSet([s1, s2, s3, s4])))])
        let swap = ServerRenaming(permutation: [s4, s2, s3, s1])
        let renamed = node.renamed(by: swap)!
        #expect(renamed.id == s1)
        #expect(renamed.initialConfiguration == Configuration(voters: NodeSet([s4, s2, s3])))
        #expect(renamed.log[1].payload == .configuration(Configuration(voters: NodeSet([s1, s2, s3, s4]))))
        #expect(renamed.configurationIndex == 1)
    }
}
