import Foundation
import FunnelServices
@testable import FunnelStore
import GRDB
import FunnelTestSupport
import Testing

/// A search of leads, paged by key either way, finds what a search made here in Swift finds:
/// words by prefix with diacritics ignored, digits as typed, digits alone by phone number.
@Suite struct LeadSearchTests {
    static let lastNames = ["García", "Müller", "Gardner", "佐藤", "Okafor"]
    static let companies = ["Hooli", "Initech 2000", "Pied Piper", "Garcia Foods"]

    /// 2,000 Acme leads (500 Garcías, so a search for them walks the ranking) and 50 of another
    /// organization with the same names.
    static func workspace() throws -> (TestWorkspace, [Lead]) {
        let workspace = try TestWorkspace.make()
        let leads = try workspace.database.transaction { tx -> [Lead] in
            var made: [Lead] = [workspace.acmeLead]
            func lead(_ index: Int, orgId: Int64) -> Lead {
                let last = lastNames[index % lastNames.count]
                let ascii = last.folding(options: .diacriticInsensitive, locale: nil).lowercased()
                return Lead(orgId: orgId, name: "Ana \(last)", company: companies[index % 7 % companies.count],
                            email: index % 11 == 0 ? nil : "ana.\(ascii)\(index % 97)@mail\(index % 3).example",
                            phone: index % 3 == 0 && index % 11 != 0 ? nil : "+1 415 555 \(String(format: "%04d", index))",
                            source: .website, status: LeadStatus.allCases[index % LeadStatus.allCases.count],
                            score: (index * 37) % 101, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            }
            for index in 0..<2_000 {
                var acme = lead(index, orgId: workspace.admin.orgId)
                try tx.insert(&acme)
                made.append(acme)
            }
            for index in 0..<50 {
                var other = lead(index, orgId: workspace.otherAdmin.orgId)
                try tx.insert(&other)
            }
            return made
        }
        return (workspace, leads)
    }

    static func folded(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    /// What the rules read of a lead: its words (folded, split at anything not a letter) and its text.
    struct Searchable {
        let lead: Lead
        let tokens: [String]
        let text: String

        init(_ lead: Lead) {
            self.lead = lead
            tokens = [lead.name, lead.email, lead.company].compactMap { $0 }
                .flatMap { LeadSearchTests.folded($0).split(whereSeparator: { !$0.isLetter }).map(String.init) }
            text = [lead.name ?? "", lead.email ?? "", lead.company ?? "", lead.phoneNormalized ?? ""].joined(separator: " ").lowercased()
        }

        /// Does the lead match `search`, by the rules `LeadFilter.search` documents?
        func matches(_ search: String) -> Bool {
            let words = search.split(separator: " ").map(String.init)
            let lettered = words.filter { $0.contains(where: \.isLetter) }
            guard !lettered.isEmpty else {
                // A whole number as the store reads one; else the start of its international form.
                // A part typed without a country code may also be a North American number's start.
                var digits = search.filter(\.isASCII).filter(\.isNumber)
                var readings = [digits]
                if let whole = PhoneNumber.normalized(search) { readings = [String(whole.dropFirst())] }
                else if digits.hasPrefix("00") { digits.removeFirst(2); readings = [digits] }
                else if !search.hasPrefix("+") && !digits.hasPrefix("1") { readings.append("1" + digits) }
                return !digits.isEmpty && readings.contains { lead.phoneNormalized?.hasPrefix("+" + $0) ?? false }
            }
            return lettered.allSatisfy { word in
                let letters = LeadSearchTests.folded(word).split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
                return tokens.contains { $0.hasPrefix(letters) }
            } && words.filter { $0.contains(where: \.isNumber) }.allSatisfy { word in
                // A piece of a phone number ("555-0124", "(415)") is looked for by its digits.
                let phonePiece = word.allSatisfy { $0.isNumber || "+-./()".contains($0) }
                return text.contains(phonePiece ? word.filter(\.isNumber) : word.lowercased())
            }
        }
    }

    static let searches = ["garcia", "GARC", "gar", "garcía 1", "garcia7", "hooli", "initech 2000", "1415555", "14155550124", "(415) 555-0124", "415.555.0124", "0014155550124", "415 555", "+415", "0041", "ana 555-0124", "garcia (415)",
                           "muller", "佐藤", "ana garcia foods", "zzz", "!!!"]

    @Test func pagesFindWhatTheRulesFind() throws {
        let (workspace, leads) = try Self.workspace()
        let searchable = leads.map(Searchable.init)
        let orgId = workspace.admin.orgId
        for search in Self.searches {
          for status in [nil, LeadStatus.new] {
            var filter = LeadFilter(status: status)
            filter.search = search
            let expected = searchable.filter { $0.matches(search) && (status == nil || $0.lead.status == status) }.map(\.lead)
                .sorted { ($0.score, -($0.id ?? 0)) > ($1.score, -($1.id ?? 0)) }.compactMap(\.id)
            var forward: [Int64] = []
            var key: LeadPageKey?
            while true {
                let page = try workspace.database.snapshot { try $0.leads(orgId: orgId, filter: filter, after: key, limit: 37) }
                forward += page.map(\.id)
                guard let last = page.last, page.count == 37 else { break }
                key = last.pageKey
            }
            #expect(forward == expected, "\(search) \(String(describing: status)): \(forward.count) found, \(expected.count) expected")
            var backward: [Int64] = []
            key = nil
            while true {
                let page = try workspace.database.snapshot { try $0.leads(orgId: orgId, filter: filter, before: key, limit: 41) }
                backward = page.map(\.id) + backward
                guard let first = page.first, page.count == 41 else { break }
                key = first.pageKey
            }
            #expect(backward == expected)
            let count = try workspace.database.snapshot { try $0.leadCount(orgId: orgId, filter: filter, cap: 300) }
            #expect(count == min(expected.count, 300))
          }
        }
    }

    @Test func theSearchesCoverEveryPlan() throws {
        let (workspace, leads) = try Self.workspace()
        let searchable = leads.map(Searchable.init)
        let count = { (search: String) in searchable.filter { $0.matches(search) }.count }
        // Many matches walk the ranking (full text with and without digits, a phone); few drive from the matches.
        #expect(count("garcia") >= 300 && count("garcía 1") >= 300 && count("1415555") >= 300)
        #expect((1..<300).contains(count("garcia7")) && count("14155550124") == 1 && count("佐藤") >= 300)
        #expect(count("zzz") == 0 && count("!!!") == 0)
        // "garcia7" is a word with digits: "ana.garcia7@…" and "ana.garcia70@…" match, "ana.garcia17@…" does not.
        let found = try workspace.database.snapshot { try $0.leads(orgId: workspace.admin.orgId, filter: LeadFilter(search: "garcia7"), limit: 500) }
        #expect(!found.isEmpty && found.allSatisfy { $0.lead.email?.contains("garcia7") ?? false })
        // A list reads its columns by position: the leads are the same as read by name.
        let byName = try workspace.database.snapshot { reader in try found.map { try reader.require(Lead.self, id: $0.id, orgId: workspace.admin.orgId) } }
        #expect(found.map(\.lead) == byName)
        // ... and they are the leads that were written, field by field.
        let written = Dictionary(uniqueKeysWithValues: leads.map { ($0.id!, $0) })
        #expect(found.map(\.lead) == found.map { written[$0.id]! })
    }

    @Test func aVersion4FileIsReindexedWhenOpened() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("v4.sqlite")
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v4 import log")
        try queue.write { db in
            let now = "2026-01-01 00:00:00.000"
            try db.execute(sql: "INSERT INTO organizations(id, name, slug, settings, created_at, updated_at) VALUES (1, 'Acme', 'acme', '{}', ?, ?)", arguments: [now, now])
            try db.execute(sql: """
                INSERT INTO leads(org_id, name, email, source, status, created_at, updated_at)
                VALUES (1, 'Ana García', 'ana.garcia87@hooli.example', 'import', 'new', ?, ?)
                """, arguments: [now, now])
            // Version 4 indexed "garcia87" as one word.
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM leads_fts WHERE leads_fts MATCH 'garcia87'") == 1)
        }
        try queue.close()
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() == 9)
        // The index was made again with digits as separators, and rebuilt from the leads.
        let reader = try DatabaseQueue(path: path)
        try reader.inDatabase { db in
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'leads_fts'")
            #expect(sql?.contains("separators '0123456789'") == true)
            try db.execute(sql: "CREATE VIRTUAL TABLE temp.leads_terms USING fts5vocab(main, leads_fts, row)")
            #expect(try String.fetchAll(db, sql: "SELECT term FROM temp.leads_terms ORDER BY term") == ["ana", "example", "garcia", "hooli"])
        }
        try reader.close()
        for search in ["garcia", "garcia87", "87", "hooli.example"] {
            #expect(try database.snapshot { try $0.searchLeadIDs(search, orgId: 1) }.count == (search == "87" ? 0 : 1), "\(search)")
        }
        #expect(try database.snapshot { try $0.searchLeadIDs("garcia88", orgId: 1) }.isEmpty)
    }
}

