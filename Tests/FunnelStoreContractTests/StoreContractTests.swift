import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// What any store must do, through the contract alone (`Store`, `StoreReading`, `StoreWriting`):
/// each test runs against every implementation (`StoreUnderTest`), on a real store (a file here),
/// with two organizations, so that every read and write is also a tenant test.
///
/// Permissions by role are the services' (tested above the store); below them, a store keeps
/// each organization's rows to itself whoever asks, refuses references across organizations,
/// refuses a change made on a stale version, writes whole transactions or nothing, and says what
/// was wrong in words.
@Suite struct StoreContractTests {
    static let now = TestWorkspace.now

    /// A workspace (Acme and Globex, users in every role, a lead each) in a new store of `kind`.
    static func workspace(_ kind: StoreUnderTest) throws -> (TestWorkspace, TemporaryFolder) {
        let folder = try TemporaryFolder()
        return (try TestWorkspace.make(database: try kind.make(in: folder)), folder)
    }

    static func lead(_ orgId: Int64, _ index: Int, score: Int = 0, status: LeadStatus = .new, name: String? = nil) -> Lead {
        Lead(orgId: orgId, name: name ?? "Lead \(index)", company: "Company \(index % 7)", email: "lead\(index)@org\(orgId).example",
             source: .website, status: status, score: score, createdAt: now, updatedAt: now)
    }

    /// Inserts leads; their ids.
    @discardableResult
    static func insert(_ leads: [Lead], into store: any Store) throws -> [Int64] {
        try store.transaction { tx in
            try leads.map { lead in
                var lead = lead
                try tx.insert(&lead)
                return lead.id ?? 0
            }
        }
    }

    // MARK: - Records

    @Test(arguments: StoreUnderTest.allCases)
    func aRecordOfAnotherOrganizationReadsAsMissingAndIsNeverChanged(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let id = try #require(workspace.acmeLead.id)
        try store.snapshot { reader throws in
            #expect(try reader.fetch(Lead.self, id: id, orgId: acme)?.emailNormalized == "jose@initech.example")
            #expect(try reader.fetch(Lead.self, id: id, orgId: globex) == nil)
            #expect(throws: StoreError.notFound(entity: "lead", id: id)) { try reader.require(Lead.self, id: id, orgId: globex) }
            #expect(try reader.fetch(Lead.self, id: 987_654, orgId: acme) == nil)
        }
        // Deleting through the wrong organization deletes nothing.
        #expect(try store.transaction { try $0.delete(Lead.self, id: id, orgId: globex) } == false)
        // Moving a record to another organization is refused, and nothing is written.
        var moved = workspace.acmeLead
        moved.orgId = globex
        moved.name = "Moved"
        #expect(throws: StoreError.self) { try store.transaction { try $0.update(moved) } }
        let after = try store.snapshot { try $0.fetch(Lead.self, id: id, orgId: acme) }
        #expect(after?.name == "José García" && after?.orgId == acme)
        #expect(try store.transaction { try $0.delete(Lead.self, id: id, orgId: acme) } == true)
        #expect(try store.snapshot { try $0.fetch(Lead.self, id: id, orgId: acme) } == nil)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anUpdateWritesWhatChangedAndRaisesTheVersion(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        var lead = workspace.acmeLead
        #expect(lead.version == 1)
        lead.status = .contacted
        try store.transaction { try $0.update(lead) }
        let read = try #require(try store.snapshot { try $0.fetch(Lead.self, id: lead.id ?? 0, orgId: lead.orgId) })
        #expect(read.status == .contacted && read.version == 2 && read.name == "José García")
        // Nothing changed: nothing written, the version stays.
        try store.transaction { try $0.update(read) }
        #expect(try store.snapshot { try $0.fetch(Lead.self, id: lead.id ?? 0, orgId: lead.orgId)?.version } == 2)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aChangeMadeOnAStaleVersionIsRefused(kind: StoreUnderTest) throws {
        let (workspace, folder) = try Self.workspace(kind)
        let mine = workspace.database
        let theirs = try kind.another(in: folder)
        let id = try #require(workspace.acmeLead.id)
        let orgId = workspace.admin.orgId
        var myCopy = try #require(try mine.snapshot { try $0.fetch(Lead.self, id: id, orgId: orgId) })
        // Another client changes the lead after I read it.
        try theirs.transaction { tx in
            var lead = try tx.require(Lead.self, id: id, orgId: orgId)
            lead.name = "Their name"
            try tx.update(lead)
        }
        myCopy.status = .qualified
        #expect(throws: StoreError.self) { try mine.transaction { try $0.update(myCopy) } }
        let stored = try #require(try mine.snapshot { try $0.fetch(Lead.self, id: id, orgId: orgId) })
        #expect(stored.name == "Their name" && stored.status == .new && stored.version == 2)
    }

