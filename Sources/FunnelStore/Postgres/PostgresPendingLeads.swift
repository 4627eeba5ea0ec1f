import Foundation

// PENDING: placeholders for the Leads domain until its PostgreSQL implementation lands (each throws).

extension PostgresReader: LeadReading {
    func leadStatusCounts(orgId: Int64) throws -> [LeadStatus: Int] { throw PostgresPending.error(#function) }
    func leadAttributes(orgId: Int64) throws -> [LeadAttribute] { throw PostgresPending.error(#function) }
    func attributes(ofLead id: Int64, orgId: Int64) throws -> LeadAttributeValues { throw PostgresPending.error(#function) }
    func attributeValueCounts(orgId: Int64, attributeId: Int64, limit: Int) throws -> (values: [AttributeValueCount], leads: Int) { throw PostgresPending.error(#function) }
    func attributeMatchCount(_ filter: AttributeFilter, cap: Int) throws -> Int { throw PostgresPending.error(#function) }
    func searchLeadIDs(_ text: String, orgId: Int64, limit: Int) throws -> [Int64] { throw PostgresPending.error(#function) }
    func leads(orgId: Int64, filter: LeadFilter, after key: LeadPageKey?, limit: Int) throws -> [LeadListItem] { throw PostgresPending.error(#function) }
    func leads(orgId: Int64, filter: LeadFilter, before key: LeadPageKey?, limit: Int) throws -> [LeadListItem] { throw PostgresPending.error(#function) }
    func leadCount(orgId: Int64, filter: LeadFilter, cap: Int) throws -> Int { throw PostgresPending.error(#function) }
    func searchStatusCounts(orgId: Int64, search: String, cap: Int) throws -> [LeadStatus: Int]? { throw PostgresPending.error(#function) }
    func searchMatchCount(orgId: Int64, search: String, cap: Int) throws -> Int { throw PostgresPending.error(#function) }
    func leadActions(leadId: Int64, orgId: Int64, limit: Int) throws -> [LeadAction] { throw PostgresPending.error(#function) }
    func allLeadActions(leadId: Int64, orgId: Int64) throws -> [LeadAction] { throw PostgresPending.error(#function) }
    func duplicates(of lead: Lead) throws -> [Lead] { throw PostgresPending.error(#function) }
}

extension PostgresWriter: LeadWriting {
    func moveLeadRecords(from sources: [Int64], to target: Int64, orgId: Int64) throws -> (actions: Int, activities: Int, contacts: Int) { throw PostgresPending.error(#function) }
    func leadRecordOwners(of leadIds: [Int64], orgId: Int64) throws -> LeadRecordOwners { throw PostgresPending.error(#function) }
    func returnLeadRecords(_ owners: LeadRecordOwners, orgId: Int64) throws { throw PostgresPending.error(#function) }
    func deleteLeadAction(id: Int64, leadId: Int64, orgId: Int64) throws { throw PostgresPending.error(#function) }
    func refreshLastAction(leadId: Int64, orgId: Int64) throws { throw PostgresPending.error(#function) }
    func rescoreLeads(ids: [Int64], orgId: Int64, lastActions: Bool, withAttributes: Bool, score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int { throw PostgresPending.error(#function) }
    func ensureLeadAttributes(orgId: Int64, _ specs: [LeadAttributeSpec], at now: Date) throws -> [LeadAttribute] { throw PostgresPending.error(#function) }
    func setLeadAttributeScoring(orgId: Int64, name: String, scoring: Bool) throws { throw PostgresPending.error(#function) }
}

extension PostgresStore {
    public func rescoreLeads(orgId: Int64?, chunkSize: Int, withAttributes: Bool,
                             score: (LeadScoringInput, [LeadActionSample]) -> Int,
                             progress: (Int, Int) -> Bool) throws -> RescoreResult { throw PostgresPending.error(#function) }
    public func scanLeadsForScoring(orgId: Int64, withAttributes: Bool, chunkSize: Int,
                                    _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void,
                                    progress: (Int, Int) -> Bool) throws { throw PostgresPending.error(#function) }
    @discardableResult
    public func writeScore(_ score: Int, leadId: Int64, orgId: Int64) throws -> Bool { throw PostgresPending.error(#function) }
}
