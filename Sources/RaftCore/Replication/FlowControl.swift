// MARK: - Flow control of a pipelining leader (etcd-io/raft's Progress, probe and replicate)

extension Progress {
    /// Whether the leader may send `peer` another AppendEntries carrying entries now.
    ///
    /// There must be an entry to send, and room: a probed follower gets one message at a time,
    /// a replicated one up to `window` unacknowledged ones. Heartbeats ignore the window, so a
    /// follower whose messages were all lost still hears from the leader, and its reply (an
    /// acknowledgement or a rejection) frees the window again.
    func maySend(to peer: NodeID, window: Int, lastLogIndex: LogIndex) -> Bool {
        guard nextIndex[peer.index] <= lastLogIndex else { return false }
        switch flow[peer.index] {
        case .probe: return inflight[peer.index].isEmpty
        case .replicate: return inflight[peer.index].count < window
        }
    }

    /// Records an AppendEntries sent to `peer` whose last entry is `lastIndex`: it takes a place
    /// in the window, and a replicated follower's `nextIndex` moves past it before any reply.
    mutating func recordSent(to peer: NodeID, lastIndex: LogIndex) {
        inflight[peer.index].append(lastIndex)
        if flow[peer.index] == .replicate { nextIndex[peer.index] = lastIndex + 1 }
    }

    /// `peer` acknowledged holding the leader's entries up to `index`.
    ///
    /// `matchIndex` moves only here, and never backwards. A probed follower now streams, from
    /// right after what it holds; a replicated one frees every message the acknowledgement
    /// covers (a reply may answer a later message than the oldest, or arrive twice).
    mutating func acknowledge(_ index: LogIndex, by peer: NodeID) {
        let server = peer.index
        matchIndex[server] = max(matchIndex[server], index)
        switch flow[server] {
        case .probe:
            flow[server] = .replicate
            nextIndex[server] = matchIndex[server] + 1
            inflight[server] = []
        case .replicate:
            nextIndex[server] = max(nextIndex[server], matchIndex[server] + 1)
            inflight[server].removeAll { $0 <= index }
        }
    }

    /// Falls back to probing `peer` from `nextIndex`, one message at a time, with an empty window.
    mutating func probe(_ peer: NodeID, from nextIndex: LogIndex) {
        flow[peer.index] = .probe
        self.nextIndex[peer.index] = nextIndex
        inflight[peer.index] = []
    }
}

// MARK: - Batching and fast backtracking on the log

extension Log {
    /// The entries from `index` (1-based) on, at most `limit` of them when there is a limit;
    /// empty when `index` is past the end.
    func entries(from index: LogIndex, atMost limit: Int?) -> [Entry] {
        guard let limit, lastIndex - index + 1 > limit else { return suffix(from: index) }
        return entries(from: index, count: limit)
    }

    /// Where this log conflicts with a leader's AppendEntries whose `prevLogIndex` is `index`:
    /// the term this log holds there and the first index it holds for that term, or term 0 and
    /// the last index + 1 when the log is too short (the extended paper, section 5.3).
    ///
    /// The leader holds another term at `index`, and resending from where this log's term begins
    /// costs at most a few entries the follower already had, so the leader skips the whole term in
    /// one round trip rather than one entry per round trip.
    func conflict(at index: LogIndex) -> (term: Term, firstIndex: LogIndex) {
        guard index >= 1, let term = term(at: index) else { return (0, lastIndex + 1) }
        var firstIndex = index
        while firstIndex > baseIndex + 1 && self.term(at: firstIndex - 1) == term { firstIndex -= 1 }
        return (term, firstIndex)
    }
}
