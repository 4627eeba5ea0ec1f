import Foundation
import FunnelStore

/// How to import a CSV file of lead actions (`funnel import actions`).
public struct ActionImportOptions: Sendable {
    public var dateFormat: ImportDateFormat
    /// The byte between fields; nil: detected from the header line.
    public var delimiter: UInt8?
    /// The `--map` file: columns to roles, the type column's values to action types, constants.
    public var map: ImportMapFile
    /// The column that holds the external id of each row's lead (`--key COLUMN`).
    public var key: String?
    /// Do the work in a transaction that is rolled back, and report it.
    public var dryRun: Bool
    /// Refuse the whole import when any row is bad.
    public var strict: Bool
    /// Rows read, checked and sorted by lead before they are written (a batch is written while
    /// the next is read). Measured on 5,000,000 actions: 262,144 rows a batch took an eighth less
    /// time than 65,536 (more of a lead's rows land on its index page together), for 50 MB more.
    public var rowsPerBatch = 262_144

    public init(dateFormat: ImportDateFormat = .iso, delimiter: UInt8? = nil, map: ImportMapFile = ImportMapFile(), key: String? = nil,
                dryRun: Bool = false, strict: Bool = false) {
        self.dateFormat = dateFormat
        self.delimiter = delimiter
        self.map = map
        self.key = key
        self.dryRun = dryRun
        self.strict = strict
    }
}

/// What an import of actions did, or (dry run, or refused) would do.
public struct ActionImportReport: Sendable, Equatable {
    public var file: String
    public var dryRun: Bool
    /// The import's number in the organization (0 when nothing was written).
    public var importNumber: Int64 = 0
    /// True when `--strict` refused the import because of bad rows: nothing was written.
    public var refused = false
    /// Data rows read (good or bad).
    public var rowsRead = 0
    /// Actions added.
    public var created = 0
    /// Leads that got actions, rescored at the end; and how many of their scores changed.
    public var leadsTouched = 0
    public var scoresChanged = 0
    /// Bad rows, skipped (or, with --strict, the reason nothing was imported).
    public var problemCount = 0
    /// Bad rows grouped by kind and value, most frequent first.
    public var problemGroups: [ProblemGroup] = []
    /// The header's columns and what each became.
    public var mapping: [String] = []
    /// What the file's times say about the date format (ambiguous or refused values).
    public var notes: [String] = []
    public var delimiter = ","
    public var seconds = 0.0

    /// Bad rows that share a kind and a value.
    public struct ProblemGroup: Sendable, Equatable {
        public var kind: ProblemKind
        /// The value the rows share ("" when the kind says it all).
        public var value: String
        /// What is wrong, and what to do.
        public var message: String
        public var count: Int
        /// The first lines (at most `ActionImportReport.linesPerGroup`).
        public var lines: [Int]
    }

    /// What is wrong with a bad row.
    public enum ProblemKind: String, Sendable, Equatable, CaseIterable {
        /// No lead of the organization has the row's key.
        case lead
        /// The type is not an action type, and the map does not map it.
        case type
        /// The time cannot be read.
        case time
        /// The time is after the import's.
        case future
        /// The agent is not one of the organization's.
        case agent
        /// The metadata column is not a JSON object.
        case metadata
        /// The row itself (a malformed line, a field count, a value the database refused).
        case row
    }

    static let linesPerGroup = 5
    /// Distinct values kept per kind; the rows of further values are counted together.
    static let valuesPerKind = 200

    public init(file: String, dryRun: Bool) {
        self.file = file
        self.dryRun = dryRun
    }

    public var rowsPerSecond: Double { seconds > 0 ? Double(rowsRead) / seconds : 0 }

    /// The report in words; `limit` problem groups (all when nil).
    public func lines(limit: Int? = nil) -> [String] {
        func n(_ value: Int) -> String { NumberText.grouped(value) }
        var lines: [String] = []
        if refused {
            lines.append("Refused the import of \(file) (--strict): \(n(problemCount)) bad \(problemCount == 1 ? "row" : "rows"); nothing was written.")
        } else if dryRun {
            lines.append("Dry run of the import of actions from \(file): nothing was written; this is what it would do.")
        } else {
            lines.append("Imported actions from \(file) (import #\(importNumber)); undo it with `funnel import undo \(importNumber)`.")
        }
        lines.append("  rows read:  \(n(rowsRead)) in \(String(format: "%.1f", seconds)) s (\(n(Int(rowsPerSecond))) rows/s)")
        let verb = dryRun || refused ? "to add:" : "added: "
        lines.append("  \(verb)     \(n(created)) \(created == 1 ? "action" : "actions") to \(n(leadsTouched)) \(leadsTouched == 1 ? "lead" : "leads")")
        if !refused {
            lines.append("  rescored:   \(n(leadsTouched)) \(leadsTouched == 1 ? "lead" : "leads") (\(n(scoresChanged)) \(scoresChanged == 1 ? "score" : "scores") \(dryRun ? "would change" : "changed"))")
        }
        lines.append("  bad rows:   \(n(problemCount))" + (problemCount > 0 && !refused ? " (skipped)" : ""))
        lines.append("  columns:    " + mapping.joined(separator: ", "))
        for note in notes { lines.append("  note: " + note) }
        if !problemGroups.isEmpty {
            lines.append("Bad rows by problem:")
            let shown = limit.map { Array(problemGroups.prefix($0)) } ?? problemGroups
            for group in shown {
                let more = group.count > group.lines.count ? ", ..." : ""
                let at = group.lines.isEmpty ? "" : " (line\(group.lines.count == 1 && more.isEmpty ? "" : "s") \(group.lines.map(String.init).joined(separator: ", "))\(more))"
                lines.append("  \(n(group.count)) \(group.count == 1 ? "row" : "rows"): \(group.message)\(at)")
            }
            if problemGroups.count > shown.count {
                let rest = problemGroups.dropFirst(shown.count).reduce(0) { $0 + $1.count }
                lines.append("  ... and \(n(problemGroups.count - shown.count)) more problems (\(n(rest)) rows)" + (dryRun ? "" : "; --dry-run lists them all"))
            }
            if problemGroups.contains(where: { $0.kind == .type }) {
                lines.append("  (action types: \(ActionTypeNames.list))")
            }
        }
        return lines
    }

