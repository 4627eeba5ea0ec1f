/// One record as the screen shows it: its id, the name it goes by ("#1874 Liam Suzuki"), and the
/// version it was read at (a change made on it is refused once someone changed the record since).
public struct ShownRecord: Hashable, Sendable {
    public let id: Int64
    /// The lead's name, the deal's or the item's title (empty when it has none).
    public let name: String
    /// The version shown (nil: not known, nothing is checked).
    public let version: Int64?

    public init(id: Int64, name: String?, version: Int64? = nil) {
        self.id = id
        self.name = name ?? ""
        self.version = version
    }

    /// "#1874 Liam Suzuki" (or "#1874").
    public var label: String { name.isEmpty ? "#\(id)" : "#\(id) \(name)" }
}

/// What one record of a pane is called, and several: "lead", "leads".
public struct RecordNoun: Hashable, Sendable {
    public let one: String
    public let many: String

    public init(_ one: String, _ many: String) {
        self.one = one
        self.many = many
    }
}

/// The records a key acts on, decided from what the screen shows, by one rule for every pane:
/// the open record (a detail, a full-screen item) if there is one, else the marked rows, else the
/// selected row. A key never acts on a record the screen does not show.
public struct ActionTarget: Hashable, Sendable {
    /// Where the records came from.
    public enum Source: Hashable, Sendable { case open, marks, selection }

    public let source: Source
    /// The records, at least one.
    public let records: [ShownRecord]
    /// What one record is called ("lead"), and several ("leads").
    public let noun: RecordNoun

    public init(source: Source, records: [ShownRecord], noun: RecordNoun) {
        self.source = source
        self.records = records
        self.noun = noun
    }

    /// The rule: the open record, else the marks, else the selected row (nil: nothing to act on).
    public static func resolve(open: ShownRecord?, marked: [ShownRecord], selected: ShownRecord?,
                               noun: RecordNoun) -> ActionTarget? {
        if let open { return ActionTarget(source: .open, records: [open], noun: noun) }
        if !marked.isEmpty { return ActionTarget(source: .marks, records: marked, noun: noun) }
        if let selected { return ActionTarget(source: .selection, records: [selected], noun: noun) }
        return nil
    }

    public var ids: [Int64] { records.map(\.id) }

    /// The versions shown, by id: the services refuse the change if a record is no longer at its.
    public var versions: [Int64: Int64] {
        Dictionary(records.compactMap { record in record.version.map { (record.id, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The one record, when there is exactly one.
    public var single: ShownRecord? { records.count == 1 ? records[0] : nil }

    /// The ids as a list: "#12, #40, #77" (the first six, then how many more).
    public var idList: String {
        let shown = records.prefix(6).map { "#\($0.id)" }.joined(separator: ", ")
        return records.count > 6 ? "\(shown) and \(records.count - 6) more" : shown
    }

    /// The records in words: "#1874 Liam Suzuki", or "3 leads (#12, #40, #77)".
    public var label: String {
        if let single { return single.label }
        return "\(records.count) \(noun.many) (\(idList))"
    }

    /// Why an action that works on one record at a time cannot take these marked records; nil when it can.
    public func refusalForOne(_ what: String) -> String? {
        guard records.count > 1 else { return nil }
        return "\(what) works on one \(noun.one) at a time: \(label) are marked (space unmarks)"
    }

    /// A change's summary naming its records: kept when it names them already ("Moved #12 to
    /// proposal" gets the title after the id), else the records are added.
    public func naming(_ summary: String) -> String {
        if let single {
            guard let range = Self.idRange(of: single.id, in: summary) else { return "\(single.label): \(summary)" }
            if single.name.isEmpty || summary.contains(single.name) { return summary }
            return summary.replacingCharacters(in: range, with: single.label)
        }
        if records.allSatisfy({ Self.idRange(of: $0.id, in: summary) != nil }) { return summary }
        return "\(summary) (\(idList))"
    }

    /// Where "#id" stands in a text as a whole number (not "#12" inside "#123").
    static func idRange(of id: Int64, in text: String) -> Range<String.Index>? {
        var searchStart = text.startIndex
        while let range = text.range(of: "#\(id)", range: searchStart..<text.endIndex) {
            if range.upperBound == text.endIndex || !text[range.upperBound].isNumber { return range }
            searchStart = range.upperBound
        }
        return nil
    }
}

/// A pane's view-model whose keys act on records: it says which record is open, which are marked
/// and which is selected, and the one rule of `ActionTarget` decides what a key acts on.
@MainActor
public protocol ActsOnShownRecords: PaneMessage {
    /// The record open on screen (a detail, a full-screen item), if any.
    var openRecord: ShownRecord? { get }
    /// The marked records, in the order they were marked (none where a pane has no marks).
    var markedRecords: [ShownRecord] { get }
    /// The record on the selected row, if any.
    var selectedRecord: ShownRecord? { get }
    /// What one record is called, and several.
    static var recordNoun: RecordNoun { get }
}

extension ActsOnShownRecords {
    /// What a key acts on now: the open record, else the marks, else the selected row.
    public var actionTarget: ActionTarget? {
        ActionTarget.resolve(open: openRecord, marked: markedRecords, selected: selectedRecord, noun: Self.recordNoun)
    }

    /// The target for an action on one record: the given one (taken when a prompt opened) or the
    /// current one; nil with the reason in `message` when there is none or several are marked.
    func singleTarget(_ given: ActionTarget?, _ what: String) -> (ActionTarget, ShownRecord)? {
        guard let target = given ?? actionTarget else {
            message = "No \(Self.recordNoun.one) here to act on"
            return nil
        }
        if let refusal = target.refusalForOne(what) {
            message = refusal
            return nil
        }
        return target.single.map { (target, $0) }
    }
}
