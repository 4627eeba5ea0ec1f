import Foundation

// Imports and exports on PostgreSQL (the contract's `ImportLogReading` and `ImportLogWriting`):
// the keys duplicate detection compares, the import log, the writers that record every row they
// create or update in `import_rows` (so undo restores exactly what an import changed), undo, and
// export rows read in keyset pages (memory does not grow with the table). The SQLite store's
// counterparts: ImportLog.swift, ActionImport.swift, ExportRequests.swift, ImportRequests.swift.

/// A timestamp as the SQLite store keeps it (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), in SQL.
private func storeText(_ column: String) -> String {
    "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')"
}

/// A store timestamp's text (`YYYY-MM-DD HH:MM:SS.SSS`, UTC) as a `timestamptz`, in SQL.
private func storeTime(_ placeholder: String) -> String {
    "(\(placeholder)::timestamp AT TIME ZONE 'UTC')"
}

extension PostgresReader: ImportLogReading {
    /// Rows per page of the walks below.
    static let importPageSize = 1_000

    /// Calls `body` with each row of a query walked in keyset pages by id: `sql` is given the
    /// placeholders of the last id read and of the page's size, and reads the id first.
    func forEachRowByID(_ values: [any PGBindable], _ sql: (_ after: String, _ limit: String) -> String, _ body: (PGRow) throws -> Void) throws {
        var after = Int64.min
        while true {
            var arguments = PGArgumentList(values)
            let afterPlaceholder = arguments.add(after)
            let limitPlaceholder = arguments.add(Self.importPageSize)
            let rows = try session.rows(sql(afterPlaceholder, limitPlaceholder), arguments.values)
            for row in rows {
                let read = PGRow(row)
                after = try read.int(0)
                try body(read)
            }
            if rows.count < Self.importPageSize { return }
        }
    }

