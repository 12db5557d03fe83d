@testable import RaftCore

/// A few `RaftNode` values and the messages between them, driven one command at a time.
///
/// The environment is the smallest shell that can run the core: it carries out every `Ready`
/// through `Ready.carryOut(into:)`, as a real server must (persist, send, apply, reply, arm),
/// and writes each effect into the transcript. Nothing else happens on its own: a timer fires,
/// a message arrives or is lost, a server restarts only when the script says so. The network
/// is one queue in send order, and every listing is in server or send order, so a transcript
/// depends on the script alone.
///
/// Commands (a server is named `1` or `s1`):
/// - `add-nodes 3 [mutant=vote-twice] [preVote=true] [checkQuorum=true] [window=2] [batch=1] [fast=true]`:
///   start a cluster of fresh servers, with the protocol switches given (PreVote, CheckQuorum,
///   pipelining `window`, batching and fast backtracking).
/// - `check-quorum 1`: the leader's election timer fires (CheckQuorum's check), named for what
///   it does; `election-timeout 1` on a leader is the same input.
/// - `restore 3 term=2 [vote=1] [log=1:x=1,2:y=2]`: server 3 restarts from a disk holding this
///   state (a log entry is `term:key=value`), to set up a history in one line.
/// - `election-timeout 1`, `heartbeat-timeout 1`: the server's timer fires.
/// - `propose 1 x=5`: a client asks server 1 to set x to 5.
/// - `deliver [2 3]`: deliver, in send order, every message in flight (to the given servers
///   only, when named); the replies they cause stay in flight.
/// - `drop [2 3]`: lose every message in flight (to the given servers only, when named).
/// - `stabilize`: deliver until nothing is in flight.
/// - `crash-restart 3`: server 3 loses everything but its disk and starts again from it.
/// - `state`, `log 2`, `in-flight`: print every server, one server's log, the network.
struct InteractionEnvironment {
    private(set) var nodes: [RaftNode] = []
    /// What each server has persisted: the durable state of its last `Ready` that had one.
    private(set) var disks: [DurableState] = []
    /// Messages sent and not yet delivered or dropped, in send order.
    private(set) var inFlight: [Envelope] = []

    struct CommandError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs one script command and returns its transcript, never empty and with no blank line.
    mutating func run(_ commandLine: String) throws(CommandError) -> [String] {
        let words = commandLine.split(separator: " ").map(String.init)
        guard let command = words.first else { throw CommandError(description: "empty command") }
        let arguments = Array(words.dropFirst())
        if command != "add-nodes" && nodes.isEmpty {
            throw CommandError(description: "'\(command)' before add-nodes")
        }
        var transcript: [String]
        switch command {
        case "add-nodes": transcript = try addNodes(arguments)
        case "restore": transcript = try restore(arguments)
        case "election-timeout": transcript = handle(.electionTimeout, at: try onlyServer(arguments))
        case "heartbeat-timeout": transcript = handle(.heartbeatTimeout, at: try onlyServer(arguments))
        case "check-quorum": transcript = handle(.electionTimeout, at: try onlyServer(arguments))
        case "propose": transcript = try propose(arguments)
        case "deliver": transcript = deliver(to: try servers(arguments))
        case "drop": transcript = drop(to: try servers(arguments))
        case "stabilize": transcript = try stabilize(arguments)
        case "crash-restart": transcript = crashRestart(try onlyServer(arguments))
        case "state": transcript = nodes.map(Self.describe)
        case "log": transcript = describeLog(of: try onlyServer(arguments))
        case "in-flight": transcript = inFlight.map(Self.describe)
        default: throw CommandError(description: "unknown command '\(command)'")
        }
        return transcript.isEmpty ? ["ok"] : transcript
    }

    // MARK: - Commands

