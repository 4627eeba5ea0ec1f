import Foundation
internal import PostgresNIO

/// A value sent to PostgreSQL as a query's parameter (`$1`, `$2`...).
enum PGValue: Sendable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case date(Date)
}

/// What can be a query's parameter.
protocol PGBindable {
    var pgValue: PGValue { get }
}

extension Int64: PGBindable { var pgValue: PGValue { .int(self) } }
extension Int: PGBindable { var pgValue: PGValue { .int(Int64(self)) } }
extension Double: PGBindable { var pgValue: PGValue { .double(self) } }
extension String: PGBindable { var pgValue: PGValue { .text(self) } }
extension Bool: PGBindable { var pgValue: PGValue { .bool(self) } }
extension Date: PGBindable { var pgValue: PGValue { .date(self) } }
extension PGValue: PGBindable { var pgValue: PGValue { self } }
extension Optional: PGBindable where Wrapped: PGBindable {
    var pgValue: PGValue { self?.pgValue ?? .null }
}

/// A server's address and credentials, read from a `postgres://` URL (libpq's form:
/// `postgres://user:password@host:port/database?sslmode=require`, `host=/socket/dir` for a socket).
struct PostgresAddress: Sendable, Equatable {
    enum TLSMode: String, Sendable { case disable, prefer, require, verifyFull = "verify-full", verifyCA = "verify-ca" }

    var host: String
    var port: Int
    var socketPath: String?
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode

    init(url text: String) throws {
        let shown = StoreLocation.server(text).description
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError.cannotOpen(path: shown, detail: "not a postgres:// URL (postgres://user:password@host:5432/database)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? Int(query["port"] ?? "") ?? 5432
        if let dir = query["host"], dir.hasPrefix("/") { socketPath = "\(dir)/.s.PGSQL.\(port)" }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }) ?? query["user"], !user.isEmpty else {
            throw StoreError.cannotOpen(path: shown, detail: "the URL names no user (postgres://USER@host/database)")
        }
        self.user = user
        password = components.password?.removingPercentEncoding ?? query["password"] ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw StoreError.cannotOpen(path: shown, detail: "sslmode \(query["sslmode"] ?? "") is not one of disable, prefer, require, verify-ca, verify-full")
        }
        tls = mode
    }
}

/// One connection to a PostgreSQL server, used synchronously: each query waits for its answer on
/// the calling thread (never an event loop's), so a transaction's body stays synchronous as the
/// store contract wants it. One thread uses a session at a time (the store's pool hands it out).
final class PostgresSession: @unchecked Sendable {
    /// The event loop every connection of the process runs on (one thread: a client's work is
    /// waiting for the server).
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let logger = Logger(label: "funnel.postgres")

    let connection: PostgresConnection
    let shownLocation: String
    /// The server and database alone (`db.example/funnel`), for messages about a query.
    let shortLocation: String
    /// Set when the connection failed: the pool drops it.
    private(set) var isBroken = false
    private let closeWatch = CloseWatch()

