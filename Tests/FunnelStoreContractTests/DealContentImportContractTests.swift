import Foundation
import FunnelStore
import FunnelTestSupport
import Testing

/// Deals, content, imports and exports through the contract alone, on every store: pages that
/// walk each row once both ways through ties, positions that are row numbers, counts per day,
/// and an import undone to exactly what was there before it.
extension StoreContractTests {
    /// Acme's deals: repeated values, titles and stage times (ties broken by id), a quarter
    /// without a close date, times with milliseconds; and Globex's, which no page may show.
    static func insertDeals(_ store: any Store, acme: Int64, globex: Int64, owner: Int64) throws -> [Int64] {
        let stages: [DealStage] = [.proposal, .qualification, .won]
        return try store.transaction { tx in
            var ids: [Int64] = []
            for index in 0..<37 {
                var deal = Deal(orgId: acme, ownerId: index % 2 == 0 ? owner : nil, title: index % 3 == 0 ? "deal \(index % 6)" : "Deal \(index % 6)",
                                value: Int64(index % 5) * 1_000, stage: stages[index % 3], probability: 10 + index % 7 * 10,
                                closeDate: index % 4 == 0 ? nil : "2026-0\(2 + index % 3)-1\(index % 2)",
                                stageChangedAt: now.addingTimeInterval(Double(index % 3) * 0.25 + 0.123), createdAt: now, updatedAt: now)
                try tx.insert(&deal)
                ids.append(deal.id ?? 0)
            }
            for index in 0..<5 {
                var deal = Deal(orgId: globex, title: "Deal \(index)", value: 1_000, stage: .proposal, probability: 50, closeDate: "2026-02-11",
                                stageChangedAt: now, createdAt: now, updatedAt: now)
                try tx.insert(&deal)
            }
            return ids
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func dealPagesWalkEveryDealOnceBothWaysThroughEqualValuesWithTheirPositions(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let ids = try Self.insertDeals(store, acme: acme, globex: workspace.otherAdmin.orgId, owner: workspace.salesRep.userId)
        let filters: [(DealFilter, Set<Int64>)] = [
            (DealFilter(), Set(ids)),
            (DealFilter(stage: .proposal), Set(ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))),
            (DealFilter(owner: .user(workspace.salesRep.userId)), Set(ids.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))),
            (DealFilter(closeMonth: "2026-03"), Set(ids.enumerated().filter { $0.offset % 4 != 0 && $0.offset % 3 == 1 }.map(\.element))),
        ]
        for sort in DealSort.allCases {
            for descending in [false, true] {
                for (filter, wanted) in filters {
                    let label = "\(sort) \(descending ? "descending" : "ascending") \(filter)"
                    var forward: [DealListItem] = []
                    var key: DealPageKey?
                    repeat {
                        let page = try store.snapshot { try $0.deals(orgId: acme, filter: filter, sort: sort, descending: descending, after: key, limit: 6) }
                        forward += page
                        key = page.count == 6 ? page.last?.pageKey(sort) : nil
                    } while key != nil
                    #expect(forward.count == wanted.count && Set(forward.map(\.id)) == wanted, "\(label)")
                    var backward: [DealListItem] = []
                    key = nil
                    repeat {
                        let page = try store.snapshot { try $0.deals(orgId: acme, filter: filter, sort: sort, descending: descending, before: key, limit: 6) }
                        backward = page + backward
                        key = page.count == 6 ? page.first?.pageKey(sort) : nil
                    } while key != nil
                    #expect(backward.map(\.id) == forward.map(\.id), "\(label)")
                    for (index, item) in forward.enumerated() where index % 4 == 0 {
                        let position = try store.snapshot {
                            try $0.dealPosition(orgId: acme, filter: filter, sort: sort, descending: descending, key: item.pageKey(sort))
                        }
                        #expect(position == index, "\(label) at \(index)")
                    }
                    if sort == .value {
                        let values = forward.map(\.deal.value)
                        #expect(values == (descending ? values.sorted(by: >) : values.sorted()), "\(label)")
                    }
                    if sort == .closeDate, !descending, let firstUndated = forward.firstIndex(where: { $0.deal.closeDate == nil }) {
                        // Undated deals come after every date.
                        #expect(forward[firstUndated...].allSatisfy { $0.deal.closeDate == nil }, "\(label)")
                    }
                }
            }
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func dealTotalsAndTheForecastAgreeFilteredOrNot(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let rep = workspace.salesRep.userId
        _ = try Self.insertDeals(store, acme: acme, globex: workspace.otherAdmin.orgId, owner: rep)
        let all = try store.snapshot { try $0.deals(orgId: acme, filter: DealFilter(), sort: .value, descending: false, after: nil, limit: 100) }.map(\.deal)
        try store.snapshot { reader throws in
            let kept = try reader.dealStageTotals(orgId: acme)
            for filter in [DealFilter(), DealFilter(owner: .user(rep)), DealFilter(stage: .won), DealFilter(stage: .proposal, owner: .unassigned)] {
                let deals = all.filter { deal in
                    (filter.stage == nil || deal.stage == filter.stage)
                        && (filter.owner == .anyone || (filter.owner == .unassigned ? deal.ownerId == nil : deal.ownerId == rep))
                }
                let totals = try reader.dealStageTotals(orgId: acme, filter: filter)
                for stage in DealStage.allCases {
                    let ofStage = deals.filter { $0.stage == stage }
                    let expected = StageTotals(deals: ofStage.count, value: ofStage.reduce(0) { $0 + $1.value },
                                               weightedValue: ofStage.reduce(0) { $0 + $1.value * Int64($1.probability) / 100 })
                    #expect((totals[stage] ?? StageTotals()) == expected, "\(filter) \(stage)")
                }
                if filter == DealFilter() { #expect(totals == kept) }
                let forecast = try reader.dealForecast(orgId: acme, filter: filter, firstMonth: "2026-01", months: 4)
                #expect(forecast.map(\.month) == ["2026-01", "2026-02", "2026-03", "2026-04"])
                for month in forecast {
                    let closing = deals.filter { $0.closeDate?.hasPrefix(month.month) == true }
                    let open = closing.filter { $0.stage != .won && $0.stage != .lost }
                    #expect(month.openDeals == open.count && month.openValue == open.reduce(0) { $0 + $1.value }, "\(filter) \(month.month)")
                    #expect(month.wonDeals == closing.filter { $0.stage == .won }.count, "\(filter) \(month.month)")
                }
            }
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func theApprovalQueueWalksTiesOnceBothWaysWithItsPositions(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let author = workspace.marketer.userId
        let ids = try store.transaction { tx -> [Int64] in
            var ids: [Int64] = []
            for index in 0..<23 {
                var content = Content(orgId: acme, createdBy: author, title: "Post \(index)", type: index % 2 == 0 ? .blog : .social,
                                      status: .pendingApproval, submittedAt: Self.now.addingTimeInterval(Double(index % 4) * 0.5 + 0.007),
                                      createdAt: Self.now, updatedAt: Self.now)
                try tx.insert(&content)
                ids.append(content.id ?? 0)
                if index % 2 == 1 {
                    for platform in [SocialPlatform.linkedin, .twitter] {
                        var post = SocialPost(contentId: content.id ?? 0, platform: platform, status: .draft, createdAt: Self.now, updatedAt: Self.now)
                        try tx.insert(&post)
                    }
                }
            }
            var other = Content(orgId: workspace.otherAdmin.orgId, createdBy: workspace.otherAdmin.userId, title: "Globex post", type: .blog,
                                status: .pendingApproval, submittedAt: Self.now, createdAt: Self.now, updatedAt: Self.now)
            try tx.insert(&other)
            return ids
        }
        var forward: [ContentListItem] = []
        var key: ContentQueueKey?
        repeat {
            let page = try store.snapshot { try $0.pendingContent(orgId: acme, after: key, limit: 5) }
            forward += page
            key = page.count == 5 ? page.last?.queueKey : nil
        } while key != nil
        let expected = ids.enumerated().sorted { ($0.offset % 4, $0.element) < ($1.offset % 4, $1.element) }.map(\.element)
        #expect(forward.map(\.id) == expected)
        var backward: [ContentListItem] = []
        key = nil
        repeat {
            let page = try store.snapshot { try $0.pendingContent(orgId: acme, before: key, limit: 5) }
            backward = page + backward
            key = page.count == 5 ? page.first?.queueKey : nil
        } while key != nil
        #expect(backward.map(\.id) == expected)
        for (index, item) in forward.enumerated() {
            #expect(try store.snapshot { try $0.pendingPosition(orgId: acme, key: item.queueKey) } == index)
        }
        #expect(forward.first { $0.type == .social }?.platforms == [.linkedin, .twitter])
        #expect(forward.first { $0.type == .blog }?.platforms == [])
        let social = try #require(forward.first { $0.type == .social })
        #expect(try store.snapshot { try $0.socialPosts(contentId: social.id, orgId: acme).map(\.platform) } == [.linkedin, .twitter])
        #expect(try store.snapshot { try $0.socialPosts(contentId: social.id, orgId: workspace.otherAdmin.orgId) }.isEmpty)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func theCalendarCountsEachDayAndTheListPagesNewestFirst(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let author = workspace.marketer.userId
        let ids = try store.transaction { tx -> [Int64] in
            var ids: [Int64] = []
            for index in 0..<12 {
                var content = Content(orgId: acme, createdBy: author, title: "Piece \(index)", type: index % 3 == 0 ? .email : .blog,
                                      status: .scheduled, scheduledAt: Self.now.addingTimeInterval(Double(index) * 6 * 3_600),
                                      createdAt: Self.now.addingTimeInterval(Double(index % 5)), updatedAt: Self.now)
                try tx.insert(&content)
                ids.append(content.id ?? 0)
            }
            var other = Content(orgId: workspace.otherAdmin.orgId, createdBy: workspace.otherAdmin.userId, title: "Globex piece", type: .blog,
                                status: .scheduled, scheduledAt: Self.now, createdAt: Self.now, updatedAt: Self.now)
            try tx.insert(&other)
            return ids
        }
        let bounds = (0...4).map { Self.now.addingTimeInterval(Double($0) * 86_400) }
        try store.snapshot { reader throws in
            #expect(try reader.scheduledContentCounts(orgId: acme, filter: ContentFilter(), bounds: bounds) == [4, 4, 4, 0])
            #expect(try reader.scheduledContentCounts(orgId: acme, filter: ContentFilter(type: .email), bounds: bounds) == [2, 1, 1, 0])
            #expect(try reader.scheduledContentCounts(orgId: acme, filter: ContentFilter(), bounds: [bounds[0]]) == [])
            let first = try reader.scheduledContent(orgId: acme, filter: ContentFilter(), from: bounds[0], to: bounds[2], limit: 5)
            #expect(first.map(\.id) == Array(ids.prefix(5)))
            let last = try #require(first.last)
            let next = try reader.scheduledContent(orgId: acme, filter: ContentFilter(), from: bounds[0], to: bounds[2],
                                                   after: (try #require(last.scheduledAt), last.id), limit: 5)
            #expect(next.map(\.id) == Array(ids[5..<8]))
            var listed: [ContentListItem] = []
            var key: (createdAt: Date, id: Int64)?
            repeat {
                let page = try reader.contentList(orgId: acme, filter: ContentFilter(), after: key, limit: 5)
                listed += page
                key = page.count == 5 ? page.last.map { ($0.createdAt, $0.id) } : nil
            } while key != nil
            let newestFirst = ids.enumerated().sorted { ($0.offset % 5, $0.element) > ($1.offset % 5, $1.element) }.map(\.element)
            #expect(listed.map(\.id) == newestFirst)
            #expect(try reader.contentList(orgId: acme, filter: ContentFilter(type: .email), after: nil, limit: 50).count == 4)
            #expect(try reader.contentStatusCounts(orgId: acme) == [.scheduled: 12])
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anImportOfContactsAndDealsIsUndoneToWhatWasThereBefore(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let admin = workspace.admin.userId
        let (existing, deal) = try store.transaction { tx -> (Contact, Deal) in
            var contact = Contact(orgId: acme, name: "Old Name", email: "old@buyer.example", company: "Buyer", createdAt: Self.now, updatedAt: Self.now)
            try tx.insert(&contact)
            var deal = Deal(orgId: acme, contactId: contact.id, title: "Existing deal", value: 123_405, stage: .proposal, probability: 50,
                            closeDate: "2026-03-15", stageChangedAt: Self.now, createdAt: Self.now, updatedAt: Self.now, externalRef: "CRM-1")
            try tx.insert(&deal)
            return (contact, deal)
        }
        let later = Self.now.addingTimeInterval(60)
        // Contacts: one updated, two created, one refused (no name) without ending the import.
        let contactsImport = try store.transaction { tx -> Int64 in
            let writer = try tx.beginImport(orgId: acme, userId: admin, entity: .contacts, mode: .upsert, file: "contacts.csv", at: later)
            defer { writer.close() }
            var update = ContactImportRow()
            update.name = "New Name"
            update.phone = "+1 415 555 0100"
            try writer.updateContact(id: existing.id ?? 0, with: update, line: 2)
            var new = ContactImportRow()
            new.name = "Fresh One"
            new.email = "fresh@one.example"
            new.createdAt = "2025-12-01 08:00:00.000"
            try writer.insertContact(new, line: 3)
            #expect(throws: StoreError.self) { try writer.insertContact(ContactImportRow(), line: 4) }
            new.name = "Fresh Two"
            new.email = "fresh@two.example"
            new.createdAt = nil
            try writer.insertContact(new, line: 5)
            try writer.finish(counts: #"{"created":2,"updated":1}"#)
            try tx.record(Activity(orgId: acme, entityType: .import, entityId: writer.number, action: "imported", userId: admin, createdAt: later))
            return writer.number
        }
        try store.snapshot { reader throws in
            #expect(try reader.fetch(Contact.self, id: existing.id ?? 0, orgId: acme)?.name == "New Name")
            #expect(try reader.contactIDs(orgId: acme).map(\.name) == ["Old Name", "Fresh One", "Fresh Two"].map { $0 == "Old Name" ? "New Name" : $0 })
            var keys: [Int64: String?] = [:]
            try reader.forEachContactKey(orgId: acme) { id, email, _ in keys[id] = email }
            #expect(keys.count == 3)
            let entry = try #require(try reader.importEntry(orgId: acme, number: contactsImport))
            #expect(entry.entity == .contacts && entry.mode == .upsert && entry.file == "contacts.csv" && !entry.isUndone)
            #expect(entry.createdAt == StoreTimestamp.text(Int64(later.timeIntervalSince1970)))
            #expect(entry.userEmail == "admin@acme.test")
            #expect(try reader.imports(orgId: globex).isEmpty)
            #expect(try reader.lastImportNumber(orgId: acme) == contactsImport)
            var rows: [[String?]] = []
            try reader.forEachExportRow(.contacts, orgId: acme) { rows.append($0) }
            #expect(rows.map { $0[0] } == ["New Name", "Fresh One", "Fresh Two"])
            #expect(rows[1][5] == "2025-12-01 08:00:00.000" && rows[2][5] == StoreTimestamp.text(Int64(later.timeIntervalSince1970)))
        }
        // Deals: the existing one updated, one created.
        let dealsImport = try store.transaction { tx -> Int64 in
            let writer = try tx.beginImport(orgId: acme, userId: admin, entity: .deals, mode: .upsert, file: "deals.csv", at: later)
            defer { writer.close() }
            var changed = try #require(try writer.deal(id: deal.id ?? 0))
            changed.value = 1
            changed.stage = .won
            changed.probability = 100
            changed.updatedAt = later
            try writer.together { try writer.updateDeal(changed, line: 2) }
            let created = Deal(orgId: acme, title: "Imported deal", value: 5, stage: .qualification, probability: 20, stageChangedAt: later,
                               createdAt: later, updatedAt: later, externalRef: "CRM-2")
            try writer.insertDeal(created, line: 3)
            #expect(throws: StoreError.self) { try writer.insertDeal(created, line: 4) }
            try writer.finish(counts: #"{"created":1,"updated":1}"#)
            try tx.record(Activity(orgId: acme, entityType: .import, entityId: writer.number, action: "imported", userId: admin, createdAt: later))
            return writer.number
        }
        #expect(dealsImport == contactsImport + 1)
        try store.snapshot { reader throws in
            var refs: [String] = []
            try reader.forEachDealExternalRef(orgId: acme) { _, ref in refs.append(ref) }
            #expect(refs.sorted() == ["CRM-1", "CRM-2"])
            #expect(try reader.deal(externalRef: "CRM-1", orgId: acme)?.stage == .won)
            #expect(try reader.deal(externalRef: "CRM-1", orgId: globex) == nil)
            var rows: [[String?]] = []
            try reader.forEachExportRow(.deals, orgId: acme) { rows.append($0) }
            #expect(rows.count == 2)
            #expect(rows.first?[0] == "Existing deal" && rows.first?[1] == "0.01" && rows.first?[2] == "won" && rows.first?[3] == "100")
            #expect(rows.first?[4] == "2026-03-15" && rows.first?[8] == "Old Name".replacingOccurrences(of: "Old", with: "New"))
            #expect(rows.first?[10] == "CRM-1" && rows.first?[11] == StoreTimestamp.text(Int64(Self.now.timeIntervalSince1970)))
        }
        // Another organization cannot undo it; undoing restores the deal as it was.
        #expect(throws: (any Error).self) {
            try store.transaction { _ = try $0.undoImport(orgId: globex, number: dealsImport, by: workspace.otherAdmin.userId, at: later, force: false) }
        }
        let (_, dealsUndo) = try store.transaction { try $0.undoImport(orgId: acme, number: dealsImport, by: admin, at: later, force: true) }
        #expect(dealsUndo.deleted == 1 && dealsUndo.restored == 1)
        let restored = try #require(try store.snapshot { try $0.fetch(Deal.self, id: deal.id ?? 0, orgId: acme) })
        #expect(restored.value == 123_405 && restored.stage == .proposal && restored.probability == 50 && restored.closeDate == "2026-03-15")
        #expect(restored.updatedAt == deal.updatedAt && restored.stageChangedAt == deal.stageChangedAt)
        let (entry, contactsUndo) = try store.transaction { try $0.undoImport(orgId: acme, number: contactsImport, by: admin, at: later, force: false) }
        #expect(entry.isUndone && entry.undoneAt == StoreTimestamp.text(Int64(later.timeIntervalSince1970)))
        #expect(contactsUndo.deleted == 2 && contactsUndo.restored == 1)
        let contact = try #require(try store.snapshot { try $0.fetch(Contact.self, id: existing.id ?? 0, orgId: acme) })
        #expect(contact.name == "Old Name" && contact.phone == nil && contact.updatedAt == existing.updatedAt)
        #expect(try store.snapshot { try $0.contactIDs(orgId: acme).count } == 1)
        #expect(throws: StoreError.self) {
            try store.transaction { _ = try $0.undoImport(orgId: acme, number: contactsImport, by: admin, at: later, force: false) }
        }
        #expect(try store.snapshot { try $0.imports(orgId: acme).map(\.isUndone) } == [true, true])
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anImportOfActionsIsLoggedAndUndoneAndLeadKeysHashAlike(kind: StoreUnderTest) throws {
        let (workspace, _) = try Self.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let jose = try #require(workspace.acmeLead.id)
        var keys: [(Int, UInt64, Int64)] = []
        var emails: [(String, Int64)] = []
        try store.snapshot { reader throws in
            try reader.forEachLeadDuplicateKey(orgId: acme) { kind, hash, id in keys.append((kind, hash, id)) }
            try reader.forEachLeadEmail(orgId: acme) { bytes, id in emails.append((String(decoding: bytes, as: UTF8.self), id)) }
            #expect(try reader.leadIDs(orgId: acme) == [jose])
            #expect(try reader.leadsHaveExternalIDs())
        }
        #expect(keys.contains { $0.0 == 0 && $0.1 == DuplicateKey.hash("jose@initech.example") && $0.2 == jose })
        #expect(emails.map(\.0) == ["jose@initech.example"] && emails.map(\.1) == [jose])
        let later = Self.now.addingTimeInterval(3_600)
        let (number, refused) = try store.transaction { tx -> (Int64, [(line: Int, message: String)]) in
            let writer = try tx.beginActionImport(orgId: acme, userId: workspace.admin.userId, file: "actions.csv", at: later)
            defer { writer.close() }
            var batch = ActionImportBatch()
            batch.append(leadId: jose, type: .demoRequest, milliseconds: Int64(later.timeIntervalSince1970 * 1000), metadata: #"{"page":"/pricing"}"#, line: 2)
            batch.append(leadId: 987_654, type: .call, milliseconds: Int64(later.timeIntervalSince1970 * 1000), line: 3)
            batch.append(leadId: jose, type: .call, milliseconds: Int64(later.timeIntervalSince1970 * 1000) - 1_000, line: 4)
            let refused = try writer.insert(batch)
            try writer.finish(counts: #"{"created":2}"#)
            return (writer.number, refused)
        }
        #expect(refused.map(\.line) == [3])
        #expect(try store.snapshot { try $0.importEntry(orgId: acme, number: number)?.entity } == .actions)
        #expect(try store.snapshot { try $0.fetch(Lead.self, id: jose, orgId: acme)?.lastActionAt } == later)
        let (_, result) = try store.transaction { try $0.undoImport(orgId: acme, number: number, by: nil, at: later, force: false) }
        #expect(result.deleted == 2 && result.leadIds == [jose])
        #expect(try store.snapshot { try $0.fetch(Lead.self, id: jose, orgId: acme)?.lastActionAt } == nil)
    }
}
