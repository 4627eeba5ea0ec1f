import Foundation
internal import GRDB

/// The panes' reads, through the store's own methods, with arguments taken from the file.
///
/// `funnel doctor` runs each operation in a read transaction with a statement trace and explains
/// every statement it ran (`AppDatabase.diagnose`), so the plans it checks are the ones the panes
/// get on this file (the search and attribute strategies included), never copies of their SQL
/// that could drift from what runs. A new pane read is checked by adding its operation here.
struct PaneOperation: Sendable {
    let name: String
    let run: @Sendable (StoreReader, PaneSample) throws -> Void

    init(_ name: String, _ run: @escaping @Sendable (StoreReader, PaneSample) throws -> Void) {
        self.name = name
        self.run = run
    }
}

/// Arguments for the operations, read from the file: its first organization, that organization's
/// best lead, a common and a rare search word, an attribute's common and rare values.
struct PaneSample: Sendable {
    let orgId: Int64
    let userId: Int64
    let lead: LeadListItem?
    let productId: Int64?
    /// A word many leads match (a company's first word), and one few do (a lead's email name).
    let commonWord: String
    let rareWord: String
    let commonAttribute: AttributeFilter?
    let rareAttribute: AttributeFilter?
    let now: Date

    static func read(_ reader: StoreReader, now: Date = Date()) throws -> PaneSample {
        let db = reader.db
        let orgId = try Int64.fetchOne(db, sql: "SELECT min(id) FROM organizations") ?? 1
        let userId = try Int64.fetchOne(db, sql: "SELECT min(id) FROM users WHERE org_id = ?", arguments: [orgId]) ?? 1
        let first = try reader.leads(orgId: orgId, filter: LeadFilter(), limit: 200)
        let companies = Dictionary(grouping: first.compactMap { $0.lead.company?.split(separator: " ").first.map(String.init) }, by: { $0 })
        let common = companies.max { $0.value.count < $1.value.count }?.key
        let rare = first.first?.lead.email?.split(separator: "@").first.map(String.init)
        var commonAttribute: AttributeFilter?
        var rareAttribute: AttributeFilter?
        if let attribute = try reader.leadAttributes(orgId: orgId).first {
            let id = attribute.id
            let values = try reader.attributeValueCounts(orgId: orgId, attributeId: id, limit: 20).values
            commonAttribute = values.first.map { AttributeFilter(attributeId: id, name: attribute.name, value: $0.value) }
            rareAttribute = values.last.map { AttributeFilter(attributeId: id, name: attribute.name, value: $0.value) }
        }
        return PaneSample(
            orgId: orgId, userId: userId, lead: first.first, productId: try reader.products(orgId: orgId).first?.id,
            commonWord: common ?? "acme", rareWord: rare ?? "zz", commonAttribute: commonAttribute, rareAttribute: rareAttribute, now: now)
    }
}

extension PaneOperation {
    /// A lead list under a filter as the Leads pane reads it: the count, the first page, the pages
    /// after and before a key (a page key of the best lead, or a made-up one on an empty file).
    static func leads(_ name: String, _ filter: @escaping @Sendable (PaneSample) -> LeadFilter?) -> PaneOperation {
        PaneOperation(name) { reader, sample in
            guard let filter = filter(sample) else { return }
            let key = sample.lead?.pageKey ?? LeadPageKey(score: 50, id: 0)
            _ = filter.search == nil ? try reader.leadCount(orgId: sample.orgId, filter: filter)
                : try reader.leadCount(orgId: sample.orgId, filter: filter, cap: LeadFilter.searchCountCap)
            let page = try reader.leads(orgId: sample.orgId, filter: filter, limit: 50)
            _ = try reader.leads(orgId: sample.orgId, filter: filter, after: page.last?.pageKey ?? key, limit: 50)
            _ = try reader.leads(orgId: sample.orgId, filter: filter, before: page.last?.pageKey ?? key, limit: 50)
        }
    }

    /// A deal list (a board column or the table) in one order, first page and the next.
    static func deals(_ name: String, stage: DealStage?, sort: DealSort, descending: Bool) -> PaneOperation {
        PaneOperation(name) { reader, sample in
            let filter = DealFilter(stage: stage)
            let page = try reader.deals(orgId: sample.orgId, filter: filter, sort: sort, descending: descending, after: nil, limit: 50)
            if let last = page.last {
                _ = try reader.deals(orgId: sample.orgId, filter: filter, sort: sort, descending: descending, after: last.pageKey(sort), limit: 50)
                _ = try reader.deals(orgId: sample.orgId, filter: filter, sort: sort, descending: descending, before: last.pageKey(sort), limit: 50)
                _ = try reader.dealPosition(orgId: sample.orgId, filter: filter, sort: sort, descending: descending, key: last.pageKey(sort))
            }
        }
    }

