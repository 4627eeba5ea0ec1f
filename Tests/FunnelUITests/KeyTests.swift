import FunnelUI
import Testing

@Suite struct KeyChordTests {
    @Test(arguments: [
        ("q", Key.character("q")), ("ctrl-d", .ctrl("d")), ("C-d", .ctrl("d")), ("Ctrl-D", .ctrl("d")), ("alt-x", .alt("x")),
        ("shift-tab", .backTab), ("enter", .enter), ("esc", .escape), ("pgup", .pageUp), ("PgDn", .pageDown),
        ("home", .home), ("end", .end), ("f5", .function(5)), ("space", .character(" ")), ("up", .up), ("D", .character("D")),
    ])
    func parses(text: String, key: Key) throws {
        #expect(try KeyChord(parsing: text).key == key)
    }

    @Test func formatsCanonically() throws {
        #expect(try KeyChord(parsing: "C-d").description == "ctrl-d")
        #expect(KeyChord(.backTab).description == "shift-tab")
        #expect(KeyChord(.character(" ")).description == "space")
        #expect(KeyChord(.pageDown).description == "pgdn")
    }

    @Test func errorsNameTheBadText() {
        #expect(throws: KeyChordError.self) { try KeyChord(parsing: "hyper-q") }
        do {
            _ = try KeyChord(parsing: "ctrl-long")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("ctrl-long"))
        }
        #expect(throws: KeyChordError.self) { try KeyChord(parsing: "f99") }
    }
}

@Suite struct KeyRegistryTests {
    func registry() -> KeyRegistry {
        KeyRegistry([
            KeyAction("app.quit", ["q"], "Quit"),
            KeyAction("app.help", ["?"], "Help"),
            KeyAction("lead.delete", ["d"], "Delete lead", scope: .pane("leads"), dangerous: true),
            KeyAction("lead.close", ["q"], "Close lead", scope: .pane("lead")),
        ])
    }

    @Test func paneBindingWinsOverGlobal() {
        let keys = registry()
        #expect(keys.action(for: .character("q"), scope: .pane("lead")) == .action(keys.action(id: "lead.close")!))
        #expect(keys.action(for: .character("q"), scope: .pane("leads")) == .action(keys.action(id: "app.quit")!))
        #expect(keys.action(for: .character("z"), scope: .global) == .unbound)
    }

    @Test func readOnlyRefusesAndHidesDangerousActions() {
        var keys = registry()
        keys.isReadOnly = true
        guard case .refused(_, let reason) = keys.action(for: .character("d"), scope: .pane("leads")) else {
            Issue.record("expected a refusal"); return
        }
        #expect(reason.contains("read-only"))
        #expect(!keys.actions(in: .pane("leads")).contains { $0.id == "lead.delete" })
    }

    @Test func rebindingsApplyAndWarn() {
        var keys = registry()
        let warnings = keys.applyRebindings(["app.help": ["f1", "?"], "nope": ["x"], "app.quit": ["ctrl-", "?"]])
        #expect(keys.action(for: .function(1), scope: .global) == .action(keys.action(id: "app.help")!))
        #expect(warnings.contains { $0.contains("unknown action \"nope\"") })
        #expect(warnings.contains { $0.contains("\"ctrl-\"") })
        #expect(warnings.contains { $0.contains("also bound") })
    }

    @Test func markdownTableListsEveryAction() {
        let table = registry().markdownTable()
        #expect(table.hasPrefix("| Scope | Keys | Action | Id |"))
        #expect(table.contains("| leads | `d` | Delete lead (!) | `lead.delete` |"))
        #expect(table.split(separator: "\n").count == 6)
    }
}

@Suite struct FuzzyMatcherTests {
    @Test func matchesSubsequencesCaseInsensitively() {
        let match = FuzzyMatcher("nt").match("Next theme")
        #expect(match?.indices == [0, 5])
        #expect(FuzzyMatcher("xyz").match("Next theme") == nil)
    }

    @Test func prefersWordStartsAndConsecutiveRuns() {
        let ranked = FuzzyMatcher("del").rank(["Model list", "Delete lead", "dial"])
        #expect(ranked.first?.index == 1)
        let ranked2 = FuzzyMatcher("nl").rank(["channel", "New lead"])
        #expect(ranked2.first?.index == 1)
    }
}
