import Foundation

/// Finds themes by name: embedded built-ins, then each directory in order (later directories win on a name clash).
public struct ThemeCatalog: Sendable {
    /// Directories searched, lowest precedence first (built-in dir, then the user's themes dir).
    public var directories: [String]
    /// Embedded theme text by name (always available, lowest precedence).
    public var embedded: [String: String]

    /// Creates a catalog.
    public init(directories: [String], embedded: [String: String] = BuiltinThemes.text) {
        self.directories = directories
        self.embedded = embedded
    }

    /// The standard catalog: a `themes/` folder found next to or above the executable (a source checkout), then the user's.
    public static func standard(paths: FunnelPaths, executablePath: String = CommandLine.arguments.first ?? "") -> ThemeCatalog {
        var directories: [String] = []
        if let checkout = findThemesDirectory(above: executablePath) { directories.append(checkout) }
        directories.append(paths.userThemesDirectory)
        return ThemeCatalog(directories: directories)
    }

    /// Walks up from a file looking for a `themes/dark.toml` (e.g. `.build/debug/funnel` in the repository).
    public static func findThemesDirectory(above executablePath: String) -> String? {
        guard !executablePath.isEmpty else { return nil }
        var url = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("themes")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("dark.toml").path) { return candidate.path }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return nil
    }

    /// Every theme name available, sorted.
    public var names: [String] {
        var all = Set(embedded.keys)
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".toml") { all.insert(String(file.dropLast(5))) }
        }
        return all.sorted()
    }

    /// Where a theme's text comes from: the last directory holding `<name>.toml`, else the embedded copy.
    public func source(named name: String) -> (file: String, text: String)? {
        for directory in directories.reversed() {
            let path = (directory as NSString).appendingPathComponent("\(name).toml")
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                return (path, text)
            }
        }
        if let text = embedded[name] { return ("<built-in \(name)>", text) }
        return nil
    }

    /// Loads a theme by name; the error names the file and line.
    public func load(named name: String) throws(ThemeError) -> Theme {
        guard let source = source(named: name) else {
            throw ThemeError(file: "\(name).toml", message: "no theme named \"\(name)\" (have: \(names.joined(separator: ", ")))")
        }
        return try ThemeParser.parse(source.text, file: source.file)
    }

    /// Loads a theme, falling back to the built-in dark theme; the warning says what went wrong.
    public func loadOrFallback(named name: String?) -> (theme: Theme, warning: String?) {
        let wanted = name ?? "dark"
        do {
            return (try load(named: wanted), nil)
        } catch {
            return (Theme.fallback, "\(error); using the built-in dark theme")
        }
    }
}
