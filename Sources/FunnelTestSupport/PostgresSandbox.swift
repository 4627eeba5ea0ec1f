import Foundation

/// The throwaway PostgreSQL server of the team-mode tests (`scripts/postgres-sandbox.sh`): its
/// admin URL from `FUNNEL_PG_ADMIN_URL` (set by `make test`, which starts the server and stops it
/// after), else started here (and left running: `scripts/postgres-sandbox.sh stop`).
public enum PostgresSandbox {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static let started: Result<String, Failure> = {
        if let url = ProcessInfo.processInfo.environment["FUNNEL_PG_ADMIN_URL"], !url.isEmpty { return .success(url) }
        do {
            // The server it starts outlives it: its output goes to a file, not to pipes this
            // process would wait on for the end.
            let output = NSTemporaryDirectory() + "funnel-pg-sandbox-\(getpid()).out"
            defer { try? FileManager.default.removeItem(atPath: output) }
            let result = try ProcessRunner.run("/bin/bash", ["-c", "'\(Repository.root)/scripts/postgres-sandbox.sh' start > '\(output)' 2>&1 < /dev/null"],
                                               discardingOutput: true)
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            guard result.status == 0, let url = text.split(separator: "\n").last(where: { $0.hasPrefix("postgres://") }) else {
                return .failure(Failure(description: "scripts/postgres-sandbox.sh start failed (\(result.status)): \(text)"))
            }
            return .success(String(url))
        } catch {
            return .failure(Failure(description: "scripts/postgres-sandbox.sh start: \(error)"))
        }
    }()

    /// The admin URL (`postgres://funnel_admin:...@127.0.0.1:PORT/funnel`).
    public static func adminURL() throws -> String { try started.get() }

    /// `url` with another database name.
    public static func url(_ url: String, database: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards) else { return url }
        return String(url[..<slash.lowerBound]) + "/" + database
    }

    /// `url` signed in as another user.
    public static func url(_ url: String, user: String, password: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex) else { return url }
        return String(url[..<scheme.upperBound]) + user + ":" + password + String(url[at.lowerBound...])
    }

    /// Runs SQL with psql (no startup file; stops at the first error when `stopOnError`).
    @discardableResult
    public static func psql(_ url: String, _ sql: String, stopOnError: Bool = true) throws -> ProcessResult {
        try ProcessRunner.run("/usr/bin/psql", [url, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=\(stopOnError ? 1 : 0)"], input: sql)
    }

    /// A new, empty database on the sandbox server (dropped first if it exists); its admin URL.
    public static func freshDatabase(_ name: String) throws -> String {
        let admin = try adminURL()
        let dropped = try psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE);\nCREATE DATABASE \(name);")
        guard dropped.status == 0 else { throw Failure(description: "creating database \(name): \(dropped.standardError)") }
        return url(admin, database: name)
    }
}
