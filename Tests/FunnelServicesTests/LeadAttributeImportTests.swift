import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Real lead data comes in whole (issue #14): attributes, value maps, keys, outcomes, grouped reports.
@Suite struct LeadAttributeImportTests {
    let workspace: TestWorkspace
    let folder: TemporaryFolder

    init() throws {
        workspace = try TestWorkspace.make()
        folder = try TemporaryFolder()
    }

    var service: RecordImportService { RecordImportService(database: workspace.database, clock: { TestWorkspace.now }) }

    func file(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder.file(name)))
        return folder.file(name)
    }

    func run(_ path: String, map: String? = nil, key: String? = nil, strict: Bool = false, dryRun: Bool = false,
             mode: ImportMode = .create) throws -> RecordImportReport {
        var options = RecordImportOptions(entity: .leads, mode: mode, dryRun: dryRun, strict: strict)
        if let map { options.map = try ImportMapFile.parse(map) }
        options.key = key
        return try service.run(file: path, options: options, in: workspace.admin)
    }

    func findLead(external id: String) throws -> Lead? {
        try workspace.database.snapshot { reader in
            try reader.leads(orgId: workspace.admin.orgId, filter: LeadFilter(), limit: 10_000).map(\.lead).first { $0.externalId == id }
        }
    }

    func attributes(of lead: Lead) throws -> [String: AttributeValue] {
        let values = try workspace.database.snapshot { try $0.attributes(ofLead: lead.id ?? 0, orgId: workspace.admin.orgId) }
        return Dictionary(values.map { ($0.attribute.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A marketing export's shape: an id column, no email for some rows, unknown sources,
    /// engagement summaries, a converted flag.
    static let marketing = """
        Prospect ID,Lead Source,Email,TotalVisits,Total Time Spent on Website,Last Activity,Do Not Email,Country,Converted,Zip
        7927b2df,Olark Chat,,0,0,Page Visited on Website,No,India,0,0123
        2a272436,Google,ana@hooli.example,5,674,Email Opened,No,India,1,0456
        8cc8c611,Direct Traffic,,2,1532,Email Opened,Yes,,1,0789
        0cc2df48,Google,,1,305,Unreachable,No,India,0,1011
        3256f628,Organic Search,bo@initech.example,3,1428,Converted to Lead,No,India,1,1213

        """

    @Test func everyColumnIsKeptAsATypedAttributeAndUnknownSourcesBecomeOther() throws {
        let path = try file("marketing.csv", Self.marketing)
        let report = try run(path, key: "Prospect ID")
        #expect(report.created == 5)
        #expect(report.problemCount == 0)
        #expect(report.ignoredColumns.isEmpty)
        let lead = try #require(try findLead(external: "2a272436"))
        #expect(lead.email == "ana@hooli.example")
        #expect(lead.status == .converted)
        #expect(lead.source == .other)
        let values = try attributes(of: lead)
        #expect(values["TotalVisits"] == .number(5))
        #expect(values["Total Time Spent on Website"] == .number(674))
        #expect(values["Last Activity"] == .text("Email Opened"))
        #expect(values["Do Not Email"] == .yesNo(false))
        #expect(values["Country"] == .text("India"))
        // A code with leading zeros stays as written.
        #expect(values["Zip"] == .text("0456"))
        // The file's source is kept beside `other`.
        #expect(values["Lead Source"] == .text("Google"))
        let organic = try #require(try findLead(external: "3256f628"))
        #expect(organic.source == .organicSearch)
        #expect(try attributes(of: organic)["Lead Source"] == nil)
        // The report groups the values it did not know, with the lines to add to the map.
        #expect(report.fallbackValues.map { "\($0.value):\($0.count)" } == ["Google:2", "Direct Traffic:1", "Olark Chat:1"])
        let text = report.lines().joined(separator: "\n")
        #expect(text.contains("Lead Source = source\n    Google -> other"))
        let lost = try #require(try findLead(external: "7927b2df"))
        #expect(lost.status == .lost)
        #expect(lost.email == nil && lost.phone == nil)
    }

    @Test func aValueMapAConstantAndAnAttributeKindFromTheMap() throws {
        let path = try file("marketing.csv", Self.marketing)
        let report = try run(path, map: """
            Lead Source = source
              Google -> paid_ads
              Direct Traffic -> website
              * -> other
            Prospect ID = external_id
            TotalVisits = attribute text
            Total Time Spent on Website = attribute number, not scored
            Zip = ignore
            status_reason = "imported from the marketing export"
            """)
        #expect(report.created == 5)
        #expect(report.fallbackValues.isEmpty)
        let google = try #require(try findLead(external: "2a272436"))
        #expect(google.source == .paidAds)
        #expect(google.statusReason == "imported from the marketing export")
        let values = try attributes(of: google)
        #expect(values["TotalVisits"] == .text("5"))
        #expect(values["Zip"] == nil)
        #expect(values["Lead Source"] == nil)
        #expect(try findLead(external: "8cc8c611")?.source == .website)
        #expect(try findLead(external: "7927b2df")?.source == .other)
        let stored = try workspace.database.snapshot { try $0.leadAttributes(orgId: workspace.admin.orgId) }
        #expect(stored.first { $0.name == "Total Time Spent on Website" }?.scoring == false)
        #expect(stored.first { $0.name == "TotalVisits" }?.kind == .text)
    }

    @Test func strictRefusesUnknownValuesAndNamesTheMapLine() throws {
        let path = try file("marketing.csv", Self.marketing)
        let report = try run(path, key: "Prospect ID", strict: true)
        #expect(report.refused)
        #expect(report.created == 0 || report.importNumber == 0)
        #expect(report.problemCount == 4)
        let google = try #require(report.problemGroups.first)
        #expect(google.count == 2)
        #expect(google.message.contains("source \"Google\" is not one of"))
        #expect(google.message.contains("\"  Google -> ...\""))
        #expect(try findLead(external: "2a272436") == nil)
    }

    @Test func theKeyFindsLeadsAgainForUpdatesAndDuplicates() throws {
        let path = try file("marketing.csv", Self.marketing)
        _ = try run(path, key: "Prospect ID")
        let again = try run(path, key: "Prospect ID")
        #expect(again.created == 0)
        #expect(again.duplicateCount == 5)
        #expect(again.duplicates.first?.message.contains("key 7927b2df") == true)
        let changed = try file("changed.csv", """
            Prospect ID,Country,TotalVisits
            7927b2df,Portugal,9

            """)
        let update = try run(changed, key: "Prospect ID", mode: .update)
        #expect(update.updated == 1)
        let lead = try #require(try findLead(external: "7927b2df"))
        let values = try attributes(of: lead)
        #expect(values["Country"] == .text("Portugal"))
        #expect(values["TotalVisits"] == .number(9))
        // The attributes the update did not give are kept.
        #expect(values["Last Activity"] == .text("Page Visited on Website"))
        // The value index follows: Portugal is found, India lost one lead.
        let country = try #require(try workspace.database.snapshot { try $0.leadAttributes(orgId: workspace.admin.orgId) }.first { $0.name == "Country" })
        let counts = try workspace.database.snapshot { try $0.attributeValueCounts(orgId: workspace.admin.orgId, attributeId: country.id) }
        #expect(counts.values.map { "\($0.value):\($0.count)" } == ["India:3", "Portugal:1"])
        let filtered = try workspace.database.snapshot { reader in
            try reader.leads(orgId: workspace.admin.orgId, filter: LeadFilter(attribute: AttributeFilter(attributeId: country.id, name: "Country", value: .text("Portugal"))))
        }
        #expect(filtered.map(\.lead.externalId) == ["7927b2df"])
    }

    @Test func undoRemovesTheLeadsAndTheirIndexedValues() throws {
        let path = try file("marketing.csv", Self.marketing)
        let report = try run(path, key: "Prospect ID")
        _ = try ImportLogService(database: workspace.database).undo(number: report.importNumber, force: false, in: workspace.admin)
        let indexed = try workspace.database.snapshot { reader in
            try reader.leadAttributes(orgId: workspace.admin.orgId).map { try reader.attributeValueCounts(orgId: workspace.admin.orgId, attributeId: $0.id).leads }
        }
        #expect(indexed.allSatisfy { $0 == 0 })
        #expect(try findLead(external: "2a272436") == nil)
    }

    @Test func leadsWithoutEmailPhoneOrKeyAreRefusedWithTheRemedy() throws {
        let path = try file("marketing.csv", Self.marketing)
        #expect(throws: (any Error).self) { try run(path, map: "Prospect ID = ignore\nEmail = ignore") }
        do {
            _ = try run(path, map: "Prospect ID = ignore")
        } catch {
            Issue.record("a file with an email column imports: \(error)")
        }
        let report = try run(path, map: "Prospect ID = ignore", dryRun: true)
        #expect(report.problemGroups.first?.message.contains("--key COLUMN") == true)
        #expect(report.problemGroups.first?.count == 3)
    }

    @Test func lineKeysIdentifyRowsOfAFileWithNoKeyAtAll() throws {
        let path = try file("people.csv", "age;job;y\n58;management;no\n44;technician;yes\n")
        let report = try run(path, map: "y = outcome", key: "@line")
        #expect(report.created == 2)
        let second = try #require(try findLead(external: "people.csv:3"))
        #expect(second.status == .converted)
        #expect(try attributes(of: second) == ["age": .number(44), "job": .text("technician")])
        let again = try run(path, map: "y = outcome", key: "@line")
        #expect(again.duplicateCount == 2)
    }

    @Test func mapFileMistakesAreNamedWithTheirLine() throws {
        #expect(throws: ImportProblem.self) { try ImportMapFile.parse("  Google -> paid_ads") }
        do {
            _ = try ImportMapFile.parse("Email = email\nduration = attribute seconds", name: "bank.map")
            Issue.record("an unknown kind was accepted")
        } catch let problem as ImportProblem {
            #expect(problem.message.hasPrefix("bank.map line 2: \"seconds\" is not a kind of attribute"))
        }
        let path = try file("marketing.csv", Self.marketing)
        do {
            _ = try run(path, map: "Country = nowhere")
            Issue.record("a column sent to no field was accepted")
        } catch {
            #expect("\(error)".contains("the map sends the column \"Country\" to \"nowhere\""))
        }
    }
}
