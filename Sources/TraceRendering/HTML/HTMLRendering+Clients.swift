import RaftCore
import RaftSimulation

extension HTMLRendering {
    /// The session clients' history as intervals on a time axis, as Porcupine draws one: an
    /// operation a row, a bar from its invocation to its reply on the history's clock (open to
    /// the right edge when no reply came), labelled with the operation and what it returned.
    ///
    /// Drawn here, not by the page's script, so the page shows it without running anything.
    /// Nil without clients, so pages of other traces are as before.
    static func clientHistorySection(_ timeline: Timeline) -> String? {
        let world = timeline.steps.last?.world ?? timeline.initialWorld
        guard let clients = world.clients, !clients.history.isEmpty else { return nil }
        let rowHeight = 22
        let labelWidth = 260
        let tickWidth = 28
        let ticks = max(clients.clock, 1)
        let width = labelWidth + tickWidth * (ticks + 1)
        let height = rowHeight * (clients.history.count + 1)
        func x(_ tick: Int) -> Int { labelWidth + tickWidth * tick }
        var svg: [String] = []
        svg.append(
            "<svg id=\"client-history\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                + "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">")
        for tick in 1...ticks {
            svg.append(
                "<line x1=\"\(x(tick))\" y1=\"0\" x2=\"\(x(tick))\" y2=\"\(height - rowHeight)\" "
                    + "stroke=\"#ddd\"/><text x=\"\(x(tick))\" y=\"\(height - 6)\" font-size=\"11\" "
                    + "text-anchor=\"middle\">\(tick)</text>")
        }
        for (row, record) in clients.history.enumerated() {
            let y = rowHeight * row
            let end: Int? =
                switch record.outcome {
                case .ok(_, let at): at
                case .pending, .gaveUp: nil
                }
            let right = end.map(x) ?? width - 4
            let colour = end == nil ? "#e8b04a" : record.contradictingResult == nil ? "#6aa0d8" : "#d85a5a"
            svg.append(
                "<g class=\"operation\" data-client=\"\(record.command.clientName)\">"
                    + "<text x=\"4\" y=\"\(y + 15)\" font-size=\"12\" font-family=\"monospace\">"
                    + "\(escape(record.summary))</text>"
                    + "<rect x=\"\(x(record.invokedAt))\" y=\"\(y + 4)\" width=\"\(max(right - x(record.invokedAt), 4))\" "
                    + "height=\"\(rowHeight - 8)\" rx=\"3\" fill=\"\(colour)\"/></g>")
        }
        svg.append("</svg>")
        return "<section id=\"clients\" aria-label=\"client history\"><h2>Client history</h2>"
            + "<p class=\"hint\">One row per client operation, from its invocation to its reply on the "
            + "history's clock (one tick per invocation and per reply); an orange bar never got a reply, "
            + "so it may have taken effect at any time after its start, or never.</p>"
            + svg.joined(separator: "\n") + "</section>"
    }
}
