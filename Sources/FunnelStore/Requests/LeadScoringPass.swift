import Foundation
internal import GRDB
internal import GRDBSQLite

/// What scoring reads of a lead.
public struct LeadScoringInput: Sendable {
    public var id: Int64
    public var source: LeadSource
    public var email: String?
    public var hasPhone: Bool
    public var hasCompany: Bool
    public var hasProduct: Bool
    public var score: Int
    public var status: LeadStatus = .new
    /// The lead's attributes, when the pass was asked to read them (a learned model uses them).
    public var attributes: [AttributeEntry] = []

    public init(id: Int64, source: LeadSource, email: String?, hasPhone: Bool, hasCompany: Bool, hasProduct: Bool, score: Int,
                status: LeadStatus = .new, attributes: [AttributeEntry] = []) {
        self.id = id
        self.source = source
        self.email = email
        self.hasPhone = hasPhone
        self.hasCompany = hasCompany
        self.hasProduct = hasProduct
        self.score = score
        self.status = status
        self.attributes = attributes
    }
}

extension LeadScoringInput {
    /// The columns a scoring read selects from `leads`, in the order `init(row:)` reads them: the
    /// attributes' JSON only when asked (a lead's JSON may spill over pages of its own).
    static func columns(withAttributes: Bool) -> String {
        "id, source, email, phone IS NOT NULL, company IS NOT NULL, product_id IS NOT NULL, score, status, "
            + (withAttributes ? "attributes" : "NULL")
    }

    /// The lead of the statement's current row (selected with `columns` first); its attributes
    /// only `withAttributes` (read from its JSON without a Foundation object).
    init(row handle: OpaquePointer?, withAttributes: Bool) {
        let email: String? = sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : String(cString: sqlite3_column_text(handle, 2))
        self.init(id: sqlite3_column_int64(handle, 0), source: ByteEnums.leadSources.value(handle, 1) ?? .other, email: email,
                  hasPhone: sqlite3_column_int(handle, 3) != 0, hasCompany: sqlite3_column_int(handle, 4) != 0,
                  hasProduct: sqlite3_column_int(handle, 5) != 0, score: Int(sqlite3_column_int64(handle, 6)),
                  status: ByteEnums.leadStatuses.value(handle, 7) ?? .new)
        if withAttributes, sqlite3_column_type(handle, 8) != SQLITE_NULL, let text = sqlite3_column_text(handle, 8) {
            var reader = FlatJSONObject(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 8))))
            reader.forEachMember { key, value in
                switch value {
                case .number(let token): if let number = Double(token) { attributes.append(AttributeEntry(key, .number(number))) }
                case .string(let text): attributes.append(AttributeEntry(key, .text(text)))
                case .bool(let yes): attributes.append(AttributeEntry(key, .yesNo(yes)))
                case .other: break
                }
            }
        }
    }
}

/// What scoring reads of an action: its type and when (seconds since 1970, UTC).
public struct LeadActionSample: Sendable {
    public var type: LeadActionType
    public var secondsSince1970: Int64
    /// The type's position in `LeadActionType.allCases` (so tables of points can be arrays).
    public var ordinal: Int

    public init(type: LeadActionType, secondsSince1970: Int64) {
        self.type = type
        self.secondsSince1970 = secondsSince1970
        ordinal = LeadActionType.allCases.firstIndex(of: type) ?? -1
    }

    init(type: LeadActionType, ordinal: Int, secondsSince1970: Int64) {
        self.type = type
        self.secondsSince1970 = secondsSince1970
        self.ordinal = ordinal
    }
}

/// The outcome of a rescoring pass.
public struct RescoreResult: Sendable, Equatable {
    public var leadsScanned: Int
    public var scoresChanged: Int
    /// False when the pass was stopped before the end (each finished chunk is kept).
    public var completed: Bool
}

