import Foundation
internal import GRDB
internal import GRDBSQLite

/// What `funnel export` writes out.
public enum ExportEntity: String, Sendable, CaseIterable {
    case leads, contacts, deals, content
}

/// A column of an export: its name (the import's field name, so an export imports back) and
/// whether its values are numbers.
public struct ExportColumn: Sendable, Equatable {
    public let name: String
    public let isNumber: Bool
    /// The lead attribute the column holds (named by it); nil for a field.
    public internal(set) var attribute: LeadAttribute? = nil
}

extension StoreReader {
    /// The columns of an export and the query that reads them (one organization, by id).
    ///
    /// `NOT INDEXED`: the table is walked in rowid order, so rows stream out as they are read.
    /// Through an index starting with `org_id`, SQLite would sort every row of the organization in
    /// a temporary b-tree before the first (130 MB for a million leads).
    ///
    /// The leads' query reads one more column than it names, the last: the attributes' JSON
    /// object, which `forEachExportRow` spreads into a column per attribute.
    static func exportQuery(_ entity: ExportEntity) -> (columns: [ExportColumn], sql: String) {
        func text(_ names: String...) -> [ExportColumn] { names.map { ExportColumn(name: $0, isNumber: false) } }
        func number(_ name: String) -> ExportColumn { ExportColumn(name: name, isNumber: true) }
        switch entity {
        case .leads:
            return (text("name", "email", "phone", "company", "source", "status", "status_reason") + [number("score")]
                    + text("owner", "product", "created_at", "external_id"), """
                SELECT l.name, l.email, l.phone, l.company, l.source, l.status, l.status_reason, l.score, u.email, p.name, l.created_at,
                       l.external_id, l.attributes
                FROM leads l NOT INDEXED LEFT JOIN users u ON u.id = l.assigned_to LEFT JOIN products p ON p.id = l.product_id
                WHERE l.org_id = ? ORDER BY l.id
                """)
        case .contacts:
            return (text("name", "email", "phone", "company", "metadata", "created_at"), """
                SELECT name, email, phone, company, metadata, created_at FROM contacts NOT INDEXED WHERE org_id = ? ORDER BY id
                """)
        case .deals:
            return (text("title", "value", "stage") + [number("probability")]
                    + text("close_date", "lost_reason", "owner", "product", "contact", "contact_email", "external_ref", "created_at"), """
                SELECT d.title, printf('%d.%02d', d.value / 100, d.value % 100), d.stage, d.probability, d.close_date, d.lost_reason,
                       u.email, p.name, c.name, c.email, d.external_ref, d.created_at
                FROM deals d NOT INDEXED LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN products p ON p.id = d.product_id
                  LEFT JOIN contacts c ON c.id = d.contact_id
                WHERE d.org_id = ? ORDER BY d.id
                """)
        case .content:
            return (text("title", "body", "type", "status", "scheduled_at", "submitted_at", "product", "created_by", "created_at"), """
                SELECT t.title, t.body, t.type, t.status, t.scheduled_at, t.submitted_at, p.name, u.email, t.created_at
                FROM content t NOT INDEXED LEFT JOIN users u ON u.id = t.created_by LEFT JOIN products p ON p.id = t.product_id
                WHERE t.org_id = ? ORDER BY t.id
                """)
        }
    }

    /// The fields an export of `entity` starts with, whatever the organization (leads: `name`,
    /// `email`, `phone`, `company`, `source`, `status`, `status_reason`, `score`, `owner`,
    /// `product`, `created_at`, `external_id`).
    static func exportColumns(_ entity: ExportEntity) -> [ExportColumn] { exportQuery(entity).columns }

    /// The columns `forEachExportRow` gives for the organization's `entity`: the fields
    /// (`exportColumns(_:)`), then for leads one column per attribute of the organization, in its
    /// order, named by the attribute.
    public func exportColumns(_ entity: ExportEntity, orgId: Int64) throws -> [ExportColumn] {
        guard entity == .leads else { return Self.exportColumns(entity) }
        return Self.exportColumns(entity) + (try leadAttributes(orgId: orgId)).map {
            ExportColumn(name: $0.name, isNumber: $0.kind == .number, attribute: $0)
        }
    }

    /// Calls `body` with each row of the organization's `entity` (nil for NULL), one at a time
    /// from a cursor, so memory does not grow with the table; the values array is reused. The
    /// values are those of `exportColumns(_:orgId:)`; an attribute's as text (`AttributeExportText`).
    public func forEachExportRow(_ entity: ExportEntity, orgId: Int64, _ body: ([String?]) throws -> Void) throws {
        let (fields, sql) = Self.exportQuery(entity)
        let columns = try exportColumns(entity, orgId: orgId)
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments([orgId])
        var values = [String?](repeating: nil, count: columns.count)
        let attributes = AttributeExportText(columns: columns, first: fields.count)
        try statement.forEachRawRow(in: db) { handle in
            if let attributes {
                attributes.read(handle, column: Int32(fields.count), into: &values)
            }
            for index in 0..<fields.count {
                let column = Int32(index)
                if sqlite3_column_type(handle, column) == SQLITE_NULL {
                    values[index] = nil
                } else if let text = sqlite3_column_text(handle, column) {
                    let count = Int(sqlite3_column_bytes(handle, column))
                    values[index] = String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
                } else {
                    values[index] = ""
                }
            }
            try body(values)
            return true
        }
    }
}

extension ExportEntity {
    /// The fields an export of `entity` starts with, whatever the organization.
    public static func columns(_ entity: ExportEntity) -> [ExportColumn] { StoreReader.exportColumns(entity) }
}
