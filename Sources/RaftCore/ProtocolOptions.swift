/// The mechanisms beyond Figure 2 that production Rafts add, each a switch that is off by default.
///
/// etcd-io/raft, hashicorp/raft and openraft all add the same handful, and each has shipped bugs
/// of its own, so the explorers check a cluster with each one on and off. With every switch off a
/// server follows Figure 2 exactly as before, and every pinned state count stays the same. The
/// options are the same on every server of a cluster and never change during a run.
public struct ProtocolOptions: Hashable, Sendable {
    /// Every switch in one word: every server of every state the checker explores carries a copy,
    /// and a wider value made each copy of a server measurably slower.
    ///
    /// Bits 0 to 4: preVote, checkQuorum, fastBacktracking, leaderNoOp, readIndex; bits 8 to 15:
    /// pipelineWindow; bits 16 to 47: maxEntriesPerAppend (0 for none).
    private var bits: UInt64 = 0

    /// A server that times out first asks whether it could win, without raising its term (the
    /// thesis, section 9.6).
    public var preVote: Bool {
        get { bits & 1 != 0 }
        set { setFlag(1, newValue) }
    }
    /// A leader that has not heard from a majority within an election timeout steps down, and a
    /// server that heard from a leader recently ignores (pre-)votes (the thesis, sections 6.2 and
    /// 9.6).
    public var checkQuorum: Bool {
        get { bits & 2 != 0 }
        set { setFlag(2, newValue) }
    }
    /// A rejected AppendEntries carries the conflicting term and the first index the follower
    /// holds for it, so the leader skips a whole term per round trip (the extended paper, section
    /// 5.3).
    public var fastBacktracking: Bool {
        get { bits & 4 != 0 }
        set { setFlag(4, newValue) }
    }
    /// A new leader appends a no-op entry of its term at once (section 8).
    ///
    /// Until an entry of its own term is committed a leader cannot tell which entries are
    /// committed (Figure 8), so it can neither answer reads safely nor commit earlier terms'
    /// entries without waiting for a client. The no-op commits them at the first chance, and
    /// membership changes rely on it (a leader changes its configuration only after it has
    /// committed an entry of its term).
    public var leaderNoOp: Bool {
        get { bits & 8 != 0 }
        set { setFlag(8, newValue) }
    }
    /// A session client's get is served without a log entry, by ReadIndex (the thesis, section
    /// 6.4): the leader records its commit index, confirms with a heartbeat round that a majority
    /// still follows it, and answers once it has applied that index.
    ///
    /// Reads otherwise go through the log like writes, which is linearizable but costs an entry
    /// and a disk write per read. It needs the leader's no-op: until an entry of its term commits,
    /// a new leader's commit index may lag the cluster's (section 8).
    public var readIndex: Bool {
        get { bits & 16 != 0 }
        set { setFlag(16, newValue) }
    }
    /// AppendEntries a leader may have outstanding to one follower before it waits for a reply
    /// (0 to 255); 0 keeps Figure 2's one-request-per-trigger replication without optimistic
    /// advance.
    public var pipelineWindow: Int {
        get { Int(truncatingIfNeeded: bits >> 8 & 0xFF) }
        set {
            precondition((0...0xFF).contains(newValue), "pipelineWindow \(newValue) out of range")
            bits = bits & ~(0xFF << 8) | UInt64(newValue) << 8
        }
    }
    /// The most entries one AppendEntries carries (1 to 2^32 - 1); nil carries every entry from
    /// `nextIndex` on.
    public var maxEntriesPerAppend: Int? {
        get {
            let limit = bits >> 16 & 0xFFFF_FFFF
            return limit == 0 ? nil : Int(truncatingIfNeeded: limit)
        }
        set {
            let limit = newValue ?? 0
            precondition((0...0xFFFF_FFFF).contains(limit), "maxEntriesPerAppend \(limit) out of range")
            precondition(newValue != 0, "maxEntriesPerAppend must be at least 1")
            bits = bits & ~(0xFFFF_FFFF << 16) | UInt64(limit) << 16
        }
    }

    private mutating func setFlag(_ flag: UInt64, _ on: Bool) {
        bits = on ? bits | flag : bits & ~flag
    }

    public init(
        preVote: Bool = false, checkQuorum: Bool = false, pipelineWindow: Int = 0, maxEntriesPerAppend: Int? = nil,
        fastBacktracking: Bool = false, leaderNoOp: Bool = false, readIndex: Bool = false
    ) {
        self.preVote = preVote
        self.checkQuorum = checkQuorum
        self.pipelineWindow = pipelineWindow
        self.maxEntriesPerAppend = maxEntriesPerAppend
        self.fastBacktracking = fastBacktracking
        self.leaderNoOp = leaderNoOp
        self.readIndex = readIndex
    }

    /// Figure 2 as the paper states it: every switch off.
    public static let figure2 = ProtocolOptions()

    /// Whether every switch is off.
    public var isFigure2: Bool { self == .figure2 }

    /// The switches that are on, as `name=value` words in a fixed order, for banners and reports.
    public var summary: String {
        var words: [String] = []
        if preVote { words.append("preVote") }
        if checkQuorum { words.append("checkQuorum") }
        if pipelineWindow > 0 { words.append("pipelineWindow=\(pipelineWindow)") }
        if let maxEntriesPerAppend { words.append("maxEntriesPerAppend=\(maxEntriesPerAppend)") }
        if fastBacktracking { words.append("fastBacktracking") }
        if leaderNoOp { words.append("leaderNoOp") }
        if readIndex { words.append("readIndex") }
        return words.isEmpty ? "figure2" : words.joined(separator: " ")
    }
}