    /// The counts as the import log and its activity keep them.
    var countsJSON: String {
        let object: [String: Any] = [
            "rows": rowsRead, "created": created, "updated": 0, "duplicates": 0, "bad_rows": problemCount,
            "leads": leadsTouched, "scores_changed": scoresChanged,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Imports lead actions with their own times from a CSV file (docs/import.md, "Actions"): each row
/// names a lead of the organization (its email, `#id` or external id), a type (mapped like the
/// leads' sources), a time, and optionally an agent and metadata; every other column goes into the
/// action's metadata. All in one transaction, recorded in the import log (so `funnel import undo`
/// deletes the actions again) with one `imported` activity; the leads that got actions are
/// rescored at the end, in the same transaction.
///
/// Speed (docs/import.md, "How it is fast"): the file is read, checked and resolved on a thread of
/// its own while the transaction's thread writes the previous batch; a batch is sorted by lead
/// (newest first within a lead) so that its rows reach the lead-actions index page by page; the
/// trigger that would update the lead for every action is set aside in the transaction, and the
/// rescoring pass gives each touched lead its last action's time once.
public struct ActionImportService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// Imports `file`; throws (before writing anything) when the file cannot be read, is empty or
    /// its header lacks a lead, type or time column; otherwise reports what was done, bad rows included.
    public func run(file: String, options: ActionImportOptions, in session: Session, progress: @escaping ImportProgress = { _, _, _ in }) throws -> ActionImportReport {
        try session.require(.dataImport)
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        let name = (path as NSString).lastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ServiceError.invalid(field: file, problem: "no such file")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        let delimiter = options.delimiter ?? CSVReader.detectDelimiter(path: path)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, name: name, delimiter: delimiter)
        } catch let error as CSVError {
            throw ServiceError.invalid(field: name, problem: error.problem)
        }
        let header: CSVRecord
        do {
            guard let first = try reader.next() else {
                throw ServiceError.invalid(field: name, problem: "line 1: the file is empty (it needs a header line naming its columns, then a row per action)")
            }
            header = first
        } catch let error as CSVError {
            throw ServiceError.invalid(field: name, problem: "line \(error.line): the header cannot be read: \(error.problem)")
        } catch let nul as CSVNULByte {
            throw RecordImportService.refusal(nul, columns: [])
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let plan = try ActionColumns(header: columns, options: options, file: name, line: header.line)

        var report = ActionImportReport(file: path, dryRun: options.dryRun)
        report.mapping = plan.described
        report.delimiter = delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(delimiter))
        let started = Date()
        // Whole seconds, as the other imports keep the log's time.
        let now = Date(timeIntervalSince1970: clock().timeIntervalSince1970.rounded(.down))
        struct Refusal: Error { let report: ActionImportReport }
        let work = { (tx: any StoreWriting) throws -> ActionImportReport in
            var report = report
            // Actions are not matched against the lead's earlier ones: importing a file twice adds
            // its actions twice. Say so when the log shows it.
            let earlier = try tx.imports(orgId: session.orgId, limit: 1_000).filter { $0.entity == .actions && !$0.isUndone && $0.file == path }
            // A page cache about the file's size (the writer keeps it between 8 and 256 MiB).
            let writer = try tx.beginActionImport(orgId: session.orgId, userId: session.userId, file: path, at: now, cacheKiB: Int(size / 1024))
            defer { writer.close() }
            report.importNumber = writer.number
            let rows = try ActionRowReader(
                reader: reader, plan: plan, lookups: try ActionLookups(tx: tx, orgId: session.orgId, plan: plan),
                dateFormat: options.dateFormat, now: now, columns: columns)
            try writer.setAsideLastActionTrigger()
            let batches = BatchPipeline(rows, rowsPerBatch: max(1, options.rowsPerBatch))
            defer { batches.stop() }
            var refusedByStore: [(line: Int, message: String)] = []
            while let batch = try batches.next() {
                refusedByStore += try writer.insert(batch.actions)
                report.created += batch.actions.count
                progress(batch.rowsRead, batch.bytesRead, size)
                // Stopped from the screen (its task cancelled): the transaction is rolled back.
                if Task.isCancelled { throw ServiceError.invalid(field: report.file, problem: "the import was stopped; nothing was written") }
            }
            var tally = batches.finish()
            let lastActions = writer.lastActionTriggerSetAside
            try writer.restoreLastActionTrigger()
            report.created -= refusedByStore.count
            for refusal in refusedByStore { tally.add(.row, refusal.message, line: refusal.line) { refusal.message } }
            report.rowsRead = rows.rowsRead
            report.problemCount = tally.total
            report.problemGroups = tally.groups
            report.notes = rows.dateNotes + earlier.map {
                "import #\($0.number) (\($0.createdAt.prefix(16)) UTC) already added the actions of this file and is not undone: this import adds them again (`funnel import undo \($0.number)` takes the earlier ones away)"
            }
            let touched = rows.touched.sorted()
            report.leadsTouched = touched.count
            progress(report.rowsRead, size, size)
            if options.strict, report.problemCount > 0 {
                report.refused = true
                report.importNumber = 0
                report.seconds = Date().timeIntervalSince(started)
                if !options.dryRun { throw Refusal(report: report) }
                return report
            }
            let scorer = try ScoringService.scorer(for: session, reader: tx)
            report.scoresChanged = try tx.rescoreLeads(
                ids: touched, orgId: session.orgId, lastActions: lastActions, withAttributes: scorer.readsAttributes, score: scorer.scorer(now: clock()))
            report.seconds = Date().timeIntervalSince(started)
            try writer.finish(counts: report.countsJSON)
            try tx.record(AuditTrail.activity(
                "imported", on: .import, id: writer.number, by: session, before: nil as String?, after: nil as String?,
                details: ["source": "csv", "entity": ImportEntity.actions.rawValue, "mode": ImportMode.create.rawValue, "file": report.file,
                          "counts": report.countsJSON],
                at: now))
            return report
        }
        return try ServiceError.wrapping {
            do {
                return options.dryRun ? try database.rehearsal(work) : try database.transaction(work)
            } catch let refusal as Refusal {
                return refusal.report
            }
        }
    }
}

