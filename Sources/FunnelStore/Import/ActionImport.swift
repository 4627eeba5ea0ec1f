import Foundation
internal import GRDB
internal import GRDBSQLite

// The store side of `funnel import actions`: the keys that find a lead, the writer that adds
// actions by the thousand and records each in the import log, the rescoring of the leads an
// import touched (in its transaction), and undoing such an import.

/// One action an import adds: a lead of the organization, a type, a time, an optional agent, its
/// metadata (bytes of its batch's arena), and the line of the file it came from.
public struct ActionImportRow: Sendable, Equatable {
    public var leadId: Int64
    /// Milliseconds since 1970, UTC.
    public var milliseconds: Int64
    /// An `ai_agents` row of the organization; 0 for none.
    public var agentId: Int64
    public var line: Int32
    /// The type's position in `LeadActionType.allCases`.
    public var typeOrdinal: UInt8
    /// Where the metadata's JSON object is in the batch's `metadata` bytes (count 0: `{}`).
    public var metadataStart: Int32
    public var metadataCount: Int32

    public var type: LeadActionType { LeadActionType.allCases[Int(typeOrdinal)] }
}

/// Actions to add, with their metadata back to back in one array of bytes (no String per row),
/// and the order to write them in.
public struct ActionImportBatch: Sendable {
    public private(set) var rows: [ActionImportRow] = []
    public private(set) var metadata: [UInt8] = []
    /// Positions in `rows`, in the order to write them (nil: as they are).
    public var order: [Int32]?

    public init(capacity: Int = 0) {
        rows.reserveCapacity(capacity)
        metadata.reserveCapacity(capacity * 8)
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// Adds an action; `metadata` writes its JSON object's bytes (nothing for `{}`).
    public mutating func append(leadId: Int64, type ordinal: UInt8, milliseconds: Int64, agentId: Int64, line: Int,
                                metadata write: (inout [UInt8]) -> Void = { _ in }) {
        let start = metadata.count
        write(&metadata)
        rows.append(ActionImportRow(
            leadId: leadId, milliseconds: milliseconds, agentId: agentId, line: Int32(clamping: line), typeOrdinal: ordinal,
            metadataStart: Int32(start), metadataCount: Int32(metadata.count - start)))
    }

    /// The same with a type and an optional metadata text.
    public mutating func append(leadId: Int64, type: LeadActionType, milliseconds: Int64, agentId: Int64? = nil, metadata text: String? = nil, line: Int) {
        append(leadId: leadId, type: UInt8(LeadActionType.allCases.firstIndex(of: type) ?? 0), milliseconds: milliseconds, agentId: agentId ?? 0,
               line: line) { bytes in if let text { bytes.append(contentsOf: text.utf8) } }
    }
}

extension StoreReader {
    /// Calls `body` with the bytes of the normalized email of every lead of the organization that
    /// has one, and the lead's id, lowest id first for each email (read from `idx_leads_email`
    /// alone, without a String per row).
    public func forEachLeadEmail(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws {
        try forEachLeadText("email_normalized", orgId: orgId, body)
    }

    /// The same for the leads' external ids (schema v7: `idx_leads_external_id`); nothing when the
    /// schema has no such column.
    public func forEachLeadExternalID(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws {
        guard try leadsHaveExternalIDs() else { return }
        try forEachLeadText("external_id", orgId: orgId, body)
    }

    /// Whether leads have an external id (schema v7 and later).
    public func leadsHaveExternalIDs() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM pragma_table_info('leads') WHERE name = 'external_id'") ?? false
    }

    private func forEachLeadText(_ column: String, orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws {
        let statement = try db.makeStatement(sql: "SELECT \(column), id FROM leads WHERE org_id = ? AND \(column) IS NOT NULL ORDER BY \(column), id")
        try statement.setArguments([orgId])
        try statement.forEachRawRow(in: db) { handle in
            guard let text = sqlite3_column_text(handle, 0) else { return true }
            try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 0))), sqlite3_column_int64(handle, 1))
            return true
        }
    }

    /// The ids of the organization's leads, ascending.
    public func leadIDs(orgId: Int64) throws -> [Int64] {
        var ids: [Int64] = []
        let statement = try db.makeStatement(sql: "SELECT id FROM leads WHERE org_id = ? ORDER BY id")
        try statement.setArguments([orgId])
        try statement.forEachRawRow(in: db) { handle in
            ids.append(sqlite3_column_int64(handle, 0))
            return true
        }
        return ids
    }

    /// The organization's AI agents by name, lowest id first.
    public func agentIDs(orgId: Int64) throws -> [(name: String, id: Int64)] {
        try Row.fetchAll(db, sql: "SELECT name, id FROM ai_agents WHERE org_id = ? ORDER BY id", arguments: [orgId]).map { ($0["name"], $0["id"]) }
    }
}

