/// Reads and writes the bounds of a `WorldSpec` as JSON (the `bounds`-level fields of spec and trace
/// files; `specs/README.md` documents each).
public enum SpecCodec {
    public static func encode(_ spec: WorldSpec) -> JSONValue {
        .object([
            ("name", .string(spec.name)), ("servers", .integer(spec.servers)), ("maxTerm", .integer(spec.maxTerm)),
            ("maxClientRequests", .integer(spec.maxClientRequests)), ("maxCrashes", .integer(spec.maxCrashes)),
            ("maxInFlight", .integer(spec.maxInFlight)), ("maxDrops", .integer(spec.maxDrops)),
            ("maxDuplicates", .integer(spec.maxDuplicates)), ("maxPartitions", .integer(spec.maxPartitions)),
            ("maxDepth", .integer(spec.maxDepth)),
        ])
    }

    /// Decodes a spec, reading its fields from `reader` (which the caller finishes, so that the
    /// caller may add fields of its own).
    public static func decode(from reader: inout JSONObjectReader) throws(InputError) -> WorldSpec {
        let bound = 0...1_000_000
        return WorldSpec(
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
    }

    public static func decode(_ value: JSONValue, path: String) throws(InputError) -> WorldSpec {
        var reader = try JSONObjectReader(value, path: path)
        let spec = try decode(from: &reader)
        try reader.finish()
        return spec
    }
}