// MARK: - Columns

/// What each column of an actions file is, from the header's names, `--key` and the map.
struct ActionColumns: Sendable {
    enum Role: Equatable, Sendable {
        /// A lead by email, `#id` or external id, told apart by the value.
        case lead
        case leadId, email, externalId, type, time, agent, metadata
        /// A key of the action's metadata.
        case extra(String)
        case ignored
    }

    let roles: [Role]
    /// A type or agent every row has (`type = page_visit` in the map, for a file without such a column).
    let constantType: LeadActionType?
    let constantAgent: String?
    /// The type column's value map.
    let typeValues: ValueMap
    /// The map file's line for the type column (for the report's advice), and the column's name.
    let typeColumn: String?
    let typeMapped: Bool
    let described: [String]

    /// The roles a header's name gives, compared as `ImportField.key` compares them.
    static let names: [String: Role] = {
        var names: [String: Role] = [:]
        for name in ["lead", "lead key", "lead ref", "prospect"] { names[ImportField.key(name)] = .lead }
        for name in ["lead_id", "lead id", "funnel id", "funnel lead id"] { names[ImportField.key(name)] = .leadId }
        for name in ["email", "e-mail", "email address", "e-mail address", "mail", "work email", "lead email", "contact email"] {
            names[ImportField.key(name)] = .email
        }
        for name in ["external_id", "external id", "lead external id", "prospect id"] { names[ImportField.key(name)] = .externalId }
        for name in ["type", "action", "action type", "action_type", "event", "event type", "activity", "activity type"] {
            names[ImportField.key(name)] = .type
        }
        for name in ["created_at", "at", "time", "date", "timestamp", "created", "occurred at", "event time", "datetime", "when"] {
            names[ImportField.key(name)] = .time
        }
        for name in ["agent", "ai agent", "agent name"] { names[ImportField.key(name)] = .agent }
        names[ImportField.key("metadata")] = .metadata
        return names
    }()

    /// The role a map's target names.
    static func role(target: String) -> Role? {
        switch ImportField.key(target) {
        case "lead": return .lead
        case "leadid": return .leadId
        case "email": return .email
        case "externalid", "key": return .externalId
        case "type", "actiontype": return .type
        case "time", "createdat", "at", "date", "timestamp": return .time
        case "agent": return .agent
        case "metadata": return .metadata
        default: return nil
        }
    }

    static func label(_ role: Role) -> String {
        switch role {
        case .lead: return "lead (email, #id or external id)"
        case .leadId: return "lead (#id)"
        case .email: return "lead (email)"
        case .externalId: return "lead (external id)"
        case .type: return "type"
        case .time: return "time"
        case .agent: return "agent"
        case .metadata: return "metadata"
        case .extra(let key): return "metadata \"\(key)\""
        case .ignored: return "(ignored)"
        }
    }