    private mutating func addNodes(_ arguments: [String]) throws(CommandError) -> [String] {
        guard nodes.isEmpty else { throw CommandError(description: "add-nodes runs once per script") }
        guard let countText = arguments.first, let count = Int(countText), (1...NodeSet.capacity).contains(count) else {
            throw CommandError(description: "add-nodes needs a server count")
        }
        let options = try Self.options(
            arguments.dropFirst(), allowed: ["mutant", "preVote", "checkQuorum", "window", "batch", "fast"])
        var mutant: Mutant? = nil
        if let name = options["mutant"] {
            guard let named = Mutant(name: name) else { throw CommandError(description: "unknown mutant '\(name)'") }
            mutant = named
        }
        var protocolOptions = ProtocolOptions.figure2
        protocolOptions.preVote = options["preVote"] == "true"
        protocolOptions.checkQuorum = options["checkQuorum"] == "true"
        if let text = options["window"] {
            guard let window = Int(text), window >= 0 else { throw CommandError(description: "bad window '\(text)'") }
            protocolOptions.pipelineWindow = window
        }
        if let text = options["batch"] {
            guard let batch = Int(text), batch >= 1 else { throw CommandError(description: "bad batch '\(text)'") }
            protocolOptions.maxEntriesPerAppend = batch
        }
        if let text = options["fast"] {
            guard let fast = Bool(text) else { throw CommandError(description: "bad fast '\(text)'") }
            protocolOptions.fastBacktracking = fast
        }
        nodes = NodeID.all(count).map {
            RaftNode(id: $0, serverCount: count, mutant: mutant, options: protocolOptions)
        }
        disks = Array(repeating: .initial, count: count)
        return nodes.map(Self.describe)
    }

    private mutating func restore(_ arguments: [String]) throws(CommandError) -> [String] {
        let id = try onlyServer(Array(arguments.prefix(1)))
        let options = try Self.options(arguments.dropFirst(), allowed: ["term", "vote", "log"])
        guard let termText = options["term"], let term = Int(termText) else {
            throw CommandError(description: "restore needs term=")
        }
        var vote: NodeID? = nil
        if let name = options["vote"] { vote = try server(name) }
        var log = Log()
        for text in (options["log"] ?? "").split(separator: ",") { log.append(try Self.entry(String(text))) }
        let disk = DurableState(currentTerm: term, votedFor: vote, log: log)
        disks[id.index] = disk
        let node = nodes[id.index]
        nodes[id.index] = RaftNode(
            id: id, serverCount: node.serverCount, mutant: node.mutant, options: node.options, restoring: disk)
        return [Self.describe(nodes[id.index])]
    }

    private mutating func propose(_ arguments: [String]) throws(CommandError) -> [String] {
        guard arguments.count == 2 else { throw CommandError(description: "propose needs a server and key=value") }
        let id = try server(arguments[0])
        return handle(.clientRequest(try Self.command(arguments[1])), at: id)
    }

    /// Delivers the messages in flight now (to `recipients`, or to anyone when nil) in send order.
    private mutating func deliver(to recipients: NodeSet?) -> [String] {
        let chosen = inFlight.filter { recipients?.contains($0.to) ?? true }
        inFlight.removeAll { recipients?.contains($0.to) ?? true }
        var transcript: [String] = []
        for envelope in chosen {
            transcript.append(Self.describe(envelope))
            transcript += handle(.receive(envelope), at: envelope.to).map { "  " + $0 }
        }
        return transcript
    }

    private mutating func drop(to recipients: NodeSet?) -> [String] {
        let dropped = inFlight.filter { recipients?.contains($0.to) ?? true }
        inFlight.removeAll { recipients?.contains($0.to) ?? true }
        return dropped.map { "dropped " + Self.describe($0) }
    }

    /// Delivers round after round until nothing is in flight.
    private mutating func stabilize(_ arguments: [String]) throws(CommandError) -> [String] {
        guard arguments.isEmpty else { throw CommandError(description: "stabilize takes no arguments") }
        var transcript: [String] = []
        var rounds = 0
        while !inFlight.isEmpty {
            rounds += 1
            guard rounds <= 100 else { throw CommandError(description: "stabilize: still busy after 100 rounds") }
            transcript += deliver(to: nil)
        }
        return transcript
    }

    /// The server loses its volatile state and comes back from its disk.
    ///
    /// Figure 2: only persistent state survives. Messages in flight to it stay in flight.
    private mutating func crashRestart(_ id: NodeID) -> [String] {
        let node = nodes[id.index]
        nodes[id.index] = RaftNode(
            id: id, serverCount: node.serverCount, mutant: node.mutant, options: node.options,
            restoring: disks[id.index])
        return ["disk " + Self.describe(disks[id.index]), Self.describe(nodes[id.index])]
    }

