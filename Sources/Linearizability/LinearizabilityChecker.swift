/// Decides whether a history of client operations is linearizable (Herlihy and Wing, 1990):
/// whether every operation can be given one instant between its invocation and its reply at
/// which it takes effect, such that the outputs are those of the sequential specification run in
/// the order of those instants.
///
/// The history is split per partition (per key, for the key-value store) and each sub-history
/// searched on its own, in the order the partitions first appear in the history, so results
/// never depend on hashing. Each search has a step budget: a history too hard to decide within
/// it gets an honest "unknown" rather than a hang. A violation is reported with a small
/// non-linearizable sub-history, cut down from the failing partition's.
public struct LinearizabilityChecker<Spec: SequentialSpecification>: Sendable {
    public var specification: Spec
    /// The most search steps (specification calls and backtracks) spent deciding one partition.
    public var stepBudgetPerPartition: Int
    /// The most search steps spent, in all, on shrinking a violation; once spent, the
    /// sub-history found so far is reported, still non-linearizable but perhaps not minimal.
    public var minimisationStepBudget: Int
    /// Whether the property is linearizability with session order: an operation whose client
    /// never saw a reply does not take effect after a later operation of the same client that
    /// may change the state took effect (on the same partition: the search sees one at a time).
    ///
    /// A system with sessions as in the thesis, section 6.3, guarantees it: its state machine
    /// discards a request whose sequence number is below one it already applied for that
    /// client. The property is stronger than linearizability alone (a history that passes is
    /// linearizable; one that fails may be linearizable if requests could take effect out of
    /// session order), and it is what makes histories with many unknown outcomes decidable: a
    /// given-up write's window closes at its client's next write instead of staying open to the
    /// end of the history.
    public var sessionOrdered: Bool

    public init(
        _ specification: Spec, stepBudgetPerPartition: Int = 1_000_000, minimisationStepBudget: Int = 5_000_000,
        sessionOrdered: Bool = false
    ) {
        self.specification = specification
        self.stepBudgetPerPartition = stepBudgetPerPartition
        self.minimisationStepBudget = minimisationStepBudget
        self.sessionOrdered = sessionOrdered
    }

    public typealias Verdict = LinearizabilityVerdict<Spec.PartitionKey>

    /// Decides `history`.
    public func check(_ history: History<Spec.Input, Spec.Output>) -> Verdict {
        var linearizations: [PartitionLinearization<Spec.PartitionKey>] = []
        var undecided: [Spec.PartitionKey] = []
        for partition in partitions(of: history) {
            let (result, _) = search(history, partition.ids, budget: stepBudgetPerPartition)
            switch result {
            case .linearizable(let order):
                linearizations.append(
                    PartitionLinearization(key: partition.key, order: order.map { partition.ids[$0] }))
            case .budgetExhausted:
                undecided.append(partition.key)
            case .notLinearizable:
                return .notLinearizable(minimise(history, partition))
            }
        }
        return undecided.isEmpty ? .linearizable(linearizations) : .unknown(budgetExhaustedIn: undecided)
    }

    // MARK: - Partitions

    struct Partition {
        var key: Spec.PartitionKey
        /// The operations the search must place, in history order: failed operations never took
        /// effect and unknown ones that cannot change the state tell nothing, so both stay out.
        var ids: [OperationID]
    }

    /// The partitions in order of first appearance (a dictionary only finds a key's partition;
    /// its order never shows).
    func partitions(of history: History<Spec.Input, Spec.Output>) -> [Partition] {
        var partitions: [Partition] = []
        var indexOfKey: [Spec.PartitionKey: Int] = [:]
        for (index, operation) in history.operations.enumerated() {
            switch operation.outcome {
            case .fail: continue
            case .unknown where !specification.mayChangeState(operation.input): continue
            case .ok, .unknown: break
            }
            let key = specification.partition(of: operation.input)
            if let existing = indexOfKey[key] {
                partitions[existing].ids.append(OperationID(index))
            } else {
                indexOfKey[key] = partitions.count
                partitions.append(Partition(key: key, ids: [OperationID(index)]))
            }
        }
        return partitions
    }

