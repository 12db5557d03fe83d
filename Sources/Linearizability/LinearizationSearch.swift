/// Wing and Gong's search for a linearization of one partition's sub-history, with Lowe's
/// memoisation, as Porcupine's checker does it.
///
/// The history is a doubly linked list of call and return entries in position order. The
/// search walks it from the front: at a call whose operation the specification accepts from the
/// current state, it linearizes that operation (lifts its call and return out of the list and
/// restarts from the front); at a return, the operation it closes was not linearized in time,
/// so it backtracks the most recent choice. A (set linearized, state) pair seen before leads
/// nowhere new and is skipped: that cache turns the search from factorial in the number of
/// concurrent operations into, in practice, near linear in the history's length.
///
/// Operations whose outcome is unknown return "at infinity": their return entries sit after
/// every other entry, so the search may linearize them anywhere after their invocation, or
/// never. Five things keep such operations from making the search factorial (each may be
/// placed at every point, and with appends every order of them leaves a different state, so
/// the cache does not merge them):
///
/// - Once every operation that returned is linearized, the history is: the unknown ones left
///   never took effect. So an unknown operation is only ever placed to explain an output.
/// - An unknown operation that would leave the state as it is (a compare-and-set that does not
///   swap) is not placed there: leaving it out explains the same outputs, and taking effect
///   later or never is always allowed (under session order, placing it could only close
///   windows).
/// - An unknown operation is placed only where some operation that returned, among those that
///   may come after it, could need it (the specification judges: `mayNeed`); with appends, one
///   whose effect is no prefix of the value the next read or append saw is not placed there.
/// - Between two returns, the calls of operations that returned are tried before those of
///   unknown ones (any order of the calls there is a correct one; this one finds a linearization
///   with few unknown operations placed first, which is the common answer).
/// - With session order (`sessionOrdered`), an unknown operation is never placed after a later
///   state-changing operation of the same client: the session table discards a request older
///   than one that took effect (the thesis, section 6.3), so its window closes there.
struct LinearizationSearch<Spec: SequentialSpecification> {
    /// One operation as the search sees it.
    struct Operation {
        var input: Spec.Input
        /// Nil when the client never saw a reply: any output is acceptable.
        var output: Spec.Output?
        var invokedAt: Int
        /// `Int.max` when the client never saw a reply.
        var returnedAt: Int
        /// The client that issued it, for session order.
        var client: Int = 0
        /// Whether it may change the state (`SequentialSpecification.mayChangeState`): under
        /// session order, only such an operation closes the client's earlier unknown ones.
        var mayChangeState = true
    }

    enum Result: Equatable {
        /// One order in which the operations (indices into the searched array) take effect.
        case linearizable(order: [Int])
        case notLinearizable
        case budgetExhausted
    }

    /// A memoised configuration: what has been linearized and the state it left.
    private struct Configuration: Hashable {
        var linearized: LinearizedSet
        var state: Spec.State
    }

