import Foundation
import FunnelServices
@testable import FunnelStore
import FunnelTestSupport
import GRDB
import Testing

/// Leads filtered by an attribute value, and found by `/` through their text attribute values:
/// pages either way and counts are what a filter made here in Swift finds, through the plans
/// that read the value index (never the whole table).
@Suite struct LeadAttributeTests {
    static let syllables = ["ka", "lo", "mi", "nu", "sa", "te", "vi", "ro"]

    /// A city of a free-text column (more than 256 distinct values): lower-case for even leads,
    /// capitalized for odd ones.
    static func city(_ index: Int) -> String {
        let number = index % 400
        let word = syllables[number % 8] + syllables[number / 8 % 8] + syllables[number / 64 % 8]
        return index % 2 == 0 ? word : word.prefix(1).uppercased() + word.dropFirst()
    }

    static func job(_ index: Int) -> String {
        if index % 97 == 0 { return "Management" }
        switch index % 10 {
        case 0...4: return "management"
        case 5...7: return "Técnico"
        case 8: return "blue-collar"
        default: return index % 20 == 9 ? "retired" : "admin."
        }
    }

    /// The search workspace's 2,000 Acme leads (and 50 of Globex) with attributes: a job (1,000
    /// hold "management"; 50 "retired"), a city among 400 spellings, an age, a yes/no and a date;
    /// every 13th lead has none. Globex's leads all have job "management" (an attribute of its own).
    static func workspace() throws -> (TestWorkspace, [Lead], [Int64: [AttributeEntry]]) {
        let (workspace, leads) = try LeadSearchTests.workspace()
        var values: [Int64: [AttributeEntry]] = [:]
        for (index, lead) in leads.enumerated() where index % 13 != 0 {
            values[lead.id!] = [
                AttributeEntry("job", .text(job(index))), AttributeEntry("city", .text(city(index))),
                AttributeEntry("age", .number(index % 7 == 0 ? 30.5 : Double(18 + index % 60))),
                AttributeEntry("member", .yesNo(index % 3 == 0)), AttributeEntry("joined", .date("2024-0\(1 + index % 9)-15")),
            ]
        }
        try LeadAttributesFixture.write(workspace.database, orgId: workspace.admin.orgId, specs: [
            LeadAttributeSpec(name: "job", kind: .text), LeadAttributeSpec(name: "city", kind: .text), LeadAttributeSpec(name: "age", kind: .number),
            LeadAttributeSpec(name: "member", kind: .yesNo), LeadAttributeSpec(name: "joined", kind: .date),
        ], values: values)
        let globex = try workspace.database.snapshot { reader in
            try reader.leads(orgId: workspace.otherAdmin.orgId, filter: LeadFilter(), limit: 100).map(\.id)
        }
        try LeadAttributesFixture.write(workspace.database, orgId: workspace.otherAdmin.orgId, specs: [LeadAttributeSpec(name: "job", kind: .text)],
                                        values: Dictionary(uniqueKeysWithValues: globex.map { ($0, [AttributeEntry("job", .text("management"))]) }))
        return (workspace, leads, values)
    }

    /// Best score first, then by id: the ranking's order.
    static func ranked(_ leads: [Lead]) -> [Int64] {
        leads.sorted { ($0.score, -($0.id ?? 0)) > ($1.score, -($1.id ?? 0)) }.compactMap(\.id)
    }