    /// Searches the operations `ids`, those in `relaxed` with their outcome taken as unknown.
    func search(
        _ history: History<Spec.Input, Spec.Output>, _ ids: [OperationID], relaxed: Set<OperationID> = [],
        budget: Int
    ) -> (result: LinearizationSearch<Spec>.Result, steps: Int) {
        var operations: [LinearizationSearch<Spec>.Operation] = []
        operations.reserveCapacity(ids.count)
        for id in ids {
            let operation = history[id]
            if relaxed.contains(id) {
                guard specification.mayChangeState(operation.input) else { continue }
                operations.append(
                    .init(
                        input: operation.input, output: nil, invokedAt: operation.invokedAt, returnedAt: Int.max,
                        client: operation.client.index, mayChangeState: true))
            } else {
                operations.append(
                    .init(
                        input: operation.input, output: operation.outcome.output, invokedAt: operation.invokedAt,
                        returnedAt: operation.outcome.returnedAt ?? Int.max, client: operation.client.index,
                        mayChangeState: specification.mayChangeState(operation.input)))
            }
        }
        return LinearizationSearch.run(specification, operations, stepBudget: budget, sessionOrdered: sessionOrdered)
    }

    // MARK: - Minimisation

    /// Shrinks a non-linearizable partition to a small sub-history that is still not
    /// linearizable, within `minimisationStepBudget`.
    ///
    /// An operation is dropped only when the history stays non-linearizable with that operation's
    /// outcome made unknown (it may take effect at any time after its invocation, or never),
    /// which implies that it also stays non-linearizable without it. Plain deletion would be
    /// cheaper but misleading: deleting the write a stale read observed leaves a read of a value
    /// "never written", which is non-linearizable for another reason than the real one.
    ///
    /// 1. Cut: the earliest step `p` such that the operations invoked by `p`, with those still
    ///    running at `p` made unknown, are not linearizable (found by bisection, which works
    ///    because a cut that is not linearizable stays so at every later cut: operations invoked
    ///    after `p` cannot explain outputs returned by `p`). Operations with no reply by `p` stay, with unknown outcomes: an
    ///    output may depend on one of them.
    /// 2. Reads in chunks (halves, quarters, ... single reads): an operation that cannot change
    ///    the state made unknown is one deleted, so these trials stay cheap; and a read only
    ///    observes, so dropping it never leaves another output unexplained.
    /// 3. Every operation alone, the latest first, repeated until no single one can go (one
    ///    already of unknown outcome is tried deleted, which is sound for the same reason). Latest
    ///    first because later operations observe earlier ones: dropping an observer never
    ///    leaves an output unexplained, while dropping what it observed can.
    ///
    /// A trial the budget cuts short counts as linearizable (the operation stays), so the result
    /// is always a proven violation, if perhaps not a minimal one.
    func minimise(_ history: History<Spec.Input, Spec.Output>, _ partition: Partition) -> LinearizabilityViolation<
        Spec.PartitionKey
    > {
        var remainingBudget = minimisationStepBudget
        var everyTrialDecided = true
        /// Whether the operations `ids`, those in `relaxed` made unknown, are proven
        /// non-linearizable.
        func violates(_ ids: [OperationID], relaxed: Set<OperationID>) -> Bool {
            guard remainingBudget > 0 else {
                everyTrialDecided = false
                return false
            }
            let (result, steps) = search(
                history, ids, relaxed: relaxed, budget: min(remainingBudget, stepBudgetPerPartition))
            remainingBudget -= steps
            if result == .budgetExhausted { everyTrialDecided = false }
            return result == .notLinearizable
        }

        let byInvocation = partition.ids.sorted { (history[$0].invokedAt, $0) < (history[$1].invokedAt, $1) }
        /// The operations invoked by `cut`, and those of them still without a reply then.
        func invoked(by cut: Int) -> (ids: [OperationID], running: Set<OperationID>) {
            let ids = byInvocation.filter { history[$0].invokedAt <= cut }
            return (ids, Set(ids.filter { (history[$0].outcome.returnedAt ?? Int.max) > cut }))
        }
        // The whole partition (cut at "infinity") is known to violate.
        var cuts = Array(Set(byInvocation.map { history[$0].invokedAt })).sorted()
        cuts.append(Int.max)
        var low = -1
        var high = cuts.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            let (ids, running) = invoked(by: cuts[middle])
            if violates(ids, relaxed: running) { high = middle } else { low = middle }
        }
        // Operations with no reply by the cut stay, relaxed, until shown not to explain anything.
        var (kept, relaxed) = invoked(by: cuts[high])

