import Dispatch
import Synchronization

/// Lets a value cross into `concurrentPerform` when the code guarantees disjoint access.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// Hands out share numbers in order, from 0, to whichever worker asks next.
final class ShareCounter: Sendable {
    private let next = Atomic<Int>(0)

    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}

/// A new-looking successor found by a worker: where it came from and how.
struct Candidate {
    var fingerprint: UInt64
    /// Position of the parent in the frontier.
    var parent: Int
    /// Position of the action in the parent's enabled list.
    var action: Int
    /// With partial-order reduction, the successor's sleep set: a bit mask over its own
    /// enabled-action positions (`SleepSets`).
    var sleep: UInt64 = 0
    /// With partial-order reduction and symmetry, the successor's own fingerprint, not its
    /// class's: two arrivals' sleep sets are over the same action list only if these agree.
    var concreteFingerprint: UInt64 = 0
    /// Whether the successor itself came with the candidate; with partial-order reduction, a
    /// successor already seen is still offered, without it, for the merge to intersect its
    /// sleep set with the one its state already has in this level.
    var carriesState = true
}

/// What one worker produced from its share of a batch.
struct ExpansionResult<M: Model> {
    /// Successors not in the visited set, each once for the worker in its batch, in the order
    /// found.
    var candidates: [Candidate] = []
    /// The successor state of each candidate, at the same position (for a model that does not
    /// pack its states).
    var candidateStates = MoveOnceBuffer<M.State>(minimumCapacity: 64)
    /// For a model that packs its states, each candidate's packed successor, one after the other.
    ///
    /// Candidate `i` ends at `candidateEnds[i]`. Packed on the worker, so the merge only copies
    /// bytes and the successor value is dropped on the thread that made it.
    var candidateBytes = PackedBytes(minimumCapacity: 0)
    var candidateEnds: [Int] = []
    /// The first violating step in this share: parent position, action position, what failed.
    var violation: (parent: Int, action: Int, violation: PropertyViolation)? = nil
    var generated = 0
    var kindCounts: [Int]
    /// The situations reached in this share, and for each the first step reaching it: the
    /// situation's bit, parent position, action position.
    var reachedMask: UInt64 = 0
    var reachingSteps: [(situation: Int, parent: Int, action: Int)] = []
    /// Transitions by the model's transition class (empty when it has none).
    var classCounts: [Int] = []
    /// Transitions skipped because the parent's sleep set held them.
    var slept = 0

    /// Notes the situations in `mask` not yet reached in this share as reached by this step.
    mutating func noteReached(_ mask: UInt64, parent: Int, action: Int) {
        var bits = mask & ~reachedMask
        reachedMask |= mask
        while bits != 0 {
            reachingSteps.append((bits.trailingZeroBitCount, parent, action))
            bits &= bits - 1
        }
    }
}

/// Breadth-first search, level by level, each level in fixed-size batches spread over workers.
///
/// Workers expand a batch in shares; the shares' results are merged in frontier order, by one
/// worker, while the others expand the next batch. Only the merge inserts into the visited set:
/// the workers just ask it, to drop states already seen early, and a state the concurrent merge
/// has not inserted yet is dropped by the merge instead. The exploration (distinct states,
/// order, counterexample, figures) is therefore the same for any worker count, and the first
/// counterexample is a shortest one.
///
/// States move, they are not copied: a worker takes each state it expands out of the frontier
/// and drops it when done, and new states move from the workers' results into the next level.
/// Each state is destroyed on a worker while still in its cache, never in a serial sweep at
/// the end of a level, which would miss the cache on every state while the workers wait.
struct BreadthFirstSearch<M: Model> {
    let checker: Checker<M>

