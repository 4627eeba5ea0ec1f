import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// A marketplace's export in the shape of the issue's case (8,000 marketing-qualified leads, 842
/// closed deals, linked by an MQL id): leads with only a key column, and deals that name their lead
/// by it, won at a time of day, with no stage column (every closed deal is won).
enum MarketplaceFixture {
    static let leads = """
        mql_id,first_contact_date,landing_page_id,origin
        de0bce543ffd815121488694af84474e,2018-01-10,7b47cb4d664a96316aed1134a42004cb,organic_search
        2a647f104a82e7ee0e67d05e5a29c2b1,2018-02-11,73c99ccbbdad0ab009f5981584198289,paid_search
        6a7bccffa30e66d4771585da44cdaba0,2018-03-12,2a94c7d26908ce92870d0d2669f0bcfa,social
        55806d65f2482b239e550f09212ac859,2018-01-13,adef112fea10e73ed85a0b1645a7704e,unknown
        d23d6d24a1510bc66200d0fba9139534,2018-02-14,7b47cb4d664a96316aed1134a42004cb,direct_traffic
        5199acce34f6a3a7cac2d0494077986e,2018-03-15,73c99ccbbdad0ab009f5981584198289,email
        3e2ae9f997426280f61b789f2153b4d5,2018-01-16,2a94c7d26908ce92870d0d2669f0bcfa,referral
        8f2d302e3d6b1915dac53b6fad9bb3d6,2018-02-17,adef112fea10e73ed85a0b1645a7704e,display
        939a5ac2f11c98947b37441a6cb78c85,2018-03-18,7b47cb4d664a96316aed1134a42004cb,other_publicities
        0020ccf090a92a301530b5b3ab5be657,2018-01-19,73c99ccbbdad0ab009f5981584198289,organic_search
        ed6a6b12b1b141646d6d1e083b531b41,2018-02-20,2a94c7d26908ce92870d0d2669f0bcfa,paid_search
        e0a2d1383c0fc06c6d7039c27029578a,2018-03-21,adef112fea10e73ed85a0b1645a7704e,social

        """

    static let leadsMap = "first_contact_date = created_at\n"

    /// The last row names an MQL id that is not in the leads file.
    static let deals = """
        mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,business_type,declared_monthly_revenue
        de0bce543ffd815121488694af84474e,75c0691320e3e13039b5997a8c49fd48,e26e55ea32baf3f26413cfd48bf91700,b23d164f8a94fb140ec7bd80febc3e1a,2018-02-26 19:58:00,pet,online_medium,manufacturer,0
        6a7bccffa30e66d4771585da44cdaba0,95caed8e60e15871a6d12fe5505db2db,572e456617ffec47b72b58e57c789ddc,75d0926ae2c73002655630d1e9a22826,2018-05-08 20:17:59,car_accessories,industry,reseller,0
        55806d65f2482b239e550f09212ac859,c30248d146039dd086b12f18154863e1,e26e55ea32baf3f26413cfd48bf91700,3bb0abad8dde40fcca4cdfa3364540b7,2018-03-20 22:40:02,home_decor,online_big,manufacturer,50000
        5199acce34f6a3a7cac2d0494077986e,ece5ae58b2d51c16c5b61e1266dca96c,572e456617ffec47b72b58e57c789ddc,b23d164f8a94fb140ec7bd80febc3e1a,2018-03-15 17:30:47,health_beauty,offline,reseller,0
        939a5ac2f11c98947b37441a6cb78c85,180620f2a84c186d56e0023b3fca2061,e26e55ea32baf3f26413cfd48bf91700,75d0926ae2c73002655630d1e9a22826,2018-04-11 10:23:45,audio_video_electronics,online_beginner,manufacturer,1000000
        ed6a6b12b1b141646d6d1e083b531b41,7ef27adce92dd21b4a7e827e4ad374fc,572e456617ffec47b72b58e57c789ddc,3bb0abad8dde40fcca4cdfa3364540b7,2018-05-23 15:06:07,construction_tools_house_garden,online_top,reseller,0
        ea21841da70e6405af19fabc4ff8bdd9,a168cffb5929adfd10baa9060a2b71f5,e26e55ea32baf3f26413cfd48bf91700,b23d164f8a94fb140ec7bd80febc3e1a,2018-06-01 09:00:00,pet,online_medium,reseller,0

        """

