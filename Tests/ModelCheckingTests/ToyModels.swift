@testable import ModelChecking

/// Lamport's two-phase commit (TwoPhase.tla) with `resourceManagers` participants: a transaction
/// manager, resource managers that prepare or abort, and a message pool that only grows.
///
/// A state packs everything into one integer so that an independent brute-force search in the
/// tests can count states with a plain `Set`.
struct TwoPhaseCommit: Model {
    enum ResourceManagerState: UInt8 { case working, prepared, committed, aborted }
    enum ManagerState: UInt8 { case initial, committed, aborted }

    struct State: Hashable, Sendable {
        var resourceManagers: [ResourceManagerState]
        var manager: ManagerState = .initial
        /// Resource managers the transaction manager has heard prepare.
        var managerPrepared: UInt8 = 0
        /// "Prepared" messages sent, one bit per resource manager.
        var preparedMessages: UInt8 = 0
        var commitSent = false
        var abortSent = false
    }

    enum Action: Hashable, Sendable {
        case managerReceivesPrepared(Int), managerCommits, managerAborts
        case prepare(Int), chooseToAbort(Int), receiveCommit(Int), receiveAbort(Int)
    }

    let resourceManagers: Int
    /// When set, "no resource manager committed while another aborted" is checked and can be
    /// broken by letting a manager commit without every prepare (a deliberate bug).
    var commitsEarly = false

    var initialStates: [State] { [State(resourceManagers: Array(repeating: .working, count: resourceManagers))] }

    func actions(in state: State, into actions: inout [Action]) {
        let everyone = UInt8((1 << resourceManagers) - 1)
        for rm in 0..<resourceManagers where state.manager == .initial && state.preparedMessages & (1 << rm) != 0 {
            actions.append(.managerReceivesPrepared(rm))
        }
        if state.manager == .initial
            && (state.managerPrepared == everyone || (commitsEarly && state.managerPrepared != 0))
        {
            actions.append(.managerCommits)
        }
        if state.manager == .initial { actions.append(.managerAborts) }
        for rm in 0..<resourceManagers where state.resourceManagers[rm] == .working {
            actions.append(.prepare(rm))
            actions.append(.chooseToAbort(rm))
        }
        for rm in 0..<resourceManagers {
            if state.commitSent { actions.append(.receiveCommit(rm)) }
            if state.abortSent { actions.append(.receiveAbort(rm)) }
        }
    }

    func nextState(from state: State, taking action: Action) -> State? {
        var next = state
        switch action {
        case .managerReceivesPrepared(let rm): next.managerPrepared |= 1 << rm
        case .managerCommits:
            next.manager = .committed
            next.commitSent = true
        case .managerAborts:
            next.manager = .aborted
            next.abortSent = true
        case .prepare(let rm):
            next.resourceManagers[rm] = .prepared
            next.preparedMessages |= 1 << rm
        case .chooseToAbort(let rm): next.resourceManagers[rm] = .aborted
        case .receiveCommit(let rm): next.resourceManagers[rm] = .committed
        case .receiveAbort(let rm): next.resourceManagers[rm] = .aborted
        }
        return next
    }

    func fingerprint(of state: State) -> UInt64 {
        var packed: UInt64 = 0
        for rm in state.resourceManagers { packed = packed << 2 | UInt64(rm.rawValue) }
        packed = packed << 2 | UInt64(state.manager.rawValue)
        packed = packed << 8 | UInt64(state.managerPrepared)
        packed = packed << 8 | UInt64(state.preparedMessages)
        packed = packed << 1 | (state.commitSent ? 1 : 0)
        packed = packed << 1 | (state.abortSent ? 1 : 0)
        return mix(packed)
    }

    func violation(in state: State) -> PropertyViolation? {
        let committed = state.resourceManagers.contains(.committed)
        let aborted = state.resourceManagers.contains(.aborted)
        return committed && aborted ? PropertyViolation(property: "consistency", detail: "commit and abort") : nil
    }

    /// Resource managers are interchangeable: sort them by everything that mentions them.
    func representative(of state: State) -> State {
        let order = (0..<resourceManagers).sorted { a, b in key(of: a, in: state) < key(of: b, in: state) }
        var canonical = state
        canonical.managerPrepared = 0
        canonical.preparedMessages = 0
        for (newIndex, oldIndex) in order.enumerated() {
            canonical.resourceManagers[newIndex] = state.resourceManagers[oldIndex]
            if state.managerPrepared & (1 << oldIndex) != 0 { canonical.managerPrepared |= 1 << newIndex }
            if state.preparedMessages & (1 << oldIndex) != 0 { canonical.preparedMessages |= 1 << newIndex }
        }
        return canonical
    }