    /// Every pane read, for `funnel doctor`.
    static let all: [PaneOperation] = [
        leads("leads.ranked") { _ in LeadFilter() },
        leads("leads.status-tab") { _ in LeadFilter(status: .new) },
        leads("leads.mine") { LeadFilter(owner: .user($0.userId)) },
        leads("leads.unassigned") { _ in LeadFilter(owner: .unassigned) },
        leads("leads.source") { _ in LeadFilter(source: .website) },
        leads("leads.product") { sample in sample.productId.map { LeadFilter(productId: $0) } },
        leads("leads.search-common") { LeadFilter(search: $0.commonWord) },
        leads("leads.search-rare") { LeadFilter(search: $0.rareWord) },
        leads("leads.search-phone") { _ in LeadFilter(search: "212 555") },
        leads("leads.attribute-common") { sample in sample.commonAttribute.map { LeadFilter(attribute: $0) } },
        leads("leads.attribute-rare") { sample in sample.rareAttribute.map { LeadFilter(attribute: $0) } },
        leads("leads.search-in-tab") { LeadFilter(status: .contacted, search: $0.commonWord) },
        PaneOperation("leads.counts") { reader, sample in
            _ = try reader.leadStatusCounts(orgId: sample.orgId)
            _ = try reader.searchStatusCounts(orgId: sample.orgId, search: sample.commonWord, cap: LeadFilter.searchCountCap)
        },
        PaneOperation("leads.detail") { reader, sample in
            guard let item = sample.lead else { return }
            _ = try reader.duplicates(of: item.lead)
            _ = try reader.leadActions(leadId: item.id, orgId: sample.orgId, limit: 200)
            _ = try reader.activities(orgId: sample.orgId, entityType: .lead, entityId: item.id)
            _ = try reader.attributes(ofLead: item.id, orgId: sample.orgId)
        },
        PaneOperation("leads.filter-choices") { reader, sample in
            for attribute in try reader.leadAttributes(orgId: sample.orgId).prefix(3) {
                _ = try reader.attributeValueCounts(orgId: sample.orgId, attributeId: attribute.id, limit: 20)
            }
        },
        deals("pipeline.column", stage: .proposal, sort: .closeDate, descending: false),
        deals("pipeline.closed-column", stage: .won, sort: .closeDate, descending: true),
        deals("pipeline.table-value", stage: nil, sort: .value, descending: true),
        deals("pipeline.table-age", stage: nil, sort: .stageAge, descending: false),
        deals("pipeline.table-title", stage: nil, sort: .title, descending: false),
        PaneOperation("pipeline.totals") { reader, sample in
            _ = try reader.dealStageTotals(orgId: sample.orgId, filter: DealFilter())
            _ = try reader.dealStageTotals(orgId: sample.orgId, filter: DealFilter(owner: .user(sample.userId)))
        },
        PaneOperation("pipeline.forecast") { reader, sample in
            let month = String(StoreTimestamp.text(Int64(sample.now.timeIntervalSince1970)).prefix(7))
            _ = try reader.dealForecast(orgId: sample.orgId, filter: DealFilter(), firstMonth: month, months: 8)
        },
        PaneOperation("calendar.month") { reader, sample in
            let day: TimeInterval = 86_400
            let start = Date(timeIntervalSince1970: (sample.now.timeIntervalSince1970 / day).rounded(.down) * day)
            let bounds = (0...42).map { start.addingTimeInterval(Double($0) * day) }
            _ = try reader.scheduledContentCounts(orgId: sample.orgId, filter: ContentFilter(), bounds: bounds)
            _ = try reader.scheduledContentCounts(orgId: sample.orgId, filter: ContentFilter(type: .blog), bounds: bounds)
            let items = try reader.scheduledContent(orgId: sample.orgId, filter: ContentFilter(), from: start, to: bounds[7], limit: 20)
            if let last = items.last, let at = last.scheduledAt {
                _ = try reader.scheduledContent(orgId: sample.orgId, filter: ContentFilter(), from: start, to: bounds[7], after: (at, last.id), limit: 20)
            }
        },
        PaneOperation("approvals.queue") { reader, sample in
            let page = try reader.pendingContent(orgId: sample.orgId, after: nil, limit: 50)
            if let last = page.last {
                _ = try reader.pendingContent(orgId: sample.orgId, after: last.queueKey, limit: 50)
                _ = try reader.pendingContent(orgId: sample.orgId, before: last.queueKey, limit: 50)
                _ = try reader.pendingPosition(orgId: sample.orgId, key: last.queueKey)
            }
        },
    ]
}
