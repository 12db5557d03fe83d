import RaftCore

/// A recorded run: enough to re-execute it exactly and to check that it still ends the same way.
///
/// Format `raftlab-trace` is JSON with a fixed key order (see `specs/trace-format.md`): a header
/// (format, version, producer, spec, mutant, seed), the steps written by meaning, the verdict and
/// the digest of the event stream. Version 2 adds one verdict, a liveness failure; a trace is
/// written as version 1 whenever version 1 can say it, so that what every older tool wrote and
/// reads stays byte for byte the same.
public struct Trace: Sendable {
    public static let formatName = "raftlab-trace"
    /// The versions this raftlab reads.
    public static let formatVersions = 1...2

    /// What produced the trace, such as `raftlab simulate`.
    public var producer: String
    public var spec: WorldSpec
    public var mutant: Mutant?
    /// The seed of the run, when a seeded driver produced it.
    public var seed: UInt64?
    public var actions: [Action]
    /// The violation the run ended with, or nil when every invariant held.
    public var violation: Violation?
    /// The liveness failure the run ended with (a fuzz run that held every invariant but did not
    /// settle), or nil; never set together with `violation`.
    public var liveness: LivenessVerdict?
    /// `EventDigest` of the run.
    public var digest: UInt64

    public init(
        producer: String, spec: WorldSpec, mutant: Mutant?, seed: UInt64?, actions: [Action], violation: Violation?,
        liveness: LivenessVerdict? = nil, digest: UInt64
    ) {
        precondition(violation == nil || liveness == nil, "a run ends in a violation or a liveness failure, not both")
        self.producer = producer
        self.spec = spec
        self.mutant = mutant
        self.seed = seed
        self.actions = actions
        self.violation = violation
        self.liveness = liveness
        self.digest = digest
    }

    /// The format version the trace is written in: 2 only for a liveness verdict, which version 1
    /// cannot say.
    public var formatVersion: Int { liveness == nil ? 1 : 2 }

    /// The trace as JSON text, ending with a newline.
    public func encoded() -> String {
        let verdict: JSONValue
        if let violation {
            verdict = .object([
                ("result", .string("violation")), ("invariant", .string(violation.invariant.rawValue)),
                ("step", .integer(violation.step)),
                ("servers", .array(violation.servers.map { .string($0.description) })),
                ("index", violation.index.map(JSONValue.integer) ?? .null),
                ("terms", .array(violation.terms.map(JSONValue.integer))), ("detail", .string(violation.detail)),
            ])
        } else if let liveness {
            verdict = liveness.encoded()
        } else {
            verdict = .object([("result", .string("ok"))])
        }
        let document: JSONValue = .object([
            ("format", .string(Self.formatName)), ("version", .integer(formatVersion)),
            ("producer", .string(producer)), ("spec", SpecCodec.encode(spec)),
            ("mutant", mutant.map { .string($0.name) } ?? .null),
            ("seed", seed.map { .string(String($0)) } ?? .null),
            ("steps", .array(actions.map(ActionCodec.encode))), ("verdict", verdict),
            ("digest", .string(hex16(digest))),
        ])
        return document.encoded(pretty: true) + "\n"
    }

    /// Decodes a trace, rejecting another format or version, unknown keys and bad values.
    public static func decode(_ text: String) throws(InputError) -> Trace {
        var reader = try JSONObjectReader(document: text)
        let format = try reader.string("format")
        guard format == formatName else {
            throw InputError(
                path: "format", message: "expected \"\(formatName)\", found \(UntrustedText.quoted(format))")
        }
        let version = try reader.integer("version")
        guard formatVersions.contains(version) else {
            throw InputError(
                path: "version",
                message:
                    "trace format version \(version) is not supported (this raftlab reads \(formatVersions.lowerBound) to "
                    + "\(formatVersions.upperBound))")
        }
        let producer = try reader.printableString("producer", maxLength: 5_000)
        let spec = try SpecCodec.decode(reader.required("spec"), path: "spec")
        var mutant: Mutant? = nil
        if let name = try reader.optionalString("mutant") {
            guard let named = Mutant(name: name) else {
                throw InputError(
                    path: "mutant", message: "unknown mutant \(UntrustedText.quoted(name)) (see `raftlab mutants`)")
            }
            mutant = named
        }
        var seed: UInt64? = nil
        if let text = try reader.optionalString("seed") {
            // Only the spelling traces are written with: `7`, never `07` or `+7`.
            guard let value = UInt64(text), String(value) == text else {
                throw InputError(
                    path: "seed", message: "expected a decimal 64-bit seed, found \(UntrustedText.quoted(text))")
            }
            seed = value
        }
        var actions: [Action] = []
        for (offset, item) in try reader.array("steps").enumerated() {
            actions.append(try ActionCodec.decode(item, path: "steps[\(offset)]", servers: spec.servers))
        }
        let (violation, liveness) = try decodeVerdict(reader.object("verdict"), servers: spec.servers, version: version)
        if let violation, violation.step > actions.count {
            throw InputError(
                path: "verdict.step", message: "is \(violation.step) but the trace has only \(actions.count) steps")
        }
        let digestText = try reader.string("digest")
        guard digestText.utf8.count == 16, digestText.utf8.allSatisfy(isHexDigit),
            let digest = UInt64(digestText, radix: 16)
        else {
            throw InputError(
                path: "digest", message: "expected 16 hex digits, found \(UntrustedText.quoted(digestText))")
        }
        try reader.finish()
        return Trace(
            producer: producer, spec: spec, mutant: mutant, seed: seed, actions: actions, violation: violation,
            liveness: liveness, digest: digest)
    }

    private static func decodeVerdict(
        _ reader: JSONObjectReader, servers: Int, version: Int
    ) throws(InputError) -> (Violation?, LivenessVerdict?) {
        var reader = reader
        let result = try reader.string("result")
        switch result {
        case "ok":
            try reader.finish()
            return (nil, nil)
        case "liveness" where version >= 2:
            return (nil, try LivenessVerdict.decode(reader))
        case "violation":
            let name = try reader.string("invariant")
            guard let invariant = InvariantID(rawValue: name) else {
                throw InputError(path: "verdict.invariant", message: "unknown invariant \(UntrustedText.quoted(name))")
            }
            var involved: [NodeID] = []
            for (offset, item) in try reader.array("servers").enumerated() {
                let path = "verdict.servers[\(offset)]"
                guard let text = item.stringValue else {
                    throw InputError(path: path, message: "expected a server name")
                }
                involved.append(try ActionCodec.node(text, path: path, servers: servers))
            }
            var terms: [Term] = []
            for (offset, item) in try reader.array("terms").enumerated() {
                terms.append(try JSONObjectReader.integer(item, path: "verdict.terms[\(offset)]", in: 0...Int.max))
            }
            let violation = Violation(
                invariant: invariant, servers: involved, index: try reader.optionalInteger("index", in: 0...Int.max),
                terms: terms, step: try reader.integer("step", in: 0...Int.max),
                detail: try reader.printableString("detail", maxLength: 1_000))
            try reader.finish()
            return (violation, nil)
        default:
            let known = version >= 2 ? "\"ok\", \"violation\" or \"liveness\"" : "\"ok\" or \"violation\""
            throw InputError(
                path: "verdict.result", message: "expected \(known), found \(UntrustedText.quoted(result))")
        }
    }
}

/// Whether `byte` is an ASCII hexadecimal digit, in either case.
private func isHexDigit(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
        UInt8(ascii: "A")...UInt8(ascii: "F"):
        true
    default: false
    }
}
