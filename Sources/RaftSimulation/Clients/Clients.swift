import RaftCore

/// The session clients of a world, the messages between them and the servers, the servers'
/// session state machines, and the ghost history of every operation: present only when the spec
/// turns clients on (`WorldSpec.clients`), so that a world without them is what it always was.
///
/// Clients sit outside the servers' partition: every client can reach every server, as Jepsen's
/// clients do, so a server cut off from the majority still hears its clients (the stale-read
/// scenarios need exactly that). Their messages may still be lost, duplicated or left waiting
/// for a crashed server.
public struct Clients: Hashable, Sendable {
    /// One per client, indexed by `SessionCommand.client`.
    public internal(set) var sessions: [ClientSession]
    /// Requests and replies in flight, kept sorted (see `World.network`).
    public internal(set) var inFlight: [ClientMessage]
    /// One per server, indexed by `NodeID.index`: the state machine session commands apply to.
    public internal(set) var machines: [SessionStore]
    /// Ghost history: every operation a client invoked, in invocation order.
    public internal(set) var history: [ClientHistoryRecord]
    /// Logical time of the history: one tick per invocation and per completion.
    public internal(set) var clock: Int
    /// Whether the state machines consult their session table; only a mutant turns it off.
    public let consultsSessions: Bool

    public init(clientCount: Int, serverCount: Int, consultsSessions: Bool = true) {
        precondition((1...SessionCommand.maxClients).contains(clientCount))
        sessions = (0..<clientCount).map { ClientSession(target: NodeID($0 % serverCount)) }
        inFlight = []
        machines = Array(repeating: SessionStore(clientCount: clientCount), count: serverCount)
        history = []
        clock = 0
        self.consultsSessions = consultsSessions
    }

    /// The history record of `command`'s operation: the last one its client invoked with that
    /// sequence number.
    public func recordIndex(of command: SessionCommand) -> Int? {
        history.lastIndex { $0.command.client == command.client && $0.command.sequence == command.sequence }
    }

    /// How many operations have completed (ok or given up).
    public var completedCount: Int { history.reduce(0) { $0 + ($1.outcome.isPending ? 0 : 1) } }

    mutating func enqueue(_ message: ClientMessage) {
        let key = message.sortKey
        var low = 0
        var high = inFlight.count
        while low < high {
            let mid = (low + high) / 2
            if inFlight[mid].sortKey.lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        inFlight.insert(message, at: low)
    }

    @discardableResult
    mutating func removeOne(_ message: ClientMessage) -> Bool {
        guard let position = inFlight.firstIndex(of: message) else { return false }
        inFlight.remove(at: position)
        return true
    }
}

/// One client: its next sequence number, the operation it waits on, and where it sends it.
public struct ClientSession: Hashable, Sendable {
    /// Operations invoked so far; the next one gets sequence number `issued + 1`.
    public internal(set) var issued = 0
    /// The operation sent and not yet answered, if any: a client issues one at a time.
    public internal(set) var pending: SessionCommand? = nil
    /// The server the client believes leads, where its next send goes.
    public internal(set) var target: NodeID
    /// Whether `target` came from a redirect or a reply since the last send: a timeout then
    /// sends there rather than moving on to the next server.
    public internal(set) var targetIsFresh = false
    /// Sends of `pending` after the first.
    public internal(set) var retries = 0

    public init(target: NodeID) { self.target = target }
}

/// A message between a client and a server; the client is the command's.
public struct ClientMessage: Hashable, Sendable {
    /// The server the request goes to, or the reply comes from.
    public var server: NodeID
    public var body: Body

    public enum Body: Hashable, Sendable {
        /// The client asks the server to carry out the command.
        case request(SessionCommand)
        /// The leader applied the command, with this result.
        case reply(SessionCommand, SessionResult)
        /// The server does not lead; `leader` is the one it knows, if any.
        case redirect(SessionCommand, leader: NodeID?)
    }

    public init(server: NodeID, body: Body) {
        self.server = server
        self.body = body
    }

    /// The command the message is about.
    public var command: SessionCommand {
        switch body {
        case .request(let command), .reply(let command, _), .redirect(let command, _): command
        }
    }

    /// Whether it travels from the client to the server.
    public var isRequest: Bool {
        if case .request = body { return true }
        return false
    }

    /// A total order by content, so that a bag of messages has one sorted form.
    var sortKey: [UInt64] {
        var words = [UInt64(server.index), command.packed]
        switch body {
        case .request: words.append(0)
        case .reply(_, let result):
            words.append(1)
            switch result {
            case .done: words.append(0)
            case .swapped(let swapped): words.append(swapped ? 2 : 1)
            case .values(let values): words.append(3 + UInt64(values.count)); words += values.map(UInt64.init)
            }
        case .redirect(_, let leader): words.append(2 | UInt64(leader.map { $0.index + 1 } ?? 0) << 8)
        }
        return words
    }
}

/// One operation in the ghost history.
public struct ClientHistoryRecord: Hashable, Sendable {
    public var command: SessionCommand
    /// The history clock when the client invoked it.
    public var invokedAt: Int
    public var outcome: ClientOutcome
    /// A second, different result the client received for the same request after it completed:
    /// nil unless exactly-once is broken.
    public var contradictingResult: SessionResult? = nil
}

/// How an operation ended, as far as its client knows.
public enum ClientOutcome: Hashable, Sendable {
    /// Sent, not answered yet; at the end of a run it reads as unknown.
    case pending
    /// The client received the result at history time `at`.
    case ok(SessionResult, at: Int)
    /// The client gave up at history time `at`, after its last retry: the operation may or may
    /// not take effect, then or later.
    case gaveUp(at: Int)

    public var isPending: Bool {
        if case .pending = self { return true }
        return false
    }
}

/// A step of the clients: one of the world's actions (`Action.client`).
public enum ClientAction: Hashable, Sendable {
    /// A client without a pending operation invokes the next one and sends it to its target.
    case invoke(SessionCommand)
    /// The network hands a client message to its receiver.
    case deliver(ClientMessage)
    /// The network loses a client message (from the spec's drop budget).
    case drop(ClientMessage)
    /// The network delivers a client message twice (from the spec's duplicate budget).
    case duplicate(ClientMessage)
    /// A client's request timer fires: it sends its pending operation again, to its target if a
    /// redirect or reply named one since the last send, else to the next server; past its last
    /// retry it gives up instead.
    case timeout(client: Int)
}
