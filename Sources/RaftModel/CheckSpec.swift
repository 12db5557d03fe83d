import RaftCore
import RaftSimulation

/// A check specification: the world's bounds, the fault kinds enabled, the properties checked and
/// the verdict expected.
///
/// The JSON shape is documented field by field in `specs/README.md`.
public struct CheckSpec: Sendable {
    /// The world the check explores: its servers and the bounds on every fault and request.
    public var world: WorldSpec
    public var description: String
    /// Fault kinds enabled; a kind not listed has its bound forced to 0.
    public var faults: [FaultKind]
    public var properties: [InvariantID]
    /// What the correct Raft must give on this spec.
    public var expected: Expectation
    /// The mutant this spec is meant for, if any (`--mutant` overrides it).
    public var mutant: Mutant?
    /// Whether to reduce by server symmetry unless the command line says otherwise.
    public var symmetry: Bool
    /// Explore depth-first unless the command line says otherwise: for specs whose
    /// counterexamples lie too deep for breadth-first search within a CI budget.
    public var depthFirst: Bool = false
    /// Stop after this many distinct states, with an "incomplete" verdict (`--max-states`
    /// overrides).
    public var maxStates: Int? = nil
    /// Whether a run stopped by a limit (`maxStates`, `--max-states`, `--max-memory-mb`) before
    /// its bounds were exhausted is judged on the part it explored instead of failing as
    /// incomplete: for specs too deep to exhaust in a CI budget, which say so in their file.
    public var acceptIncomplete: Bool = false
    /// Situations the check must reach (`RaftSituation`): a run that explores its whole bounded
    /// space without reaching one is VACUOUS, not a pass.
    public var reach: [RaftSituation] = []
    /// Whether to reduce interleavings by sleep sets unless the command line says otherwise
    /// (`CheckerOptions.partialOrderReduction`): the same states and verdict, fewer transitions.
    public var partialOrderReduction: Bool = false
    /// World actions replayed from the initial world before the search begins, which then
    /// explores from the state they reach (TLC's way of starting from a given situation).
    ///
    /// A situation too deep to reach from the empty cluster within the bounds (the paper's
    /// Figure 8 at 5 servers) is reached by real steps instead of being written down as a state,
    /// so it is a state the protocol can get to, and a counterexample from it replays from the
    /// initial world as any trace does. The steps are written as a trace's `steps`; depth still
    /// counts from the initial world, so `maxDepth` bounds prefix and search together.
    public var start: [Action] = []

    public enum FaultKind: String, CaseIterable, Sendable {
        case drop, duplicate, crash, partition
    }

    public enum Expectation: Equatable, Sendable {
        case pass
        /// A violation, of the given invariant when one is named.
        case violation(InvariantID?)
    }

    public init(
        world: WorldSpec, description: String, faults: [FaultKind], properties: [InvariantID] = InvariantID.allCases,
        expected: Expectation = .pass, mutant: Mutant? = nil, symmetry: Bool = false, reach: [RaftSituation] = []
    ) {
        var bounded = world
        if !faults.contains(.drop) { bounded.maxDrops = 0 }
        if !faults.contains(.duplicate) { bounded.maxDuplicates = 0 }
        if !faults.contains(.crash) { bounded.maxCrashes = 0 }
        if !faults.contains(.partition) { bounded.maxPartitions = 0 }
        self.world = bounded
        self.description = description
        self.faults = faults
        self.properties = properties
        self.expected = expected
        self.mutant = mutant
        self.symmetry = symmetry
        self.reach = reach
    }

    /// The spec `raftlab check` runs without a file: 3 servers, one election round's worth of
    /// terms, one client command, with a crash, a drop and a duplicate on.
    public static let builtInDefault = CheckSpec(
        world: WorldSpec(
            name: "default", servers: 3, maxTerm: 2, maxClientRequests: 1, maxCrashes: 1, maxInFlight: 2, maxDrops: 1,
            maxDuplicates: 1, maxPartitions: 0, maxDepth: 16),
        description:
            "Built-in default: 3 servers, terms up to 2, one client command, one crash, one drop, one duplicate.",
        faults: [.drop, .duplicate, .crash],
        reach: [
            .leaderElected, .commandCommitted, .appliedEverywhere, .voteRefusedByLogCheck, .voteRefusedAlreadyVoted,
            .staleTermRefused, .leaderSteppedDown, .logRecovered,
        ])

