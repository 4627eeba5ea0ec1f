import FunnelUI

/// The import screen's actions (scope `import`): the columns of the file (each one's fate, changed
/// before anything is imported), the dry run's report, and the import. The form's typing, and the
/// report's scrolling, stay with their widgets.
enum ImportKeymap {
    static let scope = KeyScope.pane("import")

    static let actions: [KeyAction] = [
        KeyAction("import.down", ["j", "down"], "Columns: next column", scope: scope),
        KeyAction("import.up", ["k", "up"], "Columns: previous column", scope: scope),
        KeyAction("import.nextFate", ["l", "right"], "Columns: the column's next fate (attribute of a kind, not scored, ignored, a field)", scope: scope),
        KeyAction("import.previousFate", ["h", "left"], "Columns: the column's previous fate", scope: scope),
        KeyAction("import.pickFate", ["f"], "Columns: choose the column's fate from a list…", scope: scope),
        KeyAction("import.key", ["K"], "Columns: make the column the lead's key (--key), or not", scope: scope),
        KeyAction("import.reset", ["r"], "Columns: give the column the fate its header gives", scope: scope),
        KeyAction("import.check", ["enter"], "Columns: check the import with these columns (a dry run, nothing written)", scope: scope),
        KeyAction("import.columns", ["c"], "Preview: back to the columns, to change them", scope: scope),
        KeyAction("import.confirm", ["y"], "Preview: import now (one transaction, undoable)", scope: scope, needs: "data.import"),
        KeyAction("import.close", ["esc", "q", "n"], "Close the import (nothing is written before y)", scope: scope),
    ]
}
