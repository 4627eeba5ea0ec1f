/// How many colours the terminal can show.
public enum ColorDepth: Int, Comparable, Hashable, Sendable, CaseIterable {
    /// No colour (NO_COLOR, monochrome terminals): attributes only.
    case none = 0
    /// The 8 basic ANSI colours.
    case eight = 8
    /// 8 colours plus their bright variants.
    case sixteen = 16
    /// The xterm 256-colour palette.
    case t256 = 256
    /// 24-bit colour.
    case trueColor = 16_777_216

    /// Orders depths from fewest to most colours.
    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The depth for a terminal that reports `colors` colours (ncurses `COLORS`).
    public init(colorCount colors: Int) {
        switch colors {
        case ..<8: self = .none
        case 8..<16: self = .eight
        case 16..<256: self = .sixteen
        case 256..<16_777_216: self = .t256
        default: self = .trueColor
        }
    }
}

/// A colour the terminal can actually show: its default, or a palette index / packed RGB for direct colour.
public enum TerminalColor: Hashable, Sendable {
    case terminalDefault
    case palette(Int)
    case direct(UInt8, UInt8, UInt8)
}

extension ThemeColor {
    /// The xterm RGB values of the 16 ANSI colours.
    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    /// The RGB value of this colour (nil for the terminal default).
    public var rgbValue: (r: Int, g: Int, b: Int)? {
        switch self {
        case .terminalDefault: return nil
        case .ansi(let n): let c = Self.ansiRGB[max(0, min(15, n))]; return (c.0, c.1, c.2)
        case .indexed(let n):
            if n < 16 { return ThemeColor.ansi(n).rgbValue }
            if n >= 232 { let v = 8 + (n - 232) * 10; return (v, v, v) }
            let i = n - 16
            return (Self.cubeLevels[i / 36], Self.cubeLevels[(i / 6) % 6], Self.cubeLevels[i % 6])
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        }
    }

    /// This colour reduced to what a terminal of `depth` can show (nil: leave the terminal's default / no colour).
    public func degraded(to depth: ColorDepth) -> TerminalColor? {
        guard depth != .none else { return nil }
        switch self {
        case .terminalDefault: return .terminalDefault
        case .ansi(let n):
            return .palette(depth == .eight ? n % 8 : n)
        case .indexed(let n):
            if depth >= .t256 { return .palette(n) }
        case .rgb(let r, let g, let b):
            if depth == .trueColor { return .direct(r, g, b) }
        }
        guard let (r, g, b) = rgbValue else { return .terminalDefault }
        switch depth {
        case .t256, .trueColor: return .palette(Self.nearest256(r, g, b))
        case .sixteen: return .palette(Self.nearestANSI(r, g, b, count: 16))
        default: return .palette(Self.nearestANSI(r, g, b, count: 8))
        }
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    /// The nearest colour of the 6×6×6 cube or the grey ramp (16…255).
    static func nearest256(_ r: Int, _ g: Int, _ b: Int) -> Int {
        func level(_ v: Int) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(l - v) < abs(cubeLevels[best] - v) { best = i }
            return best
        }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cube = 16 + 36 * lr + 6 * lg + lb
        let cubeRGB = (cubeLevels[lr], cubeLevels[lg], cubeLevels[lb])
        let average = (r + g + b) / 3
        let greyIndex = max(0, min(23, (average - 3) / 10))
        let greyValue = 8 + greyIndex * 10
        let greyDistance = distance((greyValue, greyValue, greyValue), (r, g, b))
        return greyDistance < distance(cubeRGB, (r, g, b)) ? 232 + greyIndex : cube
    }

    /// The nearest of the first `count` (8 or 16) ANSI colours.
    static func nearestANSI(_ r: Int, _ g: Int, _ b: Int, count: Int) -> Int {
        var best = 0, bestDistance = Int.max
        for i in 0..<count {
            let d = distance(ansiRGB[i], (r, g, b))
            if d < bestDistance { bestDistance = d; best = i }
        }
        return best
    }
}
