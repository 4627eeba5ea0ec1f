import Foundation

// What the import services write through, whatever the store: `beginImport` and
// `beginActionImport` (the contract's `ImportLogWriting`) return one of these, valid inside the
// transaction that began it. The SQLite store's writers (`SQLiteImportWriter`,
// `SQLiteActionImportWriter`) and the PostgreSQL store's (`PostgresImportWriter`,
// `PostgresActionImportWriter`) write the same rows and record them the same way in
// `import_rows`, so that undoing an import restores exactly what it changed.

/// Sizes and limits the import writers share (the services batch rows by them).
public enum ImportWriterLimits {
    /// Leads per multi-row insert (`ImportWriting.insertLeads`): one statement for many rows.
    public static let leadBatchSize = 64
    /// The smallest page cache an import of actions asks for, in KiB (SQLite: 8 MiB).
    public static let smallestCacheKiB = 8_192
    /// The largest page cache an import of actions asks for, in KiB (SQLite: 256 MiB).
    public static let largestCacheKiB = 262_144
}

/// Writes the rows of one import (leads, contacts or deals) and records each in `import_rows`:
/// created, or updated with its earlier values. A value the schema refuses throws
/// `StoreError.constraint` for that row alone; the import's transaction goes on.
public protocol ImportWriting: AnyObject {
    /// The organization imported into.
    var orgId: Int64 { get }
    /// The log entry's id.
    var importId: Int64 { get }
    /// The import's number in the organization.
    var number: Int64 { get }
    /// What the import brings in.
    var entity: ImportEntity { get }

    /// Gives back what the import set up for itself (the SQLite store: its page cache).
    func close()
    /// Writes the import's counts (a JSON object) into its log entry.
    func finish(counts: String) throws

    /// Creates a lead from `values` (unset source: `import`; status: `new`; score: 0); returns its id.
    @discardableResult
    func insertLead(_ values: LeadImportRow, line: Int) throws -> Int64
    /// Creates `ImportWriterLimits.leadBatchSize` leads with one multi-row insert; returns their
    /// ids, in order. All or nothing: when the schema refuses one row, none is written and this
    /// throws `StoreError.constraint` (the caller then inserts them one by one to find it).
    func insertLeads(_ batch: [(values: LeadImportRow, line: Int)]) throws -> [Int64]
    /// Updates the given fields of one of the organization's leads, keeping its earlier values;
    /// `current` is the lead as already read (it is read when nil).
    func updateLead(id: Int64, with values: LeadImportRow, line: Int, current: Lead?) throws

    /// Creates a contact; returns its id.
    @discardableResult
    func insertContact(_ values: ContactImportRow, line: Int) throws -> Int64
    /// Updates the given fields of one of the organization's contacts, keeping its earlier values.
    func updateContact(id: Int64, with values: ContactImportRow, line: Int) throws

    /// Creates a deal (its `createdAt`, `updatedAt` and `stageChangedAt` are those of the record
    /// given); returns its id.
    @discardableResult
    func insertDeal(_ deal: Deal, line: Int) throws -> Int64
    /// The organization's deal with this id (to apply an import's changes to it).
    func deal(id: Int64) throws -> Deal?
    /// Writes an existing deal changed by the import, keeping its earlier values.
    func updateDeal(_ deal: Deal, line: Int) throws

    /// Runs the writes of one row as one: all of them or none, a value the schema refuses
    /// becoming `StoreError.constraint` (a deal with the lead it converts and the contact it creates).
    func together<T>(_ body: () throws -> T) throws -> T
    /// Creates a contact along with the import's rows (a deals import: the contact of a lead it
    /// converts), recorded in `import_linked_rows` so that undo deletes it; returns its id.
    @discardableResult
    func insertLinkedContact(_ contact: Contact, line: Int) throws -> Int64
    /// Writes a lead changed along with the import's rows (a deals import converts the lead of a
    /// deal), its earlier values kept in `import_linked_rows` (the first time the import changes
    /// it) so that undo restores them.
    func updateLinkedLead(_ lead: Lead, line: Int) throws
    /// The first contact made from a lead (`contacts.lead_id`), if any.
    func contactId(ofLead leadId: Int64) throws -> Int64?
}

extension ImportWriting {
    /// Updates a lead from a row, reading it first.
    public func updateLead(id: Int64, with values: LeadImportRow, line: Int) throws {
        try updateLead(id: id, with: values, line: line, current: nil)
    }
}

/// Adds the actions of one import (`funnel import actions`) and records each in `import_rows`
/// (`row_id`: the action's id).
public protocol ActionImportWriting: AnyObject {
    /// The organization imported into.
    var orgId: Int64 { get }
    /// The log entry's id.
    var importId: Int64 { get }
    /// The import's number in the organization.
    var number: Int64 { get }

    /// Sets the `lead_actions_touch_lead` trigger's work aside when the store can (the import then
    /// gives each lead its newest action's time itself, once: `rescoreLeads(lastActions: true)`).
    func setAsideLastActionTrigger() throws
    /// Puts the trigger back (before the transaction commits).
    func restoreLastActionTrigger() throws
    /// Whether the trigger is set aside (its work is the import's).
    var lastActionTriggerSetAside: Bool { get }
    /// Gives back what the import set up for itself (and the trigger, when an error left it aside).
    func close()
    /// Adds the batch's actions in its order. Returns the rows the schema refused, with its
    /// reason (the others are written).
    func insert(_ batch: ActionImportBatch) throws -> [(line: Int, message: String)]
    /// Writes the import's counts (a JSON object) into its log entry.
    func finish(counts: String) throws
}
