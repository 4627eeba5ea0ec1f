import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// The Maven CRM dataset (`shared/data/maven-crm` beside the repository), and figures computed from
/// its pipeline file with plain string splitting, independently of the importer.
struct MavenData {
    let folder: String
    /// Data rows of sales_pipeline.csv, split on commas.
    let rows: [[String]]

    /// Finds the data from this file's location: up to the repository root, then `../shared/data/maven-crm`.
    init(_ file: String = #filePath) throws {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            try #require(url.path != "/", "no Package.swift above \(file)")
            url.deleteLastPathComponent()
        }
        folder = url.deletingLastPathComponent().appendingPathComponent("shared/data/maven-crm").standardizedFileURL.path
        try #require(FileManager.default.fileExists(atPath: folder + "/sales_pipeline.csv"),
                     "The Maven CRM dataset is missing: expected sales_pipeline.csv in \(folder) (the repository root's parent folder holds shared/data/maven-crm)")
        let text = try String(contentsOfFile: folder + "/sales_pipeline.csv", encoding: .utf8)
        // Plain splitting is only right for a file without quoted fields.
        try #require(!text.contains("\""), "sales_pipeline.csv has quoted fields: plain splitting would miscount")
        let lines = text.split(whereSeparator: \.isNewline)
        try #require(lines.first == "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value")
        rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        try #require(rows.allSatisfy { $0.count == 8 })
    }

    var stageCounts: [String: Int] { rows.reduce(into: [:]) { $0[$1[4], default: 0] += 1 } }
    var won: [[String]] { rows.filter { $0[4] == "Won" } }
    /// Dollars.
    var wonCloseValue: Int { won.reduce(0) { $0 + (Int($1[7]) ?? 0) } }
    /// Won close_value by close month (`YYYY-MM`), in dollars.
    var wonByMonth: [String: Int] {
        won.reduce(into: [:]) { sums, row in
            let parts = row[6].split(separator: "/").compactMap { Int($0) }
            sums[String(format: "%04d-%02d", parts[2], parts[0]), default: 0] += Int(row[7]) ?? 0
        }
    }
    var lostByMonth: [String: Int] {
        rows.filter { $0[4] == "Lost" }.reduce(into: [:]) { counts, row in
            let parts = row[6].split(separator: "/").compactMap { Int($0) }
            counts[String(format: "%04d-%02d", parts[2], parts[0]), default: 0] += 1
        }
    }
    var withoutAccount: Int { rows.filter { $0[3].isEmpty }.count }
    var gtxProRows: Int { rows.filter { $0[2] == "GTXPro" }.count }

    /// A copy of the dataset in `folder` whose pipeline lines are changed by `edit` (line 1 is the header).
    func copy(to target: TemporaryFolder, edit: (inout [String]) -> Void) throws -> String {
        for name in ["accounts.csv", "products.csv", "sales_teams.csv"] {
            try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: target.file(name))
        }
        var lines = try String(contentsOfFile: folder + "/sales_pipeline.csv", encoding: .utf8).components(separatedBy: "\n")
        edit(&lines)
        try lines.joined(separator: "\n").write(toFile: target.file("sales_pipeline.csv"), atomically: true, encoding: .utf8)
        return target.path
    }
}

/// Importing the Maven CRM dataset: checked against the file, idempotent, all or nothing, audited.
@Suite struct MavenImportTests {
    let workspace: TestWorkspace
    let data: MavenData
    let importer: MavenCRMImport
    let pipeline: PipelineService

    init() throws {
        workspace = try TestWorkspace.make()
        data = try MavenData()
        importer = MavenCRMImport(database: workspace.database, clock: { TestWorkspace.now })
        pipeline = PipelineService(database: workspace.database, clock: { TestWorkspace.now })
    }

