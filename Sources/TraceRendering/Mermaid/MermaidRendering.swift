import RaftCore
import RaftSimulation

/// A run as a Mermaid sequence diagram, inside a Markdown code block, so that it renders where
/// Markdown does: pull requests, issues, wikis.
///
/// Delivered messages are arrows drawn at the step that delivered them; drops end in a cross;
/// timeouts, client requests, crashes, restarts, partitions, elections and commits are notes on
/// the servers involved. The violating step sits in a red box with the violation in words. Every
/// label starts with its step number so that it can be matched with the text rendering. The elided
/// middle of a long run is one note with its counts.
public enum MermaidRendering {
    public static func render(_ timeline: Timeline) -> String {
        var lines = ["```mermaid", "sequenceDiagram"]
        let servers = NodeID.all(timeline.serverCount)
        for server in servers { lines.append("    participant \(server)") }
        let everyone = servers.count == 1 ? "\(servers[0])" : "\(servers.first!),\(servers.last!)"
        for step in timeline.steps {
            if let elided = timeline.elided, step.number == elided.last + 1 {
                lines.append("    Note over \(everyone): \(escape(elided.summary))")
            }
            let violating = step.number == timeline.violatingStep
            if violating { lines.append("    rect rgb(255, 221, 221)") }
            // Events join the note over the same servers: the action's own, or one note per place.
            var notes: [(place: String, text: String)] = []
            let action = actionLine(step, everyone: everyone)
            if action.hasPrefix("Note over ") {
                let colon = action.firstIndex(of: ":")!
                notes.append(
                    (String(action[..<colon].dropFirst(10)), String(action[action.index(colon, offsetBy: 2)...])))
            } else {
                lines.append("    " + action)
            }
            for event in step.events {
                let place = event.place(everyone: everyone)
                if let position = notes.firstIndex(where: { $0.place == place }) {
                    notes[position].text += ", " + escape(event.description)
                } else {
                    notes.append((place, escape(event.description)))
                }
            }
            lines.append(contentsOf: notes.map { "    Note over \($0.place): \($0.text)" })
            if violating, let violation = timeline.violation {
                let sentence = ViolationWords.sentence(violation, in: timeline)
                let over = violation.servers.isEmpty ? everyone : span(violation.servers)
                lines.append("    Note over \(over): VIOLATION \(violation.invariant.rawValue): \(escape(sentence))")
                lines.append("    end")
            }
        }
        if let divergence = timeline.divergence {
            lines.append("    Note over \(everyone): \(escape(divergence.description))")
        }
        if let liveness = timeline.liveness {
            lines.append(
                "    Note over \(everyone): \(escape(LivenessWords.heading(liveness))): \(escape(liveness.detail)) "
                    + "(\(escape(LivenessWords.budget(liveness))))")
        }
        lines.append("```")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func actionLine(_ step: TimelineStep, everyone: String) -> String {
        let number = "\(step.number)."
        switch step.action {
        case .deliver(let envelope):
            return "\(envelope.from)->>\(envelope.to): \(number) \(escape(label(envelope.message)))"
        case .drop(let envelope):
            return "\(envelope.from)-x\(envelope.to): \(number) dropped \(escape(label(envelope.message)))"
        case .duplicate(let envelope):
            return "Note over \(span([envelope.from, envelope.to])): \(number) network duplicates "
                + escape(label(envelope.message))
        case .electionTimeout(let node): return "Note over \(node): \(number) election timeout"
        case .heartbeatTimeout(let node): return "Note over \(node): \(number) heartbeat timeout"
        case .clientRequest(let node, let command): return "Note over \(node): \(number) client request \(command)"
        case .crash(let node): return "Note over \(node): \(number) CRASH"
        case .restart(let node): return "Note over \(node): \(number) restart from disk"
        case .partition(let side): return "Note over \(everyone): \(number) partition \(side) from the rest"
        case .heal: return "Note over \(everyone): \(number) heal the partition"
        case .proposeChange(let node, let change): return "Note over \(node): \(number) client proposes \(change)"
        case .takeSnapshot(let node): return "Note over \(node): \(number) snapshot of the applied prefix"
        case .client(let action):
            let over = action.server.map(\.description) ?? everyone
            return "Note over \(over): \(number) \(escape(ClientActionText.describe(action)))"
        }
    }

    /// A message without its endpoints, which the arrow shows: `AppendEntries t2 prev 1/1 [2:y=2] commit 1`.
    static func label(_ message: Message) -> String {
        switch message {
        case .requestVote(let request):
            "RequestVote t\(request.term) last \(request.lastLogIndex)/\(request.lastLogTerm)"
        case .requestVoteResponse(let response):
            "Vote t\(response.term) \(response.voteGranted ? "granted" : "denied")"
        case .preVote(let request):
            "PreVote t\(request.term) last \(request.lastLogIndex)/\(request.lastLogTerm)"
        case .preVoteResponse(let response):
            "PreVote reply t\(response.term) \(response.voteGranted ? "granted" : "denied")"
        case .appendEntries(let request):
            "AppendEntries t\(request.term) prev \(request.prevLogIndex)/\(request.prevLogTerm) "
                + "[\(request.entries.map(\.description).joined(separator: " "))] commit \(request.leaderCommit)"
                + (request.readRound > 0 ? " read \(request.readRound)" : "")
        case .appendEntriesResponse(let response):
            "AppendReply t\(response.term) " + (response.success ? "ok match \(response.matchIndex)" : "reject")
                + (response.hasHint ? " conflict \(response.conflictIndex)/\(response.conflictTerm)" : "")
                + (response.readRound > 0 ? " read \(response.readRound)" : "")
        case .installSnapshot(let request):
            "InstallSnapshot t\(request.term) last \(request.snapshot.lastIncludedIndex)/"
                + "\(request.snapshot.lastIncludedTerm) state \(request.snapshot.state)"
        }
    }

    /// `s1,s3`: a note spanning from the lowest to the highest of the servers.
    static func span(_ servers: [NodeID]) -> String {
        let low = servers.min()!
        let high = servers.max()!
        return low == high ? "\(low)" : "\(low),\(high)"
    }

    /// Replaces the characters Mermaid reads as syntax (`;` ends a statement, `#` starts an entity
    /// code, quotes and angle brackets are markup) with Mermaid's entity codes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "#": escaped += "#35;"
            case ";": escaped += "#59;"
            case "\"": escaped += "#quot;"
            case "<": escaped += "#lt;"
            case ">": escaped += "#gt;"
            case "\n": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension StepEvent {
    /// The servers a note about the event spans.
    func place(everyone: String) -> String {
        switch self {
        case .campaigned(let node, _), .becameLeader(let node, _), .steppedDown(let node, _), .committed(let node, _),
            .refused(let node), .configurationChanged(let node, _):
            "\(node)"
        case .clusterCommitted, .acknowledged, .cutInFlight: everyone
        }
    }
}
