/// What a server must remember across a crash: Figure 2's "persistent state on all servers".
public struct DurableState: Hashable, Sendable {
    public var currentTerm: Term
    public var votedFor: NodeID?
    public var log: Log
    /// The snapshot the log's base stands for (section 7); nil while the log starts at index 1.
    ///
    /// Written with the log in one `persist`, so a disk never holds a log compacted past a
    /// snapshot it lacks.
    public var snapshot: Snapshot?
    /// What truncations removed, for RB-18's mutant only (`TruncatedEntries`); always empty
    /// otherwise.
    public var truncated: [TruncatedEntries] {
        get { truncatedUnlessEmpty?.records ?? [] }
        set { truncatedUnlessEmpty = TruncationsBox.unlessEmpty(newValue) }
    }
    /// `truncated` out of line, nil while empty (`TruncationsBox`).
    @usableFromInline var truncatedUnlessEmpty: TruncationsBox?

    /// Whether `truncated` is empty, as on every disk but RB-18's mutant's, asked without
    /// building the array: the explorers ask it of every disk they fingerprint or pack.
    @inlinable public var truncatedIsEmpty: Bool {
        if case .none = truncatedUnlessEmpty { true } else { false }
    }

    public init(
        currentTerm: Term = 0, votedFor: NodeID? = nil, log: Log = Log(), snapshot: Snapshot? = nil,
        truncated: [TruncatedEntries] = []
    ) {
        self.currentTerm = currentTerm
        self.votedFor = votedFor
        self.log = log
        self.snapshot = snapshot
        self.truncatedUnlessEmpty = TruncationsBox.unlessEmpty(truncated)
    }

    /// A server that has never run.
    public static let initial = DurableState()
}

/// A timer the server asks its environment to (re)arm.
///
/// The core never reads a clock. A follower or candidate has an election timer; a leader has a
/// heartbeat timer. The environment decides when an armed timer fires: the model checker lets any
/// armed timer fire at any step, the fuzzer draws a randomized deadline in virtual ticks.
public enum TimerDirective: Hashable, Sendable {
    /// Start a fresh randomized election timeout (on becoming follower, granting a vote, hearing
    /// from the current leader, or starting an election).
    case resetElectionTimer
    /// Start a heartbeat interval (on becoming leader and after each heartbeat round).
    case resetHeartbeatTimer
}

/// The server's answer to a client.
public enum ClientReply: Hashable, Sendable {
    /// Not the leader: try `leaderHint`, the leader this server knows of, if any (section 8).
    case notLeader(leaderHint: NodeID?)
    /// The leader appended the command at `index` in `term`; it is not yet committed.
    case accepted(Command, index: LogIndex, term: Term)
    /// The leader applied the command: the client may consider it done.
    case committed(Command, index: LogIndex)
    /// The leader appended the configuration `change` leads to at `index` in `term`; it is in
    /// effect already, and not yet committed (the thesis, section 4.1).
    case configurationAccepted(ConfigurationChange, index: LogIndex, term: Term)
    /// The leader refused `change`: a change is still in flight, it has not yet committed an
    /// entry of its term, or the change does not apply to its configuration.
    case configurationRefused(ConfigurationChange)
    /// Not the leader: the session client should try `leaderHint`, if any (section 8).
    case redirected(SessionCommand, leaderHint: NodeID?)
    /// The leader applied the session command at `index`: the state machine holds its result.
    case applied(SessionCommand, index: LogIndex)
    /// The leader confirmed the get by ReadIndex and has applied every entry up to `index`: the
    /// state machine answers it as it stands (the thesis, section 6.4).
    case read(SessionCommand, index: LogIndex)
}

/// An entry the state machine must apply, with its index.
public struct CommittedEntry: Hashable, Sendable {
    public var index: LogIndex
    public var entry: Entry
}

/// Receives the effects of one input, in the only order Raft allows.
///
/// `Ready.carryOut(into:)` is the one way to read a `Ready`'s messages from outside RaftCore, and
/// it always calls `persist` before `send`. So a shell cannot let a vote or an acknowledgement
/// leave before the state it promises is durable (Figure 2: "updated on stable storage before
/// responding to RPCs").
public protocol ReadyShell {
    mutating func persist(_ durable: DurableState)
    mutating func send(_ envelope: Envelope)
    mutating func apply(_ committed: CommittedEntry)
    mutating func reply(_ reply: ClientReply)
    mutating func arm(_ timer: TimerDirective)
    /// Replaces the state machine's state with `snapshot`'s: the server installed a leader's
    /// snapshot (Figure 13, receiver rule 8), and the entries it covers will never be applied.
    mutating func install(_ snapshot: Snapshot)
}

extension ReadyShell {
    /// A shell without a state machine of its own has nothing to replace.
    public mutating func install(_ snapshot: Snapshot) {}
}

/// The effects of handling one input: the Instance/Shell/Directive split, with persist-before-send
/// built into the type.
public struct Ready: Hashable, Sendable {
    /// The durable state to write before any message below leaves; nil when unchanged.
    var persist: DurableState?
    /// Messages that may leave only once `persist` is durable.
    var messages: [Envelope] = []
    /// Newly committed entries, in index order, to apply after persisting.
    var committed: [CommittedEntry] = []
    var clientReplies: [ClientReply] = []
    var timers = TimerDirectives()
    /// A snapshot from the leader whose state replaces the state machine's, before `committed`
    /// is applied on top of it; nil when none was installed.
    var installed: Snapshot?

    init() {}

    /// Whether handling the input changed nothing outside the server.
    public var isEmpty: Bool {
        persist == nil && messages.isEmpty && committed.isEmpty && clientReplies.isEmpty && timers.isEmpty
            && installed == nil
    }

    /// Carries out the effects in Raft's order: persist, then send, then install a snapshot, then
    /// apply, then reply to clients, then arm timers.
    public func carryOut<Shell: ReadyShell>(into shell: inout Shell) {
        if let persist { shell.persist(persist) }
        for envelope in messages { shell.send(envelope) }
        if let installed { shell.install(installed) }
        for entry in committed { shell.apply(entry) }
        for reply in clientReplies { shell.reply(reply) }
        for timer in timers { shell.arm(timer) }
    }
}

/// The timer directives of one `Ready`, in order, stored inline.
///
/// Most inputs reset a timer, so an array here was one heap allocation on most steps the
/// explorers take; an input gives at most a few directives, and 16 fit in one word.
struct TimerDirectives: Hashable, Sendable, Sequence {
    /// Two bits a directive, the first in the lowest bits: 1 election, 2 heartbeat.
    private var bits: UInt32 = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ timer: TimerDirective) {
        precondition(count < 16, "more than 16 timer directives for one input")
        let code: UInt32 =
            switch timer {
            case .resetElectionTimer: 1
            case .resetHeartbeatTimer: 2
            }
        bits |= code << (2 * UInt32(count))
        count += 1
    }

    func makeIterator() -> Iterator { Iterator(bits: bits, remaining: count) }

    struct Iterator: IteratorProtocol {
        var bits: UInt32
        var remaining: Int

        mutating func next() -> TimerDirective? {
            guard remaining > 0 else { return nil }
            let code = bits & 3
            bits >>= 2
            remaining -= 1
            return code == 1 ? .resetElectionTimer : .resetHeartbeatTimer
        }
    }
}
