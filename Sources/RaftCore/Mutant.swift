/// A named, documented deviation from the correct Raft, taken from real implementations' bugs.
///
/// Each mutant is one switch at the one place its rule lives in `RaftNode`, read there through
/// `deviates(_:)`. The harness proves its power by catching every one of them. `raftlab mutants`
/// lists each with its rule and the implementations it was found in (`source`), and README.md's
/// mutant table says how each explorer catches it.
public enum Mutant: String, CaseIterable, Hashable, Sendable {
    case countStaleVote = "count-stale-vote"
    case voteTwice = "vote-twice"
    case voteWithoutLogCheck = "vote-without-log-check"
    case commitPreviousTerm = "commit-previous-term"
    case truncateOnStaleAppend = "truncate-on-stale-append"
    case commitBeyondNewEntries = "commit-beyond-new-entries"
    case heartbeatSkipsCheck = "heartbeat-skips-check"
    case matchFromStaleReply = "match-from-stale-reply"
    case appendAfterStepdown = "append-after-stepdown"
    case forgetVoteOnRestart = "forget-vote-on-restart"
    case resetTimerWrongly = "reset-timer-wrongly"
    case ignoreHigherTerm = "ignore-higher-term"
    case preVoteKeepsLaggingTerm = "pre-vote-keeps-lagging-term"
    case preVoteDespiteLeader = "pre-vote-despite-leader"
    case checkQuorumSelfTwice = "check-quorum-self-twice"
    case backtrackHintOffByOne = "backtrack-hint-off-by-one"
    case keepNextOnReject = "keep-next-on-reject"
    case snapshotBoundaryAppend = "snapshot-boundary-append"
    case installSnapshotDiscardsLog = "install-snapshot-discards-log"
    case installSnapshotKeepsConflict = "install-snapshot-keeps-conflict"
    /// RB-18: a restart replays an append-only log that skips the truncations at or below the
    /// snapshot (`TruncatedEntries.swift`).
    case recoveryResurrectsTruncated = "recovery-resurrects-truncated"
    case configBeforeTermCommit = "config-before-term-commit"
    case twoConfigsInFlight = "two-configs-in-flight"
    case restartLoadsCommittedConfig = "restart-loads-committed-config"
    /// A retried session command takes effect twice: the state machine does not consult its
    /// session table (the thesis, section 6.3; `Mutant+Clients.swift`).
    case sessionNotConsulted = "session-not-consulted"
    /// RB-26: a leader answers a get from its state machine as soon as it arrives, without the
    /// heartbeat round that confirms it still leads (`ReadIndex.swift`).
    case readWithoutQuorum = "read-without-quorum"
    /// RB-27: a new leader records its read index before it has committed an entry of its term.
    case readBeforeTermCommit = "read-before-term-commit"
    /// RB-28: a later read reuses the id of the leader's earlier heartbeat round, so that
    /// round's acknowledgements, sent before the read arrived, confirm it.
    case readStaleAcks = "read-stale-acks"

    /// The user-facing name, used by `--mutant`, trace headers and corpus file names.
    public var name: String { rawValue }

    /// The identifier in the bug catalogue.
    public var catalogueID: String {
        switch self {
        case .countStaleVote: "RB-01"
        case .voteTwice: "RB-03"
        case .voteWithoutLogCheck: "RB-04"
        case .commitPreviousTerm: "RB-07"
        case .truncateOnStaleAppend: "RB-08"
        case .commitBeyondNewEntries: "RB-09"
        case .heartbeatSkipsCheck: "RB-10"
        case .matchFromStaleReply: "RB-11"
        case .appendAfterStepdown: "RB-13"
        case .forgetVoteOnRestart: "RB-16"
        case .resetTimerWrongly: "RB-29"
        case .ignoreHigherTerm: "RB-30"
        case .preVoteKeepsLaggingTerm: "RB-30"
        // Not in the catalogue yet: bugs of the PreVote and CheckQuorum extensions themselves.
        case .preVoteDespiteLeader: "EXT-PV"
        case .checkQuorumSelfTwice: "EXT-CQ"
        case .backtrackHintOffByOne: "RB-33"
        case .keepNextOnReject: "RB-34"
        case .snapshotBoundaryAppend: "RB-20"
        case .installSnapshotDiscardsLog, .installSnapshotKeepsConflict: "RB-21"
        case .recoveryResurrectsTruncated: "RB-18"
        case .configBeforeTermCommit: "RB-23"
        case .twoConfigsInFlight, .restartLoadsCommittedConfig: "RB-24"
        case .sessionNotConsulted: "EXT-EO"
        case .readWithoutQuorum: "RB-26"
        case .readBeforeTermCommit: "RB-27"
        case .readStaleAcks: "RB-28"
        }
    }

