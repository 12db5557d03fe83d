import RaftCore
import RaftFuzzing
import RaftSimulation

/// A saved trace made small, ready to be saved in a corpus.
public struct ShrunkTrace: Sendable {
    /// The first violation of the original trace: the invariant that the shrunk trace still fails.
    public var target: Violation
    /// The shrunk trace.
    public var trace: Trace
    /// The violation the shrunk trace ends with: of the same invariant as `target`.
    public var violation: Violation
    /// How many candidate traces the shrinker tried.
    public var candidatesTried: Int
}

/// Why a trace could not be shrunk.
public enum ShrinkRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Replayed under the mutant, the trace violates no invariant: there is nothing to keep failing.
    case violatesNothing(path: String, mutant: Mutant?)
    /// The shrinker's own lenient replay of the trace does not fail.
    case doesNotFail(path: String)

    public var description: String {
        switch self {
        case .violatesNothing(let path, let mutant):
            "\(path): the trace violates no invariant under mutant \(mutant?.name ?? "none"); nothing to shrink"
        case .doesNotFail(let path): "\(path): the trace does not fail when replayed"
        }
    }
}

extension Trace {
    /// This trace, read from `path`, shrunk under `mutant` while its first violated invariant
    /// still fails; at most `maxCandidates` candidates are tried.
    public func shrunk(from path: String, mutant: Mutant?, maxCandidates: Int) throws(ShrinkRefusal) -> ShrunkTrace {
        guard let target = Shrinker.firstViolation(of: actions, in: spec, mutant: mutant) else {
            throw .violatesNothing(path: path, mutant: mutant)
        }
        var shrinker = Shrinker(mutant: mutant, target: target.invariant, maxCandidates: maxCandidates)
        guard let small = shrinker.shrink(actions, in: spec) else { throw .doesNotFail(path: path) }
        let trace = Trace(
            producer: "raftlab shrink (\(UntrustedText.escaped(path)), shrunk from \(actions.count) steps)",
            spec: small.spec,
            mutant: mutant, seed: seed, actions: small.actions, violation: small.violation, digest: small.digest)
        return ShrunkTrace(
            target: target, trace: trace, violation: small.violation, candidatesTried: small.candidatesTried)
    }
}
