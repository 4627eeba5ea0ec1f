import Foundation

// The store contract, by domain: what the services may ask of a store inside one read
// (`StoreReading`) or one write transaction (`StoreWriting`). Values in and out are plain Swift
// values; how a store answers (SQL, its indexes, its search strategy) stays inside it. The SQLite
// store (`StoreReader`, `StoreTransaction`) is one implementation; `StoreContractSuite` (tests)
// is what any implementation must pass. Defaults of optional arguments are in the extensions below.

/// Any record by its type and id (organization-scoped: another organization's id reads as missing).
public protocol RecordReading: AnyObject {
    /// The record of an organization-scoped type with this id, if it belongs to `orgId`.
    ///
    /// Asking for another organization's record gives nil, exactly as for a missing one.
    func fetch<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> R?
    /// Like `fetch`, but a missing record (or one of another organization) is an error.
    func require<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> R
}

/// Any record by its type and id (organization-scoped: another organization's id reads as missing). The writes, inside one transaction.
public protocol RecordWriting: RecordReading {
    /// Inserts a record and sets its id.
    func insert<R: StoredRecord>(_ record: inout R) throws
    /// Writes the columns of an existing record whose values changed since it was read (read
    /// back in this transaction, by its key): an assignment writes `assigned_to` and `updated_at`,
    /// not every column, so the triggers kept on the others (the full-text index, the attribute
    /// value index, the maintained counts) do not run. Nothing is written when nothing changed.
    func update<R: StoredRecord>(_ record: R) throws
    /// Deletes a record of an organization; false when there was none.
    @discardableResult
    func delete<R: OrganizationScopedRecord>(_ type: R.Type, id: Int64, orgId: Int64) throws -> Bool
    /// Inserts a record with the id it has (bringing a deleted record back); false when the id is taken.
    func reinsert<R: OrganizationScopedRecord>(_ record: R) throws -> Bool
}

/// Organizations, users, roles and the product catalogue (identity and settings).
public protocol IdentityReading: AnyObject {
    /// Every organization, by name.
    func organizations() throws -> [Organization]
    /// The organization with this id.
    func organization(id: Int64) throws -> Organization?
    /// The organization with this slug.
    func organization(slug: String) throws -> Organization?
    /// The user with this email address, in any organization (for signing in).
    func user(email: String) throws -> User?
    /// The users of an organization, active first, by name.
    func users(orgId: Int64) throws -> [User]
    /// Every role, by name.
    func roles() throws -> [Role]
    /// The role with this id.
    func role(id: Int64) throws -> Role?
    /// The role with this name.
    func role(name: String) throws -> Role?
    /// The organization's users with this name (case-insensitive), lowest id first.
    func users(named name: String, orgId: Int64) throws -> [User]
    /// The name of a user of the organization.
    func userName(id: Int64, orgId: Int64) throws -> String?
    /// The names of an organization's users by id (for telling who did what in a timeline).
    func userNames(orgId: Int64) throws -> [Int64: String]
    /// The products of an organization, by name.
    func products(orgId: Int64) throws -> [Product]
    /// The email of the Funnel user the store itself signed in (a server's login role), which
    /// is then who acts; nil where the store signs in no one (a file, or a server's owner).
    func serverSignIn() throws -> String?
}

/// Users: adding one, with the sign-in the store gives them. The writes, inside one transaction.
public protocol IdentityWriting: IdentityReading {
    /// Adds a user (its role by name). A file keeps the user as given (its password hash is the
    /// sign-in); a server also makes the user a login role of their own with `password`, checks
    /// the permission again and records the creation itself (`recorded`).
    func addUser(_ user: User, roleName: String, password: String?) throws -> (user: User, recorded: Bool)
    /// Sets a user's password: a file keeps `hash` on the user; a server sets the password of
    /// their login role (making it when they have none, as after `funnel migrate`).
    func setPassword(_ user: User, password: String, hash: String, at now: Date) throws
}

