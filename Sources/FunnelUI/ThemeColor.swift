/// A colour as written in a theme: terminal default, one of the 16 ANSI colours, a 256-palette index, or RGB.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    case terminalDefault
    case ansi(Int)
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    /// The 16 ANSI colour names, in palette order.
    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                                   "bright-black", "bright-red", "bright-green", "bright-yellow",
                                   "bright-blue", "bright-magenta", "bright-cyan", "bright-white"]

    /// Parses "default", "red", "bright-red", "grey", "0"…"255", "color123" or "#rrggbb".
    public init?(parsing text: String) {
        let lower = text.lowercased().replacingUnderscores()
        if lower == "default" || lower == "none" || lower.isEmpty { self = .terminalDefault; return }
        if let index = Self.ansiNames.firstIndex(of: lower) { self = .ansi(index); return }
        if lower == "gray" || lower == "grey" { self = .ansi(8); return }
        if lower.hasPrefix("bright"), let index = Self.ansiNames.firstIndex(of: "bright-" + lower.dropFirst(6)) { self = .ansi(index); return }
        let digits = lower.hasPrefix("color") ? String(lower.dropFirst(5)) : lower
        if let n = Int(digits), (0...255).contains(n) { self = n < 16 ? .ansi(n) : .indexed(n); return }
        if lower.hasPrefix("#"), lower.count == 7, let v = UInt32(lower.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
            return
        }
        return nil
    }

    /// The spelling used in theme files.
    public var description: String {
        switch self {
        case .terminalDefault: "default"
        case .ansi(let n): Self.ansiNames[max(0, min(15, n))]
        case .indexed(let n): "\(n)"
        case .rgb(let r, let g, let b): "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" || $0 == " " ? "-" : $0 })
    }
}