    /// Every page forward and backward, and the count: each must be `expected`.
    /// With `plan`, an attribute filter's pages and counts are read the way it says, whatever the value's share.
    static func checkPages(_ database: AppDatabase, orgId: Int64, filter: LeadFilter, expected: [Int64], limit: Int = 37,
                           plan: StoreReader.AttributePlan = .sized, _ comment: String) throws {
        var forward: [Int64] = []
        var key: LeadPageKey?
        while true {
            let page = try database.sqliteSnapshot { try $0.leads(orgId: orgId, filter: filter, key: key, forward: true, limit: limit, plan: plan) }
            forward += page.map(\.id)
            guard let last = page.last, page.count == limit else { break }
            key = last.pageKey
        }
        #expect(forward == expected, "\(comment): \(forward.count) found forward, \(expected.count) expected")
        var backward: [Int64] = []
        key = nil
        while true {
            let page = try database.sqliteSnapshot { try $0.leads(orgId: orgId, filter: filter, key: key, forward: false, limit: limit + 4, plan: plan) }
                .reversed()
            backward = page.map(\.id) + backward
            guard let first = page.first, page.count == limit + 4 else { break }
            key = first.pageKey
        }
        #expect(backward == expected, "\(comment): \(backward.count) found backward")
        for cap in [300, 10_000] {
            let count = try database.sqliteSnapshot { try $0.leadCount(orgId: orgId, filter: filter, cap: cap, plan: plan) }
            #expect(count == min(expected.count, cap), "\(comment): counted \(count) under \(cap)")
        }
    }

    // MARK: - The attribute filter

    @Test func anAttributeValueFiltersEveryPageAndCount() throws {
        let (workspace, leads, values) = try Self.workspace()
        let orgId = workspace.admin.orgId
        let attributes = try workspace.database.snapshot { try $0.leadAttributes(orgId: orgId) }
        #expect(attributes.map(\.name) == ["job", "city", "age", "member", "joined"])
        let byName = Dictionary(uniqueKeysWithValues: attributes.map { ($0.name, $0) })
        let cases: [(String, AttributeValue)] = [("job", .text("management")), ("job", .text("retired")), ("job", .text("Técnico")),
                                                 ("age", .number(30.5)), ("age", .number(20)), ("member", .yesNo(true)),
                                                 ("joined", .date("2024-03-15")), ("job", .text("nobody"))]
        for (name, value) in cases {
            let attribute = try #require(byName[name])
            for (status, search) in [(nil, nil), (LeadStatus.new, nil), (nil, "ana"), (nil, "garcia7")] as [(LeadStatus?, String?)] {
                let filter = LeadFilter(status: status, search: search, attribute: AttributeFilter(attributeId: attribute.id, name: name, value: value))
                let expected = Self.ranked(leads.filter { lead in
                    (values[lead.id!]?.contains(AttributeEntry(name, value)) ?? false) && (status == nil || lead.status == status)
                        && (search.map { LeadSearchTests.Searchable(lead).matches($0) } ?? true)
                })
                // As sized for this value, then each way whatever its size: driven, a set walked, tested on each lead.
                let plans: [StoreReader.AttributePlan] = [.sized, .init(drivenLimit: .max, setLimit: .max), .init(drivenLimit: 0, setLimit: .max),
                                                          .init(drivenLimit: 0, setLimit: 0)]
                for plan in plans {
                    try Self.checkPages(workspace.sqlite, orgId: orgId, filter: filter, expected: expected, plan: plan,
                                        "\(name) = \(value) \(String(describing: status)) \(search ?? "") \(plan)")
                }
            }
        }
    }

    @Test func anAttributesMostCommonValuesAreCountedFromTheIndex() throws {
        let (workspace, _, values) = try Self.workspace()
        let orgId = workspace.admin.orgId
        let job = try #require(try workspace.database.snapshot { try $0.leadAttributes(orgId: orgId) }.first)
        let (counts, total) = try workspace.database.snapshot { try $0.attributeValueCounts(orgId: orgId, attributeId: job.id, limit: 3) }
        var expected: [String: Int] = [:]
        for entries in values.values { if case .text(let text)? = entries.first?.value { expected[text, default: 0] += 1 } }
        #expect(total == values.count)
        #expect(counts.map(\.value) == [.text("management"), .text("Técnico"), .text("blue-collar")])
        #expect(counts.map(\.count) == ["management", "Técnico", "blue-collar"].map { expected[$0] ?? 0 })
    }

    // MARK: - Search