    func rowCounts() throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try workspace.database.snapshot { try $0.tableRowCounts() }.map { ($0.table, $0.rows) })
    }

    func deal(_ ref: String) throws -> Deal {
        try #require(try workspace.database.snapshot { try $0.deal(externalRef: ref, orgId: workspace.admin.orgId) }, "no deal \(ref)")
    }

    @Test func theImportMatchesFiguresComputedFromTheFile() throws {
        // The README's figures, recomputed from the file.
        #expect(data.stageCounts == ["Won": 4_238, "Lost": 2_473, "Engaging": 1_589, "Prospecting": 500])
        #expect(data.withoutAccount == 1_425)

        // An administrator: the import creates users (users.manage; a manager is refused, OneRuleTests).
        let report = try importer.run(folder: data.folder, in: workspace.admin)
        #expect(report.deals == ImportCounts(created: 8_800))
        #expect(report.pipelineRows == data.rows.count)
        #expect(report.skipped.isEmpty, "\(report.skipped)")
        #expect(report.users == ImportCounts(created: 41))
        #expect(report.salesRepsCreated == 35 && report.managersCreated == 6)
        #expect(report.products == ImportCounts(created: 7))
        #expect(report.contacts == ImportCounts(created: 85))
        #expect(report.rowsWithoutAccount == data.withoutAccount)
        #expect(report.productCorrections == [ImportCorrection(from: "GTXPro", to: "GTX Pro", count: data.gtxProRows)])
        #expect(report.sectorCorrections.map(\.from) == ["technolgy"])
        #expect(report.importNumber == 1)

        let totals = try pipeline.totals(DealFilter(), in: workspace.manager)
        #expect(totals[.won]?.deals == data.stageCounts["Won"])
        #expect(totals[.lost]?.deals == data.stageCounts["Lost"])
        #expect(totals[.qualification]?.deals == data.stageCounts["Engaging"])
        #expect(totals[.prospecting]?.deals == data.stageCounts["Prospecting"])
        #expect((totals[.proposal]?.deals ?? 0) == 0 && (totals[.negotiation]?.deals ?? 0) == 0)
        #expect(totals[.won]?.value == Int64(data.wonCloseValue) * 100)

        // The forecast's won value, month by month, is the file's won close_value of that month.
        let forecast = try pipeline.forecast(DealFilter(), firstMonth: "2016-10", months: 15, in: workspace.manager)
        #expect(forecast.count == 15)
        for month in forecast {
            #expect(month.wonValue == Int64(data.wonByMonth[month.month] ?? 0) * 100, "\(month.month)")
            #expect(month.lostDeals == data.lostByMonth[month.month] ?? 0, "\(month.month)")
        }
        #expect(forecast.reduce(0) { $0 + $1.wonValue } == Int64(data.wonCloseValue) * 100)
        let march = try #require(forecast.first { $0.month == "2017-03" })
        #expect(march.wonValue > 0)

        // One row in detail: the first line of the file.
        let first = try deal("1C1I7A6R")
        #expect(first.title == "Cancity – GTX Plus Basic")
        #expect(first.stage == .won && first.probability == 100 && first.value == 105_400)
        #expect(first.closeDate == "2017-03-01")
        #expect(DateInput.format(first.createdAt, calendar: Self.utc) == "2016-10-20")
        #expect(DateInput.format(first.stageChangedAt, calendar: Self.utc) == "2017-03-01")
        let users = try workspace.database.snapshot { try $0.users(orgId: workspace.admin.orgId) }
        let moses = try #require(users.first { $0.name == "Moses Frase" })
        let dustin = try #require(users.first { $0.name == "Dustin Brinkmann" })
        #expect(first.ownerId == moses.id)
        #expect(moses.email == "moses.frase@acme-corp.maven.example")
        #expect(moses.managerId == dustin.id && moses.team == "Central" && dustin.team == "Central")
        let roles = try workspace.database.snapshot { try $0.roles() }
        #expect(roles.first { $0.id == moses.roleId }?.name == "sales_rep")
        #expect(roles.first { $0.id == dustin.roleId }?.name == "manager")

        // An open deal without an account: no contact, valued at its product's price.
        let open = try #require(data.rows.first { $0[3].isEmpty && $0[4] == "Prospecting" })
        let openDeal = try deal(open[0])
        #expect(openDeal.contactId == nil)
        #expect(openDeal.title.hasPrefix("No account – "))
        #expect(openDeal.stage == .prospecting && openDeal.probability == 10 && openDeal.closeDate == nil)
        let products = try pipeline.products(in: workspace.manager)
        let product = try #require(products.first { $0.id == openDeal.productId })
        let settings = try #require(try JSONSerialization.jsonObject(with: Data(product.settings.utf8)) as? [String: Any])
        #expect(settings["sales_price_cents"] as? Int == Int(openDeal.value))
        #expect(product.type == .hardware)
        #expect(products.contains { $0.name == "GTX Pro" } && !products.contains { $0.name == "GTXPro" })

        // Accounts became contacts, with the sector's typo fixed.
        let acme = try #require(try workspace.database.snapshot { try $0.contact(name: "Acme Corporation", company: "Acme Corporation", orgId: workspace.admin.orgId) })
        let metadata = try #require(try JSONSerialization.jsonObject(with: Data(acme.metadata.utf8)) as? [String: Any])
        #expect(metadata["sector"] as? String == "technology")
        #expect(metadata["year_established"] as? Int == 1996)
        #expect(metadata["employees"] as? Int == 2822)

        // One activity for the whole import, by who ran it.
        let activities = try workspace.database.snapshot { try $0.recentActivities(orgId: workspace.admin.orgId, limit: 1_000) }
        let imports = activities.filter { $0.entityType == .import }
        #expect(imports.count == 1)
        #expect(imports.first?.userId == workspace.admin.userId)
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data((imports.first?.metadata ?? "{}").utf8)) as? [String: Any])
        #expect(recorded["folder"] as? String == data.folder)
        #expect((recorded["after"] as? [String: Any])?["deals"] as? [String: Int] == ["created": 8_800, "updated": 0, "unchanged": 0])
        // And one `created` activity per user it created (an import creates users as `users add` does).
        let usersCreated = activities.filter { $0.entityType == .user && $0.action == "created" && $0.metadata.contains("maven-crm") }
        #expect(usersCreated.count == 41)
        #expect(activities.count - usersCreated.count < 20, "the import wrote an activity per row")
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test func reimportingChangesNoCounts() throws {
        _ = try importer.run(folder: data.folder, in: workspace.admin)
        let counts = try rowCounts()
        let totals = try pipeline.totals(DealFilter(), in: workspace.admin)
        let again = try importer.run(folder: data.folder, in: workspace.admin)
        #expect(again.deals == ImportCounts(unchanged: 8_800))
        #expect(again.users == ImportCounts(unchanged: 41))
        #expect(again.products == ImportCounts(unchanged: 7))
        #expect(again.contacts == ImportCounts(unchanged: 85))
        #expect(again.importNumber == 2)
        var expected = counts
        expected["activities", default: 0] += 1
        #expect(try rowCounts() == expected)
        #expect(try pipeline.totals(DealFilter(), in: workspace.admin) == totals)
    }

    @Test func reimportingAChangedFileUpdatesTheDealByItsOpportunityId() throws {
        _ = try importer.run(folder: data.folder, in: workspace.admin)
        let prospect = try #require(data.rows.first { $0[4] == "Prospecting" && !$0[3].isEmpty })
        let before = try deal(prospect[0])
        let folder = try TemporaryFolder()
        let changed = try data.copy(to: folder) { lines in
            let index = lines.firstIndex { $0.hasPrefix(prospect[0] + ",") }!
            lines[index] = [prospect[0], prospect[1], prospect[2], prospect[3], "Won", "1/5/2018", "2/20/2018", "1234"].joined(separator: ",")
        }
        let report = try importer.run(folder: changed, in: workspace.admin)
        #expect(report.deals == ImportCounts(updated: 1, unchanged: 8_799))
        let after = try deal(prospect[0])
        #expect(after.id == before.id)
        #expect(after.stage == .won && after.value == 123_400 && after.probability == 100 && after.closeDate == "2018-02-20")
        #expect(DateInput.format(after.stageChangedAt, calendar: Self.utc) == "2018-02-20")
        let forecast = try pipeline.forecast(DealFilter(), firstMonth: "2018-02", months: 1, in: workspace.admin)
        #expect(forecast.first?.wonValue == 123_400)
    }

    @Test func rowsItCannotUseAreSkippedWithTheirLine() throws {
        let folder = try TemporaryFolder()
        let dirty = try data.copy(to: folder) { lines in
            lines[1] = lines[1].replacingOccurrences(of: ",Won,", with: ",Negotiating,")
            let fields = lines[2].split(separator: ",", omittingEmptySubsequences: false)
            lines[2] = (fields[0..<5] + ["13/45/2016"] + fields[6...]).joined(separator: ",")
            lines[3] = lines[3].replacingOccurrences(of: "Darcel Schlecht", with: "Nobody Here")
            // A quoted account with a comma, that accounts.csv lacks.
            lines.insert("QUOTED01,Moses Frase,GTXPro,\"Smith, Jones & Co\",Prospecting,,,", at: 5)
        }
        let report = try importer.run(folder: dirty, in: workspace.admin)
        #expect(report.skipped.map(\.line) == [2, 3, 4])
        #expect(report.skipped.allSatisfy { $0.file == "sales_pipeline.csv" })
        #expect(report.skipped[0].reason.contains("Negotiating"))
        #expect(report.skipped[1].reason.contains("13/45/2016"))
        #expect(report.skipped[2].reason.contains("Nobody Here"))
        #expect(report.lines.contains { $0.contains("sales_pipeline.csv line 3: engage_date \"13/45/2016\" is not a date") })
        #expect(report.deals.created == 8_800 - 3 + 1)
        #expect(report.accountsOnlyInPipeline == ["Smith, Jones & Co"])
        #expect(try deal("QUOTED01").title == "Smith, Jones & Co – GTX Pro")
        #expect(try workspace.database.snapshot { try $0.deal(externalRef: "1C1I7A6R", orgId: workspace.admin.orgId) } == nil)
    }

    @Test func aDryRunChangesNothing() throws {
        let counts = try rowCounts()
        let report = try importer.run(folder: data.folder, dryRun: true, in: workspace.admin)
        #expect(report.dryRun)
        #expect(report.deals == ImportCounts(created: 8_800))
        #expect(report.lines.first?.contains("nothing was written") == true)
        #expect(try rowCounts() == counts)
        #expect(try pipeline.totals(DealFilter(), in: workspace.admin).values.allSatisfy { $0.deals == 0 })
        // The real run afterwards is the first import.
        #expect(try importer.run(folder: data.folder, in: workspace.admin).importNumber == 1)
    }

    @Test func aUserWithoutDataImportIsRefusedAndNothingChanges() throws {
        let counts = try rowCounts()
        #expect(throws: ServiceError.permissionDenied(permission: .dataImport, user: "rep@acme.test", role: "sales_rep")) {
            try importer.run(folder: data.folder, in: workspace.salesRep)
        }
        #expect(throws: ServiceError.permissionDenied(permission: .dataImport, user: "viewer@acme.test", role: "viewer")) {
            try importer.run(folder: data.folder, dryRun: true, in: workspace.viewer)
        }
        #expect(try rowCounts() == counts)
    }

    @Test func aFolderWithoutTheFilesIsRefused() throws {
        let folder = try TemporaryFolder()
        #expect(throws: ServiceError.invalid(field: "folder", problem: "\(URL(fileURLWithPath: folder.path).standardizedFileURL.path) lacks sales_pipeline.csv, accounts.csv, products.csv, sales_teams.csv (a Maven CRM export has all four)")) {
            try importer.run(folder: folder.path, in: workspace.admin)
        }
    }
}