    init(_ address: PostgresAddress, shownLocation: String) throws {
        self.shownLocation = shownLocation
        shortLocation = StoreLocation.server(shownLocation).displayName
        var configuration: PostgresConnection.Configuration
        if let socket = address.socketPath {
            configuration = .init(unixSocketPath: socket, username: address.user, password: address.password, database: address.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do {
                switch address.tls {
                case .disable: tls = .disable
                case .prefer, .require:
                    var client = TLSConfiguration.makeClientConfiguration()
                    client.certificateVerification = .none
                    let context = try NIOSSLContext(configuration: client)
                    tls = address.tls == .prefer ? .prefer(context) : .require(context)
                case .verifyCA, .verifyFull:
                    var client = TLSConfiguration.makeClientConfiguration()
                    client.certificateVerification = address.tls == .verifyFull ? .fullVerification : .noHostnameVerification
                    tls = .require(try NIOSSLContext(configuration: client))
                }
            } catch {
                throw StoreError.cannotOpen(path: shownLocation, detail: "TLS could not be set up: \(error)")
            }
            configuration = .init(host: address.host, port: address.port, username: address.user, password: address.password,
                                  database: address.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(3)
        do {
            connection = try PostgresConnection.connect(on: Self.group.next(), configuration: configuration, id: 1, logger: Self.logger).wait()
        } catch {
            throw StoreError.cannotOpen(path: shownLocation, detail: Self.describe(error))
        }
        let closeWatch = closeWatch
        connection.closeFuture.whenComplete { _ in closeWatch.close() }
    }

    deinit {
        // Closed before it goes (postgres-nio insists): the callback keeps it until then.
        let connection = connection
        connection.close().whenComplete { _ in _ = connection }
    }

    /// Runs one statement and returns its rows.
    func rows(_ sql: String, _ values: [PGValue] = []) throws -> [PostgresRow] {
        try run(sql, values).rows
    }

    /// Runs one statement; how many rows it wrote (or read).
    @discardableResult
    func execute(_ sql: String, _ values: [PGValue] = []) throws -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    /// Runs one statement, calling `onRow` with each row as it arrives (on the event loop's
    /// thread: `onRow` must only copy values out).
    func stream(_ sql: String, _ values: [PGValue], _ onRow: @escaping @Sendable (PostgresRow) throws -> Void) throws {
        try checkOpen()
        do {
            _ = try answer(connection.query(Self.query(sql, values), logger: Self.logger, onRow))
        } catch {
            throw translate(error)
        }
    }

    /// Sends a statement without waiting for its answer. The connection runs its statements one
    /// after another, in the order sent, so the next statement waited for is answered after this
    /// one: a `BEGIN` sent so costs no wait of its own. `settle` reads its answer later.
    func send(_ sql: String) -> Sent {
        Sent(isBroken || connection.isClosed ? nil : connection.query(Self.query(sql, []), logger: Self.logger))
    }

    /// A statement sent without waiting (its future is nil when the connection was already lost).
    final class Sent: @unchecked Sendable {
        fileprivate let future: EventLoopFuture<PostgresQueryResult>?
        private let lock = NSLock()
        private var answered = false

        fileprivate init(_ future: EventLoopFuture<PostgresQueryResult>?) {
            self.future = future
            future?.whenSuccess { _ in self.lock.withLock { self.answered = true } }
        }

        /// Whether the server has answered it without an error.
        var succeeded: Bool { lock.withLock { answered } }
    }

    /// The answer of a statement sent before: throws its failure in the store's words.
    func settle(_ sent: Sent) throws {
        try checkOpen()
        guard let future = sent.future else { return }
        do { _ = try answer(future) } catch { throw translate(error) }
    }

    private func run(_ sql: String, _ values: [PGValue]) throws -> PostgresQueryResult {
        try checkOpen()
        do {
            return try answer(connection.query(Self.query(sql, values), logger: Self.logger))
        } catch {
            throw translate(error)
        }
    }

    /// A connection the server closed (a restart) is not used: the pool connects again.
    private func checkOpen() throws {
        if connection.isClosed { isBroken = true }
        guard !isBroken else {
            throw StoreError.failed(path: shortLocation, detail: "the connection to the server was lost; this was not done")
        }
    }

    struct ConnectionClosed: Error {}

    /// Waits for a query's answer, or for the connection to close: a query written to a
    /// connection closing under it is never answered (postgres-nio drops it), so waiting for the
    /// answer alone could wait forever.
    ///
    /// The connection's close is heard by one callback for the session's life (`closeWatch`), not
    /// one per query: callbacks added to `closeFuture` stay until the connection closes, so a
    /// callback per query would pile up for as long as a pane stays open.
    private func answer<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        let settled = LoopFlag()
        future.whenComplete { result in
            if settled.set() { promise.completeWith(result) }
        }
        closeWatch.waitFor {
            if settled.set() { promise.fail(ConnectionClosed()) }
        }
        defer { closeWatch.done() }
        return try promise.futureResult.wait()
    }

    /// Set once, by whichever of two callbacks comes first (both run on one event loop).
    final class LoopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        func set() -> Bool { lock.withLock { defer { done = true }; return !done } }
    }

    /// What to do when the connection closes while a query waits: the session's one waiting
    /// query's `onClose` (one thread uses a session at a time), run at once when it has closed.
    final class CloseWatch: @unchecked Sendable {
        private let lock = NSLock()
        private var closed = false
        private var onClose: (@Sendable () -> Void)?

        func waitFor(_ action: @escaping @Sendable () -> Void) {
            let closedAlready = lock.withLock {
                onClose = action
                return closed
            }
            if closedAlready { action() }
        }

        func done() { lock.withLock { onClose = nil } }

        func close() {
            let action = lock.withLock {
                closed = true
                return onClose
            }
            action?()
        }
    }

    static func query(_ sql: String, _ values: [PGValue]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let int): bindings.append(int)
            case .double(let double): bindings.append(double)
            case .text(let text): bindings.append(text)
            case .bool(let bool): bindings.append(bool)
            case .date(let date): bindings.append(Self.millisecondTime(date))
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// A time to the millisecond, as the SQLite store keeps times, half a microsecond above it:
    /// PostgresNIO sends a Date as whole microseconds, truncated, so a time read back and bound
    /// again (a page key) lands on the value stored, never a microsecond below it.
    static func millisecondTime(_ date: Date) -> Date {
        let start = Date(timeIntervalSince1970: 946_684_800)
        let milliseconds = (date.timeIntervalSince(start) * 1000).rounded()
        return Date(timeInterval: milliseconds / 1000 + 0.000_000_5, since: start)
    }

    /// The server's error in the store's words; a lost connection marks the session broken.
    func translate(_ error: any Error) -> StoreError {
        if let psql = error as? PSQLError {
            if let server = psql.serverInfo, let state = server[.sqlState] {
                let message = server[.message] ?? "\(psql)"
                let detail = server[.detail].map { "\(message) (\($0))" } ?? message
                switch state {
                case "23514", "23502", "23505", "23503", "23P01", "P0001", "22001", "22P02", "22003", "22007", "22008":
                    return .constraint(Self.describeConstraint(state: state, detail: detail, constraint: server[.constraintName]))
                case "42501":
                    return .constraint("the database refused the change: \(detail)")
                case "25006":
                    return .readOnly(path: shortLocation, detail: detail)
                case "40001", "40P01":
                    return .failed(path: shortLocation, detail: "\(detail); nothing was written, try again")
                case "57P01", "57P02", "57P03":
                    isBroken = true
                    return .failed(path: shortLocation, detail: "the connection to the server was lost (\(message): a restart?); this was not done")
                default:
                    return .failed(path: shortLocation, detail: detail)
                }
            }
            isBroken = true
            return .failed(path: shortLocation, detail: "the connection to the server was lost (\(Self.describe(error))); this change was not made")
        }
        if error is ConnectionClosed {
            isBroken = true
            return .failed(path: shortLocation, detail: "the connection to the server was lost (a restart?); this was not done")
        }
        if let store = error as? StoreError { return store }
        return .failed(path: shortLocation, detail: Self.describe(error))
    }

    static func describeConstraint(state: String, detail: String, constraint: String?) -> String {
        let named = constraint.map { " (\($0))" } ?? ""
        switch state {
        case "23514": return "the database refused a value: \(detail)\(named)"
        case "23503": return "the database refused a reference to a record that does not exist (\(detail))"
        case "23505": return "the database refused a duplicate: \(detail)"
        case "23502": return "the database refused an empty required field: \(detail)"
        default: return "the database refused the change: \(detail)"
        }
    }

    /// An error in words (PSQLError's description hides the server's message).
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        switch psql.code {
        case .connectionError, .uncleanShutdown, .serverClosedConnection, .clientClosedConnection:
            // A certificate refused while TLS was set up (verify-ca, verify-full) says so.
            if let tls = psql.underlying as? NIOSSLError {
                // BoringSSL's reason (CERTIFICATE_VERIFY_FAILED), not its whole error stack.
                let text = "\(tls)"
                let reason = text.matches(of: /[A-Z][A-Z_]{7,}/).last.map { String($0.output) } ?? text
                return "the server's TLS certificate was refused (\(reason)): its authority is not one this machine trusts, or it was not made for this host"
            }
            // NIO's connection errors list every address tried: kept only when short.
            let underlying = psql.underlying.map { "\($0)" }.flatMap { $0.count <= 60 ? ": \($0)" : nil } ?? ""
            return "could not reach the server\(underlying)"
        case .sslUnsupported: return "the server does not offer TLS, which the URL's sslmode requires"
        default: return "\(psql.code)"
        }
    }
}

