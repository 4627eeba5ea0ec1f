/// A boxed, filterable list: type to fuzzy-filter, arrows to move, enter to choose.
public struct Picker: Hashable, Sendable {
    /// Box title.
    public var title: String
    /// The list state.
    public var list: FilteredList

    /// Creates a picker over items.
    public init(title: String, items: [String], query: String = "") {
        self.title = title
        list = FilteredList(candidates: items, query: query)
    }

    /// Handles a key; `.chose` carries the index into the original items.
    public mutating func handle(_ key: Key) -> SelectionOutcome<Int> {
        switch key {
        case .escape, .ctrl("c"): return .cancelled
        case .enter: return list.selectedCandidate.map { .chose($0) } ?? .pending
        default: _ = list.handle(key); return .pending
        }
    }

    /// Adds pasted text to the query.
    public mutating func paste(_ text: String) { list.field.insert(text); list.refilter() }

    /// Draws the picker centred in `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let box = area.centered(Size(width: min(area.width, 60), height: min(area.height, list.candidates.count + 4)))
        let inner = Box.draw(into: &buffer, in: box, title: title)
        guard !inner.isEmpty else { return }
        list.field.render(into: &buffer, in: inner.row(0))
        let entries = inner.inset(top: 1)
        list.renderEntries(into: &buffer, in: entries)
        if list.matches.isEmpty && !entries.isEmpty {
            buffer.put("no match", at: Point(x: entries.x + 2, y: entries.y), maxWidth: entries.width - 2, style: Style(.muted))
        }
    }
}
