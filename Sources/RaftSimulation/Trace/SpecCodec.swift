import RaftCore

/// Reads and writes the bounds of a `WorldSpec` as JSON (the `bounds`-level fields of spec and trace
/// files; `specs/README.md` documents each).
public enum SpecCodec {
    /// The spec as JSON; `protocol` is written only when a switch is on, so that a Figure 2
    /// world's trace reads exactly as it did before the switches existed.
    public static func encode(_ spec: WorldSpec) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("name", .string(spec.name)), ("servers", .integer(spec.servers)), ("maxTerm", .integer(spec.maxTerm)),
            ("maxClientRequests", .integer(spec.maxClientRequests)), ("maxCrashes", .integer(spec.maxCrashes)),
            ("maxInFlight", .integer(spec.maxInFlight)), ("maxDrops", .integer(spec.maxDrops)),
            ("maxDuplicates", .integer(spec.maxDuplicates)), ("maxPartitions", .integer(spec.maxPartitions)),
            ("maxDepth", .integer(spec.maxDepth)),
        ]
        if !spec.options.isFigure2 { fields.append(("protocol", encode(spec.options))) }
        if spec.clients > 0 {
            fields += [
                ("clients", .integer(spec.clients)), ("maxClientOperations", .integer(spec.maxClientOperations)),
                ("maxRetries", .integer(spec.maxRetries)),
            ]
        }
        return .object(fields)
    }

    /// The switches as a JSON object, in a fixed order: every field that existed when the
    /// object was introduced, and each later one only when it is on, so that a trace written
    /// before it existed reads back to the same bytes.
    public static func encode(_ options: ProtocolOptions) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("preVote", .bool(options.preVote)), ("checkQuorum", .bool(options.checkQuorum)),
            ("pipelineWindow", .integer(options.pipelineWindow)),
            ("maxEntriesPerAppend", options.maxEntriesPerAppend.map { .integer($0) } ?? .null),
            ("fastBacktracking", .bool(options.fastBacktracking)),
        ]
        if options.leaderNoOp { fields.append(("leaderNoOp", .bool(true))) }
        return .object(fields)
    }

    /// Decodes a `protocol` object; a switch left out is off, an unknown one is an error.
    public static func decodeOptions(_ value: JSONValue, path: String) throws(InputError) -> ProtocolOptions {
        var reader = try JSONObjectReader(value, path: path)
        func flag(_ key: String) throws(InputError) -> Bool {
            try reader.optional(key) == nil ? false : reader.bool(key)
        }
        var options = ProtocolOptions()
        options.preVote = try flag("preVote")
        options.checkQuorum = try flag("checkQuorum")
        options.pipelineWindow = try reader.optionalInteger("pipelineWindow", in: 0...64) ?? 0
        options.maxEntriesPerAppend = try reader.optionalInteger("maxEntriesPerAppend", in: 1...1_000_000)
        options.fastBacktracking = try flag("fastBacktracking")
        options.leaderNoOp = try flag("leaderNoOp")
        try reader.finish()
        return options
    }

    /// Decodes a spec, reading its fields from `reader` (which the caller finishes, so that the
    /// caller may add fields of its own).
    public static func decode(from reader: inout JSONObjectReader) throws(InputError) -> WorldSpec {
        let bound = 0...1_000_000
        var spec = WorldSpec(
            name: try reader.printableString("name", maxLength: 100),
            servers: try reader.integer("servers", in: 1...WorldSpec.maxServers),
            maxTerm: try reader.integer("maxTerm", in: bound),
            maxClientRequests: try reader.integer("maxClientRequests", in: bound),
            maxCrashes: try reader.integer("maxCrashes", in: bound),
            maxInFlight: try reader.integer("maxInFlight", in: bound),
            maxDrops: try reader.integer("maxDrops", in: bound),
            maxDuplicates: try reader.integer("maxDuplicates", in: bound),
            maxPartitions: try reader.integer("maxPartitions", in: bound),
            // A depth of 0 allows no step at all: no writer records one, so it can only be a mistake.
            maxDepth: try reader.integer("maxDepth", in: 1...bound.upperBound))
        if let options = reader.optional("protocol") {
            spec.options = try decodeOptions(
                options, path: reader.path.isEmpty ? "protocol" : "\(reader.path).protocol")
        }
        try ClientSpecCodec.decode(from: &reader, into: &spec)
        return spec
    }

    public static func decode(_ value: JSONValue, path: String) throws(InputError) -> WorldSpec {
        var reader = try JSONObjectReader(value, path: path)
        let spec = try decode(from: &reader)
        try reader.finish()
        return spec
    }
}
