import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// Importing a CSV file, over any pane: the form, the file's columns (each one's fate with sample
/// values, changed with the keys of `ImportKeymap`), the progress of the check, the preview (the
/// dry run's report), and the import's own report. Nothing is written until `y` on the preview.
@MainActor
final class ImportScreen {
    let viewModel: ImportViewModel
    var form: Form
    var overlay = DetailOverlay()
    /// The list of fates for the column, over the columns (`f`).
    var picker: Picker?
    /// The first column shown (the one the user is on stays in view).
    var columnsTop = 0

    static let labels = ["File", "Records", "Mode", "Dates"]

    init(viewModel: ImportViewModel, file: String = "") {
        self.viewModel = viewModel
        form = Form(fields: [
            FormField("File", text: file, placeholder: "path of a .csv file (~ works)"),
            FormField("Records", text: "leads", placeholder: "leads, contacts or deals"),
            FormField("Mode", text: "create", placeholder: "create, update or upsert (create or update)"),
            FormField("Dates", text: "iso", placeholder: "iso (2026-03-14), mdy (3/14/2026) or dmy (14/3/2026)"),
        ])
    }

    /// `help`: the key registry's help, for the import's scope.
    enum Outcome { case handled, close, help }

    /// The import action (or help) `key` runs in the registry; a refused one is said.
    func action(for key: Key, in registry: KeyRegistry) -> String? {
        switch registry.action(for: key, scope: ImportKeymap.scope) {
        case .action(let action) where action.scope == ImportKeymap.scope || action.id == "app.help":
            return action.id
        case .refused(let action, let reason) where action.scope == ImportKeymap.scope:
            viewModel.note(reason)
            return nil
        default:
            return nil
        }
    }

    func handle(_ key: Key, registry: KeyRegistry) -> Outcome {
        switch viewModel.stage {
        case .choosing:
            switch key {
            case .escape: return .close
            case .enter: submitForm()
            default: _ = form.handle(key)
            }
        case .running:
            if key == .escape || key == .ctrl("c") { viewModel.stop() }
        case .columns:
            if var open = picker {
                switch open.handle(key) {
                case .pending: picker = open
                case .cancelled: picker = nil
                case .chose(let index):
                    picker = nil
                    let choices = viewModel.fateChoices
                    if choices.indices.contains(index) { viewModel.choose(choices[index]) }
                }
                return .handled
            }
            switch action(for: key, in: registry) {
            case "import.down": viewModel.moveColumn(by: 1)
            case "import.up": viewModel.moveColumn(by: -1)
            case "import.nextFate": viewModel.cycleFate(by: 1)
            case "import.previousFate": viewModel.cycleFate(by: -1)
            case "import.pickFate": openPicker()
            case "import.key": viewModel.toggleKey()
            case "import.reset": viewModel.resetColumn()
            case "import.check":
                overlay = DetailOverlay()
                viewModel.check()
            case "import.close": return .close
            case "app.help": return .help
            default: break
            }
        case .preview(let report):
            switch action(for: key, in: registry) {
            case "import.confirm" where !report.refused && report.created + report.updated > 0:
                viewModel.confirm()
            case "import.columns": viewModel.backToColumns()
            case "import.close": return .close
            case "app.help": return .help
            default: _ = overlay.handle(key)
            }
        case .done, .failed:
            if key == .enter { return .close }
            switch action(for: key, in: registry) {
            case "import.close": return .close
            case "import.columns": viewModel.backToColumns()
            case "app.help": return .help
            default: _ = overlay.handle(key)
            }
        }
        return .handled
    }

    /// Opens the list of fates on the one the column has.
    func openPicker() {
        guard let column = viewModel.currentColumn else { return }
        var open = Picker(title: "What becomes of \"\(column.name)\"", items: viewModel.fateChoices.map(\.label))
        open.list.selected = viewModel.choiceIndex(of: column) ?? 0
        picker = open
    }

    func paste(_ text: String) {
        switch viewModel.stage {
        case .choosing: form.paste(text)
        case .columns: picker?.paste(text)
        default: break
        }
    }

    func submitForm() {
        let texts = form.fields.map { $0.input.text.trimmingCharacters(in: .whitespaces).lowercased() }
        form.fields.indices.forEach { form.fields[$0].validationMessage = nil }
        let entity = ImportEntity(rawValue: texts[1]) ?? ImportEntity.allCases.first { !texts[1].isEmpty && $0.rawValue.hasPrefix(texts[1]) }
        let mode = ImportMode(rawValue: texts[2]) ?? ImportMode.allCases.first { !texts[2].isEmpty && $0.rawValue.hasPrefix(texts[2]) }
        let dates = ImportDateFormat(rawValue: texts[3])
        if form.fields[0].input.text.trimmingCharacters(in: .whitespaces).isEmpty { form.fields[0].validationMessage = "the path of a CSV file" }
        if entity == nil { form.fields[1].validationMessage = "leads, contacts or deals" }
        if mode == nil { form.fields[2].validationMessage = "create, update or upsert" }
        if dates == nil { form.fields[3].validationMessage = "iso, mdy or dmy" }
        guard let entity, let mode, let dates, form.fields[0].validationMessage == nil else { return }
        overlay = DetailOverlay()
        viewModel.preview(file: form.fields[0].input.text, entity: entity, mode: mode, dateFormat: dates)
    }

