import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// CSV imports of leads, contacts and deals (`RecordImportService`), hostile files included.
@Suite struct RecordImportTests {
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

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file(name)))
        return folder.file(name)
    }

    func importLeads(_ path: String, _ options: RecordImportOptions = RecordImportOptions(entity: .leads), as session: Session? = nil) throws -> RecordImportReport {
        try service.run(file: path, options: options, in: session ?? workspace.admin)
    }

    /// Every lead of Acme (ordered by id), as the store reads them.
    /// The organization's leads, their versions aside (an undo restores the fields: a change, so a new version).
    func acmeLeads() throws -> [Lead] {
        try workspace.database.snapshot { reader in
            try (1...200).compactMap { try reader.fetch(Lead.self, id: Int64($0), orgId: workspace.admin.orgId) }
        }.map { lead in
            var lead = lead
            lead.version = 1
            return lead
        }
    }

    func importCount() throws -> Int {
        try workspace.database.snapshot { try $0.imports(orgId: workspace.admin.orgId).count }
    }

    /// The message a refused import gives.
    func refusal(_ body: () throws -> RecordImportReport) -> String {
        do {
            _ = try body()
            return "(not refused)"
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Hostile files

    @Test func anEmptyFileIsRefusedWithItsLineAndNothingIsWritten() throws {
        let before = try acmeLeads()
        let message = refusal { try importLeads(try file("empty.csv", "")) }
        #expect(message.contains("empty.csv: line 1: the file is empty"), "\(message)")
        let blank = refusal { try importLeads(try file("blank.csv", "\n\r\n\n")) }
        #expect(blank.contains("line 1: the file is empty"), "\(blank)")
        #expect(try acmeLeads() == before)
        #expect(try importCount() == 0)
    }

    @Test func aFileWithoutAHeaderIsRefused() throws {
        let message = refusal { try importLeads(try file("noheader.csv", "ana@example.com,Ana Lima,+1 415 555 0100\nbob@example.com,Bob,\n")) }
        #expect(message.contains("line 1: no column is a lead field"), "\(message)")
        #expect(message.contains("needs a header line"), "\(message)")
        let noKey = refusal { try importLeads(try file("nokey.csv", "name,company\nAna,Initech\n")) }
        #expect(noKey.contains("line 1: the header has no email or phone column"), "\(noKey)")
        #expect(try importCount() == 0)
    }

    @Test func unknownColumnsAreKeptAsAttributesAndAliasesAreRecognised() throws {
        let path = try file("aliases.csv", "E-Mail Address ,Phone Number,Company Name,Lead Source,Favourite Colour,first name,Last_Name\nana@example.com,+1 415 555 0142,Initech,Paid Ads,blue,Ana,Lima\n")
        let report = try importLeads(path)
        #expect(report.created == 1)
        #expect(report.ignoredColumns.isEmpty)
        #expect(report.mapping.contains("E-Mail Address -> email"))
        #expect(report.mapping.contains("Favourite Colour -> attribute text"))
        #expect(report.lines().contains { $0.contains("new attributes: Favourite Colour (text)") })
        let lead = try #require(try acmeLeads().last)
        #expect(lead.name == "Ana Lima")
        #expect(lead.source == .paidAds)
        #expect(lead.company == "Initech")
        #expect(lead.phoneNormalized == "+14155550142")
        var ignoring = RecordImportOptions(entity: .leads)
        ignoring.map = try ImportMapFile.parse("* = ignore")
        let other = try file("aliases2.csv", "email,Favourite Colour\nbo@example.com,red\n")
        let ignored = try importLeads(other, ignoring)
        #expect(ignored.ignoredColumns.isEmpty)
        #expect(ignored.mapping.contains("Favourite Colour -> (ignored)"))
    }

    @Test func badRowsAreSkippedEachWithItsLineAndWhatIsWrong() throws {
        let path = try file("bad.csv", """
            name,email,phone,created_at
            Good One,good1@example.com,,2026-01-05
            Too Few,few@example.com
            Bad Email,not-an-email,,
            Bad Date,date@example.com,,2026-02-30
            Slashed,slash@example.com,,3/14/2026
            Bad Phone,phone@example.com,call me,
            Nothing,,,
            "Quote "" inside",q@example.com,,
            Good Two,good2@example.com,,2026-01-06T10:00:00Z

            """)
        let report = try importLeads(path)
        #expect(report.created == 3, "\(report.lines())")
        #expect(report.problemCount == 6)
        let byLine = Dictionary(uniqueKeysWithValues: report.problems.map { ($0.line, $0.message) })
        #expect(byLine[3]?.contains("2 fields where the header has 4") == true)
        #expect(byLine[4]?.contains("\"not-an-email\" is not an email address") == true)
        #expect(byLine[5]?.contains("\"2026-02-30\" is not a day of the calendar") == true)
        #expect(byLine[6]?.contains("--date-format mdy") == true)
        #expect(byLine[7]?.contains("\"call me\" is not a phone number") == true)
        #expect(byLine[8]?.contains("a lead needs an email or a phone") == true)
        #expect(try acmeLeads().map(\.email).suffix(3) == ["good1@example.com", "q@example.com", "good2@example.com"])
        #expect(try acmeLeads().last?.createdAt == Date(timeIntervalSince1970: 1_767_693_600))
    }

    @Test func aOneMegabyteFieldIsReportedWithItsLineNotStored() throws {
        let huge = String(repeating: "x", count: 1_000_000)
        let tooBig = String(repeating: "y", count: 1_100_000)
        let path = try file("huge.csv", "name,email,notes\n\(huge),huge@example.com,\nfine,fine@example.com,\"\(tooBig)\"\nlast,last@example.com,\n")
        let report = try importLeads(path)
        #expect(report.created == 1)
        #expect(report.problems.map(\.line) == [2, 3])
        #expect(report.problems[0].message == "name is 1,000,000 characters long (at most 200)")
        #expect(report.problems[1].message.contains("longer than 1 MiB"))
        #expect(report.lines().joined().count < 10_000, "the report does not echo the field")
    }

    @Test func invalidUTF8IsReportedWithItsLine() throws {
        var bytes = Array("name,email\nAna,ana@example.com\n".utf8)
        bytes += Array("Bad ".utf8) + [0xC3, 0x28, 0xFF] + Array(",bad@example.com\nBob,bob@example.com\n".utf8)
        let report = try importLeads(try file("latin1.csv", bytes: bytes))
        #expect(report.created == 2)
        #expect(report.problems == [ImportProblem(line: 3, message: "a field is not valid UTF-8 text (save the file as UTF-8)")])
    }

    @Test func strictRefusesTheWholeImportAndWritesNothing() throws {
        let before = try acmeLeads()
        let path = try file("strict.csv", "email\nok@example.com\nnope\nok2@example.com\n")
        var options = RecordImportOptions(entity: .leads)
        options.strict = true
        let report = try importLeads(path, options)
        #expect(report.refused)
        #expect(report.problems.map(\.line) == [3])
        #expect(report.lines().first?.contains("nothing was written") == true)
        #expect(try acmeLeads() == before)
        #expect(try importCount() == 0)
    }

    @Test func aDryRunReportsAndWritesNothing() throws {
        let before = try acmeLeads()
        let path = try file("dry.csv", "email,name\nnew@example.com,New\njose@initech.example,José again\nbad,Bad\nnew@example.com,Again\n")
        var options = RecordImportOptions(entity: .leads, mode: .upsert)
        options.dryRun = true
        let report = try importLeads(path, options)
        #expect((report.created, report.updated, report.duplicateCount, report.problemCount) == (1, 1, 1, 1))
        #expect(report.lines().first?.contains("Dry run") == true)
        #expect(report.lines().contains("  line 5: the same email new@example.com as line 2 (a duplicate within the file)"))
        #expect(try acmeLeads() == before)
        #expect(try importCount() == 0)
    }

    @Test func readOnlyAndPermissionsAreChecked() throws {
        let path = try file("perm.csv", "email\nx@example.com\n")
        let message = refusal { try importLeads(path, as: workspace.salesRep) }
        #expect(message.contains("data.import"))
    }

    // MARK: - Formats

    @Test func semicolonsByteOrderMarkAndQuotedLineBreaks() throws {
        let path = try file("excel.csv", "\u{FEFF}Name;Email;Company\r\n\"Ana\r\nLima\";ana@example.com;\"Café; Ltd\"\r\nBob;bob@example.com;\r\n")
        let report = try importLeads(path)
        #expect(report.created == 2, "\(report.lines())")
        #expect(report.delimiter == ";")
        let leads = try acmeLeads().suffix(2)
        #expect(leads.first?.name == "Ana\r\nLima")
        #expect(leads.first?.company == "Café; Ltd")
        #expect(leads.last?.company == nil)
    }

    @Test func datesAreReadInTheFormatToldAndISOAlways() throws {
        let text = "email,created_at\na@example.com,3/4/2026\nb@example.com,2026-03-04\nc@example.com,04-03-2026\n"
        let mdy = try importLeads(try file("mdy.csv", text), RecordImportOptions(entity: .leads, dateFormat: .mdy))
        #expect(mdy.created == 3)
        let leads = try acmeLeads()
        let day = { (lead: Lead) in DateInput.format(lead.createdAt, calendar: Self.utc) }
        #expect(leads.suffix(3).map(day) == ["2026-03-04", "2026-03-04", "2026-04-03"])

        let dmy = try importLeads(try file("dmy.csv", "email,created_at\nd@example.com,4-3-2026\ne@example.com,31/12/2025\n"),
                                  RecordImportOptions(entity: .leads, dateFormat: .dmy))
        #expect(dmy.created == 2)
        #expect(try acmeLeads().suffix(2).map(day) == ["2026-03-04", "2025-12-31"])
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test func anExplicitMapNamesColumnsTheHeaderDoesNot() throws {
        let path = try file("mapped.csv", "Correo,Nombre,Secret\nana@example.com,Ana,s3cret\n")
        let map = try file("map.txt", "# Spanish headers\nCorreo = email\nNombre = name\nSecret = ignore\n")
        var options = RecordImportOptions(entity: .leads)
        options.map = try ImportMapping.readMapFile(map)
        let report = try importLeads(path, options)
        #expect(report.created == 1)
        #expect(report.ignoredColumns.isEmpty)
        #expect(try acmeLeads().last?.name == "Ana")
    }

    // MARK: - Duplicates and modes

    @Test func duplicatesAreFoundByNormalizedEmailOrPhoneInTheFileAndTheDatabase() throws {
        // The workspace's José García: Jose@Initech.example, +1 (415) 555-0100.
        let path = try file("dups.csv", """
            email,phone,name
            JOSE@initech.example ,,by email
            ,415.555.0100,by phone
            new@example.com,+44 20 7946 0000,new
            New@Example.com,,same email as line 4
            other@example.com,0044 20 7946 0000,same phone as line 4

            """)
        let create = try importLeads(path)
        #expect((create.created, create.updated, create.duplicateCount) == (1, 0, 4))
        #expect(create.duplicates.map(\.line) == [2, 3, 5, 6])
        #expect(create.duplicates[0].message.contains("lead #\(workspace.acmeLead.id ?? 0) has the same email jose@initech.example"))
        #expect(create.duplicates[1].message.contains("same phone +14155550100"))
        #expect(create.duplicates[3].message.contains("the same phone +442079460000 as line 4"))

        let update = try importLeads(try file("update.csv", "email,company\njose@initech.example,Initech Updated\nnobody@example.com,None\n"),
                                     RecordImportOptions(entity: .leads, mode: .update))
        #expect((update.created, update.updated, update.unmatchedCount) == (0, 1, 1))
        #expect(try workspace.database.snapshot { try $0.fetch(Lead.self, id: workspace.acmeLead.id ?? 0, orgId: workspace.admin.orgId) }?.company == "Initech Updated")

        let upsert = try importLeads(try file("upsert.csv", "email,name\njose@initech.example,José G.\nthird@example.com,Third\n"),
                                     RecordImportOptions(entity: .leads, mode: .upsert))
        #expect((upsert.created, upsert.updated) == (1, 1))
        // Another organization's lead with the same email is not a duplicate.
        let globex = try service.run(file: try file("globex.csv", "email\njose@initech.example\n"), options: RecordImportOptions(entity: .leads), in: workspace.otherAdmin)
        #expect(globex.created == 1)
    }

    // MARK: - A file's score

    /// A lead's score is Funnel's own: a file's score column is kept as an attribute (a feature
    /// learning may use), said in the report; a Funnel export's is Funnel's own as it was (kept);
    /// a map cannot send a column to it.
    @Test func aFilesScoreIsKeptAsAnAttributeNotAsTheScore() throws {
        let report = try importLeads(try file("scored.csv", "email,name,Lead Score\nscored@example.com,Scored,97\n"))
        #expect(report.created == 1)
        #expect(report.notes.contains { $0.contains("\"Lead Score\" is kept as the attribute \"Lead Score\"") && $0.contains("Funnel's own") }, "\(report.notes)")
        let lead = try #require(try acmeLeads().first { $0.email == "scored@example.com" })
        #expect(lead.score != 97 && lead.score < 50, "the rules' score, not the file's: \(lead.score)")
        let attributes = try workspace.database.snapshot { try $0.attributes(ofLead: lead.id!, orgId: workspace.admin.orgId) }
        #expect(attributes.map { "\($0.attribute.name)=\($0.value)" } == ["Lead Score=97"])
        #expect(attributes.first?.attribute.scoring == true)

        var options = RecordImportOptions(entity: .leads)
        options.map = try ImportMapFile.parse("Rating = score", name: "crm.map")
        let refused = refusal { try importLeads(try file("mapped.csv", "email,Rating\nrated@example.com,80\n"), options) }
        #expect(refused.contains("crm.map line 1: score is Funnel's own") && refused.contains("\"Rating = attribute\""), "\(refused)")

        let exported = "name,email,phone,company,source,status,status_reason,score,owner,product,created_at,external_id\n"
            + "Exported,exported@example.com,,,website,new,,88,,,2026-01-05 10:00:00,\n"
        let again = try importLeads(try file("export.csv", exported))
        #expect(again.notes.contains { $0.contains("\"score\" is Funnel's own score as exported") }, "\(again.notes)")
        let reimported = try #require(try acmeLeads().first { $0.email == "exported@example.com" })
        #expect(reimported.score == 88, "an export restores the scores it holds")
        #expect(try workspace.database.snapshot { try $0.attributes(ofLead: reimported.id!, orgId: workspace.admin.orgId) }.isEmpty)
    }

    // MARK: - Undo

    @Test func undoDeletesWhatTheImportCreatedAndRestoresWhatItUpdated() throws {
        let before = try acmeLeads()
        let path = try file("undo.csv", "email,name,status,score,company\njose@initech.example,Changed,contacted,99,\nfresh@example.com,Fresh,,,Fresh Co\n")
        let report = try importLeads(path, RecordImportOptions(entity: .leads, mode: .upsert))
        #expect((report.created, report.updated) == (1, 1))
        #expect(try acmeLeads() != before)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(60) })
        let (entry, result) = try log.undo(number: report.importNumber, in: workspace.admin)
        #expect(entry.isUndone)
        #expect(result == ImportUndoResult(deleted: 1, restored: 1))
        #expect(try acmeLeads() == before)
        #expect(try workspace.database.snapshot { try $0.leadStatusCounts(orgId: workspace.admin.orgId) }.filter { $0.value > 0 } == [.new: 1])
        let again = refusal { _ = try log.undo(number: report.importNumber, in: workspace.admin); return report }
        #expect(again.contains("already undone"))
        let activities = try workspace.database.snapshot { try $0.activities(orgId: workspace.admin.orgId, entityType: .import, entityId: report.importNumber) }
        #expect(activities.map(\.action) == ["undone", "imported"])
    }

    @Test func undoRefusesWhenTheImportedRowsChangedSinceUnlessForced() throws {
        let report = try importLeads(try file("later.csv", "email,name\nlater@example.com,Later\n"))
        let lead = try #require(try acmeLeads().last)
        let leads = LeadService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(30) })
        _ = try leads.setStatus([lead.id ?? 0], to: .contacted, reason: nil, in: workspace.admin)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(60) })
        let message = refusal { _ = try log.undo(number: report.importNumber, in: workspace.admin); return report }
        #expect(message.contains("1 lead of import #\(report.importNumber) changed after it"), "\(message)")
        let (_, result) = try log.undo(number: report.importNumber, force: true, in: workspace.admin)
        #expect(result.deleted == 1)
    }

    // MARK: - Contacts and deals

    @Test func contactsAndDealsImportWithTheirOwnKeys() throws {
        let contacts = try service.run(file: try file("contacts.csv", """
            First Name,Last Name,Email,Phone,Company
            Ana,Lima,ANA@example.com,+1 415 555 0199,Initech
            Ana,Again,ana@example.com,,
            ,,nobody@example.com,,

            """), options: RecordImportOptions(entity: .contacts), in: workspace.admin)
        #expect((contacts.created, contacts.duplicateCount, contacts.problemCount) == (1, 1, 1), "\(contacts.lines())")
        #expect(contacts.problems.first?.message == "a contact needs a name (the name column is empty)")

        let deals = try service.run(file: try file("deals.csv", """
            Deal Name,Amount,Stage,Close Date,Contact Email,Owner,External ID,Lost Reason
            Initech renewal,"12,500.50",Negotiation,12/31/2026,ana@example.com,manager@acme.test,OPP-1,
            Lost one,100,Closed Lost,1/2/2026,,,OPP-2,pricing
            Dup,1,prospecting,,,,OPP-1,
            Bad,abc,nowhere,,ghost@example.com,,OPP-3,

            """), options: RecordImportOptions(entity: .deals, dateFormat: .mdy), in: workspace.admin)
        #expect((deals.created, deals.duplicateCount, deals.problemCount) == (2, 1, 1), "\(deals.lines())")
        let bad = try #require(deals.problems.first)
        #expect(bad.line == 5)
        #expect(bad.message.contains("value \"abc\" is not an amount"))
        #expect(bad.message.contains("stage \"nowhere\" is not one of"))
        #expect(bad.message.contains("contact_email \"ghost@example.com\""))

        let update = try service.run(file: try file("deals2.csv", "external_ref,stage\nOPP-1,won\n"),
                                     options: RecordImportOptions(entity: .deals, mode: .update), in: workspace.admin)
        #expect(update.updated == 1)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now })
        let (_, undone) = try log.undo(number: update.importNumber, in: workspace.admin)
        #expect(undone.restored == 1)
        let (_, undoneDeals) = try log.undo(number: deals.importNumber, in: workspace.admin)
        #expect(undoneDeals.deleted == 2)
    }

    @Test func anImportMovesADealByThePipelinesOwnRule() throws {
        _ = try service.run(file: try file("d1.csv", "external_ref,title,value,stage,probability\nOPP-9,Hooli pilot,1000,qualification,40\nOPP-8,Globex pilot,500,qualification,\n"),
                            options: RecordImportOptions(entity: .deals), in: workspace.admin)
        func deal(_ ref: String) throws -> Deal {
            try #require(try workspace.database.snapshot { try $0.deal(externalRef: ref, orgId: workspace.admin.orgId) })
        }
        #expect(try (deal("OPP-9").probability, deal("OPP-9").probabilityIsManual) == (40, true))
        #expect(try (deal("OPP-8").probability, deal("OPP-8").probabilityIsManual) == (25, false))
        // Moved on by a later file: a hand-set probability stays, a default follows the stage (as on the board).
        _ = try service.run(file: try file("d2.csv", "external_ref,stage\nOPP-9,proposal\nOPP-8,proposal\n"),
                            options: RecordImportOptions(entity: .deals, mode: .update), in: workspace.admin)
        #expect(try (deal("OPP-9").probability, deal("OPP-9").probabilityIsManual) == (40, true))
        #expect(try (deal("OPP-8").probability, deal("OPP-8").probabilityIsManual) == (50, false))
        #expect(try deal("OPP-9").stageChangedAt == TestWorkspace.now)
        // Won is 100 whatever was set by hand, and a reopened deal takes its stage's default.
        _ = try service.run(file: try file("d3.csv", "external_ref,stage\nOPP-9,won\n"),
                            options: RecordImportOptions(entity: .deals, mode: .update), in: workspace.admin)
        #expect(try (deal("OPP-9").probability, deal("OPP-9").probabilityIsManual) == (100, false))
        _ = try service.run(file: try file("d4.csv", "external_ref,stage\nOPP-9,negotiation\n"),
                            options: RecordImportOptions(entity: .deals, mode: .update), in: workspace.admin)
        #expect(try deal("OPP-9").probability == 75)
    }
}
