import RaftCore

/// How many steps fell in each coverage row: which parts of the protocol a run exercised, and,
/// as importantly, which it never touched.
///
/// Counts sit in `CoverageRow.all` order, so tables add up row by row (over the fuzzer's runs,
/// or over separate runs by `raftlab merge`) and print and encode in a fixed order.
public struct CoverageTable: Hashable, Sendable {
    /// Steps per row, at the row's position in `CoverageRow.all`.
    public private(set) var counts: [Int]

    public init() { counts = Array(repeating: 0, count: CoverageRow.all.count) }

    /// A table from counts in `CoverageRow.all` order (what the model checker counts).
    public init(counts: [Int]) {
        precondition(counts.count == CoverageRow.all.count, "one count per coverage row")
        self.counts = counts
    }

    /// Counts the step that took `action` and led to `after` (see `CoverageClassifier`).
    public mutating func count(_ action: Action, before: RaftNode?, after: World) {
        if let position = CoverageClassifier.row(of: action, before: before, after: after)?.position {
            counts[position] += 1
        }
    }

    /// Adds `other`'s counts to this table's.
    public mutating func add(_ other: CoverageTable) {
        for position in counts.indices { counts[position] += other.counts[position] }
    }

    /// The steps counted in `row`.
    public func count(of row: CoverageRow) -> Int { row.position.map { counts[$0] } ?? 0 }

    /// The rows no step fell in.
    public var rowsNeverHit: [CoverageRow] {
        zip(CoverageRow.all, counts).filter { $0.1 == 0 }.map(\.0)
    }

    /// `{"rows": [{"role", "input", "outcome", "count"}, ...]}`, every row in the fixed order,
    /// those never hit with count 0.
    public var json: JSONValue {
        .object([
            (
                "rows",
                .array(
                    zip(CoverageRow.all, counts).map { row, count in
                        .object([
                            ("role", .string(row.role.rawValue)), ("input", .string(row.input.rawValue)),
                            ("outcome", .string(row.outcome.rawValue)), ("count", .integer(count)),
                        ])
                    })
            )
        ])
    }

    /// The table as aligned text: the rows hit with their counts, then the rows never hit.
    public var lines: [String] {
        let hit = zip(CoverageRow.all, counts).filter { $0.1 > 0 }
        let width = (
            role: CoverageRow.all.map(\.role.rawValue.count).max()!,
            input: CoverageRow.all.map(\.input.rawValue.count).max()!,
            outcome: CoverageRow.all.map(\.outcome.rawValue.count).max()!
        )
        func cells(_ row: CoverageRow) -> String {
            pad(row.role.rawValue, width.role) + "  " + pad(row.input.rawValue, width.input) + "  "
                + row.outcome.rawValue
        }
        var lines = ["coverage: \(hit.count) of \(counts.count) rows hit"]
        lines.append(
            "  " + pad("role", width.role) + "  " + pad("input", width.input) + "  " + pad("outcome", width.outcome)
                + "  count")
        for (row, count) in hit {
            lines.append("  " + pad(cells(row), width.role + width.input + width.outcome + 4) + "  \(count)")
        }
        let missed = rowsNeverHit
        if !missed.isEmpty {
            lines.append("  never hit (\(missed.count)):")
            for row in missed { lines.append("    " + cells(row)) }
        }
        return lines
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
