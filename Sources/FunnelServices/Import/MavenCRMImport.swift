import Foundation
import FunnelStore

/// How many records of one kind an import created, changed, and found already as the file says.
public struct ImportCounts: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0

    public init(created: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// A row an import could not use, with where it is and why.
public struct SkippedRow: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file) line \(line): \(reason)" }
}

/// A value the import corrected, and in how many rows.
public struct ImportCorrection: Sendable, Equatable {
    public let from: String
    public let to: String
    public var count: Int

    public init(from: String, to: String, count: Int) {
        self.from = from
        self.to = to
        self.count = count
    }
}

/// What an import of the Maven CRM dataset did (or, for a dry run, would do).
public struct MavenImportReport: Sendable, Equatable {
    /// The folder read.
    public var folder: String
    /// Whether everything was rolled back.
    public var dryRun: Bool
    /// The import's number in the organization (its activity's entity id).
    public var importNumber: Int64 = 0
    public var users = ImportCounts()
    public var salesRepsCreated = 0
    public var managersCreated = 0
    public var products = ImportCounts()
    public var contacts = ImportCounts()
    public var deals = ImportCounts()
    /// Data rows of sales_pipeline.csv read (imported or skipped).
    public var pipelineRows = 0
    /// Deals imported (created, updated or unchanged) by stage.
    public var dealsByStage: [DealStage: Int] = [:]
    /// Imported pipeline rows with no account (their deals have no contact).
    public var rowsWithoutAccount = 0
    /// Product names of the pipeline matched to products.csv's spelling (`GTXPro` -> `GTX Pro`).
    public var productCorrections: [ImportCorrection] = []
    /// Sector typos fixed in accounts.csv (`technolgy` -> `technology`), counted in accounts.
    public var sectorCorrections: [ImportCorrection] = []
    /// Accounts the pipeline names that accounts.csv lacks (they became contacts without details).
    public var accountsOnlyInPipeline: [String] = []
    public var skipped: [SkippedRow] = []

    public init(folder: String, dryRun: Bool) {
        self.folder = folder
        self.dryRun = dryRun
    }

    /// The report in words, one line each.
    public var lines: [String] {
        func counts(_ counts: ImportCounts) -> String {
            "\(NumberText.grouped(counts.created)) created, \(NumberText.grouped(counts.updated)) updated, \(NumberText.grouped(counts.unchanged)) unchanged"
        }
        var lines: [String] = []
        lines.append(dryRun
            ? "Dry run of the Maven CRM import from \(folder): nothing was written (this is what it would do)."
            : "Imported the Maven CRM dataset from \(folder) (import #\(importNumber)).")
        lines.append("  users:    \(counts(users)) (created: \(salesRepsCreated) sales reps, \(managersCreated) managers)")
        lines.append("  products: \(counts(products))")
        lines.append("  contacts: \(counts(contacts)) (one per account)")
        let stages = DealStage.allCases.compactMap { stage in dealsByStage[stage].map { "\(stage.rawValue) \(NumberText.grouped($0))" } }
        lines.append("  deals:    \(counts(deals))" + (stages.isEmpty ? "" : " (\(stages.joined(separator: ", ")))"))
        lines.append("  pipeline rows read: \(NumberText.grouped(pipelineRows)); rows without account: \(NumberText.grouped(rowsWithoutAccount)) (their deals have no contact)")
        if productCorrections.isEmpty {
            lines.append("  product names corrected: none")
        } else {
            lines.append("  product names corrected: " + productCorrections.map { "\($0.from) -> \($0.to): \(NumberText.grouped($0.count)) rows" }.joined(separator: "; "))
        }
        if sectorCorrections.isEmpty {
            lines.append("  sectors corrected: none")
        } else {
            lines.append("  sectors corrected: " + sectorCorrections.map { "\($0.from) -> \($0.to): \(NumberText.grouped($0.count)) accounts" }.joined(separator: "; "))
        }
        if !accountsOnlyInPipeline.isEmpty {
            lines.append("  accounts missing from accounts.csv (contacts made without details): " + accountsOnlyInPipeline.joined(separator: ", "))
        }
        if skipped.isEmpty {
            lines.append("  skipped rows: none")
        } else {
            lines.append("  skipped rows: \(NumberText.grouped(skipped.count))")
            for row in skipped.prefix(50) { lines.append("    \(row)") }
            if skipped.count > 50 { lines.append("    ... and \(NumberText.grouped(skipped.count - 50)) more") }
        }
        return lines
    }
}

