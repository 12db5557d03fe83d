import RaftCore

/// Actions as people read them and as trace files store them: by meaning (who sent what to whom,
/// with terms and indexes), never by a position in some list.
public enum ActionText {
    /// One line, such as `deliver AppendEntries s1->s2 term 1 prev 0/0 entries [1:x=1] commit 0`.
    public static func describe(_ action: Action) -> String {
        switch action {
        case .deliver(let envelope): "deliver \(describe(envelope))"
        case .drop(let envelope): "drop \(describe(envelope))"
        case .duplicate(let envelope): "duplicate \(describe(envelope))"
        case .electionTimeout(let node): "election timeout \(node)"
        case .heartbeatTimeout(let node): "heartbeat timeout \(node)"
        case .clientRequest(let node, let command): "client request \(command) to \(node)"
        case .crash(let node): "crash \(node)"
        case .restart(let node): "restart \(node)"
        case .partition(let side): "partition \(side) from the rest"
        case .heal: "heal"
        case .proposeChange(let node, let change): "propose \(change) to \(node)"
        case .takeSnapshot(let node): "take snapshot \(node)"
        case .client(let action): ClientActionText.describe(action)
        }
    }

    /// A message with its endpoints, such as `RequestVote s1->s2 term 2 last 1/1`.
    public static func describe(_ envelope: Envelope) -> String {
        let route = "\(envelope.from)->\(envelope.to)"
        switch envelope.message {
        case .requestVote(let request):
            return "RequestVote \(route) term \(request.term) last \(request.lastLogIndex)/\(request.lastLogTerm)"
        case .requestVoteResponse(let response):
            return "RequestVoteResponse \(route) term \(response.term) \(response.voteGranted ? "granted" : "denied")"
        case .preVote(let request):
            return "PreVote \(route) term \(request.term) last \(request.lastLogIndex)/\(request.lastLogTerm)"
        case .preVoteResponse(let response):
            return "PreVoteResponse \(route) term \(response.term) \(response.voteGranted ? "granted" : "denied")"
        case .appendEntries(let request):
            let entries = request.entries.map(\.description).joined(separator: " ")
            return "AppendEntries \(route) term \(request.term) prev \(request.prevLogIndex)/\(request.prevLogTerm) "
                + "entries [\(entries)] commit \(request.leaderCommit)"
                + (request.readRound > 0 ? " read \(request.readRound)" : "")
        case .appendEntriesResponse(let response):
            return "AppendEntriesResponse \(route) term \(response.term) "
                + (response.success ? "success match \(response.matchIndex)" : "reject")
                + (response.hasHint ? " conflict \(response.conflictIndex)/\(response.conflictTerm)" : "")
                + (response.readRound > 0 ? " read \(response.readRound)" : "")
        case .installSnapshot(let request):
            return describe(request, route: route)
        }
    }
}

/// Encodes and decodes actions for trace files.
public enum ActionCodec {
    public static func encode(_ action: Action) -> JSONValue {
        switch action {
        case .deliver(let envelope): encode("deliver", envelope)
        case .drop(let envelope): encode("drop", envelope)
        case .duplicate(let envelope): encode("duplicate", envelope)
        case .electionTimeout(let node): .object([("action", .string("electionTimeout")), ("server", name(node))])
        case .heartbeatTimeout(let node): .object([("action", .string("heartbeatTimeout")), ("server", name(node))])
        case .clientRequest(let node, let command):
            .object([
                ("action", .string("clientRequest")), ("server", name(node)), ("command", .string(command.description)),
            ])
        case .crash(let node): .object([("action", .string("crash")), ("server", name(node))])
        case .restart(let node): .object([("action", .string("restart")), ("server", name(node))])
        case .partition(let side):
            .object([("action", .string("partition")), ("side", .array(side.members.map(name)))])
        case .heal: .object([("action", .string("heal"))])
        case .proposeChange(let node, let change):
            .object([
                ("action", .string("proposeChange")), ("server", name(node)), ("change", .string(change.description)),
            ])
        case .takeSnapshot(let node): .object([("action", .string("takeSnapshot")), ("server", name(node))])
        case .client(let action): ClientActionCodec.encode(action)
        }
    }

    private static func name(_ node: NodeID) -> JSONValue { .string(node.description) }

    private static func encode(_ verb: String, _ envelope: Envelope) -> JSONValue {
        .object([
            ("action", .string(verb)), ("from", name(envelope.from)), ("to", name(envelope.to)),
            ("message", encode(envelope.message)),
        ])
    }

