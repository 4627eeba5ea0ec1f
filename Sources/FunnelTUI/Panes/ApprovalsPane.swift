import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// The Approvals pane on screen: the queue beside (or above) the preview, the full-screen item,
/// and the prompts (reject comment, approving several).
@MainActor
final class ApprovalsPane {
    let viewModel: ApprovalsViewModel

    enum Prompt {
        case reject(TextField, count: Int)
        case confirmApprove(ConfirmDialog)
    }

    var prompt: Prompt?
    var viewport = TableViewport()
    /// Body lines the preview could not show (to clamp its scroll).
    var previewOverflow = 0

    init(viewModel: ApprovalsViewModel) {
        self.viewModel = viewModel
    }

    // MARK: - Keys

    /// Keys for an open prompt come here first; true when consumed.
    func handlePromptKey(_ key: Key) -> Bool {
        guard let current = prompt else { return false }
        switch current {
        case .reject(var field, let count):
            switch key {
            case .enter:
                let comment = field.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !comment.isEmpty else { viewModel.note("A rejection needs a comment: say what to change"); return true }
                prompt = nil
                viewModel.reject(comment: comment)
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .reject(field, count: count)
            }
        case .confirmApprove(let dialog):
            switch dialog.handle(key) {
            case .pending: break
            case .cancelled: prompt = nil
            case .confirmed: prompt = nil; viewModel.approve()
            }
        }
        return true
    }

    func paste(_ text: String) -> Bool {
        guard case .reject(var field, let count) = prompt else { return false }
        field.insert(text)
        prompt = .reject(field, count: count)
        return true
    }

    func perform(_ id: String) {
        viewModel.clearMessage()
        switch id {
        case "approvals.down": viewModel.move(.down)
        case "approvals.up": viewModel.move(.up)
        case "approvals.pageDown": viewModel.move(.pageDown)
        case "approvals.pageUp": viewModel.move(.pageUp)
        case "approvals.top": viewModel.move(.top)
        case "approvals.bottom": viewModel.move(.bottom)
        case "approvals.scrollDown": viewModel.scrollPreview(by: 3); viewModel.clampPreview(maxScroll: previewOverflow)
        case "approvals.scrollUp": viewModel.scrollPreview(by: -3)
        case "approvals.open": viewModel.toggleFullScreen()
        case "approvals.back": if viewModel.isFullScreen { viewModel.closeFullScreen() } else { viewModel.clearMarks() }
        case "approvals.mark": viewModel.toggleMark()
        case "approvals.approve":
            let targets = viewModel.decisionTargets
            if let refusal = refusal(for: targets) { viewModel.note(refusal); return }
            if targets.count > 1 {
                prompt = .confirmApprove(ConfirmDialog(title: "Approve \(targets.count) items",
                                                       message: "Approve the \(targets.count) marked items in one go? (y/n)"))
            } else {
                viewModel.approve()
            }
        case "approvals.reject":
            let targets = viewModel.decisionTargets
            if let refusal = refusal(for: targets) { viewModel.note(refusal); return }
            prompt = .reject(TextField(placeholder: "what must change (required)"), count: targets.count)
        default: break
        }
    }

    /// Why the user may not decide now, said before asking for anything.
    func refusal(for targets: [Int64]) -> String? {
        if targets.isEmpty { return "The queue is empty" }
        if targets.count == 1 { return viewModel.refusal }
        return viewModel.canDecide ? nil : viewModel.refusal
    }

    // MARK: - Drawing

