import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
@testable import FunnelViewModels
import Testing

/// The panes' writes off the main thread (issue 16), as the TUI runs them: on a real demo file,
/// with another process (sqlite3) holding its lock.
@MainActor
@Suite(.serialized) struct DatabaseWritesTests {
    static let fixture = DemoDatabase(leads: 300)

    /// The store waits up to 105 s for another process's lock (21 waits of 5 s), not the usual 15 s:
    /// a loaded machine may leave this test off the main actor for many seconds (every @MainActor
    /// suite shares it), and the write must still be waiting when the test comes back to stop it.
    /// A stop that is not honoured still shows: the write then ends as "locked", not "Stopped".
    func viewModel() throws -> (LeadTriageViewModel, AppDatabase) {
        let database = try AppDatabase.open(path: Self.fixture.path, lockWait: LockWaitPolicy(retries: 20))
        let session = try IdentityService(database: database).signIn(email: DemoWorkspaceBuilder.managerEmail, password: nil)
        let model = LeadTriageViewModel(database: database, session: session, visibleRows: 20,
                                        writes: DatabaseWrites(database: database, offMainThread: true))
        return (model, database)
    }

    /// Waits (letting the main queue run) until `condition` holds. The deadline is generous: the
    /// main actor is shared by every @MainActor suite, and on a loaded machine this test may not run
    /// for seconds; a write's result is delivered on the main queue right behind its wake-up, so the
    /// condition is read once more after the deadline before the wait counts as failed.
    func until(_ what: String, timeout: TimeInterval = 90, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var lastLook = false
        while !condition() {
            guard !lastLook else {
                Issue.record("timed out waiting for \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
            lastLook = Date() >= deadline
        }
    }

    func owner(_ id: Int64, _ database: AppDatabase, _ model: LeadTriageViewModel) throws -> (Int64?, Int64) {
        let lead = try database.snapshot { try $0.require(Lead.self, id: id, orgId: model.session.orgId) }
        return (lead.assignedTo, lead.version)
    }

    @Test func aWriteTheDatabaseTakesAtOnceSettlesBeforeTheKeyReturns() throws {
        let (model, database) = try viewModel()
        let item = try #require(model.selectedItem)
        model.assignToMe()
        #expect(model.writes.pending == nil)
        #expect(model.message?.hasPrefix("Assigned #\(item.id)") == true, "\(model.message ?? "")")
        #expect(try owner(item.id, database, model).0 == model.session.userId)
        model.undo()
        #expect(model.message?.hasPrefix("Undone: ") == true, "\(model.message ?? "")")
    }

    @Test func aWriteWaitingForALockIsPendingTheListMovesAndStopWritesNothing() async throws {
        let (model, database) = try viewModel()
        let item = try #require(model.selectedItem)
        let before = try owner(item.id, database, model)
        let holder = try LockHolder(path: Self.fixture.path, mode: "EXCLUSIVE", seconds: 150)
        defer { holder.release() }
        model.assignToMe()
        #expect(model.writes.pending?.what == "Assigning #\(item.id) \(item.lead.name ?? "")")
        try await until("the wait seen") { model.writes.waitingForLock() != nil }
        #expect(model.writes.notice()?.hasPrefix("Waiting for the database: demo.sqlite is locked by another process (") == true)
        // Reads go on: the list moves.
        model.move(.down)
        #expect(model.selected == 1)
        // A second write is not run while the first waits, and says why.
        model.setStatus(.contacted)
        #expect(model.message == "Not done: setting \(model.selectedItem.map { ShownRecord(id: $0.id, name: $0.lead.name).label } ?? "") to contacted waits until assigning #\(item.id) \(item.lead.name ?? "") is written (esc stops that)")
        #expect(model.writes.stop())
        try await until("the write to end") { model.writes.pending == nil }
        #expect(model.message == "Stopped assigning #\(item.id) \(item.lead.name ?? ""): demo.sqlite is locked by another process; nothing was written")
        #expect(model.undoStack.isEmpty)
        holder.release()
        #expect(try owner(item.id, database, model) == before)
    }

    @Test func aWriteNotStoppedLandsWhenTheLockIsReleased() async throws {
        let (model, database) = try viewModel()
        model.move(.down)
        model.move(.down)
        let item = try #require(model.selectedItem)
        let holder = try LockHolder(path: Self.fixture.path, mode: "IMMEDIATE", seconds: 150)
        defer { holder.release() }
        model.setStatus(.qualified)
        try await until("the wait seen") { model.writes.waitingForLock() != nil }
        let revision = model.writes.revision
        holder.release()
        try await until("the write to land") { model.writes.pending == nil }
        #expect(model.writes.revision == revision + 1)
        #expect(model.message?.contains("#\(item.id)") == true && model.message?.contains("qualified") == true, "\(model.message ?? "")")
        #expect(model.undoStack.count == 1)
        #expect(try database.snapshot { try $0.require(Lead.self, id: item.id, orgId: model.session.orgId) }.status == .qualified)
        model.undo()
        #expect(model.message?.hasPrefix("Undone: ") == true)
    }
}
