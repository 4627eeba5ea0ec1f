import Foundation
internal import GRDB

/// Leads whose attribute holds one value (the Leads pane's `f`).
public struct AttributeFilter: Sendable, Equatable, Hashable {
    public var attributeId: Int64
    /// The attribute's name, for the screen.
    public var name: String
    public var value: AttributeValue

    public init(attributeId: Int64, name: String, value: AttributeValue) {
        self.attributeId = attributeId
        self.name = name
        self.value = value
    }
}

extension AttributeValue {
    /// The value as `lead_attribute_values.value` and `json_each` hold it: text, an integer when
    /// whole (as the JSON writer writes it), a real, 1 or 0.
    var databaseValue: DatabaseValue {
        switch self {
        case .text(let text), .date(let text): return text.databaseValue
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return Int64(number).databaseValue }
            return number.databaseValue
        case .yesNo(let yes): return (yes ? 1 : 0).databaseValue
        }
    }

    /// A value read from the index or `json_each`, as an attribute of `kind` holds it.
    static func read(_ value: DatabaseValue, kind: AttributeKind) -> AttributeValue? {
        switch value.storage {
        case .null, .blob: return nil
        case .int64(let number):
            return kind == .yesNo ? .yesNo(number != 0) : kind == .number ? .number(Double(number)) : .text(String(number))
        case .double(let number):
            return kind == .number ? .number(number) : .text(AttributeValue.numberText(number))
        case .string(let text):
            return kind == .date ? .date(text) : .text(text)
        }
    }
}

extension StoreReader {
    /// The organization's lead attributes, in their order.
    public func leadAttributes(orgId: Int64) throws -> [LeadAttribute] {
        try Row.fetchAll(db, sql: "SELECT id, org_id, name, kind, scoring, position, indexed FROM lead_attributes WHERE org_id = ? ORDER BY position, id",
                         arguments: [orgId]).map(Self.leadAttribute)
    }

    static func leadAttribute(_ row: Row) -> LeadAttribute {
        LeadAttribute(id: row["id"], orgId: row["org_id"], name: row["name"], kind: AttributeKind(rawValue: row["kind"]) ?? .text,
                      scoring: (row["scoring"] as Int64) != 0, position: row["position"], indexed: (row["indexed"] as Int64? ?? 1) != 0)
    }

    /// One lead's attributes, in the organization's order of attributes.
    public func attributes(ofLead id: Int64, orgId: Int64) throws -> LeadAttributeValues {
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.id, a.org_id, a.name, a.kind, a.scoring, a.position, a.indexed, j.value AS value
            FROM leads l, json_each(l.attributes) j JOIN lead_attributes a ON a.org_id = l.org_id AND a.name = j.key
            WHERE l.id = ? AND l.org_id = ? ORDER BY a.position, a.id
            """, arguments: [id, orgId])
        return rows.compactMap { row in
            let attribute = Self.leadAttribute(row)
            guard let value = AttributeValue.read(row["value"], kind: attribute.kind) else { return nil }
            return (attribute, value)
        }
    }

    /// The most common values of an attribute among the organization's leads, most frequent first,
    /// counted from the value index (`lead_attribute_values`), with how many leads have any value.
    public func attributeValueCounts(orgId: Int64, attributeId: Int64, limit: Int = 20) throws -> (values: [AttributeValueCount], leads: Int) {
        guard let row = try Row.fetchOne(db, sql: "SELECT kind FROM lead_attributes WHERE id = ? AND org_id = ?", arguments: [attributeId, orgId]),
              let kind = AttributeKind(rawValue: row["kind"]) else { return ([], 0) }
        var total = 0
        var counts: [AttributeValueCount] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT value, count(*) AS n FROM lead_attribute_values WHERE attribute_id = ? GROUP BY value
            """, arguments: [attributeId]) {
            let n: Int = row["n"]
            total += n
            if let value = AttributeValue.read(row["value"], kind: kind) { counts.append(AttributeValueCount(value: value, count: n)) }
        }
        counts.sort { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
        return (Array(counts.prefix(limit)), total)
    }

    /// How many of the organization's leads have this attribute value, counting at most `cap`.
    public func attributeMatchCount(_ filter: AttributeFilter, orgId: Int64, cap: Int) throws -> Int {
        // The attribute must be the organization's own (an id of another's counts nothing).
        try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT 1 FROM lead_attribute_values v JOIN lead_attributes a ON a.id = v.attribute_id AND a.org_id = ?
            WHERE v.attribute_id = ? AND v.value = ? LIMIT ?)
            """, arguments: [orgId, filter.attributeId, filter.value.databaseValue, cap]) ?? 0
    }

    /// The condition that keeps the leads having the filter's value, tested on each lead (a point
    /// lookup in the value index); the pages of rarer values are read otherwise (`leads(orgId:...)`).
    func attributeCondition(_ filter: AttributeFilter) -> (String, [any DatabaseValueConvertible]) {
        ("EXISTS (SELECT 1 FROM lead_attribute_values v WHERE v.attribute_id = ? AND v.value = ? AND v.lead_id = leads.id)",
         [filter.attributeId, filter.value.databaseValue])
    }
}

extension StoreTransaction {
    /// Makes sure the organization has these attributes (created after its others, in order) and
    /// returns them as stored: an existing attribute keeps its kind; one a spec marks as not
    /// scoring stops being a scoring feature.
    public func ensureLeadAttributes(orgId: Int64, _ specs: [LeadAttributeSpec], at now: Date) throws -> [LeadAttribute] {
        var existing = Dictionary(try leadAttributes(orgId: orgId).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var position = (existing.values.map(\.position).max() ?? -1) + 1
        let nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970.rounded(.down)))
        var result: [LeadAttribute] = []
        for spec in specs {
            if var attribute = existing[spec.name] {
                if !spec.scoring && attribute.scoring {
                    try db.execute(sql: "UPDATE lead_attributes SET scoring = 0 WHERE id = ?", arguments: [attribute.id])
                    attribute.scoring = false
                    existing[spec.name] = attribute
                }
                result.append(attribute)
                continue
            }
            try db.execute(sql: "INSERT INTO lead_attributes(org_id, name, kind, scoring, position, indexed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [orgId, spec.name, spec.kind.rawValue, spec.scoring ? 1 : 0, position, spec.indexed ? 1 : 0, nowText])
            let attribute = LeadAttribute(id: db.lastInsertedRowID, orgId: orgId, name: spec.name, kind: spec.kind, scoring: spec.scoring,
                                          position: position, indexed: spec.indexed)
            position += 1
            existing[spec.name] = attribute
            result.append(attribute)
        }
        return result
    }

    /// Whether learning a score may use an attribute.
    public func setLeadAttributeScoring(orgId: Int64, name: String, scoring: Bool) throws {
        try db.execute(sql: "UPDATE lead_attributes SET scoring = ? WHERE org_id = ? AND name = ?", arguments: [scoring ? 1 : 0, orgId, name])
        if db.changesCount == 0 { throw StoreError.notFound(entity: "attribute", id: 0) }
    }
}
