import Foundation
import FunnelServices
import Testing

/// Dates of import files: `dmy` and `mdy` with a time, refusals that say which part is wrong and
/// which format would read it, and the per-column counts the dry run reports (ambiguous values,
/// refused ones, values that read only in the other order).
@Suite struct ImportDatesTests {
    let mdy = ImportDateReader(format: .mdy)
    let dmy = ImportDateReader(format: .dmy)
    let iso = ImportDateReader(format: .iso)

    /// The store's timestamp text of what `reader` reads, or the refusal's message.
    func read(_ reader: ImportDateReader, _ text: String) -> String {
        switch reader.read(text) {
        case .success(let time): return time.timestampText
        case .failure(let problem): return "refused: " + problem.message
        }
    }

    @Test func dayFirstAndMonthFirstTakeATimeAfterTheDate() {
        #expect(read(dmy, "26-02-2018 19:58") == "2018-02-26 19:58:00.000")
        #expect(read(dmy, "26/02/2018 19:58:07") == "2018-02-26 19:58:07.000")
        #expect(read(dmy, "26.02.2018T19:58") == "2018-02-26 19:58:00.000")
        #expect(read(dmy, "26/02/2018 19:58:07.25") == "2018-02-26 19:58:07.250")
        #expect(read(dmy, " 4-3-2026  9:05 ") == "2026-03-04 09:05:00.000")
        #expect(read(mdy, "2/26/2018 7:58 PM") == "2018-02-26 19:58:00.000")
        #expect(read(mdy, "2/26/2018, 7:58:07 pm") == "2018-02-26 19:58:07.000")
        #expect(read(mdy, "2/26/2018 7:58AM") == "2018-02-26 07:58:00.000")
        #expect(read(mdy, "2/26/2018 12:05 AM") == "2018-02-26 00:05:00.000")
        #expect(read(mdy, "2/26/2018 12:05 PM") == "2018-02-26 12:05:00.000")
        #expect(read(mdy, "10/20/2016T08:00:00Z") == "2016-10-20 08:00:00.000")
        // Stored in UTC, as ISO times are: an offset moves the time, across days if need be.
        #expect(read(dmy, "26-02-2018 19:58+02:00") == "2018-02-26 17:58:00.000")
        #expect(read(dmy, "26-02-2018 01:00+0200") == "2018-02-25 23:00:00.000")
        #expect(read(mdy, "12/31/2025 11:30 PM -05:00") == "2026-01-01 04:30:00.000")
        #expect((try? dmy.read("26-02-2018 19:58").get().date) == Date(timeIntervalSince1970: 1_519_675_080))
        // A day alone is midnight, as before.
        #expect(read(mdy, "3/1/2017") == "2017-03-01 00:00:00.000")
        #expect(read(dmy, "29.2.2016") == "2016-02-29 00:00:00.000")
    }

    @Test func isoIsReadUnderEveryFormat() {
        for reader in [iso, mdy, dmy] {
            #expect(read(reader, "2026-03-14") == "2026-03-14 00:00:00.000")
            #expect(read(reader, "2026-03-14 09:30:00") == "2026-03-14 09:30:00.000")
            #expect(read(reader, "2026-03-14T09:30:00Z") == "2026-03-14 09:30:00.000")
            #expect(read(reader, "2026-03-14T09:30:00.123456+02:00") == "2026-03-14 07:30:00.123")
            #expect(read(reader, "2026-03-14 7:58 PM") == "2026-03-14 19:58:00.000")
        }
    }

    @Test func aTimeThatIsNotATimeIsNamed() {
        #expect(read(dmy, "26-02-2018 25:00") == "refused: \"26-02-2018 25:00\": the time \"25:00\" is not a time (hour 25 is past 23)")
        #expect(read(dmy, "26-02-2018 19:61") == "refused: \"26-02-2018 19:61\": the time \"19:61\" is not a time (minute 61 is past 59)")
        #expect(read(dmy, "26/02/2018 19:58:60") == "refused: \"26/02/2018 19:58:60\": the time \"19:58:60\" is not a time (second 60 is past 59)")
        #expect(read(mdy, "2/26/2018 13:58 PM") == "refused: \"2/26/2018 13:58 PM\": the time \"13:58 PM\" is not a time (hour 13 with AM or PM: the hour is 1 to 12)")
        #expect(read(dmy, "26-02-2018 19:58+15:00") == "refused: \"26-02-2018 19:58+15:00\": the time \"19:58+15:00\" is not a time (the offset +15:00 is more than 14 hours)")
        for text in ["26-02-2018 noon", "26-02-2018 19h58", "26-02-2018 19:5", "26-02-2018 19:58 CET"] {
            let time = String(text.dropFirst(11))
            #expect(read(dmy, text) == "refused: \"\(text)\": the time \"\(time)\" is not a time (H:MM or H:MM:SS, 24-hour or with AM/PM; in UTC, or ending with Z or +HH:MM)")
        }
        #expect(read(iso, "2026-03-14 24:00").hasSuffix("the time \"24:00\" is not a time (hour 24 is past 23)"))
    }

