// The fifth version of the schema: the leads' full-text index reads digits as separators.
//
// Email addresses put digits after names ("maria.garcia87@..."): with digits inside words, the
// 1,000,000-lead demo has 1,717 distinct words that start with "garcia", and a prefix search for
// "garcia" merged all of them (8 ms in SQLite alone, twice per search). With digits as separators
// the index holds "garcia" once per lead, and the search reads one or two words' lists (2 ms).
// What digits a person types are not lost: the search checks them in the lead's name, email,
// company and phone (see `LeadSearchTerms`), and a search of digits alone looks up the phone.
// The index is dropped, made again with the new tokenizer and rebuilt from the leads; its
// triggers are made again with it.

enum SchemaV5 {
    static let leadsTokenizer = "unicode61 remove_diacritics 2 separators '0123456789'"

    static var statements: [String] {
        ["DROP TRIGGER leads_fts_insert", "DROP TRIGGER leads_fts_delete", "DROP TRIGGER leads_fts_update", "DROP TABLE leads_fts"]
            + SchemaV1.fullTextSearch(table: "leads", columns: ["name", "email", "company"], tokenizer: leadsTokenizer)
            + ["INSERT INTO leads_fts(leads_fts) VALUES ('rebuild')"]
    }
}
