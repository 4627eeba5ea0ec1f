import Foundation
import FunnelTestSupport
import Testing

/// The scoring view in tmux (issue 15, item 5): opened from the palette on a database with 1,500
/// outcomes, an administrator learns a model, says yes, and sees it in force with its factors;
/// the Leads pane then explains scores with it.
@Suite(.serialized) struct ScoringEndToEndTests {
    let folder: TemporaryFolder
    let path: String

    init() throws {
        folder = try TemporaryFolder()
        path = folder.file("scoring.sqlite")
        try ScoringOutcomesFixture.makeDatabase(at: path, count: 1_500)
    }

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func fromThePaletteLearnConfirmAndSeeTheModelInForceWithItsFactors() throws {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(path) --user admin@acme.test; sleep 60", width: 120, height: 40,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": folder.file("config"), "XDG_STATE_HOME": folder.file("state")])
        try session.waitForSettled("the leads") { $0.contains("[1 Leads") && $0.contains("? help") }
        try session.press(":")
        try session.waitForSettled("the palette") { $0.contains("Command palette") }
        try session.type("scoring")
        try session.waitForSettled("the scoring action") { $0.contains("Scoring: the model in force") }
        try session.press("Enter")
        var screen = try session.waitForSettled("the scoring view") { $0.contains("Scoring of Acme Corp") && $0.contains("In force: The rules") }
        #expect(screen.contains("No model learned yet"))
        #expect(screen.contains("+15  Source: referral"), "\(screen)")

        try session.press("L")
        screen = try session.waitForSettled("the question", timeout: 120) { $0.contains("Use learned model v1?") }
        #expect(screen.contains("[y]es"))
        #expect(try sqlite("SELECT version FROM scoring_models") == "1")
        #expect(try sqlite("SELECT count(*) FROM activities WHERE action = 'scoring_model_applied'") == "0", "nothing used before y")

        try session.press("y")
        screen = try session.waitForSettled("the model in force", timeout: 60) {
            $0.contains("Scoring with learned model v1; 1,501 leads rescored") && $0.contains("In force: Model v1: learned on 1,500 outcomes")
        }
        #expect(screen.contains("Learned model v1 · in force"), "\(screen)")
        #expect(screen.contains("● v1"))
        #expect(screen.contains("Strongest factors"))
        #expect(screen.contains("tier = gold"), "\(screen)")
        #expect(screen.contains("CV AUC ") && screen.contains("against the rules'"))
        #expect(try sqlite("SELECT count(*) FROM activities WHERE action = 'scoring_model_applied'") == "1")

        // The Leads pane explains its scores with the model now.
        try session.press("Escape")
        try session.waitForSettled("the leads") { !$0.contains("Scoring of Acme Corp") && $0.contains("[1 Leads") }
        try session.press("Enter")
        screen = try session.waitForSettled("the lead's score") { $0.contains("Why the score is") }
        #expect(screen.contains("Model v1: learned on 1,500 outcomes"), "\(screen)")
    }
}
