import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// The scoring view, over any pane (from the palette): the model in force, the versions list and,
/// beside it, the selected version's summary (what it learned from and when, its cross-validated
/// AUC against the rules'), factors with their points, and calibration; learning's progress; the
/// yes/no before a model is used. Keys are `ScoringKeymap`'s.
@MainActor
final class ScoringScreen {
    let viewModel: ScoringViewModel
    /// The first line of the details shown, and how many lines they hold past the view (to clamp it).
    var scroll = 0
    var detailsOverflow = 0
    /// The details' height last drawn (a page of scrolling).
    var detailsHeight = 10
    /// The first version shown (the one the user is on stays in view).
    var listTop = 0

    init(viewModel: ScoringViewModel) {
        self.viewModel = viewModel
    }

    /// `help`: the key registry's help, for the scoring scope.
    enum Outcome { case handled, close, help }

    /// The scoring action (or help) `key` runs in the registry; a refused one is said, naming
    /// the permission it needs.
    func action(for key: Key, in registry: KeyRegistry) -> String? {
        switch registry.action(for: key, scope: ScoringKeymap.scope) {
        case .action(let action) where action.scope == ScoringKeymap.scope || action.id == "app.help":
            return action.id
        case .refused(let action, let reason) where action.scope == ScoringKeymap.scope:
            viewModel.note(reason)
            return nil
        default:
            return nil
        }
    }

    func handle(_ key: Key, registry: KeyRegistry) -> Outcome {
        switch viewModel.stage {
        case .learning:
            if key == .escape || key == .ctrl("c") || action(for: key, in: registry) == "scoring.close" { viewModel.stop() }
        case .switching:
            if key == .escape || key == .ctrl("c") || action(for: key, in: registry) == "scoring.close" {
                viewModel.note("Rescoring every lead: a switch finishes (it is not stopped halfway)")
            }
        case .confirmingLearned, .confirmingSwitch:
            // y or n only: an Enter pressed as learning ends must not use a model.
            guard key != .enter, let dialog else { break }
            switch dialog.handle(key) {
            case .confirmed: viewModel.confirm()
            case .cancelled: viewModel.decline()
            case .pending: break
            }
        case .browsing:
            viewModel.clearMessage()
            switch action(for: key, in: registry) {
            case "scoring.down": viewModel.move(by: 1); scroll = 0
            case "scoring.up": viewModel.move(by: -1); scroll = 0
            case "scoring.scrollDown": scroll = min(detailsOverflow, scroll + max(1, detailsHeight / 2))
            case "scoring.scrollUp": scroll = max(0, scroll - max(1, detailsHeight / 2))
            case "scoring.learn": viewModel.learn()
            case "scoring.use": viewModel.askToUseSelected()
            case "scoring.rules": viewModel.askToUseRules()
            case "scoring.close": return .close
            case "app.help": return .help
            default: break
            }
        }
        return .handled
    }

    /// The yes/no asked while the view waits for one.
    var dialog: ConfirmDialog? {
        guard let question = viewModel.question else { return nil }
        switch viewModel.stage {
        case .confirmingLearned(let version): return ConfirmDialog(title: "Use learned model v\(version)?", message: question)
        case .confirmingSwitch(let version):
            return ConfirmDialog(title: version.map { "Use learned model v\($0)?" } ?? "Go back to the rules?", message: question)
        default: return nil
        }
    }

    // MARK: - Drawing