    /// Decodes a spec file's text; errors name the field.
    public static func decode(_ text: String) throws(InputError) -> CheckSpec {
        var reader = try JSONObjectReader(document: text)
        let name = try reader.printableString("name", maxLength: 100)
        if name.isEmpty { throw InputError(path: "name", message: "must not be empty") }
        let description = try reader.optionalPrintableString("description", maxLength: 1_000) ?? ""
        let servers = try reader.integer("servers", in: 1...WorldSpec.maxServers)
        var bounds = try reader.object("bounds")
        let count = 0...1_000_000
        var spec = WorldSpec(
            name: name, servers: servers,
            maxTerm: try bounds.integer("maxTerm", in: count),
            maxClientRequests: try bounds.integer("maxClientRequests", in: count),
            maxCrashes: try bounds.optionalInteger("maxCrashes", in: count) ?? 0,
            maxInFlight: try bounds.integer("maxInFlight", in: count),
            maxDrops: try bounds.optionalInteger("maxDrops", in: count) ?? 0,
            maxDuplicates: try bounds.optionalInteger("maxDuplicates", in: count) ?? 0,
            maxPartitions: try bounds.optionalInteger("maxPartitions", in: count) ?? 0,
            maxDepth: try bounds.integer("maxDepth", in: 1...100_000))
        spec.maxElections = try bounds.optionalInteger("maxElections", in: count)
        spec.maxHeartbeats = try bounds.optionalInteger("maxHeartbeats", in: count)
        spec.maxSnapshots = try bounds.optionalInteger("maxSnapshots", in: count) ?? 0
        if let options = reader.optional("protocol") {
            spec.options = try SpecCodec.decodeOptions(options, path: "protocol")
        }
        spec.initialMembers = try reader.optionalInteger("members", in: 1...servers)
        spec.maxConfigChanges = try bounds.optionalInteger("maxConfigChanges", in: count) ?? 0
        spec.turnOnWhatMembershipNeeds()
        try ClientSpecCodec.decode(from: &bounds, into: &spec, protocolFrom: reader.optional("protocol"))
        if let conflict = spec.unsupportedCombination {
            throw InputError(path: "bounds.maxSnapshots", message: conflict)
        }
        let maxStates = try bounds.optionalInteger("maxStates", in: 1...Int.max)
        try bounds.finish()
        var faults: [FaultKind] = []
        for (offset, item) in try reader.array("faults").enumerated() {
            guard let text = item.stringValue, let kind = FaultKind(rawValue: text) else {
                throw InputError(
                    path: "faults[\(offset)]",
                    message:
                        "unknown fault kind (expected one of \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            if faults.contains(kind) {
                throw InputError(path: "faults[\(offset)]", message: "fault kind \"\(kind.rawValue)\" is listed twice")
            }
            faults.append(kind)
        }
        let boundOf: [(FaultKind, Int, String)] = [
            (.drop, spec.maxDrops, "maxDrops"), (.duplicate, spec.maxDuplicates, "maxDuplicates"),
            (.crash, spec.maxCrashes, "maxCrashes"), (.partition, spec.maxPartitions, "maxPartitions"),
        ]
        for (kind, bound, field) in boundOf {
            if faults.contains(kind) && bound == 0 {
                throw InputError(
                    path: "bounds.\(field)", message: "fault '\(kind.rawValue)' is enabled but its bound is 0")
            }
            if !faults.contains(kind) && bound > 0 {
                throw InputError(
                    path: "bounds.\(field)",
                    message: "is \(bound) but fault '\(kind.rawValue)' is not enabled in faults")
            }
        }
        var properties = InvariantID.allCases
        if let listed = reader.optional("properties") {
            guard let items = listed.arrayValue else {
                throw InputError(path: "properties", message: "expected an array")
            }
            properties = []
            for (offset, item) in items.enumerated() {
                guard let text = item.stringValue, let property = InvariantID(rawValue: text) else {
                    throw InputError(
                        path: "properties[\(offset)]",
                        message: "unknown property (specs/invariants.md lists every property by name)")
                }
                if properties.contains(property) {
                    throw InputError(
                        path: "properties[\(offset)]", message: "property \"\(property.rawValue)\" is listed twice")
                }
                properties.append(property)
            }
            if properties.isEmpty { throw InputError(path: "properties", message: "must name at least one property") }
        }
        var reach: [RaftSituation] = []
        if let listed = reader.optional("reach") {
            guard let items = listed.arrayValue else { throw InputError(path: "reach", message: "expected an array") }
            for (offset, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    throw InputError(path: "reach[\(offset)]", message: "expected a situation's name (a string)")
                }
                guard let situation = RaftSituation(rawValue: text) else {
                    throw InputError(
                        path: "reach[\(offset)]",
                        message:
                            "unknown situation \(UntrustedText.quoted(text)) (specs/README.md lists every situation)")
                }
                if reach.contains(situation) {
                    throw InputError(
                        path: "reach[\(offset)]", message: "situation \"\(situation.rawValue)\" is listed twice")
                }
                reach.append(situation)
            }
        }
        let expected = try decodeExpectation(reader.string("expect"))
        var mutant: Mutant? = nil
        if let text = try reader.optionalString("mutant") {
            guard let named = Mutant(name: text) else {
                throw InputError(
                    path: "mutant", message: "unknown mutant \(UntrustedText.quoted(text)) (see `raftlab mutants`)")
            }
            mutant = named
        }
        let symmetry = try reader.optional("symmetry") == nil ? false : reader.bool("symmetry")
        let acceptIncomplete =
            try reader.optional("acceptIncomplete") == nil ? false : reader.bool("acceptIncomplete")
        var depthFirst = false
        if let strategy = try reader.optionalString("strategy") {
            guard strategy == "bfs" || strategy == "dfs" else {
                throw InputError(
                    path: "strategy", message: "expected \"bfs\" or \"dfs\", found \(UntrustedText.quoted(strategy))")
            }
            depthFirst = strategy == "dfs"
        }
        let partialOrderReduction = try reader.optional("por") == nil ? false : reader.bool("por")
        spec.discardsStaleMessages =
            try reader.optional("discardStaleMessages") == nil ? false : reader.bool("discardStaleMessages")
        var start: [Action] = []
        if reader.optional("start") != nil {
            for (offset, item) in try reader.array("start").enumerated() {
                start.append(try ActionCodec.decode(item, path: "start[\(offset)]", servers: servers))
            }
            if start.isEmpty {
                throw InputError(path: "start", message: "must list at least one step (or be left out)")
            }
        }
        try reader.finish()
        var decoded = CheckSpec(
            world: spec, description: description, faults: faults, properties: properties, expected: expected,
            mutant: mutant, symmetry: symmetry, reach: reach)
        decoded.depthFirst = depthFirst
        decoded.maxStates = maxStates
        decoded.acceptIncomplete = acceptIncomplete
        decoded.partialOrderReduction = partialOrderReduction
        decoded.start = start
        if !start.isEmpty {
            if decoded.world.maxDepth <= start.count {
                throw InputError(
                    path: "bounds.maxDepth",
                    message:
                        "is \(decoded.world.maxDepth) but start has \(start.count) steps; depth counts from the "
                        + "initial world, so maxDepth must exceed the prefix")
            }
            // A prefix that does not replay is an error of the file, so it is found here, before
            // any search, under the spec's own mutant; `check` replays it again under its own.
            _ = try decoded.startWorld(rules: WorldRules(spec: decoded.world, mutant: mutant))
        }
        return decoded
    }