    public static func encode(_ message: Message) -> JSONValue {
        switch message {
        case .requestVote(let request):
            .object([
                ("type", .string("RequestVote")), ("term", .integer(request.term)),
                ("lastLogIndex", .integer(request.lastLogIndex)), ("lastLogTerm", .integer(request.lastLogTerm)),
            ])
        case .requestVoteResponse(let response):
            .object([
                ("type", .string("RequestVoteResponse")), ("term", .integer(response.term)),
                ("voteGranted", .bool(response.voteGranted)),
            ])
        case .preVote(let request):
            .object([
                ("type", .string("PreVote")), ("term", .integer(request.term)),
                ("lastLogIndex", .integer(request.lastLogIndex)), ("lastLogTerm", .integer(request.lastLogTerm)),
            ])
        case .preVoteResponse(let response):
            .object([
                ("type", .string("PreVoteResponse")), ("term", .integer(response.term)),
                ("voteGranted", .bool(response.voteGranted)),
            ])
        case .appendEntries(let request):
            // The read round only when there is one (ReadIndex), as the hint below.
            .object(
                [
                    ("type", .string("AppendEntries")), ("term", .integer(request.term)),
                    ("prevLogIndex", .integer(request.prevLogIndex)), ("prevLogTerm", .integer(request.prevLogTerm)),
                    ("entries", .array(request.entries.map { .string($0.description) })),
                    ("leaderCommit", .integer(request.leaderCommit)),
                ] + (request.readRound > 0 ? [("readRound", .integer(request.readRound))] : []))
        case .appendEntriesResponse(let response):
            // The fast-backtracking hint only when there is one, so that Figure 2's traces are
            // written exactly as before the hint existed.
            .object(
                [
                    ("type", .string("AppendEntriesResponse")), ("term", .integer(response.term)),
                    ("success", .bool(response.success)), ("matchIndex", .integer(response.matchIndex)),
                ]
                    + (response.hasHint
                        ? [
                            ("conflictTerm", .integer(response.conflictTerm)),
                            ("conflictIndex", .integer(response.conflictIndex)),
                        ] : [])
                    + (response.readRound > 0 ? [("readRound", .integer(response.readRound))] : []))
        case .installSnapshot(let request):
            encode(request)
        }
    }

    /// Decodes one action; `servers` bounds the server names accepted.
    public static func decode(_ value: JSONValue, path: String, servers: Int) throws(InputError) -> Action {
        var reader = try JSONObjectReader(value, path: path)
        let verb = try reader.string("action")
        func server(_ key: String) throws(InputError) -> NodeID {
            try node(reader.string(key), path: "\(path).\(key)", servers: servers)
        }
        let action: Action
        switch verb {
        case "deliver", "drop", "duplicate":
            let envelope = try Envelope(
                from: server("from"), to: server("to"), message: decodeMessage(reader.object("message")))
            action = verb == "deliver" ? .deliver(envelope) : verb == "drop" ? .drop(envelope) : .duplicate(envelope)
        case "electionTimeout": action = .electionTimeout(try server("server"))
        case "heartbeatTimeout": action = .heartbeatTimeout(try server("server"))
        case "clientRequest":
            let target = try server("server")
            action = .clientRequest(target, try command(reader.string("command"), path: "\(path).command"))
        case "crash": action = .crash(try server("server"))
        case "restart": action = .restart(try server("server"))
        case "partition":
            var side = NodeSet()
            for (offset, item) in try reader.array("side").enumerated() {
                let itemPath = "\(path).side[\(offset)]"
                guard let text = item.stringValue else {
                    throw InputError(path: itemPath, message: "expected a server name")
                }
                side.insert(try node(text, path: itemPath, servers: servers))
            }
            action = .partition(side)
        case "heal": action = .heal
        case "proposeChange":
            let target = try server("server")
            action = .proposeChange(
                target, try change(reader.string("change"), path: "\(path).change", servers: servers))
        case "takeSnapshot": action = .takeSnapshot(try server("server"))
        case _ where ClientActionCodec.verbs.contains(verb):
            action = .client(try ClientActionCodec.decode(verb, from: &reader, path: path, servers: servers))
        default:
            throw InputError(path: "\(path).action", message: "unknown action \(UntrustedText.quoted(verb))")
        }
        try reader.finish()
        return action
    }