/// Schema v6: leads, deals and content carry a version the database raises on each change a person makes.
@Suite struct RecordVersionTests {
    @Test func aVersion5FileKeepsEveryRowAndStartsAtVersion1() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("v5.sqlite")
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v5 leads search words")
        try queue.write { db in
            let now = "2026-01-01 00:00:00.000"
            try db.execute(sql: "INSERT INTO organizations(id, name, slug, settings, created_at, updated_at) VALUES (1, 'Acme', 'acme', '{}', ?, ?)", arguments: [now, now])
            for index in 1...50 {
                try db.execute(sql: """
                    INSERT INTO leads(org_id, name, email, source, status, score, created_at, updated_at)
                    VALUES (1, ?, ?, 'website', 'new', ?, ?, ?)
                    """, arguments: ["Lead \(index)", "lead\(index)@acme.example", index, now, now])
            }
        }
        let before = try queue.read { db in try Row.fetchAll(db, sql: "SELECT id, name, email, score FROM leads ORDER BY id") }
        try queue.close()
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() == 9)
        let reader = try DatabaseQueue(path: path)
        let (after, atVersion1) = try reader.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, name, email, score FROM leads ORDER BY id"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM leads WHERE version = 1"))
        }
        #expect(after == before)
        #expect(atVersion1 == 50)
        try reader.close()
        // A change a person makes raises it; a score, or writing the same value again, does not.
        try database.transaction { tx in
            var lead = try tx.require(Lead.self, id: 1, orgId: 1)
            lead.status = .contacted
            try tx.update(lead)
            lead = try tx.require(Lead.self, id: 1, orgId: 1)
            #expect(lead.version == 2)
            try tx.update(lead)
            #expect(try tx.require(Lead.self, id: 1, orgId: 1).version == 2)
        }
        _ = try database.writeScore(99, leadId: 1, orgId: 1)
        #expect(try database.snapshot { try $0.require(Lead.self, id: 1, orgId: 1) }.version == 2)
    }
}
