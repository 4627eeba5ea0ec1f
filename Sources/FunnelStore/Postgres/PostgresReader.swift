import Foundation
internal import PostgresNIO

/// The PostgreSQL store's read methods, valid inside one read (or write) transaction: the
/// contract's `StoreReading`, domain by domain (this file: records, identity, the audit trail,
/// scoring models and maintenance; the others in files of their own).
class PostgresReader {
    let session: PostgresSession
    let catalog: PostgresCatalog
    /// What the store keeps between reads to choose how to read (a search's match count).
    let hints: PlanHints?

    init(session: PostgresSession, catalog: PostgresCatalog, hints: PlanHints? = nil) {
        self.session = session
        self.catalog = catalog
        self.hints = hints
    }

    // MARK: Helpers

    /// The rows of a query, each read by `read`.
    func all<T>(_ sql: String, _ values: [any PGBindable] = [], _ read: (PGRow) throws -> T) throws -> [T] {
        try session.rows(sql, values.map(\.pgValue)).map { try read(PGRow($0)) }
    }

    /// The first row of a query, read by `read`.
    func one<T>(_ sql: String, _ values: [any PGBindable] = [], _ read: (PGRow) throws -> T) throws -> T? {
        try session.rows(sql, values.map(\.pgValue)).first.map { try read(PGRow($0)) }
    }

    /// One value of the first row (nil for none or NULL).
    func scalar<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ values: [any PGBindable] = []) throws -> T? where T._DecodableType == T {
        try one(sql, values) { try $0.decode(T?.self, 0) } ?? nil
    }

    @discardableResult
    func execute(_ sql: String, _ values: [any PGBindable] = []) throws -> Int {
        try session.execute(sql, values.map(\.pgValue))
    }

    /// Records of a type, from a query's `WHERE ... ORDER BY ...` (`$n` parameters).
    func records<R: StoredRecord>(_ type: R.Type, _ clauses: String, _ values: [any PGBindable] = []) throws -> [R] {
        let sql = "SELECT \(try catalog.selectList(R.tableName)) FROM \(R.tableName) \(clauses)"
        return try all(sql, values) { try PGRecordDecoder.decode(R.self, from: $0) }
    }

    func record<R: StoredRecord>(_ type: R.Type, _ clauses: String, _ values: [any PGBindable] = []) throws -> R? {
        try records(type, clauses + " LIMIT 1", values).first
    }

    /// `$first, $first+1, ...` for a list of values.
    static func placeholders(_ count: Int, from first: Int) -> String {
        (first..<(first + count)).map { "$\($0)" }.joined(separator: ",")
    }
}

/// The PostgreSQL store's write methods, valid inside one write transaction.
final class PostgresWriter: PostgresReader {}

// MARK: - Records

extension PostgresReader: RecordReading {
    /// A record by id. In a write transaction a record with a version (a lead, a deal, content) is
    /// also locked until the commit (`FOR UPDATE`): what the service checks it against (the version
    /// the screen showed) then stays true until its write, as on SQLite where a write transaction
    /// runs alone. Without the lock a teammate's change landing between the check and the write
    /// was refused by the version trigger with no word of who changed what. A role whose rights do
    /// not reach the row's update (row-level security hides it from `FOR UPDATE`) reads it unlocked.
    func fetch<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> R? {
        if self is PostgresWriter, try catalog.columns(R.tableName).contains(where: { $0.name == "version" }),
           let locked = try record(R.self, "WHERE id = $1 AND org_id = $2 FOR UPDATE", [id, orgId]) {
            return locked
        }
        return try record(R.self, "WHERE id = $1 AND org_id = $2", [id, orgId])
    }

    func require<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> R {
        guard let record = try fetch(type, id: id, orgId: orgId) else {
            throw StoreError.notFound(entity: R.tableName.singularEntityName, id: id)
        }
        return record
    }
}

extension PostgresWriter: RecordWriting {
    /// The record's columns that its table has and that may be written (not generated).
    func writableColumns<R: StoredRecord>(_ record: R) throws -> [(column: String, value: PGValue, type: String)] {
        let columns = Dictionary(try catalog.columns(R.tableName).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return try PGRecordEncoder.encode(record).compactMap { pair in
            guard let column = columns[pair.column], !column.generated else { return nil }
            return (pair.column, pair.value, column.type)
        }
    }

    func insert<R: StoredRecord>(_ record: inout R) throws {
        let columns = try writableColumns(record).filter { !($0.column == "id" && record.id == nil) }
        let names = columns.map { "\"\($0.column)\"" }.joined(separator: ", ")
        let values = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.type)" }.joined(separator: ", ")
        guard let id = try scalar(Int64.self, "INSERT INTO \(R.tableName) (\(names)) VALUES (\(values)) RETURNING id", columns.map(\.value)) else {
            throw StoreError.constraint("the database did not insert the \(R.tableName.singularEntityName)")
        }
        record.id = id
    }

