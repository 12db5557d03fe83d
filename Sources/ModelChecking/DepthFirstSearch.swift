/// Depth-first search within the depth bound: memory for the visited set and one path's worth of
/// pending states. Like every fingerprint DFS (stateright's too), a state first reached deep may
/// hide shallower routes through it, so with a depth bound it can miss states BFS would find; use
/// BFS for verdicts and shortest counterexamples, DFS to dive with little memory.
struct DepthFirstSearch<M: Model> {
    let checker: Checker<M>

    func run() -> CheckReport<M> {
        let model = checker.model
        let options = checker.options
        let clock = Stopwatch()
        var lastProgress = 0.0
        let visited = FingerprintSet()
        let paths = PathLog()
        var stack: [(state: M.State, ordinal: UInt32, depth: Int)] = []
        var kindCounts = Array(repeating: 0, count: model.actionKinds.count)
        var total = 0
        var deepest = 0
        var depthBoundHit = false
        var actions: [M.Action] = []
        var children: [(M.State, UInt32)] = []

        func report(_ verdict: CheckReport<M>.Verdict) -> CheckReport<M> {
            checker.report(
                verdict, visited: visited, paths: paths, totalStates: total, depth: deepest,
                depthBoundHit: depthBoundHit, kindCounts: kindCounts, clock: clock, workers: 1)
        }

        for (position, state) in model.initialStates.enumerated() {
            total += 1
            if let violation = model.violation(in: state) {
                return report(.violated(checker.counterexample(steps: [position], violation: violation)))
            }
            if visited.insert(checker.canonicalFingerprint(state)) {
                stack.append((state, UInt32(paths.count), 0))
                paths.append(parent: PathLog.noParent, action: position)
            }
        }
        stack.reverse()
        while let (state, ordinal, depth) = stack.popLast() {
            deepest = max(deepest, depth)
            if depth >= options.maxDepth {
                depthBoundHit = true
                continue
            }
            guard model.isWithinBoundary(state) else { continue }
            actions.removeAll(keepingCapacity: true)
            model.actions(in: state, into: &actions)
            children.removeAll(keepingCapacity: true)
            for (position, action) in actions.enumerated() {
                guard let next = model.nextState(from: state, taking: action) else { continue }
                total += 1
                kindCounts[model.kindIndex(of: action)] += 1
                let fingerprint = checker.canonicalFingerprint(next)
                let seen = visited.contains(fingerprint)
                if let violation = model.violation(in: next, after: action, from: state, stateAlreadySeen: seen) {
                    deepest = max(deepest, depth + 1)
                    let steps = paths.path(to: ordinal) + [position]
                    return report(.violated(checker.counterexample(steps: steps, violation: violation)))
                }
                if !seen {
                    visited.insert(fingerprint)
                    children.append((next, UInt32(paths.count)))
                    paths.append(parent: ordinal, action: position)
                }
            }
            // Push in reverse so the first enabled action is explored first.
            for (child, childOrdinal) in children.reversed() { stack.append((child, childOrdinal, depth + 1)) }
            if let reason = checker.limitReached(visited) { return report(.bounded(reason: reason)) }
            if let progress = options.progress, total % 1024 == 0, clock.seconds - lastProgress >= 1 {
                lastProgress = clock.seconds
                progress(
                    CheckProgress(
                        distinctStates: visited.count, totalStates: total, queued: stack.count, depth: deepest,
                        elapsedSeconds: lastProgress))
            }
        }
        return report(.passed)
    }
}