    func forEachLeadEmail(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws {
        try forEachLeadText("email_normalized", orgId: orgId, body)
    }

    func forEachLeadExternalID(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws {
        guard try leadsHaveExternalIDs() else { return }
        try forEachLeadText("external_id", orgId: orgId, body)
    }

    func leadsHaveExternalIDs() throws -> Bool {
        try catalog.columns("leads").contains { $0.name == "external_id" }
    }

    /// The leads' values of a text column, in the order `(value, id)` of its index
    /// (`idx_leads_email`, `idx_leads_external_id`), in keyset pages.
    private func forEachLeadText(_ column: String, orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws {
        var after: (String, Int64)?
        while true {
            var arguments = PGArgumentList([orgId])
            var sql = "SELECT \(column), id FROM leads WHERE org_id = $1 AND \(column) IS NOT NULL"
            if let (text, id) = after { sql += " AND (\(column), id) > (\(arguments.add(text)), \(arguments.add(id)))" }
            sql += " ORDER BY \(column), id LIMIT \(arguments.add(Self.importPageSize))"
            let rows = try all(sql, arguments.values) { (try $0.string(0), try $0.int(1)) }
            for (text, id) in rows {
                var text = text
                try text.withUTF8 { try body($0, id) }
            }
            after = rows.last
            if rows.count < Self.importPageSize { return }
        }
    }

    func leadIDs(orgId: Int64) throws -> [Int64] {
        var ids: [Int64] = []
        try forEachRowByID([orgId], { after, limit in
            "SELECT id FROM leads WHERE org_id = $1 AND id > \(after) ORDER BY id LIMIT \(limit)"
        }) { ids.append(try $0.int(0)) }
        return ids
    }

    func agentIDs(orgId: Int64) throws -> [(name: String, id: Int64)] {
        try all("SELECT name, id FROM ai_agents WHERE org_id = $1 ORDER BY id", [orgId]) { (try $0.string(0), try $0.int(1)) }
    }

    func exportColumns(_ entity: ExportEntity, orgId: Int64) throws -> [ExportColumn] {
        let fields = ExportEntity.columns(entity)
        guard entity == .leads else { return fields }
        return fields + (try leadAttributes(orgId: orgId)).map { ExportColumn(name: $0.name, isNumber: $0.kind == .number, attribute: $0) }
    }

    /// The query of an export's page (`StoreReader.exportQuery`'s columns, each as the SQLite
    /// store's text): the id first, then the fields, then for leads the attributes' JSON object.
    static func exportPage(_ entity: ExportEntity, after: String, limit: String) -> String {
        switch entity {
        case .leads:
            return """
                SELECT l.id, l.name, l.email, l.phone, l.company, l.source, l.status, l.status_reason, l.score::text, u.email, p.name,
                       \(storeText("l.created_at")), l.external_id, l.attributes::text
                FROM leads l LEFT JOIN users u ON u.id = l.assigned_to LEFT JOIN products p ON p.id = l.product_id
                WHERE l.org_id = $1 AND l.id > \(after) ORDER BY l.id LIMIT \(limit)
                """
        case .contacts:
            return """
                SELECT id, name, email, phone, company, metadata::text, \(storeText("created_at"))
                FROM contacts WHERE org_id = $1 AND id > \(after) ORDER BY id LIMIT \(limit)
                """
        case .deals:
            return """
                SELECT d.id, d.title, (d.value / 100)::text || '.' || lpad((d.value % 100)::text, 2, '0'), d.stage, d.probability::text,
                       d.close_date::text, d.lost_reason, u.email, p.name, c.name, c.email, d.external_ref, \(storeText("d.created_at"))
                FROM deals d LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN products p ON p.id = d.product_id
                  LEFT JOIN contacts c ON c.id = d.contact_id
                WHERE d.org_id = $1 AND d.id > \(after) ORDER BY d.id LIMIT \(limit)
                """
        case .content:
            return """
                SELECT t.id, t.title, t.body, t.type, t.status, \(storeText("t.scheduled_at")), \(storeText("t.submitted_at")), p.name, u.email,
                       \(storeText("t.created_at"))
                FROM content t LEFT JOIN users u ON u.id = t.created_by LEFT JOIN products p ON p.id = t.product_id
                WHERE t.org_id = $1 AND t.id > \(after) ORDER BY t.id LIMIT \(limit)
                """
        }
    }

    func forEachExportRow(_ entity: ExportEntity, orgId: Int64, _ body: ([String?]) throws -> Void) throws {
        let fields = ExportEntity.columns(entity)
        let columns = try exportColumns(entity, orgId: orgId)
        var values = [String?](repeating: nil, count: columns.count)
        let attributes = AttributeExportText(columns: columns, first: fields.count)
        try forEachRowByID([orgId], { after, limit in Self.exportPage(entity, after: after, limit: limit) }) { row in
            for index in 0..<fields.count { values[index] = try row.optionalString(index + 1) }
            if let attributes { attributes.read(json: try row.optionalString(fields.count + 1), into: &values) }
            try body(values)
        }
    }

    static let importSelect = """
        SELECT i.id, i.org_id, i.number, i.user_id, u.email AS user_email, i.entity, i.mode, i.file, i.counts::text, i.status,
               \(storeText("i.created_at")), \(storeText("i.undone_at"))
        FROM imports i LEFT JOIN users u ON u.id = i.user_id
        """

    static func importEntry(_ row: PGRow) throws -> ImportLogEntry {
        ImportLogEntry(
            id: try row.int(0), orgId: try row.int(1), number: try row.int(2), userId: try row.optionalInt(3), userEmail: try row.optionalString(4),
            entity: ImportEntity(rawValue: try row.string(5)) ?? .leads, mode: ImportMode(rawValue: try row.string(6)) ?? .create,
            file: try row.string(7), counts: try row.string(8), isUndone: try row.string(9) == "undone",
            createdAt: try row.string(10), undoneAt: try row.optionalString(11))
    }

    func imports(orgId: Int64, limit: Int) throws -> [ImportLogEntry] {
        try all(Self.importSelect + " WHERE i.org_id = $1 ORDER BY i.number DESC LIMIT $2", [orgId, limit], Self.importEntry)
    }

    func importEntry(orgId: Int64, number: Int64) throws -> ImportLogEntry? {
        try one(Self.importSelect + " WHERE i.org_id = $1 AND i.number = $2", [orgId, number], Self.importEntry)
    }

    /// The hashes are those of the SQLite store (`DuplicateKey.hash` of the stored normalized
    /// text's UTF-8), computed here from the values read in pages by id: the same keys, the same
    /// id for each key last.
    func forEachLeadDuplicateKey(orgId: Int64, _ body: (_ kind: Int, _ hash: UInt64, _ id: Int64) throws -> Void) throws {
        for (kind, column) in [(0, "email_normalized"), (1, "phone_normalized"), (2, "external_id")] {
            try forEachRowByID([orgId], { after, limit in
                "SELECT id, \(column) FROM leads WHERE org_id = $1 AND \(column) IS NOT NULL AND id > \(after) ORDER BY id LIMIT \(limit)"
            }) { row in
                try body(kind, DuplicateKey.hash(try row.string(1)), try row.int(0))
            }
        }
    }

    func forEachContactKey(orgId: Int64, _ body: (_ id: Int64, _ email: String?, _ phone: String?) throws -> Void) throws {
        try forEachRowByID([orgId], { after, limit in
            "SELECT id, email, phone FROM contacts WHERE org_id = $1 AND (email IS NOT NULL OR phone IS NOT NULL) AND id > \(after) ORDER BY id LIMIT \(limit)"
        }) { row in try body(try row.int(0), try row.optionalString(1), try row.optionalString(2)) }
    }

    func forEachDealExternalRef(orgId: Int64, _ body: (_ id: Int64, _ ref: String) throws -> Void) throws {
        try forEachRowByID([orgId], { after, limit in
            "SELECT id, external_ref FROM deals WHERE org_id = $1 AND external_ref IS NOT NULL AND id > \(after) ORDER BY id LIMIT \(limit)"
        }) { row in try body(try row.int(0), try row.string(1)) }
    }

    func productIDs(orgId: Int64) throws -> [(name: String, id: Int64)] {
        try all("SELECT name, id FROM products WHERE org_id = $1 ORDER BY id", [orgId]) { (try $0.string(0), try $0.int(1)) }
    }

    func userIDs(orgId: Int64) throws -> [(email: String, id: Int64)] {
        try all("SELECT email, id FROM users WHERE org_id = $1 ORDER BY id", [orgId]) { (try $0.string(0), try $0.int(1)) }
    }

    func contactIDs(orgId: Int64) throws -> [(name: String, email: String?, id: Int64)] {
        try all("SELECT name, email, id FROM contacts WHERE org_id = $1 ORDER BY id", [orgId]) { (try $0.string(0), try $0.optionalString(1), try $0.int(2)) }
    }

    /// As the SQLite store numbers imports: after the highest number its `import` activities name.
    func lastImportNumber(orgId: Int64) throws -> Int64 {
        try scalar(Int64.self, "SELECT max(entity_id) FROM activities WHERE org_id = $1 AND entity_type = 'import'", [orgId]) ?? 0
    }
}

extension PostgresWriter: ImportLogWriting {
    /// Writes an import's log entry, numbered after the organization's last import (the lock
    /// keeps two imports of an organization from taking the same number); its id, number and time.
    private func beginLogEntry(orgId: Int64, userId: Int64?, entity: ImportEntity, mode: ImportMode, file: String,
                               at now: Date) throws -> (id: Int64, number: Int64, at: Date) {
        try execute("SELECT pg_advisory_xact_lock(hashtext('imports'), $1::int)", [Int(orgId % Int64(Int32.max))])
        let number = try lastImportNumber(orgId: orgId) + 1
        let seconds = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        guard let id = try scalar(Int64.self, """
            INSERT INTO imports(org_id, number, user_id, entity, mode, file, counts, status, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, '{}', 'done', $7) RETURNING id
            """, [orgId, number, userId, entity.rawValue, mode.rawValue, String(file.prefix(4096)), seconds]) else {
            throw StoreError.constraint("the database did not record the import")
        }
        return (id, number, seconds)
    }

    func beginActionImport(orgId: Int64, userId: Int64?, file: String, at now: Date, cacheKiB: Int) throws -> any ActionImportWriting {
        let entry = try beginLogEntry(orgId: orgId, userId: userId, entity: .actions, mode: .create, file: file, at: now)
        return PostgresActionImportWriter(tx: self, orgId: orgId, importId: entry.id, number: entry.number)
    }

    func beginImport(orgId: Int64, userId: Int64?, entity: ImportEntity, mode: ImportMode, file: String, at now: Date) throws -> any ImportWriting {
        let entry = try beginLogEntry(orgId: orgId, userId: userId, entity: entity, mode: mode, file: file, at: now)
        return PostgresImportWriter(tx: self, orgId: orgId, importId: entry.id, number: entry.number, entity: entity, now: entry.at)
    }

    func undoImport(orgId: Int64, number: Int64, by userId: Int64?, at now: Date, force: Bool) throws -> (ImportLogEntry, ImportUndoResult) {
        guard let entry = try importEntry(orgId: orgId, number: number) else {
            throw StoreError.notFound(entity: "import", id: number)
        }
        if entry.isUndone {
            throw StoreError.constraint("import #\(number) was already undone (\(entry.undoneAt ?? "earlier"))")
        }
        var result = ImportUndoResult()
        if entry.entity == .actions {
            // An import of actions only created rows.
            result = try undoActionImport(entry)
        } else {
            let table = entry.entity.rawValue
            if !force {
                let changed = Int(try scalar(Int64.self, """
                    SELECT count(*) FROM import_rows r JOIN \(table) t ON t.id = r.row_id
                    WHERE r.import_id = $1 AND t.org_id = $2 AND t.updated_at > (SELECT created_at FROM imports WHERE id = $1)
                    """, [entry.id, orgId]) ?? 0)
                if changed > 0 {
                    throw StoreError.constraint(
                        "\(changed) \(changed == 1 ? entry.entity.singular : table) of import #\(number) changed after it; undoing would lose those changes (use --force to undo anyway)")
                }
                for linked in SchemaV8.linkedTables {
                    let changed = Int(try scalar(Int64.self, """
                        SELECT count(*) FROM import_linked_rows r JOIN \(linked) t ON t.id = r.row_id
                        WHERE r.import_id = $1 AND r.row_table = $2 AND t.org_id = $3 AND t.updated_at > (SELECT created_at FROM imports WHERE id = $1)
                        """, [entry.id, linked, orgId]) ?? 0)
                    if changed > 0 {
                        let singular = String(linked.dropLast())
                        throw StoreError.constraint(
                            "\(changed) \(changed == 1 ? singular : linked) that import #\(number) \(linked == "leads" ? "converted" : "created") changed after it; undoing would lose those changes (use --force to undo anyway)")
                    }
                }
            }
            result.restored = try restore(table, from: "import_rows", where: "import_id = $1", [entry.id, orgId])
            result.deleted = try execute("""
                DELETE FROM \(table) WHERE org_id = $1 AND id IN (SELECT row_id FROM import_rows WHERE import_id = $2 AND before IS NULL)
                """, [orgId, entry.id])
            try undoLinkedRows(of: entry, number: number, orgId: orgId, force: force, into: &result)
        }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        try execute("UPDATE imports SET status = 'undone', undone_at = $1, undone_by = $2 WHERE id = $3",
                    [Date(timeIntervalSince1970: TimeInterval(seconds)), userId, entry.id])
        var undone = entry
        undone.isUndone = true
        undone.undoneAt = StoreTimestamp.text(seconds)
        return (undone, result)
    }

    /// Gives rows of `table` their earlier values, kept in `log` (`before`, a JSON object of
    /// `SQLiteImportWriter.snapshotColumns`), for the log's rows matching `condition` (`$1`...;
    /// the organization is the last value); how many were restored.
    private func restore(_ table: String, from log: String, where condition: String, _ values: [any PGBindable]) throws -> Int {
        let columns = ImportEntity(rawValue: table).flatMap { SQLiteImportWriter.snapshotColumns[$0] } ?? []
        guard !columns.isEmpty else { return 0 }
        return try execute("""
            UPDATE \(table) AS t SET (\(columns.joined(separator: ", "))) =
              (SELECT \(columns.map { "p.\($0)" }.joined(separator: ", ")) FROM jsonb_populate_record(NULL::\(table), r.before) AS p)
            FROM (SELECT row_id, before FROM \(log) WHERE \(condition) AND before IS NOT NULL) AS r
            WHERE t.id = r.row_id AND t.org_id = $\(values.count)
            """, values)
    }

    /// Undoes what an import did to other tables than its own (`import_linked_rows`), after its
    /// own rows, as the SQLite store does (`undoLinkedRows`).
    private func undoLinkedRows(of entry: ImportLogEntry, number: Int64, orgId: Int64, force: Bool, into result: inout ImportUndoResult) throws {
        if !force {
            let carrying = Int(try scalar(Int64.self, """
                SELECT count(DISTINCT r.row_id) FROM import_linked_rows r JOIN deals d ON d.contact_id = r.row_id AND d.org_id = $1
                WHERE r.import_id = $2 AND r.row_table = 'contacts' AND r.before IS NULL
                """, [orgId, entry.id]) ?? 0)
            if carrying > 0 {
                throw StoreError.constraint(
                    "\(carrying) \(carrying == 1 ? "contact" : "contacts") that import #\(number) created \(carrying == 1 ? "has" : "have") other deals since; undoing would detach them (use --force to undo anyway)")
            }
        }
        for table in SchemaV8.linkedTables {
            let restored = try restore(table, from: "import_linked_rows", where: "import_id = $1 AND row_table = $2", [entry.id, table, orgId])
            if restored > 0 { result.linkedRestored[table] = restored }
            let deleted = try execute("""
                DELETE FROM \(table) WHERE org_id = $1 AND id IN (
                  SELECT row_id FROM import_linked_rows WHERE import_id = $2 AND row_table = $3 AND before IS NULL)
                """, [orgId, entry.id, table])
            if deleted > 0 { result.linkedDeleted[table] = deleted }
        }
    }

    /// Undoes an import of actions: deletes the actions it added that are still the
    /// organization's and gives the leads they belonged to their last action's time again. The
    /// result names those leads (ascending), to be rescored.
    private func undoActionImport(_ entry: ImportLogEntry) throws -> ImportUndoResult {
        let (importId, orgId) = (entry.id, entry.orgId)
        let leadIds = try all("""
            SELECT DISTINCT a.lead_id FROM import_rows r JOIN lead_actions a ON a.id = r.row_id
            JOIN leads l ON l.id = a.lead_id AND l.org_id = $1
            WHERE r.import_id = $2 ORDER BY a.lead_id
            """, [orgId, importId]) { try $0.int(0) }
        let deleted = try execute("""
            DELETE FROM lead_actions WHERE id IN (SELECT row_id FROM import_rows WHERE import_id = $1)
              AND lead_id IN (SELECT id FROM leads WHERE org_id = $2)
            """, [importId, orgId])
        var start = 0
        while start < leadIds.count {
            let chunk = Array(leadIds[start..<min(start + Self.importPageSize, leadIds.count)])
            try execute("""
                UPDATE leads SET last_action_at = (SELECT max(created_at) FROM lead_actions WHERE lead_id = leads.id)
                WHERE org_id = $1 AND id IN (\(Self.placeholders(chunk.count, from: 2)))
                """, [orgId] + chunk)
            start += chunk.count
        }
        var result = ImportUndoResult(deleted: deleted)
        result.leadIds = leadIds
        return result
    }

    func importedRowIds(importNumber: Int64, orgId: Int64) throws -> [Int64] {
        try all("""
            SELECT r.row_id FROM import_rows r JOIN imports i ON i.id = r.import_id WHERE i.org_id = $1 AND i.number = $2 ORDER BY r.row_id
            """, [orgId, importNumber]) { try $0.int(0) }
    }
}

/// Runs `body` in a savepoint of the import's transaction: a statement the server refuses
/// aborts the whole transaction on PostgreSQL, so each row's writes go in one, and a refusal
/// (`StoreError.constraint`) undoes that row's writes alone and lets the import go on.
private func inSavepoint<T>(_ tx: PostgresWriter, _ body: () throws -> T) throws -> T {
    try tx.execute("SAVEPOINT funnel_import_row")
    do {
        let result = try body()
        try tx.execute("RELEASE SAVEPOINT funnel_import_row")
        return result
    } catch {
        if !tx.session.isBroken {
            try tx.execute("ROLLBACK TO SAVEPOINT funnel_import_row")
            try tx.execute("RELEASE SAVEPOINT funnel_import_row")
        }
        throw error
    }
}

/// Writes the rows of one import on PostgreSQL and records each in `import_rows` (created, or
/// updated with its earlier values as a JSON object), each row's writes in a savepoint; leads by
/// the batch with one multi-row `INSERT ... RETURNING id`.
final class PostgresImportWriter: ImportWriting {
    let tx: PostgresWriter
    let orgId: Int64
    let importId: Int64
    let number: Int64
    let entity: ImportEntity
    /// The time of the import (to the second, as its log entry).
    let now: Date

    /// The lead columns an import writes, with the type each value is cast to.
    static let leadColumns: [(name: String, cast: String)] = [
        ("org_id", "bigint"), ("product_id", "bigint"), ("name", "text"), ("company", "text"), ("email", "text"), ("phone", "text"),
        ("phone_normalized", "text"), ("source", "text"), ("status", "text"), ("status_reason", "text"), ("score", "integer"),
        ("assigned_to", "bigint"), ("created_at", "timestamptz"), ("updated_at", "timestamptz"), ("external_id", "text"), ("attributes", "jsonb"),
    ]

    init(tx: PostgresWriter, orgId: Int64, importId: Int64, number: Int64, entity: ImportEntity, now: Date) {
        self.tx = tx
        self.orgId = orgId
        self.importId = importId
        self.number = number
        self.entity = entity
        self.now = now
    }

    /// Nothing to give back: the connection's settings are the import's as they were.
    func close() {}

    func finish(counts: String) throws {
        try tx.execute("UPDATE imports SET counts = $1::jsonb WHERE id = $2", [counts, importId])
    }

    /// Records rows the import created.
    private func recordCreated(_ rows: [(id: Int64, line: Int)], table: String = "import_rows", rowTable: String? = nil) throws {
        guard !rows.isEmpty else { return }
        var arguments = PGArgumentList()
        let values = rows.map { row -> String in
            let table = rowTable.map { ", \(arguments.add($0))" } ?? ""
            return "(\(arguments.add(importId))\(table), \(arguments.add(row.id)), \(arguments.add(row.line)))"
        }.joined(separator: ", ")
        let columns = rowTable == nil ? "import_id, row_id, line" : "import_id, row_table, row_id, line"
        try tx.execute("INSERT INTO \(table)(\(columns)) VALUES \(values)", arguments.values)
    }

    /// The earlier values of a row of `table`, as a JSON object of the columns an update may change.
    private static func snapshot(_ table: ImportEntity) -> String {
        "jsonb_build_object(" + (SQLiteImportWriter.snapshotColumns[table] ?? []).map { "'\($0)', \($0)" }.joined(separator: ", ") + ")"
    }

    /// Keeps the earlier values of a row about to be updated.
    private func recordBefore(_ id: Int64, line: Int) throws {
        let written = try tx.execute("""
            INSERT INTO import_rows(import_id, row_id, line, before)
            SELECT $1, id, $2, \(Self.snapshot(entity)) FROM \(entity.rawValue) WHERE id = $3 AND org_id = $4
            """, [importId, line, id, orgId])
        if written == 0 { throw StoreError.notFound(entity: entity.singular, id: id) }
    }

    // MARK: Leads

    /// One lead's `VALUES` row, its values added to `arguments`.
    private func leadRow(_ values: LeadImportRow, _ arguments: inout PGArgumentList) -> String {
        let nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970))
        let phoneNormalized = values.phone == nil ? nil : (values.phoneNormalized ?? values.phone.flatMap(PhoneNumber.normalized))
        let row: [any PGBindable] = [
            orgId, values.productId, values.name, values.company, values.email, values.phone, phoneNormalized,
            (values.source ?? .import).rawValue, (values.status ?? .new).rawValue, values.statusReason, Int64(values.score ?? 0),
            values.assignedTo, values.createdAt ?? nowText, nowText, values.externalId, AttributeJSON.object(values.attributes),
        ]
        return "(" + zip(row, Self.leadColumns).map { value, column -> String in
            let placeholder = arguments.add(value)
            return column.cast == "timestamptz" ? storeTime(placeholder) : "\(placeholder)::\(column.cast)"
        }.joined(separator: ", ") + ")"
    }

    private func insertLeadRows(_ batch: [(values: LeadImportRow, line: Int)]) throws -> [Int64] {
        var arguments = PGArgumentList()
        let rows = batch.map { leadRow($0.values, &arguments) }.joined(separator: ", ")
        // A multi-row VALUES inserts its rows, and returns their ids, in order.
        let ids = try tx.all("INSERT INTO leads(\(Self.leadColumns.map(\.name).joined(separator: ", "))) VALUES \(rows) RETURNING id",
                             arguments.values) { try $0.int(0) }
        guard ids.count == batch.count else { throw StoreError.constraint("the database did not insert every lead of the batch") }
        try recordCreated(zip(ids, batch).map { ($0, $1.line) })
        return ids
    }

    @discardableResult
    func insertLead(_ values: LeadImportRow, line: Int) throws -> Int64 {
        try inSavepoint(tx) { try insertLeadRows([(values, line)])[0] }
    }

    func insertLeads(_ batch: [(values: LeadImportRow, line: Int)]) throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        return try inSavepoint(tx) { try insertLeadRows(batch) }
    }

