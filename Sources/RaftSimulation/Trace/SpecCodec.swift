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
        // The optional bounds are written only when set, as `protocol` is.
        if let bound = spec.maxElections { fields.append(("maxElections", .integer(bound))) }
        if let bound = spec.maxHeartbeats { fields.append(("maxHeartbeats", .integer(bound))) }
        if spec.discardsStaleMessages { fields.append(("discardStaleMessages", .bool(true))) }
        // Membership only when a spec uses it, so that a fixed cluster's trace reads as before.
        if let members = spec.initialMembers { fields.append(("members", .integer(members))) }
        if spec.maxConfigChanges > 0 { fields.append(("maxConfigChanges", .integer(spec.maxConfigChanges))) }
        // Only with snapshots on, so that a trace without them reads exactly as before.
        if spec.maxSnapshots > 0 { fields.append(("maxSnapshots", .integer(spec.maxSnapshots))) }
        if !spec.options.isFigure2 { fields.append(("protocol", encode(spec.options))) }
        if spec.clients > 0 {
            fields += [
                ("clients", .integer(spec.clients)), ("maxClientOperations", .integer(spec.maxClientOperations)),
                ("maxRetries", .integer(spec.maxRetries)),
            ]
            if let workload = spec.clientWorkload { fields.append(("clientWorkload", .integer(workload))) }
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
        if options.readIndex { fields.append(("readIndex", .bool(true))) }
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
        options.readIndex = try flag("readIndex")
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
        spec.maxElections = try reader.optionalInteger("maxElections", in: bound)
        spec.maxHeartbeats = try reader.optionalInteger("maxHeartbeats", in: bound)
        spec.discardsStaleMessages =
            try reader.optional("discardStaleMessages") == nil ? false : reader.bool("discardStaleMessages")
        spec.initialMembers = try reader.optionalInteger("members", in: 1...spec.servers)
        spec.maxConfigChanges = try reader.optionalInteger("maxConfigChanges", in: 1...bound.upperBound) ?? 0
        spec.maxSnapshots = try reader.optionalInteger("maxSnapshots", in: bound) ?? 0
        if let options = reader.optional("protocol") {
            spec.options = try decodeOptions(
                options, path: reader.path.isEmpty ? "protocol" : "\(reader.path).protocol")
        }
        spec.turnOnWhatMembershipNeeds()
        try ClientSpecCodec.decode(from: &reader, into: &spec)
        if let conflict = spec.unsupportedCombination {
            throw InputError(
                path: reader.path.isEmpty ? "maxSnapshots" : "\(reader.path).maxSnapshots", message: conflict)
        }
        return spec
    }

    public static func decode(_ value: JSONValue, path: String) throws(InputError) -> WorldSpec {
        var reader = try JSONObjectReader(value, path: path)
        let spec = try decode(from: &reader)
        try reader.finish()
        return spec
    }
}
