import Foundation

/// What the PostgreSQL store does not do yet, said as such (removed once every domain is in).
enum PostgresPending {
    static func error(_ function: String) -> StoreError {
        .failed(path: "PostgreSQL", detail: "\(function) is not available on a PostgreSQL server yet")
    }
}

extension PostgresReader: StoreReading {}
extension PostgresWriter: StoreWriting {}
