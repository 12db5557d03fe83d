/// Depth-first search within the depth bound: memory for the visited set and one path's worth of
/// pending states, and as complete as breadth-first search within the same bound.
///
/// A plain fingerprint DFS (stateright's, for one) is not: a state first reached deep has its
/// successors cut by the bound, and when a shorter path reaches it later the visited set calls
/// it seen, so states within the bound are missed and a "pass" overstates what was checked. Here,
/// as SPIN does for bounded searches, the visited set keeps the smallest depth each state was
/// reached at, and a state reached again at a smaller depth is expanded again from there. A
/// pending entry whose state has since been reached shallower is skipped when popped: the
/// shallower entry covers everything it would. Without a depth bound nothing is cut, so nothing
/// is expanded twice, and the search is the plain one.
///
/// Use BFS for shortest counterexamples and parallel workers; DFS to dive with little memory.
struct DepthFirstSearch<M: Model> {
    let checker: Checker<M>

    /// A pending state: its fingerprint (to see whether it was reached shallower since), its path
    /// record and its depth.
    private struct Pending {
        var state: M.State
        var fingerprint: UInt64
        var ordinal: UInt32
        var depth: Int
    }

    func run() -> CheckReport<M> {
        let model = checker.model
        let options = checker.options
        let clock = Stopwatch()
        var lastProgress = 0.0
        let visited = DepthFingerprintTable()
        let paths = PathLog()
        var stack: [Pending] = []
        var kindCounts = Array(repeating: 0, count: model.actionKinds.count)
        let tracksSituations = !model.situationNames.isEmpty
        let tracksClasses = !model.transitionClasses.isEmpty
        var witnesses = SituationWitnesses(count: model.situationNames.count)
        var classCounts = Array(repeating: 0, count: model.transitionClasses.count)
        var total = 0
        var deepest = 0
        var depthBoundHit = false
        var expansions = 0
        var reexpanded = 0
        var actions: [M.Action] = []
        var children: [Pending] = []
        // Without a depth bound no path is cut, so a first visit explores everything below a
        // state and a shorter path to it brings nothing new: expanding it again would only
        // repeat work, without end on deep models.
        let reexpandsShallower = options.maxDepth != Int.max

        func report(_ verdict: CheckReport<M>.Verdict) -> CheckReport<M> {
            checker.report(
                verdict, distinctStates: visited.count, tableBytes: visited.bytes, paths: paths, totalStates: total,
                depth: deepest, depthBoundHit: depthBoundHit, kindCounts: kindCounts, clock: clock, workers: 1,
                reexpandedStates: reexpanded, witnesses: witnesses, classCounts: classCounts)
        }

        for (position, state) in model.initialStates.enumerated() {
            total += 1
            if let violation = model.violation(in: state) {
                return report(.violated(checker.counterexample(steps: [position], violation: violation)))
            }
            let fingerprint = checker.canonicalFingerprint(state)
            visited.reserve(forInserting: 1)
            let slot = visited.slot(of: fingerprint)
            if visited.depth(at: slot) == nil {
                visited.record(fingerprint, depth: 0, at: slot)
                stack.append(Pending(state: state, fingerprint: fingerprint, ordinal: UInt32(paths.count), depth: 0))
                paths.append(parent: PathLog.noParent, action: position)
            }
        }
        stack.reverse()
        while let pending = stack.popLast() {
            let depth = pending.depth
            if reexpandsShallower, let shallowest = visited.depth(of: pending.fingerprint),
                shallowest < min(depth, DepthFingerprintTable.saturatedDepth)
            {
                continue
            }
            deepest = max(deepest, depth)
            if depth >= options.maxDepth {
                depthBoundHit = true
                continue
            }
            let state = pending.state
            guard model.isWithinBoundary(state) else { continue }
            expansions += 1
            actions.removeAll(keepingCapacity: true)
            model.actions(in: state, into: &actions)
            children.removeAll(keepingCapacity: true)
            visited.reserve(forInserting: actions.count)
            for (position, action) in actions.enumerated() {
                guard let next = model.nextState(from: state, taking: action) else { continue }
                total += 1
                kindCounts[model.kindIndex(of: action)] += 1
                if tracksSituations {
                    let reached = model.situations(reachedBy: action, from: state, to: next)
                    if reached != 0 && witnesses.improves(reached, atDepth: depth + 1) {
                        witnesses.record(reached, atDepth: depth + 1) { paths.path(to: pending.ordinal) + [position] }
                    }
                }
                if tracksClasses, let transitionClass = model.transitionClass(of: action, from: state, to: next) {
                    classCounts[transitionClass] += 1
                }
                let fingerprint = checker.canonicalFingerprint(next)
                let slot = visited.slot(of: fingerprint)
                let recorded = visited.depth(at: slot)
                if let violation = model.violation(
                    in: next, after: action, from: state, stateAlreadySeen: recorded != nil)
                {
                    deepest = max(deepest, depth + 1)
                    let steps = paths.path(to: pending.ordinal) + [position]
                    return report(.violated(checker.counterexample(steps: steps, violation: violation)))
                }
                if let recorded {
                    // Reached before, at this depth or less: everything within the bound from
                    // here is explored from there.
                    guard reexpandsShallower, depth + 1 < recorded else { continue }
                    reexpanded += 1
                }
                visited.record(fingerprint, depth: depth + 1, at: slot)
                children.append(
                    Pending(state: next, fingerprint: fingerprint, ordinal: UInt32(paths.count), depth: depth + 1))
                paths.append(parent: pending.ordinal, action: position)
            }
            // Push in reverse so the first enabled action is explored first.
            stack.append(contentsOf: children.reversed())
            // The memory reading is a system call: once a batch, as breadth-first search does.
            if let reason = checker.limitReached(
                distinctStates: visited.count, tableBytes: visited.bytes,
                checkMemory: expansions % options.batchSize == 0)
            {
                return report(.incomplete(reason: reason))
            }
            if let progress = options.progress, total % 1024 == 0, clock.seconds - lastProgress >= 1 {
                lastProgress = clock.seconds
                progress(
                    CheckProgress(
                        distinctStates: visited.count, totalStates: total, queued: stack.count, depth: deepest,
                        elapsedSeconds: lastProgress))
            }
        }
        // Past the saturated depth, a shorter path's depth may have looked no shorter: the search
        // cannot promise it covered the bound.
        if visited.saturated && depthBoundHit {
            return report(
                .incomplete(
                    reason:
                        "depths past \(DepthFingerprintTable.saturatedDepth) are not told apart; use a smaller --depth or bfs"
                ))
        }
        return report(.passed)
    }
}
