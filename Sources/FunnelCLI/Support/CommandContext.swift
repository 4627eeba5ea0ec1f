import Foundation

/// What a command reads and writes outside its arguments: its environment, standard output,
/// standard error and standard input. The process's by default (`FunnelCommand.run(arguments:)`
/// from `main`); tests run commands in-process with their own (`run(arguments:context:)`),
/// each test's context its own, so they run in parallel.
public struct CommandContext: Sendable {
    public var environment: [String: String]
    /// Text for standard output (the process's is buffered, as `print` is).
    public var output: @Sendable (String) -> Void
    public var errors: @Sendable (String) -> Void
    /// The next line of standard input, nil at its end.
    public var readLine: @Sendable () -> String?
    /// Whether standard input and standard error are terminals (a person to ask, progress to draw).
    public var inputIsTerminal: Bool
    public var errorsIsTerminal: Bool

    public init(environment: [String: String], output: @escaping @Sendable (String) -> Void, errors: @escaping @Sendable (String) -> Void,
                readLine: @escaping @Sendable () -> String?, inputIsTerminal: Bool = false, errorsIsTerminal: Bool = false) {
        self.environment = environment
        self.output = output
        self.errors = errors
        self.readLine = readLine
        self.inputIsTerminal = inputIsTerminal
        self.errorsIsTerminal = errorsIsTerminal
    }

    /// The process's own.
    public static var process: CommandContext {
        var context = CommandContext(
            environment: ProcessInfo.processInfo.environment,
            output: { text in Swift.print(text, terminator: "") },
            errors: { text in FileHandle.standardError.write(Data(text.utf8)) },
            readLine: { Swift.readLine(strippingNewline: true) },
            inputIsTerminal: isatty(STDIN_FILENO) == 1, errorsIsTerminal: isatty(STDERR_FILENO) == 1)
        context.isProcess = true
        return context
    }

    /// The context the running command sees.
    @TaskLocal public static var current: CommandContext = .process

    /// Whether this is the process's own context (its standard output a file descriptor to write to).
    var isProcess = false
}

extension CommandContext {
    /// A context of in-memory text: what the command printed is read back from `captured`.
    public static func capturing(environment: [String: String], input: String = "") -> (CommandContext, CapturedOutput) {
        let captured = CapturedOutput(input: input)
        let context = CommandContext(environment: environment, output: { captured.append(output: $0) }, errors: { captured.append(errors: $0) },
                                     readLine: { captured.nextLine() })
        return (context, captured)
    }
}

/// What an in-process command printed, and the input it reads.
public final class CapturedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var outputText = ""
    private var errorText = ""
    private var lines: [Substring]

    init(input: String) {
        lines = input.split(separator: "\n", omittingEmptySubsequences: false)
        if input.hasSuffix("\n") { lines.removeLast() }
        if input.isEmpty { lines = [] }
    }

    public var standardOutput: String { lock.withLock { outputText } }
    public var standardError: String { lock.withLock { errorText } }

    func append(output text: String) { lock.withLock { outputText += text } }
    func append(errors text: String) { lock.withLock { errorText += text } }
    func nextLine() -> String? {
        lock.withLock { lines.isEmpty ? nil : String(lines.removeFirst()) }
    }
}
