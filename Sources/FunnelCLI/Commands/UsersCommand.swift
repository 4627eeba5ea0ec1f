import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel users`: list, add, and set passwords.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "List the organization's users, add one, or set a password.",
        subcommands: [List.self, Add.self, Passwd.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users of the signed-in user's organization.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "table or json") var format: OutputFormat = .table

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let users = try IdentityService(database: db).users(in: session)
            var printer = DataPrinter(columns: ["id", "email", "name", "role", "active", "password"])
            for (user, role) in users {
                printer.add(
                    ["\(user.id ?? 0)", user.email, user.name, role, user.isActive ? "yes" : "no", user.passwordHash == nil ? "-" : "set"],
                    json: ["id": user.id ?? 0, "email": user.email, "name": user.name, "role": role,
                           "active": user.isActive, "has_password": user.passwordHash != nil])
            }
            printer.print(format)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user to the signed-in administrator's organization.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "The new user's email.") var email: String
        @Option(name: .long, help: "The new user's name.") var name: String
        @Option(name: .long, help: "admin, manager, sales_rep, marketer or viewer.") var role: String
        @Flag(name: .long, help: "Read the new user's password from standard input (after the signing-in password, if any).")
        var newPasswordStdin = false

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let password = newPasswordStdin ? try Prompt.stdinLine(purpose: "new user's password") : nil
            let user = try IdentityService(database: db).addUser(email: email, name: name, role: role, password: password, by: session)
            print("Added \(user.email) (\(role)) to \(session.organization.name)")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (your own, or anyone's as an administrator).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Whose password (default: the signed-in user).") var email: String?
        @Flag(name: .long, help: "Read the new password from standard input (after the signing-in password, if any).")
        var newPasswordStdin = false

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let target = email ?? session.user.email
            let password: String
            if newPasswordStdin {
                password = try Prompt.stdinLine(purpose: "new password")
            } else {
                guard Prompt.canAsk else { throw CLIError("give the new password with --new-password-stdin when standard input is not a terminal") }
                let first = Prompt.secret("New password for \(target): ") ?? ""
                guard Prompt.secret("Again: ") == first else { throw CLIError("the two passwords differ; nothing was changed") }
                password = first
            }
            try IdentityService(database: db).setPassword(email: target, to: password, by: session)
            print("Password set for \(target)")
        }
    }
}
