import Dispatch

/// Lets a value cross into `concurrentPerform` when the code guarantees disjoint access.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// A new-looking successor found by a worker: where it came from and how.
struct Candidate<State> {
    var fingerprint: UInt64
    /// Position of the parent in the frontier.
    var parent: Int
    /// Position of the action in the parent's enabled list.
    var action: Int
    var state: State
}

/// What one worker produced from its share of a batch.
struct ExpansionResult<M: Model> {
    var candidates: [Candidate<M.State>] = []
    /// The first violating step in this share: parent position, action position, what failed.
    var violation: (parent: Int, action: Int, violation: PropertyViolation)? = nil
    var generated = 0
    var kindCounts: [Int]
}

/// Breadth-first search, level by level, each level in fixed-size batches spread over workers.
///
/// Workers expand states against a visited set that is read-only while they run; their results
/// are merged in frontier order. The exploration (distinct states, order, counterexample) is
/// therefore the same for any worker count, and the first counterexample is a shortest one.
struct BreadthFirstSearch<M: Model> {
    let checker: Checker<M>

    func run() -> CheckReport<M> {
        let model = checker.model
        let options = checker.options
        let clock = Stopwatch()
        var lastProgress = 0.0
        var visited = FingerprintSet()
        let paths = PathLog()
        var frontier: [M.State] = []
        var frontierOrdinals: [UInt32] = []
        var kindCounts = Array(repeating: 0, count: model.actionKinds.count)
        var total = 0
        var depth = 0
        var depthBoundHit = false

        func report(_ verdict: CheckReport<M>.Verdict) -> CheckReport<M> {
            checker.report(
                verdict, visited: visited, paths: paths, totalStates: total, depth: depth,
                depthBoundHit: depthBoundHit, kindCounts: kindCounts, clock: clock, workers: options.workers)
        }

        for (position, state) in model.initialStates.enumerated() {
            total += 1
            if let violation = model.violation(in: state, after: nil, from: nil, stateAlreadySeen: false) {
                return report(.violated(checker.counterexample(steps: [position], violation: violation)))
            }
            if visited.insert(checker.canonicalFingerprint(state)) {
                frontierOrdinals.append(UInt32(paths.count))
                paths.append(parent: PathLog.noParent, action: position)
                frontier.append(state)
            }
        }

        while !frontier.isEmpty {
            if depth >= options.maxDepth {
                depthBoundHit = true
                break
            }
            var next: [M.State] = []
            var nextOrdinals: [UInt32] = []
            var start = 0
            while start < frontier.count {
                let end = min(start + options.batchSize, frontier.count)
                for result in expand(frontier, start..<end, visited) {
                    total += result.generated
                    for (kind, count) in result.kindCounts.enumerated() { kindCounts[kind] += count }
                    if let found = result.violation {
                        depth += 1
                        let steps = paths.path(to: frontierOrdinals[found.parent]) + [found.action]
                        return report(.violated(checker.counterexample(steps: steps, violation: found.violation)))
                    }
                    for candidate in result.candidates where visited.insert(candidate.fingerprint) {
                        nextOrdinals.append(UInt32(paths.count))
                        paths.append(parent: frontierOrdinals[candidate.parent], action: candidate.action)
                        next.append(candidate.state)
                    }
                }
                start = end
                // The queue is most of the memory of a breadth-first search: estimate it from a sample.
                let queued = frontier.count - end + next.count
                let queueBytes = next.last.map { queued * model.approximateBytes(of: $0) } ?? 0
                if let reason = checker.limitReached(visited, queueBytes: queueBytes) {
                    return report(.bounded(reason: reason))
                }
                if let progress = options.progress, clock.seconds - lastProgress >= 1 {
                    lastProgress = clock.seconds
                    progress(
                        CheckProgress(
                            distinctStates: visited.count, totalStates: total,
                            queued: frontier.count - start + next.count, depth: depth,
                            elapsedSeconds: lastProgress))
                }
            }
            frontier = next
            frontierOrdinals = nextOrdinals
            if !frontier.isEmpty { depth += 1 }
        }
        return report(.passed)
    }

    /// Expands `frontier[range]`, split into contiguous shares, one per worker.
    private func expand(_ frontier: [M.State], _ range: Range<Int>, _ visited: FingerprintSet) -> [ExpansionResult<M>] {
        let workers = max(1, min(checker.options.workers, range.count / 16))
        if workers == 1 { return [expandShare(frontier, range, visited)] }
        let shareSize = (range.count + workers - 1) / workers
        let results = UnsafeMutableBufferPointer<ExpansionResult<M>?>.allocate(capacity: workers)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let shared = UncheckedSendable(value: (self, frontier, visited, results))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let (search, frontier, visited, results) = shared.value
            let lower = range.lowerBound + worker * shareSize
            let upper = min(lower + shareSize, range.upperBound)
            results[worker] = lower < upper ? search.expandShare(frontier, lower..<upper, visited) : nil
        }
        return results.compactMap { $0 }
    }

    /// Expands one share sequentially, stopping at its first violation.
    private func expandShare(
        _ frontier: [M.State], _ range: Range<Int>, _ visited: FingerprintSet
    ) -> ExpansionResult<M> {
        let model = checker.model
        var result = ExpansionResult<M>(kindCounts: Array(repeating: 0, count: model.actionKinds.count))
        var actions: [M.Action] = []
        for index in range {
            let state = frontier[index]
            guard model.isWithinBoundary(state) else { continue }
            actions.removeAll(keepingCapacity: true)
            model.actions(in: state, into: &actions)
            for (position, action) in actions.enumerated() {
                guard let next = model.nextState(from: state, taking: action) else { continue }
                result.generated += 1
                result.kindCounts[model.kindIndex(of: action)] += 1
                let fingerprint = checker.canonicalFingerprint(next)
                let seen = visited.contains(fingerprint)
                if let violation = model.violation(in: next, after: action, from: state, stateAlreadySeen: seen) {
                    result.violation = (index, position, violation)
                    return result
                }
                if !seen {
                    result.candidates.append(
                        Candidate(fingerprint: fingerprint, parent: index, action: position, state: next))
                }
            }
        }
        return result
    }
}
