import Foundation
import FunnelStore

extension LeadService {
    /// The organization's lead attributes, in their order (the columns of the files that made them).
    public func attributes(in session: Session) throws -> [LeadAttribute] {
        try session.require(.leadsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.leadAttributes(orgId: session.orgId) } }
    }

    /// An attribute's most common values, each with how many of the organization's leads hold it
    /// (most first, at most `limit`), and how many leads have a value of it at all: counted from
    /// the value index.
    public func attributeValues(_ attribute: LeadAttribute, limit: Int = 20, in session: Session) throws -> (values: [AttributeValueCount], leads: Int) {
        try session.require(.leadsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.attributeValueCounts(orgId: session.orgId, attributeId: attribute.id, limit: limit) }
        }
    }
}