    init(header: [String], options: ActionImportOptions, file: String, line: Int) throws {
        let map = options.map
        let headerKeys = Set(header.map(ImportField.key))
        func fail(_ problem: String) -> ServiceError { ServiceError.invalid(field: file, problem: problem) }
        var roles: [Role] = []
        var taken: [String: String] = [:]
        var typeValues = ValueMap()
        var typeColumn: String?
        var typeMapped = false
        let keyColumn = options.key.map(ImportField.key)
        if let key = options.key, !headerKeys.contains(ImportField.key(key)) {
            throw fail("line \(line): --key names the column \"\(key)\", which the header does not have (it has \(header.joined(separator: ", ")))")
        }
        for column in header {
            let key = ImportField.key(column)
            var role: Role
            if let rule = map.rule(for: column) {
                switch rule.target {
                case .ignore: role = .ignored
                case .attribute: role = .extra(column)
                case .field(let target):
                    guard let known = Self.role(target: target) else {
                        throw fail("\(map.name) line \(rule.line): \"\(column) = \(target)\": \(target) is not a column of an actions file (lead, lead_id, email, external_id, type, time, agent, metadata, or ignore)")
                    }
                    role = known
                }
                if role == .type {
                    typeValues = rule.values
                    typeMapped = true
                }
            } else if key == keyColumn {
                role = .externalId
            } else if let named = Self.names[key], !key.isEmpty {
                role = named
            } else if key.isEmpty {
                role = .ignored
            } else if case .ignore? = map.others {
                role = .ignored
            } else {
                role = .extra(column)
            }
            if key == keyColumn, role != .externalId, role != .ignored {
                throw fail("line \(line): --key names \"\(column)\", which the map sends to \(Self.label(role))")
            }
            switch role {
            case .extra, .ignored: break
            default:
                let slot = [.lead, .leadId, .email, .externalId].contains(role) ? "lead" : Self.label(role)
                if let other = taken[slot] {
                    throw fail("line \(line): the columns \"\(other)\" and \"\(column)\" both name the \(slot == "lead" ? "lead" : slot): ignore one in the map (\"\(column) = ignore\")")
                }
                taken[slot] = column
                if role == .type { typeColumn = column }
            }
            roles.append(role)
        }
        // Constants: a map line whose left side is no column of the file.
        var constantType: LeadActionType?
        var constantAgent: String?
        for rule in map.rules where !headerKeys.contains(ImportField.key(rule.column)) {
            switch Self.role(target: rule.column) {
            case .type?:
                guard let type = ActionTypeNames.type(rule.written) else {
                    throw fail("\(map.name) line \(rule.line): \"\(rule.column) = \(rule.written)\": \(rule.written) is not an action type (\(ActionTypeNames.list))")
                }
                constantType = type
            case .agent?:
                constantAgent = rule.written
            default:
                throw fail("\(map.name) line \(rule.line): the file has no column \"\(rule.column)\" (it has \(header.joined(separator: ", ")))")
            }
        }
        var targets = typeValues.exact.sorted { $0.key < $1.key }.map { (from: $0.key, to: $0.value) }
        if let fallback = typeValues.fallback { targets.append((from: "*", to: fallback)) }
        for (from, to) in targets where ActionTypeNames.type(to) == nil {
            throw fail("\(map.name): the type column's value \"\(from)\" goes to \"\(to)\", which is not an action type (\(ActionTypeNames.list))")
        }
        if taken["lead"] == nil {
            throw fail("line \(line): the header has no column naming the lead (email, lead, lead_id, external_id, or --key COLUMN); it has \(header.joined(separator: ", "))")
        }
        if typeColumn == nil && constantType == nil {
            throw fail("line \(line): the header has no type column (or map one with --map FILE, or give every row one: `type = page_visit` in the map); it has \(header.joined(separator: ", "))")
        }
        if typeColumn != nil && constantType != nil {
            throw fail("line \(line): the map gives a type for every row, and the file has a type column \"\(typeColumn ?? "")\" (ignore one)")
        }
        if taken["time"] == nil {
            throw fail("line \(line): the header has no time column (created_at, at, time, date or timestamp); it has \(header.joined(separator: ", "))")
        }
        if roles.contains(.agent) && constantAgent != nil {
            throw fail("line \(line): the map gives an agent for every row, and the file has an agent column (ignore one)")
        }
        self.roles = roles
        self.constantType = constantType
        self.constantAgent = constantAgent
        self.typeValues = typeValues
        self.typeColumn = typeColumn
        self.typeMapped = typeMapped
        var described = zip(header, roles).map { "\($0) -> \(Self.label($1))" }
        if let constantType { described.append("type = \(constantType.rawValue) (every row)") }
        if let constantAgent { described.append("agent = \(constantAgent) (every row)") }
        self.described = described
    }

    var usesEmails: Bool { roles.contains(.email) || roles.contains(.lead) }
    var usesExternalIDs: Bool { roles.contains(.externalId) || roles.contains(.lead) }
    var usesIDs: Bool { roles.contains(.leadId) || roles.contains(.lead) }
}

/// Action types as files write them.
enum ActionTypeNames {
    static let list = LeadActionType.allCases.map(\.rawValue).joined(separator: ", ")

    /// Other names for the types (compared lower case, spaces, hyphens and underscores as `_`).
    static let aliases: [String: LeadActionType] = [
        "page_view": .pageVisit, "pageview": .pageVisit, "visit": .pageVisit, "web_visit": .pageVisit, "website_visit": .pageVisit,
        "email_opened": .emailOpen, "opened": .emailOpen, "open": .emailOpen,
        "email_clicked": .emailClick, "clicked": .emailClick, "click": .emailClick, "link_click": .emailClick,
        "email_delivered": .emailSent, "sent": .emailSent, "form_submitted": .formSubmit, "form_submission": .formSubmit,
        "download": .contentDownload, "downloaded": .contentDownload, "demo": .demoRequest, "demo_requested": .demoRequest,
        "replied": .reply, "phone_call": .call, "called": .call, "unsubscribed": .unsubscribe, "bounced": .bounce,
        "email_bounced": .bounce, "webinar_attended": .webinar,
    ]

