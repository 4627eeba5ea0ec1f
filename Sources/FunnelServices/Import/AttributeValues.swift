import Foundation
import FunnelStore

/// Decides the kind of an attribute column from all its values (before the import writes a row):
/// yes/no when every value is yes, no, true, false, y or n; a number when every value is one
/// (`42`, `-3.5`; not `007`, which is a code to keep as written); a date when every value reads as
/// one (ISO, or the `--date-format`); else text. A column with no value at all is text.
struct AttributeKindDetector {
    private(set) var values = 0
    private var yesNo = true
    private var number = true
    private var date = true
    /// Distinct values seen, up to one more than `LeadAttribute.indexedValueLimit`.
    private var distinct = Set<String>()

    /// Whether the column has few enough distinct values to be indexed (filtered by value).
    var fewValues: Bool { distinct.count <= LeadAttribute.indexedValueLimit }

    mutating func record(_ text: String, dates: ImportDateReader) {
        values += 1
        if distinct.count <= LeadAttribute.indexedValueLimit { distinct.insert(text) }
        if yesNo, AttributeParsing.yesNo(text) == nil { yesNo = false }
        if number, AttributeParsing.number(text) == nil { number = false }
        if date, !yesNo || values == 1 {
            if case .failure = dates.read(text) { date = false }
        }
    }

    var kind: AttributeKind {
        guard values > 0 else { return .text }
        if yesNo { return .yesNo }
        if number { return .number }
        if date { return .date }
        return .text
    }
}

/// Reads a file's text as an attribute value of a kind.
enum AttributeParsing {
    static func yesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "y", "true": return true
        case "no", "n", "false": return false
        default: return nil
        }
    }

    /// A plain decimal number: an optional sign, digits, an optional point and digits; no leading
    /// zero before another digit (a code like `007` stays text), at most 18 significant digits.
    static func number(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 24 else { return nil }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        func digits(_ part: Substring.UTF8View.SubSequence) -> Bool {
            !part.isEmpty && part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        guard parts.count <= 2, let whole = parts.first, digits(whole), parts.count == 1 || digits(parts[1]) else { return nil }
        if whole.count > 1, whole.first == UInt8(ascii: "0") { return nil }
        guard body.utf8.count - (parts.count - 1) <= 18 else { return nil }
        return Double(text)
    }

    /// The value of `text` as an attribute of `kind`, or the problem with it.
    static func value(_ text: String, kind: AttributeKind, dates: ImportDateReader) -> Result<AttributeValue, ImportProblem> {
        switch kind {
        case .text:
            return .success(.text(text))
        case .number:
            if let number = number(text) { return .success(.number(number)) }
            return .failure(ImportProblem(line: 0, message: "is not a number"))
        case .yesNo:
            if let yes = yesNo(text) { return .success(.yesNo(yes)) }
            return .failure(ImportProblem(line: 0, message: "is not yes or no"))
        case .date:
            switch dates.read(text) {
            case .success(let time): return .success(.date(time.dayText))
            case .failure(let problem): return .failure(ImportProblem(line: 0, message: problem.message))
            }
        }
    }
}
