import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// `funnel leads show` and `funnel export leads` with attributes and an external id.
@Suite struct LeadAttributesCommandTests {
    let folder: TemporaryFolder
    let database: String
    let leadId: Int64
    static let admin = "admin@acme.test"

    /// The test workspace in a file; Acme's lead has five attributes (one of them a text with an
    /// escape sequence and a line break) and an external id; a second lead has two.
    init() throws {
        folder = try TemporaryFolder()
        database = folder.file("acme.sqlite")
        let workspace = try TestWorkspace.make(database: AppDatabase.open(path: database))
        leadId = try #require(workspace.acmeLead.id)
        let orgId = workspace.admin.orgId
        let other = try workspace.database.transaction { tx -> Lead in
            var lead = Lead(orgId: orgId, name: "Bo Lind", email: "bo@lind.example", source: .event, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&lead)
            return lead
        }
        try LeadAttributesFixture.write(workspace.database, orgId: orgId, specs: [
            LeadAttributeSpec(name: "job", kind: .text), LeadAttributeSpec(name: "age", kind: .number), LeadAttributeSpec(name: "balance", kind: .number),
            LeadAttributeSpec(name: "member", kind: .yesNo), LeadAttributeSpec(name: "joined", kind: .date), LeadAttributeSpec(name: "note, \"quoted\"", kind: .text),
        ], values: [
            leadId: [AttributeEntry("job", .text("management")), AttributeEntry("age", .number(42)), AttributeEntry("balance", .number(1250.5)),
                     AttributeEntry("member", .yesNo(true)), AttributeEntry("joined", .date("2024-03-15")),
                     AttributeEntry("note, \"quoted\"", .text("line one\nEsc\u{1B}]0;PWNED\u{07}"))],
            other.id!: [AttributeEntry("member", .yesNo(false)), AttributeEntry("age", .number(7))],
        ], externalIds: [leadId: "CRM-0042"])
    }

    func funnel(_ arguments: [String]) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", database, "--user", Self.admin], folder: folder)
    }

    @Test func leadsShowListsTheAttributesInTheirOrderAndTheExternalId() throws {
        let table = try funnel(["leads", "show", "\(leadId)"])
        #expect(table.status == 0, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("  external id CRM-0042"), "\(table.standardOutput)")
        let start = try #require(lines.firstIndex(of: "Attributes:"), "\(table.standardOutput)")
        // Names aligned on the longest (14 characters); the value's line break and controls escaped.
        let shown = [("job", "management"), ("age", "42"), ("balance", "1250.5"), ("member", "yes"), ("joined", "2024-03-15"),
                     ("note, \"quoted\"", "line one\\nEsc\\e]0;PWNED\\x07")]
        #expect(Array(lines[(start + 1)...(start + 6)]) == shown.map { "  " + $0.padding(toLength: 14, withPad: " ", startingAt: 0) + "  " + $1 })
        #expect(lines[start + 7] == "Score: the rules (docs/scoring.md)")
        #expect(!table.standardOutput.contains("\u{1B}"))

        let json = try funnel(["leads", "show", "\(leadId)", "--format", "json"])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["external_id"] as? String == "CRM-0042")
        let attributes = try #require(object["attributes"] as? [String: Any])
        #expect(Set(attributes.keys) == ["job", "age", "balance", "member", "joined", "note, \"quoted\""])
        #expect(attributes["job"] as? String == "management")
        #expect((attributes["age"] as? NSNumber)?.intValue == 42 && !(attributes["age"] is String))
        #expect((attributes["balance"] as? NSNumber)?.doubleValue == 1250.5)
        #expect(attributes["member"] as? Bool == true)
        #expect(attributes["joined"] as? String == "2024-03-15")
        #expect(attributes["note, \"quoted\""] as? String == "line one\nEsc\u{1B}]0;PWNED\u{07}")
        // JSON keeps the escape sequence escaped, so it cannot reach a terminal either.
        #expect(!json.standardOutput.contains("\u{1B}") && json.standardOutput.contains("\\u001b"))
        #expect(json.standardOutput.contains("\"age\" : 42") || json.standardOutput.contains("\"age\": 42"), "\(json.standardOutput)")
    }

    @Test func exportWritesTheExternalIdThenAColumnPerAttribute() throws {
        let export = try funnel(["export", "leads", "--output", folder.file("leads.csv")])
        #expect(export.status == 0, "\(export.standardError)")
        let text = try String(contentsOfFile: folder.file("leads.csv"), encoding: .utf8)
        let header = "name,email,phone,company,source,status,status_reason,score,owner,product,created_at,external_id,job,age,balance,member,joined,\"note, \"\"quoted\"\"\""
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.first == header)
        // The fields' header alone is what `ExportEntity.columns` names for leads.
        #expect(header.hasPrefix(ExportEntity.columns(.leads).map(\.name).joined(separator: ",") + ","))
        let acme = try #require(lines.first { $0.hasPrefix("José García,") })
        #expect(acme.hasSuffix(",CRM-0042,management,42,1250.5,yes,2024-03-15,\"line one\nEsc\u{1B}]0;PWNED\u{07}\""), "\(acme)")
        let bo = try #require(lines.first { $0.hasPrefix("Bo Lind,") })
        #expect(bo.hasSuffix(",,,7,,no,,"), "\(bo)")

        let json = try funnel(["export", "leads", "--format", "json"])
        #expect(json.status == 0, "\(json.standardError)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        let first = try #require(rows.first { $0["name"] as? String == "José García" })
        #expect(first["external_id"] as? String == "CRM-0042")
        #expect((first["age"] as? NSNumber)?.intValue == 42 && (first["balance"] as? NSNumber)?.doubleValue == 1250.5)
        #expect(first["member"] as? String == "yes" && first["joined"] as? String == "2024-03-15")
        let second = try #require(rows.first { $0["name"] as? String == "Bo Lind" })
        #expect(second["job"] is NSNull && second["external_id"] is NSNull && (second["age"] as? NSNumber)?.intValue == 7)
    }
}
