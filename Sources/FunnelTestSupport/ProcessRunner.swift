import Foundation

/// The outcome of a finished process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String

    public init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// Serializes the launching of child processes (see `ProcessRunner.run`).
private let launchLock = NSLock()

/// Runs a program to completion with arguments, environment and standard input.
public enum ProcessRunner {
    /// Spawns a program with stdio on /dev/null and waits for it with waitpid.
    static func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // A daemon (tmux's server) must not keep other tests' pipes open: close every other descriptor.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        launchLock.lock()
        let code = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        launchLock.unlock()
        guard code == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(code)))"]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public static func run(
        _ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
        discardingOutput: Bool = false
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if discardingOutput {
            // For programs that leave a daemon behind (tmux's server): Foundation's Process can
            // miss such a child's exit, so spawn and reap it directly, stdio on /dev/null.
            return ProcessResult(status: try spawnAndWait(executable, arguments, environment: env), standardOutput: "", standardError: "")
        }
        // Pipes are made and handed to the child under a lock, so that no daemon spawned at the same
        // moment by another test inherits their write ends (its reader would never see the end).
        launchLock.lock()
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        do {
            try process.run()
        } catch {
            launchLock.unlock()
            throw error
        }
        launchLock.unlock()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = error.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}
