import Foundation
internal import GRDB

/// A learned scoring model as stored (schema v9): what it was learned from, how well it ranked,
/// and the model itself as the JSON the scoring service reads.
public struct StoredScoringModel: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var orgId: Int64
    /// 1 for the organization's first model, then one more each time.
    public var version: Int
    public var createdAt: Date
    public var createdBy: Int64?
    public var outcomes: Int
    public var converted: Int
    public var cvAUC: Double
    public var rulesCvAUC: Double?
    public var json: String
}

extension StoreReader {
    /// The organization's learned models, newest first.
    public func scoringModels(orgId: Int64) throws -> [StoredScoringModel] {
        try Row.fetchAll(db, sql: "SELECT * FROM scoring_models WHERE org_id = ? ORDER BY version DESC", arguments: [orgId]).map(Self.scoringModel)
    }

    /// One of the organization's models, by id.
    public func scoringModel(id: Int64, orgId: Int64) throws -> StoredScoringModel? {
        try Row.fetchOne(db, sql: "SELECT * FROM scoring_models WHERE id = ? AND org_id = ?", arguments: [id, orgId]).map(Self.scoringModel)
    }

    /// One of the organization's models, by version.
    public func scoringModel(version: Int, orgId: Int64) throws -> StoredScoringModel? {
        try Row.fetchOne(db, sql: "SELECT * FROM scoring_models WHERE version = ? AND org_id = ?", arguments: [version, orgId]).map(Self.scoringModel)
    }

    static func scoringModel(_ row: Row) -> StoredScoringModel {
        let created: String = row["created_at"]
        return StoredScoringModel(
            id: row["id"], orgId: row["org_id"], version: row["version"],
            createdAt: Date(timeIntervalSince1970: TimeInterval(StoreTimestamp.seconds(parsing: created) ?? 0)),
            createdBy: row["created_by"], outcomes: row["outcomes"], converted: row["converted"], cvAUC: row["cv_auc"],
            rulesCvAUC: row["rules_cv_auc"], json: row["model"])
    }
}

extension StoreTransaction {
    /// The records an import created or updated (of its own table), ascending: the leads a leads
    /// import wrote, for scoring them with a learned model at its end.
    public func importedRowIds(importNumber: Int64, orgId: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT r.row_id FROM import_rows r JOIN imports i ON i.id = r.import_id WHERE i.org_id = ? AND i.number = ? ORDER BY r.row_id
            """, arguments: [orgId, importNumber])
    }

    /// Stores a newly learned model as the organization's next version.
    public func insertScoringModel(orgId: Int64, createdBy: Int64?, at now: Date, outcomes: Int, converted: Int, cvAUC: Double,
                                   rulesCvAUC: Double?, json: String) throws -> StoredScoringModel {
        let version = (try Int.fetchOne(db, sql: "SELECT max(version) FROM scoring_models WHERE org_id = ?", arguments: [orgId]) ?? 0) + 1
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        try db.execute(sql: """
            INSERT INTO scoring_models(org_id, version, created_at, created_by, outcomes, converted, cv_auc, rules_cv_auc, model)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [orgId, version, StoreTimestamp.text(seconds), createdBy, outcomes, converted, cvAUC, rulesCvAUC, json])
        return StoredScoringModel(id: db.lastInsertedRowID, orgId: orgId, version: version, createdAt: Date(timeIntervalSince1970: TimeInterval(seconds)),
                                  createdBy: createdBy, outcomes: outcomes, converted: converted, cvAUC: cvAUC, rulesCvAUC: rulesCvAUC, json: json)
    }
}
