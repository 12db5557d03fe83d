import ModelChecking
import RaftCore
import RaftSimulation

/// The session clients' part of a packed world (`WorldPacking.swift`): one byte 0 when the
/// spec has no clients, so that a world without them packs into one byte more than before.
///
/// Every field of `Clients` and of what it holds is packed; the round-trip test
/// (`WorldPackingTests`, over `specs/clients.json` and the client mutant specs) fails on one
/// left out.
enum ClientsPacking {
    static func write(_ clients: Clients?, into bytes: PackedBytes) {
        guard let clients else {
            bytes.append(0)
            return
        }
        bytes.append(clients.consultsSessions ? 1 : 2)
        bytes.append(varint: clients.sessions.count)
        for session in clients.sessions {
            bytes.append(varint: session.issued)
            write(optional: session.pending, into: bytes)
            bytes.append(varint: session.target.index)
            bytes.append(session.targetIsFresh ? 1 : 0)
            bytes.append(varint: session.retries)
        }
        bytes.append(varint: clients.inFlight.count)
        for message in clients.inFlight { write(message, into: bytes) }
        bytes.append(varint: clients.machines.count)
        for machine in clients.machines { write(machine, into: bytes) }
        bytes.append(varint: clients.history.count)
        for record in clients.history { write(record, into: bytes) }
        bytes.append(varint: clients.clock)
    }

    static func read(_ reader: inout PackedReader) -> Clients? {
        let flag = reader.byte()
        guard flag != 0 else { return nil }
        let sessionCount = reader.varint()
        var sessions: [ClientSession] = []
        sessions.reserveCapacity(sessionCount)
        for _ in 0..<sessionCount {
            let issued = reader.varint()
            let pending = optionalCommand(&reader)
            let target = NodeID(reader.varint())
            let targetIsFresh = reader.byte() == 1
            sessions.append(
                ClientSession(
                    unpackingIssued: issued, pending: pending, target: target, targetIsFresh: targetIsFresh,
                    retries: reader.varint()))
        }
        var inFlight: [ClientMessage] = []
        for _ in 0..<reader.varint() { inFlight.append(message(&reader)) }
        var machines: [SessionStore] = []
        for _ in 0..<reader.varint() { machines.append(store(&reader)) }
        var history: [ClientHistoryRecord] = []
        for _ in 0..<reader.varint() { history.append(record(&reader)) }
        return Clients(
            unpackingSessions: sessions, inFlight: inFlight, machines: machines, history: history,
            clock: reader.varint(), consultsSessions: flag == 1)
    }

    // MARK: - ReadIndex (in a leader's progress)

    /// A leader's ReadIndex state: one byte 0 when empty, as every leader without ReadIndex has.
    static func write(_ reads: ReadIndexState, into bytes: PackedBytes) {
        guard !reads.isEmpty else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        bytes.append(varint: reads.round)
        bytes.append(varint: reads.confirmedRound)
        bytes.append(varint: Int(reads.acknowledged.bits))
        bytes.append(varint: reads.pending.count)
        for read in reads.pending {
            write(read.command, into: bytes)
            bytes.append(varint: read.readIndex)
            bytes.append(varint: read.round)
        }
    }

    static func reads(_ reader: inout PackedReader) -> ReadIndexState {
        guard reader.byte() == 1 else { return ReadIndexState() }
        let round = reader.varint()
        let confirmedRound = reader.varint()
        let acknowledged = NodeSet(bits: UInt16(reader.varint()))
        var pending: [PendingRead] = []
        for _ in 0..<reader.varint() {
            let command = command(&reader)
            let readIndex = reader.varint()
            pending.append(PendingRead(command: command, readIndex: readIndex, round: reader.varint()))
        }
        return ReadIndexState(
            unpackingRound: round, confirmedRound: confirmedRound, acknowledged: acknowledged, pending: pending)
    }

    // MARK: - Session commands (also in log entries)

    /// A command: its client, kind and key in one byte, then its sequence number.
    static func write(_ command: SessionCommand, into bytes: PackedBytes) {
        bytes.append(UInt8(command.client) | command.kind.rawValue << 2 | (command.key & 3) << 4)
        bytes.append(varint: command.sequence)
    }

    static func command(_ reader: inout PackedReader) -> SessionCommand {
        let fields = reader.byte()
        return SessionCommand(
            client: Int(fields & 3), sequence: reader.varint(), key: fields >> 4 & 3,
            kind: SessionOperationKind(rawValue: fields >> 2 & 3)!)
    }

    private static func write(optional command: SessionCommand?, into bytes: PackedBytes) {
        guard let command else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        write(command, into: bytes)
    }

