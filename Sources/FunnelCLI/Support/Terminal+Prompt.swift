import Foundation

/// Reading what a person types at a terminal, and lines from standard input.
enum Prompt {
    /// Whether standard input is a terminal (so a person can be asked).
    static var canAsk: Bool { CommandContext.current.inputIsTerminal }
    /// Whether standard error is a terminal (so progress can be drawn).
    static var canDrawProgress: Bool { CommandContext.current.errorsIsTerminal }

    /// Asks for a line of text, or nil at end of input.
    static func line(_ question: String) -> String? {
        CommandContext.current.errors(TerminalText.escaped(question))
        return CommandContext.current.readLine()
    }

    /// Asks for a secret without echoing it.
    static func secret(_ question: String) -> String? {
        CommandContext.current.errors(TerminalText.escaped(question))
        var original = termios()
        let hasTerminal = CommandContext.current.inputIsTerminal && tcgetattr(STDIN_FILENO, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if hasTerminal {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
                CommandContext.current.errors("\n")
            }
        }
        return CommandContext.current.readLine()
    }

    /// Reads the next line of standard input (for `--password-stdin`).
    static func stdinLine(purpose: String) throws -> String {
        guard let line = CommandContext.current.readLine() else {
            throw CLIError("--password-stdin: standard input ended before the \(purpose) was given")
        }
        return line
    }
}

/// A command-line failure with a message for the user.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