/// The CSV reader: RFC 4180 quoting, line breaks, a byte order mark, and malformed rows by line.
@Suite struct CSVReaderTests {
    func read(_ text: String) -> (records: [CSVRecord], errors: [CSVError]) {
        let reader = CSVReader(data: Data(text.utf8), name: "test.csv")
        var records: [CSVRecord] = [], errors: [CSVError] = []
        while true {
            do {
                guard let record = try reader.next() else { break }
                records.append(record)
            } catch let error as CSVError {
                errors.append(error)
            } catch {
                Issue.record("unexpected \(error)")
                break
            }
        }
        return (records, errors)
    }

    @Test func quotedFieldsDoubledQuotesAndLineBreaks() {
        let (records, errors) = read("\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nplain,,\"\"\n\nlast,row,end")
        #expect(errors.isEmpty)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\r\nlines"], ["plain", "", ""], ["last", "row", "end"]])
        #expect(records.map(\.line) == [1, 2, 4, 6])
    }

    @Test func malformedRowsAreNamedByLineAndReadingGoesOn() {
        let (records, errors) = read("h1,h2\nok,1\nbad\"quote,2\n\"closed\"after,3\nfine,4\n\"never closed,5\nmore\n")
        #expect(records.map(\.fields) == [["h1", "h2"], ["ok", "1"], ["fine", "4"]])
        #expect(errors.map(\.line) == [3, 4, 6])
        #expect(errors[0].description == "test.csv line 3: a quote inside an unquoted field (quote the whole field and double the quote)")
        #expect(errors[2].problem.contains("never closed"))
    }