    func updateLead(id: Int64, with values: LeadImportRow, line: Int, current read: Lead?) throws {
        try inSavepoint(tx) {
            try recordBefore(id, line: line)
            guard var current = try read ?? tx.fetch(Lead.self, id: id, orgId: orgId) else {
                throw StoreError.notFound(entity: "lead", id: id)
            }
            values.apply(to: &current)
            try tx.update(current)
            try tx.execute("UPDATE leads SET updated_at = $1, created_at = coalesce(\(storeTime("$2")), created_at) WHERE id = $3 AND org_id = $4",
                           [now, values.createdAt, id, orgId])
            if let attributes = AttributeJSON.object(values.attributes) {
                // A JSON merge patch of a flat object (SQLite's json_patch): a null removes the key.
                try tx.execute("""
                    UPDATE leads SET attributes = (coalesce(attributes, '{}'::jsonb)
                      - ARRAY(SELECT key FROM jsonb_each($1::jsonb) WHERE value = 'null'::jsonb)) || jsonb_strip_nulls($1::jsonb)
                    WHERE id = $2 AND org_id = $3
                    """, [attributes, id, orgId])
            }
        }
    }

    // MARK: Contacts

    @discardableResult
    func insertContact(_ values: ContactImportRow, line: Int) throws -> Int64 {
        try inSavepoint(tx) {
            guard let id = try tx.scalar(Int64.self, """
                INSERT INTO contacts(org_id, name, email, phone, company, metadata, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, coalesce(\(storeTime("$7")), $8), $8) RETURNING id
                """, [orgId, values.name, values.email, values.phone, values.company, values.metadata ?? "{}", values.createdAt, now]) else {
                throw StoreError.constraint("the database did not insert the contact")
            }
            try recordCreated([(id, line)])
            return id
        }
    }

