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

    /// A prompt for a decision carries its target, taken when its key was pressed.
    enum Prompt {
        case reject(TextField, ActionTarget)
        case confirmApprove(ConfirmDialog, ActionTarget)
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
        case .reject(var field, let target):
            switch key {
            case .enter:
                let comment = field.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !comment.isEmpty else { viewModel.note("A rejection needs a comment: say what to change"); return true }
                prompt = nil
                viewModel.reject(comment: comment, target: target)
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .reject(field, target)
            }
        case .confirmApprove(let dialog, let target):
            switch dialog.handle(key) {
            case .pending: break
            case .cancelled: prompt = nil
            case .confirmed: prompt = nil; viewModel.approve(target: target)
            }
        }
        return true
    }

    func paste(_ text: String) -> Bool {
        guard case .reject(var field, let target) = prompt else { return false }
        field.insert(text)
        prompt = .reject(field, target)
        return true
    }

    func perform(_ action: ApprovalsKeymap.Action) -> AppCommand? {
        viewModel.clearMessage()
        switch action {
        case .down: viewModel.move(.down)
        case .up: viewModel.move(.up)
        case .pageDown: viewModel.move(.pageDown)
        case .pageUp: viewModel.move(.pageUp)
        case .top: viewModel.move(.top)
        case .bottom: viewModel.move(.bottom)
        case .scrollDown: viewModel.scrollPreview(by: 3); viewModel.clampPreview(maxScroll: previewOverflow)
        case .scrollUp: viewModel.scrollPreview(by: -3)
        case .open: viewModel.toggleFullScreen()
        case .back: if viewModel.isFullScreen { viewModel.closeFullScreen() } else { viewModel.clearMarks() }
        case .mark: viewModel.toggleMark()
        case .approve:
            // The full-screen item, else the marked ones, else the selected one; why not, said before asking anything.
            let target = viewModel.actionTarget
            if let refusal = viewModel.refusal(for: target) { viewModel.note(refusal); return nil }
            guard let target else { return nil }
            if target.records.count > 1 {
                prompt = .confirmApprove(ConfirmDialog(title: "Approve \(target.records.count) items",
                                                       message: "Approve \(target.label) in one go? (y/n)"), target)
            } else {
                viewModel.approve(target: target)
            }
        case .reject:
            let target = viewModel.actionTarget
            if let refusal = viewModel.refusal(for: target) { viewModel.note(refusal); return nil }
            guard let target else { return nil }
            prompt = .reject(TextField(placeholder: "what must change (required)"), target)
        case .undo: viewModel.undo()
        }
        return nil
    }

    // MARK: - Drawing

    static let table = TableView(columns: [
        TableColumn("Waited", width: .fixed(7), alignment: .right),
        TableColumn("Type", width: .fixed(9)),
        TableColumn("Title", width: .flexible(min: 12, weight: 4)),
        TableColumn("Author", width: .flexible(min: 8, weight: 2)),
    ], emptyMessage: "Nothing waits for approval")

    /// The queue's and the preview's places in a pane of this size: side by side when wide, else stacked.
    static func layout(_ rect: Rect) -> (header: Rect, body: Rect, list: Rect, preview: Rect) {
        let (header, body) = rect.splitTop(1)
        if body.width >= 110 {
            let listWidth = body.width * 9 / 20
            return (header, body, Rect(x: body.x, y: body.y, width: listWidth, height: body.height),
                    Rect(x: body.x + listWidth, y: body.y, width: body.width - listWidth, height: body.height))
        }
        let (list, preview) = body.splitTop(max(4, body.height * 2 / 5))
        return (header, body, list, preview)
    }

    /// Rows of the queue a pane of this size shows at once.
    static func visibleRows(in rect: Rect) -> Int { max(1, TableView.bodyHeight(in: layout(rect).list)) }

    /// Tells the view-model how many rows the screen shows (before it draws them).
    func resize(to rect: Rect) {
        viewModel.resize(visibleRows: Self.visibleRows(in: rect))
    }

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.height >= 4 else { return }
        let (header, body, list, preview) = Self.layout(rect)
        renderHeader(into: &buffer, in: header)
        if viewModel.isFullScreen {
            renderPreview(into: &buffer, in: body, title: "Full screen: J/K scroll · enter or esc closes · a approve · r reject")
        } else {
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
        viewport.pageSize = max(1, TableView.bodyHeight(in: rect))
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
        case .reject(let field, let target):
            PromptBox.field(field, title: "Reject \(target.label): why? (back to draft)", into: &buffer, in: rect)
        case .confirmApprove(let dialog, _):
            dialog.render(into: &buffer, in: rect)
        }
    }
}