extension AppDatabase {
    /// Rescores leads in one pass over leads and their actions, chunk by chunk.
    ///
    /// Leads are read in id order and their actions through `idx_lead_actions_lead_created` in the
    /// same order, merged without a query per lead; a score is written only when it changed.
    /// Each chunk is one transaction; `progress(scanned, total)` returning false stops the pass
    /// after the current chunk (what was written stays, rescoring is idempotent).
    public func rescoreLeads(
        orgId: Int64?, chunkSize: Int = 25_000, withAttributes: Bool = false,
        score: (LeadScoringInput, [LeadActionSample]) -> Int,
        progress: (Int, Int) -> Bool = { _, _ in true }
    ) throws -> RescoreResult {
        let (total, maxID) = try read { db in try Self.scoringExtent(db, orgId: orgId) }
        // A pass that rewrites many scores moves entries all over the three score indexes: a page
        // cache that holds them (64 MiB, for the pass only) keeps each page from being read again.
        let cacheSize = try read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000 }
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
        defer { try? writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(cacheSize)") } }
        var result = RescoreResult(leadsScanned: 0, scoresChanged: 0, completed: true)
        var start: Int64 = 0
        while start < maxID {
            let end = start + Int64(chunkSize)
            try write { db in
                let update = try db.makeStatement(sql: "UPDATE leads SET score = ? WHERE id = ?")
                try Self.scanScoringChunk(db, orgId: orgId, after: start, through: end, withAttributes: withAttributes) { input, actions in
                    let newScore = score(input, actions)
                    if newScore != input.score {
                        try update.execute(arguments: [newScore, input.id])
                        result.scoresChanged += 1
                    }
                    result.leadsScanned += 1
                }
            }
            start = end
            if !progress(result.leadsScanned, total) {
                result.completed = start >= maxID
                break
            }
        }
        return result
    }

    /// Reads every lead of the organization with its actions, in id order, as scoring reads them
    /// (for learning a model): one read transaction, chunk by chunk, no query per lead.
    /// `progress(read, total)` returning false stops the read (`CancellationError`).
    public func scanLeadsForScoring(orgId: Int64, withAttributes: Bool, chunkSize: Int = 25_000,
                                    _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void,
                                    progress: (Int, Int) -> Bool = { _, _ in true }) throws {
        try read { db in
            let (total, maxID) = try Self.scoringExtent(db, orgId: orgId)
            var done = 0
            var start: Int64 = 0
            while start < maxID {
                let end = start + Int64(chunkSize)
                try Self.scanScoringChunk(db, orgId: orgId, after: start, through: end, withAttributes: withAttributes) { input, actions in
                    try body(input, actions)
                    done += 1
                }
                start = end
                if !progress(done, total) { throw CancellationError() }
            }
        }
    }

    /// How many leads a pass reads (the maintained counts) and the largest lead id.
    static func scoringExtent(_ db: Database, orgId: Int64?) throws -> (Int, Int64) {
        let total = try orgId.map { try Int.fetchOne(db, sql: "SELECT sum(lead_count) FROM lead_status_counts WHERE org_id = ?", arguments: [$0]) ?? 0 }
            ?? (Int.fetchOne(db, sql: "SELECT sum(lead_count) FROM lead_status_counts") ?? 0)
        return (total, try Int64.fetchOne(db, sql: "SELECT max(id) FROM leads") ?? 0)
    }