    func update<R: StoredRecord>(_ record: R) throws {
        guard let id = record.id else { throw StoreError.constraint("a \(R.tableName.singularEntityName) without an id cannot be updated") }
        // Read back and locked in this transaction: another client's write to the row waits for
        // this one, so the version compared is the one written over.
        guard let current = try self.record(R.self, "WHERE id = $1 FOR UPDATE", [id]) else {
            throw StoreError.notFound(entity: R.tableName.singularEntityName, id: id)
        }
        if let moved = record as? any OrganizationScopedRecord, let stored = current as? any OrganizationScopedRecord, moved.orgId != stored.orgId {
            throw StoreError.constraint("the database refused the change: \(R.tableName.singularEntityName) \(id) belongs to another organization")
        }
        let old = Dictionary(try PGRecordEncoder.encode(current).map { ($0.column, $0.value) }, uniquingKeysWith: { first, _ in first })
        let changed = try writableColumns(record).filter { column in
            column.column != "id" && !(old[column.column].map { Self.same($0, column.value) } ?? false)
        }
        guard !changed.isEmpty else { return }
        let sets = changed.enumerated().map { "\"\($0.element.column)\" = $\($0.offset + 2)::\($0.element.type)" }.joined(separator: ", ")
        try execute("UPDATE \(R.tableName) SET \(sets) WHERE id = $1", [PGValue.int(id)] + changed.map(\.value))
    }

    /// Whether two values are the same (dates to the microsecond PostgreSQL keeps).
    static func same(_ a: PGValue, _ b: PGValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.text(x), .text(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.date(x), .date(y)): return (x.timeIntervalSince1970 * 1e6).rounded() == (y.timeIntervalSince1970 * 1e6).rounded()
        default: return false
        }
    }

    @discardableResult
    func delete<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> Bool {
        try execute("DELETE FROM \(R.tableName) WHERE id = $1 AND org_id = $2", [id, orgId]) > 0
    }

    func reinsert<R: OrganizationScopedRecord>(_ record: R) throws -> Bool {
        guard let id = record.id else { return false }
        if try scalar(Int64.self, "SELECT count(*) FROM \(R.tableName) WHERE id = $1", [id]) ?? 0 > 0 { return false }
        let columns = try writableColumns(record)
        let names = columns.map { "\"\($0.column)\"" }.joined(separator: ", ")
        let values = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.type)" }.joined(separator: ", ")
        // ON CONFLICT: another organization's row may hold the id without this role seeing it.
        return try execute("INSERT INTO \(R.tableName) (\(names)) VALUES (\(values)) ON CONFLICT (id) DO NOTHING", columns.map(\.value)) > 0
    }
}

// MARK: - Identity

extension PostgresReader: IdentityReading {
    func organizations() throws -> [Organization] { try records(Organization.self, "ORDER BY name") }
    func organization(id: Int64) throws -> Organization? { try record(Organization.self, "WHERE id = $1", [id]) }
    func organization(slug: String) throws -> Organization? { try record(Organization.self, "WHERE slug = $1", [slug]) }
    func user(email: String) throws -> User? { try record(User.self, "WHERE email = $1", [EmailAddress.normalized(email)]) }
    func users(orgId: Int64) throws -> [User] { try records(User.self, "WHERE org_id = $1 ORDER BY is_active DESC, name", [orgId]) }
    func roles() throws -> [Role] { try records(Role.self, "ORDER BY name") }
    func role(id: Int64) throws -> Role? { try record(Role.self, "WHERE id = $1", [id]) }
    func role(name: String) throws -> Role? { try record(Role.self, "WHERE name = $1", [name]) }
    func users(named name: String, orgId: Int64) throws -> [User] {
        try records(User.self, "WHERE org_id = $1 AND lower(name) = lower($2) ORDER BY id", [orgId, name])
    }
    func userName(id: Int64, orgId: Int64) throws -> String? {
        try scalar(String.self, "SELECT name FROM users WHERE id = $1 AND org_id = $2", [id, orgId])
    }
    func userNames(orgId: Int64) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for (id, name) in try all("SELECT id, name FROM users WHERE org_id = $1", [orgId], { (try $0.int(0), try $0.string(1)) }) { names[id] = name }
        return names
    }
    func products(orgId: Int64) throws -> [Product] { try records(Product.self, "WHERE org_id = $1 ORDER BY name", [orgId]) }

    /// The Funnel user whose login role this connection signed in as (nil for the owner).
    func serverSignIn() throws -> String? {
        try scalar(String.self, "SELECT email FROM users WHERE id = funnel_me()")
    }
}