    func render(into buffer: inout CellBuffer, in rect: Rect, registry: KeyRegistry) {
        func keys(_ id: String) -> String { registry.action(id: id)?.keys.first?.description ?? "?" }
        switch viewModel.stage {
        case .choosing:
            PromptBox.form(form, title: "Import a CSV file", width: 80, enter: "shows its columns, writing nothing", into: &buffer, in: rect)
        case .columns(let preview):
            renderColumns(preview, keys: keys, into: &buffer, in: rect)
        case .running(let dryRun):
            renderProgress(dryRun: dryRun, into: &buffer, in: rect)
        case .preview(let report):
            var lines = report.lines(limit: 500)
            lines.insert(report.refused || report.created + report.updated == 0
                         ? "Nothing to import: \(keys("import.columns")) changes the columns; \(keys("import.close")) goes back."
                         : "\(keys("import.confirm")) imports \(NumberText.grouped(report.created + report.updated)) rows now (one transaction, undoable); "
                            + "\(keys("import.columns")) changes the columns; \(keys("import.close")) cancels.", at: 1)
            if let message = viewModel.message { lines.insert(message, at: 2) }
            overlay.render(lines: lines, title: "Preview of \((report.file as NSString).lastPathComponent): nothing written yet", into: &buffer, in: rect)
        case .done(let report):
            overlay.render(lines: report.lines(limit: 500), title: "Imported", into: &buffer, in: rect)
        case .failed(let message):
            let back = viewModel.columnsPreview == nil ? "" : "\(keys("import.columns")) goes back to the columns; "
            overlay.render(lines: ["The import did not run.", "", message, "", back + "\(keys("import.close")) closes"], title: "Import", into: &buffer, in: rect)
        }
    }

