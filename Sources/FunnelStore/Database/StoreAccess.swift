import Foundation
internal import GRDB

/// A record type the store reads and writes: a plain value (how a store reads and writes it
/// stays inside the store).
public protocol StoredRecord: Codable, Sendable {
    /// The table that keeps it (`leads`), also what messages call it (`lead`).
    static var tableName: String { get }
    var id: Int64? { get set }
}

/// A record that belongs to one organization (it has an `org_id`).
public protocol OrganizationScopedRecord: StoredRecord {
    var orgId: Int64 { get }
}

extension Organization: StoredRecord {}
extension Role: StoredRecord {}
extension User: OrganizationScopedRecord {}
extension Product: OrganizationScopedRecord {}
extension Content: OrganizationScopedRecord {}
extension SocialPost: StoredRecord {}
extension EmailCampaign: OrganizationScopedRecord {}
extension Lead: OrganizationScopedRecord {}
extension LeadAction: StoredRecord {}
extension AIAgent: OrganizationScopedRecord {}
extension Workflow: OrganizationScopedRecord {}
extension WorkflowRun: StoredRecord {}
extension Contact: OrganizationScopedRecord {}
extension Deal: OrganizationScopedRecord {}
extension Activity: OrganizationScopedRecord {}

/// The store's read methods, valid inside one read (or write) transaction.
public class StoreReader {
    let db: Database
    /// What the store learned from earlier reads to choose a plan (a search's match count).
    let hints: PlanHints?

    init(db: Database, hints: PlanHints? = nil) {
        self.db = db
        self.hints = hints
    }

    /// The record of an organization-scoped type with this id, if it belongs to `orgId`.
    ///
    /// Asking for another organization's record gives nil, exactly as for a missing one.
    public func fetch<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> R? {
        try R.rows.filter(Column("id") == id && Column("org_id") == orgId).fetchOne(db)?.value
    }

    /// Like `fetch`, but a missing record (or one of another organization) is an error.
    public func require<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> R {
        guard let record = try fetch(type, id: id, orgId: orgId) else {
            throw StoreError.notFound(entity: R.tableName.singularEntityName, id: id)
        }
        return record
    }

    /// Every organization, by name.
    public func organizations() throws -> [Organization] {
        try Organization.rows.order(Column("name")).fetchAll(db).map(\.value)
    }

    /// The organization with this id.
    public func organization(id: Int64) throws -> Organization? {
        try Organization.rows.filter(key: id).fetchOne(db)?.value
    }

    /// The organization with this slug.
    public func organization(slug: String) throws -> Organization? {
        try Organization.rows.filter(Column("slug") == slug).fetchOne(db)?.value
    }

    /// The user with this email address, in any organization (for signing in).
    public func user(email: String) throws -> User? {
        try User.rows.filter(Column("email") == EmailAddress.normalized(email)).fetchOne(db)?.value
    }

    /// The users of an organization, active first, by name.
    public func users(orgId: Int64) throws -> [User] {
        try User.rows.filter(Column("org_id") == orgId)
            .order(Column("is_active").desc, Column("name"))
            .fetchAll(db).map(\.value)
    }

    /// Every role, by name.
    public func roles() throws -> [Role] {
        try Role.rows.order(Column("name")).fetchAll(db).map(\.value)
    }

    /// The role with this id.
    public func role(id: Int64) throws -> Role? {
        try Role.rows.filter(key: id).fetchOne(db)?.value
    }

    /// The role with this name.
    public func role(name: String) throws -> Role? {
        try Role.rows.filter(Column("name") == name).fetchOne(db)?.value
    }

    /// The newest activities about one record of an organization, newest first.
    public func activities(orgId: Int64, entityType: EntityType, entityId: Int64, limit: Int = 100) throws -> [Activity] {
        try Activity.rows
            .filter(Column("entity_type") == entityType.rawValue && Column("entity_id") == entityId)
            .filter(Column("org_id") == orgId)
            .order(Column("created_at").desc, Column("id").desc)
            .limit(limit)
            .fetchAll(db).map(\.value)
    }

    /// The newest activities of an organization, newest first.
    public func recentActivities(orgId: Int64, limit: Int = 100) throws -> [Activity] {
        try Activity.rows.filter(Column("org_id") == orgId)
            .order(Column("created_at").desc)
            .limit(limit)
            .fetchAll(db).map(\.value)
    }