extension PostgresWriter: IdentityWriting {
    /// Adds the user through the database's own function (`funnel_add_user`): a login role named
    /// by the email with this password, in `funnel_users`, the row and its activity; refused
    /// there unless the signed-in role may manage users of this organization.
    func addUser(_ user: User, roleName: String, password: String?) throws -> (user: User, recorded: Bool) {
        // Without a password, the user has no login yet (`funnel users passwd` gives one).
        guard let id = try scalar(Int64.self, "SELECT funnel_add_user($1, $2, $3, $4, $5)",
                                  [user.orgId, user.email, user.name, roleName, password.flatMap { $0.isEmpty ? nil : $0 }]),
              var added = try record(User.self, "WHERE id = $1", [id]) else {
            throw StoreError.constraint("the database did not add \(user.email)")
        }
        // What the function does not set: the user's manager, team and whether they are active.
        let stored = added
        added.managerId = user.managerId
        added.team = user.team
        added.isActive = user.isActive
        if added != stored { try update(added) }
        return (added, true)
    }

    /// Sets the password of the user's login role through the database's own function
    /// (`funnel_set_login`), which checks who may; no hash is kept on the row.
    func setPassword(_ user: User, password: String, hash: String, at now: Date) throws {
        guard let id = user.id else { throw StoreError.constraint("a user without an id has no sign-in") }
        try execute("SELECT funnel_set_login($1, $2)", [id, password])
    }
}

// MARK: - Audit

extension PostgresReader: AuditReading {
    func activities(orgId: Int64, entityType: EntityType, entityId: Int64, limit: Int) throws -> [Activity] {
        try records(Activity.self, "WHERE entity_type = $1 AND entity_id = $2 AND org_id = $3 ORDER BY created_at DESC, id DESC LIMIT $4",
                    [entityType.rawValue, entityId, orgId, limit])
    }

    func recentActivities(orgId: Int64, limit: Int) throws -> [Activity] {
        try records(Activity.self, "WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2", [orgId, limit])
    }
}

extension PostgresWriter: AuditWriting {
    @discardableResult
    func record(_ activity: Activity) throws -> Activity {
        var copy = activity
        try insert(&copy)
        return copy
    }
}

// MARK: - Scoring models

extension PostgresReader: ScoringModelReading {
    static let scoringModelColumns = "id, org_id, version, created_at, created_by, outcomes, converted, cv_auc, rules_cv_auc, model::text"

    static func scoringModel(_ row: PGRow) throws -> StoredScoringModel {
        StoredScoringModel(id: try row.int(0), orgId: try row.int(1), version: Int(try row.int(2)), createdAt: try row.date(3),
                           createdBy: try row.optionalInt(4), outcomes: Int(try row.int(5)), converted: Int(try row.int(6)),
                           cvAUC: try row.double(7), rulesCvAUC: try row.decode(Double?.self, 8), json: try row.string(9))
    }

    func scoringModels(orgId: Int64) throws -> [StoredScoringModel] {
        try all("SELECT \(Self.scoringModelColumns) FROM scoring_models WHERE org_id = $1 ORDER BY version DESC", [orgId], Self.scoringModel)
    }

    func scoringModel(id: Int64, orgId: Int64) throws -> StoredScoringModel? {
        try one("SELECT \(Self.scoringModelColumns) FROM scoring_models WHERE id = $1 AND org_id = $2", [id, orgId], Self.scoringModel)
    }

    func scoringModel(version: Int, orgId: Int64) throws -> StoredScoringModel? {
        try one("SELECT \(Self.scoringModelColumns) FROM scoring_models WHERE version = $1 AND org_id = $2", [version, orgId], Self.scoringModel)
    }
}

