import Testing

@testable import ModelChecking

@Suite("The generic checker, pinned by toy models")
struct CheckerTests {
    func check<M: Model>(_ model: M, _ configure: (inout CheckerOptions) -> Void = { _ in }) -> CheckReport<M> {
        var options = CheckerOptions()
        configure(&options)
        return Checker(model, options: options).run()
    }

    func passed<M: Model>(_ report: CheckReport<M>) -> Bool {
        if case .passed = report.verdict { return true }
        return false
    }

    @Test("Two-phase commit with 3 resource managers: 288 states, as TLC counts TwoPhase.tla")
    func twoPhaseCommitCount() {
        let model = TwoPhaseCommit(resourceManagers: 3)
        let independent = bruteForceReachable(model)
        #expect(independent.all == 288)
        let report = check(model)
        #expect(passed(report))
        #expect(report.distinctStates == independent.all)
    }

    @Test("Two-phase commit with 1 to 5 resource managers: BFS, DFS and brute force agree", arguments: 1...5)
    func twoPhaseCommitAgreement(resourceManagers: Int) {
        let model = TwoPhaseCommit(resourceManagers: resourceManagers)
        let independent = bruteForceReachable(model).all
        #expect(check(model).distinctStates == independent)
        #expect(check(model) { $0.strategy = .depthFirst }.distinctStates == independent)
    }

    @Test("Sliding puzzles reach exactly half of all arrangements", arguments: [(2, 2), (2, 3), (3, 3)])
    func slidingPuzzleCount(rows: Int, columns: Int) {
        let model = SlidingPuzzle(rows: rows, columns: columns)
        let half = (1...(rows * columns)).reduce(1, *) / 2
        let report = check(model)
        #expect(passed(report))
        #expect(report.distinctStates == half)
        #expect(check(model) { $0.strategy = .depthFirst }.distinctStates == half)
    }

    @Test("One and two workers store the same states, for any batch size")
    func workersAgree() {
        let model = SlidingPuzzle(rows: 3, columns: 3)
        for batchSize in [7, 4096] {
            let one = check(model) { $0.batchSize = batchSize }
            let two = check(model) {
                $0.batchSize = batchSize
                $0.workers = 2
            }
            #expect(one.distinctStates == 181_440)
            #expect(two.distinctStates == one.distinctStates)
            #expect(two.totalStates == one.totalStates)
            #expect(two.maxDepthReached == one.maxDepthReached)
        }
    }

    /// Each batch is merged while the workers expand the next one, so the workers read a visited
    /// set that is still being written.
    ///
    /// That may change what they offer, never the outcome.
    @Test("The counterexample and a bounded run's figures do not depend on the worker count")
    func mergeWhileExpandingIsDeterministic() {
        let goal: [UInt8] = [8, 7, 6, 5, 4, 3, 2, 1, 0]
        let model = SlidingPuzzle(rows: 3, columns: 3, start: [1, 2, 3, 4, 5, 6, 7, 8, 0], forbidden: goal)
        for batchSize in [7, 100, 4096] {
            var reference: (actions: [SlidingPuzzle.Action], distinct: Int, total: Int)? = nil
            for workers in [1, 2, 3] {
                let report = check(model) {
                    $0.batchSize = batchSize
                    $0.workers = workers
                }
                guard case .violated(let counterexample) = report.verdict else {
                    Issue.record("expected a violation")
                    return
                }
                let outcome = (counterexample.actions, report.distinctStates, report.totalStates)
                if let reference {
                    #expect(outcome.0 == reference.actions, "batch \(batchSize), \(workers) workers")
                    #expect(outcome.1 == reference.distinct && outcome.2 == reference.total)
                } else {
                    reference = outcome
                }
            }
        }
        let bounded = [1, 2, 3].map { workers in
            check(SlidingPuzzle(rows: 3, columns: 3)) {
                $0.batchSize = 64
                $0.maxStates = 5_000
                $0.workers = workers
            }
        }
        for report in bounded {
            #expect(report.distinctStates == bounded[0].distinctStates)
            #expect(report.totalStates == bounded[0].totalStates)
            #expect(report.maxDepthReached == bounded[0].maxDepthReached)
        }
        #expect(bounded[0].distinctStates >= 5_000 && bounded[0].distinctStates < 181_440)
    }