    func updateContact(id: Int64, with values: ContactImportRow, line: Int) throws {
        try inSavepoint(tx) {
            try recordBefore(id, line: line)
            try tx.execute("""
                UPDATE contacts SET name = coalesce($1, name), email = coalesce($2, email), phone = coalesce($3, phone),
                  company = coalesce($4, company), metadata = coalesce($5::jsonb, metadata), created_at = coalesce(\(storeTime("$6")), created_at),
                  updated_at = $7
                WHERE id = $8 AND org_id = $9
                """, [values.name, values.email, values.phone, values.company, values.metadata, values.createdAt, now, id, orgId])
        }
    }

    // MARK: Deals

    @discardableResult
    func insertDeal(_ deal: Deal, line: Int) throws -> Int64 {
        try inSavepoint(tx) {
            var deal = deal
            deal.orgId = orgId
            deal.id = nil
            try tx.insert(&deal)
            let id = deal.id ?? 0
            try recordCreated([(id, line)])
            return id
        }
    }

    func deal(id: Int64) throws -> Deal? {
        try tx.fetch(Deal.self, id: id, orgId: orgId)
    }

    func updateDeal(_ deal: Deal, line: Int) throws {
        guard let id = deal.id, deal.orgId == orgId else { throw StoreError.notFound(entity: "deal", id: deal.id ?? 0) }
        try inSavepoint(tx) {
            try recordBefore(id, line: line)
            try tx.update(deal)
        }
    }

