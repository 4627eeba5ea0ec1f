import ArgumentParser
import Foundation
import FunnelStore
import FunnelServices

/// `funnel migrate FROM TO`: copies a SQLite workspace into a PostgreSQL database (team mode).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite workspace into an empty PostgreSQL database (or back into a new file), with all its history.",
        discussion: """
            FROM is a Funnel file, TO a postgres:// URL signed in as the database's owner (a superuser:
            the rows are copied as they are, ids and history included). The server is given Funnel's
            schema when it has none. Everything is copied in one transaction with COPY, then every
            table's rows are counted per organization on both sides: the copy is kept only when they
            match. Users then sign in as themselves: give each a login with `funnel users passwd`.
            With FROM a postgres:// URL and TO a new file, the server's workspace is copied into the
            file the same way (one read transaction, counted after).
            """
    )

    @Argument(help: ArgumentHelp("The SQLite workspace to copy.", valueName: "from")) var from: String
    @Argument(help: ArgumentHelp("The PostgreSQL database to copy into (postgres://OWNER@host:port/db).", valueName: "to")) var to: String

    /// The copy blocks its thread while a task of its own feeds the server's COPY: it runs on a
    /// thread of its own, so the task finds a thread of Swift's pool free (a pool of one thread, on
    /// a one-core machine, would otherwise wait for itself).
    func run() async throws {
        let command = self
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let context = CommandContext.current
            let thread = Thread {
                continuation.resume(with: Result { try CommandContext.$current.withValue(context) { try command.copy() } })
            }
            thread.name = "funnel migrate"
            thread.start()
        }
    }

    func copy() throws {
        let source = StoreLocation(CLIEnvironment.expandingTilde(from)), target = StoreLocation(CLIEnvironment.expandingTilde(to))
        if source.path == nil, let file = target.path {
            guard let server = try source.openStore(readOnly: true, create: false) as? PostgresStore else { throw CLIError("\(source) is not a server") }
            let started = Date()
            let report = try StoreMigration.copy(from: server, toFile: file)
            print("Copied \(NumberText.grouped(report.tables.reduce(0) { $0 + $1.rows })) rows in \(report.tables.count) tables from \(source) to \(file) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            print("Checked: \(report.comparisons) row counts per table and organization match")
            return
        }
        guard source.path != nil else { throw CLIError("FROM must be a Funnel file when TO is a server; \(source) is a server") }
        guard target.path == nil else { throw CLIError("TO must be a postgres:// URL; \(target) is a file") }
        guard FileManager.default.fileExists(atPath: source.path ?? "") else { throw CLIError("no Funnel file at \(source)") }
        let file = try source.openStore(readOnly: true, create: false)
        let server = try target.openStore(create: true)
        let started = Date()
        let report = try StoreMigration.copy(from: file, to: server) { table, rows in
            CommandContext.current.errors("  \(table): \(NumberText.grouped(rows)) rows\n")
            return true
        }
        let rows = report.tables.reduce(0) { $0 + $1.rows }
        print("Copied \(NumberText.grouped(rows)) rows in \(report.tables.count) tables from \(source) to \(target) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        print("Checked: \(report.comparisons) row counts per table and organization match")
    }
}