/// Leads: pages, counts, search, attributes, actions, merging and rescoring.
public protocol LeadReading: AnyObject {
    /// How many leads an organization has in each status (maintained by the schema, not counted).
    func leadStatusCounts(orgId: Int64) throws -> [LeadStatus: Int]
    /// The organization's lead attributes, in their order.
    func leadAttributes(orgId: Int64) throws -> [LeadAttribute]
    /// One lead's attributes, in the organization's order of attributes.
    func attributes(ofLead id: Int64, orgId: Int64) throws -> LeadAttributeValues
    /// The most common values of an attribute among the organization's leads, most frequent first,
    /// counted from the value index (`lead_attribute_values`), with how many leads have any value.
    func attributeValueCounts(orgId: Int64, attributeId: Int64, limit: Int) throws -> (values: [AttributeValueCount], leads: Int)
    /// How many of the organization's leads have this attribute value, counting at most `cap`.
    func attributeMatchCount(_ filter: AttributeFilter, orgId: Int64, cap: Int) throws -> Int
    /// The ids of an organization's leads matching a search: best match first for words, by id
    /// for a search of digits alone (a phone number).
    func searchLeadIDs(_ text: String, orgId: Int64, limit: Int) throws -> [Int64]
    /// A page of an organization's leads, best score first, after `key` (or from the top).
    ///
    /// Keyset paging on `(score DESC, id)` through `idx_leads_org_score`, `idx_leads_org_status`
    /// or `idx_leads_org_owner_score`: a page costs the same at row 10 and at row 900,000.
    /// With `search`, only full-text matches (still ranked by score).
    func leads(orgId: Int64, filter: LeadFilter, after key: LeadPageKey?, limit: Int) throws -> [LeadListItem]
    /// The page of leads just before `key` in the ranking (or the last page when nil), best first.
    func leads(orgId: Int64, filter: LeadFilter, before key: LeadPageKey?, limit: Int) throws -> [LeadListItem]
    /// How many leads match a filter, counting at most `cap` (the answer is then "cap or more").
    func leadCount(orgId: Int64, filter: LeadFilter, cap: Int) throws -> Int
    /// How many of the leads matching a search are in each status, when it has fewer than `cap`
    /// matches; nil when it has more. One query, driven by the matches, that stops at `cap` of them.
    func searchStatusCounts(orgId: Int64, search: String, cap: Int) throws -> [LeadStatus: Int]?
    /// How many of an organization's leads match a search, counting at most `cap`.
    func searchMatchCount(orgId: Int64, search: String, cap: Int) throws -> Int
    /// A lead's actions, newest first.
    func leadActions(leadId: Int64, orgId: Int64, limit: Int) throws -> [LeadAction]
    /// Every action of a lead (for scoring one lead).
    func allLeadActions(leadId: Int64, orgId: Int64) throws -> [LeadAction]
    /// Other leads of the organization with the same normalized email or phone.
    func duplicates(of lead: Lead) throws -> [Lead]
}

