import Testing

@testable import RaftCore

/// A `Ready`'s timer directives are kept inline; the shell must still see every one, in the
/// order the server gave them (the fuzzer draws a timeout for each election reset).
@Suite("Timer directives of a Ready")
struct TimerDirectivesTests {
    @Test("Directives come back in the order appended, repeats included")
    func order() {
        var directives = TimerDirectives()
        #expect(directives.isEmpty)
        let given: [TimerDirective] = [
            .resetElectionTimer, .resetHeartbeatTimer, .resetElectionTimer, .resetElectionTimer,
        ]
        for timer in given { directives.append(timer) }
        #expect(Array(directives) == given)
        #expect(directives.count == 4)
        #expect(directives.contains(.resetHeartbeatTimer))
    }

    @Test("Sixteen directives fit")
    func capacity() {
        var directives = TimerDirectives()
        let given = (0..<16).map { $0 % 3 == 0 ? TimerDirective.resetHeartbeatTimer : .resetElectionTimer }
        for timer in given { directives.append(timer) }
        #expect(Array(directives) == given)
    }
}
