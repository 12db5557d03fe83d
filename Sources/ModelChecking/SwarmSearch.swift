/// One of the N searches of a swarm: which action order and which hash functions it uses.
///
/// Holzmann's swarm verification: for a space too large to exhaust, N small searches that
/// differ in the order they try actions and in the hash functions of their bitstate tables
/// reach different parts of it, so together they cover far more than one search of the same
/// budget, and each runs on its own machine without talking to the others. Member 0 is the
/// plain bitstate search (the model's order, the default hash seed), so a one-member swarm is
/// `--bitstate`.
public struct SwarmMember: Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// Member `index` of `count`; nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// The seed of the member's action order, nil for the model's order (member 0).
    ///
    /// From the index alone, not the count: member K explores the same way in a swarm of 8 as
    /// of 100, so a larger swarm only adds searches.
    public var seed: UInt64? { index == 0 ? nil : BitstateTable.mix(0x5357_4152_4D00_0000 ^ UInt64(index)) }

    /// `options` set up for this member: a seeded depth-first search over a bitstate table of
    /// `tableBytes` with the member's hash seed.
    public func options(_ options: CheckerOptions, tableBytes: Int) -> CheckerOptions {
        var options = options
        options.actionOrderSeed = seed
        options.bitstate = BitstateOptions(tableBytes: tableBytes, hashSeed: seed ?? 0)
        return options
    }

    public var description: String { "\(index)/\(count)" }
}

/// A depth-first search that may try actions in a seeded order and may remember states in a
/// bitstate table: the search behind `--bitstate` and each member of `--swarm`.
///
/// Unlike `DepthFirstSearch` it keeps no depths and expands no state twice (a bitstate table
/// cannot say how deep a state was reached), so it is SPIN's plain search: with a depth bound,
/// a state first reached deep and later shallower is not explored again from there. Its memory
/// is the table and the current path (one frame a step), which is also what rebuilds a
/// counterexample: the actions the frames took.
///
/// Deterministic for a given seed and state budget: the order is a function of the seed and of
/// each state's fingerprint. Only `maxSeconds` and the memory ceiling read the machine, and
/// they only stop the search.
struct SeededDepthFirstSearch<M: Model> {
    let checker: Checker<M>
    /// Every state the search stores is also added here, when given: how a swarm run in one
    /// process measures the states its members covered together.
    var union: FingerprintSet? = nil

    private struct Frame {
        var state: M.State
        var actions: [M.Action]
        /// Positions in `actions`, in the order they are tried.
        var order: [Int]
        var next = 0
        /// The position of the action (in the parent's list) that led here; for an initial
        /// state, its position among the initial states.
        var arrivedBy: Int
    }

    /// The visited set: exact or bitstate.
    private enum Visited {
        case exact(FingerprintSet)
        case bitstate(BitstateTable)

        /// Adds `fingerprint`; returns whether it was new (to the table, for bitstate).
        func insert(_ fingerprint: UInt64) -> Bool {
            switch self {
            case .exact(let set):
                set.reserve(forInserting: 1)
                return set.insert(fingerprint)
            case .bitstate(let table): return table.insert(fingerprint)
            }
        }

        var count: Int {
            switch self {
            case .exact(let set): set.count
            case .bitstate(let table): table.insertedStates
            }
        }

        var bytes: Int {
            switch self {
            case .exact(let set): set.bytes
            case .bitstate(let table): table.bytes
            }
        }
    }

