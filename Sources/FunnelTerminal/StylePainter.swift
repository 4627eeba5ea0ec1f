import CNcursesw
import FunnelUI

/// Maps styles to ncurses attributes and colour pairs for a theme and colour depth, allocating pairs lazily.
struct StylePainter {
    private var theme: Theme
    private var depth: ColorDepth
    private var maxPairs: Int
    private var pairs: [ColorPairKey: Int32] = [:]
    private var cache: [Style: (attributes: attr_t, pair: Int32)] = [:]

    private struct ColorPairKey: Hashable {
        var foreground: TerminalColor?
        var background: TerminalColor?
    }

    init(theme: Theme = .fallback, depth: ColorDepth = .none, maxPairs: Int = 0) {
        self.theme = theme; self.depth = depth; self.maxPairs = maxPairs
    }

    /// The ncurses attributes and pair number for a style.
    mutating func attributes(for style: Style) -> (attributes: attr_t, pair: Int32) {
        if let cached = cache[style] { return cached }
        let look = theme.resolve(style, depth: depth)
        var attributes = funnel_a_normal()
        if look.attributes.contains(.bold) { attributes |= funnel_a_bold() }
        if look.attributes.contains(.underline) { attributes |= funnel_a_underline() }
        if look.attributes.contains(.reverse) { attributes |= funnel_a_reverse() }
        if look.attributes.contains(.dim) { attributes |= funnel_a_dim() }
        let pair = pairNumber(foreground: look.foreground, background: look.background)
        cache[style] = (attributes, pair)
        return (attributes, pair)
    }

    private mutating func pairNumber(foreground: TerminalColor?, background: TerminalColor?) -> Int32 {
        guard depth != .none else { return 0 }
        let fg = foreground ?? .terminalDefault, bg = background ?? .terminalDefault
        if fg == .terminalDefault && bg == .terminalDefault { return 0 }
        let key = ColorPairKey(foreground: fg, background: bg)
        if let existing = pairs[key] { return existing }
        let number = Int32(pairs.count + 1)
        guard Int(number) < maxPairs else { return 0 }
        init_extended_pair(number, Self.colorNumber(fg), Self.colorNumber(bg))
        pairs[key] = number
        return number
    }

    private static func colorNumber(_ color: TerminalColor) -> Int32 {
        switch color {
        case .terminalDefault: -1
        case .palette(let index): Int32(index)
        case .direct(let r, let g, let b): Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }
}