/// Leads: pages, counts, search, attributes, actions, merging and rescoring. The writes, inside one transaction.
public protocol LeadWriting: LeadReading {
    /// Moves everything that points at some leads of an organization (their actions, their history
    /// in the audit trail, the contacts made from them) to another lead of the same organization.
    func moveLeadRecords(from sources: [Int64], to target: Int64, orgId: Int64) throws -> (actions: Int, activities: Int, contacts: Int)
    /// The records that point at some leads of an organization, with the lead each points at (read
    /// before a merge moves them, so that undoing the merge can give each back).
    func leadRecordOwners(of leadIds: [Int64], orgId: Int64) throws -> LeadRecordOwners
    /// Points each record back at the lead it pointed at (undoing a merge; the leads exist again).
    func returnLeadRecords(_ owners: LeadRecordOwners, orgId: Int64) throws
    /// Deletes one action of a lead of the organization (undoing a logged action); only while it
    /// is still that lead's (a merge may have moved it to another lead since).
    func deleteLeadAction(id: Int64, leadId: Int64, orgId: Int64) throws
    /// The newest action time of a lead (to keep `last_action_at` true after a delete or a merge).
    func refreshLastAction(leadId: Int64, orgId: Int64) throws
    /// Rescores the given leads of the organization (ids ascending) from their fields and every
    /// action they have, in this transaction; writes a score only where it changed. Returns how
    /// many scores changed. With `lastActions`, also gives each lead its newest action's time
    /// (`last_action_at`, as the `lead_actions_touch_lead` trigger keeps it) where that differs.
    func rescoreLeads(ids: [Int64], orgId: Int64, lastActions: Bool, withAttributes: Bool, score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int
    /// Makes sure the organization has these attributes (created after its others, in order) and
    /// returns them as stored: an existing attribute keeps its kind; one a spec marks as not
    /// scoring stops being a scoring feature.
    func ensureLeadAttributes(orgId: Int64, _ specs: [LeadAttributeSpec], at now: Date) throws -> [LeadAttribute]
    /// Whether learning a score may use an attribute.
    func setLeadAttributeScoring(orgId: Int64, name: String, scoring: Bool) throws
}

/// Deals and contacts: pipeline pages, totals, forecast.
public protocol DealReading: AnyObject {
    /// A page of deals after `key` (or from the start) in the order `sort` (reversed when `descending`).
    ///
    /// Keyset paging through an index that ends in id (`idx_deals_org_stage` for a board column,
    /// `idx_deals_org_value`, `idx_deals_org_close`... for the table): a page costs the same
    /// at row 10 and at row 90,000.
    func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, after key: DealPageKey?, limit: Int) throws -> [DealListItem]
    /// The page of deals just before `key` (the last page when nil), in display order.
    func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, before key: DealPageKey?, limit: Int) throws -> [DealListItem]
    /// One deal of the organization with the names it points at.
    func dealItem(id: Int64, orgId: Int64) throws -> DealListItem?
    /// Deals, value and weighted value per stage for a filter: the maintained totals when
    /// unfiltered, else summed over the matching deals (through the filter's index).
    func dealStageTotals(orgId: Int64, filter: DealFilter) throws -> [DealStage: StageTotals]
    /// The forecast for `months` months from `firstMonth` (`YYYY-MM`): the maintained month
    /// totals when unfiltered, else summed over the matching deals closing in those months.
    func dealForecast(orgId: Int64, filter: DealFilter, firstMonth: String, months: Int) throws -> [ForecastMonth]
    /// The deals of one contact, newest first.
    func deals(contactId: Int64, orgId: Int64, limit: Int) throws -> [DealListItem]
    /// Contacts of the organization matching words (name, email, company; prefix match), by name.
    func searchContacts(_ text: String, orgId: Int64, limit: Int) throws -> [Contact]
    /// How many deals come before `key` in the order (its row number), counted through the index.
    func dealPosition(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, key: DealPageKey) throws -> Int
    /// The organization's deal with this id in the system it was imported from (`idx_deals_org_external_ref`).
    func deal(externalRef: String, orgId: Int64) throws -> Deal?
    /// The organization's contact with this name and company (an imported account), lowest id first.
    func contact(name: String, company: String, orgId: Int64) throws -> Contact?
    /// Deals, value and weighted value per stage (maintained by the schema, not summed).
    func dealStageTotals(orgId: Int64) throws -> [DealStage: StageTotals]
}

/// Content: the calendar, the approval queue, the list and each item's campaigns and posts.
public protocol ContentReading: AnyObject {
    /// How many items are scheduled in each interval `[bounds[i], bounds[i + 1])`: one count per
    /// calendar day, each an index range (`idx_content_scheduled` covers the filter's columns).
    func scheduledContentCounts(orgId: Int64, filter: ContentFilter, bounds: [Date]) throws -> [Int]
    /// The items scheduled in `[from, to)`, soonest first, at most `limit`; after the item with
    /// `after` (its time and id) when given. Read in index order: the scan stops at the limit.
    func scheduledContent(orgId: Int64, filter: ContentFilter, from: Date, to: Date, after: (Date, Int64)?, limit: Int) throws -> [ContentListItem]
    /// One page of the approvals queue after `key` (from the oldest when nil), oldest first.
    func pendingContent(orgId: Int64, after key: ContentQueueKey?, limit: Int) throws -> [ContentListItem]
    /// One page of the approvals queue before `key` (the newest page when nil), oldest first.
    func pendingContent(orgId: Int64, before key: ContentQueueKey?, limit: Int) throws -> [ContentListItem]
    /// How many items wait before `key` in the approvals queue (its row number), through the index.
    func pendingPosition(orgId: Int64, key: ContentQueueKey) throws -> Int
    /// Content of an organization, newest first, for `funnel content list`; after the item with
    /// `(createdAt, id)` when given. With a status filter it walks `(org_id, status)`.
    func contentList(orgId: Int64, filter: ContentFilter, after key: (createdAt: Date, id: Int64)?, limit: Int) throws -> [ContentListItem]
    /// One item of the organization as lists show it (`StoreError.notFound` when there is none).
    func contentItem(id: Int64, orgId: Int64) throws -> ContentListItem
    /// The email campaigns sent from an item.
    func emailCampaigns(contentId: Int64, orgId: Int64) throws -> [EmailCampaign]
    /// The social posts made from an item of the organization.
    func socialPosts(contentId: Int64, orgId: Int64) throws -> [SocialPost]
    /// How many content items an organization has in each status (maintained by the schema).
    func contentStatusCounts(orgId: Int64) throws -> [ContentStatus: Int]
}