    private func key(of rm: Int, in state: State) -> Int {
        Int(state.resourceManagers[rm].rawValue) << 2 | Int(state.managerPrepared >> rm & 1) << 1
            | Int(state.preparedMessages >> rm & 1)
    }
}

/// The sliding puzzle on a `rows` x `columns` board: tiles 1..n-1 and a blank (0) that swaps with a
/// neighbour.
///
/// Exactly half of all arrangements are reachable from any one: (rows·columns)!/2.
struct SlidingPuzzle: Model {
    typealias State = [UInt8]
    enum Action: Hashable, Sendable { case up, down, left, right }

    let rows: Int
    let columns: Int
    var start: [UInt8]
    /// When set, reaching this arrangement is reported as a violation (a "goal found" property).
    var forbidden: [UInt8]? = nil

    init(rows: Int, columns: Int, start: [UInt8]? = nil, forbidden: [UInt8]? = nil) {
        self.rows = rows
        self.columns = columns
        self.start = start ?? (0..<UInt8(rows * columns)).map { $0 }
        self.forbidden = forbidden
    }

    var initialStates: [State] { [start] }

    func actions(in state: State, into actions: inout [Action]) {
        let blank = state.firstIndex(of: 0)!
        if blank >= columns { actions.append(.up) }
        if blank < (rows - 1) * columns { actions.append(.down) }
        if blank % columns > 0 { actions.append(.left) }
        if blank % columns < columns - 1 { actions.append(.right) }
    }

    func nextState(from state: State, taking action: Action) -> State? {
        let blank = state.firstIndex(of: 0)!
        let target: Int
        switch action {
        case .up: target = blank - columns
        case .down: target = blank + columns
        case .left: target = blank - 1
        case .right: target = blank + 1
        }
        var next = state
        next.swapAt(blank, target)
        return next
    }

    func fingerprint(of state: State) -> UInt64 {
        mix(state.reduce(0 as UInt64) { $0 << 4 | UInt64($1) })
    }

    func violation(in state: State) -> PropertyViolation? {
        state == forbidden ? PropertyViolation(property: "goal-unreachable", detail: "reached \(state)") : nil
    }
}

/// States 0, 1, ..., `length` in a line: one action, to the next state.
///
/// The deepest model there is, for depth limits.
struct Line: Model {
    typealias State = Int
    typealias Action = Int
    let length: Int

    var initialStates: [Int] { [0] }

    func actions(in state: Int, into actions: inout [Int]) {
        if state < length { actions.append(1) }
    }

    func nextState(from state: Int, taking action: Int) -> Int? { state + action }
    func fingerprint(of state: Int) -> UInt64 { mix(UInt64(state)) }
    func violation(in state: Int) -> PropertyViolation? { nil }
}

/// A bijective 64-bit mixer (SplitMix64's finaliser), so that packed states spread over the table.
func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// An independent reachability count: plain breadth-first search over a `Set` of states.
func bruteForceReachable<M: Model>(_ model: M, canonical: (M.State) -> M.State = { $0 }) -> (all: Int, classes: Int)
where M.State: Hashable {
    var seen = Set(model.initialStates)
    var queue = model.initialStates
    var actions: [M.Action] = []
    while let state = queue.popLast() {
        actions.removeAll()
        model.actions(in: state, into: &actions)
        for action in actions {
            if let next = model.nextState(from: state, taking: action), seen.insert(next).inserted {
                queue.append(next)
            }
        }
    }
    return (seen.count, Set(seen.map(canonical)).count)
}

/// Shortest distance from the start to `goal`, by plain breadth-first search.
func bruteForceDistance(_ model: SlidingPuzzle, to goal: [UInt8]) -> Int? {
    var distance = [model.start: 0]
    var queue = [model.start]
    var head = 0
    var actions: [SlidingPuzzle.Action] = []
    while head < queue.count {
        let state = queue[head]
        head += 1
        if state == goal { return distance[state] }
        actions.removeAll()
        model.actions(in: state, into: &actions)
        for action in actions {
            let next = model.nextState(from: state, taking: action)!
            if distance[next] == nil {
                distance[next] = distance[state]! + 1
                queue.append(next)
            }
        }
    }
    return nil
}
