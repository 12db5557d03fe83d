/// For each of a model's situations, the shallowest step the search found reaching it, as the
/// action positions of the path to it (what `PathLog.path(to:)` gives, plus the last step).
///
/// The same record for both searches: breadth-first search meets each situation first at its
/// smallest depth, in an order that does not depend on the worker count; depth-first search may
/// meet it deeper first and keeps the shallowest it meets.
struct SituationWitnesses {
    /// The situations reached so far, one bit each.
    private(set) var reached: UInt64 = 0
    /// Per situation: the depth it was reached at and the path to it.
    private(set) var found: [(depth: Int, steps: [Int])?]

    init(count: Int) {
        precondition(count <= 64, "at most 64 situations")
        found = Array(repeating: nil, count: count)
    }

    /// Whether a step reaching `mask` at `depth` would add or improve a witness.
    @inline(__always)
    func improves(_ mask: UInt64, atDepth depth: Int) -> Bool {
        if mask & ~reached != 0 { return true }
        var bits = mask
        while bits != 0 {
            let situation = bits.trailingZeroBitCount
            bits &= bits - 1
            if let known = found[situation], known.depth > depth { return true }
        }
        return false
    }

    /// Records the step reaching `mask` at `depth` for every situation it reaches first or
    /// shallower than before; `steps` is asked at most once.
    mutating func record(_ mask: UInt64, atDepth depth: Int, steps: () -> [Int]) {
        var path: [Int]? = nil
        var bits = mask
        while bits != 0 {
            let situation = bits.trailingZeroBitCount
            bits &= bits - 1
            if let known = found[situation], known.depth <= depth { continue }
            if path == nil { path = steps() }
            found[situation] = (depth, path!)
            reached |= 1 << UInt64(situation)
        }
    }
}
