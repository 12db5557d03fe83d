import Testing

@testable import ModelChecking

@Suite("Bitstate tables and swarm searches (SPIN's supertrace, Holzmann's swarm verification)")
struct BitstateSwarmTests {
    @Test("A state sets k distinct bits, reads back as seen, and a second insert is not new")
    func tableSetsKBits() {
        for k in [1, 3, 5] {
            let table = BitstateTable(BitstateOptions(tableBytes: 1 << 16, hashCount: k, hashSeed: 7))
            let positions = table.positions(of: 42)
            #expect(positions.count == k)
            #expect(Set(positions).count == k)
            #expect(positions.allSatisfy { $0 < table.bitCount })
            #expect(!table.contains(42))
            #expect(table.insert(42))
            #expect(table.setBits == k)
            #expect(table.contains(42))
            #expect(!table.insert(42))
            #expect(table.insertedStates == 1)
            #expect(table.setBits == k)
        }
    }

    @Test("Different hash seeds place a state on different bits")
    func seedsChangeTheHashes() {
        let one = BitstateTable(BitstateOptions(tableBytes: 1 << 16, hashSeed: 1))
        let two = BitstateTable(BitstateOptions(tableBytes: 1 << 16, hashSeed: 2))
        #expect(one.positions(of: 99) != two.positions(of: 99))
    }

    @Test("A full table takes a new state for seen: what a bitstate search may lose")
    func fullTableLosesStates() {
        let table = BitstateTable(BitstateOptions(tableBytes: 8, hashCount: 2))
        for fingerprint in 0..<UInt64(1000) { table.insert(mix(fingerprint)) }
        #expect(table.setBits == 64)
        #expect(table.contains(mix(123_456)))
        #expect(table.coverage.omissionProbability == 1)
        #expect(table.coverage.hashFactor < 2)
    }

    @Test("Coverage figures: hash factor is bits per state, a sparse table loses little")
    func coverageFigures() {
        let coverage = BitstateCoverage(
            tableBytes: 1 << 20, hashCount: 3, hashSeed: 0, storedStates: 1000, setBits: 3000)
        #expect(coverage.hashFactor == Double(8 << 20) / 1000)
        #expect(coverage.omissionProbability < 1e-9)
        #expect(coverage.expectedOmittedStates < 1e-3)
        #expect(coverage.description.contains("hash factor 8388.6"))
    }

    @Test("With a large table a bitstate search reaches every state the exact search does")
    func largeTableIsExact() {
        for model in [SlidingPuzzle(rows: 3, columns: 3)] {
            var options = CheckerOptions()
            let exact = Checker(model, options: options).run()
            options.bitstate = BitstateOptions(tableBytes: 16 << 20)
            let bitstate = Checker(model, options: options).run()
            #expect(bitstate.distinctStates == exact.distinctStates)
            #expect(bitstate.distinctStates == 181_440)
            #expect(bitstate.coverage == .bitstateSearchEnded)
            #expect(bitstate.coverageName == "bitstate")
            #expect(bitstate.coverageDescription.contains("NOT exhaustive"))
            #expect(bitstate.bitstate?.storedStates == 181_440)
        }
        let commit = TwoPhaseCommit(resourceManagers: 3)
        var options = CheckerOptions()
        options.bitstate = BitstateOptions(tableBytes: 1 << 20)
        #expect(Checker(commit, options: options).run().distinctStates == 288)
    }

    @Test("A small table loses states, and says it passed only as a bitstate search")
    func smallTableLoses() {
        var options = CheckerOptions()
        options.bitstate = BitstateOptions(tableBytes: 4096)
        let report = Checker(SlidingPuzzle(rows: 3, columns: 3), options: options).run()
        #expect(report.distinctStates < 181_440)
        #expect(report.coverage == .bitstateSearchEnded)
        #expect((report.bitstate?.expectedOmittedStates ?? 0) > 1)
    }

    @Test("Each swarm member is deterministic; members differ in order and cover more together")
    func swarmMembers() {
        let model = SlidingPuzzle(rows: 3, columns: 3)
        var options = CheckerOptions()
        options.maxStates = 5_000
        func member(_ index: Int) -> CheckReport<SlidingPuzzle> {
            Checker(model, options: SwarmMember(index: index, count: 4)!.options(options, tableBytes: 1 << 20)).run()
        }
        for index in 0..<4 {
            let first = member(index)
            let again = member(index)
            #expect(first.distinctStates == again.distinctStates)
            #expect(first.totalStates == again.totalStates)
            #expect(first.maxDepthReached == again.maxDepthReached)
            #expect(first.verdictName == "incomplete")
        }
        #expect(SwarmMember(index: 0, count: 4)!.seed == nil)
        #expect(SwarmMember(index: 1, count: 4)!.seed != SwarmMember(index: 2, count: 4)!.seed)
        #expect(SwarmMember(index: 4, count: 4) == nil)
        let swarm = SwarmRun(model, options: options, members: 4, tableBytes: 1 << 20)
        #expect(swarm.reports.count == 4)
        #expect(swarm.combinedDistinctStates > swarm.reports[0].distinctStates)
        #expect(swarm.reports.map(\.totalStates) != Array(repeating: swarm.reports[0].totalStates, count: 4))
    }

    @Test("Every swarm member finds a reachable violation, with a counterexample that replays")
    func swarmFindsViolation() {
        let model = TwoPhaseCommit(resourceManagers: 3, commitsEarly: true)
        for index in 0..<4 {
            let options = SwarmMember(index: index, count: 4)!.options(CheckerOptions(), tableBytes: 1 << 16)
            let report = Checker(model, options: options).run()
            guard case .violated(let counterexample) = report.verdict else {
                Issue.record("member \(index) found no violation")
                continue
            }
            var state = model.initialStates[0]
            for action in counterexample.actions { state = model.nextState(from: state, taking: action)! }
            #expect(model.violation(in: state) != nil)
        }
    }

    @Test("A seeded search with an exact set and a cut depth does not claim completeness")
    func seededExactIsHonest() {
        var options = CheckerOptions()
        options.actionOrderSeed = 5
        options.maxDepth = 10
        let report = Checker(SlidingPuzzle(rows: 2, columns: 3), options: options).run()
        #expect(report.verdictName == "incomplete")
        options.maxDepth = .max
        let whole = Checker(SlidingPuzzle(rows: 2, columns: 3), options: options).run()
        #expect(whole.coverage == .exhaustive)
        #expect(whole.distinctStates == 360)
    }
}
