import Foundation

// PENDING: placeholders for the Import domain until its PostgreSQL implementation lands (each throws).

extension PostgresReader: ImportLogReading {
    func forEachLeadEmail(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws { throw PostgresPending.error(#function) }
    func forEachLeadExternalID(orgId: Int64, _ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) throws { throw PostgresPending.error(#function) }
    func leadsHaveExternalIDs() throws -> Bool { throw PostgresPending.error(#function) }
    func leadIDs(orgId: Int64) throws -> [Int64] { throw PostgresPending.error(#function) }
    func agentIDs(orgId: Int64) throws -> [(name: String, id: Int64)] { throw PostgresPending.error(#function) }
    func exportColumns(_ entity: ExportEntity, orgId: Int64) throws -> [ExportColumn] { throw PostgresPending.error(#function) }
    func forEachExportRow(_ entity: ExportEntity, orgId: Int64, _ body: ([String?]) throws -> Void) throws { throw PostgresPending.error(#function) }
    func imports(orgId: Int64, limit: Int) throws -> [ImportLogEntry] { throw PostgresPending.error(#function) }
    func importEntry(orgId: Int64, number: Int64) throws -> ImportLogEntry? { throw PostgresPending.error(#function) }
    func forEachLeadDuplicateKey(orgId: Int64, _ body: (_ kind: Int, _ hash: UInt64, _ id: Int64) throws -> Void) throws { throw PostgresPending.error(#function) }
    func forEachContactKey(orgId: Int64, _ body: (_ id: Int64, _ email: String?, _ phone: String?) throws -> Void) throws { throw PostgresPending.error(#function) }
    func forEachDealExternalRef(orgId: Int64, _ body: (_ id: Int64, _ ref: String) throws -> Void) throws { throw PostgresPending.error(#function) }
    func productIDs(orgId: Int64) throws -> [(name: String, id: Int64)] { throw PostgresPending.error(#function) }
    func userIDs(orgId: Int64) throws -> [(email: String, id: Int64)] { throw PostgresPending.error(#function) }
    func contactIDs(orgId: Int64) throws -> [(name: String, email: String?, id: Int64)] { throw PostgresPending.error(#function) }
    func lastImportNumber(orgId: Int64) throws -> Int64 { throw PostgresPending.error(#function) }
}

extension PostgresWriter: ImportLogWriting {
    func beginActionImport(orgId: Int64, userId: Int64?, file: String, at now: Date, cacheKiB: Int) throws -> ActionImportWriter { throw PostgresPending.error(#function) }
    func beginImport(orgId: Int64, userId: Int64?, entity: ImportEntity, mode: ImportMode, file: String, at now: Date) throws -> ImportWriter { throw PostgresPending.error(#function) }
    func undoImport(orgId: Int64, number: Int64, by userId: Int64?, at now: Date, force: Bool) throws -> (ImportLogEntry, ImportUndoResult) { throw PostgresPending.error(#function) }
    func importedRowIds(importNumber: Int64, orgId: Int64) throws -> [Int64] { throw PostgresPending.error(#function) }
}