    func run() -> CheckReport<M> {
        let model = checker.model
        let options = checker.options
        let clock = Stopwatch()
        var lastProgress = 0.0
        let visited = FingerprintSet()
        let paths = PathLog()
        var frontier = StateQueue(model: model, spillAboveBytes: options.queueSpillThresholdBytes)
        var frontierOrdinals: [UInt32] = []
        // With partial-order reduction, each queued state's sleep set, at the same position.
        var frontierSleep: [UInt64] = []
        let merger = Merger<M>(
            model: model, spillAboveBytes: options.queueSpillThresholdBytes, visited: visited, paths: paths,
            reduces: options.partialOrderReduction, kindCount: model.actionKinds.count,
            situationCount: model.situationNames.count, classCount: model.transitionClasses.count)
        var initialStates = 0
        var depth = 0
        var depthBoundHit = false

        func report(_ verdict: CheckReport<M>.Verdict) -> CheckReport<M> {
            checker.report(
                verdict, distinctStates: visited.count, tableBytes: visited.bytes, paths: paths,
                totalStates: initialStates + merger.generated, depth: depth, depthBoundHit: depthBoundHit,
                kindCounts: merger.kindCounts, clock: clock, workers: options.workers, witnesses: merger.witnesses,
                classCounts: merger.classCounts, sleptTransitions: merger.slept)
        }

        for (position, state) in model.initialStates.enumerated() {
            initialStates += 1
            if let violation = model.violation(in: state) {
                return report(.violated(checker.counterexample(steps: [position], violation: violation)))
            }
            if visited.insert(checker.canonicalFingerprint(state)) {
                frontierOrdinals.append(UInt32(paths.count))
                paths.append(parent: PathLog.noParent, action: position)
                if options.partialOrderReduction { frontierSleep.append(0) }
                frontier.append(state)
            }
        }

        while !frontier.isEmpty {
            if depth >= options.maxDepth {
                depthBoundHit = true
                break
            }
            merger.startLevel(frontierOrdinals: frontierOrdinals, expectedStates: frontier.count, depth: depth)
            // Each round expands one batch while one worker merges the batch before it, so the
            // merge (inserting into the visited set, which misses the cache) does not idle the
            // other workers. Workers may then miss a state the concurrent merge is inserting and
            // offer it again; the merge drops it, so the outcome is the same.
            var pending: [ExpansionResult<M>] = []
            var start = 0
            while start < frontier.count || !pending.isEmpty {
                let end = min(start + options.batchSize, frontier.count)
                visited.reserve(
                    forInserting: pending.reduce(0) { $0 + $1.candidates.count }, workers: options.workers)
                frontier.load(start..<end)
                let results = expand(frontier, frontierSleep, start..<end, visited, merging: pending, into: merger)
                frontier.markTaken(upTo: end)
                let mergedBatch = !pending.isEmpty
                pending = results
                let merged = start
                start = end
                // Until a batch has been merged there is nothing new to count, check or report.
                guard mergedBatch else { continue }
                if let found = merger.violation {
                    depth += 1
                    let steps = paths.path(to: frontierOrdinals[found.parent]) + [found.action]
                    return report(.violated(checker.counterexample(steps: steps, violation: found.violation)))
                }
                // The queue is most of the memory of a breadth-first search: counted exactly when packed,
                // else estimated from a sample.
                let queued = frontier.count - merged + merger.next.count
                let queueBytes =
                    model.packsStates
                    ? frontier.memoryBytes(queued: 0) + merger.next.memoryBytes(queued: 0)
                    : merger.next.memoryBytes(queued: queued)
                if let reason = checker.limitReached(
                    distinctStates: visited.count, tableBytes: visited.bytes, queueBytes: queueBytes)
                {
                    return report(.incomplete(reason: reason))
                }
                if let progress = options.progress, clock.seconds - lastProgress >= 1 {
                    lastProgress = clock.seconds
                    progress(
                        CheckProgress(
                            distinctStates: visited.count, totalStates: initialStates + merger.generated,
                            queued: queued, depth: depth, elapsedSeconds: lastProgress))
                }
            }
            frontier = merger.next
            frontierOrdinals = merger.nextOrdinals
            frontierSleep = merger.nextSleep
            if !frontier.isEmpty { depth += 1 }
        }
        return report(.passed)
    }

