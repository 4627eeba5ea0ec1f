/// A key press, already decoded from the terminal's bytes.
public enum Key: Hashable, Sendable {
    case character(Character)
    case ctrl(Character)
    case alt(Character)
    case up, down, left, right, home, end, pageUp, pageDown, insert, delete
    case backspace, enter, escape, tab, backTab
    case function(Int)
}

/// A mouse action at a cell.
public struct MouseEvent: Hashable, Sendable {
    /// What happened.
    public enum Kind: Hashable, Sendable { case click, wheelUp, wheelDown }
    /// What happened.
    public var kind: Kind
    /// Column.
    public var x: Int
    /// Row.
    public var y: Int
    /// Button number (1 = left) for clicks, 0 for the wheel.
    public var button: Int
    /// Creates a mouse event.
    public init(kind: Kind, x: Int, y: Int, button: Int = 1) {
        self.kind = kind; self.x = x; self.y = y; self.button = button
    }
}

/// Anything the terminal reports to the application.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case paste(String)
    case mouse(MouseEvent)
    case resize(Size)
}
