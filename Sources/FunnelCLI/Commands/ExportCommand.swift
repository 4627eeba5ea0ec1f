import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel export leads|contacts|deals|content`: the organization's records as CSV or JSON, streamed.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export leads, contacts, deals or content as CSV or JSON (needs the data.export permission).",
        discussion: """
            Rows are streamed from the database as they are read, so memory stays flat. The CSV's columns
            are the import's field names: `funnel import leads` takes an export of leads back as it is.
            Files written with --output are readable by their owner only.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("leads, contacts, deals or content.", valueName: "what")) var entity: ExportEntity
    @Option(help: "csv or json.") var format: ExportFormat = .csv
    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var output: String?

    func run() throws {
        let (db, session) = try database.choice.signIn()
        let descriptor: Int32
        if let output {
            descriptor = open(output, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
            guard descriptor >= 0 else { throw CLIError("cannot write \(output): \(String(cString: strerror(errno)))") }
        } else {
            descriptor = STDOUT_FILENO
        }
        defer { if output != nil { close(descriptor) } }
        // In-process (tests), standard output is the context's text, not the process's.
        let sink = output == nil && !CommandContext.current.isProcess
            ? BufferedOutput(text: CommandContext.current.output) : BufferedOutput(descriptor: descriptor)
        let rows = try ExportService(database: db).export(entity, format: format, in: session) { try sink.write($0) }
        try sink.flush()
        if let output {
            CommandContext.current.errors("Exported \(NumberText.grouped(rows)) \(entity.rawValue) to \(output).\n")
        }
    }
}

extension ExportEntity: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}

/// Text written to a file descriptor in 64 KiB blocks. A file or a pipe gets the text as it is;
/// a terminal gets it with its control characters escaped (`TerminalText`), like everything else
/// the command line prints.
final class BufferedOutput {
    let descriptor: Int32
    let isTerminal: Bool
    private var buffer: [UInt8] = []

    /// Where the text goes instead of a descriptor (a command run in-process).
    private let text: (@Sendable (String) -> Void)?

    init(descriptor: Int32) {
        self.descriptor = descriptor
        isTerminal = isatty(descriptor) == 1
        text = nil
        buffer.reserveCapacity(1 << 16)
    }

    init(text: @escaping @Sendable (String) -> Void) {
        descriptor = -1
        isTerminal = false
        self.text = text
    }

    /// Writes `text` (whole rows: an escape is never cut in two).
    func write(_ text: String) throws {
        buffer.append(contentsOf: (isTerminal ? TerminalText.escaped(text) : text).utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        if let text {
            text(String(decoding: buffer, as: UTF8.self))
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CLIError("cannot write the export: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