    func run() -> CheckReport<M> {
        let model = checker.model
        let options = checker.options
        let clock = Stopwatch()
        var lastProgress = 0.0
        let visited: Visited = options.bitstate.map { .bitstate(BitstateTable($0)) } ?? .exact(FingerprintSet())
        let noPaths = PathLog()
        var frames: [Frame] = []
        var kindCounts = Array(repeating: 0, count: model.actionKinds.count)
        var total = 0
        var deepest = 0
        var depthBoundHit = false
        var expansions = 0
        let tracksSituations = !model.situationNames.isEmpty
        let tracksClasses = !model.transitionClasses.isEmpty
        var witnesses = SituationWitnesses(count: model.situationNames.count)
        var classCounts = Array(repeating: 0, count: model.transitionClasses.count)

        func report(_ verdict: CheckReport<M>.Verdict) -> CheckReport<M> {
            var report = checker.report(
                verdict, distinctStates: visited.count, tableBytes: visited.bytes, paths: noPaths, totalStates: total,
                depth: deepest, depthBoundHit: depthBoundHit, kindCounts: kindCounts, clock: clock, workers: 1,
                witnesses: witnesses, classCounts: classCounts)
            if case .bitstate(let table) = visited {
                report.bitstate = table.coverage
                if case .passed = verdict { report.coverage = .bitstateSearchEnded }
            }
            return report
        }

        func store(_ fingerprint: UInt64) -> Bool {
            let new = visited.insert(fingerprint)
            if new, let union { union.reserve(forInserting: 1); union.insert(fingerprint) }
            return new
        }

        /// A frame for `state`, with its actions in the order the search tries them.
        func frame(_ state: M.State, fingerprint: UInt64, arrivedBy: Int) -> Frame {
            var actions: [M.Action] = []
            model.actions(in: state, into: &actions)
            var order = Array(actions.indices)
            if let seed = options.actionOrderSeed { Self.shuffle(&order, seed: seed ^ fingerprint) }
            return Frame(state: state, actions: actions, order: order, arrivedBy: arrivedBy)
        }

        for (initialPosition, initial) in model.initialStates.enumerated() {
            total += 1
            if let violation = model.violation(in: initial) {
                return report(.violated(checker.counterexample(steps: [initialPosition], violation: violation)))
            }
            let fingerprint = checker.canonicalFingerprint(initial)
            guard store(fingerprint) else { continue }
            if options.maxDepth <= 0 {
                depthBoundHit = true
                continue
            }
            guard model.isWithinBoundary(initial) else { continue }
            frames.append(frame(initial, fingerprint: fingerprint, arrivedBy: initialPosition))
            expansions += 1
            while !frames.isEmpty {
                let top = frames.count - 1
                guard frames[top].next < frames[top].order.count else {
                    frames.removeLast()
                    continue
                }
                let position = frames[top].order[frames[top].next]
                frames[top].next += 1
                let action = frames[top].actions[position]
                guard let next = model.nextState(from: frames[top].state, taking: action) else { continue }
                total += 1
                kindCounts[model.kindIndex(of: action)] += 1
                let depth = frames.count
                deepest = max(deepest, depth)
                if tracksSituations {
                    let reached = model.situations(reachedBy: action, from: frames[top].state, to: next)
                    if reached != 0 && witnesses.improves(reached, atDepth: depth) {
                        witnesses.record(reached, atDepth: depth) { frames.map(\.arrivedBy) + [position] }
                    }
                }
                if tracksClasses,
                    let transitionClass = model.transitionClass(of: action, from: frames[top].state, to: next)
                {
                    classCounts[transitionClass] += 1
                }
                let fingerprint = checker.canonicalFingerprint(next)
                let new = store(fingerprint)
                if let violation = model.violation(
                    in: next, after: action, from: frames[top].state, stateAlreadySeen: !new)
                {
                    let steps = frames.map(\.arrivedBy) + [position]
                    return report(.violated(checker.counterexample(steps: steps, violation: violation)))
                }
                guard new else { continue }
                if depth >= options.maxDepth {
                    depthBoundHit = true
                    continue
                }
                guard model.isWithinBoundary(next) else { continue }
                frames.append(frame(next, fingerprint: fingerprint, arrivedBy: position))
                expansions += 1
                if let reason = limitReached(visited.count, visited.bytes, expansions, clock) {
                    return report(.incomplete(reason: reason))
                }
                if let progress = options.progress, expansions % 1024 == 0, clock.seconds - lastProgress >= 1 {
                    lastProgress = clock.seconds
                    progress(
                        CheckProgress(
                            distinctStates: visited.count, totalStates: total, queued: frames.count, depth: deepest,
                            elapsedSeconds: lastProgress))
                }
            }
        }
        if case .exact = visited, depthBoundHit {
            return report(
                .incomplete(
                    reason:
                        "a seeded depth-first search does not re-expand a state reached shorter later, so paths cut "
                        + "at the depth bound may hide states within it; use --strategy dfs for a complete search"))
        }
        return report(.passed)
    }

    /// Why the search must stop now, or nil: the checker's limits, and `maxSeconds`.
    private func limitReached(_ distinct: Int, _ tableBytes: Int, _ expansions: Int, _ clock: Stopwatch) -> String? {
        let options = checker.options
        let batchEnd = expansions % options.batchSize == 0
        if let reason = checker.limitReached(distinctStates: distinct, tableBytes: tableBytes, checkMemory: batchEnd) {
            return reason
        }
        if let seconds = options.maxSeconds, expansions % 256 == 0, clock.seconds >= seconds {
            return "reached --max-seconds \(Int(seconds))"
        }
        return nil
    }

    /// Shuffles `order` by Fisher-Yates, drawing from SplitMix64 started at `seed`.
    static func shuffle(_ order: inout [Int], seed: UInt64) {
        guard order.count > 1 else { return }
        var state = seed
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            state &+= 0x9E37_79B9_7F4A_7C15
            let j = Int(BitstateTable.mix(state) % UInt64(i + 1))
            order.swapAt(i, j)
        }
    }
}

/// A whole swarm run in one process, one member after another: each member's report and the
/// distinct states they reached together.
///
/// For measuring what a swarm adds over one search of the same budget; on a cluster each
/// member runs alone (`--swarm K/N`) and the union is not computed.
public struct SwarmRun<M: Model>: Sendable {
    public var reports: [CheckReport<M>]
    /// Distinct fingerprints stored by any member.
    public var combinedDistinctStates: Int
    /// The deepest any member reached.
    public var deepest: Int

    /// Runs members 0..<`count` of `model` with `options` (budget included) and a bitstate table
    /// of `tableBytes` each; stops early at a member that finds a violation.
    public init(_ model: M, options: CheckerOptions, members count: Int, tableBytes: Int) {
        let union = FingerprintSet()
        reports = []
        deepest = 0
        for index in 0..<count {
            let member = SwarmMember(index: index, count: count)!
            let checker = Checker(model, options: member.options(options, tableBytes: tableBytes))
            var search = SeededDepthFirstSearch(checker: checker)
            search.union = union
            let report = search.run()
            reports.append(report)
            deepest = max(deepest, report.maxDepthReached)
            if case .violated = report.verdict { break }
        }
        combinedDistinctStates = union.count
    }
}