    private func describeLog(of id: NodeID) -> [String] {
        let node = nodes[id.index]
        var lines = node.log.entries.enumerated().map { offset, entry in
            let index = node.log.baseIndex + offset + 1
            let marks = (index <= node.commitIndex ? " committed" : "") + (index <= node.lastApplied ? " applied" : "")
            return "\(index) term=\(entry.term) \(entry.payload)\(marks)"
        }
        if lines.isEmpty { lines = ["empty"] }
        return lines
    }

    // MARK: - One input

    /// Hands `input` to a server and returns what it did: its effects in `Ready` order, then its
    /// state when that changed, or `no effects` when neither happened.
    private mutating func handle(_ input: RaftNode.Input, at id: NodeID) -> [String] {
        let before = Self.describe(nodes[id.index])
        let ready = nodes[id.index].handle(input)
        var shell = TranscriptShell()
        ready.carryOut(into: &shell)
        if let durable = shell.persisted { disks[id.index] = durable }
        inFlight += shell.sent
        var transcript = shell.lines
        let after = Self.describe(nodes[id.index])
        if after != before { transcript.append("now " + after) }
        return transcript.isEmpty ? ["no effects"] : transcript
    }

    /// Writes each effect as a line and keeps what the environment must act on.
    private struct TranscriptShell: ReadyShell {
        var lines: [String] = []
        var persisted: DurableState?
        var sent: [Envelope] = []

        mutating func persist(_ durable: DurableState) {
            persisted = durable
            lines.append("persist " + InteractionEnvironment.describe(durable))
        }

        mutating func send(_ envelope: Envelope) {
            sent.append(envelope)
            lines.append("send " + InteractionEnvironment.describe(envelope))
        }

        mutating func apply(_ committed: CommittedEntry) {
            lines.append("apply \(committed.index) term=\(committed.entry.term) \(committed.entry.payload)")
        }

        mutating func reply(_ reply: ClientReply) {
            switch reply {
            case .notLeader(let hint):
                lines.append("reply not-leader hint=\(InteractionEnvironment.name(hint))")
            case .accepted(let command, let index, let term):
                lines.append("reply accepted \(command) index=\(index) term=\(term)")
            case .committed(let command, let index):
                lines.append("reply committed \(command) index=\(index)")
            case .configurationAccepted(let change, let index, let term):
                lines.append("reply accepted \(change) index=\(index) term=\(term)")
            case .configurationRefused(let change):
                lines.append("reply refused \(change)")
            case .redirected(let command, let hint):
                lines.append("reply redirected \(command) hint=\(InteractionEnvironment.name(hint))")
            case .applied(let command, let index):
                lines.append("reply applied \(command) index=\(index)")
            case .read(let command, let index):
                lines.append("reply read \(command) index=\(index)")
            }
        }

        mutating func arm(_ timer: TimerDirective) {
            switch timer {
            case .resetElectionTimer: lines.append("arm election timer")
            case .resetHeartbeatTimer: lines.append("arm heartbeat timer")
            }
        }
    }

    // MARK: - Words

    /// A server on one line, role data included.
    ///
    /// `s1 leader term=2 vote=s1 commit=1 applied=1 log=[1:x=1 2:x=2] next=[3,3,3] match=[2,1,0]`
    static func describe(_ node: RaftNode) -> String {
        var words = ["\(node.id) \(node.role.kind.rawValue) term=\(node.currentTerm) vote=\(name(node.votedFor))"]
        switch node.role {
        case .follower(let leader): words.append("leader=\(name(leader))")
        case .preCandidate(let votes): words.append("preVotes=\(votes)")
        case .candidate(let votes): words.append("votes=\(votes)")
        case .leader: break
        }
        words.append("commit=\(node.commitIndex) applied=\(node.lastApplied) log=\(node.log)")
        if case .leader(let progress) = node.role {
            words.append("next=[\(progress.nextIndex.map(String.init).joined(separator: ","))]")
            words.append("match=[\(progress.matchIndex.map(String.init).joined(separator: ","))]")
            if node.options.checkQuorum { words.append("recentlyActive=\(progress.recentlyActive)") }
            if progress.isPipelined {
                words.append(
                    "flow=[\(progress.flow.map { $0 == .replicate ? "replicate" : "probe" }.joined(separator: ","))]")
                words.append("inflight=[\(progress.inflight.map { "\($0)" }.joined(separator: ","))]")
            }
        }
        return words.joined(separator: " ")
    }

    /// Durable state on one line: `term=2 vote=s1 log=[1:x=1]`.
    static func describe(_ durable: DurableState) -> String {
        "term=\(durable.currentTerm) vote=\(name(durable.votedFor)) log=\(durable.log)"
    }

