import IDCSyncCore
@testable import IDCSyncEngine
import Synchronization
import Testing

/// The decision after a plan is shown: only "yes" to real changes writes.
@Suite("write gate")
struct WriteGateTests {
    final class Counter: Sendable {
        private let value = Mutex(0)
        init() {}
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    private func gate(changes: Bool, dryRun: Bool, answer: Bool) async throws -> (WriteGate.Result<String>, asked: Int, wrote: Int) {
        let asked = Counter(), wrote = Counter()
        let result = try await WriteGate.run(hasChanges: changes, dryRun: dryRun, question: "Write?", confirm: { _ in asked.add(); return answer }) {
            () async throws(IDCSyncError) -> String in
            wrote.add()
            return "backup.json"
        }
        return (result, asked.count, wrote.count)
    }

    @Test(arguments: [
        (false, false, true, WriteGate.Ending.inSync, Outcome.ok, 0, 0),
        (true, true, true, .dryRun, .changes, 0, 0),
        (true, false, false, .declined, .failed, 1, 0),
        (true, false, true, .written, .ok, 1, 1),
    ])
    func endings(_ changes: Bool, _ dryRun: Bool, _ answer: Bool, _ ending: WriteGate.Ending, _ outcome: Outcome, _ asked: Int, _ wrote: Int) async throws {
        let (result, timesAsked, timesWritten) = try await gate(changes: changes, dryRun: dryRun, answer: answer)
        #expect(result.ending == ending)
        #expect(result.outcome == outcome)
        #expect(timesAsked == asked)
        #expect(timesWritten == wrote)
        #expect((result.done != nil) == (ending == .written))
    }

    @Test func aRefusedQuestionStopsBeforeTheWrite() async throws {
        let wrote = Counter()
        await #expect(throws: IDCSyncError.self) {
            try await WriteGate.run(hasChanges: true, dryRun: false, question: "Write?",
                                    confirm: { _ throws(IDCSyncError) in throw IDCSyncError.config("usage.confirmation", "stdin is not a terminal") }) {
                () async throws(IDCSyncError) -> Void in wrote.add()
            }
        }
        #expect(wrote.count == 0)
    }
}
