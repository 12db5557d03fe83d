import RaftCorpus
import RaftFuzzing

/// `--shard K/N` and `--swarm K/N`: which of N jobs this process is, K counted from 0.
///
/// `/N` leaves K to the job engine: `RAFTLAB_SHARD` when set, else Kubernetes'
/// `JOB_COMPLETION_INDEX` (an Indexed Job gives each pod its index there), so one manifest
/// serves every index. The environment is read here, in the command line layer, and nowhere
/// below it.
enum ShardArgument {
    /// The variables `/N` takes K from, in order of preference.
    static let indexVariables = ["RAFTLAB_SHARD", "JOB_COMPLETION_INDEX"]

    /// The shard `text` names for `flag`, taking K from `environment` when `text` is `/N`.
    static func resolve(_ text: String, flag: String, environment: [String: String]) throws(UsageError)
        -> CampaignShard
    {
        let expected =
            "option '\(flag)' expects K/N with 0 <= K < N (or /N with K in RAFTLAB_SHARD or JOB_COMPLETION_INDEX)"
        var resolved = text
        if text.hasPrefix("/") {
            guard let variable = indexVariables.first(where: { environment[$0] != nil }) else {
                throw UsageError(
                    message: "option '\(flag) \(text)': neither RAFTLAB_SHARD nor JOB_COMPLETION_INDEX is set to give K"
                )
            }
            let index = environment[variable]!
            guard let count = Int(text.dropFirst()), count >= 1, let k = Int(index), (0..<count).contains(k) else {
                throw UsageError(message: "option '\(flag) \(text)': \(variable)=\(index) is not an index in 0..<N")
            }
            resolved = "\(k)/\(count)"
        }
        guard let shard = ShardSummary.parseShard(resolved) else {
            throw UsageError(message: "\(expected), got '\(text)'")
        }
        return shard
    }
}
