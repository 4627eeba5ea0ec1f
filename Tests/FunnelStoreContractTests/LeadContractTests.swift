import Foundation
import FunnelStore
import FunnelTestSupport
import Testing

/// The Leads domain through the contract alone, on every store: pages across equal scores, search
/// of words, parts of emails, digits and hostile text, attribute filters, merges, rescoring.
@Suite struct LeadContractTests {
    static let now = StoreContractTests.now

    /// Every page of a filter, forward from the top and backward from the end, as lists of ids.
    static func walk(_ store: any Store, orgId: Int64, filter: LeadFilter, pageSize: Int) throws -> (forward: [Int64], backward: [Int64]) {
        var forward: [LeadListItem] = []
        var key: LeadPageKey?
        repeat {
            let page = try store.snapshot { try $0.leads(orgId: orgId, filter: filter, after: key, limit: pageSize) }
            forward += page
            key = page.count == pageSize ? page.last?.pageKey : nil
        } while key != nil
        var backward: [LeadListItem] = []
        key = nil
        repeat {
            let page = try store.snapshot { try $0.leads(orgId: orgId, filter: filter, before: key, limit: pageSize) }
            backward = page + backward
            key = page.count == pageSize ? page.first?.pageKey : nil
        } while key != nil
        return (forward.map(\.id), backward.map(\.id))
    }

    @Test(arguments: StoreUnderTest.allCases)
    func pagesCrossRunsOfEqualScoresInScoreThenIdOrder(kind: StoreUnderTest) throws {
        let (workspace, _) = try StoreContractTests.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        // Three scores only: every page boundary falls inside a run of equal scores.
        let ids = try StoreContractTests.insert((0..<41).map { StoreContractTests.lead(acme, $0, score: [70, 40, 40, 10][$0 % 4]) }, into: store)
        let expected = try store.snapshot { reader in
            try (ids + [workspace.acmeLead.id ?? 0]).map { try reader.require(Lead.self, id: $0, orgId: acme) }
        }.sorted { $0.score != $1.score ? $0.score > $1.score : ($0.id ?? 0) < ($1.id ?? 0) }.map { $0.id ?? 0 }
        for size in [1, 4, 7, 50] {
            let (forward, backward) = try Self.walk(store, orgId: acme, filter: LeadFilter(), pageSize: size)
            #expect(forward == expected, "page size \(size)")
            #expect(backward == expected, "page size \(size)")
        }
        // A page after a key in the middle of a run starts right after it.
        let key = LeadPageKey(score: 40, id: expected[15])
        let page = try store.snapshot { try $0.leads(orgId: acme, filter: LeadFilter(), after: key, limit: 5) }
        #expect(page.map(\.id) == Array(expected[16..<21]))
        let before = try store.snapshot { try $0.leads(orgId: acme, filter: LeadFilter(), before: key, limit: 5) }
        #expect(before.map(\.id) == Array(expected[10..<15]))
    }

