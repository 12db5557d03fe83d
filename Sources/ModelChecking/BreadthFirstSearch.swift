import Dispatch
import Foundation
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
/// Workers expand each batch in shares; the shares' results are merged batch by batch, in
/// frontier order, by whichever worker finds a batch complete, while the others go on
/// expanding (`LevelPipeline`). Only the merge inserts into the visited set: the workers just
/// ask it, to drop states already seen early, and a state the concurrent merge has not inserted
/// yet is dropped by the merge instead. The exploration (distinct states, order,
/// counterexample, figures) is therefore the same for any worker count, and the first
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
            let level = LevelPipeline(
                search: self, frontier: frontier, sleep: frontierSleep, visited: visited, merger: merger,
                progress: LevelPipeline.Progress(
                    clock: clock, lastSeconds: lastProgress, initialStates: initialStates, depth: depth))
            level.run()
            lastProgress = level.lastProgressSeconds
            if let found = merger.violation {
                depth += 1
                let steps = paths.path(to: frontierOrdinals[found.parent]) + [found.action]
                return report(.violated(checker.counterexample(steps: steps, violation: found.violation)))
            }
            if let reason = level.stopReason { return report(.incomplete(reason: reason)) }
            frontier = merger.next
            frontierOrdinals = merger.nextOrdinals
            frontierSleep = merger.nextSleep
            if !frontier.isEmpty { depth += 1 }
        }
        return report(.passed)
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
    /// `batch` is where the frontier's loaded batch holding `range` is (`StateQueue.loadBatch`).
    /// `witnessed` holds situations merged from earlier batches: the share looks only for the
    /// others, and for each only until it first reaches it, which is all the merge would keep.
    func expandShare(
        _ frontier: StateQueue<M>, _ batch: PackedLevel.Batch, _ sleep: [UInt64], _ range: Range<Int>,
        _ visited: FingerprintSet, _ found: FingerprintSet, witnessed: UInt64
    ) -> ExpansionResult<M> {
        let model = checker.model
        var result = ExpansionResult<M>(kindCounts: Array(repeating: 0, count: model.actionKinds.count))
        let situationCount = model.situationNames.count
        let allSituations: UInt64 = situationCount >= 64 ? ~0 : (1 << UInt64(situationCount)) - 1
        // Read through a view of its own: see `FingerprintSet.probe` (and `PackedLevel.batch`).
        let visited = visited.probe
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

/// One breadth-first level, expanded and merged as a pipeline by workers that run for the whole
/// level.
///
/// The level is cut into batches of `batchSize` states and each batch into shares, numbered
/// over the whole level; a worker takes the next share number, expands it, and when it finds
/// the oldest unmerged batch complete, merges it (`Merger`) and loads the batch after next.
/// Nothing waits at the end of a batch: while one worker merges, the others expand the next
/// batch, and a worker finishing a batch's last share starts the next batch's first. Per batch
/// that saves what a fork and join cost with two workers: the wait for a parked thread to run,
/// the last share's tail, where one worker idles while the other finishes, and the
/// coordinator's own serial steps between batches.
///
/// A share of batch `k` is expanded only once batch `k - 2` is merged: so at most two batches'
/// results wait for the merge, and the loaded window `k` reuses (`StateQueue.loadBatch`) is no
/// longer read. The merge takes batches in order and shares in share order whoever expanded
/// them, and every limit and the progress are looked at after each merged batch as before, so
/// the exploration, its figures and where a violation or a limit stops it are the same for any
/// worker count. The visited set grows, when it must, while the workers read it
/// (`FingerprintSet.reserveWhileReading`).
final class LevelPipeline<M: Model>: @unchecked Sendable {
    /// What the merge needs to report progress about once a second.
    struct Progress {
        var clock: Stopwatch
        var lastSeconds: Double
        var initialStates: Int
        var depth: Int
    }

    private let search: BreadthFirstSearch<M>
    private let frontier: StateQueue<M>
    private let sleep: [UInt64]
    private let visited: FingerprintSet
    private let merger: Merger<M>
    private let batchSize: Int
    private let shareSize: Int
    private let sharesPerBatch: Int
    private let batchCount: Int
    private let shareCount: Int
    private let workers: Int
    /// Each share's result, from its expansion until its batch is merged.
    private let results: UnsafeMutableBufferPointer<ExpansionResult<M>?>
    /// Per batch, its shares expanded so far.
    private let finishedShares: UnsafeMutablePointer<Atomic<Int>>
    /// Per batch, where its states are once loaded: written before the batch opens (see the type).
    private let batches: UnsafeMutablePointer<PackedLevel.Batch>
    private let nextShare = Atomic<Int>(0)
    /// Batches merged so far; batch `k` opens once this is `k - 1`.
    private let mergedBatches = Atomic<Int>(0)
    /// Held by the thread merging.
    private let merging = Atomic<Bool>(false)
    /// Set once a violation or a limit stopped the merge: no share is expanded from then on.
    private let stopped = Atomic<Bool>(false)
    /// The situations witnessed by the batches merged so far.
    private let witnessed = Atomic<UInt64>(0)
    // Written only by the thread holding `merging`, read once the workers are done.
    @exclusivity(unchecked) private var progress: Progress
    @exclusivity(unchecked) private(set) var stopReason: String? = nil

    init(
        search: BreadthFirstSearch<M>, frontier: StateQueue<M>, sleep: [UInt64], visited: FingerprintSet,
        merger: Merger<M>, progress: Progress
    ) {
        self.search = search
        self.frontier = frontier
        self.sleep = sleep
        self.visited = visited
        self.merger = merger
        self.progress = progress
        let options = search.checker.options
        batchSize = max(1, options.batchSize)
        // A 32nd of a batch (128 states): a worker that finishes the level's last share early
        // waits at most that long for the others, and handing shares out still costs nothing
        // measurable.
        shareSize = max(1, batchSize / 32)
        sharesPerBatch = (batchSize + shareSize - 1) / shareSize
        let stateCount = frontier.count
        batchCount = (stateCount + batchSize - 1) / batchSize
        let lastBatchStates = stateCount - (batchCount - 1) * batchSize
        shareCount = (batchCount - 1) * sharesPerBatch + (lastBatchStates + shareSize - 1) / shareSize
        workers = max(1, min(options.workers, shareCount))
        results = .allocate(capacity: shareCount)
        results.initialize(repeating: nil)
        finishedShares = .allocate(capacity: batchCount)
        for batch in 0..<batchCount { (finishedShares + batch).initialize(to: Atomic(0)) }
        batches = .allocate(capacity: batchCount)
        for batch in 0..<min(2, batchCount) {
            (batches + batch).initialize(to: frontier.loadBatch(states(of: batch), slot: batch % 2))
        }
        witnessed.store(merger.witnesses.reached, ordering: .relaxed)
    }

    deinit {
        results.deinitialize()
        results.deallocate()
        finishedShares.deinitialize(count: batchCount)
        finishedShares.deallocate()
        batches.deallocate()
    }

    /// When the merge last reported progress, for the next level to go on from.
    var lastProgressSeconds: Double { progress.lastSeconds }

    /// Expands and merges the whole level, or up to where a violation or a limit stopped it.
    func run() {
        if workers <= 1 {
            work()
        } else {
            let shared = UncheckedSendable(value: self)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in shared.value.work() }
        }
        // Every worker has left: whatever is ready and unmerged is merged here.
        mergeReadyBatches()
        precondition(
            stopped.load(ordering: .relaxed) || mergedBatches.load(ordering: .relaxed) == batchCount,
            "a breadth-first level ended with batches unmerged")
        let taken = min(nextShare.load(ordering: .relaxed), shareCount)
        frontier.markTaken(upTo: taken == shareCount ? frontier.count : states(ofShare: taken).lowerBound)
        visited.releaseRetiredTables()
    }

    private func states(of batch: Int) -> Range<Int> {
        batch * batchSize..<min((batch + 1) * batchSize, frontier.count)
    }

    private func states(ofShare share: Int) -> Range<Int> {
        let batch = states(of: share / sharesPerBatch)
        let lower = batch.lowerBound + (share % sharesPerBatch) * shareSize
        return lower..<min(lower + shareSize, batch.upperBound)
    }

    private func shares(of batch: Int) -> Range<Int> {
        batch * sharesPerBatch..<min((batch + 1) * sharesPerBatch, shareCount)
    }

    /// One worker: takes shares in order until none is left or the merge stopped, merging each
    /// batch it finds complete.
    private func work() {
        var found = FingerprintSet(capacity: 64)
        var foundBatch = -1
        while true {
            mergeReadyBatches()
            if stopped.load(ordering: .acquiring) { return }
            let share = nextShare.add(1, ordering: .relaxed).oldValue
            guard share < shareCount else { break }
            let batch = share / sharesPerBatch
            while mergedBatches.load(ordering: .acquiring) < batch - 1 && !stopped.load(ordering: .acquiring) {
                if !mergeReadyBatches() { sched_yield() }
            }
            if stopped.load(ordering: .acquiring) {
                // Taken, so its states are dropped, not left for the level's clean-up to drop
                // twice; packed states own nothing and need no taking.
                if !search.checker.model.packsStates {
                    for index in states(ofShare: share) { _ = frontier.take(index) }
                }
                return
            }
            if batch != foundBatch {
                found = FingerprintSet(capacity: 4 * batchSize / workers)
                foundBatch = batch
            }
            results[share] = search.expandShare(
                frontier, batches[batch], sleep, states(ofShare: share), visited, found,
                witnessed: witnessed.load(ordering: .relaxed))
            finishedShares[batch].add(1, ordering: .sequentiallyConsistent)
        }
        // A batch still expanding is merged by whoever finishes its last share, or, if that
        // worker finds the merge taken, by the merging worker, which looks again once done.
        mergeReadyBatches()
    }

    /// Merges the oldest unmerged batch while it is complete and no other thread merges;
    /// returns whether it merged any.
    ///
    /// After giving the merge up it looks again: a worker that finished a batch while this
    /// thread merged found the merge taken and left that batch to it.
    @discardableResult
    private func mergeReadyBatches() -> Bool {
        var mergedAny = false
        while true {
            let batch = mergedBatches.load(ordering: .sequentiallyConsistent)
            guard batch < batchCount, !stopped.load(ordering: .sequentiallyConsistent),
                finishedShares[batch].load(ordering: .sequentiallyConsistent) == shares(of: batch).count,
                merging.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
            else { return mergedAny }
            if mergedBatches.load(ordering: .sequentiallyConsistent) == batch {
                merge(batch)
                mergedAny = true
            }
            merging.store(false, ordering: .sequentiallyConsistent)
        }
    }

    /// Merges `batch`, looks at the limits, and opens the batch after next.
    private func merge(_ batch: Int) {
        let batchResults = shares(of: batch).map { share in results[share].take()! }
        visited.reserveWhileReading(forInserting: batchResults.reduce(0) { $0 + $1.candidates.count })
        merger.merge(batchResults)
        witnessed.store(merger.witnesses.reached, ordering: .relaxed)
        if merger.violation != nil || limitReached(afterMerging: batch) {
            stopped.store(true, ordering: .sequentiallyConsistent)
            return
        }
        let opening = batch + 2
        if opening < batchCount {
            (batches + opening).initialize(to: frontier.loadBatch(states(of: opening), slot: opening % 2))
        }
        mergedBatches.store(batch + 1, ordering: .sequentiallyConsistent)
    }

    /// Whether a limit stops the search after `batch` is merged (then `stopReason` says which),
    /// and the progress report, at most once a second.
    private func limitReached(afterMerging batch: Int) -> Bool {
        let checker = search.checker
        // The queue is most of the memory of a breadth-first search: counted exactly when packed,
        // else estimated from a sample.
        let queued = frontier.count - min((batch + 1) * batchSize, frontier.count) + merger.next.count
        let queueBytes =
            checker.model.packsStates
            ? frontier.memoryBytes(queued: 0) + merger.next.memoryBytes(queued: 0)
            : merger.next.memoryBytes(queued: queued)
        if let reason = checker.limitReached(
            distinctStates: visited.count, tableBytes: visited.bytes, queueBytes: queueBytes)
        {
            stopReason = reason
            return true
        }
        if let report = checker.options.progress, progress.clock.seconds - progress.lastSeconds >= 1 {
            progress.lastSeconds = progress.clock.seconds
            report(
                CheckProgress(
                    distinctStates: visited.count, totalStates: progress.initialStates + merger.generated,
                    queued: queued, depth: progress.depth, elapsedSeconds: progress.lastSeconds))
        }
        return false
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