    @Test("BFS returns a shortest counterexample, and its path replays to the violating state")
    func shortestCounterexample() throws {
        let goal: [UInt8] = [8, 7, 6, 5, 4, 3, 2, 1, 0]
        let model = SlidingPuzzle(rows: 3, columns: 3, start: [1, 2, 3, 4, 5, 6, 7, 8, 0], forbidden: goal)
        let distance = try #require(bruteForceDistance(model, to: goal))
        for workers in [1, 2] {
            let report = check(model) { $0.workers = workers }
            guard case .violated(let counterexample) = report.verdict else {
                Issue.record("expected a violation")
                return
            }
            #expect(counterexample.actions.count == distance)
            #expect(counterexample.states.last == goal)
            var state = model.start
            for action in counterexample.actions { state = model.nextState(from: state, taking: action)! }
            #expect(state == goal)
            #expect(counterexample.violation.property == "goal-unreachable")
        }
    }

    @Test("DFS finds a violation too, on a path that replays")
    func depthFirstViolation() {
        let model = TwoPhaseCommit(resourceManagers: 3, commitsEarly: true)
        let report = check(model) { $0.strategy = .depthFirst }
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("expected a violation")
            return
        }
        var state = model.initialStates[0]
        for action in counterexample.actions { state = model.nextState(from: state, taking: action)! }
        #expect(model.violation(in: state) != nil)
    }

    @Test("Symmetry reduction visits one state per class of renamings and keeps the verdict")
    func symmetryReduction() {
        for resourceManagers in 2...4 {
            let model = TwoPhaseCommit(resourceManagers: resourceManagers)
            let independent = bruteForceReachable(model, canonical: model.representative)
            let reduced = check(model) { $0.symmetry = true }
            #expect(passed(reduced))
            #expect(reduced.distinctStates == independent.classes)
            #expect(reduced.distinctStates < independent.all)
        }
        let broken = TwoPhaseCommit(resourceManagers: 3, commitsEarly: true)
        let plain = check(broken)
        let reduced = check(broken) { $0.symmetry = true }
        guard case .violated(let a) = plain.verdict, case .violated(let b) = reduced.verdict else {
            Issue.record("expected violations with and without symmetry")
            return
        }
        #expect(a.actions.count == b.actions.count)
    }

    @Test("--max-states stops the search with an incomplete verdict, not a crash and not a pass")
    func maxStatesBounds() {
        let report = check(SlidingPuzzle(rows: 3, columns: 3)) {
            $0.maxStates = 1000
            $0.batchSize = 100
        }
        guard case .incomplete(let reason) = report.verdict else {
            Issue.record("expected incomplete, got \(report.verdict)")
            return
        }
        #expect(reason.contains("max-states"))
        #expect(report.coverage == .stoppedByLimit(reason: reason))
        #expect(report.distinctStates >= 1000 && report.distinctStates < 1200)
    }

    /// The memory ceiling applies to what the caller measures (the CLI reads the resident set),
    /// not only to the checker's own estimate of its tables, which misses most of a process.
    @Test(
        "The memory ceiling applies to the memory reader's figure, for both strategies",
        arguments: SearchStrategy.allCases)
    func memoryReaderStopsTheSearch(strategy: SearchStrategy) {
        let model = SlidingPuzzle(rows: 3, columns: 3)
        let stopped = check(model) {
            $0.strategy = strategy
            $0.batchSize = 64
            $0.maxMemoryBytes = 512 << 20
            $0.memoryInUse = { 1 << 30 }
        }
        guard case .incomplete(let reason) = stopped.verdict else {
            Issue.record("a process over its ceiling must stop the search, got \(stopped.verdictName)")
            return
        }
        #expect(reason.contains("resident memory 1024 MiB"))
        #expect(stopped.distinctStates < 181_440)
        let unreadable = check(model) {
            $0.strategy = strategy
            $0.maxMemoryBytes = 512 << 20
            $0.memoryInUse = { nil }
        }
        #expect(passed(unreadable), "without a reading the checker's estimate applies: far under 512 MiB")
        #expect(unreadable.distinctStates == 181_440)
    }

    @Test("Every report says how complete it was")
    func coverage() {
        let whole = check(SlidingPuzzle(rows: 2, columns: 3))
        #expect(whole.coverage == .exhaustive)
        let cut = check(SlidingPuzzle(rows: 2, columns: 3)) { $0.maxDepth = 3 }
        #expect(cut.coverage == .exhaustiveWithinDepth(depthBound: 3))
        let goal: [UInt8] = [8, 7, 6, 5, 4, 3, 2, 1, 0]
        let broken = check(SlidingPuzzle(rows: 3, columns: 3, start: [1, 2, 3, 4, 5, 6, 7, 8, 0], forbidden: goal))
        #expect(broken.coverage == .stoppedAtViolation)
    }

    /// A plain fingerprint DFS under a depth bound reaches a state first by a long path, cuts its
    /// successors at the bound, and then calls it seen when a shorter path arrives: states BFS
    /// finds within the same bound are never visited, yet the frontier empties.
    @Test("Within the same depth bound, DFS stores exactly the states BFS does", arguments: [2, 5, 8, 11, 14, 17, 20])
    func depthFirstIsCompleteWithinItsBound(depthBound: Int) {
        let puzzle = SlidingPuzzle(rows: 3, columns: 3)
        let commit = TwoPhaseCommit(resourceManagers: 4)
        let breadthPuzzle = check(puzzle) { $0.maxDepth = depthBound }
        let depthPuzzle = check(puzzle) {
            $0.maxDepth = depthBound
            $0.strategy = .depthFirst
        }
        #expect(passed(depthPuzzle))
        #expect(depthPuzzle.distinctStates == breadthPuzzle.distinctStates)
        #expect(depthPuzzle.maxDepthReached == breadthPuzzle.maxDepthReached)
        #expect(depthPuzzle.coverage == breadthPuzzle.coverage)
        let commitBound = depthBound / 2
        let breadthCommit = check(commit) { $0.maxDepth = commitBound }
        let depthCommit = check(commit) {
            $0.maxDepth = commitBound
            $0.strategy = .depthFirst
        }
        #expect(depthCommit.distinctStates == breadthCommit.distinctStates)
    }

    @Test("DFS under a bound finds a violation BFS finds within it, on a path that replays")
    func depthFirstFindsWhatLiesWithinItsBound() throws {
        let goal: [UInt8] = [1, 2, 3, 4, 5, 0, 6, 7, 8]
        let model = SlidingPuzzle(rows: 3, columns: 3, forbidden: goal)
        let distance = try #require(bruteForceDistance(model, to: goal))
        let report = check(model) {
            $0.maxDepth = distance
            $0.strategy = .depthFirst
        }
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("a violation \(distance) steps away must be found within depth \(distance)")
            return
        }
        #expect(counterexample.actions.count <= distance)
        var state = model.start
        for action in counterexample.actions { state = model.nextState(from: state, taking: action)! }
        #expect(state == goal)
    }

    @Test("Depths past what the DFS visited set tells apart make a cut run incomplete, not a pass")
    func saturatedDepthsAreIncomplete() {
        let line = Line(length: DepthFingerprintTable.saturatedDepth + 100)
        let cut = check(line) {
            $0.strategy = .depthFirst
            $0.maxDepth = DepthFingerprintTable.saturatedDepth + 10
        }
        guard case .incomplete(let reason) = cut.verdict else {
            Issue.record("expected incomplete, got \(cut.verdictName)")
            return
        }
        #expect(reason.contains("not told apart"))
        let whole = check(line) { $0.strategy = .depthFirst }
        #expect(whole.coverage == .exhaustive, "without a bound no path is cut, so nothing needs re-expanding")
        #expect(whole.distinctStates == line.length + 1)
    }

    @Test("The depth bound cuts paths and says so")
    func depthBound() {
        let report = check(SlidingPuzzle(rows: 2, columns: 3)) { $0.maxDepth = 3 }
        #expect(report.depthBoundHit)
        #expect(report.maxDepthReached == 3)
        #expect(report.distinctStates < 360)
    }
}