    @Test(arguments: StoreUnderTest.allCases)
    func searchFindsNamesEmailPartsAndPhonesAndCountsThem(kind: StoreUnderTest) throws {
        let (workspace, _) = try StoreContractTests.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let jose = try #require(workspace.acmeLead.id)
        var maria = StoreContractTests.lead(acme, 1, score: 50, status: .qualified, name: "María Fernández")
        maria.email = "maria.garcia87@mail.example"
        maria.phone = "+33 1 23 45 67 89"
        let others = try StoreContractTests.insert([maria] + (2..<12).map { StoreContractTests.lead(acme, $0, score: $0, name: "Garcia \($0)") },
                                                   into: store)
        try StoreContractTests.insert([StoreContractTests.lead(globex, 1, name: "Garcia Globex")], into: store)
        try store.snapshot { reader throws in
            // A part of an email is a word; digits in a word must appear as typed.
            #expect(try reader.searchLeadIDs("initech", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("mail", orgId: acme) == [others[0]])
            #expect(try reader.searchLeadIDs("garcia87", orgId: acme) == [others[0]])
            #expect(try reader.searchLeadIDs("garcia88", orgId: acme).isEmpty)
            #expect(try reader.searchLeadIDs("fernandez maria", orgId: acme) == [others[0]])
            // Digits alone: the start of a phone number, as typed or read as North American.
            #expect(try reader.searchLeadIDs("415 555", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("+33 1 23", orgId: acme) == [others[0]])
            #expect(try reader.searchLeadIDs("0033 1", orgId: acme) == [others[0]])
            #expect(try reader.searchLeadIDs("999", orgId: acme).isEmpty)
            // Counts of a search, alone and with other filters, per status.
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(search: "garcia")) == 12)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(search: "garcia"), cap: 5) == 5)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(status: .qualified, search: "garc")) == 1)
            #expect(try reader.searchMatchCount(orgId: acme, search: "garcia", cap: 100) == 12)
            #expect(try reader.searchStatusCounts(orgId: acme, search: "garcia", cap: 100) == [.new: 11, .qualified: 1])
            #expect(try reader.searchStatusCounts(orgId: acme, search: "garcia", cap: 5) == nil)
            #expect(try reader.searchMatchCount(orgId: globex, search: "garcia", cap: 100) == 1)
            // Pages of a search are ranked by score, and walk forward and back alike.
            let first = try reader.leads(orgId: acme, filter: LeadFilter(search: "garcia"), after: nil, limit: 3)
            #expect(first.map(\.id) == [others[0], others[10], others[9]])
            let phone = try reader.leads(orgId: acme, filter: LeadFilter(search: "415"), after: nil, limit: 10)
            #expect(phone.map(\.id) == [jose])
        }
        let (forward, backward) = try Self.walk(store, orgId: acme, filter: LeadFilter(search: "gar"), pageSize: 5)
        #expect(forward.count == 12 && Set(forward) == Set(others + [jose]))
        #expect(backward == forward)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func hostileSearchTextIsWordsOrNothingAndNeverAnError(kind: StoreUnderTest) throws {
        let (workspace, _) = try StoreContractTests.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let jose = try #require(workspace.acmeLead.id)
        let hostile = ["'", "''", "\\", "\\'", "garcia:*", "garcia & !x", "a | b", "!!", "(", ")", "<->", "garcia <-> jose", ":*", "&|!():*",
                       "jo'se", "o'brien", "\u{0}", "garcia\u{0}", "\u{7}\u{8}\u{1B}", "%", "_", "garcia%", "\"garcia\"", "'garcia'",
                       "½", "ʼ", "ﬁ", "garcia\\", "$1", "::tsquery", "'); DROP TABLE leads; --", String(repeating: "a", count: 3000),
                       "😀", "a\u{301}", "\u{10FFFF}", "+", "00", "(415)"]
        try store.snapshot { reader throws in
            for text in hostile {
                let found = try reader.searchLeadIDs(text, orgId: acme)
                #expect(found.allSatisfy { $0 == jose }, "\(text.debugDescription)")
                _ = try reader.leadCount(orgId: acme, filter: LeadFilter(search: text))
                _ = try reader.leadCount(orgId: acme, filter: LeadFilter(status: .new, search: text))
                _ = try reader.searchStatusCounts(orgId: acme, search: text, cap: 300)
                _ = try reader.leads(orgId: acme, filter: LeadFilter(search: text), after: nil, limit: 10)
                _ = try reader.leads(orgId: acme, filter: LeadFilter(search: text), before: nil, limit: 10)
            }
            // Quotes and operators around a word leave the word.
            #expect(try reader.searchLeadIDs("'garcia'", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("garcia:*", orgId: acme) == [jose])
            #expect(try reader.searchLeadIDs("(garcia)", orgId: acme) == [jose])
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func attributeValuesFilterCountAndAreSearched(kind: StoreUnderTest) throws {
        let (workspace, _) = try StoreContractTests.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let ids = try StoreContractTests.insert((0..<12).map { StoreContractTests.lead(acme, $0, score: 90 - $0) }, into: store)
        let attributes = try store.transaction { tx in
            try tx.ensureLeadAttributes(orgId: acme, [LeadAttributeSpec(name: "job", kind: .text), LeadAttributeSpec(name: "age", kind: .number),
                                                      LeadAttributeSpec(name: "vip", kind: .yesNo), LeadAttributeSpec(name: "notes", kind: .text, scoring: false, indexed: false)],
                                        at: Self.now)
        }
        #expect(attributes.map(\.name) == ["job", "age", "vip", "notes"])
        #expect(attributes.map(\.position) == [0, 1, 2, 3])
        try store.transaction { tx in
            for (index, id) in ids.enumerated() {
                let job = index % 3 == 0 ? "Management" : "Technician"
                try tx.rawExecuteForTests("UPDATE leads SET attributes = '{\"job\": \"\(job)\", \"age\": \(30 + index % 2), \"vip\": \(index == 4), \"notes\": \"call\"}' WHERE id = ?", id)
            }
        }
        let job = attributes[0], age = attributes[1], vip = attributes[2]
        try store.snapshot { reader throws in
            let values = try reader.attributes(ofLead: ids[4], orgId: acme)
            #expect(values.map(\.attribute.name) == ["job", "age", "vip", "notes"])
            #expect(values.map(\.value) == [.text("Technician"), .number(30), .yesNo(true), .text("call")])
            #expect(try reader.attributes(ofLead: ids[4], orgId: globex).isEmpty)
            let counts = try reader.attributeValueCounts(orgId: acme, attributeId: job.id, limit: 20)
            #expect(counts.leads == 12)
            #expect(counts.values == [AttributeValueCount(value: .text("Technician"), count: 8), AttributeValueCount(value: .text("Management"), count: 4)])
            #expect(try reader.attributeValueCounts(orgId: globex, attributeId: job.id, limit: 20).leads == 0)
            #expect(try reader.attributeValueCounts(orgId: acme, attributeId: vip.id, limit: 1).values == [AttributeValueCount(value: .yesNo(false), count: 11)])
            let management = AttributeFilter(attributeId: job.id, name: "job", value: .text("Management"))
            #expect(try reader.attributeMatchCount(management, orgId: acme, cap: 100) == 4)
            #expect(try reader.attributeMatchCount(management, orgId: acme, cap: 2) == 2)
            // Another organization's attribute id counts nothing for this one.
            #expect(try reader.attributeMatchCount(management, orgId: globex, cap: 100) == 0)
            #expect(try reader.attributeMatchCount(AttributeFilter(attributeId: age.id, name: "age", value: .number(31)), orgId: acme, cap: 100) == 6)
            #expect(try reader.attributeMatchCount(AttributeFilter(attributeId: vip.id, name: "vip", value: .yesNo(true)), orgId: acme, cap: 100) == 1)
            #expect(try reader.attributeMatchCount(AttributeFilter(attributeId: job.id, name: "job", value: .text("Man\u{0}")), orgId: acme, cap: 100) == 0)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(attribute: management)) == 4)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(status: .new, attribute: management)) == 4)
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(status: .qualified, attribute: management)) == 0)
            let page = try reader.leads(orgId: acme, filter: LeadFilter(attribute: management), after: nil, limit: 3)
            #expect(page.map(\.id) == [ids[0], ids[3], ids[6]])
            let next = try reader.leads(orgId: acme, filter: LeadFilter(attribute: management), after: page.last?.pageKey, limit: 3)
            #expect(next.map(\.id) == [ids[9]])
            // A word some text values start with finds their leads (case and accents ignored).
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(search: "managem")) == 4)
            #expect(try reader.leads(orgId: acme, filter: LeadFilter(search: "MANAGEMENT"), after: nil, limit: 10).map(\.id)
                    == [ids[0], ids[3], ids[6], ids[9]])
            #expect(try reader.searchStatusCounts(orgId: acme, search: "technician", cap: 100) == [.new: 8])
            // A value of an attribute kept out of the index is not searched.
            #expect(try reader.leadCount(orgId: acme, filter: LeadFilter(search: "call")) == 0)
        }
        try store.transaction { try $0.setLeadAttributeScoring(orgId: acme, name: "age", scoring: false) }
        #expect(throws: StoreError.self) { try store.transaction { try $0.setLeadAttributeScoring(orgId: globex, name: "age", scoring: false) } }
        let again = try store.transaction { try $0.ensureLeadAttributes(orgId: acme, [LeadAttributeSpec(name: "job", kind: .number, scoring: false)], at: Self.now) }
        #expect(again.map(\.kind) == [.text] && again.map(\.scoring) == [false] && again.map(\.id) == [job.id])
        #expect(try store.snapshot { try $0.leadAttributes(orgId: acme).map(\.scoring) } == [false, false, true, false])
    }

    @Test(arguments: StoreUnderTest.allCases)
    func mergingMovesRecordsAndUndoingGivesThemBack(kind: StoreUnderTest) throws {
        let (workspace, _) = try StoreContractTests.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId
        let jose = try #require(workspace.acmeLead.id)
        let twin = try StoreContractTests.insert([StoreContractTests.lead(acme, 1)], into: store)[0]
        let (first, second) = try store.transaction { tx -> (Int64, Int64) in
            var early = LeadAction(leadId: jose, actionType: .emailOpen, createdAt: Self.now.addingTimeInterval(-3_600))
            try tx.insert(&early)
            var late = LeadAction(leadId: jose, actionType: .meeting, createdAt: Self.now)
            try tx.insert(&late)
            try tx.record(Activity(orgId: acme, entityType: .lead, entityId: jose, action: "created", userId: nil, createdAt: Self.now))
            return (early.id ?? 0, late.id ?? 0)
        }
        #expect(try store.snapshot { try $0.leadActions(leadId: jose, orgId: acme, limit: 10).map(\.id) } == [second, first])
        #expect(try store.snapshot { try $0.leadActions(leadId: jose, orgId: acme, limit: 1).map(\.id) } == [second])
        let owners = try store.transaction { try $0.leadRecordOwners(of: [jose], orgId: acme) }
        #expect(owners.actions.count == 2 && owners.activities.count == 1 && owners.contacts.isEmpty)
        let moved = try store.transaction { try $0.moveLeadRecords(from: [jose], to: twin, orgId: acme) }
        #expect(moved.actions == 2 && moved.activities == 1 && moved.contacts == 0)
        #expect(try store.snapshot { try $0.allLeadActions(leadId: twin, orgId: acme).count } == 2)
        try store.transaction { try $0.returnLeadRecords(owners, orgId: acme) }
        #expect(try store.snapshot { try $0.allLeadActions(leadId: jose, orgId: acme).count } == 2)
        #expect(try store.snapshot { try $0.allLeadActions(leadId: twin, orgId: acme).isEmpty })
        // Deleting an action (only while it is the lead's) and keeping the last action's time.
        try store.transaction { tx in
            try tx.deleteLeadAction(id: second, leadId: twin, orgId: acme)
            try tx.deleteLeadAction(id: second, leadId: jose, orgId: acme)
            try tx.refreshLastAction(leadId: jose, orgId: acme)
        }
        let lead = try #require(try store.snapshot { try $0.fetch(Lead.self, id: jose, orgId: acme) })
        #expect(try store.snapshot { try $0.allLeadActions(leadId: jose, orgId: acme).map(\.id) } == [first])
        #expect(abs((lead.lastActionAt ?? .distantPast).timeIntervalSince(Self.now.addingTimeInterval(-3_600))) < 1)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func rescoringPassesScoreEveryLeadOfOneOrganization(kind: StoreUnderTest) throws {
        let (workspace, _) = try StoreContractTests.workspace(kind)
        let store = workspace.database
        let acme = workspace.admin.orgId, globex = workspace.otherAdmin.orgId
        let ids = try StoreContractTests.insert((0..<25).map { StoreContractTests.lead(acme, $0, score: 10) }, into: store)
        try store.transaction { tx in
            for id in ids.prefix(5) {
                var action = LeadAction(leadId: id, actionType: .demoRequest, createdAt: Self.now)
                try tx.insert(&action)
            }
            _ = try tx.ensureLeadAttributes(orgId: acme, [LeadAttributeSpec(name: "age", kind: .number)], at: Self.now)
            try tx.rawExecuteForTests("UPDATE leads SET attributes = '{\"age\": 41}' WHERE id = ?", ids[0])
        }
        // Score: 20 per action, plus the age when read.
        let rule: (LeadScoringInput, [LeadActionSample]) -> Int = { input, actions in
            let age = input.attributes.first { $0.name == "age" }.map { value -> Int in
                if case .number(let number) = value.value { return Int(number) } else { return 0 }
            } ?? 0
            return min(100, 20 * actions.count + age)
        }
        let result = try store.rescoreLeads(orgId: acme, chunkSize: 7, withAttributes: true, score: rule, progress: { _, _ in true })
        // José (score 0, no action) keeps his score.
        #expect(result.completed && result.leadsScanned == 26 && result.scoresChanged == 25)
        try store.snapshot { reader throws in
            #expect(try reader.require(Lead.self, id: ids[0], orgId: acme).score == 61)
            #expect(try reader.require(Lead.self, id: ids[1], orgId: acme).score == 20)
            #expect(try reader.require(Lead.self, id: ids[9], orgId: acme).score == 0)
            #expect(try reader.require(Lead.self, id: workspace.globexLead.id ?? 0, orgId: globex).score == workspace.globexLead.score)
        }
        // Again: nothing changes. Stopped after the first chunk: not completed.
        #expect(try store.rescoreLeads(orgId: acme, chunkSize: 7, withAttributes: true, score: rule, progress: { _, _ in true }).scoresChanged == 0)
        let stopped = try store.rescoreLeads(orgId: acme, chunkSize: 7, withAttributes: false, score: { _, _ in 5 }, progress: { _, _ in false })
        #expect(!stopped.completed && stopped.leadsScanned < 26)
        // A scan reads each lead once, in id order, with its actions; stopping throws.
        var seen: [(Int64, Int)] = []
        try store.scanLeadsForScoring(orgId: acme, withAttributes: false, chunkSize: 4, { input, actions in seen.append((input.id, actions.count)) },
                                      progress: { _, _ in true })
        #expect(seen.map(\.0) == ([workspace.acmeLead.id ?? 0] + ids).sorted())
        #expect(seen.filter { $0.1 == 1 }.map(\.0) == Array(ids.prefix(5)))
        #expect(throws: CancellationError.self) {
            try store.scanLeadsForScoring(orgId: acme, withAttributes: false, chunkSize: 4, { _, _ in }, progress: { _, _ in false })
        }
        // One lead: written only when different, never another organization's.
        #expect(try store.writeScore(77, leadId: ids[3], orgId: acme))
        #expect(try !store.writeScore(77, leadId: ids[3], orgId: acme))
        #expect(try !store.writeScore(77, leadId: ids[3], orgId: globex))
        // Rescoring given leads in a transaction, with their last action's time.
        try store.transaction { tx in try tx.rawExecuteForTests("UPDATE leads SET last_action_at = NULL WHERE id = ?", ids[1]) }
        let changed = try store.transaction { try $0.rescoreLeads(ids: [ids[1], ids[2], ids[3]], orgId: acme, lastActions: true, withAttributes: false, score: { _, actions in 30 + actions.count }) }
        #expect(changed == 3)
        #expect(try store.transaction { try $0.rescoreLeads(ids: [ids[1]], orgId: globex, lastActions: true, withAttributes: false, score: { _, _ in 99 }) } == 0)
        try store.snapshot { reader throws in
            let lead = try reader.require(Lead.self, id: ids[1], orgId: acme)
            #expect(lead.score == 31 && lead.lastActionAt != nil)
            #expect(try reader.require(Lead.self, id: ids[3], orgId: acme).score == 31)
        }
    }
}
