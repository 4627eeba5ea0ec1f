import Foundation

// The Leads domain's writes on PostgreSQL (merging, undoing, actions, attributes, rescoring) and
// the store's chunked scoring passes, as the SQLite store does them (`StoreAccess.swift`,
// `ActionImport.swift`, `AttributeRequests.swift`, `LeadScoringPass.swift`).

extension PostgresWriter: LeadWriting {
    func moveLeadRecords(from sources: [Int64], to target: Int64, orgId: Int64) throws -> (actions: Int, activities: Int, contacts: Int) {
        guard !sources.isEmpty else { return (0, 0, 0) }
        let ids = Self.placeholders(sources.count, from: 3)
        let actions = try execute("""
            UPDATE lead_actions SET lead_id = $1 WHERE lead_id IN (\(ids)) AND lead_id IN (SELECT id FROM leads WHERE org_id = $2)
            """, [target, orgId] + sources)
        // Activities are append-only: their lead moves through the database's own function.
        let history = try all("SELECT id FROM activities WHERE org_id = $1 AND entity_type = 'lead' AND entity_id IN (\(Self.placeholders(sources.count, from: 2)))",
                              [orgId] + sources) { try $0.int(0) }
        let activities = try moveHistory(history, to: target)
        let contacts = try execute("UPDATE contacts SET lead_id = $1 WHERE org_id = $2 AND lead_id IN (\(ids))", [target, orgId] + sources)
        return (actions, activities, contacts)
    }

    func leadRecordOwners(of leadIds: [Int64], orgId: Int64) throws -> LeadRecordOwners {
        guard !leadIds.isEmpty else { return LeadRecordOwners() }
        let ids = Self.placeholders(leadIds.count, from: 2)
        func pairs(_ sql: String) throws -> [LeadRecordOwners.Pair] {
            try all(sql, [orgId] + leadIds) { LeadRecordOwners.Pair(id: try $0.int(0), leadId: try $0.int(1)) }
        }
        return LeadRecordOwners(
            actions: try pairs("""
                SELECT lead_actions.id, lead_actions.lead_id FROM lead_actions JOIN leads ON leads.id = lead_actions.lead_id
                WHERE leads.org_id = $1 AND lead_actions.lead_id IN (\(ids)) ORDER BY lead_actions.id
                """),
            activities: try pairs("SELECT id, entity_id FROM activities WHERE org_id = $1 AND entity_type = 'lead' AND entity_id IN (\(ids)) ORDER BY id"),
            contacts: try pairs("SELECT id, lead_id FROM contacts WHERE org_id = $1 AND lead_id IN (\(ids)) ORDER BY id"))
    }

    func returnLeadRecords(_ owners: LeadRecordOwners, orgId: Int64) throws {
        for pair in owners.actions {
            try execute("UPDATE lead_actions SET lead_id = $1 WHERE id = $2 AND lead_id IN (SELECT id FROM leads WHERE org_id = $3)",
                        [pair.leadId, pair.id, orgId])
        }
        for (lead, pairs) in Dictionary(grouping: owners.activities, by: \.leadId) {
            try moveHistory(pairs.map(\.id), to: lead)
        }
        for pair in owners.contacts {
            try execute("UPDATE contacts SET lead_id = $1 WHERE id = $2 AND org_id = $3", [pair.leadId, pair.id, orgId])
        }
    }

    /// Points activities at another lead of their organization (`funnel_move_lead_history`,
    /// which checks `leads.merge`); how many moved.
    @discardableResult
    func moveHistory(_ activityIds: [Int64], to lead: Int64) throws -> Int {
        guard !activityIds.isEmpty else { return 0 }
        let array = "{" + activityIds.map(String.init).joined(separator: ",") + "}"
        return Int(try scalar(Int64.self, "SELECT funnel_move_lead_history($1::bigint[], $2)::bigint", [array, lead]) ?? 0)
    }

    func deleteLeadAction(id: Int64, leadId: Int64, orgId: Int64) throws {
        try execute("DELETE FROM lead_actions WHERE id = $1 AND lead_id = $2 AND lead_id IN (SELECT id FROM leads WHERE org_id = $3)",
                    [id, leadId, orgId])
    }

