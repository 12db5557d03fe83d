import RaftCore

/// Client actions as people read them, in the style of `ActionText`.
public enum ClientActionText {
    /// One line, such as `client deliver ClientRequest c1->s2 c1#1:put(x,11)`.
    public static func describe(_ action: ClientAction) -> String {
        switch action {
        case .invoke(let command): "client invoke \(command)"
        case .deliver(let message): "client deliver \(describe(message))"
        case .drop(let message): "client drop \(describe(message))"
        case .duplicate(let message): "client duplicate \(describe(message))"
        case .timeout(let client): "client timeout c\(client + 1)"
        }
    }

    /// A client message with its endpoints.
    public static func describe(_ message: ClientMessage) -> String {
        let command = message.command
        switch message.body {
        case .request: return "ClientRequest \(command.clientName)->\(message.server) \(command)"
        case .reply(_, let result): return "ClientReply \(message.server)->\(command.clientName) \(command) = \(result)"
        case .redirect(_, let leader):
            return
                "ClientRedirect \(message.server)->\(command.clientName) \(command) leader \(leader.map(\.description) ?? "unknown")"
        }
    }
}

/// Encodes and decodes client actions for trace files (`specs/trace-format.md`).
enum ClientActionCodec {
    static let verbs: Set<String> = ["clientInvoke", "clientDeliver", "clientDrop", "clientDuplicate", "clientTimeout"]

    static func encode(_ action: ClientAction) -> JSONValue {
        switch action {
        case .invoke(let command):
            .object([("action", .string("clientInvoke")), ("command", .string(command.description))])
        case .deliver(let message): encode("clientDeliver", message)
        case .drop(let message): encode("clientDrop", message)
        case .duplicate(let message): encode("clientDuplicate", message)
        case .timeout(let client):
            .object([("action", .string("clientTimeout")), ("client", .string("c\(client + 1)"))])
        }
    }

    private static func encode(_ verb: String, _ message: ClientMessage) -> JSONValue {
        var fields: [(String, JSONValue)] = [("command", .string(message.command.description))]
        switch message.body {
        case .request: fields.insert(("type", .string("ClientRequest")), at: 0)
        case .reply(_, let result):
            fields.insert(("type", .string("ClientReply")), at: 0)
            fields.append(("result", .string(result.description)))
        case .redirect(_, let leader):
            fields.insert(("type", .string("ClientRedirect")), at: 0)
            fields.append(("leader", leader.map { .string($0.description) } ?? .null))
        }
        return .object([
            ("action", .string(verb)), ("server", .string(message.server.description)), ("message", .object(fields)),
        ])
    }

    static func decode(
        _ verb: String, from reader: inout JSONObjectReader, path: String, servers: Int
    ) throws(InputError) -> ClientAction {
        switch verb {
        case "clientInvoke":
            return .invoke(try command(reader.string("command"), path: "\(path).command"))
        case "clientTimeout":
            let text = try reader.string("client")
            guard text.first == "c", let number = Int(text.dropFirst()),
                (1...SessionCommand.maxClients).contains(number),
                "c\(number)" == text
            else {
                throw InputError(
                    path: "\(path).client",
                    message: "expected a client name c1 to c3, found \(UntrustedText.quoted(text))")
            }
            return .timeout(client: number - 1)
        default:
            let server = try ActionCodec.node(reader.string("server"), path: "\(path).server", servers: servers)
            var body = try reader.object("message")
            let type = try body.string("type")
            let command = try command(body.string("command"), path: "\(body.path).command")
            let message: ClientMessage
            switch type {
            case "ClientRequest": message = ClientMessage(server: server, body: .request(command))
            case "ClientReply":
                let text = try body.string("result")
                guard let result = SessionResult(canonical: text) else {
                    throw InputError(
                        path: "\(body.path).result",
                        message: "expected a result like ok, [11,21] or true, found \(UntrustedText.quoted(text))")
                }
                message = ClientMessage(server: server, body: .reply(command, result))
            case "ClientRedirect":
                var leader: NodeID? = nil
                if let text = try body.optionalString("leader") {
                    leader = try ActionCodec.node(text, path: "\(body.path).leader", servers: servers)
                }
                message = ClientMessage(server: server, body: .redirect(command, leader: leader))
            default:
                throw InputError(
                    path: "\(body.path).type", message: "unknown client message type \(UntrustedText.quoted(type))")
            }
            try body.finish()
            switch verb {
            case "clientDeliver": return .deliver(message)
            case "clientDrop": return .drop(message)
            default: return .duplicate(message)
            }
        }
    }

    private static func command(_ text: String, path: String) throws(InputError) -> SessionCommand {
        guard let command = SessionCommand(canonical: text) else {
            throw InputError(
                path: path,
                message: "expected a session command like \"c1#1:put(x,11)\", found \(UntrustedText.quoted(text))")
        }
        return command
    }
}

/// Reads the clients' spec fields (`specs/README.md`): written only when clients are on.
public enum ClientSpecCodec {
    /// Reads `clients`, `maxClientOperations` and `maxRetries` from `reader` into `spec`, after
    /// its protocol switches: clients turn the leader's no-op on, and refuse it explicitly off.
    public static func decode(
        from reader: inout JSONObjectReader, into spec: inout WorldSpec, protocolFrom protocolValue: JSONValue? = nil
    ) throws(InputError) {
        let base = reader.path
        let child = { (key: String) in base.isEmpty ? key : "\(base).\(key)" }
        let clients = try reader.optionalInteger("clients", in: 0...SessionCommand.maxClients) ?? 0
        let operations = try reader.optionalInteger("maxClientOperations", in: 0...SessionCommand.maxSequence)
        let retries = try reader.optionalInteger("maxRetries", in: 0...1_000)
        let workload = try reader.optionalInteger("clientWorkload", in: 1...Int(Int32.max))
        guard clients > 0 else {
            if operations != nil || retries != nil || workload != nil {
                throw InputError(
                    path: child("clients"),
                    message: "maxClientOperations, maxRetries and clientWorkload need clients (1 to 3)")
            }
            return
        }
        spec.clientWorkload = workload
        // Clients need the leader's no-op (section 8): without it a new leader cannot know what is
        // committed, and a client's retried command would wait for another client to commit it.
        if let options = (protocolValue ?? reader.optional("protocol"))?.objectValue,
            options.first(where: { $0.key == "leaderNoOp" })?.value == .bool(false)
        {
            throw InputError(
                path: protocolValue == nil ? child("protocol.leaderNoOp") : "protocol.leaderNoOp",
                message: "clients need the leader's no-op: remove this or set it true")
        }
        spec.clients = clients
        spec.maxClientOperations = operations ?? 2
        spec.maxRetries = retries ?? 1
        spec.options.leaderNoOp = true
    }
}