        var reads = kept.filter { !specification.mayChangeState(history[$0].input) }
        var chunkSize = max(reads.count / 2, 1)
        while !reads.isEmpty {
            var start = 0
            while start < reads.count {
                let chunk = Set(reads[start..<min(start + chunkSize, reads.count)])
                if violates(kept.filter { !chunk.contains($0) }, relaxed: relaxed) {
                    kept.removeAll { chunk.contains($0) }
                    reads.removeAll { chunk.contains($0) }
                } else {
                    start += chunkSize
                }
            }
            if chunkSize == 1 { break }
            chunkSize /= 2
        }

        var removedOne = true
        var singlesConfirmed = false
        while removedOne && remainingBudget > 0 {
            removedOne = false
            everyTrialDecided = true
            for index in kept.indices.reversed() {
                let id = kept[index]
                // A relaxed operation is tried deleted; the others, relaxed.
                let removable =
                    relaxed.contains(id)
                    ? violates(kept.filter { $0 != id }, relaxed: relaxed)
                    : violates(kept, relaxed: relaxed.union([id]))
                if removable {
                    kept.remove(at: index)
                    relaxed.remove(id)
                    removedOne = true
                }
            }
            singlesConfirmed = !removedOne && everyTrialDecided
        }
        // Left only when the budget ran out; a relaxed operation can always go.
        kept.removeAll { relaxed.contains($0) }
        return LinearizabilityViolation(
            key: partition.key, operations: kept, partitionOperationCount: partition.ids.count,
            isMinimal: singlesConfirmed)
    }
}

/// The checker's answer for a whole history.
public enum LinearizabilityVerdict<PartitionKey: Hashable> {
    /// Every partition has a linearization; one witness order per partition, in order of first
    /// appearance.
    case linearizable([PartitionLinearization<PartitionKey>])
    /// Some partition has none: the first such partition, with a small sub-history that shows it.
    case notLinearizable(LinearizabilityViolation<PartitionKey>)
    /// No partition is proven non-linearizable, but these ran out of search budget undecided.
    case unknown(budgetExhaustedIn: [PartitionKey])

    public var isLinearizable: Bool {
        if case .linearizable = self { return true }
        return false
    }

    /// The violation, when there is one.
    public var violation: LinearizabilityViolation<PartitionKey>? {
        if case .notLinearizable(let violation) = self { return violation }
        return nil
    }
}

extension LinearizabilityVerdict: Sendable where PartitionKey: Sendable {}
extension LinearizabilityVerdict: Equatable where PartitionKey: Equatable {}

/// One order in which a partition's operations take effect, consistent with real time and with
/// every output: the proof that the partition is linearizable.
///
/// Operations with an unknown outcome appear when they took effect; one left out never did.
public struct PartitionLinearization<PartitionKey: Hashable>: Hashable {
    public var key: PartitionKey
    public var order: [OperationID]
}

extension PartitionLinearization: Sendable where PartitionKey: Sendable {}

/// A partition whose sub-history is not linearizable, with a small part of it that is not either.
public struct LinearizabilityViolation<PartitionKey: Hashable>: Hashable {
    public var key: PartitionKey
    /// A non-linearizable sub-history of the partition, in invocation order.
    public var operations: [OperationID]
    /// How many operations the partition's sub-history had before shrinking.
    public var partitionOperationCount: Int
    /// Whether every operation was shown to be needed.
    ///
    /// True when, with any single one's outcome made unknown (which, for a read, is the same as
    /// removing it), the sub-history is linearizable; false when the shrinking budget ran out
    /// first.
    public var isMinimal: Bool
}

extension LinearizabilityViolation: Sendable where PartitionKey: Sendable {}