    /// The Figure 2 rule the mutant breaks, and how.
    public var ruleBroken: String {
        switch self {
        case .countStaleVote: "Candidate.majority: counts a granted vote from an earlier term"
        case .voteTwice: "RV.2: a follower forgets its vote when the current leader's AppendEntries arrives"
        case .voteWithoutLogCheck: "RV.2: grants a vote without the section 5.4.1 up-to-date check"
        case .commitPreviousTerm: "Leader.commit: commits by counting replicas without log[N].term == currentTerm"
        case .truncateOnStaleAppend: "AE.3: truncates after prevLogIndex even when nothing conflicts"
        case .commitBeyondNewEntries: "AE.5: commitIndex = min(leaderCommit, last log index), not last new entry"
        case .heartbeatSkipsCheck: "AE.2: an empty AppendEntries succeeds without the consistency check"
        case .matchFromStaleReply: "Leader.matchIndex: set from the leader's current log, not from the acked request"
        case .appendAfterStepdown: "AllServers.T>current: a leader adopts a higher term but keeps leading"
        case .forgetVoteOnRestart: "Persistent state: votedFor is not written to stable storage"
        case .resetTimerWrongly:
            "Follower timer: reset on every RequestVote, granted or not (Students' Guide, Livelocks)"
        case .ignoreHigherTerm:
            "AllServers.T>current: a RequestVote failing the log check is refused before its term is adopted"
        case .preVoteKeepsLaggingTerm:
            "AllServers.T>current (PreVote): a refused pre-vote's higher term is not adopted by the pre-candidate"
        case .preVoteDespiteLeader:
            "PreVote.grant: granted while following a leader heard from within an election timeout"
        case .checkQuorumSelfTwice:
            "CheckQuorum: the leader counts its own contact twice, so it leads on without a majority"
        case .backtrackHintOffByOne:
            "Fast backtracking (section 5.3): the rejection reports one past the first index of the conflicting term"
        case .keepNextOnReject:
            "Flow control: a rejection while streaming frees the window but leaves nextIndex where optimism put it"
        case .snapshotBoundaryAppend:
            "InstallSnapshot: sent only when nextIndex < lastIncludedIndex (not <=), and AE.2 skipped for prevLogIndex 0"
        case .installSnapshotDiscardsLog:
            "InstallSnapshot rules 6-7: the whole log is discarded, even for a snapshot behind the commit index"
        case .installSnapshotKeepsConflict:
            "InstallSnapshot rule 6: the entries after the snapshot's last index are kept whatever the term there"
        case .recoveryResurrectsTruncated:
            "Persistent state: a restart replays the log ignoring truncations that began at or below the snapshot"
        case .configBeforeTermCommit:
            "Membership (thesis 4.1, Ongaro 2015): a leader appends a configuration before committing an entry of its term"
        case .twoConfigsInFlight:
            "Membership (thesis 4.1): a leader appends a configuration while an earlier one is uncommitted"
        case .restartLoadsCommittedConfig:
            "Membership (thesis 4.1): a server uses the latest committed configuration in its log, not the latest; "
                + "a restarted one, knowing none committed, its initial configuration"
        case .sessionNotConsulted:
            "Sessions (thesis 6.3): the state machine applies a retried command again instead of answering from "
                + "its session table"
        case .readWithoutQuorum:
            "ReadIndex (thesis 6.4): the leader answers a read from local state at once, without a heartbeat round "
                + "acknowledged by a majority"
        case .readBeforeTermCommit:
            "ReadIndex (thesis 6.4 step 1): the read index is recorded before the leader has committed an entry of its term"
        case .readStaleAcks:
            "ReadIndex (thesis 6.4 step 2): a later read joins the earlier heartbeat round's id, so acknowledgements "
                + "sent before it arrived confirm it"
        }
    }