/// Imports the Maven "CRM + Sales Opportunities" dataset (docs/import.md): sales agents and their
/// managers become users, products products, accounts contacts, opportunities deals.
///
/// Everything happens in one transaction (all or nothing) with one `import` activity; importing
/// the same folder again updates deals by their opportunity id and creates nothing twice.
public struct MavenCRMImport: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// The files of the dataset.
    public static let pipelineFile = "sales_pipeline.csv"
    public static let accountsFile = "accounts.csv"
    public static let productsFile = "products.csv"
    public static let teamsFile = "sales_teams.csv"

    /// Imports the dataset in `folder`; with `dryRun` the same work is done and rolled back.
    public func run(folder: String, dryRun: Bool = false, in session: Session) throws -> MavenImportReport {
        try session.require(.dataImport)
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ServiceError.invalid(field: "folder", problem: "\(folder) is not a folder")
        }
        let missing = [Self.pipelineFile, Self.accountsFile, Self.productsFile, Self.teamsFile]
            .filter { !FileManager.default.isReadableFile(atPath: folder + "/" + $0) }
        if !missing.isEmpty {
            throw ServiceError.invalid(field: "folder", problem: "\(folder) lacks \(missing.joined(separator: ", ")) (a Maven CRM export has all four)")
        }
        let now = clock()
        let work = { (tx: any StoreWriting) throws -> MavenImportReport in
            var job = MavenImportJob(tx: tx, session: session, folder: folder, now: now, report: MavenImportReport(folder: folder, dryRun: dryRun))
            try job.run()
            return job.report
        }
        return try ServiceError.wrapping {
            do {
                return dryRun ? try database.rehearsal(work) : try database.transaction(work)
            } catch let error as CSVError {
                throw ServiceError.invalid(field: error.file, problem: "line \(error.line): \(error.problem)")
            } catch let nul as CSVNULByte {
                throw RecordImportService.refusal(nul, columns: [])
            }
        }
    }
}

/// One run of the import inside its transaction.
struct MavenImportJob {
    let tx: any StoreWriting
    let session: Session
    let folder: String
    let now: Date
    var report: MavenImportReport
    let pipeline: PipelineSettings

    /// Products by their matching key (lower case, no spaces), with their price in cents.
    var products: [String: (product: Product, priceCents: Int64)] = [:]
    /// Users by name, for the pipeline's sales agents (only those of sales_teams.csv).
    var agents: [String: User] = [:]
    /// Contacts by account name.
    var contacts: [String: Int64] = [:]
    /// Contacts by lower-cased account name, for a pipeline that spells an account differently.
    var contactsFolded: [String: Int64] = [:]
    /// Users this run created (their ids).
    var createdNow: Set<Int64> = []
    /// Users the file needs created or changed that the session may not (no `users.manage`).
    var refusedUsers: (created: [String], changed: [String]) = ([], [])

    init(tx: any StoreWriting, session: Session, folder: String, now: Date, report: MavenImportReport) {
        self.tx = tx
        self.session = session
        self.folder = folder
        self.now = now
        self.report = report
        pipeline = OrganizationSettings(of: session.organization).pipeline
    }

