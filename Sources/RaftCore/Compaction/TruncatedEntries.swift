/// Entries a truncation removed from a server's log, kept on its disk under RB-18's mutant only.
///
/// etcd's write-ahead log is an append-only list of records: a truncation is not written as
/// such, it is implied by a later entry whose index is already in use (RB-18, etcd #22442). A
/// replay that skips the records at or below the snapshot it starts from skips those implied
/// truncations too, and the entries they removed come back. Only the mutant needs to remember
/// them, so the correct Raft's disks hold none and its states are the ones they always were.
public struct TruncatedEntries: Hashable, Sendable, CustomStringConvertible {
    /// The index of the overwriting entry, where the truncation began: the first removed entry's.
    public var firstIndex: LogIndex
    /// The removed entries, from `firstIndex` on.
    public var entries: [Entry]

    public init(firstIndex: LogIndex, entries: [Entry]) {
        precondition(firstIndex >= 1 && !entries.isEmpty, "a truncation removes at least one entry")
        self.firstIndex = firstIndex
        self.entries = entries
    }

    /// `3:[1:x=1 1:y=2]`: the first removed index, then the removed entries.
    public var description: String { "\(firstIndex):[" + entries.map(\.description).joined(separator: " ") + "]" }
}

/// RB-18's truncation records on the heap, never changed once made; `RaftNode` and
/// `DurableState` hold one only while there are records, nil otherwise.
///
/// Out of line because only RB-18's mutant ever has records: inline, the empty array was one more
/// reference in every server and every disk, retained and released on each copy of a world the
/// checker explores. Setters replace the box rather than write through it, so values sharing one
/// stay independent.
@usableFromInline
final class TruncationsBox: Hashable, Sendable {
    let records: [TruncatedEntries]

    init(_ records: [TruncatedEntries]) { self.records = records }

    /// A box for `records`, nil when there are none: what the holders store.
    static func unlessEmpty(_ records: [TruncatedEntries]) -> TruncationsBox? {
        records.isEmpty ? nil : TruncationsBox(records)
    }

    @usableFromInline
    static func == (lhs: TruncationsBox, rhs: TruncationsBox) -> Bool { lhs === rhs || lhs.records == rhs.records }

    @usableFromInline
    func hash(into hasher: inout Hasher) { hasher.combine(records) }
}

extension RaftNode {
    /// Under RB-18's mutant, remembers on disk the entries after `index` that a truncation is
    /// about to remove; otherwise nothing.
    mutating func recordTruncation(after index: LogIndex) {
        guard deviates(.recoveryResurrectsTruncated), index < log.lastIndex else { return }
        truncated.append(TruncatedEntries(firstIndex: index + 1, entries: log.suffix(from: index + 1)))
    }
}

extension DurableState {
    /// The disk as a restart under `mutant` reads it back: itself, except under RB-18's mutant,
    /// whose replay ignores every truncation that began at or below the snapshot's last index, so
    /// the entries it removed past the log's end come back (etcd #22442: a ghost 5/1 after 4/2).
    ///
    /// The world restarts a server from this; the server keeps its disk's records as they were.
    public func recovered(under mutant: Mutant?) -> DurableState {
        guard mutant == .recoveryResurrectsTruncated, let snapshot else { return self }
        var recovered = self
        for record in truncated where record.firstIndex <= snapshot.lastIncludedIndex {
            let lastIndex = recovered.log.lastIndex
            let beyond = lastIndex + 1 - record.firstIndex
            guard beyond < record.entries.count else { continue }
            for entry in record.entries[beyond...] { recovered.log.append(entry) }
        }
        return recovered
    }
}