    /// The type a text names: its raw value, or that in other case, with spaces or hyphens, or an alias.
    static func type(_ text: String) -> LeadActionType? {
        if let type = LeadActionType(rawValue: text) { return type }
        let key = String(text.trimmingCharacters(in: .whitespaces).lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
        return LeadActionType(rawValue: key) ?? aliases[key]
    }

    /// A guess at the type a value means, for the map line the report suggests.
    static func guess(_ text: String) -> LeadActionType {
        let text = text.lowercased()
        let rules: [([String], LeadActionType)] = [
            (["unsub"], .unsubscribe), (["bounce"], .bounce), (["open"], .emailOpen), (["click"], .emailClick),
            (["visit", "page", "view", "web"], .pageVisit), (["form", "submit", "signup", "sign up"], .formSubmit),
            (["download", "ebook", "whitepaper"], .contentDownload), (["webinar"], .webinar), (["demo", "trial"], .demoRequest),
            (["call", "phone"], .call), (["meet"], .meeting), (["sent", "send", "mail"], .emailSent),
            (["reply", "chat", "message", "respon", "sms"], .reply),
        ]
        for (words, type) in rules where words.contains(where: { text.contains($0) }) { return type }
        return .note
    }
}

// MARK: - Lookups

/// The keys that find a lead of the organization (built once, before the first row), and its agents.
///
/// Emails and external ids are kept as a 128-bit hash of their bytes (two independent 64-bit
/// hashes), so a million leads cost no String each and two different keys never find one lead.
struct ActionLookups: @unchecked Sendable {
    struct Key: Hashable { let first: UInt64; let second: Int }
    var emails: [Key: Int64] = [:]
    var externalIDs: [Key: Int64] = [:]
    var ids: Set<Int64> = []
    /// Lower-cased agent names to ids (the lowest id for a name).
    var agents: [String: Int64] = [:]
    var agentNames: [String] = []

    init(tx: any StoreWriting, orgId: Int64, plan: ActionColumns) throws {
        if plan.usesEmails {
            try tx.forEachLeadEmail(orgId: orgId) { bytes, id in
                let key = Self.key(bytes)
                if emails[key] == nil { emails[key] = id }
            }
        }
        if plan.usesExternalIDs {
            try tx.forEachLeadExternalID(orgId: orgId) { bytes, id in
                let key = Self.key(bytes)
                if externalIDs[key] == nil { externalIDs[key] = id }
            }
        }
        if plan.usesIDs { ids = Set(try tx.leadIDs(orgId: orgId)) }
        for agent in try tx.agentIDs(orgId: orgId) {
            agentNames.append(agent.name)
            let key = agent.name.trimmingCharacters(in: .whitespaces).lowercased()
            if agents[key] == nil { agents[key] = agent.id }
        }
    }

    @inline(__always)
    static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> Key {
        var fnv: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            fnv ^= UInt64(byte)
            fnv &*= 0x0000_0100_0000_01B3
        }
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return Key(first: fnv, second: hasher.finalize())
    }

    static func key(_ text: String) -> Key {
        var text = text
        return text.withUTF8 { key($0) }
    }
}

// MARK: - Reading rows

/// One batch of checked rows, in the order to write them (by lead, newest first).
struct ActionBatch: @unchecked Sendable {
    var actions: ActionImportBatch
    /// Rows read and bytes of the file read when the batch was complete.
    var rowsRead: Int
    var bytesRead: Int64
}

/// Bad rows counted by kind and value (a bounded number of values per kind).
struct ProblemTally: Sendable {
    private var groups_: [String: ActionImportReport.ProblemGroup] = [:]
    private var order: [String] = []
    private var valuesPerKind: [ActionImportReport.ProblemKind: Int] = [:]
    private(set) var total = 0

    mutating func add(_ kind: ActionImportReport.ProblemKind, _ value: String, line: Int, message: () -> String) {
        total += 1
        var key = kind.rawValue + "\u{1}" + value
        if groups_[key] == nil, valuesPerKind[kind, default: 0] >= ActionImportReport.valuesPerKind {
            key = kind.rawValue + "\u{2}"
            if groups_[key] == nil {
                order.append(key)
                groups_[key] = ActionImportReport.ProblemGroup(
                    kind: kind, value: "", message: "\(kind.rawValue): other values (the report keeps \(ActionImportReport.valuesPerKind) values of a kind)",
                    count: 0, lines: [])
            }
        } else if groups_[key] == nil {
            valuesPerKind[kind, default: 0] += 1
            order.append(key)
            groups_[key] = ActionImportReport.ProblemGroup(kind: kind, value: value, message: message(), count: 0, lines: [])
        }
        groups_[key]?.count += 1
        if let count = groups_[key]?.lines.count, count < ActionImportReport.linesPerGroup { groups_[key]?.lines.append(line) }
    }

    /// Most frequent first; ties by first line.
    var groups: [ActionImportReport.ProblemGroup] {
        order.compactMap { groups_[$0] }.sorted { $0.count != $1.count ? $0.count > $1.count : ($0.lines.first ?? 0) < ($1.lines.first ?? 0) }
    }
}

/// Reads the file's rows into batches: each row checked, its lead found, its type mapped, its time
/// read and its metadata made; bad rows counted by kind and value.
final class ActionRowReader: @unchecked Sendable {
    let reader: CSVReader
    let plan: ActionColumns
    let lookups: ActionLookups
    let dates: ImportDateReader
    var dateStats: ImportDateStats
    let columns: [String]
    let nowMilliseconds: Int64
    let nowText: String
    private(set) var rowsRead = 0
    var tally = ProblemTally()
    /// The leads that got rows.
    private(set) var touched = Set<Int64>()
    /// The types the file's values name (nil: not a type), by value.
    private var types: [String: LeadActionType?] = [:]
    private let typeOrdinals: [LeadActionType: UInt8]
    private let leadColumn: Int
    private let leadRole: ActionColumns.Role
    private let typeColumn: Int?
    private let timeColumn: Int
    private let agentColumn: Int?
    private let metadataColumn: Int?
    /// The metadata keys, JSON-quoted with their colon, and their columns.
    private let extras: [(key: [UInt8], name: String, column: Int)]
    private let constantAgentId: Int64?

