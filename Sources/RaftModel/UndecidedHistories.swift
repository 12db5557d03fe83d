import RaftCore
import RaftSimulation
import Synchronization

/// The client histories a check's linearizability search could not decide within its budget.
///
/// An undecided history is no violation, so the search goes on past it, but it is no proof
/// either: a pass whose search met one is not a pass (issue 15, item 4). Every worker of a
/// search notes into the one tally, so it is a class behind a lock; only the count and the
/// words of one of them are kept, the one with the shortest history (then the first in words),
/// so that every run and every number of workers names the same one.
public final class UndecidedHistories: Sendable {
    private struct Tally {
        var count = 0
        var first: (clock: Int, detail: String)?
    }

    private let tally = Mutex(Tally())

    public init() {}

    /// Notes one undecided search, `detail` its words, on a history whose clock reads `clock`.
    func note(_ detail: String, clock: Int) {
        tally.withLock { tally in
            tally.count += 1
            if let first = tally.first, (first.clock, first.detail) <= (clock, detail) { return }
            tally.first = (clock, detail)
        }
    }

    /// How many completions the search could not decide.
    public var count: Int { tally.withLock { $0.count } }

    /// The words of the one with the shortest history, nil when none.
    public var firstDetail: String? { tally.withLock { $0.first?.detail } }
}