    /// The deals file's own key is the seller; every closed deal was won.
    static let dealsMap = """
        seller_id = external_ref
        declared_monthly_revenue = value
        stage = won

        """

    /// The deal rows that name a known lead: (MQL id, seller id, won at, value in dollars).
    static let linked: [(mql: String, seller: String, won: String, dollars: Int64)] = deals.split(separator: "\n").dropFirst().dropLast().map { line in
        let fields = line.split(separator: ",").map(String.init)
        return (fields[0], fields[1], fields[4], Int64(fields[8]) ?? 0)
    }
}

/// A deals import links each deal to the lead it came from (a `lead` column: the lead's external
/// id, email or `#id`), converts the lead and makes its contact in the same transaction, takes its
/// dates from the file, maps stage values, says when the file gives no stage; and undo undoes it all.
@Suite struct DealImportLinkTests {
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

    func options(_ entity: ImportEntity, map: String = "", key: String? = nil, dateFormat: ImportDateFormat = .iso, dryRun: Bool = false) throws -> RecordImportOptions {
        var options = RecordImportOptions(entity: entity, dateFormat: dateFormat, map: try ImportMapFile.parse(map), dryRun: dryRun)
        options.key = key
        return options
    }

    /// Acme's leads, by id (versions aside: an undo restores fields, a change of its own).
    func leads() throws -> [Lead] {
        try workspace.database.snapshot { reader in
            try (1...100).compactMap { try reader.fetch(Lead.self, id: Int64($0), orgId: workspace.admin.orgId) }
        }.map { lead in
            var lead = lead
            lead.version = 1
            return lead
        }
    }

    func lead(key: String) throws -> Lead {
        try #require(try leads().first { $0.externalId == key }, "no lead \(key)")
    }

    func contacts() throws -> [Contact] {
        try workspace.database.snapshot { reader in
            try (1...100).compactMap { try reader.fetch(Contact.self, id: Int64($0), orgId: workspace.admin.orgId) }
        }
    }

    func deal(_ ref: String) throws -> Deal {
        try #require(try workspace.database.snapshot { try $0.deal(externalRef: ref, orgId: workspace.admin.orgId) }, "no deal \(ref)")
    }

    func contact(_ id: Int64?) throws -> Contact {
        let id = try #require(id, "the deal has no contact")
        return try #require(try workspace.database.snapshot { try $0.fetch(Contact.self, id: id, orgId: workspace.admin.orgId) })
    }