    /// Expands `frontier[range]` in contiguous shares that the workers take in turn as they
    /// finish, so no worker waits on a slower one until the batch's last share.
    ///
    /// The results come back in share order whoever expanded each share, and splitting a range
    /// into shares changes nothing in the merged outcome: the exploration is the same for any
    /// worker count.
    private func expand(
        _ frontier: StateQueue<M>, _ sleep: [UInt64], _ range: Range<Int>, _ visited: FingerprintSet,
        merging pending: [ExpansionResult<M>], into merger: Merger<M>
    ) -> [ExpansionResult<M>] {
        // A 32nd of a batch (128 states): a worker that finishes its last share early waits at
        // most that long for the others, and handing shares out still costs nothing measurable.
        let shareSize = max(1, checker.options.batchSize / 32)
        let shareCount = (range.count + shareSize - 1) / shareSize
        let workers = min(checker.options.workers, shareCount)
        // Read before the merge below starts: the situations already witnessed, whose later
        // steps the merge would ignore, so the workers need not classify them.
        let witnessed = merger.witnesses.reached
        if workers <= 1 {
            // The same shares as with many workers, so that a violation stops the merge at the
            // same place and the figures reported with it are the same for any worker count.
            merger.merge(pending)
            let found = FingerprintSet(capacity: 4 * range.count)
            return stride(from: range.lowerBound, to: range.upperBound, by: shareSize).map { lower in
                expandShare(
                    frontier, sleep, lower..<min(lower + shareSize, range.upperBound), visited, found,
                    witnessed: witnessed)
            }
        }
        let results = UnsafeMutableBufferPointer<ExpansionResult<M>?>.allocate(capacity: shareCount)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let nextShare = ShareCounter()
        let shared = UncheckedSendable(value: (self, frontier, visited, results, pending, merger))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let (search, frontier, visited, results, pending, merger) = shared.value
            // The first worker merges the previous batch, then joins the others.
            if worker == 0 { merger.merge(pending) }
            let found = FingerprintSet(capacity: 4 * range.count / workers)
            while true {
                let share = nextShare.take()
                guard share < shareCount else { return }
                let lower = range.lowerBound + share * shareSize
                let upper = min(lower + shareSize, range.upperBound)
                results[share] = search.expandShare(
                    frontier, sleep, lower..<upper, visited, found, witnessed: witnessed)
            }
        }
        return results.map { $0! }
    }

    /// Expands one share sequentially, stopping at its first violation.
    ///
    /// Takes every state of the share out of the frontier (the ones after a violation unexpanded)
    /// and drops it here, on the worker's thread.
    ///
    /// `found` holds what this worker already offered in this batch: a successor it reached
    /// before is dropped here, in parallel and while still in the cache, instead of by the
    /// serial merge (per share alone, the duplicates between a worker's small shares would all
    /// reach the merge). A worker takes its shares in frontier order, so only later copies
    /// are dropped and the merge keeps the same first copy whoever took which share. A
    /// fingerprint table, not a `Set`, which would hash every fingerprint again.
    ///
    /// `witnessed` holds the situations merged before this batch: the share looks only for the
    /// others, and for each only until it first reaches it, which is all the merge would keep.
    private func expandShare(
        _ frontier: StateQueue<M>, _ sleep: [UInt64], _ range: Range<Int>, _ visited: FingerprintSet,
        _ found: FingerprintSet, witnessed: UInt64
    ) -> ExpansionResult<M> {
        let model = checker.model
        var result = ExpansionResult<M>(kindCounts: Array(repeating: 0, count: model.actionKinds.count))
        let situationCount = model.situationNames.count
        let allSituations: UInt64 = situationCount >= 64 ? ~0 : (1 << UInt64(situationCount)) - 1
        // Both read through views of their own: see `FingerprintSet.probe`, `PackedLevel.batch`.
        let visited = visited.probe
        let batch = frontier.batch
        let tracksClasses = !model.transitionClasses.isEmpty
        if tracksClasses { result.classCounts = Array(repeating: 0, count: model.transitionClasses.count) }
        var actions: [M.Action] = []
        let packs = model.packsStates
        let reduces = checker.options.partialOrderReduction
        var sleepSets = SleepSets(model: model)
        // Room for a typical share's successors up front: grown from empty, each buffer would be
        // reallocated a dozen times a share, and every reallocation is a trip to the allocator
        // the other worker may be contending for.
        result.candidates.reserveCapacity(4 * range.count)
        if packs {
            result.candidateBytes = PackedBytes(minimumCapacity: 256 * range.count)
            result.candidateEnds.reserveCapacity(4 * range.count)
        }
        for index in range {
            let state = frontier.take(index, in: batch)
            if result.violation != nil { continue }
            guard model.isWithinBoundary(state) else { continue }
            actions.removeAll(keepingCapacity: true)
            model.actions(in: state, into: &actions)
            let asleep = reduces ? sleep[index] : 0
            if reduces { sleepSets.start(actionCount: actions.count) }
            for (position, action) in actions.enumerated() {
                if SleepSets<M>.contains(asleep, position) {
                    result.slept += 1
                    continue
                }
                guard let next = model.nextState(from: state, taking: action) else { continue }
                result.generated += 1
                result.kindCounts[model.kindIndex(of: action)] += 1
                let wanted = allSituations & ~(witnessed | result.reachedMask)
                if wanted != 0 {
                    let reached = model.situations(reachedBy: action, from: state, to: next, among: wanted)
                    if reached != 0 {
                        result.noteReached(reached, parent: index, action: position)
                    }
                }
                if tracksClasses, let transitionClass = model.transitionClass(of: action, from: state, to: next) {
                    result.classCounts[transitionClass] += 1
                }
                let fingerprint = checker.canonicalFingerprint(next)
                let seen = visited.contains(fingerprint)
                if let violation = model.violation(in: next, after: action, from: state, stateAlreadySeen: seen) {
                    result.violation = (index, position, violation)
                    break
                }
                var candidate = Candidate(fingerprint: fingerprint, parent: index, action: position)
                if reduces {
                    candidate.sleep = sleepSets.sleepSet(
                        after: position, leadingTo: next, in: state, actions: actions, asleep: asleep)
                    // An empty sleep set empties any it meets, so only a non-empty one needs
                    // the state's own fingerprint, which costs a hash of the whole state.
                    if candidate.sleep != 0 {
                        candidate.concreteFingerprint =
                            checker.options.symmetry ? model.fingerprint(of: next) : fingerprint
                    }
                    sleepSets.explored(position, leadingTo: next)
                }
                if !seen && found.insert(fingerprint) {
                    result.candidates.append(candidate)
                    if packs {
                        model.pack(next, into: result.candidateBytes)
                        result.candidateEnds.append(result.candidateBytes.count)
                    } else {
                        result.candidateStates.append(next)
                    }
                } else if reduces {
                    candidate.carriesState = false
                    result.candidates.append(candidate)
                    if packs {
                        result.candidateEnds.append(result.candidateBytes.count)
                    } else {
                        result.candidateStates.append(next)
                    }
                }
            }
        }
        return result
    }
}