    init(reader: CSVReader, plan: ActionColumns, lookups: ActionLookups, dateFormat: ImportDateFormat, now: Date, columns: [String]) throws {
        self.reader = reader
        self.plan = plan
        self.lookups = lookups
        self.columns = columns
        dates = ImportDateReader(format: dateFormat)
        dateStats = ImportDateStats(format: dateFormat)
        nowMilliseconds = Int64(now.timeIntervalSince1970 * 1000)
        nowText = StoreTimestamp.text(Int64(now.timeIntervalSince1970))
        typeOrdinals = Dictionary(uniqueKeysWithValues: LeadActionType.allCases.enumerated().map { ($1, UInt8($0)) })
        let roles = plan.roles
        let lead = roles.firstIndex { [.lead, .leadId, .email, .externalId].contains($0) }
        leadColumn = lead ?? 0
        leadRole = lead.map { roles[$0] } ?? .lead
        typeColumn = roles.firstIndex(of: .type)
        timeColumn = roles.firstIndex(of: .time) ?? 0
        agentColumn = roles.firstIndex(of: .agent)
        metadataColumn = roles.firstIndex(of: .metadata)
        extras = roles.enumerated().compactMap { index, role in
            guard case .extra(let name) = role else { return nil }
            return (Array(ActionRowReader.jsonString(name).utf8) + [UInt8(ascii: ":")], name, index)
        }
        if let name = plan.constantAgent {
            guard let id = lookups.agents[name.trimmingCharacters(in: .whitespaces).lowercased()] else {
                throw ServiceError.invalid(field: "--map", problem: "agent \"\(name)\" is not an AI agent of this organization (\(lookups.agentNames.joined(separator: ", ")))")
            }
            constantAgentId = id
        } else {
            constantAgentId = nil
        }
    }

    /// The notes the time column's values call for (ambiguous or refused day-month values).
    var dateNotes: [String] {
        dateStats.lines(column: columns[timeColumn])
    }

    /// The next batch (at most `capacity` rows, sorted), nil at the end of the file.
    func nextBatch(capacity: Int) throws -> ActionBatch? {
        var batch = ActionImportBatch(capacity: capacity)
        let columnCount = plan.roles.count
        while batch.count < capacity {
            let record: CSVRecord
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch let error as CSVError {
                rowsRead += 1
                tally.add(.row, error.problem, line: error.line) { error.problem }
                continue
            } catch let nul as CSVNULByte {
                throw RecordImportService.refusal(nul, columns: columns)
            }
            rowsRead += 1
            guard record.fields.count == columnCount else {
                let message = "\(record.fields.count) fields where the header has \(columnCount)"
                tally.add(.row, message, line: record.line) { message }
                continue
            }
            row(record, into: &batch)
        }
        // The loop stops short of `capacity` only at the end of the file.
        if batch.isEmpty { return nil }
        batch.order = batch.rows.withUnsafeBufferPointer { rows -> [Int32] in
            var order = (0..<Int32(rows.count)).map { $0 }
            order.sort { a, b in
                let (x, y) = (rows[Int(a)], rows[Int(b)])
                return x.leadId != y.leadId ? x.leadId < y.leadId : x.milliseconds != y.milliseconds ? x.milliseconds > y.milliseconds : a < b
            }
            var last: Int64 = -1
            for index in order where rows[Int(index)].leadId != last {
                last = rows[Int(index)].leadId
                touched.insert(last)
            }
            return order
        }
        return ActionBatch(actions: batch, rowsRead: rowsRead, bytesRead: reader.bytesRead)
    }

    // MARK: One row

