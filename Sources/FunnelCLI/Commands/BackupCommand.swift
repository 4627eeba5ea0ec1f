import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel backup PATH`: a consistent copy of the database file, taken while others keep working.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file with SQLite's online backup, while others keep working.",
        discussion: """
            The copy is one consistent snapshot (a change committed during the backup is either wholly in it
            or not at all); other Funnel processes go on reading and writing meanwhile. It is checked
            (PRAGMA quick_check) before it is renamed into place, is readable by its owner only, and never
            overwrites a file. It holds every organization of the file: the operating system's file
            permissions are the boundary, as for the database itself.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The database file (default: $FUNNEL_DB, the config's `database`, or ~/.local/share/funnel/funnel.sqlite).", valueName: "path"))
    var db: String?
    @Argument(help: ArgumentHelp("The new backup file.", valueName: "path")) var path: String

    func run() throws {
        let database = try DatabaseChoice(db: db, readOnly: true).open()
        let summary = try database.backup(to: path)
        print("Backed up \(database.location) to \(summary.path): \(NumberText.grouped(Int(summary.bytes / 1024))) KiB, schema version \(summary.schemaVersion), \(NumberText.grouped(summary.organizations)) organizations, \(NumberText.grouped(summary.leads)) leads, \(NumberText.grouped(summary.deals)) deals.")
    }
}

/// `funnel restore BACKUP`: replaces the database's content with a backup, after checking it and asking.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database's content with a backup (asks first; --yes in scripts).",
        discussion: """
            The backup is checked first: a file that is not a Funnel database, is damaged, or was written
            by a newer Funnel is refused and nothing is changed. Restoring replaces every organization's
            data in the database file, so it asks for confirmation on a terminal and needs --yes otherwise.
            Other Funnel processes with the database open see the restored data on their next read.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The database file to restore into (default: as for every command).", valueName: "path"))
    var db: String?
    @Argument(help: ArgumentHelp("The backup file (made by `funnel backup`).", valueName: "backup")) var backup: String
    @Flag(help: "Replace the database without asking.") var yes = false

    func run() throws {
        let backupSummary = try AppDatabase.inspectBackup(path: backup)
        let choice = DatabaseChoice(db: db)
        let target = choice.resolvedPath()
        func describe(_ summary: BackupSummary) -> String {
            "\(NumberText.grouped(summary.organizations)) organizations, \(NumberText.grouped(summary.leads)) leads, \(NumberText.grouped(summary.deals)) deals"
        }
        let exists = FileManager.default.fileExists(atPath: target)
        // A damaged database is what a restore is for: it is opened to be replaced whole.
        let database = try choice.open(create: true, replacing: true)
        if exists {
            let current = (try? database.summary()).map(describe) ?? "which cannot be read whole: it is damaged"
            if !yes {
                let question = "Replace everything in \(target) (\(current)) with the backup \(backup) (\(describe(backupSummary)))?"
                guard Prompt.canAsk else {
                    throw CLIError("\(question) Restoring replaces the database: give --yes to confirm. Nothing was changed.")
                }
                let answer = Prompt.line(question + " Type yes to replace it: ")?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "yes" else { throw CLIError("not restored: nothing was changed.") }
            }
        }
        try database.restore(from: backup)
        print("Restored \(target) from \(backup): \(describe(try database.summary())).")
    }
}
