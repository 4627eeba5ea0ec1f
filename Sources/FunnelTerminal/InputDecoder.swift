import FunnelUI

/// One unit read from the terminal before decoding: a character code, a decoded special key, or a marker.
public enum RawInput: Hashable, Sendable {
    /// A character code point as returned by `get_wch`.
    case character(UInt32)
    /// A special key ncurses recognised.
    case key(Key)
    /// A mouse report.
    case mouse(MouseEvent)
    /// The terminal was resized to this size.
    case resize(Size)
    /// Bracketed paste started (`ESC [200~`).
    case pasteStart
    /// Bracketed paste ended (`ESC [201~`).
    case pasteEnd
}

/// Turns raw terminal input into events: control codes to ctrl keys, ESC+char to alt, bracketed paste to one event.
public struct InputDecoder: Sendable {
    private var pasteBuffer: String?

    /// Creates a decoder.
    public init() {}

    /// Decodes one drained batch; an ESC at the very end of the batch is a lone Escape key.
    public mutating func decode(_ input: [RawInput]) -> [InputEvent] {
        var events: [InputEvent] = []
        var index = 0
        while index < input.count {
            let raw = input[index]
            index += 1
            if pasteBuffer != nil {
                switch raw {
                case .pasteEnd:
                    events.append(.paste(pasteBuffer ?? "")); pasteBuffer = nil
                case .character(27) where matches(input, at: index, "[201~"):
                    index += 5
                    events.append(.paste(pasteBuffer ?? "")); pasteBuffer = nil
                case .character(let code):
                    let scalar = code == 13 ? "\n" : Unicode.Scalar(code).map { String(Character($0)) } ?? ""
                    pasteBuffer? += scalar
                case .key(.enter): pasteBuffer? += "\n"
                case .key(.tab): pasteBuffer? += "\t"
                default: break
                }
                continue
            }
            switch raw {
            case .pasteStart: pasteBuffer = ""
            case .pasteEnd: break
            case .key(let key): events.append(.key(key))
            case .mouse(let mouse): events.append(.mouse(mouse))
            case .resize(let size): events.append(.resize(size))
            case .character(27):
                if matches(input, at: index, "[200~") { index += 5; pasteBuffer = ""; continue }
                if index < input.count, case .character(let next) = input[index], next != 27 {
                    index += 1
                    events.append(.key(Self.alt(next)))
                } else {
                    events.append(.key(.escape))
                }
            case .character(let code):
                if let key = Self.key(for: code) { events.append(.key(key)) }
            }
        }
        return events
    }

    /// True while a bracketed paste is still being collected.
    public var isPasting: Bool { pasteBuffer != nil }

    private func matches(_ input: [RawInput], at start: Int, _ text: String) -> Bool {
        let codes = text.unicodeScalars.map(\.value)
        guard start + codes.count <= input.count else { return false }
        for (offset, code) in codes.enumerated() where input[start + offset] != .character(code) { return false }
        return true
    }

    /// The key for a character code: 13/10 enter, 9 tab, 127/8 backspace, 1…26 ctrl letters, printable as characters.
    public static func key(for code: UInt32) -> Key? {
        switch code {
        case 13, 10: return .enter
        case 9: return .tab
        case 127, 8: return .backspace
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 96)!))
        case 28: return .ctrl("\\")
        case 29: return .ctrl("]")
        case 30: return .ctrl("^")
        case 31: return .ctrl("_")
        default:
            guard let scalar = Unicode.Scalar(code), code >= 32 else { return nil }
            return .character(Character(scalar))
        }
    }

    private static func alt(_ code: UInt32) -> Key {
        switch code {
        case 13, 10: return .alt("\r")
        case 127, 8: return .alt("\u{7F}")
        default: return .alt(Unicode.Scalar(code).map { Character($0) } ?? "?")
        }
    }
}