    /// The leads with ids in `(start, end]` (of the organization, or all) and their actions.
    ///
    /// Leads are read in id order and their actions through `idx_lead_actions_lead_created` in the
    /// same order, merged without a query per lead, with SQLite's own calls: five million actions
    /// would otherwise make ten million Swift strings (their type and time) only to parse and drop them.
    static func scanScoringChunk(_ db: Database, orgId: Int64?, after start: Int64, through end: Int64, withAttributes: Bool,
                                 _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void) throws {
        let leadSQL = "SELECT \(LeadScoringInput.columns(withAttributes: withAttributes)) FROM leads WHERE id > ? AND id <= ?"
            + (orgId == nil ? "" : " AND +org_id = \(orgId!)") + " ORDER BY id"
        let leads = try db.makeStatement(sql: leadSQL)
        try leads.setArguments([start, end])
        let actionRows = try db.makeStatement(sql: "SELECT lead_id, action_type, created_at FROM lead_actions WHERE lead_id > ? AND lead_id <= ? ORDER BY lead_id")
        try actionRows.setArguments([start, end])
        let (leadHandle, actionHandle) = (leads.sqliteStatement, actionRows.sqliteStatement)
        defer {
            sqlite3_reset(leadHandle)
            sqlite3_reset(actionHandle)
        }
        var actions: [LeadActionSample] = []
        actions.reserveCapacity(64)
        var actionState = sqlite3_step(actionHandle)
        while true {
            let code = sqlite3_step(leadHandle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw db.stepFailure(code) }
            let input = LeadScoringInput(row: leadHandle, withAttributes: withAttributes)
            let id = input.id
            actions.removeAll(keepingCapacity: true)
            while actionState == SQLITE_ROW {
                let leadID = sqlite3_column_int64(actionHandle, 0)
                if leadID > id { break }
                if leadID == id, let (type, ordinal) = ByteEnums.actionTypes.value(actionHandle, 1),
                   let text = sqlite3_column_text(actionHandle, 2) {
                    let seconds = StoreTimestamp.seconds(bytes: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(actionHandle, 2))))
                    actions.append(LeadActionSample(type: type, ordinal: ordinal, secondsSince1970: seconds ?? 0))
                }
                actionState = sqlite3_step(actionHandle)
            }
            guard actionState == SQLITE_ROW || actionState == SQLITE_DONE else { throw db.stepFailure(actionState) }
            try body(input, actions)
        }
    }

    /// Writes one lead's score (after an action was logged, settings changed, or its points
    /// decayed), only where it differs from the stored one. Returns whether it wrote.
    @discardableResult
    public func writeScore(_ score: Int, leadId: Int64, orgId: Int64) throws -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE leads SET score = ? WHERE id = ? AND org_id = ? AND score <> ?", arguments: [score, leadId, orgId, score])
            return db.changesCount > 0
        }
    }
}

extension StoreTimestamp {
    /// Seconds since 1970 of a stored timestamp (`YYYY-MM-DD HH:MM:SS[.SSS]`), parsed by hand for speed.
    public static func seconds(parsing text: String) -> Int64? {
        var text = text
        return text.withUTF8 { seconds(bytes: $0) }
    }

    /// The same, from the bytes SQLite holds.
    static func seconds(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        do {
            guard bytes.count >= 19 else { return nil }
            func number(_ from: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for index in from..<(from + count) {
                    let digit = Int64(bytes[index]) - 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
            // Days from civil (Howard Hinnant).
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            return days * 86_400 + hour * 3600 + minute * 60 + second
        }
    }
}

/// An enumeration read from a text column without making a String: the few cases are compared
/// by length, then byte for byte (no hashing: a dozen cases are found faster by looking).
struct ByteEnum<Value: Sendable>: Sendable {
    let cases: [(bytes: [UInt8], value: Value)]

    init(_ cases: [(String, Value)]) {
        self.cases = cases.map { (Array($0.0.utf8), $0.1) }
    }

    /// The value of column `column` of the current row, if its text is one of the cases.
    func value(_ statement: OpaquePointer?, _ column: Int32) -> Value? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        for entry in cases where entry.bytes.count == count {
            if count == 0 || entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, text, count) == 0 }) { return entry.value }
        }
        return nil
    }
}

/// The enumerations scoring reads from text columns.
enum ByteEnums {
    static let leadSources = ByteEnum<LeadSource>(LeadSource.allCases.map { ($0.rawValue, $0) })
    static let leadStatuses = ByteEnum<LeadStatus>(LeadStatus.allCases.map { ($0.rawValue, $0) })
    static let actionTypes = ByteEnum<(LeadActionType, Int)>(LeadActionType.allCases.enumerated().map { ($1.rawValue, ($1, $0)) })
}