    /// The world the search starts from: the initial world after the `start` steps.
    public func startWorld(rules: WorldRules) throws(InputError) -> World {
        try startPath(rules: rules).last ?? rules.initialWorld
    }

    /// The world after each `start` step, in order (empty without `start`).
    ///
    /// Every step must be enabled where it is taken and no invariant may fail on the way (all of
    /// them, as `raftlab replay` checks a trace), else the error names the step: a prefix must
    /// never hide a violation that the search would then start past.
    public func startPath(rules: WorldRules) throws(InputError) -> [World] {
        guard !start.isEmpty else { return [] }
        var replay = ReplayChooser(recorded: start)
        var worlds: [World] = []
        let result: RunResult
        do {
            result = try rules.run(chooser: &replay, maxSteps: start.count) { _, _, world in worlds.append(world) }
        } catch {
            throw InputError(
                path: "start[\(error.step - 1)]",
                message:
                    "step \(error.step), \(ActionText.describe(error.recorded)), is not enabled in the world the "
                    + "steps before it reach")
        }
        if let violation = result.violation {
            throw InputError(
                path: "start[\(max(violation.step - 1, 0))]",
                message:
                    "step \(violation.step) violates \(violation.invariant.rawValue) (\(violation.detail)); the "
                    + "search must start from a state every invariant holds in")
        }
        guard result.actions.count == start.count else {
            throw InputError(
                path: "start[\(result.actions.count)]",
                message:
                    "step \(result.actions.count + 1) cannot be taken: no action is enabled after step "
                    + "\(result.actions.count)")
        }
        return worlds
    }

    private static func decodeExpectation(_ text: String) throws(InputError) -> Expectation {
        if text == "pass" { return .pass }
        if text == "violation" { return .violation(nil) }
        if text.hasPrefix("violation:"),
            let invariant = InvariantID(rawValue: String(text.dropFirst("violation:".count)))
        {
            return .violation(invariant)
        }
        throw InputError(
            path: "expect",
            message:
                "expected \"pass\", \"violation\" or \"violation:<property>\", found \(UntrustedText.quoted(text))")
    }

    /// The expectation as written in spec files.
    public static func describe(_ expectation: Expectation) -> String {
        switch expectation {
        case .pass: "pass"
        case .violation(nil): "violation"
        case .violation(let invariant?): "violation:\(invariant.rawValue)"
        }
    }
}