    @Test func aTableChecksItsHeaderAndFieldCounts() throws {
        let table = try CSVTable(reader: CSVReader(data: Data("name, price\nGTX,550\nshort\n".utf8), name: "p.csv"), required: ["name", "price"])
        #expect(try table.next()?["price"] == "550")
        #expect(throws: CSVError(file: "p.csv", line: 3, problem: "1 fields where the header has 2")) { try table.next() }
        #expect(try table.next() == nil)
        #expect(throws: CSVError(file: "q.csv", line: 1, problem: "the header lacks price (it has name)")) {
            try CSVTable(reader: CSVReader(data: Data("name\n".utf8), name: "q.csv"), required: ["name", "price"])
        }
    }

    @Test func aFileIsStreamedAcrossChunks() throws {
        // Quoted fields and CRLF pairs straddle the 64 KiB chunk boundaries somewhere in 20,000 rows (about 800 KB).
        let folder = try TemporaryFolder()
        var text = "\u{FEFF}id,text\r\n"
        for index in 0..<20_000 { text += "\(index),\"a, \"\"quoted\"\"\r\nvalue \(index)\"\r\n" }
        try text.write(toFile: folder.file("big.csv"), atomically: true, encoding: .utf8)
        let reader = try CSVReader(path: folder.file("big.csv"))
        #expect(try reader.next()?.fields == ["id", "text"])
        var count = 0
        while let record = try reader.next() {
            #expect(record.fields == ["\(count)", "a, \"quoted\"\r\nvalue \(count)"])
            #expect(record.line == 2 + count * 2)
            count += 1
        }
        #expect(count == 20_000)
    }
}