/// A row's cells by position, decoded to the Swift types the store uses.
struct PGRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = PostgresRandomAccessRow(row) }

    func has(_ name: String) -> Bool { row.contains(name) }

    func decode<T: PostgresDecodable>(_ type: T.Type, _ index: Int) throws -> T {
        do { return try row[index].decode(T.self, context: .default) } catch {
            throw StoreError.constraint("column \(row[index].columnName) cannot be read as \(T.self): \(error)")
        }
    }

    func decode<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws -> T {
        do { return try row[name].decode(T.self, context: .default) } catch {
            throw StoreError.constraint("column \(name) cannot be read as \(T.self): \(error)")
        }
    }

    func int(_ index: Int) throws -> Int64 { try decode(Int64.self, index) }
    func optionalInt(_ index: Int) throws -> Int64? { try decode(Int64?.self, index) }
    func string(_ index: Int) throws -> String { try decode(String.self, index) }
    func optionalString(_ index: Int) throws -> String? { try decode(String?.self, index) }
    func double(_ index: Int) throws -> Double { try decode(Double.self, index) }
    func date(_ index: Int) throws -> Date { try decode(Date.self, index) }
    func optionalDate(_ index: Int) throws -> Date? { try decode(Date?.self, index) }
    func bool(_ index: Int) throws -> Bool { try decode(Bool.self, index) }
}
