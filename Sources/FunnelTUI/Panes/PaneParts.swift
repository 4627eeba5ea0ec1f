import Foundation
import FunnelStore
import FunnelUI

/// A record's detail drawn over a pane: lines in a box, scrolled and closed by the overlay keys
/// (`OverlayKeymap`: j/k, pages, esc).
struct DetailOverlay {
    var scroll = 0

    enum Outcome { case scrolled, close, ignored }

    /// Scrolls, or asks to close; `.ignored` lets the key reach the pane's actions.
    @MainActor
    mutating func handle(_ key: Key) -> Outcome {
        switch OverlayKeymap.action(for: key) {
        case .down: scroll += 1
        case .up: scroll = max(0, scroll - 1)
        case .pageDown: scroll += 10
        case .pageUp: scroll = max(0, scroll - 10)
        case .close: return .close
        case nil: return .ignored
        }
        return .scrolled
    }

    /// Sends a key to the detail when it is open: true when the key was used (scrolled, or closed it).
    @MainActor
    mutating func route(_ key: Key, isOpen: Bool, close: () -> Void) -> Bool {
        guard isOpen else { return false }
        switch handle(key) {
        case .scrolled: return true
        case .close: close(); return true
        case .ignored: return false
        }
    }

    /// Draws `lines` (the first in bold) in a box inset from `rect`, from the scroll position.
    mutating func render(lines: [String], title: String, into buffer: inout CellBuffer, in rect: Rect) {
        let box = rect.inset(top: 0, left: 2, bottom: 0, right: 2)
        let inner = Box.draw(into: &buffer, in: box, title: "\(title)  (j/k scroll · esc closes)")
        // Lines are drawn as they are (columns aligned), cut at the box's edge.
        scroll = max(0, min(scroll, lines.count - inner.height))
        for (row, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            _ = buffer.put(line, at: Point(x: inner.x + 1, y: inner.y + row), maxWidth: inner.width - 1,
                           style: Style(.overlay, row + scroll == 0 ? .bold : []))
        }
    }
}

/// The boxes a pane's prompts are drawn in.
enum PromptBox {
    /// A one-line text field in a box a third of the way down.
    static func field(_ field: TextField, title: String, into buffer: inout CellBuffer, in rect: Rect) {
        let width = min(rect.width, 70)
        let box = Rect(x: rect.x + (rect.width - width) / 2, y: rect.y + max(0, rect.height / 3), width: width, height: 3)
        let inner = Box.draw(into: &buffer, in: box, title: "\(title)  (enter · esc)")
        field.render(into: &buffer, in: inner)
    }

    /// A form in a centred box (two rows a field, more when its messages need them, plus the frame).
    static func form(_ form: Form, title: String, width: Int = 76, top: Int = 1, enter: String = "saves", into buffer: inout CellBuffer, in rect: Rect) {
        let width = min(rect.width, width)
        let rows = max(form.fields.count * 2 + 2, form.height(width: width - 2))
        let box = Rect(x: rect.x + (rect.width - width) / 2, y: rect.y + top, width: width, height: min(rect.height, rows + 2))
        let inner = Box.draw(into: &buffer, in: box, title: "\(title)  (tab moves · enter \(enter) · esc)")
        form.render(into: &buffer, in: inner)
    }

    /// Times in a timeline: `2026-02-10 09:30`.
    static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter
    }()
}

/// The visible rows of a long list loaded a window at a time: rows not loaded yet show "…".
struct WindowRows: TableRowSource {
    let total: Int
    let cells: [Int: [String]]

    var count: Int? { total }

    func rows(in range: Range<Int>) -> [[String]] {
        range.map { cells[$0] ?? ["…"] }
    }
}

/// What an activity's JSON metadata holds: the record before and after, and the other details.
struct ActivityMetadata {
    let before: [String: Any]?
    let after: [String: Any]?
    let details: [String: Any]

    init?(_ activity: Activity) {
        guard let data = activity.metadata.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        before = object["before"] as? [String: Any]
        after = object["after"] as? [String: Any]
        details = object
    }

    /// The action in words: `stage_changed` -> "stage changed".
    static func action(_ activity: Activity) -> String { activity.action.replacingOccurrences(of: "_", with: " ") }
}