    // MARK: Records of other tables

    func together<T>(_ body: () throws -> T) throws -> T {
        try inSavepoint(tx, body)
    }

    @discardableResult
    func insertLinkedContact(_ contact: Contact, line: Int) throws -> Int64 {
        try inSavepoint(tx) {
            var contact = contact
            contact.orgId = orgId
            contact.id = nil
            try tx.insert(&contact)
            let id = contact.id ?? 0
            try recordCreated([(id, line)], table: "import_linked_rows", rowTable: "contacts")
            return id
        }
    }

    func updateLinkedLead(_ lead: Lead, line: Int) throws {
        guard let id = lead.id, lead.orgId == orgId else { throw StoreError.notFound(entity: "lead", id: lead.id ?? 0) }
        try inSavepoint(tx) {
            try tx.execute("""
                INSERT INTO import_linked_rows(import_id, row_table, row_id, line, before)
                SELECT $1, 'leads', id, $2, \(Self.snapshot(.leads)) FROM leads WHERE id = $3 AND org_id = $4
                ON CONFLICT (import_id, row_table, row_id) DO NOTHING
                """, [importId, line, id, orgId])
            try tx.update(lead)
        }
    }

    func contactId(ofLead leadId: Int64) throws -> Int64? {
        try tx.scalar(Int64.self, "SELECT id FROM contacts WHERE lead_id = $1 AND org_id = $2 ORDER BY id LIMIT 1", [leadId, orgId])
    }
}

