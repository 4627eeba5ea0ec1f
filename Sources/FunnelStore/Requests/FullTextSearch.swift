import GRDB

extension StoreTransaction {
    /// Runs raw SQL: only the store's own tests use it, to write what the typed API cannot.
    public func rawExecuteForTests(_ sql: String, _ arguments: Int64...) throws {
        try db.execute(sql: sql, arguments: StatementArguments(arguments))
    }
}

extension StoreReader {
    /// The ids of an organization's leads matching a full-text query, best match first.
    public func searchLeadIDs(_ text: String, orgId: Int64, limit: Int = 200) throws -> [Int64] {
        let query = FullTextQuery.prefixQuery(text)
        if query.isEmpty { return [] }
        return try Int64.fetchAll(db, sql: """
            SELECT leads.id FROM leads_fts JOIN leads ON leads.id = leads_fts.rowid
            WHERE leads_fts MATCH ? AND leads.org_id = ? ORDER BY leads_fts.rank LIMIT ?
            """, arguments: [query, orgId, limit])
    }
}

/// Turns what a person types into a safe FTS5 query.
public enum FullTextQuery {
    /// Each word quoted (so FTS5 syntax characters are plain text) and matched as a prefix.
    public static func prefixQuery(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace })
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }
            .joined(separator: " ")
    }
}
