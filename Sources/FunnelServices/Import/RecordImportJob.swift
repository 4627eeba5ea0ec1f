import Foundation
import FunnelStore

/// One run of a CSV import inside its transaction: reads rows, checks them, finds duplicates and
/// writes through the store's `ImportWriting`.
///
/// Duplicate detection keeps one dictionary from the 64-bit hash of each normalized key (email,
/// E.164 phone, or a deal's external id) to the record that holds it: positive, the id of a record
/// of the organization (loaded from the duplicate indexes before the first row); negative, minus
/// the line of the file that took the key. Finding a row's duplicates costs no query; a record
/// found is read once, to confirm its key and, in upsert mode, to be updated.
struct RecordImportJob {
    let tx: any StoreWriting
    let session: Session
    let options: RecordImportOptions
    let fields: [ImportField?]
    /// The header's column names.
    let columns: [String]
    let mapping: ImportMapping
    /// The file's name, for keys made of a line (`--key @line`).
    let fileName: String
    /// The attribute columns (leads), with their attributes as stored.
    var attributeSlots: [(index: Int, attribute: LeadAttribute)] = []
    /// Attributes that keep a value outside an enumeration (the column's name), made when first needed.
    var fallbackAttributes: [Int: LeadAttribute] = [:]
    /// Values outside an enumeration imported as the fallback, by column and value.
    var fallbacks: [String: RecordImportReport.FallbackValue] = [:]
    /// The dry run's count of ambiguous and refused dates, per date column (ImportDateStats).
    var dateStats: [Int: ImportDateStats] = [:]
    /// Bad rows' problems by message.
    var groups: [String: RecordImportReport.ProblemGroup] = [:]
    let reader: CSVReader
    let now: Date
    var report: RecordImportReport
    let fileSize: Int64
    let progress: ImportProgress
    /// Asked as progress is told: true stops the import (the transaction is rolled back).
    let stop: @Sendable () -> Bool
    let writer: any ImportWriting
    let dates: ImportDateReader
    let scoring: LeadScoringModel
    let pipeline: PipelineSettings

    /// Key hash -> record id (> 0) or -line (< 0).
    var keys: [UInt64: Int64] = [:]
    /// Records this import updated, with the line that did.
    var touched: [Int64: Int] = [:]
    var users: [String: Int64] = [:]
    var products: [String: Int64] = [:]
    var contactsByEmail: [String: Int64] = [:]
    var contactsByName: [String: Int64] = [:]
    /// Contacts without an email by lower-cased name (a row naming a contact and no email means one of those first).
    var contactsWithoutEmail: [String: Int64] = [:]
    /// Contacts by lower-cased email and name together (an export names both).
    var contactsByEmailAndName: [String: Int64] = [:]
    /// New leads waiting for the next multi-row insert, with their line and keys.
    var pendingLeads: [(values: LeadImportRow, line: Int)] = []
    var pendingKeys: [(email: UInt64?, phone: UInt64?)] = []
    /// Deals: the leads deals link to, and their contacts (RecordImportJob+Deals.swift).
    var dealLinks = DealLinks()

    init(tx: any StoreWriting, session: Session, options: RecordImportOptions, mapping: ImportMapping, reader: CSVReader, now: Date,
         report: RecordImportReport, file: String, fileSize: Int64, progress: @escaping ImportProgress,
         stop: @escaping @Sendable () -> Bool) throws {
        self.tx = tx
        self.session = session
        self.options = options
        self.fields = mapping.fields
        columns = mapping.columns
        self.mapping = mapping
        fileName = (file as NSString).lastPathComponent
        if options.dryRun {
            let dateFields: Set<ImportField> = [.createdAt, .closeDate, .outcomeDate]
            for index in mapping.columns.indices {
                let isDate = mapping.fields[index].map(dateFields.contains) ?? (mapping.attributes[index]?.kind == .date)
                if isDate { dateStats[index] = ImportDateStats(format: options.dateFormat) }
            }
        }
        self.reader = reader
        self.now = now
        self.report = report
        self.fileSize = fileSize
        self.progress = progress
        self.stop = stop
        dates = ImportDateReader(format: options.dateFormat)
        scoring = ScoringService.model(for: session)
        pipeline = OrganizationSettings(of: session.organization).pipeline
        writer = try tx.beginImport(orgId: session.orgId, userId: session.userId, entity: options.entity, mode: options.mode, file: file, at: now)
        self.report.importNumber = writer.number
    }