extension StoreTransaction {
    /// Starts an import of actions: writes its log entry (entity `actions`, numbered after the
    /// organization's last import) and returns the writer that adds the actions.
    public func beginActionImport(orgId: Int64, userId: Int64?, file: String, at now: Date, cacheKiB: Int = ImportWriterLimits.smallestCacheKiB) throws -> any ActionImportWriting {
        let number = try lastImportNumber(orgId: orgId) + 1
        let nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970.rounded(.down)))
        do {
            try db.execute(sql: """
                INSERT INTO imports(org_id, number, user_id, entity, mode, file, counts, status, created_at)
                VALUES (?, ?, ?, 'actions', 'create', ?, '{}', 'done', ?)
                """, arguments: [orgId, number, userId, String(file.prefix(4096)), nowText])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.constraint("this database cannot record an import of actions yet (schema version 7 is needed: open it once with this version of Funnel to migrate it)")
        }
        return try SQLiteActionImportWriter(db: db, orgId: orgId, importId: db.lastInsertedRowID, number: number, cacheKiB: cacheKiB)
    }

    /// Rescores the given leads of the organization (ids ascending) from their fields and every
    /// action they have, in this transaction; writes a score only where it changed. Returns how
    /// many scores changed. With `lastActions`, also gives each lead its newest action's time
    /// (`last_action_at`, as the `lead_actions_touch_lead` trigger keeps it) where that differs.
    public func rescoreLeads(ids: [Int64], orgId: Int64, lastActions: Bool = false, withAttributes: Bool = false,
                             score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int {
        let leads = try db.makeStatement(sql: """
            SELECT \(LeadScoringInput.columns(withAttributes: withAttributes)), last_action_at
            FROM leads WHERE id = ? AND org_id = ?
            """)
        // The covering index (lead_id, created_at DESC, action_type) holds all it reads, newest first.
        let actionRows = try db.makeStatement(sql: "SELECT action_type, created_at FROM lead_actions WHERE lead_id = ? ORDER BY created_at DESC")
        let update = try db.makeStatement(sql: "UPDATE leads SET score = ? WHERE id = ?")
        let updateBoth = try db.makeStatement(sql: "UPDATE leads SET score = ?, last_action_at = ? WHERE id = ?")
        let (leadHandle, actionHandle, updateHandle) = (leads.sqliteStatement, actionRows.sqliteStatement, update.sqliteStatement)
        var changed = 0
        var newest: [UInt8] = []
        var actions: [LeadActionSample] = []
        actions.reserveCapacity(256)
        for id in ids {
            sqlite3_bind_int64(leadHandle, 1, id)
            sqlite3_bind_int64(leadHandle, 2, orgId)
            defer { sqlite3_reset(leadHandle) }
            let code = sqlite3_step(leadHandle)
            if code == SQLITE_DONE { continue }
            guard code == SQLITE_ROW else { throw db.stepFailure(code) }
            let input = LeadScoringInput(row: leadHandle, withAttributes: withAttributes)
            actions.removeAll(keepingCapacity: true)
            newest.removeAll(keepingCapacity: true)
            sqlite3_bind_int64(actionHandle, 1, id)
            while true {
                let step = sqlite3_step(actionHandle)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else {
                    sqlite3_reset(actionHandle)
                    throw db.stepFailure(step)
                }
                if let text = sqlite3_column_text(actionHandle, 1) {
                    let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(actionHandle, 1)))
                    if lastActions && newest.isEmpty { newest.append(contentsOf: bytes) }
                    if let (type, ordinal) = ByteEnums.actionTypes.value(actionHandle, 0) {
                        actions.append(LeadActionSample(type: type, ordinal: ordinal, secondsSince1970: StoreTimestamp.seconds(bytes: bytes) ?? 0))
                    }
                }
            }
            sqlite3_reset(actionHandle)
            let newScore = score(input, actions)
            if lastActions, !newest.isEmpty, !Self.sameText(leadHandle, 9, newest) {
                try updateBoth.execute(arguments: [newScore, String(decoding: newest, as: UTF8.self), id])
                if newScore != input.score { changed += 1 }
            } else if newScore != input.score {
                sqlite3_bind_int64(updateHandle, 1, Int64(newScore))
                sqlite3_bind_int64(updateHandle, 2, id)
                let written = sqlite3_step(updateHandle)
                sqlite3_reset(updateHandle)
                guard written == SQLITE_DONE else { throw db.stepFailure(written) }
                changed += 1
            }
        }
        return changed
    }

    /// Whether a text column of the current row holds exactly `bytes`.
    private static func sameText(_ statement: OpaquePointer?, _ column: Int32, _ bytes: [UInt8]) -> Bool {
        guard let text = sqlite3_column_text(statement, column) else { return false }
        let count = Int(sqlite3_column_bytes(statement, column))
        return count == bytes.count && bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, text, count) == 0 }
    }

    /// Undoes an import of actions (called by `undoImport`): deletes the actions it added that are
    /// still the organization's, gives the leads they belonged to their last action's time again,
    /// and marks the import undone. The result names those leads (ascending), to be rescored.
    func undoActionImport(_ entry: ImportLogEntry, by userId: Int64?, at now: Date) throws -> (ImportLogEntry, ImportUndoResult) {
        let (importId, orgId) = (entry.id, entry.orgId)
        var leadIds: [Int64] = []
        let affected = try db.makeStatement(sql: """
            SELECT DISTINCT a.lead_id FROM import_rows r JOIN lead_actions a ON a.id = r.row_id
            JOIN leads l ON l.id = a.lead_id AND l.org_id = ?
            WHERE r.import_id = ? ORDER BY a.lead_id
            """)
        try affected.setArguments([orgId, importId])
        try affected.forEachRawRow(in: db) { handle in
            leadIds.append(sqlite3_column_int64(handle, 0))
            return true
        }
        try db.execute(sql: """
            DELETE FROM lead_actions WHERE id IN (SELECT row_id FROM import_rows WHERE import_id = ?)
              AND lead_id IN (SELECT id FROM leads WHERE org_id = ?)
            """, arguments: [importId, orgId])
        let deleted = db.changesCount
        let lastAction = try db.makeStatement(sql: """
            UPDATE leads SET last_action_at = (SELECT max(created_at) FROM lead_actions WHERE lead_id = ?1) WHERE id = ?1
            """)
        for id in leadIds {
            try lastAction.execute(arguments: [id])
        }
        let nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970.rounded(.down)))
        try db.execute(sql: "UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?",
                       arguments: [nowText, userId, importId])
        var undone = entry
        undone.isUndone = true
        undone.undoneAt = nowText
        var result = ImportUndoResult(deleted: deleted)
        result.leadIds = leadIds
        return (undone, result)
    }
}

