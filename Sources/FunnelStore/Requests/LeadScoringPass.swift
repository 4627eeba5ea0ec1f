import Foundation
import GRDB

/// What scoring reads of a lead.
public struct LeadScoringInput: Sendable {
    public var id: Int64
    public var source: LeadSource
    public var email: String?
    public var hasPhone: Bool
    public var hasCompany: Bool
    public var hasProduct: Bool
    public var score: Int
}

/// What scoring reads of an action: its type and when (seconds since 1970, UTC).
public struct LeadActionSample: Sendable {
    public var type: LeadActionType
    public var secondsSince1970: Int64
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
        orgId: Int64?, chunkSize: Int = 25_000,
        score: (LeadScoringInput, [LeadActionSample]) -> Int,
        progress: (Int, Int) -> Bool = { _, _ in true }
    ) throws -> RescoreResult {
        let (total, maxID): (Int, Int64) = try read { db in
            let total = try orgId.map { try Int.fetchOne(db, sql: "SELECT sum(lead_count) FROM lead_status_counts WHERE org_id = ?", arguments: [$0]) ?? 0 }
                ?? (Int.fetchOne(db, sql: "SELECT sum(lead_count) FROM lead_status_counts") ?? 0)
            return (total, try Int64.fetchOne(db, sql: "SELECT max(id) FROM leads") ?? 0)
        }
        var result = RescoreResult(leadsScanned: 0, scoresChanged: 0, completed: true)
        var start: Int64 = 0
        var actions: [LeadActionSample] = []
        actions.reserveCapacity(64)
        while start < maxID {
            let end = start + Int64(chunkSize)
            try write { db in
                let leadSQL = "SELECT id, source, email, phone IS NOT NULL, company IS NOT NULL, product_id IS NOT NULL, score FROM leads WHERE id > ? AND id <= ?"
                    + (orgId == nil ? "" : " AND org_id = \(orgId!)") + " ORDER BY id"
                let leadRows = try Row.fetchCursor(db, sql: leadSQL, arguments: [start, end])
                let actionRows = try Row.fetchCursor(db, sql: "SELECT lead_id, action_type, created_at FROM lead_actions WHERE lead_id > ? AND lead_id <= ? ORDER BY lead_id", arguments: [start, end])
                let update = try db.makeStatement(sql: "UPDATE leads SET score = ? WHERE id = ?")
                var pending = try actionRows.next()
                while let row = try leadRows.next() {
                    let id: Int64 = row[0]
                    let input = LeadScoringInput(
                        id: id, source: LeadSource(rawValue: row[1]) ?? .other, email: row[2], hasPhone: row[3],
                        hasCompany: row[4], hasProduct: row[5], score: row[6])
                    actions.removeAll(keepingCapacity: true)
                    while let action = pending {
                        let leadID: Int64 = action[0]
                        if leadID > id { break }
                        if leadID == id, let type = LeadActionType(rawValue: action[1]) {
                            actions.append(LeadActionSample(type: type, secondsSince1970: StoreTimestamp.seconds(parsing: action[2]) ?? 0))
                        }
                        pending = try actionRows.next()
                    }
                    let newScore = score(input, actions)
                    if newScore != input.score {
                        try update.execute(arguments: [newScore, id])
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

    /// Writes one lead's score (after an action was logged, or settings changed).
    public func writeScore(_ score: Int, leadId: Int64, orgId: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE leads SET score = ? WHERE id = ? AND org_id = ?", arguments: [score, leadId, orgId])
        }
    }
}

extension StoreTimestamp {
    /// Seconds since 1970 of a stored timestamp (`YYYY-MM-DD HH:MM:SS[.SSS]`), parsed by hand for speed.
    public static func seconds(parsing text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
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