    /// Whether only a liveness check can catch the mutant: it delays or prevents progress but
    /// breaks no safety invariant.
    public var isLivenessOnly: Bool { expectedViolation == "liveness" }

    /// The identifier of the invariant expected to fail first (see `InvariantID`), or
    /// `liveness` for a mutant only the fuzzer's liveness phase can catch.
    public var expectedViolation: String {
        switch self {
        case .countStaleVote, .voteTwice, .forgetVoteOnRestart: "election-safety"
        case .voteWithoutLogCheck, .commitPreviousTerm, .truncateOnStaleAppend, .matchFromStaleReply:
            "leader-completeness"
        case .commitBeyondNewEntries, .heartbeatSkipsCheck, .snapshotBoundaryAppend: "state-machine-safety"
        // The ex-leader goes on leading a term it did not win; the ghost record of leaders sees
        // a second leader of that term before any log diverges.
        case .appendAfterStepdown: "election-safety"
        // The replication mutants only misdirect what the leader sends next; the follower's
        // consistency check still refuses every entry that does not fit, so no invariant breaks,
        // but the follower never catches up.
        case .resetTimerWrongly, .ignoreHigherTerm, .preVoteKeepsLaggingTerm, .backtrackHintOffByOne, .keepNextOnReject:
            "liveness"
        // Acknowledged entries after a stale snapshot are gone from a server a new leader needs.
        case .installSnapshotDiscardsLog: "leader-completeness"
        // The kept entries follow the snapshot's last entry in no leader's log: another server
        // holding them from the leader that wrote them holds a different entry below.
        case .installSnapshotKeepsConflict: "log-matching"
        // The resurrected entries make the restarted server grant its vote to a candidate lacking
        // committed entries (section 5.4.1 compares against a log no leader ever wrote).
        case .recoveryResurrectsTruncated: "leader-completeness"
        // Their own rules, checked from outside the server on every step that exercises them.
        case .preVoteDespiteLeader: "pre-vote-restraint"
        case .checkQuorumSelfTwice: "check-quorum"
        // Sibling configurations of two terms each overlap their parent but not each other: a
        // leader elected under one lacks what the other committed.
        case .configBeforeTermCommit, .restartLoadsCommittedConfig: "leader-completeness"
        // Checked on the leader's log at the step that appends the second configuration.
        case .twoConfigsInFlight: "one-uncommitted-configuration"
        // A retry's second copy in the log takes effect again on every server that applies it.
        case .sessionNotConsulted: "exactly-once"
        // Raft's state is untouched: only what the clients saw shows the stale read.
        case .readWithoutQuorum, .readBeforeTermCommit, .readStaleAcks: "linearizability"
        }
    }

    /// The protocol switches the mutant's rule lives behind: Figure 2 (all off) for a rule of
    /// Figure 2, which runs with any switches.
    ///
    /// The explorers turn these on for the mutant, since a deviation in code that never runs
    /// cannot be caught.
    public var switchesNeeded: ProtocolOptions {
        switch self {
        case .preVoteKeepsLaggingTerm, .preVoteDespiteLeader: ProtocolOptions(preVote: true)
        case .checkQuorumSelfTwice: ProtocolOptions(checkQuorum: true)
        case .backtrackHintOffByOne: ProtocolOptions(fastBacktracking: true)
        case .keepNextOnReject: ProtocolOptions(pipelineWindow: 2)
        // Membership changes turn the no-op on (`needsMembershipChanges`): a leader commits an
        // entry of its term before it may change the configuration.
        case .configBeforeTermCommit, .twoConfigsInFlight, .restartLoadsCommittedConfig:
            ProtocolOptions(leaderNoOp: true)
        // Session clients turn the no-op on (`needsClients`); the read path is ReadIndex's.
        case .readWithoutQuorum, .readBeforeTermCommit, .readStaleAcks:
            ProtocolOptions(leaderNoOp: true, readIndex: true)
        default: .figure2
        }
    }

    /// Whether the mutant's rule lives in membership changes, so that only a run whose spec
    /// allows changes can exercise it: the fuzzer turns them on in every run of such a mutant.
    public var needsMembershipChanges: Bool {
        switch self {
        case .configBeforeTermCommit, .twoConfigsInFlight, .restartLoadsCommittedConfig: true
        default: false
        }
    }

