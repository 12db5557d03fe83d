import RaftCore

// MARK: - InstallSnapshot in trace lines and trace files (section 7)

extension ActionText {
    /// `InstallSnapshot s1->s2 term 2 last 3/2 state {5,0}`.
    static func describe(_ request: InstallSnapshot, route: String) -> String {
        "InstallSnapshot \(route) term \(request.term) last \(request.snapshot.lastIncludedIndex)/"
            + "\(request.snapshot.lastIncludedTerm) state \(request.snapshot.state)"
    }
}

extension ActionCodec {
    static func encode(_ request: InstallSnapshot) -> JSONValue {
        .object([
            ("type", .string("InstallSnapshot")), ("term", .integer(request.term)),
            ("lastIncludedIndex", .integer(request.snapshot.lastIncludedIndex)),
            ("lastIncludedTerm", .integer(request.snapshot.lastIncludedTerm)),
            ("state", encode(request.snapshot.state)),
        ])
    }

    /// A state machine's words, as JSON integers (the simulated store's words are small).
    static func encode(_ state: SnapshotState) -> JSONValue {
        .array(state.words.map { .integer(Int(truncatingIfNeeded: $0)) })
    }

    /// Reads the fields of an InstallSnapshot after its type and term.
    static func decodeInstallSnapshot(term: Term, _ reader: inout JSONObjectReader) throws(InputError) -> Message {
        let lastIncludedIndex = try reader.integer("lastIncludedIndex", in: 1...Int(Int32.max))
        let lastIncludedTerm = try reader.integer("lastIncludedTerm", in: 1...Int(Int32.max))
        let state = try decodeState(reader.array("state"), path: "\(reader.path).state")
        guard lastIncludedTerm <= term else {
            throw InputError(
                path: "\(reader.path).lastIncludedTerm",
                message: "\(lastIncludedTerm) is above the message's term \(term)")
        }
        return .installSnapshot(
            InstallSnapshot(
                term: term,
                snapshot: Snapshot(
                    lastIncludedIndex: lastIncludedIndex, lastIncludedTerm: lastIncludedTerm, state: state)
            ))
    }

    static func decodeState(_ items: [JSONValue], path: String) throws(InputError) -> SnapshotState {
        var words: [UInt64] = []
        for (offset, item) in items.enumerated() {
            let word = try JSONObjectReader.integer(item, path: "\(path)[\(offset)]", in: 0...Int.max)
            words.append(UInt64(word))
        }
        return SnapshotState(words: words)
    }
}
