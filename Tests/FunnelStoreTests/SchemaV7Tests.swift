import Foundation
@testable import FunnelStore
import FunnelTestSupport
import GRDB
import Testing

/// Schema v7: external ids, attributes and their value index.
@Suite struct SchemaV7Tests {
    static let now = "2026-01-01 00:00:00.000"

    @Test func aVersion6FileKeepsEveryRowAndTakesLeadsWithOnlyAnExternalID() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("v6.sqlite")
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v6 record versions")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO organizations(id, name, slug, settings, created_at, updated_at) VALUES (1, 'Acme', 'acme', '{}', ?, ?)",
                           arguments: [Self.now, Self.now])
            for index in 1...20 {
                try db.execute(sql: """
                    INSERT INTO leads(org_id, name, email, source, status, score, created_at, updated_at)
                    VALUES (1, ?, ?, 'website', 'new', ?, ?, ?)
                    """, arguments: ["Lead \(index)", "lead\(index)@acme.example", index, Self.now, Self.now])
            }
        }
        let before = try queue.read { db in try Row.fetchAll(db, sql: "SELECT id, name, email, score, version FROM leads ORDER BY id") }
        try queue.close()
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() >= 7)
        let reader = try DatabaseQueue(path: path)
        try reader.write { db in
            #expect(try Row.fetchAll(db, sql: "SELECT id, name, email, score, version FROM leads ORDER BY id") == before)
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            try db.execute(sql: """
                INSERT INTO leads(org_id, external_id, source, status, created_at, updated_at) VALUES (1, 'P-1', 'import', 'new', ?, ?)
                """, arguments: [Self.now, Self.now])
            do {
                try db.execute(sql: "INSERT INTO leads(org_id, source, status, created_at, updated_at) VALUES (1, 'import', 'new', ?, ?)",
                               arguments: [Self.now, Self.now])
                Issue.record("a lead with no email, phone or external id was written")
            } catch let error as DatabaseError {
                #expect(error.message?.contains("a lead needs an email, a phone or an external id") == true)
            }
            do {
                try db.execute(sql: """
                    INSERT INTO leads(org_id, external_id, source, status, created_at, updated_at) VALUES (1, 'P-1', 'import', 'new', ?, ?)
                    """, arguments: [Self.now, Self.now])
                Issue.record("two leads of one organization shared an external id")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_CONSTRAINT)
            }
            // The import log takes imports of actions.
            try db.execute(sql: """
                INSERT INTO imports(org_id, number, entity, mode, file, counts, status, created_at) VALUES (1, 1, 'actions', 'create', 'a.csv', '{}', 'done', ?)
                """, arguments: [Self.now])
        }
        try reader.close()
    }

    @Test func theValueIndexFollowsEveryWriteOfIndexedAttributesOnly() throws {
        let database = try AppDatabase.inMemory()
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO organizations(id, name, slug, settings, created_at, updated_at) VALUES (1, 'Acme', 'acme', '{}', ?, ?)",
                           arguments: [Self.now, Self.now])
            try db.execute(sql: "INSERT INTO organizations(id, name, slug, settings, created_at, updated_at) VALUES (2, 'Other', 'other', '{}', ?, ?)",
                           arguments: [Self.now, Self.now])
            try db.execute(sql: """
                INSERT INTO lead_attributes(id, org_id, name, kind, indexed, created_at) VALUES
                  (1, 1, 'job', 'text', 1, ?), (2, 1, 'balance', 'number', 0, ?), (3, 1, 'loan', 'yes_no', 1, ?), (4, 2, 'job', 'text', 1, ?)
                """, arguments: [Self.now, Self.now, Self.now, Self.now])
            try db.execute(sql: """
                INSERT INTO leads(id, org_id, external_id, source, status, created_at, updated_at, attributes)
                VALUES (10, 1, 'a', 'import', 'new', ?, ?, '{"job":"admin.","balance":1234.5,"loan":true,"unknown":"x"}')
                """, arguments: [Self.now, Self.now])
            func entries() throws -> [String] {
                try Row.fetchAll(db, sql: "SELECT attribute_id, value, lead_id FROM lead_attribute_values ORDER BY 1, 2, 3").map {
                    let value: DatabaseValue = $0[1]
                    let text: String
                    switch value.storage {
                    case .string(let string): text = "'\(string)'"
                    case .int64(let number): text = "\(number)"
                    default: text = "\(value)"
                    }
                    return "\($0[0] as Int64):\(text):\($0[2] as Int64)"
                }
            }
            #expect(try entries() == ["1:'admin.':10", "3:1:10"])
            try db.execute(sql: #"UPDATE leads SET attributes = json_patch(attributes, '{"job":"retired","loan":false}') WHERE id = 10"#)
            #expect(try entries() == ["1:'retired':10", "3:0:10"])
            // Moving a lead to another organization moves its entries to that organization's attributes.
            try db.execute(sql: "UPDATE leads SET org_id = 2 WHERE id = 10")
            #expect(try entries() == ["4:'retired':10"])
            try db.execute(sql: "DELETE FROM leads WHERE id = 10")
            #expect(try entries().isEmpty)
        }
    }
}
