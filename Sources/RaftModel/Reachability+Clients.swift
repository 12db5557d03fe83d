import RaftCore
import RaftSimulation

extension RaftModel {
    /// Whether a client step reached `situation`; only the client situations can be.
    func isReachedByClients(_ situation: RaftSituation, action: ClientAction, previous: World, state: World) -> Bool {
        guard let before = previous.clients, let after = state.clients else { return false }
        switch situation {
        case .operationCompleted:
            guard case .deliver(let message) = action, case .reply = message.body else { return false }
            return after.clock > before.clock
        case .clientRedirected:
            guard case .deliver(let message) = action, case .redirect = message.body else { return false }
            return true
        case .clientRetried:
            guard case .timeout(let client) = action else { return false }
            return after.sessions[client].retries > before.sessions[client].retries
        default:
            return false
        }
    }
}