/// Adds the actions of one import and records each in `import_rows` (`row_id`: the action's id),
/// through two multi-row statements prepared once and bound column by column.
///
/// Rows go in as the caller orders them; ordered by lead (and, within a lead, newest first) they
/// touch the index `idx_lead_actions_lead_created` and the `lead_actions_touch_lead` trigger's lead
/// page by page instead of all over the file (the SQLite store's `ActionImportWriting`).
public final class SQLiteActionImportWriter: ActionImportWriting {
    let db: Database
    public let orgId: Int64
    /// The log entry's id.
    public let importId: Int64
    /// The import's number in the organization.
    public let number: Int64
    /// Rows a statement inserts at once (measured on 1,000,000 actions: 64 took a sixth less of
    /// the writing thread's time than 32, and 16 more).
    public static let rowsPerStatement = 64
    private let insertActions: Statement
    private let insertOneAction: Statement
    private let insertRows: Statement
    private var cacheSize: Int?
    /// The action types as NUL-terminated bytes, bound without a copy.
    private let typeNames: [UnsafeMutablePointer<CChar>]
    /// `{}`, bound without a copy.
    private let emptyObject: UnsafeMutablePointer<CChar> = strdup("{}")!
    /// The times of a statement's rows (23 bytes each), bound without a copy.
    private let times = UnsafeMutablePointer<UInt8>.allocate(capacity: 23 * SQLiteActionImportWriter.rowsPerStatement)
    private static let actionColumns = 5

