import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// Importing a CSV file, over any pane: the form, the progress of the check, the preview (the dry
/// run's report), and the import's own report. Nothing is written until `y` on the preview.
@MainActor
final class ImportScreen {
    let viewModel: ImportViewModel
    var form: Form
    var overlay = DetailOverlay()

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

    enum Outcome { case handled, close }

    func handle(_ key: Key) -> Outcome {
        switch viewModel.stage {
        case .choosing:
            switch key {
            case .escape: return .close
            case .enter: submitForm()
            default: _ = form.handle(key)
            }
        case .running:
            if key == .escape || key == .ctrl("c") { viewModel.stop() }
        case .preview(let report):
            switch key {
            case .character("y") where !report.refused && report.created + report.updated > 0:
                viewModel.confirm()
            case .escape, .character("q"), .character("n"): return .close
            default: _ = overlay.handle(key)
            }
        case .done, .failed:
            switch key {
            case .escape, .enter, .character("q"): return .close
            default: _ = overlay.handle(key)
            }
        }
        return .handled
    }

    func paste(_ text: String) {
        if case .choosing = viewModel.stage { form.paste(text) }
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

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        switch viewModel.stage {
        case .choosing:
            PromptBox.form(form, title: "Import a CSV file", width: 80, enter: "checks it, writing nothing", into: &buffer, in: rect)
        case .running(let dryRun):
            renderProgress(dryRun: dryRun, into: &buffer, in: rect)
        case .preview(let report):
            var lines = report.lines(limit: 500)
            lines.insert(report.refused || report.created + report.updated == 0
                         ? "Nothing to import: esc goes back."
                         : "y imports \(NumberText.grouped(report.created + report.updated)) rows now (one transaction, undoable); esc cancels.", at: 1)
            overlay.render(lines: lines, title: "Preview of \((report.file as NSString).lastPathComponent): nothing written yet", into: &buffer, in: rect)
        case .done(let report):
            overlay.render(lines: report.lines(limit: 500), title: "Imported", into: &buffer, in: rect)
        case .failed(let message):
            overlay.render(lines: ["The import did not run.", "", message, "", "esc closes"], title: "Import", into: &buffer, in: rect)
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
