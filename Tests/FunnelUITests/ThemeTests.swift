import Foundation
@testable import FunnelUI
import Testing

/// The repository's themes/ folder (this file is Tests/FunnelUITests/ThemeTests.swift).
let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "funnel-ui-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct ThemeTests {
    @Test(arguments: ["dark", "light", "high-contrast", "mono"])
    func builtinThemeFilesParseAndCoverEveryRole(name: String) throws {
        let text = try String(contentsOfFile: themesDirectory + "/\(name).toml", encoding: .utf8)
        let theme = try ThemeParser.parse(text, file: "\(name).toml")
        #expect(theme.name == name)
        #expect(Set(theme.roles.keys) == Set(ColorRole.allCases))
    }

    @Test func embeddedThemesMatchTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: themesDirectory).filter { $0.hasSuffix(".toml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltinThemes.text.keys), "run scripts/embed-themes.sh")
        for file in files {
            let onDisk = try String(contentsOfFile: themesDirectory + "/" + file, encoding: .utf8)
            #expect(BuiltinThemes.text[String(file.dropLast(5))].map { $0 + "\n" } == onDisk, "run scripts/embed-themes.sh: \(file) differs")
        }
    }

    @Test func parseErrorNamesFileAndLine() {
        let text = "name = \"x\"\n[roles]\nselection = { fg = \"#fff\" \n"
        #expect(throws: ThemeError.self) { try ThemeParser.parse(text, file: "broken.toml") }
        do {
            _ = try ThemeParser.parse(text, file: "broken.toml")
        } catch {
            #expect(error.file == "broken.toml")
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("broken.toml:3"))
        }
    }

    @Test func badColourAndUnknownRoleAreReportedWithLine() {
        do {
            _ = try ThemeParser.parse("name = \"x\"\n[roles]\nnormal = {}\nsparkle = { fg = \"red\" }\n", file: "t.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 4 && error.message.contains("sparkle"))
        }
        do {
            _ = try ThemeParser.parse("name = \"x\"\n[roles]\naccent = { fg = \"octarine\" }\n", file: "t.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3 && error.message.contains("accent.fg"))
        }
    }

    @Test func coloursDegradeToTheTerminalDepth() {
        let teal = ThemeColor.rgb(0x00, 0x5f, 0x87)
        #expect(teal.degraded(to: .trueColor) == .direct(0x00, 0x5f, 0x87))
        #expect(teal.degraded(to: .t256) == .palette(24))
        #expect(ThemeColor.rgb(0x80, 0x80, 0x80).degraded(to: .t256) == .palette(244))
        #expect(ThemeColor.rgb(250, 10, 10).degraded(to: .sixteen) == .palette(9))
        #expect(ThemeColor.rgb(250, 10, 10).degraded(to: .eight) == .palette(1))
        #expect(ThemeColor.ansi(12).degraded(to: .eight) == .palette(4))
        #expect(ThemeColor.indexed(196).degraded(to: .sixteen) == .palette(9))
        #expect(teal.degraded(to: .none) == nil)
        #expect(ThemeColor(parsing: "bright-blue") == .ansi(12))
        #expect(ThemeColor(parsing: "#FF0000") == .rgb(255, 0, 0))
        #expect(ThemeColor(parsing: "200") == .indexed(200))
        #expect(ThemeColor(parsing: "nope") == nil)
    }

    @Test func monochromeKeepsEveryRoleDistinguishableByAttributes() {
        let theme = Theme.fallback
        let selection = theme.resolve(Style(.selection), depth: .none)
        #expect(selection.foreground == nil && selection.attributes.contains(.reverse))
        #expect(theme.resolve(Style(.danger), depth: .none).attributes.contains(.bold))
        #expect(theme.resolve(Style(.normal), depth: .none).attributes.isEmpty)
        #expect(theme.resolve(Style(.selection), depth: .t256).background == .palette(24))
    }

    @Test func catalogPrefersUserThemesAndAlwaysHasBuiltins() throws {
        let user = try temporaryDirectory()
        try "name = \"dark\"\n[roles]\nnormal = { fg = \"red\" }\n".write(toFile: user + "/dark.toml", atomically: true, encoding: .utf8)
        try "name = \"solar\"\n[roles]\n".write(toFile: user + "/solar.toml", atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(directories: [themesDirectory, user])
        #expect(catalog.names == ["dark", "high-contrast", "light", "mono", "solar"])
        #expect(try catalog.load(named: "dark").roles[.normal]?.foreground == .ansi(1))
        let nowhere = ThemeCatalog(directories: ["/nonexistent/themes"])
        #expect(nowhere.names == ["dark", "high-contrast", "light", "mono"])
        #expect(try nowhere.load(named: "mono").name == "mono")
        let missing = nowhere.loadOrFallback(named: "neon")
        #expect(missing.theme.name == "dark" && missing.warning?.contains("neon") == true)
    }

    @Test func checkoutThemesDirectoryIsFoundAboveTheExecutable() {
        let fakeBinary = themesDirectory + "/../.build/debug/funnel"
        #expect(ThemeCatalog.findThemesDirectory(above: fakeBinary).map { URL(fileURLWithPath: $0).standardized.path } == URL(fileURLWithPath: themesDirectory).standardized.path)
        #expect(ThemeCatalog.findThemesDirectory(above: "/usr/bin/funnel") == nil)
    }
}

@Suite struct ConfigTests {
    @Test func pathsFollowXDGWithFallbacks() {
        let xdg = FunnelPaths(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d", "XDG_STATE_HOME": "/s"])
        #expect(xdg.configFile == "/c/funnel/config.toml")
        #expect(xdg.defaultDatabase == "/d/funnel/funnel.sqlite")
        #expect(xdg.logFile == "/s/funnel/funnel.log")
        #expect(xdg.userThemesDirectory == "/c/funnel/themes")
        let plain = FunnelPaths(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "relative"])
        #expect(plain.configFile == "/home/u/.config/funnel/config.toml")
        #expect(plain.defaultDatabase == "/home/u/.local/share/funnel/funnel.sqlite")
        #expect(plain.logFile == "/home/u/.local/state/funnel/funnel.log")
    }

    @Test func parsesAllSettings() {
        let text = """
        theme = "light"
        database = "/tmp/x.sqlite"
        user = "ada"
        mouse = true
        week_starts_on = "sunday"

        [keys]
        "app.quit" = ["ctrl-q", "q"]
        "app.help" = "f1"
        """
        let (config, warnings) = FunnelConfig.parse(text, file: "config.toml")
        #expect(warnings.isEmpty)
        #expect(config == FunnelConfig(theme: "light", keys: ["app.quit": ["ctrl-q", "q"], "app.help": ["f1"]], database: "/tmp/x.sqlite", user: "ada", mouse: true, weekStartsOn: .sunday))
    }

    @Test func brokenFileGivesDefaultsAndAWarningWithTheLine() {
        let (config, warnings) = FunnelConfig.parse("theme = \"light\"\nmouse = tru\n", file: "/x/config.toml")
        #expect(config == FunnelConfig())
        #expect(warnings.count == 1 && warnings[0].hasPrefix("/x/config.toml:2"))
    }

    @Test func unknownAndMistypedKeysAreWarnings() {
        let (config, warnings) = FunnelConfig.parse("theme = \"mono\"\ncolour = \"red\"\nmouse = \"yes\"\n", file: "c.toml")
        #expect(config.theme == "mono" && config.mouse == false)
        #expect(warnings.contains("c.toml:2: unknown setting \"colour\" (ignored)"))
        #expect(warnings.contains { $0.hasPrefix("c.toml:3:") && $0.contains("mouse") })
    }

    @Test func missingFileGivesDefaultsSilently() {
        let (config, warnings) = FunnelConfig.load(from: "/nonexistent/funnel/config.toml")
        #expect(config == FunnelConfig() && warnings.isEmpty)
    }
}
