/// Sleep sets (Godefroid, "Partial-Order Methods for the Verification of Concurrent Systems",
/// 1996, chapter 5) for breadth-first search: which transitions of a state need not be explored
/// because their other order already is.
///
/// The rule. A state `s` carries a sleep set `Z(s)` of actions enabled in it. Expanding `s`, the
/// search skips the actions in `Z(s)` and takes the others in the model's order `a1, a2, ...`.
/// The successor `s·ai` sleeps on every `b` in `Z(s)` or taken before `ai` at `s` that the
/// model calls independent of `ai` in `s` (`Model.areIndependent`): its other order `s·b·ai`
/// is, or will be, explored from `s·b`. A state reached by several paths of the same length
/// keeps the intersection of their sleep sets (`Merger.arrivedAgain`): breadth-first search
/// merges a whole level before it expands any of it, so every same-length arrival is known
/// when a state is expanded.
///
/// Why every state is still visited (so the distinct states, and every state property, are
/// those of the full search). Suppose `t` is reachable, at shortest distance `n + 1`, and take
/// any last step `s -a-> t` of a shortest path, `s` at distance `n`, visited at depth `n` by
/// induction. If `a` is not asleep at `s`, `t` is generated. If it is, some arrival `p -b-> s`
/// (with `p` at depth `n - 1`) had `a` in `Z(p)` or taken at `p` before `b`, and `a`
/// independent of `b` at `p`. Then `p·a·b = t`, so `p·a` is at distance exactly `n` (one
/// less would put `t` within `n`). If `a` was taken at `p`, `p -a-> p·a` is a same-level
/// arrival, whose sleep set cannot hold `b` (`b` was taken at `p`, after `a`, so it was neither
/// asleep there nor taken before `a`); the intersection therefore lacks `b`, `b` is taken at
/// `p·a`, and `t` is generated. If `a` was itself asleep at `p`, the argument moves up to the
/// arrival at `p` that put `a` to sleep (the initial states sleep on nothing, so some ancestor
/// took `a`), and must then follow the whole commuted path back down: that is the induction of
/// Godefroid's theorem that sleep sets keep every reachable state (chapter 5), with the
/// same-level intersection standing in for his revisit rule. This is a sketch, not that proof;
/// `PartialOrderReductionTests` check it on every spec they can afford, where a hole would show
/// as a missing fingerprint. A later
/// arrival at a state first visited at a smaller depth is never the last step of a shortest
/// path, and the argument above uses shortest paths only: it needs no re-expansion.
///
/// Under symmetry reduction a sleep set is a mask over one concrete state's action list, so an
/// arrival at another member of its class wakes every action of the state kept (intersection
/// with the empty set): sound, and a loss of reduction only.
///
/// Step properties and situations are checked on the transitions explored only. Independence
/// therefore also promises that a step's verdicts do not depend on which of the two goes first
/// (`Model.areIndependent`), so a skipped `s·b -a->` is judged as the explored `s -a->`.
///
/// The tests hold this to the full search: the same set of fingerprints and the same verdicts on
/// every spec they can afford, and every pair called independent on sampled states commuting.
struct SleepSets<M: Model> {
    let model: M
    /// The successor of each action of the state being expanded, once computed: for the actions
    /// taken, and for sleeping ones the model must compare with.
    private var successors: [M.State?] = []
    private var computed: [Bool] = []
    /// Positions taken so far at the state being expanded, in order.
    private var taken: [Int] = []
    private var sleepers: [Int] = []
    private var nextActions: [M.Action] = []

    init(model: M) { self.model = model }

    /// Whether `mask` holds the action at `position` (positions past 63 are never asleep).
    @inline(__always)
    static func contains(_ mask: UInt64, _ position: Int) -> Bool {
        position < 64 && mask & (1 << UInt64(position)) != 0
    }

    /// Starts the expansion of a state with `actionCount` enabled actions.
    mutating func start(actionCount: Int) {
        successors.removeAll(keepingCapacity: true)
        successors.append(contentsOf: repeatElement(nil, count: actionCount))
        computed.removeAll(keepingCapacity: true)
        computed.append(contentsOf: repeatElement(false, count: actionCount))
        taken.removeAll(keepingCapacity: true)
    }

    /// Notes that the action at `position` was taken, leading to `next`.
    mutating func explored(_ position: Int, leadingTo next: M.State) {
        successors[position] = next
        computed[position] = true
        taken.append(position)
    }

    /// The sleep set of `next`, reached from `state` by its action at `position`, as a mask over
    /// `next`'s own action positions: the actions asleep at `state` (`asleep`) or taken there
    /// before this one that are independent of it.
    mutating func sleepSet(
        after position: Int, leadingTo next: M.State, in state: M.State, actions: [M.Action], asleep: UInt64
    ) -> UInt64 {
        sleepers.removeAll(keepingCapacity: true)
        var bits = asleep
        while bits != 0 {
            consider(bits.trailingZeroBitCount, against: position, leadingTo: next, in: state, actions: actions)
            bits &= bits - 1
        }
        for other in taken {
            consider(other, against: position, leadingTo: next, in: state, actions: actions)
        }
        guard !sleepers.isEmpty else { return 0 }
        model.actions(in: next, into: &nextActions)
        var mask: UInt64 = 0
        for sleeper in sleepers {
            // A sleeper past the 64 positions a mask holds is simply woken: exploring more is safe.
            if let found = nextActions.firstIndex(where: { model.isSameAction($0, actions[sleeper]) }), found < 64 {
                mask |= 1 << UInt64(found)
            }
        }
        nextActions.removeAll(keepingCapacity: true)
        return mask
    }

    /// Adds `other` to the sleepers when the model calls it independent of the action at
    /// `position` in `state`, computing its successor first if it slept.
    private mutating func consider(
        _ other: Int, against position: Int, leadingTo next: M.State, in state: M.State, actions: [M.Action]
    ) {
        if !computed[other] {
            computed[other] = true
            successors[other] = model.nextState(from: state, taking: actions[other])
        }
        guard let otherNext = successors[other] else { return }
        if model.areIndependent(actions[position], leadingTo: next, actions[other], leadingTo: otherNext, in: state) {
            sleepers.append(other)
        }
    }
}
