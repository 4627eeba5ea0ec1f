/// How a theme draws one colour role.
public struct RoleAppearance: Hashable, Sendable {
    /// Text colour (nil: inherit the normal role's).
    public var foreground: ThemeColor?
    /// Background colour (nil: inherit the normal role's).
    public var background: ThemeColor?
    /// Attributes always applied for this role.
    public var attributes: TextAttributes
    /// Creates an appearance.
    public init(foreground: ThemeColor? = nil, background: ThemeColor? = nil, attributes: TextAttributes = []) {
        self.foreground = foreground; self.background = background; self.attributes = attributes
    }
}

/// A named mapping from colour roles to colours and attributes.
public struct Theme: Hashable, Sendable {
    /// The theme's name ("dark").
    public var name: String
    /// Appearance per role; roles not listed fall back to `normal`'s colours.
    public var roles: [ColorRole: RoleAppearance]

    /// Creates a theme.
    public init(name: String, roles: [ColorRole: RoleAppearance]) { self.name = name; self.roles = roles }

    /// The resolved appearance of a role (missing colours inherited from `normal`).
    public func appearance(for role: ColorRole) -> RoleAppearance {
        let normal = roles[.normal] ?? RoleAppearance()
        guard var own = roles[role] else { return RoleAppearance(foreground: normal.foreground, background: normal.background) }
        if own.foreground == nil { own.foreground = normal.foreground }
        if own.background == nil { own.background = normal.background }
        return own
    }

    /// What a cell in `style` looks like at a colour depth: colours (degraded) and the full attribute set.
    /// At `.none` the role's monochrome fallback is added so selection and the like stay visible.
    public func resolve(_ style: Style, depth: ColorDepth) -> (foreground: TerminalColor?, background: TerminalColor?, attributes: TextAttributes) {
        let look = appearance(for: style.role)
        var attributes = look.attributes.union(style.attributes)
        guard depth != .none else {
            attributes.formUnion(style.role.monochromeFallback)
            return (nil, nil, attributes)
        }
        var foreground = look.foreground?.degraded(to: depth)
        let background = look.background?.degraded(to: depth)
        if let fg = foreground, fg == background, fg != .terminalDefault {
            // Degrading merged both colours: keep the text readable.
            foreground = .terminalDefault
            attributes.insert(.reverse)
        }
        return (foreground, background, attributes)
    }

    /// The default theme when nothing else can be loaded (the embedded dark theme).
    public static var fallback: Theme {
        (try? ThemeParser.parse(BuiltinThemes.text["dark"] ?? "", file: "<built-in dark>")) ?? Theme(name: "dark", roles: [:])
    }
}
