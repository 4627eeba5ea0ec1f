import Foundation
import FunnelStore

/// Lead attributes written for tests, as an import would leave them: the organization's
/// attributes (in order), each lead's JSON object, and the value index the triggers keep.
public enum LeadAttributesFixture {
    /// Makes the attributes `specs` exist for the organization, then writes each lead's values
    /// (replacing the ones it had) and its external id when given.
    public static func write(_ database: any Store, orgId: Int64, specs: [LeadAttributeSpec], values: [Int64: [AttributeEntry]],
                             externalIds: [Int64: String] = [:]) throws {
        try database.transaction { tx in
            _ = try tx.ensureLeadAttributes(orgId: orgId, specs, at: TestWorkspace.now)
            for (id, entries) in values {
                let json = AttributeJSON.object(entries).map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"
                try tx.rawExecuteForTests("UPDATE leads SET attributes = \(json) WHERE id = ? AND org_id = ?", id, orgId)
            }
            for (id, key) in externalIds {
                try tx.rawExecuteForTests("UPDATE leads SET external_id = '\(key.replacingOccurrences(of: "'", with: "''"))' WHERE id = ? AND org_id = ?", id, orgId)
            }
        }
    }
}
