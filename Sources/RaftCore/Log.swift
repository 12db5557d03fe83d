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
    /// The cluster's membership from this entry on, in effect on each server as soon as it
    /// appends it (the thesis, section 4.1).
    case configuration(Configuration)
    /// A client operation of a session: the state machine applies it at most once per client
    /// and sequence number (the thesis, section 6.3).
    case session(SessionCommand)

    /// `x=1` for a command, `noop` for a no-op, `config(voters={s1,s2})` for a configuration: the
    /// spelling traces use.
    public var description: String {
        switch self {
        case .command(let command): command.description
        case .noOp: "noop"
        case .configuration(let configuration): "config(\(configuration))"
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
/// 0-based arrays lives in exactly one place. After log compaction (section 7) the log starts
/// after a base: the last index and term a snapshot covers. That offset lives here too, so no
/// caller does index arithmetic of its own; with no snapshot the base is index 0, term 0.
public struct Log: Hashable, Sendable, CustomStringConvertible {
    /// The entries after `baseIndex`, in index order: index `i` is `entries[i - baseIndex - 1]`.
    public private(set) var entries: [Entry]
    /// The last index the server's snapshot covers (`lastIncludedIndex`, Figure 13), 0 without
    /// one; the entries up to it are discarded.
    public private(set) var baseIndex: LogIndex = 0
    /// The term of the entry at `baseIndex` (`lastIncludedTerm`), 0 without a snapshot.
    public private(set) var baseTerm: Term = 0

    public init(_ entries: [Entry] = []) { self.entries = entries }

    /// A log whose first `baseIndex` entries a snapshot covers, the last of them of `baseTerm`,
    /// followed by `entries`.
    public init(after baseIndex: LogIndex, baseTerm: Term, _ entries: [Entry] = []) {
        precondition(baseIndex >= 0 && (baseIndex > 0 || baseTerm == 0), "bad log base \(baseIndex)/\(baseTerm)")
        self.entries = entries
        self.baseIndex = baseIndex
        self.baseTerm = baseTerm
    }

    /// The index of the last entry, or the base index when no entry follows it (0 for an empty
    /// log).
    public var lastIndex: LogIndex { baseIndex + entries.count }

    /// The term of the last entry, or the base term when no entry follows it.
    public var lastTerm: Term { entries.last?.term ?? baseTerm }

    /// The term of the entry at `index`: the base term at the base index (0 for index 0), nil past
    /// the end and below the base, where the entry was compacted away.
    public func term(at index: LogIndex) -> Term? {
        if index == baseIndex { return baseTerm }
        guard index > baseIndex && index <= lastIndex else { return nil }
        return entries[index - baseIndex - 1].term
    }

    /// Whether the entry at `index` was discarded into a snapshot (the base itself included):
    /// its term is known only at the base, its payload nowhere in the log.
    public func isCompacted(_ index: LogIndex) -> Bool { index <= baseIndex && index >= 1 }

    /// The entry at `index` (1-based).
    ///
    /// The index must exist and be past the base.
    public subscript(index: LogIndex) -> Entry {
        precondition(
            index > baseIndex && index <= lastIndex, "log index \(index) out of \(baseIndex + 1)...\(lastIndex)")
        return entries[index - baseIndex - 1]
    }

    /// The entries from `index` (1-based) to the end; empty when `index` is past the end.
    ///
    /// `index` must be past the base.
    public func suffix(from index: LogIndex) -> [Entry] {
        precondition(index > baseIndex, "log index \(index) is compacted (base \(baseIndex))")
        guard index <= lastIndex else { return [] }
        return Array(entries[(index - baseIndex - 1)...])
    }

    /// `count` entries from `index` on, which must all exist past the base.
    func entries(from index: LogIndex, count: Int) -> [Entry] {
        precondition(index > baseIndex && index + count - 1 <= lastIndex)
        return Array(entries[(index - baseIndex - 1)..<(index - baseIndex - 1 + count)])
    }

    /// Whether this log begins with every entry of `other` (Leader Append-Only compares a
    /// leader's log before and after a step this way).
    ///
    /// Where either log was compacted, only what both still hold is compared, plus the term at
    /// the higher base: a snapshot keeps the entries it covers, it does not change them.
    public func extends(_ other: Log) -> Bool {
        guard other.lastIndex <= lastIndex else { return false }
        if baseIndex == other.baseIndex { return baseTerm == other.baseTerm && entries.starts(with: other.entries) }
        let base = max(baseIndex, other.baseIndex)
        // This log compacted past `other`'s end: what it covers is no longer here to compare.
        guard base <= other.lastIndex else { return true }
        guard term(at: base) == other.term(at: base) else { return false }
        return other.lastIndex == base || suffix(from: base + 1).starts(with: other.suffix(from: base + 1))
    }

    public mutating func append(_ entry: Entry) { entries.append(entry) }

    /// Deletes every entry after `index`, keeping `1...index`; `index` must not be below the base.
    public mutating func truncate(after index: LogIndex) {
        precondition(index >= baseIndex, "truncating at \(index), below the base \(baseIndex)")
        if index < lastIndex { entries.removeSubrange((index - baseIndex)...) }
    }

    /// Discards the entries up to `index`, which becomes the base (a snapshot now covers them).
    ///
    /// `index` must be held: at or past the base, at most the last index.
    public mutating func compact(through index: LogIndex) {
        precondition(index >= baseIndex && index <= lastIndex, "compacting through \(index), not in the log")
        guard index > baseIndex else { return }
        baseTerm = self[index].term
        entries.removeFirst(index - baseIndex)
        baseIndex = index
    }

    /// Discards every entry and starts the log after a snapshot's last included entry (Figure
    /// 13, InstallSnapshot receiver rule 7).
    public mutating func reset(after index: LogIndex, term: Term) {
        entries = []
        baseIndex = index
        baseTerm = term
    }

    /// Whether this log holds an entry at `index` with term `term` (index 0 always matches; the
    /// base matches its term; a compacted index matches nothing).
    public func matches(index: LogIndex, term: Term) -> Bool { self.term(at: index) == term }

    /// `[1:x=1 2:y=2]`: each entry as term and command, in index order from 1; a compacted log
    /// starts with its base, `[..3/2| 2:y=2]` (index 3, term 2).
    public var description: String {
        let base = baseIndex > 0 ? "..\(baseIndex)/\(baseTerm)|" + (entries.isEmpty ? "" : " ") : ""
        return "[" + base + entries.map(\.description).joined(separator: " ") + "]"
    }
}