    /// Adds the row's action to the batch, or counts the row as bad.
    private func row(_ record: CSVRecord, into batch: inout ActionImportBatch) {
        let fields = record.fields
        let line = record.line
        // The lead.
        let leadText = Self.trimmed(fields[leadColumn])
        guard let leadId = lead(leadText, line: line) else { return }
        // The type.
        var typeOrdinal: UInt8
        if let typeColumn {
            let text = Self.trimmed(fields[typeColumn])
            guard let type = type(text) else {
                let column = columns[typeColumn]
                let line_ = "  \(text) -> \(ActionTypeNames.guess(text).rawValue)"
                let advice = plan.typeMapped
                    ? "add \"\(line_)\" under \"\(column) = type\" in the map"
                    : "map it with --map FILE: \"\(column) = type\" and under it \"\(line_)\""
                tally.add(.type, text, line: line) {
                    text.isEmpty ? "the type is empty; give it, or map every other value: \"  * -> note\" under \"\(column) = type\" in the map"
                        : "type \(Self.quoted(text)): not an action type; \(advice)"
                }
                return
            }
            typeOrdinal = typeOrdinals[type] ?? 0
        } else {
            typeOrdinal = typeOrdinals[plan.constantType ?? .note] ?? 0
        }
        // The time.
        let timeText = Self.trimmed(fields[timeColumn])
        guard let milliseconds = time(timeText, line: line) else { return }
        // The agent.
        var agentId = constantAgentId ?? 0
        if let agentColumn {
            let text = Self.trimmed(fields[agentColumn])
            if !text.isEmpty {
                guard let id = lookups.agents[text.lowercased()] else {
                    tally.add(.agent, text, line: line) {
                        "agent \(Self.quoted(text)) is not an AI agent of this organization" + (lookups.agentNames.isEmpty ? " (it has none)" : " (\(lookups.agentNames.joined(separator: ", ")))")
                    }
                    return
                }
                agentId = id
            }
        }
        // The metadata.
        var given: [String: Any]?
        var givenText = ""
        if let metadataColumn {
            let text = Self.trimmed(fields[metadataColumn])
            if !text.isEmpty {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                    tally.add(.metadata, "", line: line) { "metadata is not a JSON object (like {\"page\": \"/pricing\"})" }
                    return
                }
                given = object
                givenText = text
            }
        }
        if var object = given, !extras.isEmpty {
            // The metadata column's keys, then the other columns' values where it has none.
            for extra in extras where object[extra.name] == nil {
                let text = Self.trimmed(fields[extra.column])
                if !text.isEmpty { object[extra.name] = Self.isNumber(text) ? (Double(text) as Any) : text }
            }
            givenText = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? givenText
        }
        batch.append(leadId: leadId, type: typeOrdinal, milliseconds: milliseconds, agentId: agentId, line: line) { bytes in
            if given != nil {
                bytes.append(contentsOf: givenText.utf8)
            } else if !extras.isEmpty {
                extraObject(fields, into: &bytes)
            }
        }
    }

    /// The lead a key names, or nil (counted) when none of the organization does.
    private func lead(_ text: String, line: Int) -> Int64? {
        if text.isEmpty {
            tally.add(.lead, "", line: line) { "the lead column \"\(columns[leadColumn])\" is empty" }
            return nil
        }
        var role = leadRole
        if role == .lead {
            if text.utf8.first == UInt8(ascii: "#") {
                role = .leadId
            } else if text.utf8.contains(UInt8(ascii: "@")) {
                role = .email
            } else if let id = lookups.externalIDs[ActionLookups.key(text)] {
                return id
            } else if text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                role = .leadId
            } else {
                tally.add(.lead, text, line: line) { "lead \(Self.quoted(text)): no lead of this organization has this external id (nor is it an email or #id)" }
                return nil
            }
        }
        switch role {
        case .leadId:
            let digits = text.utf8.first == UInt8(ascii: "#") ? String(text.dropFirst()) : text
            guard let id = Int64(digits), id > 0 else {
                tally.add(.lead, text, line: line) { "lead \(Self.quoted(text)) is not a lead's id (#123 or 123)" }
                return nil
            }
            guard lookups.ids.contains(id) else {
                tally.add(.lead, text, line: line) { "lead \(Self.quoted(text)): no lead of this organization has this id" }
                return nil
            }
            return id
        case .email:
            let email = ImportKeys.email(text)
            guard let normalized = email.normalized else {
                tally.add(.lead, text, line: line) { "lead: \(email.problem ?? "\(Self.quoted(text)) is not an email address")" }
                return nil
            }
            guard let id = lookups.emails[ActionLookups.key(normalized)] else {
                tally.add(.lead, text, line: line) { "lead \(Self.quoted(text)): no lead of this organization has this email" }
                return nil
            }
            return id
        default:
            guard let id = lookups.externalIDs[ActionLookups.key(text)] else {
                tally.add(.lead, text, line: line) { "lead \(Self.quoted(text)): no lead of this organization has this external id (leads get one from `funnel import leads --key COLUMN`)" }
                return nil
            }
            return id
        }
    }

    /// The type a value names: the map's value lines first, then the type's own names, then the map's `*`.
    private func type(_ text: String) -> LeadActionType? {
        if let known = types[text] { return known }
        var found: LeadActionType?
        if plan.typeValues.lists(text), let mapped = plan.typeValues.map(text) {
            found = ActionTypeNames.type(mapped)
        } else if let type = ActionTypeNames.type(text) {
            found = type
        } else if let fallback = plan.typeValues.fallback {
            found = ActionTypeNames.type(fallback)
        }
        if types.count < 10_000 { types[text] = .some(found) }
        return found
    }

    /// The time a value gives in milliseconds since 1970, or nil (counted) when it is not one or is
    /// after the import's time.
    private func time(_ text: String, line: Int) -> Int64? {
        var milliseconds = Self.isoMilliseconds(text)
        if milliseconds == nil {
            switch dateStats.read(text) {
            case .success(let time):
                milliseconds = Int64(ImportedTime.daysSince1970(year: time.year, month: time.month, day: time.day)) * 86_400_000
                    + Int64(time.seconds) * 1000 + Int64(time.milliseconds)
            case .failure(let problem):
                tally.add(.time, text, line: line) {
                    text.isEmpty ? "the time column \"\(columns[timeColumn])\" is empty" : "time: \(text.unicodeScalars.count > 60 ? "a value of \(text.unicodeScalars.count) characters is not a time" : problem.message)"
                }
                return nil
            }
        }
        guard let milliseconds else { return nil }
        if milliseconds > nowMilliseconds {
            tally.add(.future, text, line: line) { "time \(Self.quoted(text)) is after the import's time (\(nowText.prefix(19)) UTC): an action that has not happened yet" }
            return nil
        }
        return milliseconds
    }

    /// The milliseconds of an ISO time written as exports write them (`YYYY-MM-DD`, then
    /// ` HH:MM`, `:SS` and `.fff` if any, `T` for the space, a final `Z`), read byte by byte; nil for
    /// anything else (the date reader then reads it, and says what is wrong).
    static func isoMilliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            var count = bytes.count
            if count > 16, bytes[count - 1] == UInt8(ascii: "Z") { count -= 1 }
            guard count == 10 || count == 16 || count == 19 || count == 23 else { return nil }
            func digits(_ from: Int, _ length: Int) -> Int? {
                var value = 0
                for index in from..<(from + length) {
                    let digit = Int(bytes[index]) &- 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                  (1900...9999).contains(year), (1...12).contains(month), day >= 1, day <= ImportedTime.daysIn(month: month, year: year) else { return nil }
            var seconds = 0
            var fraction = 0
            if count > 10 {
                guard bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
                      let hour = digits(11, 2), let minute = digits(14, 2), hour < 24, minute < 60 else { return nil }
                seconds = hour * 3600 + minute * 60
                if count >= 19 {
                    guard bytes[16] == UInt8(ascii: ":"), let second = digits(17, 2), second < 60 else { return nil }
                    seconds += second
                }
                if count == 23 {
                    guard bytes[19] == UInt8(ascii: "."), let value = digits(20, 3) else { return nil }
                    fraction = value
                }
            }
            return Int64(ImportedTime.daysSince1970(year: year, month: month, day: day)) * 86_400_000 + Int64(seconds) * 1000 + Int64(fraction)
        }
    }

    // MARK: Metadata

    /// Writes `{"key": value, ...}` of the other columns' values (numbers as numbers); nothing when
    /// all are empty (the action's metadata is then `{}`).
    private func extraObject(_ fields: [String], into json: inout [UInt8]) {
        let start = json.count
        for extra in extras {
            let text = Self.trimmed(fields[extra.column])
            if text.isEmpty { continue }
            json.append(json.count == start ? UInt8(ascii: "{") : UInt8(ascii: ","))
            json.append(contentsOf: extra.key)
            if Self.isNumber(text) {
                json.append(contentsOf: text.utf8)
            } else {
                Self.appendJSONString(text, to: &json)
            }
        }
        if json.count > start { json.append(UInt8(ascii: "}")) }
    }

    /// Whether a value is a JSON number Funnel keeps as a number: an integer of at most 15 digits
    /// without a leading zero, or a decimal (`12.5`, `-3`); `007`, `1e9` and phone numbers stay text.
    static func isNumber(_ text: String) -> Bool {
        var digits = 0
        var sawPoint = false
        var previous: UInt8 = 0
        var first = true
        var leadingZero = false
        for byte in text.utf8 {
            defer { previous = byte; first = false }
            if first && byte == UInt8(ascii: "-") { continue }
            if byte == UInt8(ascii: ".") {
                guard !sawPoint, digits > 0 else { return false }
                sawPoint = true
                continue
            }
            guard byte >= 48 && byte <= 57 else { return false }
            if digits == 0 && !sawPoint && byte == 48 { leadingZero = true } else if leadingZero && !sawPoint { return false }
            digits += 1
        }
        return digits > 0 && digits <= 15 && previous != UInt8(ascii: ".")
    }

    static func appendJSONString(_ text: String, to json: inout [UInt8]) {
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): json.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): json.append(contentsOf: [92, 92])
            case 0x0A: json.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: json.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: json.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                json.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }

    static func jsonString(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendJSONString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Text

    /// Trims spaces and tabs at both ends (without Foundation when there are none).
    @inline(__always)
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        if first != 32 && first != 9 && last != 32 && last != 9 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A value as messages quote it: at most 60 characters.
    static func quoted(_ text: String) -> String {
        let scalars = text.unicodeScalars
        return scalars.count <= 60 ? "\"\(text)\"" : "\"\(String(String.UnicodeScalarView(scalars.prefix(57))))...\""
    }
}

