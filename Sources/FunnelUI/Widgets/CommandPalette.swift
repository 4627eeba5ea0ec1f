/// A command palette: fuzzy search over the registry's actions, showing their keys; returns the chosen action id.
public struct CommandPalette: Hashable, Sendable {
    /// The actions offered (dangerous ones already removed in read-only mode).
    public var actions: [KeyAction]
    /// The list state (candidates are the action summaries).
    public var list: FilteredList

    /// Creates a palette over the actions visible in `scope`.
    public init(registry: KeyRegistry, scope: KeyScope = .global) {
        actions = registry.actions(in: scope)
        list = FilteredList(candidates: actions.map { "\($0.summary)  \($0.id)" })
    }

    /// Handles a key; `.chose` carries the action id.
    public mutating func handle(_ key: Key) -> SelectionOutcome<String> {
        switch key {
        case .escape, .ctrl("c"): return .cancelled
        case .enter: return list.selectedCandidate.map { .chose(actions[$0].id) } ?? .pending
        default: _ = list.handle(key); return .pending
        }
    }

    /// Adds pasted text to the query.
    public mutating func paste(_ text: String) { list.field.insert(text); list.refilter() }

    /// Draws the palette near the top of `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let width = min(area.width, 72)
        let height = min(area.height, max(5, min(actions.count + 4, area.height * 2 / 3)))
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + min(2, max(0, area.height - height)), width: width, height: height)
        let inner = Box.draw(into: &buffer, in: box, title: "Command palette")
        guard !inner.isEmpty else { return }
        buffer.put(":", at: inner.origin, style: Style(.accent))
        list.field.render(into: &buffer, in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 1, height: 1))
        list.renderEntries(into: &buffer, in: inner.inset(top: 1)) { actions[$0].keysDescription }
    }
}
