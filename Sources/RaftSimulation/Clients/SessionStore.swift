import RaftCore

/// What a client operation returned: a put's acknowledgement, the list of values a get read or
/// an append left, or whether a compare-and-set swapped.
public enum SessionResult: Hashable, Sendable, CustomStringConvertible {
    case done
    /// The key's values in write order: one after a put, one more per append; empty when absent.
    case values([UInt16])
    case swapped(Bool)

    /// `ok`, `[11,21]`, `true`: the spelling traces use.
    public var description: String {
        switch self {
        case .done: "ok"
        case .values(let values): "[" + values.map(String.init).joined(separator: ",") + "]"
        case .swapped(let swapped): swapped ? "true" : "false"
        }
    }

    /// Parses the spelling `description` writes.
    public init?(canonical text: String) {
        switch text {
        case "ok": self = .done
        case "true": self = .swapped(true)
        case "false": self = .swapped(false)
        default:
            guard text.first == "[", text.last == "]" else { return nil }
            let inner = text.dropFirst().dropLast()
            var values: [UInt16] = []
            if !inner.isEmpty {
                for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let value = UInt16(part) else { return nil }
                    values.append(value)
                }
            }
            self = .values(values)
            guard description == text else { return nil }
        }
    }
}

/// One server's state machine for session clients: the key-value store, and the session table
/// that makes every operation take effect at most once (the thesis, section 6.3).
///
/// Like `KeyValueStore` it is lost on a crash and rebuilt by re-applying the log, session table
/// included: the table is part of the replicated state, so every server deduplicates alike.
public struct SessionStore: Hashable, Sendable {
    /// Each key's values in write order (empty: absent); four keys, `x` to `w`.
    public internal(set) var values: [[UInt16]] = Array(repeating: [], count: 4)
    /// Per client: the last sequence number that took effect, and its result.
    public internal(set) var sessions: [SessionRecord]
    /// Every operation that took effect, in order, as `client << 16 | sequence`: what the
    /// exactly-once invariant reads (no operation may appear twice).
    public internal(set) var executed: [UInt32] = []

    /// One client's entry in the session table.
    public struct SessionRecord: Hashable, Sendable {
        public internal(set) var lastSequence = 0
        public internal(set) var result: SessionResult? = nil
    }

    public init(clientCount: Int) {
        sessions = Array(repeating: SessionRecord(), count: clientCount)
    }

    /// Applies a committed entry; only session commands touch this store.
    ///
    /// A command whose sequence number the session table has already seen is a retry (or a
    /// stale copy) and is skipped: its first result stays the answer.
    mutating func apply(_ entry: Entry, consultsSessions: Bool) {
        guard case .session(let command) = entry.payload, command.client < sessions.count else { return }
        if consultsSessions && sessions[command.client].lastSequence >= command.sequence { return }
        let result = execute(command)
        sessions[command.client] = SessionRecord(lastSequence: command.sequence, result: result)
        executed.append(UInt32(command.client) << 16 | UInt32(command.sequence))
    }

    /// The result of `command`, once it has taken effect here and is still the client's latest.
    public func result(of command: SessionCommand) -> SessionResult? {
        guard command.client < sessions.count, sessions[command.client].lastSequence == command.sequence else {
            return nil
        }
        return sessions[command.client].result
    }

    /// What a get served by ReadIndex returns: the key's values as this store holds them now,
    /// with no session entry, since a read changes nothing (the thesis, section 6.4).
    public func read(_ command: SessionCommand) -> SessionResult { .values(values[Int(command.key)]) }

    private mutating func execute(_ command: SessionCommand) -> SessionResult {
        let key = Int(command.key)
        switch command.kind {
        case .put:
            values[key] = [command.value]
            return .done
        case .get:
            return .values(values[key])
        case .append:
            values[key].append(command.value)
            return .values(values[key])
        case .compareAndSet:
            let current = values[key]
            let matches = command.expected.map { current == [$0] } ?? current.isEmpty
            if matches { values[key] = [command.value] }
            return .swapped(matches)
        }
    }
}
