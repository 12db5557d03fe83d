import RaftSimulation

/// How many servers a fuzz run has when nothing pins it: drawn from the run's seed, so that a
/// campaign sweeps the cluster sizes people run and the seed alone still reproduces the run.
///
/// Swarm testing over the size (as `FaultProfile` swarms the faults): quorum arithmetic is where
/// cluster sizes differ, and some bugs only show at some sizes (an even cluster's majority, the
/// paper's 5-server Figure 8). 3 and 5 servers, the sizes production clusters run, come up most
/// often; 7 next; and 1, 2, 4 and 6, where majorities are degenerate or even, now and then:
///
/// | servers | 1 | 2 | 3 | 4 | 5 | 6 | 7 |
/// |---|---|---|---|---|---|---|---|
/// | runs in 16 | 1 | 1 | 5 | 1 | 5 | 1 | 2 |
public enum ClusterSize {
    /// The weight of each size, indexed by servers - 1: out of `weights.reduce(0, +)` runs.
    public static let weights: [UInt64] = [1, 1, 5, 1, 5, 1, 2]

    /// The distribution in words, for banners: `1:1 2:1 3:5 ...` out of 16.
    public static var distributionDescription: String {
        weights.enumerated().map { "\($0.offset + 1):\($0.element)" }.joined(separator: " ")
            + " in \(weights.reduce(0, +))"
    }

    /// The number of servers of the run with `seed`.
    ///
    /// Drawn from a stream of its own (`RunStreams.clusterSize`), so that the fault profile and
    /// every other draw of the run are those of the same seed with the size pinned.
    public static func drawn(seed: UInt64) -> Int {
        var prng = RunStreams(seed: seed).clusterSize
        return prng.pick(weights: weights) + 1
    }
}