/// Merges the workers' results into the next level, one batch at a time and in share order, on
/// whichever thread `expand` gives it: the only writer of the visited set, the path log and the
/// next level while the workers read.
final class Merger<M: Model>: @unchecked Sendable {
    let model: M
    let spillAboveBytes: Int
    let visited: FingerprintSet
    let paths: PathLog
    private(set) var next: StateQueue<M>
    private(set) var nextOrdinals: [UInt32] = []
    /// With partial-order reduction, the sleep set of each state in `next`, and its own
    /// fingerprint (`Candidate.concreteFingerprint`).
    private(set) var nextSleep: [UInt64] = []
    private var nextConcreteFingerprints: [UInt64] = []
    /// Where each state of `next` sits in it, by the fingerprint it was visited under, so that a
    /// later arrival in the same level can shrink its sleep set.
    private var nextPositions: [UInt64: Int] = [:]
    let reduces: Bool
    /// Transitions skipped by sleep sets, over every batch merged so far.
    private(set) var slept = 0
    private var frontierOrdinals: [UInt32] = []
    /// Over every batch merged so far: successors generated and actions fired by kind.
    private(set) var generated = 0
    private(set) var kindCounts: [Int]
    /// The first violating step met, if any: the merge stops there.
    private(set) var violation: (parent: Int, action: Int, violation: PropertyViolation)? = nil
    /// The first step reaching each situation, in merge order: at the smallest depth, and the
    /// same for any worker count.
    private(set) var witnesses: SituationWitnesses
    private(set) var classCounts: [Int]
    /// The depth of the level being expanded.
    private var depth = 0

