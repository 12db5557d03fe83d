import Foundation
import RaftCore
import RaftFuzzing
import RaftSimulation

/// The session-clients row of `raftlab bench fuzzer`: the default fuzz world with two clients in
/// every run (as `raftlab fuzz --clients 2`), exactly-once checked after every step and
/// linearizability once over each run's whole history.
extension FuzzerBenchmark {
    /// The clients of the row.
    static let benchmarkClients = 2

    /// The default fuzz world with `benchmarkClients` session clients.
    static var clientsSpec: WorldSpec {
        var spec = WorldSpec.fuzzDefault
        spec.turnOnClients(benchmarkClients)
        return spec
    }
}