    static let sectorTypos = ["technolgy": "technology"]
    static let stages: [String: DealStage] = ["prospecting": .prospecting, "engaging": .qualification, "won": .won, "lost": .lost]
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    mutating func run() throws {
        // Users first: creating or changing them needs users.manage, refused before anything is written.
        try importTeams()
        try importProducts()
        try importAccounts()
        try importPipeline()
        report.importNumber = try tx.lastImportNumber(orgId: session.orgId) + 1
        try tx.record(AuditTrail.activity(
            "imported", on: .import, id: report.importNumber, by: session, before: nil as ImportSnapshot?, after: ImportSnapshot(report),
            details: ["source": "maven-crm", "folder": folder], at: now))
    }

    func openTable(_ file: String, required: [String]) throws -> CSVTable {
        try CSVTable(reader: try CSVReader(path: folder + "/" + file), required: required)
    }

    /// Calls `body` for each row of `table`; malformed rows and rows `body` refuses (by returning a
    /// reason) are reported as skipped.
    mutating func eachRow(_ table: CSVTable, _ body: (inout MavenImportJob, CSVTable.Row) throws -> String?) throws {
        while true {
            let row: CSVTable.Row
            do {
                guard let next = try table.next() else { return }
                row = next
            } catch let error as CSVError {
                report.skipped.append(SkippedRow(file: error.file, line: error.line, reason: error.problem))
                continue
            }
            if let reason = try body(&self, row) {
                report.skipped.append(SkippedRow(file: table.reader.name, line: row.line, reason: reason))
            }
        }
    }

    // MARK: - Products

    static func productKey(_ name: String) -> String {
        String(name.lowercased().filter { !$0.isWhitespace })
    }

    mutating func importProducts() throws {
        var existing: [String: Product] = [:]
        for product in try tx.products(orgId: session.orgId) where existing[Self.productKey(product.name)] == nil {
            existing[Self.productKey(product.name)] = product
        }
        let table = try openTable(MavenCRMImport.productsFile, required: ["product", "series", "sales_price"])
        var seen: [String: Int] = [:]
        try eachRow(table) { job, row in
            let name = row["product"]
            guard !name.isEmpty else { return "no product name" }
            guard name.count <= 200 else { return "a product name longer than 200 characters" }
            let key = Self.productKey(name)
            if let first = seen[key] { return "product \(name) again (first on line \(first))" }
            guard case .success(let price) = MoneyInput.cents(row["sales_price"]) else { return "sales_price \"\(row["sales_price"])\" is not an amount" }
            seen[key] = row.line
            let series = row["series"]
            let fields: [String: Any] = ["series": series.isEmpty ? NSNull() : series, "sales_price_cents": price]
            if var product = existing[key] {
                let settings = Self.merging(fields, into: product.settings)
                if settings != product.settings {
                    product.settings = settings
                    product.updatedAt = job.now
                    try job.tx.update(product)
                    job.report.products.updated += 1
                } else {
                    job.report.products.unchanged += 1
                }
                job.products[key] = (product, price)
            } else {
                var product = Product(orgId: job.session.orgId, name: name, type: .hardware, settings: Self.merging(fields, into: "{}"),
                                      createdAt: job.now, updatedAt: job.now)
                try job.tx.insert(&product)
                job.report.products.created += 1
                job.products[key] = (product, price)
            }
            return nil
        }
    }

    /// A JSON object's text with `fields` set (other keys kept), keys sorted.
    static func merging(_ fields: [String: Any], into json: String) -> String {
        var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        object.merge(fields) { _, new in new }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return json }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Users

