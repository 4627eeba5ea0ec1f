/// A semantic colour role; themes map roles to colours, widgets only name roles.
public enum ColorRole: String, CaseIterable, Hashable, Sendable {
    case normal, muted, header, title, selection, selectionInactive, border, tabActive, tabInactive
    case statusBar, statusBarAccent, accent, warning, danger, success, info
    case scoreHot, scoreWarm, scoreCold, marked, input, overlay, toast
    case calendarToday, calendarWeekend, link

    /// The attributes that keep this role distinguishable on a monochrome terminal.
    public var monochromeFallback: TextAttributes {
        switch self {
        case .normal, .muted, .border, .overlay, .tabInactive, .calendarWeekend, .scoreCold, .input: return []
        case .header, .title, .accent, .warning, .scoreWarm, .marked, .success, .info: return .bold
        case .selection, .tabActive, .statusBar, .toast: return .reverse
        case .selectionInactive, .link: return .underline
        case .statusBarAccent: return [.reverse, .bold]
        case .danger, .scoreHot: return [.bold, .underline]
        case .calendarToday: return [.bold, .underline]
        }
    }
}

/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates attributes from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bold / bright.
    public static let bold = TextAttributes(rawValue: 1 << 0)
    /// Underlined.
    public static let underline = TextAttributes(rawValue: 1 << 1)
    /// Reverse video.
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    /// Dim / faint.
    public static let dim = TextAttributes(rawValue: 1 << 3)

    /// Short code for test dumps, e.g. "BU" for bold+underline.
    public var code: String {
        var s = ""
        if contains(.bold) { s += "B" }
        if contains(.underline) { s += "U" }
        if contains(.reverse) { s += "R" }
        if contains(.dim) { s += "D" }
        return s
    }
}

/// How a cell is drawn: a colour role plus extra attributes.
public struct Style: Hashable, Sendable {
    /// The semantic colour role.
    public var role: ColorRole
    /// Attributes added on top of the theme's attributes for the role.
    public var attributes: TextAttributes
    /// Creates a style.
    public init(_ role: ColorRole = .normal, _ attributes: TextAttributes = []) {
        self.role = role
        self.attributes = attributes
    }
    /// The plain default style.
    public static let normal = Style(.normal)
    /// The style with extra attributes added.
    public func adding(_ extra: TextAttributes) -> Style { Style(role, attributes.union(extra)) }
}