    private static func optionalCommand(_ reader: inout PackedReader) -> SessionCommand? {
        reader.byte() == 0 ? nil : command(&reader)
    }

    // MARK: - Results, messages, state machines, history

    private static func write(_ result: SessionResult, into bytes: PackedBytes) {
        switch result {
        case .done: bytes.append(varint: 0)
        case .swapped(let swapped): bytes.append(varint: swapped ? 2 : 1)
        case .values(let values):
            bytes.append(varint: 3 + values.count)
            for value in values { bytes.append(varint: Int(value)) }
        }
    }

    private static func result(_ reader: inout PackedReader) -> SessionResult {
        switch reader.varint() {
        case 0: return .done
        case 1: return .swapped(false)
        case 2: return .swapped(true)
        case let code:
            var values: [UInt16] = []
            values.reserveCapacity(code - 3)
            for _ in 0..<code - 3 { values.append(UInt16(truncatingIfNeeded: reader.varint())) }
            return .values(values)
        }
    }

    private static func write(optional result: SessionResult?, into bytes: PackedBytes) {
        guard let result else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        write(result, into: bytes)
    }

    private static func optionalResult(_ reader: inout PackedReader) -> SessionResult? {
        reader.byte() == 0 ? nil : result(&reader)
    }

    private static func write(_ message: ClientMessage, into bytes: PackedBytes) {
        bytes.append(varint: message.server.index)
        switch message.body {
        case .request(let command):
            bytes.append(0)
            write(command, into: bytes)
        case .reply(let command, let result):
            bytes.append(1)
            write(command, into: bytes)
            write(result, into: bytes)
        case .redirect(let command, let leader):
            bytes.append(2)
            write(command, into: bytes)
            bytes.append(varint: leader.map { $0.index + 1 } ?? 0)
        }
    }

    private static func message(_ reader: inout PackedReader) -> ClientMessage {
        let server = NodeID(reader.varint())
        let tag = reader.byte()
        let command = command(&reader)
        let body: ClientMessage.Body
        switch tag {
        case 0: body = .request(command)
        case 1: body = .reply(command, result(&reader))
        default:
            let leader = reader.varint()
            body = .redirect(command, leader: leader == 0 ? nil : NodeID(leader - 1))
        }
        return ClientMessage(server: server, body: body)
    }

    private static func write(_ store: SessionStore, into bytes: PackedBytes) {
        bytes.append(varint: store.values.count)
        for values in store.values {
            bytes.append(varint: values.count)
            for value in values { bytes.append(varint: Int(value)) }
        }
        bytes.append(varint: store.sessions.count)
        for record in store.sessions {
            bytes.append(varint: record.lastSequence)
            write(optional: record.result, into: bytes)
        }
        bytes.append(varint: store.executed.count)
        for operation in store.executed { bytes.append(varint: Int(operation)) }
    }

    private static func store(_ reader: inout PackedReader) -> SessionStore {
        var values: [[UInt16]] = []
        for _ in 0..<reader.varint() {
            var key: [UInt16] = []
            for _ in 0..<reader.varint() { key.append(UInt16(truncatingIfNeeded: reader.varint())) }
            values.append(key)
        }
        var sessions: [SessionStore.SessionRecord] = []
        for _ in 0..<reader.varint() {
            let lastSequence = reader.varint()
            sessions.append(
                SessionStore.SessionRecord(unpackingLastSequence: lastSequence, result: optionalResult(&reader)))
        }
        var executed: [UInt32] = []
        for _ in 0..<reader.varint() { executed.append(UInt32(truncatingIfNeeded: reader.varint())) }
        return SessionStore(unpackingValues: values, sessions: sessions, executed: executed)
    }

    private static func write(_ record: ClientHistoryRecord, into bytes: PackedBytes) {
        write(record.command, into: bytes)
        bytes.append(varint: record.invokedAt)
        switch record.outcome {
        case .pending: bytes.append(0)
        case .ok(let result, let at):
            bytes.append(1)
            write(result, into: bytes)
            bytes.append(varint: at)
        case .gaveUp(let at):
            bytes.append(2)
            bytes.append(varint: at)
        }
        write(optional: record.contradictingResult, into: bytes)
    }

    private static func record(_ reader: inout PackedReader) -> ClientHistoryRecord {
        let command = command(&reader)
        let invokedAt = reader.varint()
        let outcome: ClientOutcome
        switch reader.byte() {
        case 0: outcome = .pending
        case 1:
            let result = result(&reader)
            outcome = .ok(result, at: reader.varint())
        default: outcome = .gaveUp(at: reader.varint())
        }
        return ClientHistoryRecord(
            unpackingCommand: command, invokedAt: invokedAt, outcome: outcome,
            contradictingResult: optionalResult(&reader))
    }
}
