import Foundation
import FunnelTestSupport
import Testing

/// The TUI on a damaged file: the first frame comes at once, the check in the background finds the
/// damage, the session turns read-only with a banner saying why, and a write key says why it is refused.
@Suite(.serialized) struct DamagedFileEndToEndTests {
    static let manager = "manager@northwind.example"

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Overwrites the last `count` leaf pages of a table with garbage, as `dd` would.
    func damage(_ db: String, table: String, pages count: Int) throws {
        let pageSize = try #require(Int(try sqlite(db, "PRAGMA page_size")))
        let pages = try sqlite(db, "SELECT pageno FROM dbstat WHERE name = '\(table)' AND pagetype = 'leaf' ORDER BY pageno DESC LIMIT \(count)")
            .split(separator: "\n").compactMap { Int($0) }
        try #require(pages.count == count)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: db))
        for page in pages {
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            handle.write(Data((0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ page) }))
        }
        try handle.close()
    }

    @Test func aDamagedFileOpensReadOnlyWithABannerAndRefusesWriteKeys() throws {
        let demo = DemoDatabaseFile(leads: 2_000)
        // Pages the first frame does not read (lead actions), so only the background check can find them.
        try damage(demo.path, table: "lead_actions", pages: 20)
        #expect(try sqlite(demo.path, "PRAGMA quick_check") != "ok")
        let folder = demo.folder
        let command = "\(Repository.funnelBinary) --db \(demo.path) --user \(Self.manager); echo \"exit=$?\"; sleep 60"
        let session = try TmuxSession(command: command, width: 140, height: 30, environment: [
            "TERM": "xterm-256color", "XDG_CONFIG_HOME": folder.file("config"), "XDG_STATE_HOME": folder.file("state"),
            "XDG_DATA_HOME": folder.file("data"),
        ])
        let screen = try session.waitFor("the damage banner") { $0.contains("[1 Leads") && $0.contains("Damaged: demo.sqlite is read-only") }
        #expect(screen.contains("run funnel doctor; funnel restore BACKUP"), "\(screen)")
        #expect(screen.contains("READ-ONLY"), "\(screen)")
        try session.press("a")
        let refused = try session.waitFor("the refused write key") { $0.contains("not allowed in read-only mode") }
        #expect(refused.contains("funnel doctor"), "\(refused)")
        try session.press("q")
        try session.waitFor(text: "exit=0")
    }
}