    func render(into buffer: inout CellBuffer, in rect: Rect, registry: KeyRegistry) {
        func keys(_ id: String) -> String { registry.action(id: id)?.keys.first?.description ?? "?" }
        let box = rect.inset(top: 0, left: 2, bottom: 0, right: 2)
        let name = ScoringViewModel.oneLine(viewModel.session.organization.name)
        let inner = Box.draw(into: &buffer, in: box, title: "Scoring of \(name)")
        guard inner.height >= 6, inner.width >= 30 else { return }
        let x = inner.x + 1
        let width = inner.width - 1
        _ = buffer.put("In force: " + ScoringViewModel.oneLine(viewModel.inForceText), at: Point(x: x, y: inner.y), maxWidth: width,
                       style: Style(.accent, .bold))
        var hints = "\(keys("scoring.down"))/\(keys("scoring.up")) version · \(keys("scoring.scrollDown"))/\(keys("scoring.scrollUp")) scroll · "
        let mayChange = viewModel.canAdminister && !registry.isReadOnly
        if mayChange {
            hints += "\(keys("scoring.use")) use it · \(keys("scoring.learn")) learn · \(keys("scoring.rules")) rules · "
        }
        hints += "\(keys("scoring.close")) closes · \(keys("app.help")) keys" + (mayChange ? "" : " · read-only (learning and switching: administrators)")
        _ = buffer.put(hints, at: Point(x: x, y: inner.maxY - 1), maxWidth: width, style: Style(.muted))
        if let message = viewModel.message {
            // Two lines at most, the gap above the keys taken if need be: a refusal names what it lacks in full.
            let lines = TextLayout.wrap(ScoringViewModel.oneLine(message), width: width).prefix(2)
            for (offset, line) in lines.enumerated() {
                _ = buffer.put(line, at: Point(x: x, y: inner.maxY - 1 - lines.count + offset), maxWidth: width, style: Style(.accent))
            }
        }
        let body = Rect(x: x, y: inner.y + 2, width: width, height: max(0, inner.height - 5))
        let listWidth = min(34, max(25, width / 3))
        renderVersions(into: &buffer, in: Rect(x: body.x, y: body.y, width: listWidth, height: body.height))
        renderDetails(into: &buffer, in: Rect(x: body.x + listWidth + 2, y: body.y, width: max(0, body.width - listWidth - 2), height: body.height))
        switch viewModel.stage {
        case .learning, .switching: renderProgress(into: &buffer, in: rect, stop: keys("scoring.close"))
        case .confirmingLearned, .confirmingSwitch: dialog?.render(into: &buffer, in: rect)
        case .browsing: break
        }
    }