    /// Searches for a linearization of `operations`, giving up after `stepBudget` steps.
    ///
    /// One step is one call to the specification or one backtrack; the steps taken come back
    /// with the result. With `sessionOrdered`, an operation without a reply may not take effect
    /// after a later operation of its client that may change the state took effect.
    ///
    /// Specialised for the key-value store, the one specification the world checks: called
    /// from another module, the generic search looked up type metadata on every step.
    @_specialize(where Spec == KeyValueSpecification)
    static func run(
        _ specification: Spec, _ operations: [Operation], stepBudget: Int, sessionOrdered: Bool = false
    ) -> (result: Result, steps: Int) {
        let count = operations.count
        var unreturned = operations.reduce(0) { $0 + ($1.returnedAt == Int.max ? 0 : 1) }
        if unreturned == 0 { return (.linearizable(order: []), 0) }

        // Entries 1...2n in position order; entry 0 is the head of the list. At one position,
        // calls come before returns: operations that touch at a step count as concurrent.
        var events: [(position: Int, isReturn: Bool, operation: Int)] = []
        events.reserveCapacity(2 * count)
        for (index, operation) in operations.enumerated() {
            events.append((operation.invokedAt, false, index))
            events.append((operation.returnedAt, true, index))
        }
        events.sort { a, b in
            if a.position != b.position { return a.position < b.position }
            if a.isReturn != b.isReturn { return !a.isReturn }
            return a.operation < b.operation
        }
        // Between two returns, the calls of operations without a reply go last.
        var start = 0
        while start < events.count {
            var end = start
            while end < events.count && !events[end].isReturn { end += 1 }
            let calls = events[start..<end]
            let reordered =
                calls.filter { operations[$0.operation].returnedAt != Int.max }
                + calls.filter { operations[$0.operation].returnedAt == Int.max }
            events.replaceSubrange(start..<end, with: reordered)
            start = end + 1
        }
        // Per operation without a reply, under session order: the later operations of its
        // client that may change the state; once one of them is linearized, it cannot be.
        var closers = [[Int]](repeating: [], count: count)
        if sessionOrdered {
            for (index, operation) in operations.enumerated() where operation.returnedAt == Int.max {
                closers[index] = operations.indices.filter {
                    operations[$0].client == operation.client && operations[$0].invokedAt > operation.invokedAt
                        && operations[$0].mayChangeState
                }
            }
        }
        let entryCount = events.count + 1
        var operationOfEntry = [Int](repeating: -1, count: entryCount)
        var returnOfOperation = [Int](repeating: -1, count: count)
        var isCall = [Bool](repeating: false, count: entryCount)
        for (offset, event) in events.enumerated() {
            operationOfEntry[offset + 1] = event.operation
            isCall[offset + 1] = !event.isReturn
            if event.isReturn { returnOfOperation[event.operation] = offset + 1 }
        }
        var next = (0..<entryCount).map { $0 + 1 == entryCount ? -1 : $0 + 1 }
        var previous = (0..<entryCount).map { $0 - 1 }

        /// Takes a linearized operation's call and return out of the list.
        func lift(_ call: Int) {
            next[previous[call]] = next[call]
            previous[next[call]] = previous[call]
            let reply = returnOfOperation[operationOfEntry[call]]
            next[previous[reply]] = next[reply]
            if next[reply] != -1 { previous[next[reply]] = previous[reply] }
        }
        /// Puts them back, in the reverse order of `lift`.
        func unlift(_ call: Int) {
            let reply = returnOfOperation[operationOfEntry[call]]
            next[previous[reply]] = reply
            if next[reply] != -1 { previous[next[reply]] = reply }
            next[previous[call]] = call
            previous[next[call]] = call
        }

        var linearized = LinearizedSet(capacity: count)
        /// Whether placing the unknown operation `placed`, which takes the state from `before`
        /// to `after`, may be needed.
        ///
        /// In a linearization placing the fewest unknown operations, leaving any one out breaks
        /// some operation that returned; the first such one, X, comes after it with only
        /// unknown operations and operations that may leave more than one state between
        /// (after one that pins the state, `SequentialSpecification.pinsState`, the states with
        /// and without `placed` agree again). So X's call is in the list before any return but
        /// those of operations that do not pin the state, and the specification judges whether
        /// `placed` may be what X needs (`mayNeed`).
        func mayBeNeeded(_ placed: Int, from before: Spec.State, to after: Spec.State) -> Bool {
            var unplaced: [Spec.Input]? = nil
            var candidate = next[0]
            while candidate != -1 {
                let operation = operations[operationOfEntry[candidate]]
                guard let output = operation.output, operation.returnedAt != Int.max else {
                    // An unknown operation's call; the returns of unknown ones come last.
                    if !isCall[candidate] { break }
                    candidate = next[candidate]
                    continue
                }
                if !isCall[candidate] {
                    if specification.pinsState(operation.input, returning: output) { break }
                } else {
                    if unplaced == nil {
                        unplaced = operations.indices.compactMap { index in
                            operations[index].returnedAt == Int.max && index != placed
                                && !linearized.contains(index) && !closers[index].contains(where: linearized.contains)
                                ? operations[index].input : nil
                        }
                    }
                    if specification.mayNeed(
                        operation.input, returning: output, before: before, after: after, unplaced: unplaced!)
                    {
                        return true
                    }
                }
                candidate = next[candidate]
            }
            return false
        }
        var seen = Set<Configuration>()
        var chosen: [(call: Int, stateBefore: Spec.State)] = []
        var state = specification.initialState
        var entry = next[0]
        var steps = 0
        while unreturned > 0 {
            if steps >= stepBudget { return (.budgetExhausted, steps) }
            steps += 1
            if isCall[entry] {
                let operationIndex = operationOfEntry[entry]
                let operation = operations[operationIndex]
                if closers[operationIndex].contains(where: linearized.contains) {
                    entry = next[entry]
                } else if let after = specification.step(
                    from: state, input: operation.input, output: operation.output),
                    operation.returnedAt != Int.max
                        || (after != state && mayBeNeeded(operationIndex, from: state, to: after))
                {
                    linearized.insert(operationIndex)
                    if seen.insert(Configuration(linearized: linearized, state: after)).inserted {
                        chosen.append((entry, state))
                        state = after
                        lift(entry)
                        if operation.returnedAt != Int.max { unreturned -= 1 }
                        entry = next[0]
                    } else {
                        linearized.remove(operationIndex)
                        entry = next[entry]
                    }
                } else {
                    entry = next[entry]
                }
            } else {
                // A return whose call is still in the list: that operation had to take effect
                // before this point and did not, under the choices made so far.
                guard let last = chosen.popLast() else { return (.notLinearizable, steps) }
                linearized.remove(operationOfEntry[last.call])
                if operations[operationOfEntry[last.call]].returnedAt != Int.max { unreturned += 1 }
                state = last.stateBefore
                unlift(last.call)
                entry = next[last.call]
            }
        }
        return (.linearizable(order: chosen.map { operationOfEntry[$0.call] }), steps)
    }
}
