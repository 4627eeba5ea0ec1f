/// A boxed, scrollable list of key bindings grouped by scope; dangerous actions are marked "(!)".
public struct HelpOverlay: Hashable, Sendable {
    /// The lines (kind, text) built from the registry.
    public private(set) var entries: [(heading: Bool, keys: String, summary: String)]
    /// First visible entry.
    public var scrollOffset: Int

    /// Builds the overlay from a registry; `scope` puts that pane's bindings first.
    public init(registry: KeyRegistry, scope: KeyScope? = nil, scrollOffset: Int = 0) {
        var groups = registry.groupedActions
        if let scope, let index = groups.firstIndex(where: { $0.scope == scope }) {
            groups.insert(groups.remove(at: index), at: 0)
        }
        var entries: [(heading: Bool, keys: String, summary: String)] = []
        for group in groups {
            if !entries.isEmpty { entries.append((false, "", "")) }
            let title = group.scope == .global ? "Global" : group.scope.description.prefix(1).uppercased() + group.scope.description.dropFirst()
            entries.append((true, title, ""))
            for action in group.actions {
                entries.append((false, action.keysDescription, action.summary + (action.isDangerous ? " (!)" : "")))
            }
        }
        self.entries = entries
        self.scrollOffset = scrollOffset
    }

    /// Scrolls by whole lines, clamped to the content for a rect.
    public mutating func scroll(by lines: Int, in rect: Rect) {
        let visible = max(1, min(rect.height, entries.count + 2) - 2)
        scrollOffset = max(0, min(scrollOffset + lines, entries.count - visible))
    }

    /// Draws the overlay centred in `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let keysWidth = min(18, entries.filter { !$0.heading }.map { DisplayWidth.width(of: $0.keys) }.max() ?? 0)
        let box = area.centered(Size(width: min(area.width, 70), height: min(area.height, entries.count + 2)))
        let inner = Box.draw(into: &buffer, in: box, title: "Keys  (? or esc closes)")
        guard !inner.isEmpty else { return }
        let top = max(0, min(scrollOffset, entries.count - inner.height))
        for row in 0..<inner.height where top + row < entries.count {
            let entry = entries[top + row]
            let y = inner.y + row
            if entry.heading {
                buffer.put(entry.keys, at: Point(x: inner.x + 1, y: y), maxWidth: inner.width - 1, style: Style(.header))
                continue
            }
            buffer.putPadded(entry.keys, at: Point(x: inner.x + 2, y: y), width: min(keysWidth, max(0, inner.width - 2)), style: Style(.accent))
            let summaryX = inner.x + 3 + keysWidth
            let isDangerous = entry.summary.hasSuffix("(!)")
            buffer.put(entry.summary, at: Point(x: summaryX, y: y), maxWidth: inner.maxX - summaryX, style: Style(isDangerous ? .danger : .overlay))
        }
        if top > 0 { buffer.put("▲", at: Point(x: box.maxX - 2, y: box.y), style: Style(.border)) }
        if top + inner.height < entries.count { buffer.put("▼", at: Point(x: box.maxX - 2, y: box.maxY - 1), style: Style(.border)) }
    }

    /// Equality by content.
    public static func == (lhs: HelpOverlay, rhs: HelpOverlay) -> Bool {
        lhs.scrollOffset == rhs.scrollOffset && lhs.entries.map { "\($0)" } == rhs.entries.map { "\($0)" }
    }

    /// Hashes the content.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(scrollOffset); hasher.combine(entries.map { "\($0)" })
    }
}