    @Test func aDayThatIsNotReadSaysWhichPartAndWhichFormatWouldReadIt() {
        // The other order: a month over 12 whose day reads as a month.
        #expect(read(mdy, "26/02/2018") == "refused: \"26/02/2018\": month 26: is the file day first? try --date-format dmy")
        #expect(read(mdy, "26/02/2018 19:58") == "refused: \"26/02/2018 19:58\": month 26: is the file day first? try --date-format dmy")
        #expect(read(dmy, "2/26/2018 7:58 PM") == "refused: \"2/26/2018 7:58 PM\": month 26: is the file month first? try --date-format mdy")
        // Neither order.
        #expect(read(mdy, "13/13/2018") == "refused: \"13/13/2018\": month 13 is not a month (M/D/YYYY)")
        #expect(read(dmy, "31/31/2026") == "refused: \"31/31/2026\": month 31 is not a month (D-M-YYYY)")
        #expect(read(mdy, "2/30/2017") == "refused: \"2/30/2017\" is not a day of the calendar (February 2017 has 28 days)")
        #expect(read(dmy, "31-4-2018") == "refused: \"31-4-2018\" is not a day of the calendar (April 2018 has 30 days)")
        #expect(read(iso, "2026-02-30") == "refused: \"2026-02-30\" is not a day of the calendar (February 2026 has 28 days)")
        #expect(read(iso, "2026-13-01") == "refused: \"2026-13-01\": month 13 is not a month (YYYY-MM-DD)")
        #expect(read(mdy, "3/4/17") == "refused: \"3/4/17\": the year must have four digits (M/D/YYYY)")
        #expect(read(mdy, "3/4/1850") == "refused: \"3/4/1850\": year 1850 is not between 1900 and 9999")
        // Not a date at all.
        #expect(read(mdy, "soon") == "refused: \"soon\" is not a date (M/D/YYYY or YYYY-MM-DD, then a time if any)")
        #expect(read(mdy, "3/4-2026") == "refused: \"3/4-2026\" is not a date (M/D/YYYY or YYYY-MM-DD, then a time if any)")
        #expect(read(dmy, "2026-03-14x") == "refused: \"2026-03-14x\" is not a date (YYYY-MM-DD, then a time if any)")
        #expect(read(dmy, "2026-03-14T") == "refused: \"2026-03-14T\" is not a date (YYYY-MM-DD, then a time if any)")
        // Under iso a slashed date names the format that reads it.
        #expect(read(iso, "3/14/2026") == "refused: \"3/14/2026\" is not a date in YYYY-MM-DD (it reads month first: give --date-format mdy)")
        #expect(read(iso, "26/02/2018 19:58") == "refused: \"26/02/2018 19:58\" is not a date in YYYY-MM-DD (it reads day first: give --date-format dmy)")
        #expect(read(iso, "3/4/2026") == "refused: \"3/4/2026\" is not a date in YYYY-MM-DD (for M/D/YYYY give --date-format mdy, for D-M-YYYY --date-format dmy)")
    }

    /// The Maven CRM pipeline file's dates are M/D/YYYY. Figures are computed from its values with
    /// plain splitting, independently of the reader.
    @Test func theRealPipelineFileIsCountedPerColumn() throws {
        let data = try MavenData()
        for (index, column) in [(5, "engage_date"), (6, "close_date")] {
            let values = data.rows.map { $0[index] }
            let numbers = values.filter { !$0.isEmpty }.map { $0.split(separator: "/").map { Int($0)! } }
            let ambiguous = numbers.filter { $0[0] <= 12 && $0[1] <= 12 && $0[0] != $0[1] }.count
            let secondOver12 = numbers.filter { $0[1] > 12 }.count
            #expect(numbers.allSatisfy { $0[0] <= 12 }, "the file is month first")
            #expect(ambiguous > 1_000 && secondOver12 > 1_000)

            var right = ImportDateStats(format: .mdy)
            values.forEach { right.record($0) }
            #expect((right.values, right.refused, right.ambiguous, right.monthFirstOnly, right.dayFirstOnly) == (numbers.count, 0, ambiguous, secondOver12, 0))
            #expect(right.lines(column: column).count == 1)
            #expect(right.lines(column: column)[0].hasPrefix("\(column) (--date-format mdy): \(NumberText.grouped(numbers.count)) values; \(NumberText.grouped(ambiguous)) ambiguous (day and month both 12 or less: \""))
            #expect(right.lines(column: column)[0].hasSuffix("; none refused"))

            // dmy given by mistake: every value with a day over 12 is refused, and the report says why.
            var wrong = ImportDateStats(format: .dmy)
            values.forEach { wrong.record($0) }
            #expect((wrong.refused, wrong.ambiguous, wrong.otherOrderOnly) == (secondOver12, ambiguous, secondOver12))
            let lines = wrong.lines(column: column)
            #expect(lines.count == 2)
            #expect(lines[0].contains("\(NumberText.grouped(secondOver12)) refused (\""))
            #expect(lines[0].contains("is the file month first? try --date-format mdy"))
            #expect(lines[1].hasPrefix("\(column): \(NumberText.grouped(secondOver12)) values read only month first (the second number is over 12: \""))
            #expect(lines[1].hasSuffix("is the file month first? try --date-format mdy; its \(NumberText.grouped(ambiguous)) ambiguous values would be read the other way"))
        }
        // The first values, read: the engage date 10/20/2016 is 20 October.
        #expect((try? mdy.read(data.rows[0][5]).get().dayText) == "2016-10-20")
    }

