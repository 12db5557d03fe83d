import RaftSimulation

/// A coverage table as read back from reports (the JSON of `CoverageTable`), `{"rows": [{"role", "input", "outcome", "count"}]}`:
/// how often each role met each input with each outcome.
///
/// Tables from shards add up: rows equal in role, input and outcome sum their counts. Rows keep
/// the order in which they first appear, so a merge of the same files is the same text.
public struct MergedCoverageTable: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var role: String
        public var input: String
        public var outcome: String
        public var count: Int
    }

    public private(set) var rows: [Row] = []

    public init() {}

    /// Reads a table; a malformed one is an error naming `path` and the row.
    public init(_ value: JSONValue, path: String) throws(FileError) {
        guard let rows = value["rows"]?.arrayValue else {
            throw .malformed(path: path, detail: "\"coverage\" must be an object with a \"rows\" array")
        }
        for (position, row) in rows.enumerated() {
            guard let role = row["role"]?.stringValue, let input = row["input"]?.stringValue,
                let outcome = row["outcome"]?.stringValue, let count = row["count"]?.integerValue, count >= 0
            else {
                throw .malformed(
                    path: path,
                    detail: "coverage.rows[\(position)] needs string \"role\", \"input\", \"outcome\" and a count >= 0")
            }
            add(Row(role: role, input: input, outcome: outcome, count: count))
        }
    }

    /// Adds `row`'s count to the row equal to it in every other field, or appends it.
    public mutating func add(_ row: Row) {
        if let same = rows.firstIndex(where: {
            $0.role == row.role && $0.input == row.input && $0.outcome == row.outcome
        }) {
            rows[same].count += row.count
        } else {
            rows.append(row)
        }
    }

    /// Adds every row of `other`.
    public mutating func add(_ other: MergedCoverageTable) {
        for row in other.rows { add(row) }
    }

    public var json: JSONValue {
        .object([
            (
                "rows",
                .array(
                    rows.map { row in
                        .object([
                            ("role", .string(row.role)), ("input", .string(row.input)),
                            ("outcome", .string(row.outcome)), ("count", .integer(row.count)),
                        ])
                    })
            )
        ])
    }
}
