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
/// every other entry, so the search may linearize them anywhere after their invocation, and
/// linearizing one after every other operation is the same as it never taking effect.
struct LinearizationSearch<Spec: SequentialSpecification> {
    /// One operation as the search sees it.
    struct Operation {
        var input: Spec.Input
        /// Nil when the client never saw a reply: any output is acceptable.
        var output: Spec.Output?
        var invokedAt: Int
        /// `Int.max` when the client never saw a reply.
        var returnedAt: Int
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
    /// with the result.
    ///
    /// Specialised for the key-value store, the one specification the world checks: called
    /// from another module, the generic search looked up type metadata on every step.
    @_specialize(where Spec == KeyValueSpecification)
    static func run(
        _ specification: Spec, _ operations: [Operation], stepBudget: Int
    ) -> (result: Result, steps: Int) {
        let count = operations.count
        if count == 0 { return (.linearizable(order: []), 0) }

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
        var seen = Set<Configuration>()
        var chosen: [(call: Int, stateBefore: Spec.State)] = []
        var state = specification.initialState
        var entry = next[0]
        var steps = 0
        while next[0] != -1 {
            if steps >= stepBudget { return (.budgetExhausted, steps) }
            steps += 1
            if isCall[entry] {
                let operationIndex = operationOfEntry[entry]
                let operation = operations[operationIndex]
                if let after = specification.step(from: state, input: operation.input, output: operation.output) {
                    linearized.insert(operationIndex)
                    if seen.insert(Configuration(linearized: linearized, state: after)).inserted {
                        chosen.append((entry, state))
                        state = after
                        lift(entry)
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
                state = last.stateBefore
                unlift(last.call)
                entry = next[last.call]
            }
        }
        return (.linearizable(order: chosen.map { operationOfEntry[$0.call] }), steps)
    }
}
