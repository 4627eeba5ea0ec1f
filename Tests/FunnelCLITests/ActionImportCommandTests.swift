import Foundation
import FunnelTestSupport
import Testing

/// `funnel import actions`, run as a script runs it: its report, its exit statuses, the map file,
/// the dry run and undo.
@Suite struct ActionImportCommandTests {
    static let admin = "admin@acme.test"

    func freshDatabase(_ folder: TemporaryFolder) throws -> String {
        let db = folder.file("crm.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "funnel init failed: \(created.standardError)")
        try "name,email,source\nAna Lima,ana@example.com,website\nBob Stone,bob@example.com,referral\n"
            .write(toFile: folder.file("leads.csv"), atomically: true, encoding: .utf8)
        let leads = try funnel(["import", "leads", folder.file("leads.csv")], db: db, folder: folder)
        try #require(leads.status == 0, "\(leads.standardError)")
        return db
    }

    func funnel(_ arguments: [String], db: String, folder: TemporaryFolder) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", db, "--user", Self.admin], folder: folder)
    }

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What an import of actions touches, as text (the schema's triggers included: the import sets
    /// `lead_actions_touch_lead` aside in its transaction and puts it back).
    func state(_ db: String) throws -> String {
        try sqlite(db, """
            SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name;
            SELECT id, score, last_action_at FROM leads ORDER BY id;
            SELECT * FROM lead_actions ORDER BY id;
            SELECT number, entity, status FROM imports ORDER BY id;
            SELECT count(*) FROM import_rows;
            """)
    }

    @Test func importWithRefusedRowsExitsThreeGroupsThemAndUndoTakesItBack() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        let before = try state(db)
        try """
            Email,Activity,When,Page
            ana@example.com,Page Visit,2026-01-05 10:00:00,/pricing
            ana@example.com,Chat,2026-01-06 10:00:00,
            bob@example.com,Chat,2026-01-07 10:00:00,
            ghost@example.com,email_open,2026-01-08,
            bob@example.com,demo_request,2026-01-09,
            """.write(toFile: folder.file("actions.csv"), atomically: true, encoding: .utf8)

        let dry = try funnel(["import", "actions", folder.file("actions.csv"), "--dry-run"], db: db, folder: folder)
        #expect(dry.status == 3, "\(dry.standardOutput)\(dry.standardError)")
        #expect(dry.standardOutput.contains("Dry run"), "\(dry.standardOutput)")
        #expect(try state(db) == before)

        let strict = try funnel(["import", "actions", folder.file("actions.csv"), "--strict"], db: db, folder: folder)
        #expect(strict.status == 1, "\(strict.standardOutput)")
        #expect(try state(db) == before)

        let result = try funnel(["import", "actions", folder.file("actions.csv")], db: db, folder: folder)
        #expect(result.status == 3, "\(result.standardOutput)\(result.standardError)")
        let out = result.standardOutput
        #expect(out.contains("added:      2 actions to 2 leads"), "\(out)")
        #expect(out.contains("2 rows: type \"Chat\": not an action type; map it with --map FILE: \"Activity = type\" and under it \"  Chat -> reply\" (lines 3, 4)"), "\(out)")
        #expect(out.contains("1 row: lead \"ghost@example.com\": no lead of this organization has this email (line 5)"), "\(out)")
        #expect(try sqlite(db, "SELECT action_type, metadata, created_at FROM lead_actions ORDER BY created_at")
                == "page_visit|{\"Page\":\"/pricing\"}|2026-01-05 10:00:00.000\ndemo_request|{}|2026-01-09 00:00:00.000")
        #expect(try sqlite(db, "SELECT count(*) FROM leads WHERE score > 0 AND last_action_at IS NOT NULL") == "2")
        #expect(try sqlite(db, "SELECT count(*) FROM leads l WHERE last_action_at IS NOT (SELECT max(created_at) FROM lead_actions WHERE lead_id = l.id)") == "0")
        #expect(try sqlite(db, "SELECT sql FROM sqlite_schema WHERE name = 'lead_actions_touch_lead'").contains("UPDATE leads SET last_action_at"))
        // The trigger works again after the import: an action added by hand moves last_action_at.
        _ = try sqlite(db, "INSERT INTO lead_actions(lead_id, action_type, created_at) SELECT id, 'note', '2026-01-20 00:00:00.000' FROM leads WHERE email = 'ana@example.com'")
        #expect(try sqlite(db, "SELECT last_action_at FROM leads WHERE email = 'ana@example.com'") == "2026-01-20 00:00:00.000")
        _ = try sqlite(db, "DELETE FROM lead_actions WHERE action_type = 'note'")
        #expect(try sqlite(db, "SELECT action FROM activities WHERE entity_type = 'import' AND entity_id = 2") == "imported")

        let list = try funnel(["import", "list"], db: db, folder: folder)
        #expect(list.standardOutput.contains("actions"), "\(list.standardOutput)")

        let undo = try funnel(["import", "undo", "2"], db: db, folder: folder)
        #expect(undo.status == 0, "\(undo.standardError)")
        #expect(undo.standardOutput.contains("2 actions deleted; 2 leads rescored"), "\(undo.standardOutput)")
        #expect(try sqlite(db, "SELECT count(*) FROM lead_actions") == "0")
        #expect(try sqlite(db, "SELECT count(*) FROM leads WHERE last_action_at IS NOT NULL") == "0")
    }

    @Test func aMapFileMapsTheTypesAndEveryRowImportsWithStatusZero() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        try "Activity = type\n  Chat -> reply\n  * -> note\n".write(toFile: folder.file("actions.map"), atomically: true, encoding: .utf8)
        try "Email;Activity;When\nana@example.com;Chat;14/01/2026 09:30\nbob@example.com;Whatever;15/01/2026\n"
            .write(toFile: folder.file("actions.csv"), atomically: true, encoding: .utf8)
        let result = try funnel(["import", "actions", folder.file("actions.csv"), "--map", folder.file("actions.map"), "--date-format", "dmy"],
                                db: db, folder: folder)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(try sqlite(db, "SELECT action_type, created_at FROM lead_actions ORDER BY created_at")
                == "reply|2026-01-14 09:30:00.000\nnote|2026-01-15 00:00:00.000")
    }

    @Test func aFileWithoutALeadColumnIsRefusedWithStatusOne() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        try "type,time\npage_visit,2026-01-01\n".write(toFile: folder.file("actions.csv"), atomically: true, encoding: .utf8)
        let result = try funnel(["import", "actions", folder.file("actions.csv")], db: db, folder: folder)
        #expect(result.status == 1)
        #expect(result.standardError.contains("the header has no column naming the lead"), "\(result.standardError)")
        #expect(try sqlite(db, "SELECT count(*) FROM imports WHERE entity = 'actions'") == "0")
    }
}