    init(
        model: M, spillAboveBytes: Int, visited: FingerprintSet, paths: PathLog, reduces: Bool, kindCount: Int,
        situationCount: Int, classCount: Int
    ) {
        self.model = model
        self.reduces = reduces
        self.spillAboveBytes = spillAboveBytes
        next = StateQueue(model: model, spillAboveBytes: spillAboveBytes)
        self.visited = visited
        self.paths = paths
        kindCounts = Array(repeating: 0, count: kindCount)
        witnesses = SituationWitnesses(count: situationCount)
        classCounts = Array(repeating: 0, count: classCount)
    }

    func startLevel(frontierOrdinals: [UInt32], expectedStates: Int, depth: Int) {
        self.depth = depth
        self.frontierOrdinals = frontierOrdinals
        next = StateQueue(model: model, expectedStates: expectedStates, spillAboveBytes: spillAboveBytes)
        nextOrdinals = []
        nextSleep = []
        nextConcreteFingerprints = []
        nextPositions = [:]
    }

    /// Adds `results` to the next level, stopping at the first violation.
    func merge(_ results: [ExpansionResult<M>]) {
        for result in results {
            generated += result.generated
            slept += result.slept
            for (kind, count) in result.kindCounts.enumerated() { kindCounts[kind] += count }
            for (transitionClass, count) in result.classCounts.enumerated() { classCounts[transitionClass] += count }
            for step in result.reachingSteps where witnesses.reached & (1 << UInt64(step.situation)) == 0 {
                let parent = frontierOrdinals[step.parent]
                witnesses.record(1 << UInt64(step.situation), atDepth: depth + 1) {
                    paths.path(to: parent) + [step.action]
                }
            }
            if let found = result.violation {
                violation = found
                return
            }
            if model.packsStates {
                var start = 0
                for (position, candidate) in result.candidates.enumerated() {
                    let end = result.candidateEnds[position]
                    defer { start = end }
                    guard visited.insert(candidate.fingerprint) else {
                        if reduces { arrivedAgain(candidate) }
                        continue
                    }
                    if reduces { keepSleepSet(of: candidate) }
                    nextOrdinals.append(UInt32(paths.count))
                    paths.append(parent: frontierOrdinals[candidate.parent], action: candidate.action)
                    next.append(packed: result.candidateBytes.bytes(from: start, to: end))
                }
                continue
            }
            // Moved, not copied: a state is never reference-counted on this serial path.
            let states = result.candidateStates
            for (position, candidate) in result.candidates.enumerated() {
                let state = states.take(position)
                guard visited.insert(candidate.fingerprint) else {
                    if reduces { arrivedAgain(candidate) }
                    continue
                }
                if reduces { keepSleepSet(of: candidate) }
                nextOrdinals.append(UInt32(paths.count))
                paths.append(parent: frontierOrdinals[candidate.parent], action: candidate.action)
                next.append(state)
            }
            states.markTaken(upTo: states.count)
        }
    }

    /// Records the sleep set of a state new to the next level.
    private func keepSleepSet(of candidate: Candidate) {
        precondition(candidate.carriesState, "the first arrival of a state came without it")
        nextPositions[candidate.fingerprint] = nextSleep.count
        nextSleep.append(candidate.sleep)
        nextConcreteFingerprints.append(candidate.concreteFingerprint)
    }

    /// Shrinks the sleep set of a state of the next level that `candidate` reached again.
    ///
    /// A transition may sleep only if it sleeps on every path of this length (Godefroid's
    /// intersection on revisits). Another state of its symmetry class lists its actions in
    /// another order, so its arrival wakes every one. A state from an earlier level is left
    /// alone (`SleepSets` says why that loses no state).
    private func arrivedAgain(_ candidate: Candidate) {
        guard let position = nextPositions[candidate.fingerprint] else { return }
        if nextConcreteFingerprints[position] == candidate.concreteFingerprint {
            nextSleep[position] &= candidate.sleep
        } else {
            nextSleep[position] = 0
        }
    }
}
