extension History where Input: CustomStringConvertible, Output: CustomStringConvertible {
    /// The operations `ids` (all of them when nil) drawn as intervals on an axis of steps, one
    /// line per client, followed by a legend: Porcupine's visualisation, in text.
    ///
    /// Only the steps at which something happened get a column, so a sub-history from a long run
    /// stays narrow. Each operation is a letter: `[` where it was invoked, `]` where it returned
    /// ok, `X` where it failed, and `>` in the last column (`?`) when its outcome is unknown. A
    /// client whose operations overlap (it gave up on one and went on) gets a second line; one
    /// that returned at the step it was invoked is a `|`.
    ///
    ///     step  1   3   5   ?
    ///     c1    [A--]   [C-->
    ///     c2      [B----]
    public func intervalText(of ids: [OperationID]? = nil) -> String {
        let chosen = (ids ?? self.ids).sorted { (self[$0].invokedAt, $0) < (self[$1].invokedAt, $1) }
        guard !chosen.isEmpty else { return "(no operations)\n" }
        let labels = chosen.indices.map(intervalLabel)
        var positions: [Int] = []
        for id in chosen {
            positions.append(self[id].invokedAt)
            if let returnedAt = self[id].outcome.returnedAt { positions.append(returnedAt) }
        }
        let steps = Array(Set(positions)).sorted()
        let hasUnknown = chosen.contains { self[$0].outcome.returnedAt == nil }
        let columnCount = steps.count + (hasUnknown ? 1 : 0)
        let labelWidth = labels.map(\.count).max() ?? 1
        let cellWidth = max(labelWidth + 3, (steps.map { String($0).count }.max() ?? 1) + 1)
        let indexOfStep = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($1, $0) })
        func column(_ step: Int?) -> Int {
            guard let step else { return (columnCount - 1) * cellWidth }
            return indexOfStep[step, default: 0] * cellWidth
        }
        let lineWidth = (columnCount - 1) * cellWidth + 1
        let clients = Array(Set(chosen.map { self[$0].client })).sorted()
        let margin = max(5, (clients.map(\.description.count).max() ?? 2) + 2)

        var text = padded("step", margin)
        var axis = [Character](repeating: " ", count: lineWidth + cellWidth)
        for (index, step) in steps.enumerated() {
            for (offset, character) in String(step).enumerated() { axis[index * cellWidth + offset] = character }
        }
        if hasUnknown { axis[(columnCount - 1) * cellWidth] = "?" }
        text += trimmed(axis) + "\n"

        for client in clients {
            // Lanes: each operation goes on the first line of its client where it does not touch
            // what is already drawn.
            var lanes: [[Character]] = []
            var laneEnds: [Int] = []
            for (number, id) in chosen.enumerated() where self[id].client == client {
                let operation = self[id]
                let start = column(operation.invokedAt)
                let end = column(operation.outcome.returnedAt)
                let lane = laneEnds.firstIndex { $0 < start } ?? lanes.count
                if lane == lanes.count {
                    lanes.append([Character](repeating: " ", count: lineWidth + labelWidth + 1))
                    laneEnds.append(-1)
                }
                for x in start...end { lanes[lane][x] = "-" }
                lanes[lane][start] = "["
                switch operation.outcome {
                case .ok: lanes[lane][end] = start == end ? "|" : "]"
                case .fail: lanes[lane][end] = "X"
                case .unknown: lanes[lane][end] = ">"
                }
                // The letter goes inside when it fits, else just after the interval.
                let labelStart = end - start - 1 >= labelWidth ? start + 1 : end + 1
                for (offset, character) in labels[number].enumerated() { lanes[lane][labelStart + offset] = character }
                laneEnds[lane] = max(end, labelStart + labels[number].count - 1)
            }
            for (index, lane) in lanes.enumerated() {
                text += padded(index == 0 ? client.description : "", margin) + trimmed(lane) + "\n"
            }
        }

        for (number, id) in chosen.enumerated() {
            let operation = self[id]
            let result: String
            switch operation.outcome {
            case .ok(let output, let returnedAt):
                result = "-> \(output)  (invoked \(operation.invokedAt), returned \(returnedAt))"
            case .fail(let returnedAt): result = "failed  (invoked \(operation.invokedAt), failed at \(returnedAt))"
            case .unknown: result = "-> ?  (invoked \(operation.invokedAt), no reply)"
            }
            text += "\(padded(labels[number], labelWidth + 2))\(padded(operation.client.description, margin - 1))"
            text += "\(id)  \(operation.input) \(result)\n"
        }
        return text
    }
}

/// `A` to `Z`, then `A1`, `B1`, ...: short enough to sit inside an interval.
private func intervalLabel(_ number: Int) -> String {
    let letter = String(UnicodeScalar(UInt8(65 + number % 26)))
    return number < 26 ? letter : letter + String(number / 26)
}

/// `text` followed by spaces up to `width` characters, and at least one.
private func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

private func trimmed(_ characters: [Character]) -> String {
    var characters = characters
    while characters.last == " " { characters.removeLast() }
    return String(characters)
}
