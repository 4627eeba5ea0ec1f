import ArgumentParser
import FunnelServices
import FunnelStore

/// `funnel init`: creates (or migrates) a database with its first organization and administrator.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create or migrate a database, with the first organization and its administrator.",
        discussion: """
            Without --org and --admin on a terminal, asks for them. With --password-stdin the
            administrator's password is read from standard input and the organization requires
            sign-in; without a password, the database file's permissions (owner only) are the boundary.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The database file to create or migrate.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: "The organization's name.")
    var org: String?

    @Option(name: .long, help: ArgumentHelp("The administrator's email address.", valueName: "email"))
    var admin: String?

    @Option(name: .long, help: "The administrator's name (default: the part of the email before @).")
    var adminName: String?

    @Flag(name: .long, help: "Read the administrator's password from standard input.")
    var passwordStdin = false

    func run() throws {
        var options = DatabaseChoice()
        options.db = db
        let path = options.resolvedLocation().description
        let database = try options.open(create: true)
        let organizations = try database.snapshot { try $0.organizations() }
        if !organizations.isEmpty && org == nil {
            print("\(path): schema version \(try database.schemaVersion()), organizations: \(organizations.map(\.name).joined(separator: ", "))")
            return
        }
        guard let name = org ?? (Prompt.canAsk ? Prompt.line("Organization name: ") : nil), !name.isEmpty else {
            throw CLIError("init needs --org NAME (and --admin EMAIL) when standard input is not a terminal")
        }
        guard let email = admin ?? (Prompt.canAsk ? Prompt.line("Administrator's email: ") : nil), !email.isEmpty else {
            throw CLIError("init needs --admin EMAIL when standard input is not a terminal")
        }
        var password: String?
        if passwordStdin {
            password = try Prompt.stdinLine(purpose: "administrator's password")
        } else if Prompt.canAsk {
            let first = Prompt.secret("Password for \(email) (empty: no sign-in, the file's permissions protect it): ") ?? ""
            if !first.isEmpty {
                guard Prompt.secret("Again: ") == first else { throw CLIError("the two passwords differ; nothing was created") }
                password = first
            }
        }
        let displayName = adminName ?? String(email.split(separator: "@").first ?? Substring(email))
        let session = try WorkspaceSetup(database: database).createOrganization(
            name: name, adminEmail: email, adminName: displayName, password: password)
        print("Created \(session.organization.name) (\(session.organization.slug)) in \(path)")
        print("Administrator: \(session.user.email)\(password == nil ? " (no password: sign-in not required)" : " (sign-in required)")")
    }
}
