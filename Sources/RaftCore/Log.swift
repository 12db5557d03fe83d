/// A Raft term number.
///
/// Terms start at 0 (no election held yet) and only grow.
public typealias Term = Int

/// A position in the log.
///
/// The first entry has index 1; index 0 means "before the first entry".
public typealias LogIndex = Int

/// A client command for the small key-value state machine: set `key` to `value`.
public struct Command: Hashable, Sendable, CustomStringConvertible {
    /// Which key to write; printed as a letter (`x`, `y`, `z`, `w`, then `k4`, ...).
    public var key: UInt8
    /// The value written.
    ///
    /// Clients number their requests, so values identify commands.
    public var value: UInt16

    public init(key: UInt8, value: UInt16) {
        self.key = key
        self.value = value
    }

    public var keyName: String {
        let names = ["x", "y", "z", "w"]
        return Int(key) < names.count ? names[Int(key)] : "k\(key)"
    }

    public var description: String { "\(keyName)=\(value)" }
}

/// What a log entry carries.
///
/// Besides client commands, a leader may append entries that exist for the protocol's own sake:
/// the no-op a new leader commits to learn which entries are committed (section 8).
public enum EntryPayload: Hashable, Sendable, CustomStringConvertible {
    /// A client command for the state machine.
    case command(Command)
    /// An entry with no effect on the state machine, appended by a new leader (section 8).
    case noOp
    /// A client operation of a session: the state machine applies it at most once per client
    /// and sequence number (the thesis, section 6.3).
    case session(SessionCommand)

    /// `x=1` for a command, `noop` for a no-op: the spelling traces use.
    public var description: String {
        switch self {
        case .command(let command): command.description
        case .noOp: "noop"
        case .session(let command): command.description
        }
    }
}

/// One log entry: what it carries and the term of the leader that created it (Figure 2).
public struct Entry: Hashable, Sendable, CustomStringConvertible {
    public var term: Term
    public var payload: EntryPayload

    public init(term: Term, payload: EntryPayload) {
        self.term = term
        self.payload = payload
    }

    /// An entry carrying a client command.
    public init(term: Term, command: Command) {
        self.init(term: term, payload: .command(command))
    }

    /// The client command this entry carries; nil for an entry the protocol appended itself.
    public var command: Command? {
        if case .command(let command) = payload { command } else { nil }
    }

    public var description: String { "\(term):\(payload)" }
}

/// A server's log, indexed from 1 as in the paper.
///
/// It wraps an array so that the off-by-one between the paper's 1-based indexes and Swift's
/// 0-based arrays lives in exactly one place.
public struct Log: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [Entry]

    public init(_ entries: [Entry] = []) { self.entries = entries }

    /// The index of the last entry, or 0 for an empty log.
    public var lastIndex: LogIndex { entries.count }

    /// The term of the last entry, or 0 for an empty log.
    public var lastTerm: Term { entries.last?.term ?? 0 }

    /// The term of the entry at `index`, 0 for index 0, nil past the end.
    public func term(at index: LogIndex) -> Term? {
        if index == 0 { return 0 }
        guard index >= 1 && index <= entries.count else { return nil }
        return entries[index - 1].term
    }

    /// The entry at `index` (1-based).
    ///
    /// The index must exist.
    public subscript(index: LogIndex) -> Entry {
        precondition(index >= 1 && index <= entries.count, "log index \(index) out of 1...\(entries.count)")
        return entries[index - 1]
    }

    /// The entries from `index` (1-based) to the end; empty when `index` is past the end.
    public func suffix(from index: LogIndex) -> [Entry] {
        guard index <= entries.count else { return [] }
        return Array(entries[(index - 1)...])
    }

    /// Whether this log begins with every entry of `other` (Leader Append-Only compares a
    /// leader's log before and after a step this way).
    public func extends(_ other: Log) -> Bool {
        other.lastIndex <= lastIndex && entries.starts(with: other.entries)
    }

    public mutating func append(_ entry: Entry) { entries.append(entry) }

    /// Deletes every entry after `index`, keeping `1...index`.
    public mutating func truncate(after index: LogIndex) {
        if index < entries.count { entries.removeSubrange(index...) }
    }

    /// Whether this log holds an entry at `index` with term `term` (index 0 always matches).
    public func matches(index: LogIndex, term: Term) -> Bool { self.term(at: index) == term }

    /// `[1:x=1 2:y=2]`: each entry as term and command, in index order from 1.
    public var description: String { "[" + entries.map(\.description).joined(separator: " ") + "]" }
}
