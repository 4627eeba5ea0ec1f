import Foundation
internal import GRDB
internal import GRDBSQLite

/// What a CSV import brings in: leads, contacts, deals, or lead actions (`funnel import actions`).
public enum ImportEntity: String, Codable, Sendable, CaseIterable {
    case leads, contacts, deals, actions

    /// One record of the kind, in words (`lead`).
    public var singular: String { String(rawValue.dropLast()) }
}

/// What an import does with a row that matches an existing record (and one that matches none).
public enum ImportMode: String, Codable, Sendable, CaseIterable {
    /// Creates rows that match nothing; a row that matches an existing record is a duplicate.
    case create
    /// Updates the records rows match; a row that matches nothing is skipped.
    case update
    /// Updates the records rows match and creates the others.
    case upsert
}

/// One entry of the import log (`imports`): who imported which file when, and what came of it.
public struct ImportLogEntry: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var orgId: Int64
    /// The import's number in the organization (shared with its `import` activity).
    public var number: Int64
    public var userId: Int64?
    /// The email of the user who ran it (nil when that user is gone).
    public var userEmail: String?
    public var entity: ImportEntity
    public var mode: ImportMode
    public var file: String
    /// The counts as a JSON object (`{"created": 10, "updated": 2, ...}`).
    public var counts: String
    public var isUndone: Bool
    /// The time of the import, as stored (`YYYY-MM-DD HH:MM:SS.SSS`, UTC).
    public var createdAt: String
    public var undoneAt: String?
}

/// The fields of a lead an import writes; nil means "not given" (an update leaves the column as it is).
public struct LeadImportRow: Sendable, Equatable {
    public var name: String?
    public var company: String?
    public var email: String?
    public var phone: String?
    /// The phone's E.164 form when the caller has it (else the store computes it).
    public var phoneNormalized: String?
    public var source: LeadSource?
    public var status: LeadStatus?
    public var statusReason: String?
    public var score: Int?
    public var assignedTo: Int64?
    public var productId: Int64?
    /// A store timestamp (`YYYY-MM-DD HH:MM:SS.SSS`); nil: the time of the import.
    public var createdAt: String?
    /// The lead's id in the file's system (`--key`).
    public var externalId: String?
    /// Attribute values (their attributes must exist: `ensureLeadAttributes`); an update merges
    /// them into the lead's, the others kept.
    public var attributes: [AttributeEntry] = []

    public init() {}
}

/// The fields of a contact an import writes; nil means "not given".
public struct ContactImportRow: Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var phone: String?
    public var company: String?
    /// A JSON object.
    public var metadata: String?
    public var createdAt: String?

    public init() {}
}

/// What undoing an import did.
public struct ImportUndoResult: Sendable, Equatable {
    /// Rows the import had created, deleted now.
    public var deleted = 0
    /// Rows the import had updated, restored to their earlier values.
    public var restored = 0
    /// An import of actions: the leads whose actions were deleted (ascending), to be rescored.
    public var leadIds: [Int64] = []
    /// Records of other tables the import had created along with its rows (a deals import: the
    /// contacts of the leads it converted), deleted now, by table.
    public var linkedDeleted: [String: Int] = [:]
    /// Records of other tables the import had changed (the leads it converted), restored, by table.
    public var linkedRestored: [String: Int] = [:]

    public init(deleted: Int = 0, restored: Int = 0, linkedDeleted: [String: Int] = [:], linkedRestored: [String: Int] = [:]) {
        self.deleted = deleted
        self.restored = restored
        self.linkedDeleted = linkedDeleted
        self.linkedRestored = linkedRestored
    }
}

/// A key duplicate detection compares, hashed: 64 bits of FNV-1a over the normalized key's UTF-8.
public enum DuplicateKey {
    /// The hash of a normalized key (a lower-cased email, an E.164 phone, an external id).
    public static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { hash(bytes: $0) }
    }

    static func hash(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }
}

extension StoreReader {
    /// The organization's imports, newest first.
    public func imports(orgId: Int64, limit: Int = 50) throws -> [ImportLogEntry] {
        try Row.fetchAll(db, sql: Self.importSelect + " WHERE i.org_id = ? ORDER BY i.number DESC LIMIT ?", arguments: [orgId, limit])
            .map(Self.importEntry)
    }