    mutating func run() throws {
        defer { writer.close() }
        let orgId = session.orgId
        if fields.contains(.owner) {
            for user in try tx.userIDs(orgId: orgId) { users[user.email.lowercased()] = user.id }
        }
        if fields.contains(.product) {
            for product in try tx.productIDs(orgId: orgId) where products[Self.productKey(product.name)] == nil {
                products[Self.productKey(product.name)] = product.id
            }
        }
        switch options.entity {
        case .leads:
            try tx.forEachLeadDuplicateKey(orgId: orgId) { kind, hash, id in keys[kind == 2 ? hash ^ Self.externalSalt : hash] = id }
            let slots = mapping.attributes.sorted { $0.key < $1.key }
            if !slots.isEmpty {
                let before = Set(try tx.leadAttributes(orgId: orgId).map(\.name))
                let stored = try tx.ensureLeadAttributes(
                    orgId: orgId, slots.map { LeadAttributeSpec(name: $0.value.name, kind: $0.value.kind ?? .text, scoring: $0.value.scoring, indexed: $0.value.indexed) }, at: now)
                attributeSlots = zip(slots, stored).map { ($0.key, $1) }
                report.attributesCreated = stored.filter { !before.contains($0.name) }.map { "\($0.name) (\($0.kind.label)\($0.scoring ? "" : ", not scored")\($0.indexed ? "" : ", not indexed: many values"))" }
            }
        case .contacts:
            try tx.forEachContactKey(orgId: orgId) { id, email, phone in
                if let email { keys[DuplicateKey.hash(EmailAddress.normalized(email))] = id }
                if let phone { keys[DuplicateKey.hash(PhoneNumber.normalized(phone) ?? phone)] = id }
            }
        case .deals:
            try prepareDeals()
        case .actions:
            break
        }
        let columnCount = fields.count
        while true {
            let record: CSVRecord
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch let error as CSVError {
                report.rowsRead += 1
                problem(error.line, error.problem)
                continue
            } catch let nul as CSVNULByte {
                // The whole import is refused: the transaction is rolled back.
                throw RecordImportService.refusal(nul, columns: columns)
            }
            report.rowsRead += 1
            if report.rowsRead & 8191 == 0 {
                progress(report.rowsRead, reader.bytesRead, fileSize)
                // Stopped from the screen: the transaction is rolled back.
                if stop() { throw ServiceError.invalid(field: report.file, problem: "the import was stopped; nothing was written") }
            }
            guard record.fields.count == columnCount else {
                problem(record.line, "\(record.fields.count) fields where the header has \(columnCount)")
                continue
            }
            if !dateStats.isEmpty {
                for index in dateStats.keys {
                    let text = Self.trimmed(record.fields[index])
                    if !text.isEmpty { dateStats[index]?.record(text) }
                }
            }
            switch options.entity {
            case .leads: try importLead(record)
            case .contacts: try importContact(record)
            case .deals: try importDeal(record)
            case .actions: break
            }
        }
        try flushLeads()
        for index in dateStats.keys.sorted() {
            report.notes += dateStats[index]?.lines(column: columns[index]) ?? []
        }
        report.fallbackValues = fallbacks.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
        report.problemGroups = groups.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lines.first ?? 0 < $1.lines.first ?? 0 }
        progress(report.rowsRead, fileSize, fileSize)
        try writer.finish(counts: report.countsJSON)
        try tx.record(AuditTrail.activity(
            "imported", on: .import, id: writer.number, by: session, before: nil as String?, after: nil as String?,
            details: ["source": "csv", "entity": options.entity.rawValue, "mode": options.mode.rawValue, "file": report.file,
                      "counts": report.countsJSON],
            at: now))
    }

    // MARK: - Lists

    mutating func problem(_ line: Int, _ message: String) {
        problem(line, [message])
    }

    /// A bad row and each of its problems (grouped with the same problem of other rows).
    mutating func problem(_ line: Int, _ parts: [String]) {
        report.problemCount += 1
        if report.problems.count < RecordImportReport.listLimit {
            report.problems.append(ImportProblem(line: line, message: parts.joined(separator: "; ")))
        }
        for part in parts {
            if groups[part] == nil {
                guard groups.count < Self.groupLimit else { continue }
                groups[part] = RecordImportReport.ProblemGroup(message: part, count: 0, lines: [])
            }
            groups[part]?.count += 1
            if let count = groups[part]?.lines.count, count < 5 { groups[part]?.lines.append(line) }
        }
    }

    /// At most this many distinct problems are grouped (a file of distinct bad emails has one each).
    static let groupLimit = 10_000
    /// Mixed into an external id's hash, so that it never meets an email's or a phone's.
    static let externalSalt: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func duplicate(_ line: Int, _ message: String) {
        report.duplicateCount += 1
        if report.duplicates.count < RecordImportReport.listLimit { report.duplicates.append(ImportProblem(line: line, message: message)) }
    }

    mutating func unmatched(_ line: Int, _ message: String) {
        report.unmatchedCount += 1
        if report.unmatched.count < RecordImportReport.listLimit { report.unmatched.append(ImportProblem(line: line, message: message)) }
    }

    // MARK: - Values

    static let sourceAliases: [String: LeadSource] = ["web": .website, "ads": .paidAds, "organic": .organicSearch, "seo": .organicSearch]
    static let stageAliases: [String: DealStage] = ["closed_won": .won, "closed_lost": .lost, "closedwon": .won, "closedlost": .lost]
    static let lostReasonAliases: [String: LostReason] = ["no decision": .noDecision]

    /// The longest text an attribute keeps (a field over it makes the row bad).
    static let attributeTextLimit = 10_000

    static func productKey(_ name: String) -> String { String(name.lowercased().filter { !$0.isWhitespace }) }

    /// A value as messages quote it: at most 60 characters.
    static func quoted(_ text: String) -> String {
        let scalars = text.unicodeScalars
        return scalars.count <= 60 ? "\"\(text)\"" : "\"\(String(String.UnicodeScalarView(scalars.prefix(57))))...\""
    }

    /// Trims spaces and tabs at both ends (without Foundation when there are none).
    @inline(__always)
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        if first != 32 && first != 9 && last != 32 && last != 9 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Checks a text's length in characters as SQLite counts them (code points).
    static func limited(_ field: ImportField, _ text: String, max: Int, problems: inout [String]) -> String? {
        let count = text.utf8.count <= max ? text.utf8.count : text.unicodeScalars.count
        if count > max {
            problems.append("\(field.rawValue) is \(NumberText.grouped(count)) characters long (at most \(max))")
            return nil
        }
        return text
    }

    static func enumValue<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ text: String, field: ImportField, aliases: [String: E] = [:], problems: inout [String]) -> E? where E.RawValue == String {
        if let value = E(rawValue: text) { return value }
        let key = text.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let value = E(rawValue: key) ?? aliases[key] { return value }
        problems.append("\(field.rawValue) \(quoted(text)) is not one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    func owner(_ text: String, problems: inout [String]) -> Int64? {
        if let id = users[text.lowercased()] { return id }
        problems.append("owner \(Self.quoted(text)) is not the email of a user of this organization (`funnel users list`)")
        return nil
    }

    func product(_ text: String, problems: inout [String]) -> Int64? {
        if let id = products[Self.productKey(text)] { return id }
        problems.append("product \(Self.quoted(text)) is not a product of this organization")
        return nil
    }

    func time(_ field: ImportField, _ text: String, problems: inout [String]) -> ImportedTime? {
        switch dates.read(text) {
        case .success(let time): return time
        case .failure(let problem):
            problems.append("\(field.rawValue): \(text.unicodeScalars.count > 60 ? "a value of \(text.unicodeScalars.count) characters is not a date" : problem.message)")
            return nil
        }
    }

    /// The id that a row's keys find: a record (positive), or the earlier line that took one of them.
    func match(_ first: UInt64?, _ second: UInt64?) -> (id: Int64?, line: Int?, by: Int) {
        var found: Int64?
        var by = 0
        if let first, let value = keys[first] {
            if value < 0 { return (nil, Int(-value), 0) }
            found = value
        }
        if let second, let value = keys[second] {
            if value < 0 { return (nil, Int(-value), 1) }
            if found == nil {
                found = value
                by = 1
            }
        }
        if let found, !touched.isEmpty, let line = touched[found] { return (nil, line, by) }
        return (found, nil, by)
    }

    mutating func claim(_ first: UInt64?, _ second: UInt64? = nil, line: Int) {
        if let first { keys[first] = Int64(-line) }
        if let second { keys[second] = Int64(-line) }
    }

    /// Runs a write for one row; a value the schema refuses makes the row bad rather than the import fail.
    mutating func write(_ line: Int, _ body: () throws -> Void, quiet: Bool = false) throws -> Bool {
        do {
            try body()
            return true
        } catch StoreError.constraint(let message) {
            if !quiet { problem(line, message) }
            return false
        }
    }

    // MARK: - Leads

    /// A lead field's value from a column (`index`) or a constant (nil), into `row`.
    mutating func leadField(_ field: ImportField, _ text: String, column index: Int?, row: inout LeadImportRow, emailKey: inout String?,
                            first: inout String?, last: inout String?, problems: inout [String]) {
        switch field {
        case .name: row.name = Self.limited(field, text, max: 200, problems: &problems)
        case .firstName: first = text
        case .lastName: last = text
        case .email:
            let key = ImportKeys.email(text)
            if let problem = key.problem { problems.append("email: \(problem)") } else {
                row.email = text
                emailKey = key.normalized
            }
        case .phone:
            if text.utf8.count > 40 {
                problems.append("phone is \(text.unicodeScalars.count) characters long (at most 40)")
            } else if let normalized = PhoneNumber.normalized(text) {
                row.phone = text
                row.phoneNormalized = normalized
            } else {
                problems.append("phone: \(PhoneNumber.problem(with: text) ?? "\"\(text)\" is not a phone number")")
            }
        case .company: row.company = Self.limited(field, text, max: 200, problems: &problems)
        case .source:
            row.source = mapped(LeadSource.self, text, field: field, column: index, aliases: Self.sourceAliases, fallback: .other,
                                row: &row, problems: &problems)
        case .status:
            row.status = mapped(LeadStatus.self, text, field: field, column: index, aliases: [:], fallback: nil, row: &row, problems: &problems)
        case .outcome:
            if let status = mapped(LeadStatus.self, text, field: field, column: index, aliases: Self.outcomeAliases, fallback: nil,
                                   row: &row, problems: &problems) {
                row.status = status
            }
        case .outcomeDate:
            if let time = time(field, text, problems: &problems) {
                row.attributes.append(AttributeEntry(index.map { columns[$0] } ?? field.rawValue, .date(time.dayText)))
            }
        case .statusReason: row.statusReason = Self.limited(field, text, max: 500, problems: &problems)
        case .score:
            if let score = Int(text), (0...100).contains(score) { row.score = score } else { problems.append("score \(Self.quoted(text)) is not a whole number from 0 to 100") }
        case .owner: row.assignedTo = owner(text, problems: &problems)
        case .product: row.productId = product(text, problems: &problems)
        case .createdAt: row.createdAt = time(field, text, problems: &problems)?.timestampText
        case .externalId: row.externalId = Self.limited(field, text, max: 200, problems: &problems)
        default: break
        }
    }

    static let outcomeAliases: [String: LeadStatus] = [
        "1": .converted, "yes": .converted, "y": .converted, "true": .converted, "won": .converted, "converted": .converted,
        "0": .lost, "no": .lost, "n": .lost, "false": .lost, "lost": .lost, "not_converted": .lost,
    ]

    /// An enumerated value through the column's value map; a value neither the map nor the
    /// enumeration knows becomes `fallback` (its text kept in the attribute named after the
    /// column, and counted for the report), or a problem with `--strict` or without a fallback.
    mutating func mapped<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, _ text: String, field: ImportField, column index: Int?, aliases: [String: E], fallback: E?,
        row: inout LeadImportRow, problems: inout [String]
    ) -> E? where E.RawValue == String {
        var value = text
        if let index, let map = mapping.valueMaps[index], let target = map.map(text) {
            value = target
            if let known = E(rawValue: value) ?? E(rawValue: value.lowercased().replacingOccurrences(of: " ", with: "_")) ?? aliases[value.lowercased()] {
                return known
            }
            problems.append("\(field.rawValue): the map sends \(Self.quoted(text)) to \(Self.quoted(target)), which is not one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        if let known = E(rawValue: value) { return known }
        let key = value.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let known = E(rawValue: key) ?? aliases[key] { return known }
        guard let fallback, !options.strict, let index else {
            var ignored: [String] = []
            _ = Self.enumValue(E.self, text, field: field, aliases: aliases, problems: &ignored)
            let column = index.map { columns[$0] } ?? field.rawValue
            problems.append((ignored.first ?? "\(field.rawValue) \(Self.quoted(text)) is not known") + " (map it under \"\(column) = \(field.rawValue)\" in a --map file: \"  \(text) -> ...\")")
            return nil
        }
        let column = columns[index]
        if fallbackAttributes[index] == nil, let made = try? tx.ensureLeadAttributes(orgId: session.orgId, [LeadAttributeSpec(name: column, kind: .text)], at: now).first {
            fallbackAttributes[index] = made
        }
        if let attribute = fallbackAttributes[index], attribute.kind == .text, !row.attributes.contains(where: { $0.name == attribute.name }) {
            row.attributes.append(AttributeEntry(attribute.name, .text(text)))
        }
        let groupKey = column + "\u{1}" + text
        if fallbacks[groupKey] == nil {
            fallbacks[groupKey] = RecordImportReport.FallbackValue(column: column, field: field.rawValue, value: text, becomes: fallback.rawValue,
                                                                   count: 0, keptAs: fallbackAttributes[index]?.name)
        }
        fallbacks[groupKey]?.count += 1
        return fallback
    }

    mutating func importLead(_ record: CSVRecord) throws {
        var row = LeadImportRow()
        var emailKey: String?
        var problems: [String] = []
        var first: String?
        var last: String?
        for (field, text) in mapping.constants {
            leadField(field, text, column: nil, row: &row, emailKey: &emailKey, first: &first, last: &last, problems: &problems)
        }
        for index in 0..<fields.count {
            guard let field = fields[index] else { continue }
            let text = Self.trimmed(record.fields[index])
            if text.isEmpty { continue }
            leadField(field, text, column: index, row: &row, emailKey: &emailKey, first: &first, last: &last, problems: &problems)
        }
        for (index, attribute) in attributeSlots {
            let text = Self.trimmed(record.fields[index])
            if text.isEmpty { continue }
            switch AttributeParsing.value(text, kind: attribute.kind, dates: dates) {
            case .success(let value):
                if case .text(let long) = value, long.unicodeScalars.count > Self.attributeTextLimit {
                    problems.append("\(attribute.name) is \(NumberText.grouped(long.unicodeScalars.count)) characters long (an attribute holds at most \(NumberText.grouped(Self.attributeTextLimit)))")
                } else {
                    row.attributes.append(AttributeEntry(attribute.name, value))
                }
            case .failure(let problem):
                problems.append("\(attribute.name) \(Self.quoted(text)) \(problem.message) (the attribute is a \(attribute.kind.label))")
            }
        }
        if row.name == nil, first != nil || last != nil {
            row.name = Self.limited(.name, [first, last].compactMap { $0 }.joined(separator: " "), max: 200, problems: &problems)
        }
        if mapping.keyFromLine { row.externalId = "\(fileName):\(record.line)" }
        let line = record.line
        if !problems.isEmpty {
            problem(line, problems)
            return
        }
        // `--key` makes the key every row's identity; an `external_id` column of the file (an
        // export) keys the rows that have one, and the others go by email or phone.
        if options.key != nil, row.externalId == nil {
            problem(line, "the key column \(mapping.columns[mapping.fields.firstIndex(of: .externalId) ?? 0]) is empty (--key names the column that identifies a lead)")
            return
        }
        let keyed = row.externalId != nil
        guard row.email != nil || row.phone != nil || row.externalId != nil else {
            problem(line, "a lead needs an email or a phone (both are empty), or a key (--key COLUMN)")
            return
        }
        // With a key, duplicates and updates go by it alone; else by email or phone.
        let emailHash = keyed ? row.externalId.map { DuplicateKey.hash($0) ^ Self.externalSalt } : emailKey.map(DuplicateKey.hash)
        let phoneHash = keyed ? nil : row.phoneNormalized.map(DuplicateKey.hash)
        var found = match(emailHash, phoneHash)
        // Keys are compared by hash: a record found so is read to be sure it holds the same key
        // (two keys sharing a 64-bit hash must not make one lead update another); an update reuses it.
        var existing: Lead?
        if let id = found.id {
            existing = try tx.fetch(Lead.self, id: id, orgId: session.orgId)
            let same = keyed
                ? existing?.externalId == row.externalId
                : existing.map { (emailKey != nil && $0.emailNormalized == emailKey) || (row.phoneNormalized != nil && $0.phoneNormalized == row.phoneNormalized) } ?? false
            if existing != nil, !same {
                found = (nil, nil, 0)
                existing = nil
            }
        }
        let key = keyed ? "key \(row.externalId ?? "")" : found.by == 0 && emailHash != nil ? "email \(emailKey ?? "")" : "phone \(row.phoneNormalized ?? "")"
        if let earlier = found.line {
            duplicate(line, "the same \(key) as line \(earlier) (a duplicate within the file)")
            if !options.keepDuplicates { return }
        } else if let id = found.id, options.mode == .create {
            duplicate(line, "lead #\(id) has the same \(key) (create mode skips it; --mode upsert updates it)")
            if !options.keepDuplicates { return }
        } else if let id = found.id {
            if try write(line, { [writer] in try writer.updateLead(id: id, with: row, line: line, current: existing) }) {
                report.updated += 1
                touched[id] = line
                claim(emailHash, phoneHash, line: line)
            }
            return
        }
        if options.mode == .update {
            unmatched(line, "no lead has this \(key)")
            return
        }
        if row.score == nil {
            let fit = scoring.fitPoints(source: row.source ?? .import, email: row.email, hasPhone: row.phone != nil,
                                        hasCompany: row.company != nil, hasProduct: row.productId != nil)
            row.score = scoring.score(fit: fit, engagement: 0)
        }
        // Claimed now, so that a later row of the file finds it; written with the next batch.
        claim(emailHash, phoneHash, line: line)
        pendingLeads.append((row, line))
        pendingKeys.append((emailHash, phoneHash))
        if pendingLeads.count == ImportWriterLimits.leadBatchSize { try flushLeads() }
    }

    /// Writes the pending leads: a full batch with one multi-row insert, else (the file's last rows,
    /// or a batch the schema refused a row of) one by one, so a refused row is found and reported
    /// with its line and the others are written.
    mutating func flushLeads() throws {
        guard !pendingLeads.isEmpty else { return }
        defer {
            pendingLeads.removeAll(keepingCapacity: true)
            pendingKeys.removeAll(keepingCapacity: true)
        }
        if pendingLeads.count == ImportWriterLimits.leadBatchSize {
            let batch = pendingLeads
            if try write(0, { [writer] in _ = try writer.insertLeads(batch) }, quiet: true) {
                report.created += batch.count
                return
            }
        }
        for (index, pending) in pendingLeads.enumerated() {
            if try write(pending.line, { [writer] in try writer.insertLead(pending.values, line: pending.line) }) {
                report.created += 1
            } else {
                // The row was not written: its keys are free again.
                for hash in [pendingKeys[index].email, pendingKeys[index].phone] {
                    if let hash, keys[hash] == Int64(-pending.line) { keys[hash] = nil }
                }
            }
        }
    }

    // MARK: - Contacts

    mutating func importContact(_ record: CSVRecord) throws {
        var row = ContactImportRow()
        var problems: [String] = []
        var first: String?
        var last: String?
        for index in 0..<fields.count {
            guard let field = fields[index] else { continue }
            let text = Self.trimmed(record.fields[index])
            if text.isEmpty { continue }
            switch field {
            case .name: row.name = Self.limited(field, text, max: 200, problems: &problems)
            case .firstName: first = text
            case .lastName: last = text
            case .email:
                if let problem = EmailAddress.problem(with: text) { problems.append("email: \(problem)") } else { row.email = EmailAddress.normalized(text) }
            case .phone:
                if text.utf8.count > 40 { problems.append("phone is \(text.unicodeScalars.count) characters long (at most 40)") } else { row.phone = text }
            case .company: row.company = Self.limited(field, text, max: 200, problems: &problems)
            case .metadata:
                if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), object is [String: Any] {
                    row.metadata = text
                } else {
                    problems.append("metadata is not a JSON object")
                }
            case .createdAt: row.createdAt = time(field, text, problems: &problems)?.timestampText
            default: break
            }
        }
        if row.name == nil, first != nil || last != nil {
            row.name = Self.limited(.name, [first, last].compactMap { $0 }.joined(separator: " "), max: 200, problems: &problems)
        }
        let line = record.line
        if !problems.isEmpty {
            problem(line, problems.joined(separator: "; "))
            return
        }
        let emailHash = row.email.map(DuplicateKey.hash)
        let phoneHash = row.phone.map { DuplicateKey.hash(PhoneNumber.normalized($0) ?? $0) }
        var found = emailHash == nil && phoneHash == nil ? (id: nil, line: nil, by: 0) : match(emailHash, phoneHash)
        // As for leads: a contact found by hash must hold the same email or phone.
        if let id = found.id, let contact = try tx.fetch(Contact.self, id: id, orgId: session.orgId) {
            let phone = { (text: String?) in text.map { PhoneNumber.normalized($0) ?? $0 } }
            let sameEmail = row.email != nil && contact.email.map(EmailAddress.normalized) == row.email.map(EmailAddress.normalized)
            let samePhone = row.phone != nil && phone(contact.phone) == phone(row.phone)
            if !sameEmail && !samePhone { found = (nil, nil, 0) }
        }
        let key = found.by == 0 && emailHash != nil ? "email \(row.email ?? "")" : "phone \(row.phone ?? "")"
        if let earlier = found.line {
            duplicate(line, "the same \(key) as line \(earlier) (a duplicate within the file)")
            if !options.keepDuplicates { return }
        } else if let id = found.id, options.mode == .create {
            duplicate(line, "contact #\(id) has the same \(key) (create mode skips it; --mode upsert updates it)")
            if !options.keepDuplicates { return }
        } else if let id = found.id {
            if try write(line, { [writer] in try writer.updateContact(id: id, with: row, line: line) }) {
                report.updated += 1
                touched[id] = line
                claim(emailHash, phoneHash, line: line)
            }
            return
        }
        if options.mode == .update {
            unmatched(line, emailHash == nil && phoneHash == nil ? "no email or phone to find a contact by" : "no contact has this \(key)")
            return
        }
        guard row.name != nil else {
            problem(line, "a contact needs a name (the name column is empty)")
            return
        }
        if try write(line, { [writer] in try writer.insertContact(row, line: line) }) {
            report.created += 1
            claim(emailHash, phoneHash, line: line)
        }
    }
}