    /// The versions, newest first, then the rules; the one in force marked ●.
    func renderVersions(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.height >= 3 else { return }
        _ = buffer.put("Versions (CV AUC)", at: rect.origin, maxWidth: rect.width, style: Style(.header))
        let entries = viewModel.entries
        let rows = max(1, rect.height - 3)
        let selected = viewModel.selected
        if selected < listTop { listTop = selected }
        if selected >= listTop + rows { listTop = selected - rows + 1 }
        listTop = max(0, min(listTop, entries.count - rows))
        for (offset, entry) in entries.dropFirst(listTop).prefix(rows).enumerated() {
            let y = rect.y + 1 + offset
            let isSelected = listTop + offset == selected
            let style = isSelected ? Style(.selection) : Style(.overlay)
            if isSelected { buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            let mark = entry.version == viewModel.inForce ? "● " : "  "
            let text: String
            if let version = entry.version, let createdAt = entry.createdAt, let cvAUC = entry.cvAUC {
                text = "v\(version)".padding(toLength: 4, withPad: " ", startingAt: 0) + Self.day.string(from: createdAt)
                    + "  " + String(format: "%.3f", cvAUC)
            } else {
                text = "the rules"
            }
            _ = buffer.put(mark + text, at: Point(x: rect.x, y: y), maxWidth: rect.width, style: style)
        }
        if listTop > 0 { _ = buffer.put("▲", at: Point(x: rect.maxX - 1, y: rect.y), style: Style(.muted)) }
        if listTop + rows < entries.count { _ = buffer.put("▼", at: Point(x: rect.maxX - 1, y: rect.y + rows), style: Style(.muted)) }
        _ = buffer.put("● in force", at: Point(x: rect.x, y: rect.y + min(rows, entries.count) + 2), maxWidth: rect.width, style: Style(.muted))
    }

    /// The selected version's title, summary, factors and points, and calibration, scrolled.
    func renderDetails(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.width >= 10, rect.height >= 1 else { return }
        let lines = detailLines(viewModel.details, width: rect.width)
        detailsHeight = rect.height
        detailsOverflow = max(0, lines.count - rect.height)
        scroll = max(0, min(scroll, detailsOverflow))
        for (row, line) in lines.dropFirst(scroll).prefix(rect.height).enumerated() {
            _ = buffer.put(line.text, at: Point(x: rect.x, y: rect.y + row), maxWidth: rect.width, style: line.style)
        }
        if scroll > 0 { _ = buffer.put("▲", at: Point(x: rect.maxX - 1, y: rect.y), style: Style(.muted)) }
        if scroll < detailsOverflow { _ = buffer.put("▼", at: Point(x: rect.maxX - 1, y: rect.maxY - 1), style: Style(.muted)) }
    }

    /// How many factors come before the calibration (the rest after it).
    static let strongest = 12

    func detailLines(_ details: ScoringViewModel.Details, width: Int) -> [(text: String, style: Style)] {
        var lines: [(text: String, style: Style)] = []
        lines.append((details.title + (details.isInForce ? " · in force" : " · not in force"), Style(.overlay, .bold)))
        for text in details.summary {
            for line in TextLayout.wrap(ScoringViewModel.oneLine(text), width: width) { lines.append((line, Style(.overlay))) }
        }
        func factorLine(_ factor: ScoringFactor) -> (String, Style) {
            let points = details.model == nil ? String(format: "%+5.0f", factor.points) : String(format: "%+6.1f", factor.points)
            let odds = factor.oddsRatio.map { String(format: "  ×%-6.2f", $0) } ?? ""
            return ("\(points)\(odds)  \(ScoringViewModel.oneLine(factor.label))", Style(factor.points < 0 ? .warning : .overlay))
        }
        let factors = details.factors
        if !factors.isEmpty {
            lines.append(("", Style(.overlay)))
            lines.append((details.model == nil ? "Rules and their points" : "Strongest factors: points for a lead otherwise typical, odds ×",
                          Style(.header)))
            let first = details.model == nil ? factors.count : Self.strongest
            lines += factors.prefix(first).map(factorLine)
        }
        if !details.calibration.isEmpty {
            lines.append(("", Style(.overlay)))
            lines.append(("Calibration by tenth of the predictions (cross-validated)", Style(.header)))
            lines.append(("  tenth    leads  predicted  observed", Style(.muted)))
            for band in details.calibration {
                let leads = NumberText.grouped(band.leads)
                lines.append((String(format: "  %5d  ", band.decile) + String(repeating: " ", count: max(0, 7 - leads.count)) + leads
                              + String(format: "  %8.1f%%  %7.1f%%", 100 * band.predicted, 100 * band.observed), Style(.overlay)))
            }
        }
        if details.model != nil, factors.count > Self.strongest {
            lines.append(("", Style(.overlay)))
            lines.append(("The other \(NumberText.grouped(factors.count - Self.strongest)) factors", Style(.header)))
            lines += factors.dropFirst(Self.strongest).map(factorLine)
        }
        return lines
    }

    /// Learning's (or a switch's) progress, over the view: a bar, the step, the time, and how to stop it.
    func renderProgress(into buffer: inout CellBuffer, in rect: Rect, stop: String) {
        let width = min(rect.width, 76)
        let box = Rect(x: rect.x + (rect.width - width) / 2, y: rect.y + max(0, rect.height / 3), width: width, height: 5)
        let fraction: Double
        var text: String
        let title: String
        if case .switching(let version) = viewModel.stage {
            let progress = viewModel.rescoreProgress
            fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 0
            title = "Switching to \(version.map { "learned model v\($0)" } ?? "the rules"): rescoring every lead"
            text = "\(NumberText.grouped(progress.done)) of \(NumberText.grouped(progress.total)) leads"
        } else {
            (fraction, text) = viewModel.learningProgressText
            title = "Learning a model from the outcomes (nothing is used before y)"
            text += " · \(stop) stops it: nothing is stored"
        }
        let elapsed = Int(Date().timeIntervalSince(viewModel.startedAt))
        let inner = Box.draw(into: &buffer, in: box, title: title)
        guard inner.height >= 2 else { return }
        let barWidth = max(0, inner.width - 8)
        let filled = Int(min(1, max(0, fraction)) * Double(barWidth))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        _ = buffer.put(" \(bar) \(Int(fraction * 100))%", at: inner.origin, maxWidth: inner.width, style: Style(.accent))
        _ = buffer.put(" \(text) · \(elapsed) s", at: Point(x: inner.x, y: inner.y + 1), maxWidth: inner.width, style: Style(.muted))
    }

    /// Days in the versions list: `10 Feb 2026` (UTC, as the command line shows models).
    static let day: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy"
        return formatter
    }()
}