    /// Where the bug was found in a shipped or published implementation.
    public var source: String {
        switch self {
        case .countStaleVote: "Xraft #33; akka-raft #46, #47; little-raft #44"
        case .voteTwice: "akka-raft #56; NebulaGraph #2405, PR #3415; DaosRaft PR #70"
        case .voteWithoutLogCheck: "akka-raft #30, #51; jgroups-raft #14; kontiki #10; simpleRaft #10"
        case .commitPreviousTerm: "Raft paper Figure 8; LogCabin #44; PySyncObj #169; async-raft #108"
        case .truncateOnStaleAppend: "Students' Guide to Raft; RaftOS #26; akka-raft #66"
        case .commitBeyondNewEntries: "Copycat #265; ScyllaDB #9965; RabbitMQ Ra PR #508"
        case .heartbeatSkipsCheck: "Students' Guide to Raft; 6.824 lab write-ups"
        case .matchFromStaleReply: "Students' Guide to Raft; PySyncObj #167; CCF PR #6000"
        case .appendAfterStepdown: "hashicorp/raft #695; Camunda #5360; eliben/raft #13"
        case .forgetVoteOnRestart: "akka-raft #62; raft.tla PR #5; hashicorp/raft #661"
        case .resetTimerWrongly: "Students' Guide to Raft (Livelocks); akka-raft #43; butaneprotocol/oracles PR #32"
        case .ignoreHigherTerm: "etcd #8243, #8501; canonical/raft #279; openraft #1796; influxdb PR #2223"
        case .preVoteKeepsLaggingTerm: "etcd #8243; canonical/raft #279, PR #280; openraft #1796"
        case .preVoteDespiteLeader: "etcd PR #8334, #8498 (PreVote without the lease); canonical/raft #196"
        case .checkQuorumSelfTwice: "apache/kafka PR #16211 (KAFKA-16531); eBay/NuRaft PR #96"
        case .backtrackHintOffByOne: "ClickHouse/NuRaft PR #105; deventlab/d-engine #346; etcd-io/raft #148"
        case .keepNextOnReject: "etcd PR #1207, #8393; matrixarkai/TemporalStore PR #114"
        case .snapshotBoundaryAppend: "WRaft PR #118; RedisLabs/raft PR #47, #148 (#49); daos-stack/raft PR #10"
        case .installSnapshotDiscardsLog: "camunda/camunda #6092 (Zeebe); Students' Guide to Raft (snapshots)"
        case .installSnapshotKeepsConflict: "hashicorp/raft PR #704; camunda/camunda #6092 (Zeebe)"
        case .recoveryResurrectsTruncated: "etcd #22442, PR #22443 (found by Antithesis via formancehq/ledger PR #2076)"
        case .configBeforeTermCommit:
            "Ongaro, raft-dev 2015 (https://groups.google.com/g/raft-dev/c/t4xj6dJTP6E); Copycat #23; AxonIQ PR #120"
        case .twoConfigsInFlight:
            "thesis 4.1; etcd-io/raft pendingConfIndex; valkey #3926; openraft PR #364"
        case .restartLoadsCommittedConfig: "camunda #57386; jraft (andy-yx-chen) #1"
        case .sessionNotConsulted:
            "thesis 6.3 (\"a leader may apply a command twice\" without sessions); LogCabin client sessions; "
                + "issue 15"
        case .readWithoutQuorum:
            "etcd #741 (Jepsen 2014, https://github.com/etcd-io/etcd/issues/741); Consul #54 "
                + "(https://github.com/hashicorp/consul/issues/54); xraft #39, #40; jgroups-raft #208"
        case .readBeforeTermCommit:
            "etcd #7331 (https://github.com/etcd-io/etcd/issues/7331), fixed by PR #7332; redisraft PR #22 "
                + "(Jepsen 2020); adjoint-io/raft PR #54"
        case .readStaleAcks:
            "etcd #20418 (https://github.com/etcd-io/etcd/issues/20418), fixed by PR #21375 "
                + "(https://github.com/etcd-io/etcd/pull/21375; cherry-picks #21384, #21386)"
        }
    }

    /// Finds a mutant by its user-facing name.
    public init?(name: String) { self.init(rawValue: name) }
}