    /// How many leads an organization has in each status (maintained by the schema, not counted).
    public func leadStatusCounts(orgId: Int64) throws -> [LeadStatus: Int] {
        let rows = try Row.fetchAll(db, sql: "SELECT status, lead_count FROM lead_status_counts WHERE org_id = ?", arguments: [orgId])
        var counts: [LeadStatus: Int] = [:]
        for row in rows {
            if let status = LeadStatus(rawValue: row["status"]) { counts[status] = row["lead_count"] }
        }
        return counts
    }

    /// How many rows each platform table holds (a full count: for reports, never for a screen).
    public func tableRowCounts() throws -> [(table: String, rows: Int)] {
        try SchemaCatalog.platformTables.map { table in
            (table, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0)
        }
    }
}

extension StoreReader {
    /// Rows written by this connection so far, triggers' writes included (`sqlite3_total_changes`):
    /// only tests use it, to see what a write touched.
    public var totalChangesForTests: Int { db.totalChangesCount }
}

/// The store's write methods, valid inside one write transaction.
public final class StoreTransaction: StoreReader {
    /// Inserts a record and sets its id.
    public func insert<R: StoredRecord>(_ record: inout R) throws {
        var row = RecordRow(record)
        try row.insert(db)
        record = row.value
    }

    /// Writes the columns of an existing record whose values changed since it was read (read
    /// back in this transaction, by its key): an assignment writes `assigned_to` and `updated_at`,
    /// not every column, so the triggers kept on the others (the full-text index, the attribute
    /// value index, the maintained counts) do not run. Nothing is written when nothing changed.
    /// A record of one organization is never moved to another (refused, nothing written).
    public func update<R: StoredRecord>(_ record: R) throws {
        let row = RecordRow(record)
        guard let id = record.id, let current = try R.rows.filter(key: id).fetchOne(db) else {
            try row.update(db)  // not there: GRDB says so (RecordError.recordNotFound)
            return
        }
        if let moved = record as? any OrganizationScopedRecord, let stored = current.value as? any OrganizationScopedRecord, moved.orgId != stored.orgId {
            throw StoreError.constraint("the database refused the change: \(R.tableName.singularEntityName) \(id) belongs to another organization")
        }
        try row.updateChanges(db, from: current)
    }

    /// Deletes a record of an organization; false when there was none.
    @discardableResult
    public func delete<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> Bool {
        try R.rows.filter(Column("id") == id && Column("org_id") == orgId).deleteAll(db) > 0
    }

    /// Adds a user as given (the password hash on it is the sign-in); the caller records it.
    public func addUser(_ user: User, roleName: String, password: String?) throws -> (user: User, recorded: Bool) {
        var user = user
        try insert(&user)
        return (user, false)
    }

    /// Keeps the password's hash on the user.
    public func setPassword(_ user: User, password: String, hash: String, at now: Date) throws {
        var user = user
        user.passwordHash = hash
        user.updatedAt = now
        try update(user)
    }

    /// Appends one entry to the audit trail.
    @discardableResult
    public func record(_ activity: Activity) throws -> Activity {
        var row = RecordRow(activity)
        try row.insert(db)
        return row.value
    }
}

extension String {
    /// `leads` -> `lead`, for messages about one record.
    var singularEntityName: String {
        switch self {
        case "content": return "content item"
        case "activities": return "activity"
        default: return hasSuffix("s") ? String(dropLast()) : self
        }
    }
}

extension StoreTransaction {
    /// Moves everything that points at some leads of an organization (their actions, their history
    /// in the audit trail, the contacts made from them) to another lead of the same organization.
    public func moveLeadRecords(from sources: [Int64], to target: Int64, orgId: Int64) throws -> (actions: Int, activities: Int, contacts: Int) {
        guard !sources.isEmpty else { return (0, 0, 0) }
        let placeholders = Array(repeating: "?", count: sources.count).joined(separator: ",")
        let ids = sources.map { $0 as any DatabaseValueConvertible }
        try db.execute(sql: """
            UPDATE lead_actions SET lead_id = ? WHERE lead_id IN (\(placeholders))
              AND lead_id IN (SELECT id FROM leads WHERE org_id = ?)
            """, arguments: StatementArguments([target] + ids + [orgId]))
        let actions = db.changesCount
        try db.execute(sql: "UPDATE activities SET entity_id = ? WHERE org_id = ? AND entity_type = 'lead' AND entity_id IN (\(placeholders))",
                       arguments: StatementArguments([target, orgId] + ids))
        let activities = db.changesCount
        try db.execute(sql: "UPDATE contacts SET lead_id = ? WHERE org_id = ? AND lead_id IN (\(placeholders))",
                       arguments: StatementArguments([target, orgId] + ids))
        return (actions, activities, db.changesCount)
    }

