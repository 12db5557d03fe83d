import Testing

@testable import ModelChecking

/// Counts live instances, so a test can see every element destroyed exactly once.
private final class Tracked {
    nonisolated(unsafe) static var live = 0
    let value: Int

    init(_ value: Int) {
        self.value = value
        Tracked.live += 1
    }

    deinit { Tracked.live -= 1 }
}

@Suite("MoveOnceBuffer: the breadth-first frontier", .serialized)
struct MoveOnceBufferTests {
    @Test("Elements survive growth and come out as they went in")
    func growthKeepsElements() {
        let buffer = MoveOnceBuffer<Int>(minimumCapacity: 16)
        for value in 0..<1_000 { buffer.append(value * 3) }
        #expect(buffer.count == 1_000)
        #expect(buffer.last == 2_997)
        #expect(buffer.take(0) == 0)
        #expect(buffer.take(999) == 2_997)
        #expect(buffer.take(500) == 1_500)
    }

    @Test("Taken elements belong to the taker; the buffer destroys only the rest, once each")
    func destroysOnlyWhatIsLeft() {
        Tracked.live = 0
        do {
            let buffer = MoveOnceBuffer<Tracked>(minimumCapacity: 16)
            for value in 0..<100 { buffer.append(Tracked(value)) }
            #expect(Tracked.live == 100)
            var taken: [Tracked] = []
            for index in 0..<40 { taken.append(buffer.take(index)) }
            buffer.markTaken(upTo: 40)
            #expect(taken.map(\.value) == Array(0..<40))
            #expect(buffer.count - buffer.takenPrefix == 60)
            // Growth after taking moves only the elements still owned.
            for value in 100..<300 { buffer.append(Tracked(value)) }
            #expect(Tracked.live == 300)
            taken.removeAll()
            #expect(Tracked.live == 260)
            let kept = buffer.take(40)
            buffer.markTaken(upTo: 41)
            #expect(kept.value == 40)
            #expect(Tracked.live == 260)
        }
        #expect(Tracked.live == 0)
    }
}