/// Imports and exports: the import log, duplicate keys, bulk writers, undo, export rows.
public protocol ImportLogReading: AnyObject {
    /// Calls `body` with the bytes of the normalized email of every lead of the organization that
    /// has one, and the lead's id, lowest id first for each email (read from `idx_leads_email`
    /// alone, without a String per row).
    func forEachLeadEmail(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws
    /// The same for the leads' external ids (schema v7: `idx_leads_external_id`); nothing when the
    /// schema has no such column.
    func forEachLeadExternalID(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws
    /// Whether leads have an external id (schema v7 and later).
    func leadsHaveExternalIDs() throws -> Bool
    /// The ids of the organization's leads, ascending.
    func leadIDs(orgId: Int64) throws -> [Int64]
    /// The organization's AI agents by name, lowest id first.
    func agentIDs(orgId: Int64) throws -> [(name: String, id: Int64)]
    /// The columns `forEachExportRow` gives for the organization's `entity`: the fields
    /// (`exportColumns(_:)`), then for leads one column per attribute of the organization, in its
    /// order, named by the attribute.
    func exportColumns(_ entity: ExportEntity, orgId: Int64) throws -> [ExportColumn]
    /// Calls `body` with each row of the organization's `entity` (nil for NULL), one at a time
    /// from a cursor, so memory does not grow with the table; the values array is reused. The
    /// values are those of `exportColumns(_:orgId:)`; an attribute's as text (`AttributeExportText`).
    func forEachExportRow(_ entity: ExportEntity, orgId: Int64, _ body: ([String?]) throws -> Void) throws
    /// The organization's imports, newest first.
    func imports(orgId: Int64, limit: Int) throws -> [ImportLogEntry]
    /// The organization's import with this number.
    func importEntry(orgId: Int64, number: Int64) throws -> ImportLogEntry?
    /// Calls `body` with the hashed email and phone keys of every lead of the organization
    /// (`kind` 0 for an email, 1 for a phone) and the lead's id, read from the two duplicate
    /// indexes alone (`idx_leads_email`, `idx_leads_phone`), without a String per row.
    func forEachLeadDuplicateKey(orgId: Int64, _ body: (_ kind: Int, _ hash: UInt64, _ id: Int64) throws -> Void) throws
    /// Every contact of the organization with its email and phone (as stored), for duplicate detection.
    func forEachContactKey(orgId: Int64, _ body: (_ id: Int64, _ email: String?, _ phone: String?) throws -> Void) throws
    /// Every deal of the organization that has an external id, with it.
    func forEachDealExternalRef(orgId: Int64, _ body: (_ id: Int64, _ ref: String) throws -> Void) throws
    /// The organization's products by name, for resolving a product column.
    func productIDs(orgId: Int64) throws -> [(name: String, id: Int64)]
    /// The organization's users by email, for resolving an owner column.
    func userIDs(orgId: Int64) throws -> [(email: String, id: Int64)]
    /// The organization's contacts by name and by email (lowest id first), for resolving a deal's contact.
    func contactIDs(orgId: Int64) throws -> [(name: String, email: String?, id: Int64)]
    /// The highest number an import of the organization was recorded under (0 when none was).
    func lastImportNumber(orgId: Int64) throws -> Int64
}

/// Imports and exports: the import log, duplicate keys, bulk writers, undo, export rows. The writes, inside one transaction.
public protocol ImportLogWriting: ImportLogReading {
    /// Starts an import of actions: writes its log entry (entity `actions`, numbered after the
    /// organization's last import) and returns the writer that adds the actions.
    func beginActionImport(orgId: Int64, userId: Int64?, file: String, at now: Date, cacheKiB: Int) throws -> any ActionImportWriting
    /// Starts an import: writes its log entry (numbered after the organization's last import) and
    /// returns the writer that records every row it creates or updates.
    func beginImport(orgId: Int64, userId: Int64?, entity: ImportEntity, mode: ImportMode, file: String, at now: Date) throws -> any ImportWriting
    /// Undoes an import of the organization in this transaction: deletes the rows it created and
    /// restores the rows it updated to their earlier values, then marks it undone.
    ///
    /// Throws when the import is unknown or already undone, and (unless `force`) when some of its
    /// rows were changed after it: undoing would lose those changes.
    func undoImport(orgId: Int64, number: Int64, by userId: Int64?, at now: Date, force: Bool) throws -> (ImportLogEntry, ImportUndoResult)
    /// The records an import created or updated (of its own table), ascending: the leads a leads
    /// import wrote, for scoring them with a learned model at its end.
    func importedRowIds(importNumber: Int64, orgId: Int64) throws -> [Int64]
}

/// The audit trail: activities, append-only.
public protocol AuditReading: AnyObject {
    /// The newest activities about one record of an organization, newest first.
    func activities(orgId: Int64, entityType: EntityType, entityId: Int64, limit: Int) throws -> [Activity]
    /// The newest activities of an organization, newest first.
    func recentActivities(orgId: Int64, limit: Int) throws -> [Activity]
}

/// The audit trail: activities, append-only. The writes, inside one transaction.
public protocol AuditWriting: AuditReading {
    /// Appends one entry to the audit trail.
    @discardableResult
    func record(_ activity: Activity) throws -> Activity
}

/// Learned scoring models, by version.
public protocol ScoringModelReading: AnyObject {
    /// The organization's learned models, newest first.
    func scoringModels(orgId: Int64) throws -> [StoredScoringModel]
    /// One of the organization's models, by id.
    func scoringModel(id: Int64, orgId: Int64) throws -> StoredScoringModel?
    /// One of the organization's models, by version.
    func scoringModel(version: Int, orgId: Int64) throws -> StoredScoringModel?
}

/// Learned scoring models, by version. The writes, inside one transaction.
public protocol ScoringModelWriting: ScoringModelReading {
    /// Stores a newly learned model as the organization's next version.
    func insertScoringModel(orgId: Int64, createdBy: Int64?, at now: Date, outcomes: Int, converted: Int, cvAUC: Double, rulesCvAUC: Double?, json: String) throws -> StoredScoringModel
}

/// Counts and checks for reports and tests (never for a screen).
public protocol MaintenanceReading: AnyObject {
    /// How many rows each platform table holds (a full count: for reports, never for a screen).
    func tableRowCounts() throws -> [(table: String, rows: Int)]
    /// Rows written by this connection so far, triggers' writes included (`sqlite3_total_changes`):
    /// only tests use it, to see what a write touched.
    var totalChangesForTests: Int { get }
    /// A summary of what the database holds (full scans: for checks, never for a screen).
    func demoCoverage() throws -> DemoCoverage
    /// A digest of the demo's leads, deals and content, to compare two builds.
    func demoFingerprint() throws -> [String]
}

/// Counts and checks for reports and tests (never for a screen). The writes, inside one transaction.
public protocol MaintenanceWriting: MaintenanceReading {
    /// Runs raw SQL: only the store's own tests use it, to write what the typed API cannot.
    func rawExecuteForTests(_ sql: String, _ arguments: Int64...) throws
}

/// Everything a store answers inside one read transaction.
public protocol StoreReading: RecordReading, IdentityReading, LeadReading, DealReading, ContentReading, ImportLogReading, AuditReading, ScoringModelReading, MaintenanceReading {}

/// Everything a store does inside one write transaction (and every read).
public protocol StoreWriting: StoreReading, RecordWriting, IdentityWriting, LeadWriting, ImportLogWriting, AuditWriting, ScoringModelWriting, MaintenanceWriting {}

extension LeadReading {
    public func attributeValueCounts(orgId: Int64, attributeId: Int64) throws -> (values: [AttributeValueCount], leads: Int) { try attributeValueCounts(orgId: orgId, attributeId: attributeId, limit: 20) }
    public func searchLeadIDs(_ text: String, orgId: Int64) throws -> [Int64] { try searchLeadIDs(text, orgId: orgId, limit: 200) }
    public func leads(orgId: Int64, filter: LeadFilter, limit: Int) throws -> [LeadListItem] { try leads(orgId: orgId, filter: filter, after: nil, limit: limit) }
    public func leads(orgId: Int64, filter: LeadFilter, after key: LeadPageKey?) throws -> [LeadListItem] { try leads(orgId: orgId, filter: filter, after: key, limit: 50) }
    public func leads(orgId: Int64, filter: LeadFilter) throws -> [LeadListItem] { try leads(orgId: orgId, filter: filter, after: nil, limit: 50) }
    public func leads(orgId: Int64, filter: LeadFilter, before key: LeadPageKey?) throws -> [LeadListItem] { try leads(orgId: orgId, filter: filter, before: key, limit: 50) }
    public func leadCount(orgId: Int64, filter: LeadFilter) throws -> Int { try leadCount(orgId: orgId, filter: filter, cap: 10_000) }
    public func leadActions(leadId: Int64, orgId: Int64) throws -> [LeadAction] { try leadActions(leadId: leadId, orgId: orgId, limit: 200) }
}

extension LeadWriting {
    public func rescoreLeads(ids: [Int64], orgId: Int64, withAttributes: Bool, score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int { try rescoreLeads(ids: ids, orgId: orgId, lastActions: false, withAttributes: withAttributes, score: score) }
    public func rescoreLeads(ids: [Int64], orgId: Int64, lastActions: Bool, score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int { try rescoreLeads(ids: ids, orgId: orgId, lastActions: lastActions, withAttributes: false, score: score) }
    public func rescoreLeads(ids: [Int64], orgId: Int64, score: (LeadScoringInput, [LeadActionSample]) -> Int) throws -> Int { try rescoreLeads(ids: ids, orgId: orgId, lastActions: false, withAttributes: false, score: score) }
}

extension DealReading {
    public func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, after key: DealPageKey?) throws -> [DealListItem] { try deals(orgId: orgId, filter: filter, sort: sort, descending: descending, after: key, limit: 50) }
    public func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, before key: DealPageKey?) throws -> [DealListItem] { try deals(orgId: orgId, filter: filter, sort: sort, descending: descending, before: key, limit: 50) }
    public func deals(contactId: Int64, orgId: Int64) throws -> [DealListItem] { try deals(contactId: contactId, orgId: orgId, limit: 50) }
    public func searchContacts(_ text: String, orgId: Int64) throws -> [Contact] { try searchContacts(text, orgId: orgId, limit: 20) }
}

extension ContentReading {
    public func scheduledContent(orgId: Int64, filter: ContentFilter, from: Date, to: Date, limit: Int) throws -> [ContentListItem] { try scheduledContent(orgId: orgId, filter: filter, from: from, to: to, after: nil, limit: limit) }
}

extension ImportLogReading {
    public func imports(orgId: Int64) throws -> [ImportLogEntry] { try imports(orgId: orgId, limit: 50) }
}

extension ImportLogWriting {
    public func beginActionImport(orgId: Int64, userId: Int64?, file: String, at now: Date) throws -> any ActionImportWriting { try beginActionImport(orgId: orgId, userId: userId, file: file, at: now, cacheKiB: ImportWriterLimits.smallestCacheKiB) }
}

extension AuditReading {
    public func activities(orgId: Int64, entityType: EntityType, entityId: Int64) throws -> [Activity] { try activities(orgId: orgId, entityType: entityType, entityId: entityId, limit: 100) }
    public func recentActivities(orgId: Int64) throws -> [Activity] { try recentActivities(orgId: orgId, limit: 100) }
}

extension StoreReader: StoreReading {}
extension StoreTransaction: StoreWriting {}
