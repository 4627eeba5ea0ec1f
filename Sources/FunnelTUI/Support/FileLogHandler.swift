import Foundation
import Logging

/// A log handler that appends lines to a file (never to the screen, which the TUI owns).
public struct FileLogHandler: LogHandler {
    final class Sink: @unchecked Sendable {
        let handle: FileHandle?
        let lock = NSLock()
        init(path: String) {
            let folder = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
        }
        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            handle?.write(Data(line.utf8))
        }
    }

    let label: String
    let sink: Sink
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// Makes handlers that all write to `path`.
    public static func factory(path: String) -> @Sendable (String) -> any LogHandler {
        let sink = Sink(path: path)
        return { label in FileLogHandler(label: label, sink: sink) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let details = all.isEmpty ? "" : " " + all.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        sink.write("\(stamp) \(event.level) \(label): \(event.message)\(details)\n")
    }
}