    /// A UTC time written `YYYY-MM-DD HH:MM:SS` (or a day).
    static func utc(_ text: String) -> Date {
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        var parts = DateComponents(year: digits[0], month: digits[1], day: digits[2])
        if digits.count >= 5 { (parts.hour, parts.minute, parts.second) = (digits[3], digits[4], digits.count > 5 ? digits[5] : 0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: parts)!
    }

    func importMarketplaceLeads() throws -> RecordImportReport {
        let report = try service.run(file: try file("mqls.csv", MarketplaceFixture.leads),
                                     options: try options(.leads, map: MarketplaceFixture.leadsMap, key: "mql_id"), in: workspace.admin)
        try #require(report.created == 12 && report.problemCount == 0, "\(report.lines())")
        return report
    }

    func importMarketplaceDeals(dryRun: Bool = false) throws -> RecordImportReport {
        try service.run(file: try file("closed_deals.csv", MarketplaceFixture.deals),
                        options: try options(.deals, map: MarketplaceFixture.dealsMap, dryRun: dryRun), in: workspace.admin)
    }

    // MARK: - The marketplace case

    @Test func marketplaceDealsLinkToTheirLeadsConvertThemAndMakeTheirContacts() throws {
        _ = try importMarketplaceLeads()
        let contactsBefore = try contacts().count
        let report = try importMarketplaceDeals()
        #expect(report.mapping.contains("mql_id -> lead"), "\(report.mapping)")
        #expect(report.mapping.contains("won_date -> stage_changed_at"), "\(report.mapping)")
        #expect(report.mapping.contains("stage = won (every row)"), "\(report.mapping)")
        #expect((report.created, report.problemCount) == (6, 1), "\(report.lines())")
        #expect((report.dealsLinked, report.leadsConverted, report.contactsCreated) == (6, 6, 6))
        #expect(!report.notes.contains { $0.contains("stage") }, "\(report.notes)")
        // The unknown MQL id: a bad row, grouped by its value.
        #expect(report.problemGroups.map(\.message) == ["lead \"ea21841da70e6405af19fabc4ff8bdd9\" is not the external id, email or #id of a lead of this organization"])
        #expect(report.problemGroups.first?.lines == [8])
        let text = report.lines().joined(separator: "\n")
        #expect(text.contains("leads:      6 deals linked to their lead; 6 leads converted, 6 contacts created for them"), "\(text)")

        for row in MarketplaceFixture.linked {
            let deal = try deal(row.seller)
            let lead = try lead(key: row.mql)
            #expect(lead.status == .converted, "\(row.mql)")
            #expect(deal.stage == .won && deal.probability == 100)
            #expect(deal.value == row.dollars * 100)
            #expect(deal.stageChangedAt == Self.utc(row.won), "\(row.mql): \(deal.stageChangedAt)")
            // Created when its lead was (the MQL's first contact), before it was won.
            #expect(deal.createdAt == lead.createdAt && deal.createdAt < deal.stageChangedAt)
            #expect(deal.title == "\(row.mql) – New deal")
            let contact = try contact(deal.contactId)
            #expect(contact.leadId == lead.id)
            #expect(contact.name == row.mql)
            #expect(contact.metadata == #"{"converted_from":"lead"}"#)
        }
        #expect(try contacts().count == contactsBefore + 6)
        // Leads without a deal are as they were.
        let linkedKeys = Set(MarketplaceFixture.linked.map(\.mql))
        #expect(try leads().filter { $0.externalId != nil && !linkedKeys.contains($0.externalId ?? "") }.allSatisfy { $0.status == .new })
    }

    @Test func aDryRunSaysWhatItWouldLinkAndWritesNothing() throws {
        _ = try importMarketplaceLeads()
        let before = (try leads(), try contacts())
        let report = try importMarketplaceDeals(dryRun: true)
        #expect((report.created, report.dealsLinked, report.leadsConverted, report.contactsCreated) == (6, 6, 6, 6))
        #expect(report.lines().contains("  leads:      6 deals linked to their lead; 6 leads to be converted, 6 contacts to be created for them"))
        #expect(try leads() == before.0)
        #expect(try contacts() == before.1)
    }

    @Test func undoRemovesTheDealsTheContactsAndTheConversions() throws {
        _ = try importMarketplaceLeads()
        let before = (try leads(), try contacts())
        let report = try importMarketplaceDeals()
        #expect(try leads() != before.0)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(60) })
        let (_, result) = try log.undo(number: report.importNumber, in: workspace.admin)
        #expect(result == ImportUndoResult(deleted: 6, restored: 0, linkedDeleted: ["contacts": 6], linkedRestored: ["leads": 6]))
        #expect(try leads() == before.0)
        #expect(try contacts() == before.1)
        #expect(try workspace.database.snapshot { try $0.deal(externalRef: MarketplaceFixture.linked[0].seller, orgId: workspace.admin.orgId) } == nil)
        let counts = try workspace.database.snapshot { try $0.leadStatusCounts(orgId: workspace.admin.orgId) }
        #expect(counts[.converted] ?? 0 == 0)
    }

    @Test func undoRefusesWhenAConvertedLeadOrAMadeContactChangedSince() throws {
        _ = try importMarketplaceLeads()
        let report = try importMarketplaceDeals()
        let first = try lead(key: MarketplaceFixture.linked[0].mql)
        // Later, a person changes a lead the import converted.
        let leadService = LeadService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(30) })
        _ = try leadService.setStatus([first.id ?? 0], to: .lost, reason: "went elsewhere", in: workspace.admin)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(60) })
        do {
            _ = try log.undo(number: report.importNumber, in: workspace.admin)
            Issue.record("the undo was not refused")
        } catch {
            #expect("\(error)".contains("1 lead that import #\(report.importNumber) converted changed after it"), "\(error)")
        }
        // A later import gives a made contact another deal: undoing the first would detach it.
        let again = try service.run(file: try file("more.csv", "lead,title,external_ref\n\(MarketplaceFixture.linked[1].mql),Second order,SECOND-1\n"),
                                    options: try options(.deals), in: workspace.admin)
        #expect((again.created, again.contactsCreated, again.leadsConverted) == (1, 0, 0), "\(again.lines())")
        #expect(try deal("SECOND-1").contactId == deal(MarketplaceFixture.linked[1].seller).contactId)
        do {
            _ = try log.undo(number: report.importNumber, force: false, in: workspace.admin)
            Issue.record("the undo was not refused")
        } catch {
            #expect("\(error)".contains("changed after it") || "\(error)".contains("other deals since"), "\(error)")
        }
        _ = try log.undo(number: again.importNumber, in: workspace.admin)
        let forced = try log.undo(number: report.importNumber, force: true, in: workspace.admin)
        #expect(forced.1.linkedDeleted == ["contacts": 6])
    }

    @Test func aMadeContactWithALaterDealIsNotDeletedUnlessForced() throws {
        _ = try importMarketplaceLeads()
        let report = try importMarketplaceDeals()
        let later = try service.run(file: try file("later.csv", "lead,title,external_ref\n\(MarketplaceFixture.linked[2].mql),Reorder,LATER-1\n"),
                                    options: try options(.deals), in: workspace.admin)
        #expect(later.created == 1)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(60) })
        do {
            _ = try log.undo(number: report.importNumber, in: workspace.admin)
            Issue.record("the undo was not refused")
        } catch {
            #expect("\(error)".contains("1 contact that import #\(report.importNumber) created has other deals since"), "\(error)")
        }
        #expect(try deal(MarketplaceFixture.linked[2].seller).stage == .won)
    }

    // MARK: - Keys, contacts already made, several deals of one lead

    @Test func aLeadIsFoundByEmailOrIdAndItsContactIsReused() throws {
        let leadsReport = try service.run(file: try file("leads.csv", """
            name,email,company,phone
            Ana Lima,ana@initech.example,Initech,
            Bo Chen,bo@hooli.example,Hooli,
            Cy Diaz,,,+1 415 555 0188

            """), options: try options(.leads), in: workspace.admin)
        #expect(leadsReport.created == 3)
        let all = try leads()
        let ana = try #require(all.first { $0.email == "ana@initech.example" })
        let bo = try #require(all.first { $0.email == "bo@hooli.example" })
        let cy = try #require(all.first { $0.name == "Cy Diaz" })
        // Bo was converted by hand before: his contact is the deal's, and nothing is made again.
        _ = try LeadService(database: workspace.database, clock: { TestWorkspace.now }).convert(bo.id ?? 0, productId: nil, valueCents: 0, in: workspace.admin)
        let boContact = try #require(try contacts().first { $0.leadId == bo.id })
        let contactsBefore = try contacts().count
        let report = try service.run(file: try file("deals.csv", """
            Deal ID,Lead Email,Deal Name,Deal Stage
            A-1,ANA@initech.example,Initech pilot,proposal
            A-2,ana@initech.example,Initech rollout,prospecting
            B-1,bo@hooli.example,Hooli pilot,qualification
            C-1,#\(cy.id ?? 0),Cy's order,negotiation
            X-1,#99999,Nobody's,prospecting
            X-2,nobody@example.com,Nobody's,prospecting

            """), options: try options(.deals), in: workspace.admin)
        #expect((report.created, report.problemCount) == (4, 2), "\(report.lines())")
        #expect((report.dealsLinked, report.leadsConverted, report.contactsCreated) == (4, 2, 2))
        #expect(report.problemGroups.count == 2)
        #expect(report.problemGroups.map(\.message).allSatisfy { $0.contains("is not the external id, email or #id of a lead") })
        #expect(try contacts().count == contactsBefore + 2)
        // Both deals of Ana go to one contact, made from her.
        let anaContact = try contact(try deal("A-1").contactId)
        #expect(try deal("A-2").contactId == anaContact.id)
        #expect((anaContact.name, anaContact.email, anaContact.company, anaContact.leadId) == ("Ana Lima", "ana@initech.example", "Initech", ana.id))
        #expect(try deal("B-1").contactId == boContact.id)
        let cyContact = try contact(try deal("C-1").contactId)
        #expect((cyContact.name, cyContact.phone, cyContact.leadId) == ("Cy Diaz", "+1 415 555 0188", cy.id))
        #expect(try leads().filter { [ana.id, bo.id, cy.id].contains($0.id) }.allSatisfy { $0.status == .converted })
        // A deal with no date of its own, from a lead: created when the lead was, entered its stage now.
        #expect(try deal("A-1").createdAt == ana.createdAt)
        #expect(try deal("A-1").stageChangedAt == TestWorkspace.now)
    }

    @Test func aRowNamingALeadAndAnotherContactIsBad() throws {
        _ = try service.run(file: try file("c.csv", "name,email\nZed Contact,zed@example.com\n"), options: try options(.contacts), in: workspace.admin)
        _ = try importMarketplaceLeads()
        let key = MarketplaceFixture.linked[0].mql
        let report = try service.run(file: try file("d.csv", "title,lead,contact_email\nBoth,\(key),zed@example.com\n"),
                                     options: try options(.deals), in: workspace.admin)
        #expect(report.problemCount == 1)
        #expect(report.problems.first?.message.contains("who has no contact yet") == true, "\(report.problems)")
        #expect(try lead(key: key).status == .new)
    }

    // MARK: - Stages and dates

    static let stageDeals = """
        Deal ID,Lead,Deal Name,Deal Stage,Close Date,Amount
        S-1,ana@initech.example,Initech,Closed Won,26-02-2018 19:58,1200
        S-2,bo@hooli.example,Hooli,won,01-03-2018,900
        S-3,cy@globex.example,Globex,Signed,05-03-2018,500
        S-4,di@umbrella.example,Umbrella,Closed Lost,06-03-2018,300
        S-5,ed@acme.example,Acme,Negotiation,30-06-2026,100

        """

    func importStageLeads() throws {
        let report = try service.run(file: try file("people.csv", """
            name,email
            Ana,ana@initech.example
            Bo,bo@hooli.example
            Cy,cy@globex.example
            Di,di@umbrella.example
            Ed,ed@acme.example

            """), options: try options(.leads), in: workspace.admin)
        try #require(report.created == 5)
    }

    @Test func anUnknownStageIsABadRowWithTheMapLineToAdd() throws {
        try importStageLeads()
        let report = try service.run(file: try file("stages.csv", Self.stageDeals), options: try options(.deals, dateFormat: .dmy, dryRun: true),
                                     in: workspace.admin)
        #expect((report.created, report.problemCount) == (4, 1), "\(report.lines())")
        #expect(report.problemGroups.map(\.message) == [
            "stage \"Signed\" is not one of: prospecting, qualification, proposal, negotiation, won, lost (map it under \"Deal Stage = stage\" in a --map file: \"  Signed -> ...\")",
        ])
        #expect(report.problemGroups.first?.lines == [4])
    }

    @Test func mappedStagesAndTheFilesDatesMakeTheDeals() throws {
        try importStageLeads()
        let map = """
            Deal Stage = stage
              Signed -> won

            """
        let report = try service.run(file: try file("stages.csv", Self.stageDeals), options: try options(.deals, map: map, dateFormat: .dmy),
                                     in: workspace.admin)
        #expect((report.created, report.problemCount, report.leadsConverted) == (5, 0, 5), "\(report.lines())")
        // Closed deals entered their stage at their close date (its time when it has one).
        let s1 = try deal("S-1")
        #expect(s1.stage == .won && s1.closeDate == "2018-02-26" && s1.stageChangedAt == Self.utc("2018-02-26 19:58:00"))
        #expect(s1.createdAt == s1.stageChangedAt, "a deal from a lead made after it closed was created no later than it closed")
        #expect(try deal("S-2").stageChangedAt == Self.utc("2018-03-01"))
        let s3 = try deal("S-3")
        #expect(s3.stage == .won && s3.stageChangedAt == Self.utc("2018-03-05"))
        let s4 = try deal("S-4")
        #expect(s4.stage == .lost && s4.probability == 0 && s4.stageChangedAt == Self.utc("2018-03-06"))
        // An open deal's close date is expected: it entered its stage now.
        let s5 = try deal("S-5")
        #expect(s5.stage == .negotiation && s5.closeDate == "2026-06-30" && s5.stageChangedAt == TestWorkspace.now)
    }

    @Test func createdAndStageChangedColumnsAreTaken() throws {
        try importStageLeads()
        let report = try service.run(file: try file("dated.csv", """
            external_ref,lead,title,stage,created,won date,close date
            T-1,ana@initech.example,Dated,won,2018-01-05 08:00:00,2018-02-26 19:58:00,2018-02-28
            T-2,bo@hooli.example,Backwards,won,2018-03-05 08:00:00,2018-02-26 19:58:00,
            T-3,cy@globex.example,Open,proposal,2018-01-05,2018-01-20 10:00,

            """), options: try options(.deals), in: workspace.admin)
        #expect((report.created, report.problemCount) == (2, 1), "\(report.lines())")
        #expect(report.problems.first?.message == "stage_changed_at 2018-02-26 19:58:00 is before created_at 2018-03-05 08:00:00")
        let t1 = try deal("T-1")
        #expect(t1.createdAt == Self.utc("2018-01-05 08:00:00"))
        // The stage_changed_at column wins over the close date.
        #expect(t1.stageChangedAt == Self.utc("2018-02-26 19:58:00") && t1.closeDate == "2018-02-28")
        let t3 = try deal("T-3")
        #expect(t3.createdAt == Self.utc("2018-01-05") && t3.stageChangedAt == Self.utc("2018-01-20 10:00:00"))
    }

    @Test func aMissingStageColumnIsSaidAndStageWonFromTheMapWorks() throws {
        let path = try file("nostage.csv", "title,value,close_date\nOld win,100,2018-02-26\n")
        let dry = try service.run(file: path, options: try options(.deals, dryRun: true), in: workspace.admin)
        #expect(dry.notes.contains(
            "the file has no stage column and the map gives no stage: every new deal would be created at prospecting (open). If they are won (or lost), say so: `stage = won` in the --map file, or map the column that holds the stage (`Column = stage`)"),
            "\(dry.notes)")
        #expect(dry.lines().contains { $0.hasPrefix("  note: the file has no stage column") })
        let real = try service.run(file: path, options: try options(.deals), in: workspace.admin)
        #expect(real.notes.contains { $0.contains("every new deal was created at prospecting (open)") }, "\(real.notes)")
        // Said once more with the map's constant: no note, and the deal is won at its close date.
        let won = try service.run(file: try file("nostage2.csv", "title,value,close_date,external_ref\nOld win,100,2018-02-26,W-1\n"),
                                  options: try options(.deals, map: "stage = won\n"), in: workspace.admin)
        #expect(!won.notes.contains { $0.contains("stage") }, "\(won.notes)")
        let oldWin = try deal("W-1")
        #expect(oldWin.stage == .won && oldWin.probability == 100 && oldWin.stageChangedAt == Self.utc("2018-02-26"))
        // Update mode changes no stage it is not given: nothing to say.
        let update = try service.run(file: try file("upd.csv", "external_ref,value\nW-1,200\n"),
                                     options: RecordImportOptions(entity: .deals, mode: .update), in: workspace.admin)
        #expect(!update.notes.contains { $0.contains("stage") } && update.updated == 1)
        // A constant stage the map cannot mean is a bad row that says so.
        let bad = try service.run(file: try file("nostage3.csv", "title\nX\n"), options: try options(.deals, map: "stage = signed\n"), in: workspace.admin)
        #expect(bad.problems.first?.message.contains("stage \"signed\" is not one of") == true, "\(bad.problems)")
        #expect(bad.problems.first?.message.contains("the map's `stage = signed`") == true, "\(bad.problems)")
    }

    // MARK: - Maven CRM

    /// Every deal of the Maven CRM dataset goes to its account's contact, with the file's dates:
    /// engage_date as created_at, close_date, and the stage's date (the close date for won and
    /// lost deals, the engage date for engaging ones, the import's time for prospects).
    @Test func mavenDealsLinkToTheirAccountsContactsWithTheirRealDates() throws {
        let data = try MavenData()
        let importer = MavenCRMImport(database: workspace.database, clock: { TestWorkspace.now })
        _ = try importer.run(folder: data.folder, in: workspace.admin)
        func day(_ text: String) -> String? {
            guard !text.isEmpty else { return nil }
            let parts = text.split(separator: "/").compactMap { Int($0) }
            return String(format: "%04d-%02d-%02d", parts[2], parts[0], parts[1])
        }
        var contacts: [String: Int64] = [:]
        var checked = 0
        try workspace.database.snapshot { reader in
            for row in data.rows {
                let (ref, account, stage, engaged, closed) = (row[0], row[3], row[4], day(row[5]), day(row[6]))
                let deal = try #require(try reader.deal(externalRef: ref, orgId: workspace.admin.orgId), "no deal \(ref)")
                if account.isEmpty {
                    #expect(deal.contactId == nil, "\(ref)")
                } else {
                    if contacts[account] == nil {
                        contacts[account] = try #require(try reader.contact(name: account, company: account, orgId: workspace.admin.orgId), "no contact \(account)").id
                    }
                    #expect(deal.contactId == contacts[account], "\(ref): \(account)")
                }
                #expect(deal.createdAt == engaged.map { Self.utc($0) } ?? TestWorkspace.now, "\(ref) created_at")
                #expect(deal.closeDate == closed, "\(ref) close_date")
                let entered: Date
                switch stage {
                case "Won", "Lost": entered = Self.utc(try #require(closed ?? engaged, "\(ref): a closed deal without dates"))
                case "Engaging": entered = engaged.map { Self.utc($0) } ?? TestWorkspace.now
                default: entered = TestWorkspace.now
                }
                #expect(deal.stageChangedAt == entered, "\(ref) stage_changed_at")
                checked += 1
            }
        }
        #expect(checked == 8_800)
    }
}