/// Adds the actions of one import on PostgreSQL: multi-row `INSERT ... RETURNING id` of
/// `SQLiteActionImportWriter.rowsPerStatement` actions, each recorded in `import_rows`, a
/// statement's rows in one savepoint (a refused row: its statement's rows one by one).
///
/// The `lead_actions_touch_lead` trigger stays: the store's role may not drop the owner's
/// triggers, and it keeps each lead's last action's time as the actions go in.
final class PostgresActionImportWriter: ActionImportWriting {
    let tx: PostgresWriter
    let orgId: Int64
    let importId: Int64
    let number: Int64

    init(tx: PostgresWriter, orgId: Int64, importId: Int64, number: Int64) {
        self.tx = tx
        self.orgId = orgId
        self.importId = importId
        self.number = number
    }

    func setAsideLastActionTrigger() throws {}
    func restoreLastActionTrigger() throws {}
    var lastActionTriggerSetAside: Bool { false }
    func close() {}

    func finish(counts: String) throws {
        try tx.execute("UPDATE imports SET counts = $1::jsonb WHERE id = $2", [counts, importId])
    }

    func insert(_ batch: ActionImportBatch) throws -> [(line: Int, message: String)] {
        var refused: [(line: Int, message: String)] = []
        let rows = batch.rows
        let order = batch.order
        func row(_ position: Int) -> ActionImportRow { rows[order.map { Int($0[position]) } ?? position] }
        var start = 0
        while start < rows.count {
            let end = min(start + SQLiteActionImportWriter.rowsPerStatement, rows.count)
            let chunk = (start..<end).map(row)
            do {
                try inSavepoint(tx) { try insertRows(chunk, metadata: batch.metadata) }
            } catch StoreError.constraint {
                for action in chunk {
                    do {
                        try inSavepoint(tx) { try insertRows([action], metadata: batch.metadata) }
                    } catch StoreError.constraint(let message) {
                        refused.append((Int(action.line), message))
                    }
                }
            }
            start = end
        }
        return refused
    }

