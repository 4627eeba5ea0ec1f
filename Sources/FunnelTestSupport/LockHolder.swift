import Foundation

/// sqlite3 holding `BEGIN <mode>` until `release()` (or at most `seconds`); returned once the lock is held.
public final class LockHolder {
    let process = Process()
    let input = Pipe()

    public init(path: String, mode: String, seconds: Int) throws {
        // A write to sqlite3 after it ended fails with EPIPE instead of ending the test process.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN \(mode);\nSELECT 1;\n.timeout 1\n".utf8))
        // Generous: on a loaded machine starting sqlite3 (and each probe) can take seconds.
        let deadline = Date().addingTimeInterval(60)
        var held = false
        while !held, Date() < deadline {
            let probe = try ProcessRunner.run("/usr/bin/sqlite3", [path, "BEGIN IMMEDIATE; ROLLBACK;"])
            held = probe.standardError.contains("locked")
            if !held { usleep(20_000) }
        }
        guard held else {
            process.terminate()
            throw TmuxSession.Timeout(description: "sqlite3 did not hold BEGIN \(mode) on \(path) within 60 s")
        }
        // Released after `seconds` at the latest, whatever the test does.
        let (handle, process) = (input.fileHandleForWriting, self.process)
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
            if process.isRunning { try? handle.write(contentsOf: Data("COMMIT;\n".utf8)) }
        }
    }

    /// Commits and ends sqlite3: the lock is free when this returns.
    public func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.write(contentsOf: Data("COMMIT;\n.quit\n".utf8))
        process.waitUntilExit()
    }

    deinit { release() }
}
