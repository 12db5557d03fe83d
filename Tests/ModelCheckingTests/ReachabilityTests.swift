import Testing

@testable import ModelChecking

/// A walk on an `size` x `size` grid, right or up, with situations to reach: the far corner,
/// the diagonal after a step up, and a cell outside the grid that no step reaches.
struct GridWalk: Model {
    struct State: Hashable, Sendable {
        var x: Int
        var y: Int
    }

    enum Action: Hashable, Sendable { case right, up }

    let size: Int

    var initialStates: [State] { [State(x: 0, y: 0)] }

    func actions(in state: State, into actions: inout [Action]) {
        if state.x + 1 < size { actions.append(.right) }
        if state.y + 1 < size { actions.append(.up) }
    }

    func nextState(from state: State, taking action: Action) -> State? {
        switch action {
        case .right: State(x: state.x + 1, y: state.y)
        case .up: State(x: state.x, y: state.y + 1)
        }
    }

    func fingerprint(of state: State) -> UInt64 { UInt64(state.x * 1_000 + state.y) }

    func violation(in state: State) -> PropertyViolation? { nil }

    var situationNames: [String] { ["far-corner", "diagonal-after-up", "outside"] }

    func situations(reachedBy action: Action, from previous: State, to state: State) -> UInt64 {
        var reached: UInt64 = 0
        if state.x == size - 1 && state.y == size - 1 { reached |= 1 << 0 }
        if action == .up && state.x == state.y { reached |= 1 << 1 }
        if state.x >= size { reached |= 1 << 2 }
        return reached
    }

    var transitionClasses: [String] { ["right", "up", "never"] }

    func transitionClass(of action: Action, from previous: State, to state: State) -> Int? {
        action == .right ? 0 : 1
    }
}

@Suite("Reachability (sometimes properties) and transition classes")
struct ReachabilityTests {
    func check(_ strategy: SearchStrategy, workers: Int = 1, depth: Int = Int.max) -> CheckReport<GridWalk> {
        var options = CheckerOptions()
        options.strategy = strategy
        options.workers = workers
        options.maxDepth = depth
        // Small batches and shares, so several workers really split the levels.
        options.batchSize = 4
        return Checker(GridWalk(size: 6), options: options).run()
    }

    func depths(_ report: CheckReport<GridWalk>) -> [Int?] { report.situations.map { $0.witness?.depth } }

    @Test("Breadth-first search reports each situation at its smallest depth, or unreached")
    func breadthFirst() {
        let report = check(.breadthFirst)
        #expect(report.situations.map(\.name) == ["far-corner", "diagonal-after-up", "outside"])
        #expect(depths(report) == [10, 2, nil])
        // The witness replays to the situation: the last state is the corner.
        let corner = report.situations[0].witness!
        #expect(corner.states.last == GridWalk.State(x: 5, y: 5))
        #expect(corner.actions.count == corner.states.count)
    }

    @Test("The witnesses are the same for any worker count")
    func workersAgree() {
        let one = check(.breadthFirst, workers: 1)
        for workers in [2, 3] {
            let many = check(.breadthFirst, workers: workers)
            #expect(depths(many) == depths(one))
            #expect(many.situations.map { $0.witness?.actions } == one.situations.map { $0.witness?.actions })
            #expect(many.transitionClassCounts == one.transitionClassCounts)
        }
    }

    @Test("Depth-first search within a bound finds the same smallest depths")
    func depthFirst() {
        let report = check(.depthFirst, depth: 12)
        #expect(depths(report) == [10, 2, nil])
    }

    @Test("A situation beyond the depth bound is not reached")
    func depthBound() {
        #expect(depths(check(.breadthFirst, depth: 9)) == [nil, 2, nil])
        #expect(depths(check(.depthFirst, depth: 9)) == [nil, 2, nil])
    }

    @Test("Transition classes count every transition explored, by class, never-hit classes at 0")
    func classCounts() {
        let report = check(.breadthFirst)
        // Every edge of the 6 x 6 grid once, breadth-first: 30 right, 30 up.
        #expect(report.transitionClassCounts == [30, 30, 0])
        #expect(report.transitionClassCounts.reduce(0, +) == report.totalStates - 1)
    }

    @Test("A model without situations or classes reports none")
    func noneAsked() {
        let report = Checker(TwoPhaseCommit(resourceManagers: 2)).run()
        #expect(report.situations.isEmpty)
        #expect(report.transitionClassCounts.isEmpty)
    }
}
