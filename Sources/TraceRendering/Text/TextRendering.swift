import RaftCore
import RaftSimulation

/// The plain-text view of a run: one line per step, a column per server, then the verdict in
/// words.
///
/// It is what `show`, `replay` and `simulate` print, and what `check` and `fuzz` should print for a
/// counterexample.
///
/// Each line reads left to right as "after step N the servers stood like this, because of that
/// action", so a reader follows one server down its column or one step across its row.
public enum TextRendering {
    /// The whole rendering: header, legend, the step table and the verdict.
    public static func render(_ timeline: Timeline) -> String {
        (header(timeline) + [""] + table(timeline) + [""] + clientHistory(timeline) + verdict(timeline)).joined(
            separator: "\n") + "\n"
    }

    /// What the run is: its length, cluster, mutant, seed, producer and bounds, then the legend.
    public static func header(_ timeline: Timeline) -> [String] {
        ["trace: " + about(timeline), "bounds: \(timeline.spec.name) \(timeline.spec.summary)"] + legend
    }

    /// `12 steps, 3 servers, mutant vote-twice, seed 6, produced by raftlab simulate`.
    public static func about(_ timeline: Timeline) -> String {
        var about = ["\(timeline.stepCount) steps", "\(timeline.serverCount) servers"]
        about.append("mutant \(timeline.mutant?.name ?? "none")")
        if let seed = timeline.seed { about.append("seed \(seed)") }
        about.append("produced by \(timeline.producer)")
        return about.joined(separator: ", ")
    }

    /// How to read a server column.
    public static let legend = [
        "each server: role, term tN, commit index cN, log as [index:term ...], vote v:sN in its term;",
        "a crashed server shows \"down\" and its disk; * marks the servers the step changed; ! the violating step",
    ]

    /// The step table: a title row, the initial world (step 0), then one row per step.
    ///
    /// A timeline that elides the middle of a long run has one line for the elided steps where
    /// they would be, `... steps 1001 to 49000 not shown (...)`; it does not widen the columns.
    public static func table(_ timeline: Timeline) -> [String] {
        let names = NodeID.all(timeline.serverCount).map(\.description)
        var rows: [[String]] = [["step"] + names + ["net", "cause"]]
        rows.append(
            ["0"] + cells(timeline.initialWorld, previous: nil) + [network(timeline.initialWorld), "initial state"])
        var previous = timeline.initialWorld
        for step in timeline.steps {
            if let elided = timeline.elided, step.number == elided.last + 1 { previous = elided.worldAfterLast }
            let marker = step.number == timeline.violatingStep ? "! " : ""
            rows.append(
                ["\(marker)\(step.number)"] + cells(step.world, previous: previous)
                    + [network(step.world), cause(step)])
            previous = step.world
        }
        var table = align(rows)
        if let elided = timeline.elided {
            let stepWidth = rows.map(\.[0].count).max() ?? 0
            // After the title row, the initial world and the steps before the elided ones.
            table.insert("...".leftPadded(to: stepWidth) + "  " + elided.summary, at: 2 + elided.first - 1)
        }
        return table
    }

    /// The verdict: the violation in words with the rule it broke, or that none was found.
    public static func verdict(_ timeline: Timeline) -> [String] {
        var lines: [String] = []
        if let divergence = timeline.divergence {
            lines.append("\(divergence.description); the timeline stops before it")
        }
        if let violation = timeline.violation {
            lines.append(
                "VIOLATION of \(violation.invariant.rawValue) (\(violation.invariant.title)) at step \(violation.step):"
            )
            lines.append("  " + ViolationWords.sentence(violation, in: timeline))
            lines.append("  rule: " + ViolationWords.rule(violation.invariant))
        } else if let liveness = timeline.liveness {
            lines.append(LivenessWords.heading(liveness) + ":")
            lines.append("  " + liveness.detail)
            lines.append("  " + LivenessWords.budget(liveness))
            lines.append("  rule: " + LivenessWords.rule)
        } else if timeline.divergence == nil {
            lines.append("verdict: ok, no invariant violated in \(timeline.stepCount) steps")
        }
        if timeline.recordedViolation != timeline.violation {
            let recorded = timeline.recordedViolation.map { "\($0.invariant.rawValue) at step \($0.step)" } ?? "ok"
            lines.append("note: the trace recorded \(recorded); re-executing it now gives another verdict")
        }
        return lines
    }

    /// One server's state in a few characters: `leader    t2 c1 [1:1 2:2] v:s1`.
    public static func cell(_ server: World.Server) -> String {
        guard let node = server.node else {
            return "down".padded(to: 9) + " t\(server.disk.currentTerm) c- \(terms(server.disk.log))"
        }
        let vote = node.votedFor.map { " v:\($0)" } ?? ""
        return node.role.kind.rawValue.padded(to: 9)
            + " t\(node.currentTerm) c\(node.commitIndex) \(terms(node.log))\(vote)\(waitingReads(node))"
    }

    /// ` r:2` for a leader with two gets waiting for ReadIndex (the thesis, section 6.4); empty
    /// otherwise, so that every other cell reads as it always did.
    static func waitingReads(_ node: RaftNode) -> String {
        guard case .leader(let progress) = node.role, !progress.reads.pending.isEmpty else { return "" }
        return " r:\(progress.reads.pending.count)"
    }

    /// A log as `[index:term ...]`: the shape that Log Matching and Leader Completeness are about.
    ///
    /// A compacted log starts with its snapshot's last index and term, `[S3:2 4:2]`.
    public static func terms(_ log: Log) -> String {
        let base = log.baseIndex > 0 ? ["S\(log.baseIndex):\(log.baseTerm)"] : []
        let entries = log.entries.enumerated().map { "\(log.baseIndex + $0.offset + 1):\($0.element.term)" }
        return "[" + (base + entries).joined(separator: " ") + "]"
    }

    /// The action, then what it caused: `deliver RequestVoteResponse s1->s3 term 1 granted => s3 leads term 1`.
    public static func cause(_ step: TimelineStep) -> String {
        let action = ActionText.describe(step.action)
        guard !step.events.isEmpty else { return action }
        return action + " => " + step.events.map(\.description).joined(separator: "; ")
    }

    private static func cells(_ world: World, previous: World?) -> [String] {
        world.servers.indices.map { index in
            let text = cell(world.servers[index])
            guard let previous else { return text + " " }
            return text + (text == cell(previous.servers[index]) ? " " : "*")
        }
    }

    /// Messages in flight, and the partition when there is one: `3` or `3 {s3}|rest`.
    private static func network(_ world: World) -> String {
        "\(world.network.count)" + (world.partition.map { " \($0)|rest" } ?? "")
    }

    /// Pads every column but the last to its widest cell; the step column is right-aligned.
    private static func align(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (column, text) in row.enumerated() { widths[column] = max(widths[column], text.count) }
        }
        return rows.map { row in
            row.enumerated().map { column, text in
                if column == 0 { return text.leftPadded(to: widths[0]) }
                return column == row.count - 1 ? text : text.padded(to: widths[column])
            }.joined(separator: "  ")
        }
    }
}

extension String {
    func padded(to length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }
}
