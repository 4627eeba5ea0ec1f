extension ColorRole {
    /// A one-letter code used in style dumps for tests.
    public var dumpCode: Character {
        switch self {
        case .normal: "."
        case .muted: "m"
        case .header: "h"
        case .title: "t"
        case .selection: "S"
        case .selectionInactive: "s"
        case .border: "b"
        case .tabActive: "T"
        case .tabInactive: "i"
        case .statusBar: "B"
        case .statusBarAccent: "A"
        case .accent: "a"
        case .warning: "w"
        case .danger: "D"
        case .success: "o"
        case .info: "n"
        case .scoreHot: "H"
        case .scoreWarm: "W"
        case .scoreCold: "C"
        case .marked: "k"
        case .input: "I"
        case .overlay: "v"
        case .toast: "x"
        case .calendarToday: "Y"
        case .calendarWeekend: "e"
        case .link: "l"
        }
    }
}

extension CellBuffer {
    /// The text of each row (continuation cells skipped, trailing spaces kept).
    public var lines: [String] {
        (0..<height).map { line($0) }
    }

    /// The text of one row.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var text = ""
        for x in 0..<width where !self[x, y].isContinuation { text.append(self[x, y].character) }
        return text
    }

    /// One letter per cell naming its colour role (see `ColorRole.dumpCode`), for tests.
    public var roleLines: [String] {
        (0..<height).map { y in String((0..<width).map { self[$0, y].style.role.dumpCode }) }
    }

    /// The rows followed by a role map, each row framed by "|" so trailing spaces show.
    public var styledDump: String {
        let text = lines.map { "|\($0)|" }
        let roles = roleLines.map { "|\($0)|" }
        return (text + ["-- roles --"] + roles).joined(separator: "\n")
    }

    /// The distinct styles used on a row, for tests that check highlighting.
    public func styles(onRow y: Int) -> Set<Style> {
        guard y >= 0, y < height else { return [] }
        return Set((0..<width).map { self[$0, y].style })
    }

    /// The rectangle of cells whose text contains `needle` on a row, if any (first occurrence).
    public func find(_ needle: String) -> Point? {
        for y in 0..<height {
            let row = line(y)
            guard let range = row.range(of: needle) else { continue }
            return Point(x: DisplayWidth.width(of: row[row.startIndex..<range.lowerBound]), y: y)
        }
        return nil
    }
}
