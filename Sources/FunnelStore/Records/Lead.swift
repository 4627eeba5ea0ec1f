import Foundation
internal import GRDB

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
    /// Raised by the database whenever a field a person can change is written with another value
    /// (schema v6): a change made on an older version is stale.
    public var version: Int64
    /// The lead's id in the system it was imported from (`--key`), unique in the organization (schema v7).
    public var externalId: String?

    public init(
        id: Int64? = nil, orgId: Int64, productId: Int64? = nil, name: String? = nil, company: String? = nil,
        email: String? = nil, phone: String? = nil, source: LeadSource, status: LeadStatus = .new,
        statusReason: String? = nil, score: Int = 0, assignedTo: Int64? = nil, lastActionAt: Date? = nil,
        createdAt: Date, updatedAt: Date, version: Int64 = 1, externalId: String? = nil
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
        self.version = version
        self.externalId = externalId
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
    /// A lead's columns, in the order `init(orderedRow:)` reads them.
    static let columnNames = [
        "id", "org_id", "product_id", "name", "company", "email", "phone", "phone_normalized", "source", "status",
        "status_reason", "score", "assigned_to", "last_action_at", "created_at", "updated_at", "version",
        "external_id",
    ]
    /// The columns `init(orderedRow:)` reads, in its order: lists select these.
    static let orderedColumns = columnNames.map { "leads." + $0 }.joined(separator: ", ")
    /// How many columns `orderedColumns` names.
    static var orderedColumnCount: Int { columnNames.count }
    private static let orderedPositions = Array(columnNames.indices)

    /// Reads a lead from the columns `orderedColumns` names, by position: finding each column by
    /// name compares it with every column's lower-cased name, which was most of a page's cost.
    init(orderedRow row: Row) throws {
        try self.init(row, at: Self.orderedPositions)
    }

    /// Reads each column at its position in `row` (`at` follows `columnNames`).
    private init(_ row: Row, at position: [Int]) throws {
        id = row[position[0]]
        orgId = row[position[1]]
        productId = row[position[2]]
        name = row[position[3]]
        company = row[position[4]]
        email = row[position[5]]
        phone = row[position[6]]
        phoneNormalized = row[position[7]]
        guard let source = LeadSource(rawValue: row[position[8]]), let status = LeadStatus(rawValue: row[position[9]]) else {
            throw StoreError.constraint("lead #\(id ?? 0) has an unknown source or status (\(String(describing: row[position[8]] as String?)), \(String(describing: row[position[9]] as String?)))")
        }
        self.source = source
        self.status = status
        statusReason = row[position[10]]
        score = row[position[11]]
        assignedTo = row[position[12]]
        lastActionAt = row[position[13]]
        createdAt = row[position[14]]
        updatedAt = row[position[15]]
        version = row[position[16]]
        externalId = row[position[17]]
    }
}

extension Lead {
    public static let tableName = "leads"
}

extension Lead: RowDecodable {
    /// Reads a lead from any row that has its columns, found by name once per row.
    init(row: Row) throws {
        let names = Array(row.columnNames)
        let positions = try Self.columnNames.map { column in
            guard let position = names.firstIndex(of: column) ?? names.firstIndex(where: { $0.lowercased() == column }) else {
                throw StoreError.constraint("a row read as a lead has no \(column) column")
            }
            return position
        }
        try self.init(row, at: positions)
    }
}

extension LeadAction {
    public static let tableName = "lead_actions"
}