    /// The columns of the file: what becomes of each, its sample values and empty rows; the
    /// header's problems; the keys that change them.
    func renderColumns(_ preview: ImportPreview, keys: (String) -> String, into buffer: inout CellBuffer, in rect: Rect) {
        let box = rect.inset(top: 0, left: 2, bottom: 0, right: 2)
        let inner = Box.draw(into: &buffer, in: box, title: "Columns of \((preview.file as NSString).lastPathComponent): nothing written yet")
        guard inner.height >= 4, inner.width >= 20 else { return }
        let x = inner.x + 1
        let width = inner.width - 1
        var y = inner.y
        var summary = "\(preview.entity.rawValue) · mode \(viewModel.options.mode.rawValue) · dates \(viewModel.options.dateFormat.rawValue)"
            + " · delimiter \(preview.delimiter) · samples from \(preview.sampledRowsText)"
        if preview.unreadableRows > 0 { summary += " (\(NumberText.grouped(preview.unreadableRows)) of them unreadable)" }
        _ = buffer.put(summary, at: Point(x: x, y: y), maxWidth: width, style: Style(.overlay, .bold))
        y += 1
        if preview.entity == .leads {
            let key = preview.columns.first(where: \.isKey).map { "\"\($0.name)\" (kept as external_id; duplicates and updates go by it)" }
                ?? (preview.keyFromLine ? "the row's line (@line)" : "email or phone (\(keys("import.key")) makes the column the key)")
            _ = buffer.put("Key: " + key, at: Point(x: x, y: y), maxWidth: width, style: Style(.overlay))
            y += 1
        }
        if !preview.constants.isEmpty {
            _ = buffer.put("Every row: " + preview.constants.joined(separator: ", "), at: Point(x: x, y: y), maxWidth: width, style: Style(.overlay))
            y += 1
        }
        for problem in preview.problems.prefix(3) {
            _ = buffer.put("! " + problem, at: Point(x: x, y: y), maxWidth: width, style: Style(.danger))
            y += 1
        }
        let footer = [
            preview.columns.contains(where: \.kindFromSample)
                ? "* kind read from \(preview.sampledRowsText); the import reads it from every value (choose a kind to keep it)" : nil,
            viewModel.message,
            "\(keys("import.down"))/\(keys("import.up")) column · \(keys("import.nextFate"))/\(keys("import.previousFate")) fate · "
                + "\(keys("import.pickFate")) choose · \(keys("import.key")) key · \(keys("import.reset")) reset · "
                + "\(keys("import.check")) checks (writes nothing) · \(keys("import.close")) closes · \(keys("app.help")) keys",
        ].compactMap { $0 }
        let tableTop = y + 1
        let rows = max(0, inner.maxY - footer.count - 1 - (tableTop + 1))
        let nameWidth = min(28, max(6, preview.columns.map { DisplayWidth.width(of: $0.name) }.max() ?? 6))
        let fateWidth = 30
        let emptyWidth = 9
        func line(_ y: Int, _ name: String, _ fate: String, _ empty: String, _ samples: String, style: Style, fateStyle: Style) {
            var column = x
            buffer.putPadded(name, at: Point(x: column, y: y), width: min(nameWidth, max(0, inner.maxX - column)), style: style)
            column += nameWidth + 2
            guard column < inner.maxX else { return }
            buffer.putPadded(fate, at: Point(x: column, y: y), width: min(fateWidth, inner.maxX - column), style: fateStyle)
            column += fateWidth + 1
            guard column < inner.maxX else { return }
            buffer.putPadded(empty, at: Point(x: column, y: y), width: min(emptyWidth, inner.maxX - column), alignment: .right, style: style)
            column += emptyWidth + 2
            guard column < inner.maxX else { return }
            _ = buffer.put(samples, at: Point(x: column, y: y), maxWidth: inner.maxX - column, style: style)
        }
        if rows > 0 {
            line(tableTop, "Column", "Becomes", "Empty", "Sample values", style: Style(.header), fateStyle: Style(.header))
            let selected = viewModel.selectedColumn
            if selected < columnsTop { columnsTop = selected }
            if selected >= columnsTop + rows { columnsTop = selected - rows + 1 }
            columnsTop = max(0, min(columnsTop, preview.columns.count - rows))
            for (offset, column) in preview.columns.dropFirst(columnsTop).prefix(rows).enumerated() {
                let rowY = tableTop + 1 + offset
                let isSelected = columnsTop + offset == selected
                if isSelected { buffer.fill(Rect(x: inner.x, y: rowY, width: inner.width, height: 1), style: Style(.selection)) }
                let base = isSelected ? Style(.selection) : Style(.overlay)
                let fateStyle: Style
                switch column.fate {
                case _ where isSelected: fateStyle = base
                case .ignored: fateStyle = Style(.muted)
                case .field: fateStyle = Style(.accent)
                case .attribute: fateStyle = Style(.overlay)
                }
                let samples = column.samples.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: " · ")
                line(rowY, column.name, fateLabel(column), "\(NumberText.grouped(column.emptyCount))/\(NumberText.grouped(preview.rowsSampled))",
                     samples.isEmpty ? "(empty)" : samples, style: base, fateStyle: fateStyle)
            }
            if columnsTop > 0 { _ = buffer.put("▲", at: Point(x: box.maxX - 2, y: box.y), style: Style(.border)) }
            if columnsTop + rows < preview.columns.count { _ = buffer.put("▼", at: Point(x: box.maxX - 2, y: box.maxY - 1), style: Style(.border)) }
        }
        for (offset, text) in footer.enumerated() {
            let isKeys = offset == footer.count - 1
            let isMessage = text == viewModel.message && !isKeys
            _ = buffer.put(text, at: Point(x: x, y: inner.maxY - footer.count + offset), maxWidth: width,
                           style: Style(isMessage ? .accent : .muted))
        }
        if let picker { picker.render(into: &buffer, in: rect) }
    }

    /// A column's fate in the table: `email`, `key (external_id)`, `attribute number*`, `ignored`.
    func fateLabel(_ column: ImportPreview.Column) -> String {
        switch column.fate {
        case .ignored: return "ignored"
        case _ where column.isKey: return "key (external_id)"
        case .field(let field): return "field " + field.rawValue
        case .attribute(let attribute):
            return "attribute" + (attribute.kind.map { " " + $0.label } ?? "") + (column.kindFromSample ? "*" : "") + (attribute.scoring ? "" : ", not scored")
        }
    }

    func renderProgress(dryRun: Bool, into buffer: inout CellBuffer, in rect: Rect) {
        let width = min(rect.width, 76)
        let box = Rect(x: rect.x + (rect.width - width) / 2, y: rect.y + max(0, rect.height / 3), width: width, height: 5)
        let name = (viewModel.file as NSString).lastPathComponent
        let inner = Box.draw(into: &buffer, in: box, title: dryRun ? "Checking \(name) (nothing is written)" : "Importing \(name)")
        guard inner.height >= 2 else { return }
        let progress = viewModel.progress
        let fraction = progress.total > 0 ? min(1, Double(progress.bytes) / Double(progress.total)) : 0
        let barWidth = max(0, inner.width - 8)
        let filled = Int(fraction * Double(barWidth))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        _ = buffer.put(" \(bar) \(Int(fraction * 100))%", at: inner.origin, maxWidth: inner.width, style: Style(.accent))
        var text = " \(NumberText.grouped(progress.rows)) rows · \(NumberText.grouped(Int(viewModel.rowsPerSecond))) rows/s"
        if fraction > 0.02 {
            let elapsed = Date().timeIntervalSince(viewModel.startedAt)
            text += " · \(Int((elapsed / fraction - elapsed).rounded())) s left"
        }
        _ = buffer.put(text + " · esc stops", at: Point(x: inner.x, y: inner.y + 1), maxWidth: inner.width, style: Style(.muted))
    }
}
