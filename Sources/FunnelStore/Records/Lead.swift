import Foundation
import GRDB

/// A person who may buy: the unit of sales triage.
public struct Lead: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var productId: Int64?
    public var name: String?
    public var company: String?
    public var email: String?
    public var phone: String? {
        didSet { phoneNormalized = phone.flatMap(PhoneNumber.normalized) }
    }
    /// The phone number in E.164 form (`+` and digits), for duplicate detection; follows `phone`.
    public private(set) var phoneNormalized: String?
    public var source: LeadSource
    public var status: LeadStatus
    /// Why the lead is unqualified or lost, when it is.
    public var statusReason: String?
    public var score: Int
    public var assignedTo: Int64?
    public var lastActionAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, productId: Int64? = nil, name: String? = nil, company: String? = nil,
        email: String? = nil, phone: String? = nil, source: LeadSource, status: LeadStatus = .new,
        statusReason: String? = nil, score: Int = 0, assignedTo: Int64? = nil, lastActionAt: Date? = nil,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.productId = productId
        self.name = name
        self.company = company
        self.email = email
        self.phone = phone
        self.phoneNormalized = phone.flatMap(PhoneNumber.normalized)
        self.source = source
        self.status = status
        self.statusReason = statusReason
        self.score = score
        self.assignedTo = assignedTo
        self.lastActionAt = lastActionAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The email address as duplicate detection compares it (the schema keeps the same form).
    public var emailNormalized: String? { email.map(EmailAddress.normalized) }
}

/// Something a lead did or that was done with it: the input of engagement scoring.
public struct LeadAction: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var leadId: Int64
    public var actionType: LeadActionType
    public var agentId: Int64?
    /// The user who logged the action, when a person did.
    public var userId: Int64?
    /// Details as a JSON object (the page, the campaign, the note...).
    public var metadata: String
    public var createdAt: Date

    public init(
        id: Int64? = nil, leadId: Int64, actionType: LeadActionType, agentId: Int64? = nil,
        userId: Int64? = nil, metadata: String = "{}", createdAt: Date
    ) {
        self.id = id
        self.leadId = leadId
        self.actionType = actionType
        self.agentId = agentId
        self.userId = userId
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

extension Lead {
    /// The columns `init(orderedRow:)` reads, in its order: lists select these.
    static let orderedColumns = """
        leads.id, leads.org_id, leads.product_id, leads.name, leads.company, leads.email, leads.phone, \
        leads.phone_normalized, leads.source, leads.status, leads.status_reason, leads.score, leads.assigned_to, \
        leads.last_action_at, leads.created_at, leads.updated_at
        """
    /// How many columns `orderedColumns` names.
    static let orderedColumnCount = 16

    /// Reads a lead from the columns `orderedColumns` names, by position: finding each column by
    /// name compares it with every column's lower-cased name, which was most of a page's cost.
    init(orderedRow row: Row) throws {
        id = row[0]
        orgId = row[1]
        productId = row[2]
        name = row[3]
        company = row[4]
        email = row[5]
        phone = row[6]
        phoneNormalized = row[7]
        guard let source = LeadSource(rawValue: row[8]), let status = LeadStatus(rawValue: row[9]) else {
            throw StoreError.constraint("lead #\(id ?? 0) has an unknown source or status (\(String(describing: row[8] as String?)), \(String(describing: row[9] as String?)))")
        }
        self.source = source
        self.status = status
        statusReason = row[10]
        score = row[11]
        assignedTo = row[12]
        lastActionAt = row[13]
        createdAt = row[14]
        updatedAt = row[15]
    }
}

extension Lead: FetchableRecord, MutablePersistableRecord, TableRecord {
    /// Reads a lead column by column: a page of leads decoded through `Decodable` with the
    /// snake-case key strategy spent more time lower-casing column names than SQLite spent
    /// finding the rows.
    public init(row: Row) throws {
        id = row["id"]
        orgId = row["org_id"]
        productId = row["product_id"]
        name = row["name"]
        company = row["company"]
        email = row["email"]
        phone = row["phone"]
        phoneNormalized = row["phone_normalized"]
        guard let source = LeadSource(rawValue: row["source"]), let status = LeadStatus(rawValue: row["status"]) else {
            throw StoreError.constraint("lead #\(id ?? 0) has an unknown source or status (\(String(describing: row["source"] as String?)), \(String(describing: row["status"] as String?)))")
        }
        self.source = source
        self.status = status
        statusReason = row["status_reason"]
        score = row["score"]
        assignedTo = row["assigned_to"]
        lastActionAt = row["last_action_at"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    public static let databaseTableName = "leads"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension LeadAction: FetchableRecord, MutablePersistableRecord, TableRecord {
    public static let databaseTableName = "lead_actions"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