    /// A message on one line, with Figure 2's field names.
    ///
    /// `s1->s2 AppendEntries term=1 prevLogIndex=0 prevLogTerm=0 entries=[1:x=1] leaderCommit=0`
    static func describe(_ envelope: Envelope) -> String {
        let fields =
            switch envelope.message {
            case .requestVote(let request):
                "RequestVote term=\(request.term) lastLogIndex=\(request.lastLogIndex) lastLogTerm=\(request.lastLogTerm)"
            case .requestVoteResponse(let response):
                "RequestVoteResponse term=\(response.term) voteGranted=\(response.voteGranted)"
            case .preVote(let request):
                "PreVote term=\(request.term) lastLogIndex=\(request.lastLogIndex) lastLogTerm=\(request.lastLogTerm)"
            case .preVoteResponse(let response):
                "PreVoteResponse term=\(response.term) voteGranted=\(response.voteGranted)"
            case .appendEntries(let request):
                "AppendEntries term=\(request.term) prevLogIndex=\(request.prevLogIndex) "
                    + "prevLogTerm=\(request.prevLogTerm) entries=\(Log(request.entries)) leaderCommit=\(request.leaderCommit)"
            case .appendEntriesResponse(let response):
                "AppendEntriesResponse term=\(response.term) success=\(response.success) matchIndex=\(response.matchIndex)"
                    + (response.hasHint
                        ? " conflictTerm=\(response.conflictTerm) conflictIndex=\(response.conflictIndex)" : "")
            case .installSnapshot(let request):
                "InstallSnapshot term=\(request.term) lastIncludedIndex=\(request.snapshot.lastIncludedIndex) "
                    + "lastIncludedTerm=\(request.snapshot.lastIncludedTerm)"
            }
        return "\(envelope.from)->\(envelope.to) \(fields)"
    }

    private static func name(_ id: NodeID?) -> String { id.map(\.description) ?? "none" }

    // MARK: - Arguments

    /// A server named `2` or `s2`, which must be in the cluster.
    private func server(_ text: String) throws(CommandError) -> NodeID {
        let number = text.hasPrefix("s") ? Int(text.dropFirst()) : Int(text)
        guard let number, number >= 1, number <= nodes.count else {
            throw CommandError(description: "no server '\(text)' in a cluster of \(nodes.count)")
        }
        return NodeID(number - 1)
    }

    private func onlyServer(_ arguments: [String]) throws(CommandError) -> NodeID {
        guard arguments.count == 1 else { throw CommandError(description: "expected one server, got \(arguments)") }
        return try server(arguments[0])
    }

    /// The named servers, or nil (everyone) when none are named.
    private func servers(_ arguments: [String]) throws(CommandError) -> NodeSet? {
        if arguments.isEmpty { return nil }
        var set = NodeSet()
        for argument in arguments { set.insert(try server(argument)) }
        return set
    }

    /// `key=value` options by key, each allowed and given at most once (read by key, never
    /// iterated, so the dictionary's order cannot reach a transcript).
    private static func options(
        _ arguments: ArraySlice<String>, allowed: [String]
    ) throws(CommandError) -> [String: String] {
        var options: [String: String] = [:]
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, allowed.contains(parts[0]), options[parts[0]] == nil else {
                let allowedList = allowed.joined(separator: ", ")
                throw CommandError(description: "unexpected argument '\(argument)' (allowed: \(allowedList))")
            }
            options[parts[0]] = parts[1]
        }
        return options
    }

    /// `x=5`: the key by its printed name (`x`, `y`, `z`, `w`, `k4`, ...), then the value.
    private static func command(_ text: String) throws(CommandError) -> Command {
        let parts = text.split(separator: "=").map(String.init)
        guard parts.count == 2, let value = UInt16(parts[1]),
            let key = (0...UInt8.max).first(where: { Command(key: $0, value: 0).keyName == parts[0] })
        else { throw CommandError(description: "expected key=value, got '\(text)'") }
        return Command(key: key, value: value)
    }

    /// `2:x=5`: the entry's term, then its command.
    private static func entry(_ text: String) throws(CommandError) -> Entry {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let term = Int(parts[0]) else {
            throw CommandError(description: "expected term:key=value, got '\(text)'")
        }
        return Entry(term: term, command: try command(parts[1]))
    }
}