    private static func decodeMessage(_ reader: JSONObjectReader) throws(InputError) -> Message {
        var reader = reader
        let type = try reader.string("type")
        let term = try reader.integer("term", in: 0...Int(Int32.max))
        let message: Message
        switch type {
        case "RequestVote", "PreVote":
            let request = RequestVote(
                term: term, lastLogIndex: try reader.integer("lastLogIndex", in: 0...Int(Int32.max)),
                lastLogTerm: try reader.integer("lastLogTerm", in: 0...Int(Int32.max)))
            message = type == "PreVote" ? .preVote(request) : .requestVote(request)
        case "RequestVoteResponse", "PreVoteResponse":
            let response = RequestVoteResponse(term: term, voteGranted: try reader.bool("voteGranted"))
            message = type == "PreVoteResponse" ? .preVoteResponse(response) : .requestVoteResponse(response)
        case "AppendEntries":
            var entries: [Entry] = []
            for (offset, item) in try reader.array("entries").enumerated() {
                let itemPath = "\(reader.path).entries[\(offset)]"
                guard let text = item.stringValue else {
                    throw InputError(path: itemPath, message: "expected \"term:key=value\"")
                }
                entries.append(try entry(text, path: itemPath))
            }
            message = .appendEntries(
                AppendEntries(
                    term: term, prevLogIndex: try reader.integer("prevLogIndex", in: 0...Int(Int32.max)),
                    prevLogTerm: try reader.integer("prevLogTerm", in: 0...Int(Int32.max)), entries: entries,
                    leaderCommit: try reader.integer("leaderCommit", in: 0...Int(Int32.max)),
                    readRound: try reader.optionalInteger("readRound", in: 1...Int(Int32.max)) ?? 0))
        case "AppendEntriesResponse":
            let success = try reader.bool("success")
            let matchIndex = try reader.integer("matchIndex", in: 0...Int(Int32.max))
            // A hint is written only when present, so it is never an explicit 0.
            let conflictTerm = try reader.optionalInteger("conflictTerm", in: 0...Int(Int32.max))
            let conflictIndex = try reader.optionalInteger("conflictIndex", in: 1...Int(Int32.max))
            if (conflictTerm == nil) != (conflictIndex == nil) {
                throw InputError(
                    path: reader.path, message: "conflictTerm and conflictIndex come together or not at all")
            }
            message = .appendEntriesResponse(
                AppendEntriesResponse(
                    term: term, success: success, matchIndex: matchIndex, conflictTerm: conflictTerm ?? 0,
                    conflictIndex: conflictIndex ?? 0,
                    readRound: try reader.optionalInteger("readRound", in: 1...Int(Int32.max)) ?? 0))
        case "InstallSnapshot":
            message = try decodeInstallSnapshot(term: term, &reader)
        default:
            throw InputError(path: "\(reader.path).type", message: "unknown message type \(UntrustedText.quoted(type))")
        }
        try reader.finish()
        return message
    }

    /// Parses a server name, accepting only the spelling traces are written with (`s1`, never
    /// `s01` or `s+1`), so that one server has one name in every file.
    static func node(_ text: String, path: String, servers: Int) throws(InputError) -> NodeID {
        guard let node = NodeID(name: text), node.index < servers else {
            throw InputError(
                path: path, message: "\(UntrustedText.quoted(text)) is not a server of this \(servers)-server spec")
        }
        guard node.description == text else {
            throw InputError(path: path, message: "\(UntrustedText.quoted(text)) is not canonical (write \"\(node)\")")
        }
        return node
    }

    /// Parses `x=3` (key name, then value), accepting only the spelling `Command.description`
    /// writes: `x` and never `k0`, `3` and never `03`.
    static func command(_ text: String, path: String) throws(InputError) -> Command {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false)
        let keys = ["x", "y", "z", "w"]
        guard parts.count == 2, let value = UInt16(parts[1]) else {
            throw InputError(
                path: path, message: "expected a command like \"x=3\", found \(UntrustedText.quoted(text))")
        }
        let keyName = String(parts[0])
        if keyName.isEmpty {
            throw InputError(path: path, message: "empty key name in \(UntrustedText.quoted(text))")
        }
        var command: Command? = nil
        if let key = keys.firstIndex(of: keyName) {
            command = Command(key: UInt8(key), value: value)
        } else if keyName.hasPrefix("k"), let key = UInt8(keyName.dropFirst()) {
            command = Command(key: key, value: value)
        }
        guard let command else {
            throw InputError(
                path: path,
                message: "unknown key \(UntrustedText.quoted(keyName)) in \(UntrustedText.quoted(text))")
        }
        guard command.description == text else {
            throw InputError(
                path: path,
                message: "\(UntrustedText.quoted(text)) is not canonical (write \"\(command)\")")
        }
        return command
    }

    /// Parses `2:x=3` (term, then command), `2:noop`, `2:config(voters={s1,s2})` or a session command
    /// `2:c1#1:put(x,11)`, accepting only the spelling
    /// `Entry.description` writes and terms in the range messages accept.
    static func entry(_ text: String, path: String) throws(InputError) -> Entry {
        guard let colon = text.firstIndex(of: ":"), let term = Int(text[..<colon]), (0...Int(Int32.max)).contains(term)
        else {
            throw InputError(
                path: path, message: "expected an entry like \"2:x=3\", found \(UntrustedText.quoted(text))")
        }
        let payloadText = String(text[text.index(after: colon)...])
        let entry =
            if payloadText == EntryPayload.noOp.description {
                Entry(term: term, payload: .noOp)
            } else if payloadText.hasPrefix("config(") {
                Entry(term: term, payload: .configuration(try configuration(payloadText, path: path)))
            } else if payloadText.first == "c", let session = SessionCommand(canonical: payloadText) {
                Entry(term: term, payload: .session(session))
            } else {
                Entry(term: term, command: try command(payloadText, path: path))
            }
        guard entry.description == text else {
            throw InputError(
                path: path,
                message: "\(UntrustedText.quoted(text)) is not canonical (write \"\(entry)\")")
        }
        return entry
    }
}