    /// The records that point at some leads of an organization, with the lead each points at (read
    /// before a merge moves them, so that undoing the merge can give each back).
    public func leadRecordOwners(of leadIds: [Int64], orgId: Int64) throws -> LeadRecordOwners {
        guard !leadIds.isEmpty else { return LeadRecordOwners() }
        let placeholders = Array(repeating: "?", count: leadIds.count).joined(separator: ",")
        let ids = leadIds.map { $0 as any DatabaseValueConvertible }
        func pairs(_ sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> [LeadRecordOwners.Pair] {
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { LeadRecordOwners.Pair(id: $0[0], leadId: $0[1]) }
        }
        return LeadRecordOwners(
            actions: try pairs("""
                SELECT lead_actions.id, lead_actions.lead_id FROM lead_actions JOIN leads ON leads.id = lead_actions.lead_id
                WHERE leads.org_id = ? AND lead_actions.lead_id IN (\(placeholders))
                """, [orgId] + ids),
            activities: try pairs("SELECT id, entity_id FROM activities WHERE org_id = ? AND entity_type = 'lead' AND entity_id IN (\(placeholders))",
                                  [orgId] + ids),
            contacts: try pairs("SELECT id, lead_id FROM contacts WHERE org_id = ? AND lead_id IN (\(placeholders))", [orgId] + ids))
    }

    /// Points each record back at the lead it pointed at (undoing a merge; the leads exist again).
    public func returnLeadRecords(_ owners: LeadRecordOwners, orgId: Int64) throws {
        for pair in owners.actions {
            try db.execute(sql: "UPDATE lead_actions SET lead_id = ? WHERE id = ? AND lead_id IN (SELECT id FROM leads WHERE org_id = ?)",
                           arguments: [pair.leadId, pair.id, orgId])
        }
        for pair in owners.activities {
            try db.execute(sql: "UPDATE activities SET entity_id = ? WHERE id = ? AND org_id = ? AND entity_type = 'lead'",
                           arguments: [pair.leadId, pair.id, orgId])
        }
        for pair in owners.contacts {
            try db.execute(sql: "UPDATE contacts SET lead_id = ? WHERE id = ? AND org_id = ?", arguments: [pair.leadId, pair.id, orgId])
        }
    }

    /// Inserts a record with the id it has (bringing a deleted record back); false when the id is taken.
    public func reinsert<R: OrganizationScopedRecord>(_ record: R) throws -> Bool {
        guard let id = record.id else { return false }
        if try R.rows.filter(Column("id") == id).fetchCount(db) > 0 { return false }
        var copy = RecordRow(record)
        try copy.insert(db)
        return true
    }

    /// Deletes one action of a lead of the organization (undoing a logged action); only while it
    /// is still that lead's (a merge may have moved it to another lead since).
    public func deleteLeadAction(id: Int64, leadId: Int64, orgId: Int64) throws {
        try db.execute(sql: "DELETE FROM lead_actions WHERE id = ? AND lead_id = ? AND lead_id IN (SELECT id FROM leads WHERE org_id = ?)",
                       arguments: [id, leadId, orgId])
    }

    /// The newest action time of a lead (to keep `last_action_at` true after a delete or a merge).
    public func refreshLastAction(leadId: Int64, orgId: Int64) throws {
        try db.execute(sql: "UPDATE leads SET last_action_at = (SELECT max(created_at) FROM lead_actions WHERE lead_id = ?) WHERE id = ? AND org_id = ?",
                       arguments: [leadId, leadId, orgId])
    }
}

/// Which lead each record of a set pointed at (actions, activities, contacts), by record id.
public struct LeadRecordOwners: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public let id: Int64
        public let leadId: Int64
    }

    public var actions: [Pair] = []
    public var activities: [Pair] = []
    public var contacts: [Pair] = []

    public init(actions: [Pair] = [], activities: [Pair] = [], contacts: [Pair] = []) {
        self.actions = actions
        self.activities = activities
        self.contacts = contacts
    }
}
