import Foundation

/// A one-line progress bar on standard error (drawn only on a terminal).
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    let unit: String
    let start = Date()
    private let lock = NSLock()
    private var lastPhase = ""

    init(enabled: Bool, unit: String) {
        self.enabled = enabled
        self.unit = unit
    }

    /// Redraws the bar: phase, a bar, done/total and the rate.
    func update(phase: String, done: Int, total: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Int(Double(done) / elapsed)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\u{1B}[2K\(phase): \(bar) \(Int(fraction * 100))% \(done)/\(total) \(unit), \(rate) \(unit)/s"
        FileHandle.standardError.write(Data(line.utf8))
        lastPhase = phase
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