    init(db: Database, orgId: Int64, importId: Int64, number: Int64, cacheKiB: Int) throws {
        self.db = db
        self.orgId = orgId
        self.importId = importId
        self.number = number
        let count = Self.rowsPerStatement
        let actionRow = "(?, ?, ?, ?, ?)"
        insertActions = try db.makeStatement(sql: """
            INSERT INTO lead_actions(lead_id, action_type, agent_id, metadata, created_at)
            SELECT * FROM (VALUES \(Array(repeating: actionRow, count: count).joined(separator: ", "))) LIMIT ?
            """)
        insertOneAction = try db.makeStatement(sql: "INSERT INTO lead_actions(lead_id, action_type, agent_id, metadata, created_at) VALUES \(actionRow)")
        insertRows = try db.makeStatement(sql: """
            INSERT INTO import_rows(import_id, row_id, line)
            SELECT * FROM (VALUES \(Array(repeating: "(?, ?, ?)", count: count).joined(separator: ", "))) LIMIT ?
            """)
        typeNames = LeadActionType.allCases.map { strdup($0.rawValue)! }
        cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size")
        try db.execute(sql: "PRAGMA cache_size = -\(min(max(cacheKiB, Self.smallestCacheKiB), Self.largestCacheKiB))")
    }

    /// The `lead_actions_touch_lead` trigger's definition while the import has set it aside.
    private var setAside: String?
    static let lastActionTrigger = "lead_actions_touch_lead"

    /// Sets the `lead_actions_touch_lead` trigger aside until `restoreLastActionTrigger()`: the
    /// import gives each lead it touched its newest action's time itself, once, when it rescores
    /// them (`rescoreLeads(lastActions: true)`), instead of an UPDATE of the lead for every action.
    /// Inside the import's transaction: nobody else sees the trigger missing, and a rollback
    /// brings it back with everything else.
    public func setAsideLastActionTrigger() throws {
        guard setAside == nil,
              let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?", arguments: [Self.lastActionTrigger])
        else { return }
        try db.execute(sql: "DROP TRIGGER \(Self.lastActionTrigger)")
        setAside = sql
    }

    /// Puts the trigger back, as it was defined (before the transaction commits).
    public func restoreLastActionTrigger() throws {
        guard let sql = setAside else { return }
        try db.execute(sql: sql)
        setAside = nil
    }

    /// Whether the trigger is set aside (its work is the import's).
    public var lastActionTriggerSetAside: Bool { setAside != nil }

    deinit {
        for name in typeNames { free(name) }
        free(emptyObject)
        times.deallocate()
    }

    /// The page cache of an import of actions, in KiB: between 8 MiB and 256 MiB as the caller
    /// asks (the service: about the file's size). A big import's rows, sorted by lead batch by
    /// batch, reach most pages of the lead-actions index in every batch: a cache that holds the
    /// index keeps each page from being written to the WAL and read back once a batch (measured:
    /// 1,000,000 actions in 10.7 s with 8 MiB, 8.6 s with 256 MiB; 5,000,000 with 8 MiB spent
    /// more time waiting for the disk than working).
    public static let smallestCacheKiB = ImportWriterLimits.smallestCacheKiB
    public static let largestCacheKiB = ImportWriterLimits.largestCacheKiB