@Suite("The visited set and path records")
struct StorageTests {
    @Test("FingerprintSet holds every fingerprint once across growth, zero included")
    func fingerprintSet() {
        let set = FingerprintSet(capacity: 1024)
        var fresh = 0
        for value in 0..<100_000 as Range<UInt64> where set.insert(mix(value)) { fresh += 1 }
        #expect(fresh == 100_000)
        #expect(set.count == 100_000)
        var again = 0
        for value in 0..<100_000 as Range<UInt64> where value % 97 == 0 && set.insert(mix(value)) { again += 1 }
        #expect(again == 0)
        #expect(set.contains(mix(12_345)))
        #expect(!set.contains(mix(100_001)))
        let zeroIsNew = set.insert(0)
        #expect(zeroIsNew)
        #expect(set.contains(0))
        let zeroIsNewAgain = set.insert(0)
        #expect(!zeroIsNewAgain)
        let bytesPerState = Double(set.bytes) / Double(set.count)
        #expect(bytesPerState >= 10 && bytesPerState <= 15.1)
    }

    @Test(
        "FingerprintSet grown by several workers at once, in one reserve, holds every fingerprint and the same capacity as grown step by step"
    )
    func fingerprintSetParallelGrowth() {
        let stepwise = FingerprintSet(capacity: 1 << 17)
        let together = FingerprintSet(capacity: 1 << 17)
        for value in 0..<100_000 as Range<UInt64> {
            stepwise.insert(mix(value))
            together.insert(mix(value))
        }
        // Asked for a little more each time, the table grows one step at a time, as it always did.
        for additional in stride(from: 1_000, through: 300_000, by: 1_000) {
            stepwise.reserve(forInserting: additional)
        }
        together.reserve(forInserting: 300_000, workers: 4)
        #expect(together.capacity == stepwise.capacity)
        #expect(together.count == 100_000)
        let probe = together.probe
        var held = 0
        for value in 0..<100_000 as Range<UInt64> where together.contains(mix(value)) && probe.contains(mix(value)) {
            held += 1
        }
        #expect(held == 100_000)
        #expect(!probe.contains(mix(100_001)))
        for value in 100_000..<400_000 as Range<UInt64> { together.insert(mix(value)) }
        // No growth left to do: the reserve made room for all of them.
        #expect(together.capacity == stepwise.capacity)
        #expect(together.count == 400_000)
    }

