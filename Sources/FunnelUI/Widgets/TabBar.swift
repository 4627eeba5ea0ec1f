/// One tab: a title and an optional count ("Leads 12").
public struct Tab: Hashable, Sendable {
    /// Title.
    public var title: String
    /// Item count shown after the title, if any.
    public var count: Int?
    /// Creates a tab.
    public init(_ title: String, count: Int? = nil) { self.title = title; self.count = count }
}

/// A row of tabs with number hints ("1 Leads 12"); the active tab is bracketed and highlighted.
public struct TabBar: Sendable {
    /// The tabs.
    public var tabs: [Tab]
    /// Index of the active tab.
    public var activeIndex: Int
    /// Whether labels start with their number key ("1 Leads"); off for tabs switched by other keys.
    public var showsNumbers: Bool
    /// Creates a tab bar.
    public init(tabs: [Tab], activeIndex: Int = 0, showsNumbers: Bool = true) {
        self.tabs = tabs
        self.activeIndex = activeIndex
        self.showsNumbers = showsNumbers
    }

    /// The label of a tab ("1 Leads 12"), bracketed when active.
    public func label(at index: Int) -> String {
        let tab = tabs[index]
        let hint = showsNumbers && index < 9 ? "\(index + 1) " : ""
        let count = tab.count.map { " " + Self.grouped($0) } ?? ""
        let text = hint + tab.title + count
        return index == activeIndex ? "[\(text)]" : " \(text) "
    }

    /// 1234567 -> "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0 && offset % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + String(result.reversed())
    }

    /// Draws the first row of `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds).row(0)
        guard !area.isEmpty else { return }
        buffer.fill(area, style: Style(.tabInactive))
        var x = area.x
        for index in tabs.indices {
            guard x < area.maxX else { break }
            let style = Style(index == activeIndex ? .tabActive : .tabInactive)
            x += buffer.put(label(at: index), at: Point(x: x, y: area.y), maxWidth: area.maxX - x, style: style)
            x += 1
        }
    }
}
