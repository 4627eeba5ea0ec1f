/// A move of a list's selection, as the list keys ask for it.
public enum ListMove: Sendable { case up, down, pageUp, pageDown, top, bottom }

/// A window of loaded rows onto a long list that is read page by page, by key.
///
/// `items[i]` is row `start + i` of the list. Only rows near the selection are loaded (at most
/// `limit`); moving far jumps by key from the nearest loaded row, or from either end.
public struct KeysetWindow<Item: Identifiable & Sendable>: Sendable {
    /// Loads the page after an item (from the start when nil).
    public typealias After = (Item?, Int) throws -> [Item]
    /// Loads the page before an item (the last page when nil), in list order.
    public typealias Before = (Item?, Int) throws -> [Item]

    public private(set) var items: [Item] = []
    public private(set) var start = 0
    /// The selected row (absolute).
    public var selected = 0
    /// Rows in the list.
    public var total = 0
    /// Rows the screen shows at once. Whatever the screen's first row, the rows it can show around
    /// the selection (`visible - 1` either side) are always loaded: a row on screen is never "…".
    public var visible = 1
    let limit: Int

    public init(limit: Int = 600) { self.limit = limit }

    /// The row at an absolute index, when loaded.
    public func item(at index: Int) -> Item? {
        let offset = index - start
        return items.indices.contains(offset) ? items[offset] : nil
    }

    /// The selected row, when there is one.
    public var selectedItem: Item? { item(at: selected) }

    /// The row a move leads to from the selection (not clamped: `select` clamps).
    public func target(of move: ListMove, pageSize: Int) -> Int {
        switch move {
        case .up: return selected - 1
        case .down: return selected + 1
        case .pageUp: return selected - pageSize
        case .pageDown: return selected + pageSize
        case .top: return 0
        case .bottom: return total - 1
        }
    }

    /// Forgets the loaded rows.
    public mutating func clear() {
        items = []
        start = 0
    }

    /// Moves the selection to `index` (clamped), loading what is needed around it.
    public mutating func select(_ index: Int, page: Int, after: After, before: Before) throws {
        guard total > 0 else {
            clear()
            selected = 0
            return
        }
        let target = max(0, min(index, total - 1))
        let page = max(page, 4)
        if let last = items.last, target >= start, target < start + items.count + page {
            // Extend forward from the last loaded row.
            var last = last
            while target >= start + items.count {
                let more = try after(last, page)
                guard let newLast = more.last else { break }
                items += more
                last = newLast
            }
        } else if let first = items.first, target < start, start - target <= page * 2 {
            let more = try before(first, max(page, start - target))
            items = more + items
            start -= more.count
        } else if target >= total - page * 2, total > page * 3 {
            // Near the end: load the last rows by the reversed order.
            items = try before(nil, page * 3)
            start = max(0, total - items.count)
        } else {
            items = try after(nil, page * 2)
            start = 0
            while target >= items.count, let last = items.last {
                let more = try after(last, page * 2)
                if more.isEmpty { break }
                items += more
            }
        }
        try fill(around: target, after: after, before: before)
        trim(keeping: target)
        selected = items.isEmpty ? 0 : max(start, min(target, start + items.count - 1))
    }

    /// Loads what is missing of the rows that can be on screen with `index` selected.
    mutating func fill(around index: Int, after: After, before: Before) throws {
        guard visible > 1, !items.isEmpty else { return }
        let reach = visible - 1
        let last = min(total - 1, index + reach)
        while start + items.count - 1 < last, let tail = items.last {
            let more = try after(tail, max(reach, 25))
            if more.isEmpty { break }
            items += more
        }
        let first = max(0, index - reach)
        while start > first, let head = items.first {
            let more = try before(head, max(start - first, 25))
            if more.isEmpty { break }
            items = more + items
            start -= more.count
        }
    }

    /// Reloads the loaded rows in place (after a change), keeping the selection's row number.
    public mutating func reload(page: Int, after: After, before: Before) throws {
        let keep = selected
        let anchor = start
        clear()
        if anchor > 0, anchor < total {
            // Reload from the same row number: count from the nearer end.
            try select(anchor, page: page, after: after, before: before)
        }
        try select(min(keep, max(0, total - 1)), page: page, after: after, before: before)
    }

    /// Loads a window with `item` at row `position` and selects it.
    public mutating func focus(on item: Item, at position: Int, page: Int, after: After, before: Before) throws {
        let earlier = try before(item, page)
        let later = try after(item, page)
        items = earlier + [item] + later
        start = max(0, position - earlier.count)
        selected = position
        try fill(around: position, after: after, before: before)
        trim(keeping: position)
    }

    mutating func trim(keeping index: Int) {
        // Never fewer than the rows on screen either side of the selection.
        let limit = max(self.limit, visible * 4)
        guard items.count > limit else { return }
        let excess = items.count - limit
        if index - start > items.count / 2 {
            items.removeFirst(excess)
            start += excess
        } else {
            items.removeLast(excess)
        }
    }
}