    func refreshLastAction(leadId: Int64, orgId: Int64) throws {
        try execute("UPDATE leads SET last_action_at = (SELECT max(created_at) FROM lead_actions WHERE lead_id = $1) WHERE id = $1 AND org_id = $2",
                    [leadId, orgId])
    }

    func rescoreLeads(ids: [Int64], orgId: Int64, lastActions: Bool, withAttributes: Bool,
                      score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int {
        var changed = 0
        var start = 0
        // A chunk of leads and their actions is read in two queries (no query per lead).
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + Self.idsPerStatement, ids.count)])
            start += chunk.count
            let placeholders = Self.placeholders(chunk.count, from: 2)
            // With `lastActions`, whether the lead's last action time differs from its newest action's
            // (compared in the database, to the microsecond it keeps).
            let stale = lastActions
                ? "(SELECT max(created_at) FROM lead_actions WHERE lead_id = leads.id) IS DISTINCT FROM leads.last_action_at AND EXISTS (SELECT 1 FROM lead_actions WHERE lead_id = leads.id)"
                : "false"
            let leads = try all("""
                SELECT \(Self.scoringColumns(withAttributes: withAttributes)), \(stale) FROM leads WHERE org_id = $1 AND id IN (\(placeholders))
                """, [orgId] + chunk) { row in (try Self.scoringInput(row, withAttributes: withAttributes), try row.bool(9)) }
            let byID = Dictionary(leads.map { ($0.0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let actions = try scoringActions("lead_id IN (\(Self.placeholders(chunk.count, from: 1)))", chunk)
            var scores: [(id: Int64, score: Int)] = []
            var staleIDs: [Int64] = []
            for id in chunk {
                guard let (input, isStale) = byID[id] else { continue }
                let newScore = score(input, actions[id] ?? [])
                if newScore != input.score {
                    scores.append((id, newScore))
                    changed += 1
                }
                if isStale { staleIDs.append(id) }
            }
            try writeScores(scores, orgId: orgId)
            if !staleIDs.isEmpty {
                try execute("""
                    UPDATE leads SET last_action_at = (SELECT max(created_at) FROM lead_actions WHERE lead_id = leads.id)
                    WHERE org_id = $1 AND id IN (\(Self.placeholders(staleIDs.count, from: 2)))
                    """, [orgId] + staleIDs)
            }
        }
        return changed
    }

    /// At most this many ids a statement (PostgreSQL takes at most 65,535 parameters).
    static let idsPerStatement = 1_000

    /// Writes scores (lead id, new score), a statement per thousand; only the organization's
    /// leads when `orgId` is given.
    func writeScores(_ scores: [(id: Int64, score: Int)], orgId: Int64?) throws {
        var start = 0
        while start < scores.count {
            let batch = scores[start..<min(start + Self.idsPerStatement, scores.count)]
            start += batch.count
            var arguments = PGArguments()
            let rows = batch.map { "(\(arguments.add($0.id))::bigint, \(arguments.add($0.score))::integer)" }.joined(separator: ", ")
            let scope = orgId.map { " AND leads.org_id = \(arguments.add($0))" } ?? ""
            try execute("UPDATE leads SET score = v.score FROM (VALUES \(rows)) AS v(id, score) WHERE leads.id = v.id\(scope)", arguments.values)
        }
    }

    func ensureLeadAttributes(orgId: Int64, _ specs: [LeadAttributeSpec], at now: Date) throws -> [LeadAttribute] {
        var existing = Dictionary(try leadAttributes(orgId: orgId).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var position = (existing.values.map(\.position).max() ?? -1) + 1
        // Whole seconds, as the SQLite store writes the time.
        let seconds = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        var result: [LeadAttribute] = []
        for spec in specs {
            if var attribute = existing[spec.name] {
                if !spec.scoring && attribute.scoring {
                    try execute("UPDATE lead_attributes SET scoring = false WHERE id = $1 AND org_id = $2", [attribute.id, orgId])
                    attribute.scoring = false
                    existing[spec.name] = attribute
                }
                result.append(attribute)
                continue
            }
            // The id is the database's (no role writes one).
            guard let id = try scalar(Int64.self, """
                INSERT INTO lead_attributes(org_id, name, kind, scoring, position, indexed, created_at) VALUES ($1, $2, $3, $4, $5::integer, $6, $7)
                RETURNING id
                """, [orgId, spec.name, spec.kind.rawValue, spec.scoring, position, spec.indexed, seconds]) else {
                throw StoreError.constraint("the database did not store the attribute \(spec.name)")
            }
            let attribute = LeadAttribute(id: id, orgId: orgId, name: spec.name, kind: spec.kind, scoring: spec.scoring, position: position,
                                          indexed: spec.indexed)
            position += 1
            existing[spec.name] = attribute
            result.append(attribute)
        }
        return result
    }

    func setLeadAttributeScoring(orgId: Int64, name: String, scoring: Bool) throws {
        if try execute("UPDATE lead_attributes SET scoring = $1 WHERE org_id = $2 AND name = $3", [scoring, orgId, name]) == 0 {
            throw StoreError.notFound(entity: "attribute", id: 0)
        }
    }
}

// MARK: - Reading leads for scoring

extension PostgresReader {
    /// The columns a scoring read selects from `leads`, in the order `scoringInput` reads them:
    /// the attributes' JSON only when asked.
    static func scoringColumns(withAttributes: Bool) -> String {
        "id, source, email, phone IS NOT NULL, company IS NOT NULL, product_id IS NOT NULL, score, status, "
            + (withAttributes ? "attributes::text" : "NULL::text")
    }

    /// What scoring reads of a lead, from the columns `scoringColumns` names (from position 0).
    static func scoringInput(_ row: PGRow, withAttributes: Bool) throws -> LeadScoringInput {
        var input = LeadScoringInput(id: try row.int(0), source: LeadSource(rawValue: try row.string(1)) ?? .other, email: try row.optionalString(2),
                                     hasPhone: try row.bool(3), hasCompany: try row.bool(4), hasProduct: try row.bool(5), score: Int(try row.int(6)),
                                     status: LeadStatus(rawValue: try row.string(7)) ?? .new)
        if withAttributes, let json = try row.optionalString(8) { input.attributes = scoringAttributes(json) }
        return input
    }

    /// A lead's attributes as scoring reads them from its JSON (as the SQLite store does: numbers,
    /// texts and yes/no; null, objects and arrays skipped). `jsonb` keeps its keys in its own
    /// order, not the file's: scoring finds them by name.
    static func scoringAttributes(_ json: String) -> [AttributeEntry] {
        var entries: [AttributeEntry] = []
        var text = json
        text.withUTF8 { bytes in
            var reader = FlatJSONObject(bytes)
            reader.forEachMember { key, value in
                switch value {
                case .number(let token): if let number = Double(token) { entries.append(AttributeEntry(key, .number(number))) }
                case .string(let text): entries.append(AttributeEntry(key, .text(text)))
                case .bool(let yes): entries.append(AttributeEntry(key, .yesNo(yes)))
                case .other: break
                }
            }
        }
        return entries
    }

    /// The actions of the leads a condition on `lead_id` selects, by lead, newest first (whole
    /// seconds since 1970, as the SQLite store reads its times).
    func scoringActions(_ condition: String, _ values: [any PGBindable]) throws -> [Int64: [LeadActionSample]] {
        var actions: [Int64: [LeadActionSample]] = [:]
        for (leadId, type, seconds) in try all("""
            SELECT lead_id, action_type, floor(extract(epoch FROM created_at))::bigint FROM lead_actions WHERE \(condition)
            ORDER BY lead_id, created_at DESC
            """, values, { (try $0.int(0), try $0.string(1), try $0.int(2)) }) {
            guard let type = LeadActionType(rawValue: type) else { continue }
            actions[leadId, default: []].append(LeadActionSample(type: type, secondsSince1970: seconds))
        }
        return actions
    }

    /// The leads with ids in `(start, end]` (of the organization, or all) with their actions, in id order.
    func scanScoringChunk(orgId: Int64?, after start: Int64, through end: Int64, withAttributes: Bool,
                          _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void) throws {
        let scope = orgId == nil ? "" : " AND org_id = $3"
        let values: [any PGBindable] = orgId.map { [start, end, $0] } ?? [start, end]
        let leads = try all("SELECT \(Self.scoringColumns(withAttributes: withAttributes)) FROM leads WHERE id > $1 AND id <= $2\(scope) ORDER BY id",
                            values) { try Self.scoringInput($0, withAttributes: withAttributes) }
        guard !leads.isEmpty else { return }
        let actions = try scoringActions("lead_id IN (SELECT id FROM leads WHERE id > $1 AND id <= $2\(scope))", values)
        for input in leads {
            try body(input, actions[input.id] ?? [])
        }
    }

    /// How many leads a pass reads (the maintained counts) and the largest lead id.
    func scoringExtent(orgId: Int64?) throws -> (Int, Int64) {
        let total = try orgId.map { try scalar(Int64.self, "SELECT coalesce(sum(lead_count), 0)::bigint FROM lead_status_counts WHERE org_id = $1", [$0]) }
            ?? scalar(Int64.self, "SELECT coalesce(sum(lead_count), 0)::bigint FROM lead_status_counts")
        return (Int(total ?? 0), try scalar(Int64.self, "SELECT max(id) FROM leads") ?? 0)
    }
}

// MARK: - Scoring passes

extension PostgresStore {
    /// Rescores leads chunk by chunk of ids, each chunk one transaction: its leads and their actions
    /// read in two queries, the scores that changed written in a statement per thousand.
    /// `progress(scanned, total)` returning false stops the pass after the current chunk (what was
    /// written stays: rescoring is idempotent).
    public func rescoreLeads(orgId: Int64?, chunkSize: Int, withAttributes: Bool,
                             score: (LeadScoringInput, [LeadActionSample]) -> Int,
                             progress: (Int, Int) -> Bool) throws -> RescoreResult {
        if isReadOnly { throw StoreError.readOnly(path: location.description, detail: "opened read-only") }
        let (total, maxID) = try snapshotSession { session in
            try PostgresReader(session: session, catalog: catalog).scoringExtent(orgId: orgId)
        }
        let step = Int64(max(chunkSize, 1))
        var result = RescoreResult(leadsScanned: 0, scoresChanged: 0, completed: true)
        var start: Int64 = 0
        while start < maxID {
            let end = start + step
            let (scanned, changed) = try run("BEGIN") { session -> (Int, Int) in
                let writer = PostgresWriter(session: session, catalog: catalog)
                var scanned = 0
                var scores: [(id: Int64, score: Int)] = []
                try writer.scanScoringChunk(orgId: orgId, after: start, through: end, withAttributes: withAttributes) { input, actions in
                    let newScore = score(input, actions)
                    if newScore != input.score { scores.append((input.id, newScore)) }
                    scanned += 1
                }
                try writer.writeScores(scores, orgId: orgId)
                return (scanned, scores.count)
            }
            result.leadsScanned += scanned
            result.scoresChanged += changed
            start = end
            if !progress(result.leadsScanned, total) {
                result.completed = start >= maxID
                break
            }
        }
        return result
    }

    /// Reads every lead of the organization with its actions, in id order, in one read
    /// transaction, chunk by chunk; `progress(read, total)` returning false stops the read
    /// (`CancellationError`).
    public func scanLeadsForScoring(orgId: Int64, withAttributes: Bool, chunkSize: Int,
                                    _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void,
                                    progress: (Int, Int) -> Bool) throws {
        try snapshotSession { session in
            let reader = PostgresReader(session: session, catalog: catalog)
            let (total, maxID) = try reader.scoringExtent(orgId: orgId)
            let step = Int64(max(chunkSize, 1))
            var done = 0
            var start: Int64 = 0
            while start < maxID {
                let end = start + step
                try reader.scanScoringChunk(orgId: orgId, after: start, through: end, withAttributes: withAttributes) { input, actions in
                    try body(input, actions)
                    done += 1
                }
                start = end
                if !progress(done, total) { throw CancellationError() }
            }
        }
    }

    /// Writes one lead's score where it differs from the stored one; whether it wrote.
    @discardableResult
    public func writeScore(_ score: Int, leadId: Int64, orgId: Int64) throws -> Bool {
        if isReadOnly { throw StoreError.readOnly(path: location.description, detail: "opened read-only") }
        return try run("BEGIN") { session in
            try PostgresWriter(session: session, catalog: catalog)
                .execute("UPDATE leads SET score = $1 WHERE id = $2 AND org_id = $3 AND score <> $1", [score, leadId, orgId]) > 0
        }
    }
}
