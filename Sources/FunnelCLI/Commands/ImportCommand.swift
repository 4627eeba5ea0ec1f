import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel import`: bring data from other systems in, each source its own subcommand.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import leads, contacts or deals from CSV, or another CRM's data (needs the data.import permission).",
        subcommands: [Leads.self, Contacts.self, Deals.self, Actions.self, List.self, Undo.self, MavenCRM.self]
    )

    struct Leads: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leads", abstract: "Import leads from a CSV file (duplicates found by email or phone).",
            discussion: RecordImportArguments.discussion)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var arguments: RecordImportArguments
        func run() throws { try arguments.run(.leads, database: database) }
    }

    struct Contacts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contacts", abstract: "Import contacts from a CSV file (duplicates found by email or phone).",
            discussion: RecordImportArguments.discussion)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var arguments: RecordImportArguments
        func run() throws { try arguments.run(.contacts, database: database) }
    }

    struct Deals: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deals", abstract: "Import deals from a CSV file (duplicates found by external_ref).",
            discussion: RecordImportArguments.discussion)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var arguments: RecordImportArguments
        func run() throws { try arguments.run(.deals, database: database) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The organization's CSV imports, newest first.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many imports to show.") var limit = 50
        @Option(help: "table or json.") var format: OutputFormat = .table

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let entries = try ImportLogService(database: db).list(limit: limit, in: session)
            var printer = DataPrinter(columns: ["#", "When (UTC)", "Who", "What", "Mode", "Counts", "Status", "File"])
            for entry in entries {
                let counts = (try? JSONSerialization.jsonObject(with: Data(entry.counts.utf8))) as? [String: Int] ?? [:]
                let summary = ["created", "updated", "duplicates", "bad_rows"].map { "\($0.replacingOccurrences(of: "_", with: " ")) \(NumberText.grouped(counts[$0] ?? 0))" }
                    .joined(separator: ", ")
                let status = entry.isUndone ? "undone \(entry.undoneAt.map { String($0.prefix(19)) } ?? "")" : "done"
                printer.add(
                    [String(entry.number), String(entry.createdAt.prefix(19)), entry.userEmail ?? "-", entry.entity.rawValue, entry.mode.rawValue,
                     summary, status, entry.file],
                    json: ["number": entry.number, "created_at": entry.createdAt, "user": entry.userEmail ?? NSNull(), "entity": entry.entity.rawValue,
                           "mode": entry.mode.rawValue, "counts": counts, "undone": entry.isUndone, "undone_at": entry.undoneAt ?? NSNull(),
                           "file": entry.file])
            }
            if entries.isEmpty && format == .table {
                print("No CSV imports yet (`funnel import leads FILE.csv`).")
            } else {
                printer.print(format)
            }
        }
    }

    struct Undo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undo", abstract: "Undo an import as a whole: delete what it created, restore what it updated.",
            discussion: """
                NUMBER is the import's number (`funnel import list`). Everything is undone in one transaction.
                When some of the import's rows were changed after it, undo refuses (it would lose those
                changes) unless --force is given.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("The import's number.", valueName: "number")) var number: Int64
        @Flag(help: "Undo even when some of the import's rows were changed after it (those changes are lost).") var force = false

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let (entry, result) = try ImportLogService(database: db).undo(number: number, force: force, in: session)
            if entry.entity == .actions {
                print("Undid import #\(entry.number) (actions from \(entry.file)): \(NumberText.grouped(result.deleted)) \(result.deleted == 1 ? "action" : "actions") deleted; \(NumberText.grouped(result.leadIds.count)) \(result.leadIds.count == 1 ? "lead" : "leads") rescored.")
                return
            }
            // A deals import that linked deals to their leads converted them and made their contacts.
            let linked = result.linkedRestored.sorted { $0.key < $1.key }.map { "\(NumberText.grouped($0.value)) \($0.key) it changed restored" }
                + result.linkedDeleted.sorted { $0.key < $1.key }.map { "\(NumberText.grouped($0.value)) \($0.key) it created deleted" }
            print("Undid import #\(entry.number) (\(entry.entity.rawValue) from \(entry.file)): \(NumberText.grouped(result.deleted)) created \(entry.entity.rawValue) deleted, \(NumberText.grouped(result.restored)) updated \(entry.entity.rawValue) restored to their earlier values"
                  + (linked.isEmpty ? "." : "; and " + linked.joined(separator: ", ") + "."))
        }
    }

    struct MavenCRM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "maven-crm",
            abstract: "Import the Maven CRM dataset: sales agents, managers, products, accounts and opportunities.",
            discussion: """
                DIR holds sales_pipeline.csv, accounts.csv, products.csv and sales_teams.csv. Everything is
                imported in one transaction; importing the same folder again updates deals by their
                opportunity id and creates nothing twice. docs/import.md describes the mapping.
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("The folder with the dataset's CSV files.", valueName: "dir")) var dir: String
        @Flag(help: "Do all the work in a transaction that is rolled back, and report what it would do.") var dryRun = false

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let report = try MavenCRMImport(database: db).run(folder: dir, dryRun: dryRun, in: session)
            print(report.lines.joined(separator: "\n"))
        }
    }
}

/// The options every CSV import takes.
struct RecordImportArguments: ParsableArguments {
    static let discussion = """
        The header row names the columns; names are matched ignoring case, spaces and punctuation, and
        common aliases are recognised ("E-mail", "Phone Number", "Lead Source", "Company Name"...).
        A --map file maps other names: one `Column Name = field` a line (`= ignore` to skip a column,
        `= attribute number` to keep it as a typed attribute), indented `value -> Funnel value` lines
        under it, and `field = value` for a field no column gives. Leads keep every other column as an
        attribute. Exit status: 0 all rows imported, 1 nothing imported, 3 imported with bad rows skipped.
        The file is UTF-8 (with or without a byte order mark), with commas, semicolons or tabs between
        fields (detected), and quoted fields may hold line breaks. Everything is imported in one
        transaction; the import is recorded and can be undone (`funnel import undo NUMBER`).
        docs/import.md lists the fields.
        """

    @Argument(help: ArgumentHelp("The CSV file.", valueName: "file")) var file: String
    @Option(help: "create (skip rows matching a record), update (only rows matching one), or upsert (both).") var mode: ImportMode = .create
    @Option(help: ArgumentHelp("How to read dates that are not ISO (YYYY-MM-DD is always read): iso, mdy (M/D/YYYY) or dmy (D-M-YYYY).", valueName: "format"))
    var dateFormat: ImportDateFormat = .iso
    @Option(help: ArgumentHelp("A file mapping columns to fields: `Column = field` a line.", valueName: "file")) var map: String?
    @Option(help: ArgumentHelp("The field delimiter: , ; or tab (default: detected from the header).", valueName: "char")) var delimiter: String?
    @Flag(help: "Do all the work in a transaction that is rolled back, and print what would happen, every bad row included.") var dryRun = false
    @Flag(help: "Refuse the whole import when any row is bad (default: bad rows are reported and skipped).") var strict = false
    @Flag(help: "Print progress lines on standard error even when it is not a terminal.") var progress = false
    @Flag(help: "With --mode create: create duplicate rows all the same (to restore an export of a database that holds duplicates).")
    var keepDuplicates = false
    @Option(help: ArgumentHelp("Leads: the column that identifies a lead (kept as its external id; duplicates and updates go by it), or @line for the row's line.", valueName: "column"))
    var key: String?

    func run(_ entity: ImportEntity, database: DatabaseOptions) throws {
        var options = RecordImportOptions(entity: entity, mode: mode, dateFormat: dateFormat, dryRun: dryRun, strict: strict)
        options.keepDuplicates = keepDuplicates
        options.key = key
        if let map {
            do {
                options.map = try ImportMapping.readMapFile(map)
            } catch let problem as ImportProblem {
                throw CLIError(problem.description)
            }
        }
        if let delimiter {
            switch delimiter {
            case ",", "comma": options.delimiter = UInt8(ascii: ",")
            case ";", "semicolon": options.delimiter = UInt8(ascii: ";")
            case "\t", "tab", "\\t": options.delimiter = UInt8(ascii: "\t")
            default: throw CLIError("--delimiter must be , ; or tab")
            }
        }
        let (db, session) = try database.choice.signIn()
        let terminal = Prompt.canDrawProgress
        let bar = ProgressBar(enabled: terminal || progress, unit: "rows")
        let plain = !terminal
        var lastDraw = Date.distantPast
        let report = try RecordImportService(database: db).run(file: file, options: options, in: session) { rows, bytes, total in
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= (plain ? 0.5 : 0.1) || bytes >= total else { return }
            lastDraw = now
            bar.update(phase: dryRun ? "checking" : "importing", count: rows, fraction: total > 0 ? Double(bytes) / Double(total) : 1, plain: plain)
        }
        if !plain { bar.finish() }
        print(report.lines(limit: dryRun ? nil : 1_000).joined(separator: "\n"))
        if report.refused { throw ExitCode(1) }
        if report.problemCount > 0 { throw ImportExitCode.refusedRows }
    }
}

extension ImportMode: ExpressibleByArgument {}
extension ImportDateFormat: ExpressibleByArgument {}

extension ImportCommand {
    /// `funnel import actions FILE`: a lead's engagement history, each action with its own time.
    struct Actions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actions", abstract: "Import lead actions (engagement history) from a CSV file, each with its own time.",
            discussion: """
                Each row names a lead of the organization (a lead column holding its email, #id or external
                id; or an email, lead_id or external_id column; or --key COLUMN for the column of external
                ids), a type (type, action, event...: email_sent, email_open, email_click, page_visit,
                form_submit, content_download, webinar, demo_request, reply, call, meeting, note,
                unsubscribe, bounce; `Page Visit` and `page-visit` too), and a time (created_at, at, time,
                date or timestamp). An agent column names an AI agent of the organization; a metadata
                column holds a JSON object; every other column goes into the action's metadata. A --map
                file maps other names (`Activity = type`) and other type values (indented `Chat -> reply`
                lines under the type column's line; `* -> note` for every other value). The leads that get
                actions are rescored at the end. One transaction, undone by `funnel import undo NUMBER`.
                Exit status: 0 every row imported, 1 nothing imported, 3 imported with bad rows skipped.
                docs/import.md, "Actions".
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("The CSV file.", valueName: "file")) var file: String
        @Option(help: ArgumentHelp("How to read times that are not ISO (YYYY-MM-DD [HH:MM:SS] is always read): iso, mdy (M/D/YYYY) or dmy (D-M-YYYY).", valueName: "format"))
        var dateFormat: ImportDateFormat = .iso
        @Option(help: ArgumentHelp("A file mapping columns (`Activity = type`) and type values (indented `Chat -> reply`).", valueName: "file")) var map: String?
        @Option(help: ArgumentHelp("The column holding the external id of each row's lead.", valueName: "column")) var key: String?
        @Option(help: ArgumentHelp("The field delimiter: , ; or tab (default: detected from the header).", valueName: "char")) var delimiter: String?
        @Flag(help: "Do all the work in a transaction that is rolled back, and print what would happen, every bad row included.") var dryRun = false
        @Flag(help: "Refuse the whole import when any row is bad (default: bad rows are reported and skipped).") var strict = false
        @Flag(help: "Print progress lines on standard error even when it is not a terminal.") var progress = false

        func run() throws {
            var options = ActionImportOptions(dateFormat: dateFormat, key: key, dryRun: dryRun, strict: strict)
            if let map {
                do {
                    options.map = try ImportMapFile.read(map)
                } catch let problem as ImportProblem {
                    throw CLIError(problem.description)
                }
            }
            if let delimiter {
                switch delimiter {
                case ",", "comma": options.delimiter = UInt8(ascii: ",")
                case ";", "semicolon": options.delimiter = UInt8(ascii: ";")
                case "\t", "tab", "\\t": options.delimiter = UInt8(ascii: "\t")
                default: throw CLIError("--delimiter must be , ; or tab")
                }
            }
            let (db, session) = try database.choice.signIn()
            let terminal = Prompt.canDrawProgress
            let bar = ProgressBar(enabled: terminal || progress, unit: "rows")
            let plain = !terminal
            var lastDraw = Date.distantPast
            let report = try ActionImportService(database: db).run(file: file, options: options, in: session) { rows, bytes, total in
                let now = Date()
                guard now.timeIntervalSince(lastDraw) >= (plain ? 0.5 : 0.1) || bytes >= total else { return }
                lastDraw = now
                bar.update(phase: dryRun ? "checking" : "importing", count: rows, fraction: total > 0 ? Double(bytes) / Double(total) : 1, plain: plain)
            }
            if !plain { bar.finish() }
            print(report.lines(limit: dryRun ? nil : 100).joined(separator: "\n"))
            if report.refused { throw ExitCode(1) }
            if report.problemCount > 0 { throw ImportExitCode.refusedRows }
        }
    }
}