// MARK: - The reading thread

/// Runs an `ActionRowReader` on a thread of its own, one batch ahead of the writer: the file is
/// read and checked while the previous batch is written. `next()` gives the batches in order and
/// rethrows what the reader threw; `stop()` ends the thread early (the writer failed).
final class BatchPipeline: @unchecked Sendable {
    private let rows: ActionRowReader
    private let condition = NSCondition()
    private var ready: [ActionBatch] = []
    private var ended = false
    private var failure: (any Error)?
    private var stopped = false
    private var started = false
    private var done = false
    /// Batches read ahead of the writer.
    static let depth = 2

    private let rowsPerBatch: Int

    init(_ rows: ActionRowReader, rowsPerBatch: Int) {
        self.rows = rows
        self.rowsPerBatch = rowsPerBatch
    }

    private func start() {
        started = true
        let thread = Thread { [self] in
            // A small first batch, so that writing starts while the rest of the file is read.
            var capacity = min(rowsPerBatch, 32_768)
            while true {
                condition.lock()
                while ready.count >= Self.depth && !stopped { condition.wait() }
                let stop = stopped
                condition.unlock()
                if stop { break }
                do {
                    let batch = try rows.nextBatch(capacity: capacity)
                    capacity = rowsPerBatch
                    condition.lock()
                    if let batch { ready.append(batch) } else { ended = true }
                    condition.broadcast()
                    condition.unlock()
                    if batch == nil { break }
                } catch {
                    condition.lock()
                    failure = error
                    ended = true
                    condition.broadcast()
                    condition.unlock()
                    break
                }
            }
            condition.lock()
            done = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "funnel.import.actions.read"
        thread.start()
    }

    /// The next batch, nil after the last.
    func next() throws -> ActionBatch? {
        if !started { start() }
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !ended { condition.wait() }
        if !ready.isEmpty {
            let batch = ready.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reading thread and waits for it to end.
    func stop() {
        guard started else { return }
        condition.lock()
        stopped = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    /// The bad rows the reader counted (after the last batch).
    func finish() -> ProblemTally {
        stop()
        return rows.tally
    }
}
