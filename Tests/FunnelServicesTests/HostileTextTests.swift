import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Hostile data is inert (part 6 of issue 13), at the services: typed text with a NUL character is
/// refused naming its field, before anything is written; the CSV writer's formula guard is
/// reversible on any text; a NUL byte in an imported file refuses the whole import.
@Suite struct HostileTextTests {
    let workspace: TestWorkspace

    init() throws {
        workspace = try TestWorkspace.make()
    }

    /// Everything of the organization an export shows.
    func state() throws -> String {
        var text = ""
        for entity in ExportEntity.allCases {
            try ExportService(database: workspace.database).export(entity, format: .json, in: workspace.admin) { text += $0 }
        }
        return text
    }

    @Test func typedTextWithANULIsRefusedNamingTheField() throws {
        let before = try state()
        let leads = LeadService(database: workspace.database, clock: { TestWorkspace.now })
        let leadId = workspace.acmeLead.id ?? 0
        for field in ["name", "company", "email", "phone"] {
            var draft = LeadDraft(name: "Ada", company: "Initech", email: "ada@initech.example", phone: "+1 415 555 0100")
            switch field {
            case "name": draft.name = "Ada\0Lovelace"
            case "company": draft.company = "Init\0ech"
            case "email": draft.email = "ada\0@initech.example"
            default: draft.phone = "+1 415\0 555 0100"
            }
            #expect(draft.problems[field]?.contains("NUL") == true, "\(field): \(draft.problems)")
            #expect(throws: ServiceError.invalid(field: field, problem: TypedText.nulProblem("\0") ?? "")) {
                try leads.create(draft, in: workspace.admin)
            }
        }
        func refused(_ field: String, _ body: () throws -> Void, _ location: SourceLocation = #_sourceLocation) {
            do {
                try body()
                Issue.record("\(field): not refused", sourceLocation: location)
            } catch let error as ServiceError {
                #expect(error.description.hasPrefix("\(field): holds a NUL character"), "\(error)", sourceLocation: location)
            } catch {
                Issue.record("\(field): \(error)", sourceLocation: location)
            }
        }
        refused("reason") { try leads.setStatus([leadId], to: .lost, reason: "gone\0", in: workspace.admin) }
        refused("note") { try leads.logAction(.note, note: "called\0", on: leadId, in: workspace.admin) }
        let pipeline = PipelineService(database: workspace.database, clock: { TestWorkspace.now })
        refused("note") { try pipeline.lose(1, reason: .pricing, note: "too\0dear", in: workspace.admin) }
        #expect(pipeline.problems(DealForm(title: "Big\0deal", value: "100"), editing: nil, in: workspace.admin)["title"]?.contains("NUL") == true)
        let content = ContentService(database: workspace.database, clock: { TestWorkspace.now })
        refused("title") { try content.createDraft(title: "Launch\0", type: .blog, at: nil, in: workspace.admin) }
        refused("body") { try content.createDraft(title: "Launch", type: .blog, at: nil, body: "text\0more", in: workspace.admin) }
        refused("body") { try content.edit(1, body: "text\0more", in: workspace.admin) }
        refused("comment") { try content.reject([1], comment: "no\0", in: workspace.admin) }
        refused("comment") { try content.approve([1], comment: "ok\0", in: workspace.admin) }
        #expect(try state() == before)
    }

    /// Any text written by `CSVWriter` and read back from a Funnel export is the same text, and no
    /// field written starts like a formula (a negative number aside).
    @Test func theFormulaGuardIsReversibleOnAnyText() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let alphabet: [Character] = ["'", "=", "+", "-", "@", "\t", "\r", "\n", "1", "0", ".", "a", ",", "\"", ";", " ", "é", "王"]
        var values: [String] = []
        for _ in 0..<3_000 {
            var text = String((0..<(1 + next(6))).map { _ in alphabet[next(alphabet.count)] })
            // The import trims spaces and tabs at the ends, and a value that is only those is empty.
            text = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            if !text.isEmpty { values.append(text) }
        }
        values += ["-5", "-12.50", "'-5", "=x", "'=x", "''=x", "'Tis", "-", "-.5", "+14155550100", "@", "\u{1B}"]
        for value in values {
            let field = CSVWriter.field(value)
            var shown = field
            if shown.hasPrefix("\"") { shown = String(shown.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
            if let first = shown.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
                #expect(first == "-" && Double(shown) != nil && !shown.contains("e"), "\(value.debugDescription) written as \(field.debugDescription)")
            }
        }
        let header = ExportEntity.columns(.leads).map(\.name)
        let csv = header.joined(separator: ",") + "\r\n" + values.map { CSVWriter.field($0) + String(repeating: ",", count: header.count - 1) + "\r\n" }.joined()
        let reader = CSVReader(data: Data(csv.utf8), name: "export.csv")
        _ = try reader.next()
        reader.removesFormulaGuards = true
        var read: [String] = []
        while let record = try reader.next() { read.append(record.fields[0]) }
        #expect(read == values)
    }

    @Test func aNULByteInAnImportedFileRefusesItAll() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("leads.csv")
        try Data("name,email\nAda,ada@x.example\nE\0ve,eve@x.example\n".utf8).write(to: URL(fileURLWithPath: path))
        let before = try state()
        let service = RecordImportService(database: workspace.database, clock: { TestWorkspace.now })
        #expect(throws: ServiceError.invalid(field: "leads.csv", problem: "line 3, column 1 (name): \(CSVNULByte.problem); nothing was imported")) {
            try service.run(file: path, options: RecordImportOptions(entity: .leads), in: workspace.admin)
        }
        #expect(try state() == before)
        #expect(try ImportLogService(database: workspace.database).list(limit: 10, in: workspace.admin).isEmpty)
    }
}
