import Foundation
import FunnelCLI
import FunnelTestSupport
import Testing

/// The `funnel` binary these tests run: $FUNNEL_BINARY, else the one built beside the test bundle
/// (whatever --scratch-path the build used), else the default debug build.
enum BuiltFunnel {
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["FUNNEL_BINARY"], !path.isEmpty { return path }
        let runners = [Bundle.main.executableURL, CommandLine.arguments.first.map { URL(fileURLWithPath: $0) }].compactMap { $0 }
        for runner in runners {
            let candidate = runner.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("funnel").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Repository.funnelBinary
    }

    /// Runs a command with a private config, data and state folder (no user config leaks in):
    /// in-process when it can (`FunnelCommand.runSynchronously`, its own environment, output and
    /// input), else the binary in a process of its own (`demo`, whose building is `async`, and
    /// a `FUNNEL_NOW`, which the process reads once at start).
    static func run(_ arguments: [String], input: String? = nil, folder: TemporaryFolder, environment: [String: String] = [:]) throws -> ProcessResult {
        let environment = [
            "XDG_DATA_HOME": folder.file("data"), "XDG_CONFIG_HOME": folder.file("config"),
            "XDG_STATE_HOME": folder.file("state"), "FUNNEL_DB": "", "FUNNEL_USER": "",
        ].merging(environment) { _, given in given }
        if environment["FUNNEL_NOW"] == nil {
            let (context, captured) = CommandContext.capturing(
                environment: ProcessInfo.processInfo.environment.merging(environment) { _, given in given }, input: input ?? "")
            if let status = FunnelCommand.runSynchronously(arguments: arguments, context: context) {
                return ProcessResult(status: status, standardOutput: captured.standardOutput, standardError: captured.standardError)
            }
        }
        return try separateProcess(arguments, input: input, environment: environment)
    }

    /// Runs the binary in a process of its own.
    static func separateProcess(_ arguments: [String], input: String? = nil, environment: [String: String]) throws -> ProcessResult {
        try ProcessRunner.run(path, arguments, input: input, environment: environment)
    }
}

/// `funnel deals`, run as a script would run it, on a demo database.
@Suite struct DealsCommandTests {
    let folder: TemporaryFolder
    let database: String
    static let manager = "manager@northwind.example"

    /// A demo workspace of its own for each test (1,200 deals in the first organization).
    init() throws {
        folder = try TemporaryFolder()
        database = folder.file("demo.sqlite")
        let demo = try BuiltFunnel.run(["demo", "--db", database, "--leads", "2000", "--deals", "1500", "--no-open"], folder: folder)
        try #require(demo.status == 0, "funnel demo failed: \(demo.standardError)")
    }

    func deals(_ arguments: [String], user: String = DealsCommandTests.manager) throws -> ProcessResult {
        try BuiltFunnel.run(["deals"] + arguments + ["--db", database, "--user", user], folder: folder)
    }