    /// `first.last@<org-slug>.maven.example`: lower case, accents stripped, words joined by dots.
    static func email(for name: String, orgSlug: String, suffix: Int = 1) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        let words = folded.split(whereSeparator: { $0.isWhitespace || $0 == "." || $0 == "_" }).map { word in
            String(word.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }.map(Character.init))
                .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        }.filter { !$0.isEmpty }
        let local = (words.isEmpty ? "user" : words.joined(separator: ".")) + (suffix > 1 ? "\(suffix)" : "")
        return "\(local)@\(orgSlug).maven.example"
    }

    mutating func importTeams() throws {
        struct Member { let agent: String; let manager: String; let office: String; let line: Int }
        var members: [Member] = []
        var seen: [String: Int] = [:]
        let table = try openTable(MavenCRMImport.teamsFile, required: ["sales_agent", "manager", "regional_office"])
        try eachRow(table) { _, row in
            let agent = row["sales_agent"]
            guard !agent.isEmpty else { return "no sales_agent" }
            if let first = seen[agent.lowercased()] { return "sales agent \(agent) again (first on line \(first))" }
            seen[agent.lowercased()] = row.line
            members.append(Member(agent: agent, manager: row["manager"], office: row["regional_office"], line: row.line))
            return nil
        }
        guard let managerRole = try tx.role(name: "manager"), let repRole = try tx.role(name: "sales_rep") else {
            throw ServiceError.notInitialized
        }
        var managers: [String: User] = [:]
        for member in members where !member.manager.isEmpty && managers[member.manager.lowercased()] == nil {
            if let user = try ensureUser(named: member.manager, role: managerRole, managerId: nil, team: member.office, line: member.line) {
                managers[member.manager.lowercased()] = user
                report.managersCreated += createdNow.contains(user.id ?? 0) ? 1 : 0
            }
        }
        for member in members {
            let manager = managers[member.manager.lowercased()]
            if let user = try ensureUser(named: member.agent, role: repRole, managerId: manager?.id, team: member.office, line: member.line) {
                agents[member.agent] = user
                report.salesRepsCreated += createdNow.contains(user.id ?? 0) ? 1 : 0
            }
        }
        if !refusedUsers.created.isEmpty || !refusedUsers.changed.isEmpty {
            throw ServiceError.forbidden(Self.usersRefusal(refusedUsers, session: session))
        }
    }

    /// Why the import is refused to a user without `users.manage`, naming the users it needed.
    static func usersRefusal(_ refused: (created: [String], changed: [String]), session: Session) -> String {
        func list(_ names: [String]) -> String {
            names.prefix(60).joined(separator: ", ") + (names.count > 60 ? " and \(names.count - 60) more" : "")
        }
        var needs: [String] = []
        if !refused.created.isEmpty {
            needs.append("create \(refused.created.count) user\(refused.created.count == 1 ? "" : "s") (\(list(refused.created)))")
        }
        if !refused.changed.isEmpty {
            needs.append("change the team or manager of \(refused.changed.count) (\(list(refused.changed)))")
        }
        return "\(session.user.email) (\(session.role.name)) may not import this folder: it would "
            + needs.joined(separator: " and ") + " from \(MavenCRMImport.teamsFile), which needs the \(Permission.usersManage.name) permission. "
            + "Nothing was imported: an administrator can run the import, or add these users first."
    }

    /// The organization's user of this name (or this import's email), made to match the file's
    /// manager and team; created with `role` when there is none. Nil when the row cannot be used.
    mutating func ensureUser(named name: String, role: Role, managerId: Int64?, team: String, line: Int) throws -> User? {
        let file = MavenCRMImport.teamsFile
        guard name.count <= 200 else {
            report.skipped.append(SkippedRow(file: file, line: line, reason: "a name longer than 200 characters"))
            return nil
        }
        let team: String? = team.isEmpty ? nil : String(team.prefix(100))
        var found = try tx.users(named: name, orgId: session.orgId).first
        var email = Self.email(for: name, orgSlug: session.organization.slug)
        if found == nil {
            // An earlier import's user, renamed since; or an address taken by someone else.
            var suffix = 1
            while let holder = try tx.user(email: email) {
                if holder.orgId == session.orgId, holder.name.lowercased() == name.lowercased() {
                    found = holder
                    break
                }
                suffix += 1
                email = Self.email(for: name, orgSlug: session.organization.slug, suffix: suffix)
            }
        }
        if var user = found {
            let before = user
            if let managerId, user.id != managerId { user.managerId = managerId }
            if let team { user.team = team }
            if user != before, !session.can(.usersManage) {
                refusedUsers.changed.append(name)
                return before
            }
            if user != before {
                user.updatedAt = now
                try tx.update(user)
                report.users.updated += 1
            } else {
                report.users.unchanged += 1
            }
            return user
        }
        if let problem = EmailAddress.problem(with: email) {
            report.skipped.append(SkippedRow(file: file, line: line, reason: "no usable email for \(name): \(problem)"))
            return nil
        }
        guard session.can(.usersManage) else {
            // Once per name (a refused manager is asked for again by each of their agents).
            let entry = "\(name) (\(role.name))"
            if !refusedUsers.created.contains(entry) { refusedUsers.created.append(entry) }
            return nil
        }
        let (user, recorded) = try tx.addUser(User(orgId: session.orgId, roleId: role.id ?? 0, email: email, name: name, createdAt: now, updatedAt: now,
                                                    managerId: managerId, team: team), roleName: role.name, password: nil)
        if !recorded {
            try tx.record(AuditTrail.activity(
                "created", on: .user, id: user.id ?? 0, by: session, before: nil as UserSnapshot?, after: UserSnapshot(user, role: role.name),
                details: ["source": "maven-crm", "folder": folder], at: now))
        }
        createdNow.insert(user.id ?? 0)
        report.users.created += 1
        return user
    }

    // MARK: - Accounts

    mutating func importAccounts() throws {
        let table = try openTable(MavenCRMImport.accountsFile, required: ["account", "sector", "year_established", "revenue", "employees", "office_location", "subsidiary_of"])
        var seen: [String: Int] = [:]
        try eachRow(table) { job, row in
            let account = row["account"]
            guard !account.isEmpty else { return "no account name" }
            guard account.count <= 200 else { return "an account name longer than 200 characters" }
            if let first = seen[account] { return "account \(account) again (first on line \(first))" }
            var sector = row["sector"].lowercased()
            if let fixed = Self.sectorTypos[sector] {
                Self.count(&job.report.sectorCorrections, from: sector, to: fixed)
                sector = fixed
            }
            var metadata: [String: Any] = ["source": "maven-crm", "sector": sector.isEmpty ? NSNull() : sector]
            for (column, integer) in [("year_established", true), ("revenue", false), ("employees", true)] {
                let text = row[column]
                if text.isEmpty {
                    metadata[column] = NSNull()
                } else if integer, let value = Int(text) {
                    metadata[column] = value
                } else if !integer, let value = Double(text), value.isFinite {
                    metadata[column] = value
                } else {
                    return "\(column) \"\(text)\" is not a number"
                }
            }
            for column in ["office_location", "subsidiary_of"] {
                metadata[column] = row[column].isEmpty ? NSNull() : row[column]
            }
            seen[account] = row.line
            try job.ensureContact(account: account, metadata: metadata)
            return nil
        }
    }

    static func count(_ corrections: inout [ImportCorrection], from: String, to: String) {
        if let index = corrections.firstIndex(where: { $0.from == from && $0.to == to }) {
            corrections[index].count += 1
        } else {
            corrections.append(ImportCorrection(from: from, to: to, count: 1))
        }
    }

    /// The account's contact (name and company are the account), created or brought up to date.
    @discardableResult
    mutating func ensureContact(account: String, metadata: [String: Any]) throws -> Int64 {
        if var contact = try tx.contact(name: account, company: account, orgId: session.orgId) {
            let merged = Self.merging(metadata, into: contact.metadata)
            if merged != contact.metadata {
                contact.metadata = merged
                contact.updatedAt = now
                try tx.update(contact)
                report.contacts.updated += 1
            } else {
                report.contacts.unchanged += 1
            }
            remember(account, id: contact.id ?? 0)
            return contact.id ?? 0
        }
        var contact = Contact(orgId: session.orgId, name: account, company: account, metadata: Self.merging(metadata, into: "{}"),
                              createdAt: now, updatedAt: now)
        try tx.insert(&contact)
        report.contacts.created += 1
        remember(account, id: contact.id ?? 0)
        return contact.id ?? 0
    }

    mutating func remember(_ account: String, id: Int64) {
        contacts[account] = id
        if contactsFolded[account.lowercased()] == nil { contactsFolded[account.lowercased()] = id }
    }

    // MARK: - Opportunities

    /// A day written M/D/YYYY (or YYYY-MM-DD) as `YYYY-MM-DD`, or nil when it is not one.
    static func day(_ text: String) -> String? {
        let slashed = text.split(separator: "/", omittingEmptySubsequences: false)
        let dashed = text.split(separator: "-", omittingEmptySubsequences: false)
        let result: Result<String, DateInputError>
        if slashed.count == 3, slashed[2].count == 4, slashed.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            result = DateInput.validDay(year: Int(slashed[2]), month: Int(slashed[0]), day: Int(slashed[1]), text: text, calendar: utc)
        } else if dashed.count == 3, dashed[0].count == 4, dashed.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            result = DateInput.validDay(year: Int(dashed[0]), month: Int(dashed[1]), day: Int(dashed[2]), text: text, calendar: utc)
        } else {
            return nil
        }
        return try? result.get()
    }

    /// Midnight UTC of a `YYYY-MM-DD` day.
    static func midnight(_ day: String) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return utc.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    mutating func importPipeline() throws {
        let table = try openTable(MavenCRMImport.pipelineFile, required: [
            "opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date", "close_value",
        ])
        var seen: [String: Int] = [:]
        try eachRow(table) { job, row in
            job.report.pipelineRows += 1
            let ref = row["opportunity_id"]
            guard !ref.isEmpty else { return "no opportunity_id" }
            guard ref.count <= 100 else { return "an opportunity_id longer than 100 characters" }
            if let first = seen[ref] { return "opportunity \(ref) again (first on line \(first))" }
            let stageText = row["deal_stage"]
            guard let stage = Self.stages[stageText.lowercased()] else {
                return "unknown deal_stage \"\(stageText)\" (Prospecting, Engaging, Won or Lost)"
            }
            let agentName = row["sales_agent"]
            guard let owner = job.agents[agentName] else {
                return agentName.isEmpty ? "no sales_agent" : "unknown sales agent \"\(agentName)\" (not in \(MavenCRMImport.teamsFile))"
            }
            let productText = row["product"]
            guard let match = job.products[Self.productKey(productText)] else {
                return productText.isEmpty ? "no product" : "unknown product \"\(productText)\" (not in \(MavenCRMImport.productsFile))"
            }
            let (product, price) = (match.product, match.priceCents)
            var engaged: String?
            if !row["engage_date"].isEmpty {
                guard let day = Self.day(row["engage_date"]) else { return "engage_date \"\(row["engage_date"])\" is not a date (M/D/YYYY)" }
                engaged = day
            }
            var closed: String?
            if !row["close_date"].isEmpty {
                guard let day = Self.day(row["close_date"]) else { return "close_date \"\(row["close_date"])\" is not a date (M/D/YYYY)" }
                closed = day
            }
            var closeValue: Int64?
            if !row["close_value"].isEmpty {
                guard case .success(let cents) = MoneyInput.cents(row["close_value"]) else {
                    return "close_value \"\(row["close_value"])\" is not an amount"
                }
                closeValue = cents
            }
            seen[ref] = row.line
            if productText != product.name {
                Self.count(&job.report.productCorrections, from: productText, to: product.name)
            }
            let account = row["account"]
            var contactId: Int64?
            if account.isEmpty {
                job.report.rowsWithoutAccount += 1
            } else if let id = job.contacts[account] ?? job.contactsFolded[account.lowercased()] {
                contactId = id
            } else if account.count <= 200 {
                job.report.accountsOnlyInPipeline.append(account)
                contactId = try job.ensureContact(account: account, metadata: ["source": "maven-crm"])
            } else {
                return "an account name longer than 200 characters"
            }
            let engagedAt = engaged.flatMap(Self.midnight)
            let stageDate: Date? = stage.isClosed ? (closed.flatMap(Self.midnight) ?? engagedAt) : stage == .qualification ? engagedAt : nil
            try job.saveDeal(
                ref: ref, stage: stage, title: "\(account.isEmpty ? "No account" : account) – \(product.name)",
                ownerId: owner.id, productId: product.id, contactId: contactId, value: closeValue ?? price,
                closeDate: closed, createdAt: engagedAt, stageChangedAt: stageDate)
            job.report.dealsByStage[stage, default: 0] += 1
            return nil
        }
    }

    /// Creates the deal with this external id, or brings the existing one up to date.
    ///
    /// `stageChangedAt` nil means the file does not say when the deal entered its stage: a new
    /// deal entered it now, an existing deal in the same stage keeps its date.
    mutating func saveDeal(ref: String, stage: DealStage, title: String, ownerId: Int64?, productId: Int64?, contactId: Int64?,
                           value: Int64, closeDate: String?, createdAt: Date?, stageChangedAt: Date?) throws {
        if let existing = try tx.deal(externalRef: ref, orgId: session.orgId) {
            var deal = existing
            deal.title = title
            deal.ownerId = ownerId
            deal.productId = productId
            deal.contactId = contactId
            deal.value = value
            deal.closeDate = closeDate
            deal.lostReason = stage == .lost && existing.stage == .lost ? existing.lostReason : nil
            if existing.stage != stage { pipeline.enter(stage, deal: &deal, at: stageChangedAt ?? now) }
            if let stageChangedAt { deal.stageChangedAt = stageChangedAt }
            if let createdAt { deal.createdAt = createdAt }
            if deal != existing {
                deal.updatedAt = now
                try tx.update(deal)
                report.deals.updated += 1
            } else {
                report.deals.unchanged += 1
            }
            return
        }
        var deal = Deal(
            orgId: session.orgId, contactId: contactId, productId: productId, ownerId: ownerId, title: title, value: value, stage: stage,
            probability: pipeline.probability(stage), closeDate: closeDate, stageChangedAt: stageChangedAt ?? now,
            createdAt: createdAt ?? now, updatedAt: now, externalRef: ref)
        try tx.insert(&deal)
        report.deals.created += 1
    }
}

