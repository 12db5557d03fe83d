extension Progress {
    /// Reassembles a leader's progress from every field it holds, as a state packer that stores
    /// queued servers as bytes decodes them.
    ///
    /// A packer's round-trip test holds a field added later to this list.
    public init(
        unpackingNextIndex nextIndex: [LogIndex], matchIndex: [LogIndex], recentlyActive: NodeSet, flow: [Flow],
        inflight: [[LogIndex]], reads: ReadIndexState = ReadIndexState()
    ) {
        self.nextIndex = nextIndex
        self.matchIndex = matchIndex
        self.recentlyActive = recentlyActive
        self.flow = flow
        self.inflight = inflight
        self.reads = reads
    }
}