    /// `deals ... --format json` parsed (an array of objects).
    func listed(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try deals(arguments + ["--format", "json"])
        try #require(result.status == 0, "\(arguments): \(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    }

    func shown(_ id: Int) throws -> [String: Any] {
        let result = try deals(["show", "\(id)", "--format", "json"])
        try #require(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    /// The id of the first deal of a stage.
    func firstDeal(in stage: String) throws -> Int {
        let rows = try listed(["list", "--stage", stage, "--limit", "1"])
        return try #require(rows.first?["id"] as? Int, "no \(stage) deal in the demo")
    }

    @Test func listPrintsTableJSONAndCSVInTheSameOrder() throws {
        let json = try listed(["list", "--limit", "20"])
        #expect(json.count == 20)
        for row in json {
            for key in ["id", "title", "stage", "value", "value_cents", "probability", "weighted", "close_date", "contact", "company",
                        "owner", "product", "days_in_stage", "flags"] {
                #expect(row[key] != nil, "\(key) missing from \(row)")
            }
            let cents = try #require(row["value_cents"] as? Int)
            #expect(abs((row["value"] as? Double ?? -1) * 100 - Double(cents)) < 0.5)
            #expect(row["weighted_cents"] as? Int == cents * (row["probability"] as? Int ?? 0) / 100)
        }
        let dates = json.compactMap { $0["close_date"] as? String }
        #expect(dates == dates.sorted(), "not soonest close date first")

        let table = try deals(["list", "--limit", "20"])
        #expect(table.status == 0)
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.count == 21)
        for column in ["id", "title", "stage", "value", "probability", "weighted", "close date", "contact", "company", "owner", "product", "days in stage", "flags"] {
            #expect(lines.first?.contains(column) == true, "table header lacks \(column)")
        }
        #expect(lines.dropFirst().map { String($0.split(separator: " ").first ?? "") } == json.map { "\($0["id"] as? Int ?? 0)" })

        let csv = try deals(["list", "--limit", "20", "--format", "csv"])
        let rows = csv.standardOutput.split(separator: "\n")
        #expect(rows.first == "id,title,stage,value,probability,weighted,close date,contact,company,owner,product,days in stage,flags")
        #expect(rows.dropFirst().map { String($0.split(separator: ",").first ?? "") } == json.map { "\($0["id"] as? Int ?? 0)" })
        let first = try #require(json.first)
        let dollars = String(format: "%d.%02d", (first["value_cents"] as? Int ?? 0) / 100, (first["value_cents"] as? Int ?? 0) % 100)
        #expect(rows.dropFirst().first?.contains(",\(dollars),") == true, "CSV value is not in dollars: \(rows.dropFirst().first ?? "")")
    }

    @Test func listPagesThroughEveryDealAndFilters() throws {
        // 1,200 deals: three pages of the service's 500, no deal twice.
        let all = try listed(["list", "--limit", "100000"])
        #expect(all.count == 1_200)
        #expect(Set(all.compactMap { $0["id"] as? Int }).count == 1_200)

        let byValue = try listed(["list", "--sort", "value", "--limit", "600"]).compactMap { $0["value_cents"] as? Int }
        #expect(byValue.count == 600)
        #expect(byValue == byValue.sorted(by: >))
        let reversed = try listed(["list", "--sort", "value", "--reverse", "--limit", "30"]).compactMap { $0["value_cents"] as? Int }
        #expect(reversed == reversed.sorted())
        #expect(reversed.first == all.compactMap { $0["value_cents"] as? Int }.min())

        let won = try listed(["list", "--stage", "won", "--limit", "100000"])
        #expect(!won.isEmpty)
        #expect(won.allSatisfy { $0["stage"] as? String == "won" })
        #expect(won.count == all.filter { $0["stage"] as? String == "won" }.count)

        let mine = try listed(["list", "--owner", "me", "--limit", "100000"])
        #expect(mine.count == all.filter { $0["owner"] as? String == "Amélie Ødegaard" }.count)
        #expect(mine.allSatisfy { $0["owner"] as? String == "Amélie Ødegaard" })

        let month = try #require(all.first?["close_date"] as? String).prefix(7)
        let inMonth = try listed(["list", "--month", String(month), "--limit", "100000"])
        #expect(inMonth.count == all.filter { ($0["close_date"] as? String)?.hasPrefix(month) == true }.count)

        let badSort = try deals(["list", "--sort", "colour"])
        #expect(badSort.status != 0)
        #expect(badSort.standardError.contains("close, value, age, title"))
        let nobody = try deals(["list", "--owner", "nobody@nowhere.example"])
        #expect(nobody.status == 1)
        #expect(nobody.standardError.contains("nobody@nowhere.example"))
    }

    @Test func moveNextThenPreviousAndRefusedMoves() throws {
        let id = try firstDeal(in: "proposal")
        let start = try shown(id)
        let next = try deals(["move", "\(id)", "next"])
        #expect(next.status == 0, "\(next.standardError)")
        #expect(next.standardOutput.contains("Moved #\(id) \(start["title"] as? String ?? "") to negotiation"))
        var deal = try shown(id)
        #expect(deal["stage"] as? String == "negotiation")
        // The stage's default probability, unless someone set one by hand (then it is kept).
        let manual = start["probability_is_manual"] as? Bool == true
        #expect(deal["probability"] as? Int == (manual ? start["probability"] as? Int : 75))
        let history = try #require(deal["history"] as? [[String: Any]])
        #expect(history.first?["action"] as? String == "stage_changed")
        #expect(history.first?["user"] as? String == "Amélie Ødegaard")

        let previous = try deals(["move", "\(id)", "previous"])
        #expect(previous.status == 0, "\(previous.standardError)")
        #expect(previous.standardOutput.contains("Moved #\(id) \(start["title"] as? String ?? "") to proposal"))
        deal = try shown(id)
        #expect(deal["stage"] as? String == "proposal")

        let direct = try deals(["move", "\(id)", "qualification"])
        #expect(direct.standardOutput.contains("Moved #\(id) \(start["title"] as? String ?? "") to qualification"))

        let bad = try deals(["move", "\(id)", "nowhere"])
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("unknown stage \"nowhere\""))
        let toWon = try deals(["move", "\(id)", "won"])
        #expect(toWon.status == 1)
        #expect(toWon.standardError.contains("use win"))
        #expect(try shown(id)["stage"] as? String == "qualification")
    }

