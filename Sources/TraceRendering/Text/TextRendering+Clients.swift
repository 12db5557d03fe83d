import RaftCore
import RaftSimulation

extension TextRendering {
    /// The session clients' history at the end of the timeline: one operation a line, what it
    /// returned, and its interval drawn on the history's clock (`[---]` from invocation to
    /// completion, `[--->` for one never answered); empty without clients.
    ///
    /// Linearizability is a property of these intervals alone (Herlihy and Wing), so a reader
    /// checks a violation here: a read whose interval starts after a write's ended must see it.
    public static func clientHistory(_ timeline: Timeline) -> [String] {
        let world = timeline.steps.last?.world ?? timeline.initialWorld
        guard let clients = world.clients, !clients.history.isEmpty else { return [] }
        let summaries = clients.history.map(\.summary)
        let width = summaries.map(\.count).max() ?? 0
        var lines = [
            "client history (each operation from invocation to reply on the history's clock, 1 to \(clients.clock)):"
        ]
        for (record, summary) in zip(clients.history, summaries) {
            lines.append("  " + summary.padded(to: width) + "  " + interval(record, clock: clients.clock))
        }
        return lines + [""]
    }

    /// One operation's interval, a character per tick of the history's clock.
    static func interval(_ record: ClientHistoryRecord, clock: Int) -> String {
        let end: Int? =
            switch record.outcome {
            case .ok(_, let at): at
            case .pending, .gaveUp: nil
            }
        var bar = ""
        for tick in 1...max(clock, 1) {
            if tick < record.invokedAt {
                bar += " "
            } else if tick == record.invokedAt {
                bar += "["
            } else if let end, tick == end {
                bar += "]"
            } else if end.map({ tick < $0 }) ?? true {
                bar += "-"
            }
        }
        return end == nil ? bar + ">" : bar
    }
}