extension PostgresWriter: ScoringModelWriting {
    func insertScoringModel(orgId: Int64, createdBy: Int64?, at now: Date, outcomes: Int, converted: Int, cvAUC: Double,
                            rulesCvAUC: Double?, json: String) throws -> StoredScoringModel {
        // The organization's models are numbered in turn: the lock keeps two learners apart.
        try execute("SELECT pg_advisory_xact_lock(hashtext('scoring_models'), $1::int)", [Int(orgId % Int64(Int32.max))])
        let version = Int(try scalar(Int64.self, "SELECT coalesce(max(version), 0) + 1 FROM scoring_models WHERE org_id = $1", [orgId]) ?? 1)
        let seconds = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        guard let model = try one("""
            INSERT INTO scoring_models(org_id, version, created_at, created_by, outcomes, converted, cv_auc, rules_cv_auc, model)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING \(Self.scoringModelColumns)
            """, [orgId, version, seconds, createdBy, outcomes, converted, cvAUC, rulesCvAUC, json], Self.scoringModel) else {
            throw StoreError.constraint("the database did not store the scoring model")
        }
        return model
    }
}

// MARK: - Maintenance

extension PostgresReader: MaintenanceReading {
    func tableRowCounts() throws -> [(table: String, rows: Int)] {
        try SchemaCatalog.platformTables.map { table in
            (table, Int(try scalar(Int64.self, "SELECT count(*) FROM \(table)") ?? 0))
        }
    }

    /// Not counted on a server (`pg_stat` counts are not per connection): tests that read it run on SQLite.
    var totalChangesForTests: Int { 0 }

    func demoCoverage() throws -> DemoCoverage {
        func strings(_ sql: String) throws -> [String] { try all(sql) { try $0.string(0) } }
        func count(_ sql: String) throws -> Int { Int(try scalar(Int64.self, sql) ?? -1) }
        return DemoCoverage(
            leadStatuses: try strings("SELECT DISTINCT status FROM leads"),
            dealStages: try strings("SELECT DISTINCT stage FROM deals"),
            contentStatuses: try strings("SELECT DISTINCT status FROM content"),
            roles: try strings("SELECT DISTINCT roles.name FROM users JOIN roles ON roles.id = users.role_id"),
            pendingApprovals: try count("SELECT count(*) FROM content WHERE status = 'pending_approval'"),
            failedRuns: try count("SELECT count(*) FROM workflow_runs WHERE status = 'failed' AND error IS NOT NULL"),
            hasCJKNames: try count("SELECT count(*) FROM leads WHERE name ~ '[一-龥]'") > 0,
            hasAccentedNames: try count("SELECT count(*) FROM leads WHERE name ~ '[À-ž]'") > 0,
            lastActionMismatches: try count("""
                SELECT count(*) FROM leads WHERE last_action_at IS DISTINCT FROM
                  (SELECT max(created_at) FROM lead_actions WHERE lead_id = leads.id)
                """),
            statusCountMismatches: try count("""
                SELECT count(*) FROM (SELECT org_id, status, count(*) AS n FROM leads GROUP BY org_id, status) AS real
                LEFT JOIN lead_status_counts AS kept USING (org_id, status) WHERE kept.lead_count IS DISTINCT FROM real.n
                """))
    }

    func demoFingerprint() throws -> [String] {
        try all("""
            SELECT coalesce(string_agg(id || name || coalesce(email, '') || score || status, '|' ORDER BY id), '') FROM (SELECT * FROM leads ORDER BY id LIMIT 500) l
            UNION ALL SELECT coalesce(string_agg(id || title || value || stage, '|' ORDER BY id), '') FROM (SELECT * FROM deals ORDER BY id LIMIT 200) d
            UNION ALL SELECT coalesce(string_agg(id || title || status || coalesce(scheduled_at::text, ''), '|' ORDER BY id), '') FROM (SELECT * FROM content ORDER BY id LIMIT 200) c
            """) { try $0.string(0) }
    }
}

extension PostgresWriter: MaintenanceWriting {
    /// Runs SQL written for SQLite's tests (`?` parameters become `$n`).
    func rawExecuteForTests(_ sql: String, _ arguments: Int64...) throws {
        var converted = ""
        var index = 0
        for character in sql {
            if character == "?" { index += 1; converted += "$\(index)" } else { converted.append(character) }
        }
        try execute(converted, arguments)
    }
}
