import Foundation

/// A transient message in a box at the bottom right; the app drops it once `isExpired(at:)`.
public struct Toast: Hashable, Sendable {
    /// How serious the message is.
    public enum Level: String, Hashable, Sendable {
        case info, success, warning, error
        /// The colour role of the level.
        public var role: ColorRole {
            switch self {
            case .info: .info
            case .success: .success
            case .warning: .warning
            case .error: .danger
            }
        }
        /// A symbol so the level is not told by colour only.
        public var symbol: String {
            switch self {
            case .info: "i"
            case .success: "✓"
            case .warning: "!"
            case .error: "✗"
            }
        }
    }

    /// The text.
    public var message: String
    /// Severity.
    public var level: Level
    /// When it disappears.
    public var expiresAt: Date

    /// Creates a toast.
    public init(_ message: String, level: Level = .info, expiresAt: Date) {
        self.message = message; self.level = level; self.expiresAt = expiresAt
    }

    /// True once `now` reaches the expiry time.
    public func isExpired(at now: Date) -> Bool { now >= expiresAt }

    /// Draws the toast in the bottom-right corner of `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let text = "\(level.symbol) \(message)"
        let innerWidth = min(DisplayWidth.width(of: text), max(1, min(50, area.width - 2)))
        let lines = Array(TextLayout.wrap(text, width: innerWidth).prefix(3))
        let width = min(area.width, innerWidth + 2), height = min(area.height, lines.count + 2)
        let box = Rect(x: area.maxX - width, y: area.maxY - height, width: width, height: height)
        let inner = Box.draw(into: &buffer, in: box, border: Style(level.role), fill: Style(.toast))
        if inner.isEmpty {
            buffer.put(text, at: box.origin, maxWidth: box.width, style: Style(level.role, .bold))
            return
        }
        for (offset, line) in lines.prefix(inner.height).enumerated() {
            buffer.put(line, at: Point(x: inner.x, y: inner.y + offset), maxWidth: inner.width, style: Style(.toast))
        }
    }
}