    /// Puts the connection's page cache back as it was (and the trigger, when an error left it
    /// aside: the transaction is then rolled back, which would bring it back too).
    public func close() {
        try? restoreLastActionTrigger()
        if let cacheSize {
            try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)")
            self.cacheSize = nil
        }
    }

    /// Adds the batch's actions in its order. Returns the rows the schema refused, with its reason
    /// (the others are written).
    public func insert(_ batch: ActionImportBatch) throws -> [(line: Int, message: String)] {
        var refused: [(line: Int, message: String)] = []
        let total = batch.rows.count
        var start = 0
        // Texts are bound without a copy (SQLITE_STATIC): the metadata from the batch's bytes, the
        // times from `times`; both outlive every step that reads them.
        try batch.rows.withUnsafeBufferPointer { rows in
            try batch.metadata.withUnsafeBufferPointer { metadata in
                let order = batch.order
                func row(_ position: Int) -> ActionImportRow { rows[order.map { Int($0[position]) } ?? position] }
                while start < total {
                    let end = min(start + Self.rowsPerStatement, total)
                    do {
                        try insertChunk(from: start, to: end, metadata: metadata, row: row)
                    } catch StoreError.constraint {
                        // One of the chunk's rows was refused: the rows one by one, to find it.
                        for position in start..<end {
                            do {
                                try insertOne(row(position), metadata: metadata)
                            } catch StoreError.constraint(let message) {
                                refused.append((Int(row(position).line), message))
                            }
                        }
                    }
                    start = end
                }
            }
        }
        return refused
    }

    private func insertChunk(from start: Int, to end: Int, metadata: UnsafeBufferPointer<UInt8>, row: (Int) -> ActionImportRow) throws {
        let handle = insertActions.sqliteStatement
        var index: Int32 = 1
        for (slot, position) in (start..<end).enumerated() {
            bind(row(position), slot: slot, metadata: metadata, handle, &index)
        }
        let count = end - start
        if count < Self.rowsPerStatement {
            // Rows past the limit are not read; nothing of an earlier batch stays bound all the same.
            for parameter in index..<Int32(Self.rowsPerStatement * Self.actionColumns + 1) { sqlite3_bind_null(handle, parameter) }
        }
        try step(handle, limitAt: Int32(Self.rowsPerStatement * Self.actionColumns + 1), rows: count)
        let first = db.lastInsertedRowID - Int64(count) + 1
        let rowsHandle = insertRows.sqliteStatement
        index = 1
        for (offset, position) in (start..<end).enumerated() {
            sqlite3_bind_int64(rowsHandle, index, importId)
            sqlite3_bind_int64(rowsHandle, index + 1, first + Int64(offset))
            sqlite3_bind_int64(rowsHandle, index + 2, Int64(row(position).line))
            index += 3
        }
        try step(rowsHandle, limitAt: Int32(Self.rowsPerStatement * 3 + 1), rows: count)
    }

    private func insertOne(_ row: ActionImportRow, metadata: UnsafeBufferPointer<UInt8>) throws {
        let handle = insertOneAction.sqliteStatement
        var index: Int32 = 1
        bind(row, slot: 0, metadata: metadata, handle, &index)
        try step(handle, limitAt: nil, rows: 1)
        let rowsHandle = insertRows.sqliteStatement
        sqlite3_bind_int64(rowsHandle, 1, importId)
        sqlite3_bind_int64(rowsHandle, 2, db.lastInsertedRowID)
        sqlite3_bind_int64(rowsHandle, 3, Int64(row.line))
        for parameter in 4..<Int32(Self.rowsPerStatement * 3 + 1) { sqlite3_bind_null(rowsHandle, parameter) }
        try step(rowsHandle, limitAt: Int32(Self.rowsPerStatement * 3 + 1), rows: 1)
    }

    @inline(__always)
    private func bind(_ row: ActionImportRow, slot: Int, metadata: UnsafeBufferPointer<UInt8>, _ handle: OpaquePointer, _ index: inout Int32) {
        sqlite3_bind_int64(handle, index, row.leadId)
        sqlite3_bind_text(handle, index + 1, typeNames[Int(row.typeOrdinal)], -1, nil)
        if row.agentId > 0 { sqlite3_bind_int64(handle, index + 2, row.agentId) } else { sqlite3_bind_null(handle, index + 2) }
        if row.metadataCount > 0, let base = metadata.baseAddress {
            let text = UnsafeRawPointer(base + Int(row.metadataStart)).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(handle, index + 3, text, row.metadataCount, nil)
        } else {
            sqlite3_bind_text(handle, index + 3, emptyObject, 2, nil)
        }
        let time = times + slot * 23
        StoreTimestamp.write(milliseconds: row.milliseconds, into: UnsafeMutableBufferPointer(start: time, count: 23))
        sqlite3_bind_text(handle, index + 4, UnsafeRawPointer(time).assumingMemoryBound(to: CChar.self), 23, nil)
        index += Int32(Self.actionColumns)
    }

    private func step(_ handle: OpaquePointer, limitAt limit: Int32?, rows: Int) throws {
        if let limit { sqlite3_bind_int64(handle, limit, Int64(rows)) }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            if code & 0xFF == SQLITE_CONSTRAINT { throw StoreError.constraint("the database refused the row: " + message) }
            throw StoreError.failed(path: sqlite3_db_filename(sqlite3_db_handle(handle), "main").map { String(cString: $0) } ?? "", detail: message)
        }
    }

    /// Writes the import's counts (a JSON object) into its log entry.
    public func finish(counts: String) throws {
        try db.execute(sql: "UPDATE imports SET counts = ? WHERE id = ?", arguments: [counts, importId])
    }
}

extension StoreTimestamp {
    /// Writes the 23 bytes of the timestamp of `milliseconds` since 1970 into `buffer`.
    static func write(milliseconds: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        write(seconds, into: buffer)
        let fraction = milliseconds - seconds * 1000
        buffer[20] = UInt8(48 + fraction / 100)
        buffer[21] = UInt8(48 + fraction / 10 % 10)
        buffer[22] = UInt8(48 + fraction % 10)
    }
}