    private func insertRows(_ actions: [ActionImportRow], metadata: [UInt8]) throws {
        var arguments = PGArgumentList()
        let values = actions.map { action -> String in
            let json = action.metadataCount > 0
                ? String(decoding: metadata[Int(action.metadataStart)..<Int(action.metadataStart + action.metadataCount)], as: UTF8.self) : "{}"
            let at = Date(timeIntervalSince1970: TimeInterval(action.milliseconds) / 1000)
            return "(\(arguments.add(action.leadId)), \(arguments.add(action.type.rawValue)), \(arguments.add(action.agentId > 0 ? action.agentId : Int64?.none)), "
                + "\(arguments.add(json))::jsonb, \(arguments.add(at)))"
        }.joined(separator: ", ")
        let ids = try tx.all("INSERT INTO lead_actions(lead_id, action_type, agent_id, metadata, created_at) VALUES \(values) RETURNING id",
                             arguments.values) { try $0.int(0) }
        guard ids.count == actions.count else { throw StoreError.constraint("the database did not insert every action of the batch") }
        var rowArguments = PGArgumentList()
        let logged = zip(ids, actions).map { id, action -> String in
            "(\(rowArguments.add(importId)), \(rowArguments.add(id)), \(rowArguments.add(Int64(action.line))))"
        }.joined(separator: ", ")
        try tx.execute("INSERT INTO import_rows(import_id, row_id, line) VALUES \(logged)", rowArguments.values)
    }
}