    @Test(
        "FingerprintSet grown while a worker holds a probe: the old probe still answers what it held, a new probe holds everything"
    )
    func fingerprintSetGrowsWhileRead() {
        let set = FingerprintSet(capacity: 1 << 10)
        for value in 0..<700 as Range<UInt64> { set.insert(mix(value)) }
        let before = set.probe
        set.reserveWhileReading(forInserting: 10_000)
        #expect(set.capacity > 1 << 10)
        for value in 700..<10_000 as Range<UInt64> { set.insert(mix(value)) }
        let after = set.probe
        // The old table stays readable until released: a worker still probing it sees what it held.
        #expect((0..<700 as Range<UInt64>).allSatisfy { before.contains(mix($0)) })
        #expect(!before.contains(mix(5_000)))
        #expect((0..<10_000 as Range<UInt64>).allSatisfy { after.contains(mix($0)) && set.contains(mix($0)) })
        #expect(!after.contains(mix(10_001)))
        #expect(set.count == 10_000)
        set.releaseRetiredTables()
        #expect(set.probe.contains(mix(9_999)))
    }

    @Test("DepthFingerprintTable keeps the smallest depth recorded for each fingerprint across growth")
    func depthFingerprintTable() {
        let table = DepthFingerprintTable(capacity: 64)
        for value in 0..<50_000 as Range<UInt64> {
            table.reserve(forInserting: 1)
            let slot = table.slot(of: mix(value))
            #expect(table.depth(at: slot) == nil)
            table.record(mix(value), depth: Int(value % 1000), at: slot)
        }
        #expect(table.count == 50_000)
        table.reserve(forInserting: 1)
        table.record(mix(1234), depth: 7, at: table.slot(of: mix(1234)))
        table.record(0, depth: 3, at: table.slot(of: 0))
        #expect(table.count == 50_001)
        #expect(table.depth(of: mix(1234)) == 7)
        #expect(table.depth(of: mix(49_999)) == 999)
        #expect(table.depth(of: 0) == 3)
        #expect(table.depth(of: mix(50_000)) == nil)
        #expect(!table.saturated)
        table.record(mix(5), depth: 1_000_000, at: table.slot(of: mix(5)))
        #expect(table.saturated)
        #expect(table.depth(of: mix(5)) == DepthFingerprintTable.saturatedDepth)
        let bytesPerState = Double(table.bytes) / Double(table.count)
        #expect(bytesPerState >= 12 && bytesPerState <= 19)
    }

    @Test("PathLog returns every record, from memory and from its spill file")
    func pathLog() {
        let log = PathLog()
        log.append(parent: PathLog.noParent, action: 0)
        for ordinal in 1..<400_000 { log.append(parent: UInt32(ordinal - 1), action: ordinal % 7) }
        #expect(log.spilledToDisk)
        #expect(log.record(3).parent == 2)
        #expect(log.record(3).action == 3)
        #expect(log.record(399_999).action == 399_999 % 7)
        let path = log.path(to: 20)
        #expect(path == [0] + (1...20).map { $0 % 7 })
    }
}
