import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel import`: bring data from other systems in, each source its own subcommand.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data from another CRM (needs the data.import permission).",
        subcommands: [MavenCRM.self]
    )

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