    @Test func winAndLoseWithAndWithoutAReason() throws {
        let winner = try firstDeal(in: "negotiation")
        let won = try deals(["win", "\(winner)"])
        #expect(won.status == 0, "\(won.standardError)")
        #expect(won.standardOutput.hasPrefix("Won #\(winner) "))
        let wonDeal = try shown(winner)
        #expect(wonDeal["stage"] as? String == "won")
        #expect(wonDeal["probability"] as? Int == 100)
        #expect(wonDeal["close_date"] is String)
        let again = try deals(["win", "\(winner)"])
        #expect(again.status == 1)
        #expect(again.standardError.contains("already won"))

        let loser = try firstDeal(in: "prospecting")
        let refused = try deals(["lose", "\(loser)"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("reason"))
        #expect(refused.standardError.contains("pricing"))
        #expect(try shown(loser)["stage"] as? String == "prospecting")
        let unknownReason = try deals(["lose", "\(loser)", "--reason", "cheap"])
        #expect(unknownReason.status == 1)
        #expect(unknownReason.standardError.contains("no_decision"))

        let lost = try deals(["lose", "\(loser)", "--reason", "competition", "--note", "They chose Globex"])
        #expect(lost.status == 0, "\(lost.standardError)")
        #expect(lost.standardOutput.contains("Lost #\(loser)"))
        #expect(lost.standardOutput.contains("competition"))
        let lostDeal = try shown(loser)
        #expect(lostDeal["stage"] as? String == "lost")
        #expect(lostDeal["lost_reason"] as? String == "competition")
        let entry = try #require((lostDeal["history"] as? [[String: Any]])?.first)
        #expect(entry["action"] as? String == "lost")
        let metadata = try #require(entry["metadata"] as? [String: Any])
        #expect(metadata["note"] as? String == "They chose Globex")

        let text = try deals(["show", "\(loser)"])
        #expect(text.standardOutput.contains("History (newest first):"))
        #expect(text.standardOutput.contains("Amélie Ødegaard: deal lost"))
        #expect(text.standardOutput.contains("reason “competition”"))
    }

    @Test func anUnknownIdAndAViewerAreRefused() throws {
        for arguments in [["show", "999999"], ["win", "999999"], ["move", "999999", "next"], ["move", "999999", "proposal"],
                          ["lose", "999999", "--reason", "other"]] {
            let result = try deals(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.standardError.contains("no deal with id 999999"), "\(arguments): \(result.standardError)")
        }
        let id = try firstDeal(in: "proposal")
        let viewer = try deals(["win", "\(id)"], user: "viewer@northwind.example")
        #expect(viewer.status == 1)
        #expect(viewer.standardError.contains("deals.edit"))
        #expect(try shown(id)["stage"] as? String == "proposal")
    }

    @Test func forecastTotalsEqualTheListedDealsOfThoseMonths() throws {
        let all = try listed(["list", "--limit", "100000"])
        let months = Set(all.compactMap { ($0["close_date"] as? String).map { String($0.prefix(7)) } }).sorted()
        let first = try #require(months.first), last = try #require(months.last)
        let index = { (month: String) in month.split(separator: "-").compactMap { Int($0) }.reduce(0) { $0 * 12 + $1 } }
        let count = index(last) - index(first) + 1
        try #require((1...60).contains(count))

        for filter in [[], ["--owner", "me"], ["--stage", "won"]] {
            let forecast = try listed(["forecast", "--from", first, "--months", "\(count)"] + filter)
            #expect(forecast.count == count + 1)
            #expect(forecast.last?["month"] as? String == "total")
            let listedDeals = filter.isEmpty ? all : try listed(["list", "--limit", "100000"] + filter)
            var total = (open: 0, openValue: 0, weighted: 0, won: 0, lost: 0)
            for row in forecast.dropLast() {
                let month = try #require(row["month"] as? String)
                let deals = listedDeals.filter { ($0["close_date"] as? String)?.hasPrefix(month) == true }
                let open = deals.filter { !["won", "lost"].contains($0["stage"] as? String ?? "") }
                let cents = { (rows: [[String: Any]]) in rows.reduce(0) { $0 + ($1["value_cents"] as? Int ?? 0) } }
                let expected = (open: open.count, openValue: cents(open), weighted: open.reduce(0) { $0 + ($1["weighted_cents"] as? Int ?? 0) },
                                won: cents(deals.filter { $0["stage"] as? String == "won" }), lost: cents(deals.filter { $0["stage"] as? String == "lost" }))
                #expect(row["open_deals"] as? Int == expected.open, "\(month) \(filter)")
                #expect(row["open_value_cents"] as? Int == expected.openValue, "\(month) \(filter)")
                #expect(row["weighted_value_cents"] as? Int == expected.weighted, "\(month) \(filter)")
                #expect(row["won_value_cents"] as? Int == expected.won, "\(month) \(filter)")
                #expect(row["lost_value_cents"] as? Int == expected.lost, "\(month) \(filter)")
                total = (total.open + expected.open, total.openValue + expected.openValue, total.weighted + expected.weighted,
                         total.won + expected.won, total.lost + expected.lost)
            }
            let totalRow = try #require(forecast.last)
            #expect(totalRow["open_deals"] as? Int == total.open)
            #expect(totalRow["open_value_cents"] as? Int == total.openValue)
            #expect(totalRow["weighted_value_cents"] as? Int == total.weighted)
            #expect(totalRow["won_value_cents"] as? Int == total.won)
            #expect(totalRow["lost_value_cents"] as? Int == total.lost)
            if filter.isEmpty {
                // Every deal of the demo has a close date inside the months asked for.
                #expect(total.won == all.filter { $0["stage"] as? String == "won" }.reduce(0) { $0 + ($1["value_cents"] as? Int ?? 0) })
                #expect(total.won > 0 && total.openValue > 0)
            }
        }

        let table = try deals(["forecast", "--from", first, "--months", "3"])
        #expect(table.status == 0)
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("month") == true)
        #expect(lines.last?.hasPrefix("total") == true)
        #expect(lines.count == 5)
        let bad = try deals(["forecast", "--from", "2026-13"])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("YYYY-MM"))
    }
}
