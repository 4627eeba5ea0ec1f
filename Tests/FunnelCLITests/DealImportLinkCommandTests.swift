import Foundation
import FunnelTestSupport
import Testing

/// `funnel import deals` linking deals to their leads by a key column, as a script runs it: the
/// leads converted and their contacts made in the import, and `funnel import undo` taking it all back.
@Suite struct DealImportLinkCommandTests {
    static let admin = "admin@acme.test"

    func funnel(_ arguments: [String], db: String, folder: TemporaryFolder) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", db, "--user", Self.admin], folder: folder)
    }

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What a deals import that links to leads touches.
    func state(_ db: String) throws -> String {
        try sqlite(db, """
            SELECT id, status, status_reason, external_id, created_at, updated_at FROM leads ORDER BY id;
            SELECT * FROM lead_status_counts WHERE lead_count > 0 ORDER BY status;
            SELECT id, lead_id, name FROM contacts ORDER BY id;
            SELECT id FROM deals ORDER BY id;
            PRAGMA integrity_check;
            """)
    }

    @Test func dealsLinkedByAnMQLIdConvertTheirLeadsAndUndoTakesItAllBack() throws {
        let folder = try TemporaryFolder()
        let db = folder.file("crm.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "funnel init failed: \(created.standardError)")
        try """
            mql_id,first_contact_date,origin
            de0bce543ffd815121488694af84474e,2018-01-10,organic_search
            2a647f104a82e7ee0e67d05e5a29c2b1,2018-02-11,paid_search
            6a7bccffa30e66d4771585da44cdaba0,2018-03-12,social

            """.write(toFile: folder.file("mqls.csv"), atomically: true, encoding: .utf8)
        try "first_contact_date = created_at\n".write(toFile: folder.file("mqls.map"), atomically: true, encoding: .utf8)
        let leads = try funnel(["import", "leads", folder.file("mqls.csv"), "--key", "mql_id", "--map", folder.file("mqls.map")], db: db, folder: folder)
        #expect(leads.status == 0, "\(leads.standardOutput)\(leads.standardError)")
        let before = try state(db)

        try """
            mql_id,seller_id,won_date,business_segment,declared_monthly_revenue
            de0bce543ffd815121488694af84474e,75c0691320e3e13039b5997a8c49fd48,2018-02-26 19:58:00,pet,0
            6a7bccffa30e66d4771585da44cdaba0,95caed8e60e15871a6d12fe5505db2db,2018-05-08 20:17:59,car_accessories,50000
            ea21841da70e6405af19fabc4ff8bdd9,a168cffb5929adfd10baa9060a2b71f5,2018-06-01 09:00:00,pet,0

            """.write(toFile: folder.file("closed_deals.csv"), atomically: true, encoding: .utf8)
        // Without a stage, the dry run says every deal would be an open one, and how to say otherwise.
        let plain = try funnel(["import", "deals", folder.file("closed_deals.csv"), "--dry-run"], db: db, folder: folder)
        #expect(plain.standardOutput.contains("note: the file has no stage column"), "\(plain.standardOutput)\(plain.standardError)")
        #expect(plain.standardOutput.contains("`stage = won` in the --map file"), "\(plain.standardOutput)")

        try "seller_id = external_ref\ndeclared_monthly_revenue = value\nstage = won\n".write(toFile: folder.file("deals.map"), atomically: true, encoding: .utf8)
        let run = try funnel(["import", "deals", folder.file("closed_deals.csv"), "--map", folder.file("deals.map")], db: db, folder: folder)
        #expect(run.status == 3, "bad rows make exit status 3: \(run.standardError)")
        #expect(run.standardOutput.contains("leads:      2 deals linked to their lead; 2 leads converted, 2 contacts created for them"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("1 row: lead \"ea21841da70e6405af19fabc4ff8bdd9\" is not the external id, email or #id of a lead of this organization (line 4)"),
                "\(run.standardOutput)")
        #expect(!run.standardOutput.contains("no stage column"), "\(run.standardOutput)")
        let linked = try sqlite(db, """
            SELECT l.external_id, l.status, d.stage, d.value, d.created_at, d.stage_changed_at FROM deals d
            JOIN contacts c ON c.id = d.contact_id AND c.lead_id IS NOT NULL JOIN leads l ON l.id = c.lead_id ORDER BY d.id
            """)
        #expect(linked == """
            de0bce543ffd815121488694af84474e|converted|won|0|2018-01-10 00:00:00.000|2018-02-26 19:58:00.000
            6a7bccffa30e66d4771585da44cdaba0|converted|won|5000000|2018-03-12 00:00:00.000|2018-05-08 20:17:59.000
            """, "\(linked)")

        let undo = try funnel(["import", "undo", "2"], db: db, folder: folder)
        #expect(undo.status == 0, "\(undo.standardError)")
        #expect(undo.standardOutput.contains("2 created deals deleted, 0 updated deals restored to their earlier values; and 2 leads it changed restored, 2 contacts it created deleted."),
                "\(undo.standardOutput)")
        #expect(try state(db) == before)
    }
}