    /// The organization's import with this number.
    public func importEntry(orgId: Int64, number: Int64) throws -> ImportLogEntry? {
        try Row.fetchOne(db, sql: Self.importSelect + " WHERE i.org_id = ? AND i.number = ?", arguments: [orgId, number])
            .map(Self.importEntry)
    }

    static let importSelect = """
        SELECT i.id, i.org_id, i.number, i.user_id, u.email AS user_email, i.entity, i.mode, i.file, i.counts, i.status,
               i.created_at, i.undone_at
        FROM imports i LEFT JOIN users u ON u.id = i.user_id
        """

    static func importEntry(_ row: Row) -> ImportLogEntry {
        ImportLogEntry(
            id: row["id"], orgId: row["org_id"], number: row["number"], userId: row["user_id"], userEmail: row["user_email"],
            entity: ImportEntity(rawValue: row["entity"]) ?? .leads, mode: ImportMode(rawValue: row["mode"]) ?? .create,
            file: row["file"], counts: row["counts"], isUndone: (row["status"] as String) == "undone",
            createdAt: row["created_at"], undoneAt: row["undone_at"])
    }

    /// Calls `body` with the hashed email and phone keys of every lead of the organization
    /// (`kind` 0 for an email, 1 for a phone) and the lead's id, read from the two duplicate
    /// indexes alone (`idx_leads_email`, `idx_leads_phone`), without a String per row.
    public func forEachLeadDuplicateKey(orgId: Int64, _ body: (_ kind: Int, _ hash: UInt64, _ id: Int64) throws -> Void) throws {
        for (kind, column) in [(0, "email_normalized"), (1, "phone_normalized"), (2, "external_id")] {
            let statement = try db.makeStatement(sql: "SELECT \(column), id FROM leads WHERE org_id = ? AND \(column) IS NOT NULL")
            try statement.setArguments([orgId])
            try statement.forEachRawRow(in: db) { handle in
                let count = Int(sqlite3_column_bytes(handle, 0))
                guard let text = sqlite3_column_text(handle, 0) else { return true }
                let hash = DuplicateKey.hash(bytes: UnsafeBufferPointer(start: text, count: count))
                try body(kind, hash, sqlite3_column_int64(handle, 1))
                return true
            }
        }
    }

    /// Every contact of the organization with its email and phone (as stored), for duplicate detection.
    public func forEachContactKey(orgId: Int64, _ body: (_ id: Int64, _ email: String?, _ phone: String?) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, email, phone FROM contacts WHERE org_id = ? AND (email IS NOT NULL OR phone IS NOT NULL)",
                                         arguments: [orgId])
        while let row = try cursor.next() {
            try body(row["id"], row["email"], row["phone"])
        }
    }

    /// Every deal of the organization that has an external id, with it.
    public func forEachDealExternalRef(orgId: Int64, _ body: (_ id: Int64, _ ref: String) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, external_ref FROM deals WHERE org_id = ? AND external_ref IS NOT NULL",
                                         arguments: [orgId])
        while let row = try cursor.next() {
            try body(row["id"], row["external_ref"])
        }
    }

    /// The organization's products by name, for resolving a product column.
    public func productIDs(orgId: Int64) throws -> [(name: String, id: Int64)] {
        try Row.fetchAll(db, sql: "SELECT name, id FROM products WHERE org_id = ? ORDER BY id", arguments: [orgId]).map { ($0["name"], $0["id"]) }
    }

    /// The organization's users by email, for resolving an owner column.
    public func userIDs(orgId: Int64) throws -> [(email: String, id: Int64)] {
        try Row.fetchAll(db, sql: "SELECT email, id FROM users WHERE org_id = ? ORDER BY id", arguments: [orgId]).map { ($0["email"], $0["id"]) }
    }

    /// The organization's contacts by name and by email (lowest id first), for resolving a deal's contact.
    public func contactIDs(orgId: Int64) throws -> [(name: String, email: String?, id: Int64)] {
        try Row.fetchAll(db, sql: "SELECT name, email, id FROM contacts WHERE org_id = ? ORDER BY id", arguments: [orgId])
            .map { ($0["name"], $0["email"], $0["id"]) }
    }
}

