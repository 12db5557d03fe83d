import RaftCore

/// The human-readable rendering of worlds and runs, shared by every command that prints a trace.
public enum TraceText {
    /// One line per server: role, term, commit index and log, e.g.
    /// `s1 leader    term 2 commit 1 log [1:x=1 2:y=2]`; a crashed server shows its disk.
    public static func servers(_ world: World) -> [String] {
        world.servers.enumerated().map { index, server in
            let name = NodeID(index).description
            guard let node = server.node else {
                return "\(name) down      term \(server.disk.currentTerm) disk log \(server.disk.log)"
            }
            let role = node.role.kind.rawValue.padding(toLength: 9)
            let vote = node.votedFor.map { " vote \($0)" } ?? ""
            return "\(name) \(role) term \(node.currentTerm) commit \(node.commitIndex) log \(node.log)\(vote)"
        }
    }

    /// A step: its number and action, then the servers after it, indented.
    public static func step(_ number: Int, _ action: Action, _ world: World) -> String {
        var lines = ["\(String(number).leftPadded(toLength: 4))  \(ActionText.describe(action))"]
        for line in servers(world) { lines.append("      " + line) }
        if world.partition != nil || !world.network.isEmpty {
            var status = "      in flight: \(world.network.count)"
            if let side = world.partition { status += ", partitioned \(side) from the rest" }
            lines.append(status)
        }
        return lines.joined(separator: "\n")
    }

    /// The verdict in one line.
    public static func verdict(_ violation: Violation?, steps: Int) -> String {
        guard let violation else { return "verdict: ok (no invariant violated in \(steps) steps)" }
        return "verdict: VIOLATION of \(violation.invariant.rawValue) (\(violation.invariant.title)) at step "
            + "\(violation.step): \(violation.detail)"
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    func leftPadded(toLength length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }
}
