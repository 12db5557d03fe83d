import RaftCore

// MARK: - ReadIndex's rows (the thesis, section 6.4)

extension CoverageClassifier {
    /// The server a get is delivered to; nil for every other client step.
    static func readSubject(of step: ClientAction) -> NodeID? {
        guard case .deliver(let message) = step, case .request(let command) = message.body, command.kind == .get
        else { return nil }
        return message.server
    }

    /// The row of a get delivered to a server running ReadIndex; nil without ReadIndex, where a
    /// get is an entry like any other.
    ///
    /// A non-leader redirects it; a leader defers it until an entry of its term commits,
    /// registers it with its heartbeat round, or answers it at once (a cluster of one, or a
    /// mutant).
    static func readRow(of step: ClientAction, role: CoverageRow.Role, before: RaftNode, after: RaftNode)
        -> CoverageRow?
    {
        guard before.options.readIndex, case .deliver(let message) = step, case .request(let command) = message.body
        else { return nil }
        guard before.isLeader else { return CoverageRow(role: role, input: .clientRead, outcome: .redirected) }
        let waiting: PendingRead? =
            if case .leader(let progress) = after.role { progress.reads.pending.first { $0.command == command } } else {
                nil
            }
        let outcome: CoverageRow.Outcome =
            switch waiting {
            case .none: .readAnswered
            case .some(let read): read.isDeferred ? .readDeferred : .readRegistered
            }
        return CoverageRow(role: role, input: .clientRead, outcome: outcome)
    }
}