extension StoreTransaction {
    /// Starts an import: writes its log entry (numbered after the organization's last import) and
    /// returns the writer that records every row it creates or updates.
    public func beginImport(orgId: Int64, userId: Int64?, entity: ImportEntity, mode: ImportMode, file: String, at now: Date) throws -> any ImportWriting {
        let number = try lastImportNumber(orgId: orgId) + 1
        let nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970.rounded(.down)))
        try db.execute(sql: """
            INSERT INTO imports(org_id, number, user_id, entity, mode, file, counts, status, created_at)
            VALUES (?, ?, ?, ?, ?, ?, '{}', 'done', ?)
            """, arguments: [orgId, number, userId, entity.rawValue, mode.rawValue, String(file.prefix(4096)), nowText])
        return try SQLiteImportWriter(db: db, orgId: orgId, importId: db.lastInsertedRowID, number: number, entity: entity, nowText: nowText)
    }

    /// Undoes an import of the organization in this transaction: deletes the rows it created and
    /// restores the rows it updated to their earlier values, then marks it undone.
    ///
    /// Throws when the import is unknown or already undone, and (unless `force`) when some of its
    /// rows were changed after it: undoing would lose those changes.
    public func undoImport(orgId: Int64, number: Int64, by userId: Int64?, at now: Date, force: Bool) throws -> (ImportLogEntry, ImportUndoResult) {
        guard let entry = try importEntry(orgId: orgId, number: number) else {
            throw StoreError.notFound(entity: "import", id: number)
        }
        if entry.isUndone {
            throw StoreError.constraint("import #\(number) was already undone (\(entry.undoneAt ?? "earlier"))")
        }
        if entry.entity == .actions {
            // An import of actions only created rows (ActionImport.swift).
            return try undoActionImport(entry, by: userId, at: now)
        }
        let table = entry.entity.rawValue
        if !force {
            let changed = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM import_rows r JOIN \(table) t ON t.id = r.row_id
                WHERE r.import_id = ? AND t.org_id = ? AND t.updated_at > ?
                """, arguments: [entry.id, orgId, entry.createdAt]) ?? 0
            if changed > 0 {
                throw StoreError.constraint(
                    "\(changed) \(changed == 1 ? entry.entity.singular : table) of import #\(number) changed after it; undoing would lose those changes (use --force to undo anyway)")
            }
            for linked in SchemaV8.linkedTables {
                let changed = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM import_linked_rows r JOIN \(linked) t ON t.id = r.row_id
                    WHERE r.import_id = ? AND r.row_table = ? AND t.org_id = ? AND t.updated_at > ?
                    """, arguments: [entry.id, linked, orgId, entry.createdAt]) ?? 0
                if changed > 0 {
                    let singular = String(linked.dropLast())
                    throw StoreError.constraint(
                        "\(changed) \(changed == 1 ? singular : linked) that import #\(number) \(linked == "leads" ? "converted" : "created") changed after it; undoing would lose those changes (use --force to undo anyway)")
                }
            }
        }
        var result = ImportUndoResult()
        let columns = SQLiteImportWriter.snapshotColumns[entry.entity] ?? []
        let assignments = columns.map { "\($0) = json_extract(r.before, '$.\($0)')" }.joined(separator: ", ")
        try db.execute(sql: """
            UPDATE \(table) SET \(assignments)
            FROM (SELECT row_id, before FROM import_rows WHERE import_id = ? AND before IS NOT NULL) AS r
            WHERE \(table).id = r.row_id AND \(table).org_id = ?
            """, arguments: [entry.id, orgId])
        result.restored = db.changesCount
        try db.execute(sql: """
            DELETE FROM \(table) WHERE org_id = ? AND id IN (SELECT row_id FROM import_rows WHERE import_id = ? AND before IS NULL)
            """, arguments: [orgId, entry.id])
        result.deleted = db.changesCount
        try undoLinkedRows(of: entry, number: number, orgId: orgId, force: force, into: &result)
        let nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970.rounded(.down)))
        try db.execute(sql: "UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?",
                       arguments: [nowText, userId, entry.id])
        var undone = entry
        undone.isUndone = true
        undone.undoneAt = nowText
        return (undone, result)
    }

    /// Undoes what an import did to other tables than its own (`import_linked_rows`, schema v8),
    /// after its own rows: restores the records it changed and deletes the ones it created. A
    /// contact it created that carries a deal the import did not make (a later one: the import's
    /// own deals are gone by now) is a change made after it: refused unless `force`.
    func undoLinkedRows(of entry: ImportLogEntry, number: Int64, orgId: Int64, force: Bool, into result: inout ImportUndoResult) throws {
        if !force {
            let carrying = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT r.row_id) FROM import_linked_rows r JOIN deals d ON d.contact_id = r.row_id AND d.org_id = ?
                WHERE r.import_id = ? AND r.row_table = 'contacts' AND r.before IS NULL
                """, arguments: [orgId, entry.id]) ?? 0
            if carrying > 0 {
                throw StoreError.constraint(
                    "\(carrying) \(carrying == 1 ? "contact" : "contacts") that import #\(number) created \(carrying == 1 ? "has" : "have") other deals since; undoing would detach them (use --force to undo anyway)")
            }
        }
        for table in SchemaV8.linkedTables {
            let columns = ImportEntity(rawValue: table).flatMap { SQLiteImportWriter.snapshotColumns[$0] } ?? []
            let assignments = columns.map { "\($0) = json_extract(r.before, '$.\($0)')" }.joined(separator: ", ")
            try db.execute(sql: """
                UPDATE \(table) SET \(assignments)
                FROM (SELECT row_id, before FROM import_linked_rows WHERE import_id = ? AND row_table = ? AND before IS NOT NULL) AS r
                WHERE \(table).id = r.row_id AND \(table).org_id = ?
                """, arguments: [entry.id, table, orgId])
            if db.changesCount > 0 { result.linkedRestored[table] = db.changesCount }
            try db.execute(sql: """
                DELETE FROM \(table) WHERE org_id = ? AND id IN (
                  SELECT row_id FROM import_linked_rows WHERE import_id = ? AND row_table = ? AND before IS NULL)
                """, arguments: [orgId, entry.id, table])
            if db.changesCount > 0 { result.linkedDeleted[table] = db.changesCount }
        }
    }
}

/// Writes the rows of one import and records each in `import_rows` (created, or updated with its
/// earlier values), through statements prepared once and bound column by column (the SQLite
/// store's `ImportWriting`).
public final class SQLiteImportWriter: ImportWriting {
    let db: Database
    public let orgId: Int64
    /// The log entry's id.
    public let importId: Int64
    /// The import's number in the organization.
    public let number: Int64
    public let entity: ImportEntity
    /// The time of the import as the store writes it.
    public let nowText: String
    private let insertLeadStatement: BulkInserter
    private var insertLeadBatchStatement: BulkInserter?
    /// The lead columns an import writes, in the order `bindLead` binds them.
    static let leadColumns = ["org_id", "product_id", "name", "company", "email", "phone", "phone_normalized", "source", "status",
                              "status_reason", "score", "assigned_to", "created_at", "updated_at", "external_id", "attributes"]
    /// Rows per multi-row insert (`insertLeads`): one statement, one statement journal, for many rows.
    public static let leadBatchSize = ImportWriterLimits.leadBatchSize
    private let createdRowStatement: BulkInserter
    private let updatedRowStatement: Statement
    private var cacheSize: Int?

    /// The columns an update may change, whose earlier values `import_rows.before` keeps.
    static let snapshotColumns: [ImportEntity: [String]] = [
        .leads: ["product_id", "name", "company", "email", "phone", "phone_normalized", "source", "status", "status_reason",
                 "score", "assigned_to", "created_at", "updated_at", "external_id", "attributes"],
        .contacts: ["name", "email", "phone", "company", "metadata", "created_at", "updated_at"],
        .deals: ["contact_id", "product_id", "owner_id", "title", "value", "stage", "probability", "probability_is_manual",
                 "close_date", "lost_reason", "stage_changed_at", "created_at", "updated_at", "external_ref"],
    ]

    init(db: Database, orgId: Int64, importId: Int64, number: Int64, entity: ImportEntity, nowText: String) throws {
        self.db = db
        self.orgId = orgId
        self.importId = importId
        self.number = number
        self.entity = entity
        self.nowText = nowText
        let leadColumns = Self.leadColumns
        insertLeadStatement = BulkInserter(
            statement: try db.makeStatement(sql: "INSERT INTO leads(\(leadColumns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: leadColumns.count).joined(separator: ", ")))"),
            columnCount: leadColumns.count, table: "leads")
        createdRowStatement = BulkInserter(
            statement: try db.makeStatement(sql: "INSERT INTO import_rows(import_id, row_id, line, before) VALUES (?, ?, ?, NULL)"),
            columnCount: 3, table: "import_rows")
        let table = entity.rawValue
        let snapshot = (Self.snapshotColumns[entity] ?? []).map { "'\($0)', \($0)" }.joined(separator: ", ")
        updatedRowStatement = try db.makeStatement(sql: """
            INSERT INTO import_rows(import_id, row_id, line, before)
            SELECT ?, id, ?, json_object(\(snapshot)) FROM \(table) WHERE id = ? AND org_id = ?
            """)
        // A fixed page cache for the import's transaction, a little above SQLite's 2 MiB default
        // (measured: 4 to 128 MiB import a million leads equally fast); `close` puts it back.
        cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size")
        try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
    }

    /// The page cache of an import, in KiB (8 MiB: a fixed amount, whatever the file's size).
    static let cacheKiB = 8_192

    /// Puts the connection's page cache back as it was.
    public func close() {
        if let cacheSize {
            try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)")
            self.cacheSize = nil
        }
    }

    /// Runs a write; a constraint the schema enforces becomes `StoreError.constraint` (the row is
    /// refused, the transaction goes on), and an update runs in a savepoint so that its earlier
    /// values and its change land together or not at all.
    private func guarded<T>(savepoint: Bool = false, _ body: () throws -> T) throws -> T {
        do {
            if !savepoint { return try body() }
            var result: T?
            try db.inSavepoint {
                result = try body()
                return .commit
            }
            guard let result else { throw StoreError.failed(path: "", detail: "a savepoint returned nothing") }
            return result
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.constraint(StoreError.describeConstraint(error.message ?? "\(error)", code: error.extendedResultCode))
        }
    }

    private func recordCreated(_ id: Int64, line: Int) throws {
        try createdRowStatement.insert { row in
            row.int(importId)
            row.int(id)
            row.int(Int64(line))
        }
    }

    /// Keeps the earlier values of a row about to be updated.
    private func recordBefore(_ id: Int64, line: Int) throws {
        try updatedRowStatement.execute(arguments: [importId, line, id, orgId])
        if db.changesCount == 0 {
            throw StoreError.notFound(entity: entity.singular, id: id)
        }
    }

    // MARK: - Leads

    /// Creates a lead from `values` (unset source: `import`; status: `new`; score: 0); returns its id.
    @discardableResult
    public func insertLead(_ values: LeadImportRow, line: Int) throws -> Int64 {
        try insertLeadStatement.insert { row in bindLead(values, into: &row) }
        let id = db.lastInsertedRowID
        try recordCreated(id, line: line)
        return id
    }

    /// Creates `leadBatchSize` leads with one multi-row insert; returns their ids, in order.
    ///
    /// All or nothing: when the schema refuses one row, none is written and this throws
    /// `StoreError.constraint` (the caller then inserts them one by one to find it). The ids are
    /// consecutive: the import's transaction is the only writer, and SQLite gives each new row the
    /// largest rowid plus one.
    public func insertLeads(_ batch: [(values: LeadImportRow, line: Int)]) throws -> [Int64] {
        precondition(batch.count == Self.leadBatchSize, "a batch holds \(Self.leadBatchSize) leads")
        let statement: BulkInserter
        if let prepared = insertLeadBatchStatement {
            statement = prepared
        } else {
            let row = "(" + Array(repeating: "?", count: Self.leadColumns.count).joined(separator: ", ") + ")"
            let sql = "INSERT INTO leads(\(Self.leadColumns.joined(separator: ", "))) VALUES " + Array(repeating: row, count: Self.leadBatchSize).joined(separator: ", ")
            statement = BulkInserter(statement: try db.makeStatement(sql: sql), columnCount: Self.leadColumns.count * Self.leadBatchSize, table: "leads")
            insertLeadBatchStatement = statement
        }
        try statement.insert { row in
            for item in batch { bindLead(item.values, into: &row) }
        }
        let last = db.lastInsertedRowID
        let first = last - Int64(batch.count) + 1
        var ids: [Int64] = []
        ids.reserveCapacity(batch.count)
        for (offset, item) in batch.enumerated() {
            try recordCreated(first + Int64(offset), line: item.line)
            ids.append(first + Int64(offset))
        }
        return ids
    }

    private func bindLead(_ values: LeadImportRow, into row: inout BulkRow) {
        row.int(orgId)
        row.int(values.productId)
        row.text(values.name)
        row.text(values.company)
        row.text(values.email)
        row.text(values.phone)
        row.text(values.phone == nil ? nil : (values.phoneNormalized ?? values.phone.flatMap(PhoneNumber.normalized)))
        row.text((values.source ?? .import).rawValue)
        row.text((values.status ?? .new).rawValue)
        row.text(values.statusReason)
        row.int(Int64(values.score ?? 0))
        row.int(values.assignedTo)
        row.text(values.createdAt ?? nowText)
        row.text(nowText)
        row.text(values.externalId)
        row.text(AttributeJSON.object(values.attributes))
    }

    /// Updates the given fields of one of the organization's leads, keeping its earlier values.
    /// Updates a lead from a row; `current` is the lead as already read (it is read when nil).
    public func updateLead(id: Int64, with values: LeadImportRow, line: Int, current: Lead? = nil) throws {
        try guarded(savepoint: true) { try leadUpdate(id: id, with: values, line: line, current: current) }
    }

    private func leadUpdate(id: Int64, with values: LeadImportRow, line: Int, current read: Lead?) throws {
        try recordBefore(id, line: line)
        guard var current = try read ?? Lead.rows.filter(Column("id") == id && Column("org_id") == orgId).fetchOne(db)?.value else {
            throw StoreError.notFound(entity: "lead", id: id)
        }
        values.apply(to: &current)
        try RecordRow(current).update(db)
        try db.execute(sql: "UPDATE leads SET updated_at = ?, created_at = coalesce(?, created_at) WHERE id = ?",
                       arguments: [nowText, values.createdAt, id])
        if let attributes = AttributeJSON.object(values.attributes) {
            try db.execute(sql: "UPDATE leads SET attributes = json_patch(coalesce(attributes, '{}'), ?) WHERE id = ?", arguments: [attributes, id])
        }
    }

    // MARK: - Contacts

    /// Creates a contact; returns its id.
    @discardableResult
    public func insertContact(_ values: ContactImportRow, line: Int) throws -> Int64 {
        try guarded { try contactInsert(values, line: line) }
    }

    private func contactInsert(_ values: ContactImportRow, line: Int) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO contacts(org_id, name, email, phone, company, metadata, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [orgId, values.name, values.email, values.phone, values.company, values.metadata ?? "{}",
                             values.createdAt ?? nowText, nowText])
        let id = db.lastInsertedRowID
        try recordCreated(id, line: line)
        return id
    }

    /// Updates the given fields of one of the organization's contacts, keeping its earlier values.
    public func updateContact(id: Int64, with values: ContactImportRow, line: Int) throws {
        try guarded(savepoint: true) { try contactUpdate(id: id, with: values, line: line) }
    }

    private func contactUpdate(id: Int64, with values: ContactImportRow, line: Int) throws {
        try recordBefore(id, line: line)
        try db.execute(sql: """
            UPDATE contacts SET name = coalesce(?, name), email = coalesce(?, email), phone = coalesce(?, phone),
              company = coalesce(?, company), metadata = coalesce(?, metadata), created_at = coalesce(?, created_at), updated_at = ?
            WHERE id = ? AND org_id = ?
            """, arguments: [values.name, values.email, values.phone, values.company, values.metadata, values.createdAt, nowText, id, orgId])
    }

    // MARK: - Deals

    /// Creates a deal (its `createdAt`, `updatedAt` and `stageChangedAt` are those of the record
    /// given); returns its id.
    @discardableResult
    public func insertDeal(_ deal: Deal, line: Int) throws -> Int64 {
        try guarded { try dealInsert(deal, line: line) }
    }

    private func dealInsert(_ deal: Deal, line: Int) throws -> Int64 {
        var deal = deal
        deal.orgId = orgId
        deal.id = nil
        var row = RecordRow(deal)
        try row.insert(db)
        let id = db.lastInsertedRowID
        try recordCreated(id, line: line)
        return id
    }

    /// The organization's deal with this id (to apply an import's changes to it).
    public func deal(id: Int64) throws -> Deal? {
        try Deal.rows.filter(Column("id") == id && Column("org_id") == orgId).fetchOne(db)?.value
    }

    /// Writes an existing deal changed by the import, keeping its earlier values.
    public func updateDeal(_ deal: Deal, line: Int) throws {
        guard let id = deal.id, deal.orgId == orgId else { throw StoreError.notFound(entity: "deal", id: deal.id ?? 0) }
        try guarded(savepoint: true) {
            try recordBefore(id, line: line)
            try RecordRow(deal).update(db)
        }
    }

    // MARK: - Records of other tables (schema v8)

    /// Runs the writes of one row as one: all of them or none (a savepoint), a value the schema
    /// refuses becoming `StoreError.constraint` (a deal with the lead it converts and the contact
    /// it creates).
    public func together<T>(_ body: () throws -> T) throws -> T {
        try guarded(savepoint: true, body)
    }

    /// Creates a contact along with the import's rows (a deals import: the contact of a lead it
    /// converts), recorded in `import_linked_rows` so that undo deletes it; returns its id.
    @discardableResult
    public func insertLinkedContact(_ contact: Contact, line: Int) throws -> Int64 {
        try guarded {
            var contact = contact
            contact.orgId = orgId
            contact.id = nil
            var row = RecordRow(contact)
            try row.insert(db)
            let id = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO import_linked_rows(import_id, row_table, row_id, line, before) VALUES (?, 'contacts', ?, ?, NULL)
                """, arguments: [importId, id, line])
            return id
        }
    }

    /// Writes a lead changed along with the import's rows (a deals import converts the lead of a
    /// deal), its earlier values kept in `import_linked_rows` (the first time the import changes
    /// it) so that undo restores them.
    public func updateLinkedLead(_ lead: Lead, line: Int) throws {
        guard let id = lead.id, lead.orgId == orgId else { throw StoreError.notFound(entity: "lead", id: lead.id ?? 0) }
        let snapshot = (Self.snapshotColumns[.leads] ?? []).map { "'\($0)', \($0)" }.joined(separator: ", ")
        try guarded(savepoint: true) {
            try db.execute(sql: """
                INSERT INTO import_linked_rows(import_id, row_table, row_id, line, before)
                SELECT ?, 'leads', id, ?, json_object(\(snapshot)) FROM leads WHERE id = ? AND org_id = ?
                ON CONFLICT (import_id, row_table, row_id) DO NOTHING
                """, arguments: [importId, line, id, orgId])
            try RecordRow(lead).update(db)
        }
    }

    /// The first contact made from a lead (`contacts.lead_id`), if any.
    public func contactId(ofLead leadId: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM contacts WHERE lead_id = ? AND org_id = ? ORDER BY id LIMIT 1", arguments: [leadId, orgId])
    }

    /// Writes the import's counts (a JSON object) into its log entry.
    public func finish(counts: String) throws {
        try db.execute(sql: "UPDATE imports SET counts = ? WHERE id = ?", arguments: [counts, importId])
    }
}

extension LeadImportRow {
    /// Sets the fields the row gives on a lead (a field it does not give keeps its value): what
    /// an import's update writes, on either store.
    func apply(to lead: inout Lead) {
        if let value = name { lead.name = value }
        if let value = company { lead.company = value }
        if let value = email { lead.email = value }
        if let value = phone { lead.phone = value }
        if let value = source { lead.source = value }
        if let value = status { lead.status = value }
        if let value = statusReason { lead.statusReason = value }
        if let value = score { lead.score = value }
        if let value = assignedTo { lead.assignedTo = value }
        if let value = productId { lead.productId = value }
        if let value = externalId { lead.externalId = value }
    }
}
