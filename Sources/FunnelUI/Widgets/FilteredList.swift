/// A query-filtered, fuzzy-ranked list with a selection; shared by Picker and CommandPalette.
public struct FilteredList: Hashable, Sendable {
    /// The candidate texts.
    public var candidates: [String]
    /// The query field.
    public var field: TextField
    /// Index into `matches` of the highlighted entry.
    public var selected: Int = 0
    /// Current matches: candidate index and matched character offsets, best first.
    public private(set) var matches: [(index: Int, indices: [Int])] = []

    /// Creates a list showing every candidate.
    public init(candidates: [String], query: String = "") {
        self.candidates = candidates
        field = TextField(query, placeholder: "type to filter")
        refilter()
    }

    /// Recomputes matches from the query.
    public mutating func refilter() {
        let query = field.text
        if query.isEmpty {
            matches = candidates.indices.map { ($0, []) }
        } else {
            matches = FuzzyMatcher(query).rank(candidates).map { ($0.index, $0.match.indices) }
        }
        selected = min(selected, max(0, matches.count - 1))
    }

    /// The candidate index currently highlighted.
    public var selectedCandidate: Int? { matches.indices.contains(selected) ? matches[selected].index : nil }

    /// Handles navigation and editing keys; returns false for keys it does not use.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .up, .ctrl("p"): selected = max(0, selected - 1)
        case .down, .ctrl("n"): selected = min(max(0, matches.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - 10)
        case .pageDown: selected = min(max(0, matches.count - 1), selected + 10)
        default:
            guard field.handle(key) else { return false }
            selected = 0
            refilter()
        }
        return true
    }

    /// Draws the entries in `rect` with matched characters emphasised and an optional right-hand detail.
    public func renderEntries(into buffer: inout CellBuffer, in rect: Rect, detail: (Int) -> String = { _ in "" }) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let top = max(0, selected - area.height + 1)
        for row in 0..<area.height {
            let position = top + row
            guard position < matches.count else { break }
            let match = matches[position]
            let isSelected = position == selected
            let base = isSelected ? Style(.selection) : Style(.overlay)
            let y = area.y + row
            buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: base)
            buffer.put(isSelected ? "›" : " ", at: Point(x: area.x, y: y), style: base)
            let right = detail(match.index)
            let rightWidth = min(DisplayWidth.width(of: right), max(0, area.width / 2))
            if rightWidth > 0 {
                buffer.putPadded(right, at: Point(x: area.maxX - rightWidth, y: y), width: rightWidth, alignment: .right, style: isSelected ? base : Style(.muted))
            }
            let textLimit = area.maxX - rightWidth - 1 - (area.x + 2)
            var x = area.x + 2
            let shown = TextLayout.truncate(candidates[match.index], to: max(0, textLimit))
            let matched = Set(match.indices)
            for (offset, character) in shown.enumerated() {
                let w = DisplayWidth.width(of: character)
                let style = matched.contains(offset) && character != TextLayout.ellipsis ? Style(isSelected ? .selection : .accent, [.bold, .underline]) : base
                buffer.set(Cell(character, width: w, style: style), at: Point(x: x, y: y))
                x += w
            }
        }
    }

    /// Equality ignores cached matches' tuple layout.
    public static func == (lhs: FilteredList, rhs: FilteredList) -> Bool {
        lhs.candidates == rhs.candidates && lhs.field == rhs.field && lhs.selected == rhs.selected
    }

    /// Hashes the inputs.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(candidates); hasher.combine(field); hasher.combine(selected)
    }
}

/// What a picker or palette reports after a key.
public enum SelectionOutcome<Value: Hashable & Sendable>: Hashable, Sendable {
    /// Still open.
    case pending
    /// The user chose a value.
    case chose(Value)
    /// The user closed it.
    case cancelled
}