    static let table = TableView(columns: [
        TableColumn("Waited", width: .fixed(7), alignment: .right),
        TableColumn("Type", width: .fixed(9)),
        TableColumn("Title", width: .flexible(min: 12, weight: 4)),
        TableColumn("Author", width: .flexible(min: 8, weight: 2)),
    ], emptyMessage: "Nothing waits for approval")

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.height >= 4 else { return }
        let (header, body) = rect.splitTop(1)
        renderHeader(into: &buffer, in: header)
        if viewModel.isFullScreen {
            renderPreview(into: &buffer, in: body, title: "Full screen: J/K scroll · enter or esc closes · a approve · r reject")
        } else if body.width >= 110 {
            let listWidth = body.width * 9 / 20
            let list = Rect(x: body.x, y: body.y, width: listWidth, height: body.height)
            let preview = Rect(x: body.x + listWidth, y: body.y, width: body.width - listWidth, height: body.height)
            renderQueue(into: &buffer, in: list)
            renderPreview(into: &buffer, in: preview, title: "Preview: J/K scroll · enter full screen")
        } else {
            let (list, preview) = body.splitTop(max(4, body.height * 2 / 5))
            renderQueue(into: &buffer, in: list)
            renderPreview(into: &buffer, in: preview, title: "Preview: J/K scroll · enter full screen")
        }
        renderPrompt(into: &buffer, in: body)
    }

    func renderHeader(into buffer: inout CellBuffer, in rect: Rect) {
        let queue = viewModel.queue
        let position = queue.total == 0 ? "" : " · \(NumberText.grouped(queue.selected + 1))/\(NumberText.grouped(queue.total))"
        var text = " \(NumberText.grouped(queue.total)) waiting, oldest first\(position)"
        if !viewModel.marked.isEmpty { text += " · \(viewModel.marked.count) marked (esc clears)" }
        let keys = viewModel.canDecide ? " space mark · a approve · r reject " : " you may look, not decide (needs content.approve) "
        let width = DisplayWidth.width(of: keys) < rect.width / 2 ? DisplayWidth.width(of: keys) : 0
        _ = buffer.put(text, at: rect.origin, maxWidth: rect.width - width, style: Style(.muted))
        if width > 0 {
            _ = buffer.put(keys, at: Point(x: rect.x + rect.width - width, y: rect.y), style: Style(viewModel.canDecide ? .muted : .warning))
        }
    }

    func renderQueue(into buffer: inout CellBuffer, in rect: Rect) {
        let queue = viewModel.queue
        viewModel.pageSize = TableView.bodyHeight(in: rect)
        viewport.pageSize = viewModel.pageSize
        viewport.selectedIndex = queue.selected
        viewport.clamp(count: queue.total)
        var cells: [Int: [String]] = [:]
        var marked: Set<Int> = []
        for index in viewport.visibleRange(count: queue.total) {
            guard let item = queue.item(at: index) else { continue }
            cells[index] = [viewModel.waited(item), ContentText.letter(item.type) + " " + item.type.rawValue, item.title, item.authorName]
            if viewModel.isMarked(item) { marked.insert(index) }
        }
        Self.table.render(into: &buffer, in: rect, source: WindowRows(total: queue.total, cells: cells), viewport: viewport, marked: marked)
    }

    func renderPreview(into buffer: inout CellBuffer, in rect: Rect, title: String) {
        let inner = Box.draw(into: &buffer, in: rect, title: title)
        guard inner.height > 0, inner.width > 4 else { return }
        guard let detail = viewModel.preview, let item = viewModel.selectedItem else {
            _ = buffer.put("Nothing to preview.", at: inner.origin, maxWidth: inner.width, style: Style(.muted))
            return
        }
        var y = inner.y
        if let refusal = viewModel.refusal, viewModel.canDecide {
            _ = buffer.put(refusal, at: Point(x: inner.x + 1, y: y), maxWidth: inner.width - 1, style: Style(.warning))
            y += 1
        }
        let lines = ContentText.lines(detail, width: inner.width - 2, describe: viewModel.describe, waited: viewModel.waited(item))
        let rows = inner.y + inner.height - y
        previewOverflow = max(0, lines.count - rows)
        viewModel.clampPreview(maxScroll: previewOverflow)
        for (index, line) in lines.dropFirst(viewModel.previewScroll).prefix(rows).enumerated() {
            let isTitle = index + viewModel.previewScroll == 0
            _ = buffer.put(line, at: Point(x: inner.x + 1, y: y + index), maxWidth: inner.width - 1, style: Style(isTitle ? .title : .normal, isTitle ? .bold : []))
        }
    }

    func renderPrompt(into buffer: inout CellBuffer, in rect: Rect) {
        switch prompt {
        case nil: return
        case .reject(let field, let count):
            let what = count == 1 ? "\"\(viewModel.selectedItem?.title ?? "")\"" : "\(count) marked items"
            PromptBox.field(field, title: "Reject \(what): why? (back to draft)", into: &buffer, in: rect)
        case .confirmApprove(let dialog):
            dialog.render(into: &buffer, in: rect)
        }
    }
}
