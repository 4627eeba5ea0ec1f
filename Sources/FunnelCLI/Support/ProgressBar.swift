import Foundation
import FunnelServices

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
        CommandContext.current.errors(line)
        lastPhase = phase
    }

    /// Redraws the bar from a fraction done (bytes of a file read, say): count, rate and time left.
    ///
    /// With `plain` (standard error is not a terminal but progress was asked for) it writes one
    /// line per call instead of redrawing one.
    func update(phase: String, count: Int, fraction: Double, plain: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let fraction = max(0, min(1, fraction))
        let width = 24
        let filled = Int(fraction * Double(width))
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Int(Double(count) / elapsed)
        let left = fraction > 0.001 ? Int((elapsed / fraction - elapsed).rounded()) : nil
        let leftText = left.map { $0 >= 60 ? "\($0 / 60) min \($0 % 60) s left" : "\($0) s left" } ?? "time left unknown"
        let body = "\(phase): \(Int(fraction * 100))% \(NumberText.grouped(count)) \(unit), \(NumberText.grouped(rate)) \(unit)/s, \(leftText)"
        if plain {
            CommandContext.current.errors((body + "\n"))
        } else {
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            CommandContext.current.errors("\r\u{1B}[2K\(phase): \(bar) \(body.dropFirst(phase.count + 2))")
        }
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled else { return }
        CommandContext.current.errors("\r\u{1B}[2K")
    }
}
