import Linearizability
import Testing

@Suite("Histories drawn as intervals on an axis of steps")
struct IntervalTextTests {
    @Test("One line per client, a letter per operation, and a legend")
    func staleRead() {
        let history = KeyValueHistory([
            ok(1, put("x", "1"), 1, 2),
            ok(2, put("x", "2"), 3, 40),
            unknown(3, append("x", "a"), 4),
            ok(3, get("x"), 41, 42, value("1")),
            failed(1, cas("x", nil, "3"), 41, 44),
            ok(2, get("x"), 45, 45, value("2")),
        ])
        let expected = """
            step 1   2   3   4   40  41  42  44  45  ?
            c1   [A--]               [E------X
            c2           [B------]               |F
            c3               [C---------------------->
                                     [D--]
            A  c1  #0  put(x, 1) -> ok  (invoked 1, returned 2)
            B  c2  #1  put(x, 2) -> ok  (invoked 3, returned 40)
            C  c3  #2  append(x, a) -> ?  (invoked 4, no reply)
            D  c3  #3  get(x) -> 1  (invoked 41, returned 42)
            E  c1  #4  cas(x, nil, 3) failed  (invoked 41, failed at 44)
            F  c2  #5  get(x) -> 2  (invoked 45, returned 45)

            """
        #expect(history.intervalText() == expected)
        // A sub-history keeps the original identities and only its own steps.
        #expect(
            history.intervalText(of: [OperationID(3), OperationID(1)]) == """
                step 3   40  41  42
                c2   [A--]
                c3           [B--]
                A  c2  #1  put(x, 2) -> ok  (invoked 3, returned 40)
                B  c3  #3  get(x) -> 1  (invoked 41, returned 42)

                """)
    }
}
