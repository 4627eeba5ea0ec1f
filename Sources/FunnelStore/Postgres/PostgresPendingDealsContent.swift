import Foundation

// PENDING: placeholders for the DealsContent domain until its PostgreSQL implementation lands (each throws).

extension PostgresReader: DealReading {
    func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, after key: DealPageKey?, limit: Int) throws -> [DealListItem] { throw PostgresPending.error(#function) }
    func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, before key: DealPageKey?, limit: Int) throws -> [DealListItem] { throw PostgresPending.error(#function) }
    func dealItem(id: Int64, orgId: Int64) throws -> DealListItem? { throw PostgresPending.error(#function) }
    func dealStageTotals(orgId: Int64, filter: DealFilter) throws -> [DealStage: StageTotals] { throw PostgresPending.error(#function) }
    func dealForecast(orgId: Int64, filter: DealFilter, firstMonth: String, months: Int) throws -> [ForecastMonth] { throw PostgresPending.error(#function) }
    func deals(contactId: Int64, orgId: Int64, limit: Int) throws -> [DealListItem] { throw PostgresPending.error(#function) }
    func searchContacts(_ text: String, orgId: Int64, limit: Int) throws -> [Contact] { throw PostgresPending.error(#function) }
    func dealPosition(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, key: DealPageKey) throws -> Int { throw PostgresPending.error(#function) }
    func deal(externalRef: String, orgId: Int64) throws -> Deal? { throw PostgresPending.error(#function) }
    func contact(name: String, company: String, orgId: Int64) throws -> Contact? { throw PostgresPending.error(#function) }
    func dealStageTotals(orgId: Int64) throws -> [DealStage: StageTotals] { throw PostgresPending.error(#function) }
}

extension PostgresReader: ContentReading {
    func scheduledContentCounts(orgId: Int64, filter: ContentFilter, bounds: [Date]) throws -> [Int] { throw PostgresPending.error(#function) }
    func scheduledContent(orgId: Int64, filter: ContentFilter, from: Date, to: Date, after: (Date, Int64)?, limit: Int) throws -> [ContentListItem] { throw PostgresPending.error(#function) }
    func pendingContent(orgId: Int64, after key: ContentQueueKey?, limit: Int) throws -> [ContentListItem] { throw PostgresPending.error(#function) }
    func pendingContent(orgId: Int64, before key: ContentQueueKey?, limit: Int) throws -> [ContentListItem] { throw PostgresPending.error(#function) }
    func pendingPosition(orgId: Int64, key: ContentQueueKey) throws -> Int { throw PostgresPending.error(#function) }
    func contentList(orgId: Int64, filter: ContentFilter, after key: (createdAt: Date, id: Int64)?, limit: Int) throws -> [ContentListItem] { throw PostgresPending.error(#function) }
    func contentItem(id: Int64, orgId: Int64) throws -> ContentListItem { throw PostgresPending.error(#function) }
    func emailCampaigns(contentId: Int64, orgId: Int64) throws -> [EmailCampaign] { throw PostgresPending.error(#function) }
    func socialPosts(contentId: Int64, orgId: Int64) throws -> [SocialPost] { throw PostgresPending.error(#function) }
    func contentStatusCounts(orgId: Int64) throws -> [ContentStatus: Int] { throw PostgresPending.error(#function) }
}

