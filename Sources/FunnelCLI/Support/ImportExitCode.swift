import ArgumentParser

/// The exit statuses of `funnel import` (docs/import.md, "Exit status"):
/// - 0: every row was imported (duplicates skipped as asked are not refusals);
/// - 1: nothing was imported (a file or header that cannot be used, `--strict` with bad rows, a NUL byte);
/// - 3: the import was done, but some rows were refused as bad (listed in the report).
enum ImportExitCode {
    static let refusedRows = ExitCode(3)
}