    /// Does the lead match `search`: each word with a letter by the lead's text (the rules of
    /// `LeadSearchTests`) or, without a digit, by a text attribute value starting with it (case and
    /// diacritics ignored); each other word with digits as typed in its text.
    static func matches(_ lead: Lead, texts: [String], _ search: String) -> Bool {
        let searchable = LeadSearchTests.Searchable(lead)
        let words = search.split(separator: " ").map(String.init)
        guard words.contains(where: { $0.contains(where: \.isLetter) }) else { return searchable.matches(search) }
        return words.allSatisfy { word in
            if word.contains(where: \.isLetter) {
                let folded = LeadSearchTests.folded(word)
                return searchable.matches(word)
                    || (!word.contains(where: \.isNumber) && texts.contains { LeadSearchTests.folded($0).hasPrefix(folded) })
            }
            guard word.contains(where: \.isNumber) else { return true }
            let phonePiece = word.allSatisfy { $0.isNumber || "+-./()".contains($0) }
            return searchable.text.contains(phonePiece ? word.filter(\.isNumber) : word.lowercased())
        }
    }

    static func texts(_ entries: [AttributeEntry]?) -> [String] {
        (entries ?? []).compactMap { if case .text(let text) = $0.value { return text } else { return nil } }
    }

    static let searches = ["management", "MANAG", "tecnico", "técn", "blue-collar", "retired", "admin.", "ana management", "garcia retired",
                           "retired garcia 5", "kalo", "Kalo", "KALOMI", "sa", "garcia", "garcia7", "1415555", "zzz", "management 1"]

    @Test func aSearchWordFindsTextAttributeValuesItStarts() throws {
        let (workspace, leads, values) = try Self.workspace()
        let orgId = workspace.admin.orgId
        for search in Self.searches {
            for status in [nil, LeadStatus.new] {
                let expected = Self.ranked(leads.filter { lead in
                    Self.matches(lead, texts: Self.texts(values[lead.id!]), search) && (status == nil || lead.status == status)
                })
                try Self.checkPages(workspace.sqlite, orgId: orgId, filter: LeadFilter(status: status, search: search), expected: expected,
                                    "\(search) \(String(describing: status))")
            }
            let matched = leads.filter { Self.matches($0, texts: Self.texts(values[$0.id!]), search) }
            let count = try workspace.database.snapshot { try $0.searchMatchCount(orgId: orgId, search: search, cap: 300) }
            #expect(count == min(matched.count, 300), "\(search)")
            let byStatus = try workspace.database.snapshot { try $0.searchStatusCounts(orgId: orgId, search: search, cap: 300) }
            if matched.count < 300 {
                #expect(byStatus == Dictionary(grouping: matched, by: \.status).mapValues(\.count), "\(search)")
            } else {
                #expect(byStatus == nil, "\(search)")
            }
        }
        // Globex's 51 leads hold "management" too: never found from Acme (and the other way round).
        let globex = try workspace.database.snapshot { try $0.leadCount(orgId: workspace.otherAdmin.orgId, filter: LeadFilter(search: "management")) }
        #expect(globex == 51)
    }

    @Test func aWordsValuesAreFoundByComparingDistinctValuesOrByRanges() throws {
        let (workspace, _, _) = try Self.workspace()
        let orgId = workspace.admin.orgId
        let terms = try workspace.sqlite.sqliteSnapshot { try $0.searchTerms("manag ana KALO zzz 7", orgId: orgId) }
        // "ana" and "zzz" are no value's start: they stay full-text words.
        #expect(terms.fullText == "\"ana\"* \"zzz\"*")
        #expect(terms.attributed.map(\.fullText) == ["\"manag\"*", "\"KALO\"*"])
        // job has a few distinct values, compared folded; city has 400 spellings, read by ranges
        // (as typed, lower-case, capitalized, upper-case).
        #expect(terms.attributed[0].values.map(\.values) == [["Management", "management"]])
        let cities = try #require(terms.attributed[1].values.first?.values)
        #expect(cities.count == Set(cities).count && Set(cities) == Set((0..<400).map(Self.city).filter { $0.lowercased().hasPrefix("kalo") }))
        #expect(terms.attributed.filter(\.isSmall).count == 2)
        #expect(try workspace.sqlite.sqliteSnapshot { try $0.searchTerms("management", orgId: workspace.otherAdmin.orgId) }.attributed.count == 1)
    }