/// What the import's activity records: the counts, not the rows.
struct ImportSnapshot: Encodable {
    let source = "maven-crm"
    let users: [String: Int]
    let products: [String: Int]
    let contacts: [String: Int]
    let deals: [String: Int]
    let pipelineRows: Int
    let rowsWithoutAccount: Int
    let productNamesCorrected: Int
    let sectorsCorrected: Int
    let skippedRows: Int

    init(_ report: MavenImportReport) {
        func counts(_ counts: ImportCounts) -> [String: Int] {
            ["created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged]
        }
        users = counts(report.users)
        products = counts(report.products)
        contacts = counts(report.contacts)
        deals = counts(report.deals)
        pipelineRows = report.pipelineRows
        rowsWithoutAccount = report.rowsWithoutAccount
        productNamesCorrected = report.productCorrections.reduce(0) { $0 + $1.count }
        sectorsCorrected = report.sectorCorrections.reduce(0) { $0 + $1.count }
        skippedRows = report.skipped.count
    }

    enum CodingKeys: String, CodingKey {
        case source, users, products, contacts, deals, pipelineRows = "pipeline_rows", rowsWithoutAccount = "rows_without_account"
        case productNamesCorrected = "product_names_corrected", sectorsCorrected = "sectors_corrected", skippedRows = "skipped_rows"
    }
}