    /// The issue's case: a day-first file imported with `mdy` by mistake swapped day and month on
    /// its ambiguous rows without a word. The values that read only day first now say so.
    @Test func mdyGivenForADayFirstFileIsCaughtByItsOtherValues() throws {
        let data = try MavenData()
        // The pipeline's engage dates written day first with a time, as the other system exported them.
        let dayFirst = data.rows.map(\.[5]).filter { !$0.isEmpty }.map { value -> String in
            let parts = value.split(separator: "/")
            return "\(parts[1])-\(parts[0])-\(parts[2]) 19:58"
        }
        var stats = ImportDateStats(format: .mdy)
        var swapped = 0
        for value in dayFirst {
            if case .success(let time) = stats.read(value), time.dayText != (try? dmy.read(value).get().dayText) { swapped += 1 }
        }
        #expect(swapped == stats.ambiguous && swapped > 1_000)
        #expect(stats.refused == stats.dayFirstOnly && stats.otherOrderOnly == stats.dayFirstOnly && stats.dayFirstOnly > 1_000)
        let lines = stats.lines(column: "Created")
        #expect(lines.count == 2)
        #expect(lines[1] == "Created: \(NumberText.grouped(stats.dayFirstOnly)) values read only day first (the first number is over 12: "
                + "\"\(stats.dayFirstExample ?? "")\"): is the file day first? try --date-format dmy; its \(NumberText.grouped(swapped)) ambiguous values would be read the other way")

        var right = ImportDateStats(format: .dmy)
        dayFirst.forEach { right.record($0) }
        #expect((right.refused, right.ambiguous, right.otherOrderOnly) == (0, stats.ambiguous, 0))
        #expect(right.lines(column: "Created").count == 1)
    }

    @Test func countsAndLinesOfSmallColumns() {
        var stats = ImportDateStats(format: .dmy)
        for value in ["26-02-2018 19:58", "03-04-2018 08:00", "", "  ", "31-02-2018 10:00", "26-02-2018 25:00", "05-05-2018"] { stats.record(value) }
        #expect((stats.values, stats.accepted, stats.refused, stats.numeric) == (5, 3, 2, 5))
        #expect((stats.ambiguous, stats.dayFirstOnly, stats.monthFirstOnly) == (1, 2, 0))
        #expect(stats.lines(column: "Date") == [
            "Date (--date-format dmy): 5 values; 1 ambiguous (day and month both 12 or less: \"03-04-2018 08:00\" is read as 2018-04-03); "
                + "2 refused (\"31-02-2018 10:00\" is not a day of the calendar (February 2018 has 28 days))",
        ])

        var mixed = ImportDateStats(format: .mdy)
        ["2/26/2018", "26/2/2018", "3/4/2018"].forEach { mixed.record($0) }
        #expect(mixed.lines(column: "d")[1] == "d: the column mixes both orders: 1 value read only month first (\"2/26/2018\"), 1 only day first (\"26/2/2018\"): its 1 ambiguous value cannot be told apart")

        var isoOnly = ImportDateStats(format: .mdy)
        ["2026-03-14", "2026-03-14T09:30:00Z"].forEach { isoOnly.record($0) }
        #expect(isoOnly.values == 2 && isoOnly.lines(column: "d").isEmpty)

        var noFormat = ImportDateStats(format: .iso)
        ["3/14/2026", "3/4/2026", "2026-03-14"].forEach { noFormat.record($0) }
        #expect(noFormat.lines(column: "d") == [
            "d (--date-format iso): 3 values; 1 ambiguous (day and month both 12 or less: \"3/4/2026\"); "
                + "2 refused (\"3/14/2026\" is not a date in YYYY-MM-DD (it reads month first: give --date-format mdy))",
            "d: 1 value read only month first (the second number is over 12: \"3/14/2026\"): is the file month first? try --date-format mdy",
        ])
        var undecided = ImportDateStats(format: .iso)
        ["3/4/2026"].forEach { undecided.record($0) }
        #expect(undecided.lines(column: "d").last == "d: every value written A/B/YYYY reads both ways: give --date-format mdy or dmy, as the file was written")
    }
}