    // MARK: - Identity

    @Test(arguments: StoreUnderTest.allCases)
    func identityIsReadPerOrganization(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        try workspace.database.snapshot { reader throws in
            #expect(try reader.organizations().map(\.name) == ["Acme Corp", "Globex"])
            let acme = try #require(try reader.organization(id: workspace.admin.orgId))
            #expect(try reader.organization(slug: acme.slug)?.id == acme.id)
            #expect(try reader.organization(slug: "no-such-org") == nil)
            #expect(try Set(reader.users(orgId: acme.id ?? 0).map(\.email))
                    == ["admin@acme.test", "manager@acme.test", "rep@acme.test", "marketer@acme.test", "viewer@acme.test"])
            #expect(try reader.users(orgId: workspace.otherAdmin.orgId).map(\.email) == ["admin@globex.test"])
            #expect(try reader.user(email: "  Manager@ACME.test ")?.name == "Mia Manager")
            #expect(try reader.userName(id: workspace.manager.userId, orgId: workspace.otherAdmin.orgId) == nil)
            #expect(try reader.userNames(orgId: workspace.otherAdmin.orgId).values.sorted() == ["Gus Admin"])
            #expect(try Set(reader.roles().map(\.name)).isSuperset(of: ["admin", "manager", "sales_rep", "marketer", "viewer"]))
            #expect(try reader.role(name: "sales_rep")?.id == workspace.salesRep.role.id)
        }
    }

    // MARK: - Leads

    @Test(arguments: StoreUnderTest.allCases)
    func leadPagesWalkEachLeadOnceForwardAndBackAndNeverAnotherOrganizations(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let statuses: [LeadStatus] = [.new, .contacted, .qualified]
        let mine = try Self.insert((0..<57).map { Self.lead(acme, $0, score: ($0 * 37) % 100, status: statuses[$0 % 3]) }, into: store)
        try Self.insert((0..<23).map { Self.lead(globex, 100 + $0, score: $0 * 4) }, into: store)
        let expected = Set(mine + [workspace.acmeLead.id ?? 0])
        for status in [nil, LeadStatus.contacted] {
            let filter = LeadFilter(status: status)
            let wanted = status == nil ? expected : Set(mine.enumerated().filter { statuses[$0.offset % 3] == status }.map(\.element))
            var forward: [LeadListItem] = []
            var key: LeadPageKey?
            repeat {
                let page = try store.snapshot { try $0.leads(orgId: acme, filter: filter, after: key, limit: 10) }
                forward += page
                key = page.count == 10 ? page.last?.pageKey : nil
            } while key != nil
            #expect(forward.map(\.id).count == wanted.count && Set(forward.map(\.id)) == wanted)
            #expect(forward.allSatisfy { $0.lead.orgId == acme })
            // Ranked by score, highest first.
            #expect(forward.map(\.lead.score) == forward.map(\.lead.score).sorted(by: >))
            var backward: [LeadListItem] = []
            key = nil
            repeat {
                let page = try store.snapshot { try $0.leads(orgId: acme, filter: filter, before: key, limit: 10) }
                backward = page + backward
                key = page.count == 10 ? page.first?.pageKey : nil
            } while key != nil
            #expect(backward.map(\.id) == forward.map(\.id))
            #expect(try store.snapshot { try $0.leadCount(orgId: acme, filter: filter) } == wanted.count)
        }
        #expect(try store.snapshot { try $0.leadCount(orgId: globex, filter: LeadFilter()) } == 24)
        // A cap bounds the work of counting: the count is exact, or the cap when there are more.
        #expect([20, 58].contains(try store.snapshot { try $0.leadCount(orgId: acme, filter: LeadFilter(), cap: 20) }))
    }

    @Test(arguments: StoreUnderTest.allCases)
    func statusCountsAreKeptByTheStoreOnEveryWrite(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let ids = try Self.insert((0..<5).map { Self.lead(acme, $0) }, into: store)
        #expect(try store.snapshot { try $0.leadStatusCounts(orgId: acme) } == [.new: 6])
        try store.transaction { tx in
            var lead = try tx.require(Lead.self, id: ids[0], orgId: acme)
            lead.status = .qualified
            try tx.update(lead)
            try tx.delete(Lead.self, id: ids[1], orgId: acme)
        }
        #expect(try store.snapshot { try $0.leadStatusCounts(orgId: acme) } == [.new: 4, .qualified: 1])
        #expect(try store.snapshot { try $0.leadStatusCounts(orgId: workspace.otherAdmin.orgId) } == [.new: 1])
    }

    @Test(arguments: StoreUnderTest.allCases)
    func searchFindsWordsInOneOrganizationAndTakesAnyTextLiterally(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        try Self.insert([Self.lead(globex, 1, name: "José Garcia")], into: store)
        let jose = try #require(workspace.acmeLead.id)
        try store.snapshot { reader throws in
            // Accents and case do not matter; a word's start is enough.
            #expect(try reader.searchLeadIDs("garcia", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("GARC", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("initech", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("garcia", orgId: globex).count == 1)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(search: "josé")) == 1)
            // The search syntax of whatever answers is never the user's: these are words, or nothing.
            for hostile in ["\"", "*", "NEAR(a b)", "garcia OR x", "'; DROP TABLE leads; --", "a\u{0}b", "\u{1B}[2J", "(((", "^garcia", "-", "   "] {
                let found = try reader.searchLeadIDs(hostile, orgId: acme)
                #expect(found.allSatisfy { $0 == jose }, "\(hostile.debugDescription)")
                _ = try reader.leadCount(orgId: acme, filter: LeadFilter(search: hostile))
            }
        }
        #expect(try store.snapshot { try $0.leadCount(orgId: acme, filter: LeadFilter()) } == 1)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func actionsAttributesAndDuplicatesBelongToTheirOrganization(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let jose = try #require(workspace.acmeLead.id)
        var twin = Self.lead(acme, 1)
        twin.email = "JOSE@initech.example"
        let twinId = try Self.insert([twin], into: store)[0]
        try store.transaction { tx in
            var action = LeadAction(leadId: jose, actionType: .demoRequest, createdAt: Self.now)
            try tx.insert(&action)
            _ = try tx.ensureLeadAttributes(orgId: acme, [LeadAttributeSpec(name: "job", kind: .text)], at: Self.now)
        }
        try store.snapshot { reader throws in
            #expect(try reader.leadActions(leadId: jose, orgId: acme).map(\.actionType) == [.demoRequest])
            #expect(try reader.leadActions(leadId: jose, orgId: globex).isEmpty)
            #expect(try reader.allLeadActions(leadId: jose, orgId: globex).isEmpty)
            #expect(try reader.leadAttributes(orgId: acme).map(\.name) == ["job"])
            #expect(try reader.leadAttributes(orgId: globex).isEmpty)
            let lead = try reader.require(Lead.self, id: jose, orgId: acme)
            #expect(try reader.duplicates(of: lead).map(\.id) == [twinId])
        }
        // Merging moves the records of one organization's leads only.
        let moved = try store.transaction { try $0.moveLeadRecords(from: [jose], to: twinId, orgId: globex) }
        #expect(moved.actions == 0 && moved.activities == 0 && moved.contacts == 0)
        #expect(try store.snapshot { try $0.leadActions(leadId: jose, orgId: acme).count } == 1)
    }

    // MARK: - Deals and content

    @Test(arguments: StoreUnderTest.allCases)
    func dealsContactsAndTotalsAreOneOrganizations(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let (acmeDeals, globexDeal) = try store.transaction { tx -> ([Int64], Int64) in
            var contact = Contact(orgId: acme, name: "Dana Buyer", email: "dana@buyer.example", company: "Buyer Inc", createdAt: Self.now, updatedAt: Self.now)
            try tx.insert(&contact)
            var ids: [Int64] = []
            for (index, stage) in [DealStage.qualification, .proposal, .proposal].enumerated() {
                var deal = Deal(orgId: acme, contactId: contact.id, title: "Deal \(index)", value: Int64(index + 1) * 100_000, stage: stage,
                                probability: 50, stageChangedAt: Self.now, createdAt: Self.now, updatedAt: Self.now)
                try tx.insert(&deal)
                ids.append(deal.id ?? 0)
            }
            var other = Deal(orgId: globex, title: "Globex deal", value: 999_999, stage: .proposal, probability: 10,
                             stageChangedAt: Self.now, createdAt: Self.now, updatedAt: Self.now)
            try tx.insert(&other)
            return (ids, other.id ?? 0)
        }
        try store.snapshot { reader throws in
            let page = try reader.deals(orgId: acme, filter: DealFilter(), sort: .value, descending: true, after: nil)
            #expect(page.map(\.deal.id) == acmeDeals.reversed().map { $0 })
            #expect(page.first?.contactName == "Dana Buyer")
            #expect(try reader.dealItem(id: globexDeal, orgId: acme) == nil)
            #expect(try reader.dealItem(id: acmeDeals[0], orgId: acme)?.deal.title == "Deal 0")
            let totals = try reader.dealStageTotals(orgId: acme, filter: DealFilter())
            #expect(totals[.proposal]?.deals == 2 && totals[.proposal]?.value == 500_000)
            #expect(try reader.dealStageTotals(orgId: globex, filter: DealFilter())[.proposal]?.deals == 1)
            #expect(try reader.searchContacts("dana", orgId: acme).map(\.name) == ["Dana Buyer"])
            #expect(try reader.searchContacts("dana", orgId: globex).isEmpty)
        }
        // A deal may not point at another organization's contact.
        let acmeContact = try #require(try store.snapshot { try $0.searchContacts("dana", orgId: acme).first?.id })
        #expect(throws: StoreError.self) {
            try store.transaction { tx in
                var stolen = Deal(orgId: globex, contactId: acmeContact, title: "Stolen", value: 1, stage: .proposal, probability: 1,
                                  stageChangedAt: Self.now, createdAt: Self.now, updatedAt: Self.now)
                try tx.insert(&stolen)
            }
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func theApprovalQueueIsOldestFirstAndOneOrganizations(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let author = workspace.marketer.userId
        let ids = try store.transaction { tx -> [Int64] in
            var ids: [Int64] = []
            for index in 0..<4 {
                var content = Content(orgId: acme, createdBy: author, title: "Post \(index)", type: .blog, status: .pendingApproval,
                                      submittedAt: Self.now.addingTimeInterval(Double(3 - index) * 60), createdAt: Self.now, updatedAt: Self.now)
                try tx.insert(&content)
                ids.append(content.id ?? 0)
            }
            var other = Content(orgId: globex, createdBy: workspace.otherAdmin.userId, title: "Globex post", type: .blog,
                                status: .pendingApproval, submittedAt: Self.now, createdAt: Self.now, updatedAt: Self.now)
            try tx.insert(&other)
            return ids + [other.id ?? 0]
        }
        try store.snapshot { reader throws in
            let queue = try reader.pendingContent(orgId: acme, after: nil, limit: 50)
            #expect(queue.map(\.id) == [ids[3], ids[2], ids[1], ids[0]])
            let second = try reader.pendingContent(orgId: acme, after: queue[1].queueKey, limit: 50)
            #expect(second.map(\.id) == [ids[1], ids[0]])
            #expect(try reader.pendingPosition(orgId: acme, key: queue[2].queueKey) == 2)
            #expect(try reader.contentItem(id: ids[0], orgId: acme).title == "Post 0")
            #expect(throws: StoreError.self) { try reader.contentItem(id: ids[4], orgId: acme) }
            #expect(try reader.contentStatusCounts(orgId: acme)[.pendingApproval] == 4)
            #expect(try reader.contentStatusCounts(orgId: globex)[.pendingApproval] == 1)
        }
    }

    // MARK: - Audit, imports, scoring models

    @Test(arguments: StoreUnderTest.allCases)
    func theAuditTrailIsNewestFirstAndOneOrganizations(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let jose = try #require(workspace.acmeLead.id)
        try store.transaction { tx in
            for (minute, action) in ["created", "assigned", "status_changed"].enumerated() {
                try tx.record(Activity(orgId: acme, entityType: .lead, entityId: jose, action: action, userId: workspace.admin.userId,
                                       metadata: #"{"before":"a","after":"b"}"#, createdAt: Self.now.addingTimeInterval(Double(minute) * 60)))
            }
        }
        try store.snapshot { reader throws in
            let trail = try reader.activities(orgId: acme, entityType: .lead, entityId: jose)
            #expect(Array(trail.map(\.action).prefix(3)) == ["status_changed", "assigned", "created"])
            #expect(try reader.activities(orgId: globex, entityType: .lead, entityId: jose).isEmpty)
            #expect(try reader.recentActivities(orgId: globex).allSatisfy { $0.orgId == globex })
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anImportIsLoggedUndoneAndSeenByItsOrganizationOnly(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let number = try store.transaction { tx -> Int64 in
            let writer = try tx.beginImport(orgId: acme, userId: workspace.admin.userId, entity: .leads, mode: .create, file: "leads.csv", at: Self.now)
            defer { writer.close() }
            var row = LeadImportRow()
            row.name = "Imported One"
            row.email = "imported@one.example"
            row.source = .event
            _ = try writer.insertLead(row, line: 2)
            try writer.finish(counts: #"{"created":1}"#)
            return writer.number
        }
        try store.snapshot { reader throws in
            #expect(try reader.imports(orgId: acme).map(\.number) == [number])
            #expect(try reader.imports(orgId: globex).isEmpty)
            #expect(try reader.importEntry(orgId: globex, number: number) == nil)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(search: "imported")) == 1)
        }
        #expect(throws: (any Error).self) {
            try store.transaction { _ = try $0.undoImport(orgId: globex, number: number, by: workspace.otherAdmin.userId, at: Self.now, force: false) }
        }
        let (entry, result) = try store.transaction { try $0.undoImport(orgId: acme, number: number, by: workspace.admin.userId, at: Self.now, force: false) }
        #expect(entry.number == number && result.deleted == 1)
        #expect(try store.snapshot { try $0.leadCount(orgId: acme, filter: LeadFilter(search: "imported")) } == 0)
        #expect(try store.snapshot { try $0.importEntry(orgId: acme, number: number)?.isUndone } == true)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func scoringModelsAreVersionedPerOrganization(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let first = try store.transaction {
            try $0.insertScoringModel(orgId: acme, createdBy: workspace.admin.userId, at: Self.now, outcomes: 1_000, converted: 120,
                                      cvAUC: 0.71, rulesCvAUC: 0.6, json: "{}")
        }
        let second = try store.transaction {
            try $0.insertScoringModel(orgId: acme, createdBy: workspace.admin.userId, at: Self.now, outcomes: 1_200, converted: 130,
                                      cvAUC: 0.73, rulesCvAUC: nil, json: "{}")
        }
        #expect(first.version == 1 && second.version == 2)
        try store.snapshot { reader throws in
            #expect(try Set(reader.scoringModels(orgId: acme).map(\.version)) == [1, 2])
            #expect(try reader.scoringModels(orgId: globex).isEmpty)
            #expect(try reader.scoringModel(id: first.id, orgId: globex) == nil)
            #expect(try reader.scoringModel(version: 2, orgId: acme)?.cvAUC == 0.73)
        }
    }

    // MARK: - Transactions, concurrency, changes

    @Test(arguments: StoreUnderTest.allCases)
    func aTransactionLandsWholeOrNotAtAllAndARehearsalNever(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try store.transaction { tx in
                var lead = Self.lead(acme, 1)
                try tx.insert(&lead)
                try tx.record(Activity(orgId: acme, entityType: .lead, entityId: lead.id ?? 0, action: "created", userId: nil, createdAt: Self.now))
                throw Refused()
            }
        }
        // A constraint refused halfway: the first insert goes too.
        #expect(throws: StoreError.self) {
            try store.transaction { tx in
                var good = Self.lead(acme, 2)
                try tx.insert(&good)
                var bad = Self.lead(acme, 3)
                bad.email = "not an email"
                try tx.insert(&bad)
            }
        }
        let rehearsed = try store.rehearsal { tx -> Int64? in
            var lead = Self.lead(acme, 4)
            try tx.insert(&lead)
            return lead.id
        }
        #expect(rehearsed != nil)
        #expect(try store.snapshot { try $0.leadCount(orgId: acme, filter: LeadFilter()) } == 1)
        #expect(try store.snapshot { try $0.recentActivities(orgId: acme).filter { $0.action == "created" && $0.entityType == .lead } }.isEmpty)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func badValuesAreRefusedInWordsNamingWhatWasWrong(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        func refusal(_ change: @escaping (any StoreWriting) throws -> Void) -> String {
            do {
                try store.transaction(change)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        var noEmail = Self.lead(acme, 1)
        noEmail.email = "two@@at.example"
        #expect(refusal { tx in try tx.insert(&noEmail) }.contains("email"))
        var badScore = Self.lead(acme, 2)
        badScore.score = 1_000
        #expect(refusal { tx in try tx.insert(&badScore) }.contains("score"))
        var twin = Self.lead(acme, 3)
        twin.externalId = "X-1"
        var twin2 = Self.lead(acme, 4)
        twin2.externalId = "X-1"
        #expect(refusal { tx in try tx.insert(&twin); try tx.insert(&twin2) }.contains("duplicate"))
        #expect(try store.snapshot { try $0.leadCount(orgId: acme, filter: LeadFilter()) } == 1)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func concurrentClientsLoseNoWrite(kind: StoreUnderTest) throws {
        let (workspace, folder) = try Self.workspace(kind)
        let acme = workspace.admin.orgId
        let clients = try (0..<4).map { _ in try kind.another(in: folder) }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: clients.count) { client in
            for batch in 0..<20 {
                do {
                    try Self.insert((0..<5).map { Self.lead(acme, 1_000 * (client + 1) + batch * 5 + $0) }, into: clients[client])
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try workspace.database.snapshot { try $0.leadCount(orgId: acme, filter: LeadFilter()) } == 1 + 4 * 20 * 5)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anotherClientsCommitIsAnnouncedAsAChange(kind: StoreUnderTest) async throws {
        let (workspace, folder) = try Self.workspace(kind)
        let other = try kind.another(in: folder)
        let changes = workspace.database.changes(every: .milliseconds(20))
        try Self.insert([Self.lead(workspace.admin.orgId, 1)], into: other)
        // The first change, or nil after 20 s (a missed change fails instead of hanging the run).
        let change = await withTaskGroup(of: StoreChange?.self) { group in
            group.addTask {
                var iterator = changes.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(change?.sequence == 1)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aReadOnlyClientReadsAndRefusesEveryWrite(kind: StoreUnderTest) throws {
        let (workspace, folder) = try Self.workspace(kind)
        let reader = try kind.another(in: folder, readOnly: true)
        #expect(reader.isReadOnly && reader.readOnlyReason != nil)
        #expect(try reader.snapshot { try $0.leadCount(orgId: workspace.admin.orgId, filter: LeadFilter()) } == 1)
        #expect(throws: StoreError.self) { try Self.insert([Self.lead(workspace.admin.orgId, 1)], into: reader) }
        #expect(try workspace.database.snapshot { try $0.leadCount(orgId: workspace.admin.orgId, filter: LeadFilter()) } == 1)
    }

    // MARK: - Maintenance

    @Test(arguments: StoreUnderTest.allCases)
    func aBackupHoldsWhatTheStoreHolds(kind: StoreUnderTest) throws {
        let (workspace, folder) = try Self.workspace(kind)
        try Self.insert((0..<10).map { Self.lead(workspace.admin.orgId, $0) }, into: workspace.database)
        let summary = try workspace.database.summary()
        #expect(summary.organizations == 2 && summary.leads == 12)
        let backup = try workspace.database.backup(to: folder.file("backup.sqlite"))
        let version = try workspace.database.schemaVersion()
        #expect(backup.leads == 12 && backup.schemaVersion == version)
        #expect(try workspace.database.checkIntegrity().isSound)
        let diagnosis = try workspace.database.diagnose()
        #expect(diagnosis.isHealthy, "\(diagnosis)")
    }
}

/// Errors collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
}