    /// The plans of an attribute search read the value index by attribute and value, and the
    /// leads by id or through the ranking's index: never a whole table.
    @Test func attributeSearchPlansNeverScanATable() throws {
        let (workspace, _, _) = try Self.workspace()
        let orgId = workspace.admin.orgId
        let plans = try workspace.sqlite.sqliteSnapshot { reader in
            var plans: [(String, [String])] = []
            for search in ["retired", "management", "ana management"] {
                let terms = try reader.searchTerms(search, orgId: orgId)
                for driven in [true, false] {
                    var forced = terms
                    if !driven { for index in forced.attributed.indices { forced.attributed[index].isSmall = false } }
                    let (conditions, arguments) = reader.leadConditions(orgId: orgId, filter: LeadFilter(search: search), terms: forced, searchDriven: driven)
                    let sql = "SELECT leads.id FROM leads WHERE \(conditions.joined(separator: " AND ")) ORDER BY leads.score DESC, leads.id LIMIT 50"
                    let rows = try Row.fetchAll(reader.db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
                    plans.append(("\(search) driven \(driven)", rows.map { $0["detail"] as String }))
                }
            }
            return plans
        }
        #expect(plans.count == 6)
        for (name, steps) in plans {
            // A scan is of the full-text index's matches or of an index, never of a table.
            for step in steps where step.hasPrefix("SCAN ") {
                #expect(step.contains("VIRTUAL TABLE") || step.contains("USING INDEX") || step.contains("USING COVERING INDEX"),
                        "\(name): \(steps.joined(separator: " | "))")
            }
            #expect(steps.contains { $0.contains("lead_attribute_values") || $0.hasPrefix("SEARCH v ") }, "\(name): \(steps)")
        }
    }

    /// A value held by more than 10,000 leads is tested lead by lead down the ranking (a point
    /// lookup in the value index each) instead of read whole: the pages and counts are the same.
    @Test func aCommonValueIsTestedOnEachLeadOfTheWalk() throws {
        let workspace = try TestWorkspace.make()
        let orgId = workspace.admin.orgId
        let leads = try workspace.database.transaction { tx -> [Lead] in
            var made: [Lead] = []
            for index in 0..<10_600 {
                var lead = Lead(orgId: orgId, name: index % 5 == 0 ? "Ana Ruiz" : "Bo Lind", email: "p\(index)@mail.example", source: .website,
                                status: LeadStatus.allCases[index % LeadStatus.allCases.count], score: (index * 37) % 101,
                                createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&lead)
                made.append(lead)
            }
            return made
        }
        var values: [Int64: [AttributeEntry]] = [:]
        for (index, lead) in leads.enumerated() where index % 50 != 0 {
            values[lead.id!] = [AttributeEntry("job", .text(index % 1_000 == 1 ? "Manager" : "management"))]
        }
        try LeadAttributesFixture.write(workspace.database, orgId: orgId, specs: [LeadAttributeSpec(name: "job", kind: .text)], values: values)
        let terms = try workspace.sqlite.sqliteSnapshot { try $0.searchTerms("manag", orgId: orgId) }
        #expect(terms.attributed.count == 1 && !terms.attributed[0].isSmall)
        for search in ["manag", "ana manag", "manager"] {
            let expected = Self.ranked(leads.filter { Self.matches($0, texts: Self.texts(values[$0.id!]), search) })
            let filter = LeadFilter(search: search)
            // The first pages and the last ones, and the count.
            var forward: [Int64] = []
            var key: LeadPageKey?
            for _ in 0..<3 {
                let page = try workspace.database.snapshot { try $0.leads(orgId: orgId, filter: filter, after: key, limit: 50) }
                forward += page.map(\.id)
                guard let last = page.last else { break }
                key = last.pageKey
            }
            #expect(forward == Array(expected.prefix(150)), "\(search)")
            let last = try workspace.database.snapshot { try $0.leads(orgId: orgId, filter: filter, before: nil, limit: 50) }
            #expect(last.map(\.id) == Array(expected.suffix(50)), "\(search)")
            #expect(try workspace.database.snapshot { try $0.leadCount(orgId: orgId, filter: filter, cap: 300) } == min(300, expected.count))
        }
    }
}
