import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// The Calendar pane on screen: the month or week grid, the agenda of the selected day, the
/// item's detail, and the prompts (reschedule, new draft).
@MainActor
final class CalendarPane {
    let viewModel: CalendarViewModel
    let firstWeekday: Weekday

    enum Prompt {
        /// When to move the target item to (taken when the key was pressed); the problem with the last try, if any.
        case reschedule(TextField, problem: String?, ActionTarget)
        case new(Form)
    }

    var prompt: Prompt?
    var detailOverlay = DetailOverlay()
    var agendaViewport = TableViewport()

    init(viewModel: CalendarViewModel, firstWeekday: Weekday) {
        self.viewModel = viewModel
        self.firstWeekday = firstWeekday
    }

    static let newLabels = ["Title", "Type", "Time"]

    // MARK: - Keys

    /// Keys for an open prompt or the detail come here first; true when consumed.
    func handlePromptKey(_ key: Key) -> Bool {
        guard let current = prompt else {
            return detailOverlay.route(key, isOpen: viewModel.detail != nil, close: viewModel.closeDetail)
        }
        switch current {
        case .reschedule(var field, let problem, let target):
            switch key {
            case .enter:
                if viewModel.reschedule(to: field.text, target: target) {
                    prompt = nil
                } else {
                    prompt = .reschedule(field, problem: viewModel.message, target)
                    viewModel.clearMessage()
                }
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .reschedule(field, problem: problem, target)
            }
        case .new(var form):
            switch key {
            case .escape: prompt = nil
            case .enter:
                let texts = form.fields.map { $0.input.text.trimmingCharacters(in: .whitespaces) }
                form.fields.indices.forEach { form.fields[$0].validationMessage = nil }
                guard let type = Self.contentType(texts[1]) else {
                    form.fields[1].validationMessage = "one of: " + ContentType.allCases.map(\.rawValue).joined(separator: ", ")
                    prompt = .new(form)
                    return true
                }
                if viewModel.createDraft(title: texts[0], type: type, time: texts[2]) {
                    prompt = nil
                } else {
                    let problem = viewModel.message ?? ""
                    let index = problem.hasPrefix("time") ? 2 : 0
                    form.fields[index].validationMessage = problem
                    viewModel.clearMessage()
                    prompt = .new(form)
                }
            default: _ = form.handle(key); prompt = .new(form)
            }
        }
        return true
    }

    /// A type as typed: "blog", "Social", "landing page", "e".
    static func contentType(_ text: String) -> ContentType? {
        let word = text.lowercased().replacingOccurrences(of: " ", with: "_")
        guard !word.isEmpty else { return nil }
        return ContentType(rawValue: word) ?? ContentType.allCases.first { $0.rawValue.hasPrefix(word) }
    }

    /// Pastes into an open prompt.
    func paste(_ text: String) -> Bool {
        switch prompt {
        case .reschedule(var field, let problem, let target): field.insert(text); prompt = .reschedule(field, problem: problem, target); return true
        case .new(var form): form.paste(text); prompt = .new(form); return true
        case nil: return false
        }
    }

    /// Runs one of the pane's actions; an action that needs the terminal (the editor) returns a command.
    func perform(_ action: CalendarKeymap.Action) -> AppCommand? {
        viewModel.clearMessage()
        switch action {
        case .left: viewModel.moveDay(by: -1)
        case .right: viewModel.moveDay(by: 1)
        case .up: viewModel.moveDay(by: -7)
        case .down: viewModel.moveDay(by: 7)
        case .previous: viewModel.shiftPeriod(by: -1)
        case .next: viewModel.shiftPeriod(by: 1)
        case .today: viewModel.goToday()
        case .view: viewModel.toggleMode()
        case .itemDown: viewModel.moveAgenda(by: 1)
        case .itemUp: viewModel.moveAgenda(by: -1)
        case .detail: detailOverlay = DetailOverlay(); viewModel.openDetail()
        case .back:
            if viewModel.detail != nil { viewModel.closeDetail() } else if !viewModel.filter.isUnfiltered { viewModel.clearFilters() }
        case .type: viewModel.cycleType()
        case .status: viewModel.cycleStatus()
        case .product: viewModel.cycleProduct()
        case .reschedule:
            guard let target = viewModel.target(forOne: "Moving") else { return nil }
            let now = viewModel.item(for: target).map { "\(viewModel.time(of: $0)) now: " } ?? ""
            prompt = .reschedule(TextField(placeholder: "\(now)2026-12-03 09:30, tomorrow 9am, fri 2pm, +2d"), problem: nil, target)
        case .new:
            prompt = .new(Form(fields: [
                FormField("Title", placeholder: "what it is about"),
                FormField("Type", text: "blog", placeholder: ContentType.allCases.map(\.rawValue).joined(separator: ", ")),
                FormField("Time", text: "09:00", placeholder: "09:30, 2pm"),
            ]))
        case .edit:
            guard let (id, title, body) = viewModel.bodyForEditing() else { return nil }
            let viewModel = self.viewModel
            return .releaseTerminal {
                switch ExternalEditor.edit(body, name: "content-\(id).md") {
                case .changed(let text): viewModel.saveBody(text, of: id)
                case .unchanged: viewModel.note("No change to \"\(title)\"")
                case .failed(let problem): viewModel.note(problem)
                }
            }
        case .submit: viewModel.submitSelected()
        case .undo: viewModel.undo()
        }
        return nil
    }

    // MARK: - Drawing

    /// Where the grid and the agenda go in a pane of this size. The grid takes whole week rows
    /// (`weeks`: the month's, or 1 for a week); the agenda gets the rest (at least a quarter). On
    /// a small screen the month comes first: the agenda shrinks, then goes, before a week is cut.
    static func layout(_ rect: Rect, mode: CalendarViewModel.Mode, weeks: Int) -> (filterRow: Rect, body: Rect, grid: Rect, agenda: Rect) {
        let (filterRow, body) = rect.splitTop(1)
        let headerRows = 2
        var agendaHeight = mode == .month ? max(5, min(10, body.height / 4)) : max(5, body.height / 3)
        if body.height - agendaHeight < headerRows + weeks {
            agendaHeight = body.height - headerRows - weeks
            // The agenda needs its frame, its header and one item, or it goes.
            if agendaHeight < 4 { agendaHeight = 0 }
        }
        let rowHeight = max(1, (body.height - agendaHeight - headerRows) / weeks)
        let (grid, rest) = body.splitTop(min(body.height - agendaHeight, headerRows + rowHeight * weeks))
        let agenda = rest.height >= 4 ? rest : Rect(x: rest.x, y: rest.y, width: rest.width, height: 0)
        return (filterRow, body, grid, agenda)
    }

    /// Items a month's day cell lists in a grid of this size (a line for the day's number).
    static func monthLines(grid: Rect, weeks: Int) -> Int { max(0, max(1, (grid.height - 2) / max(1, weeks)) - 1) }

    /// Items a week's day column lists in a grid of this size (a title line, a line for the day).
    static func weekLines(grid: Rect) -> Int { max(0, grid.height - 2) }

    /// The agenda's table in its box (the legend below when there is room).
    static func agendaTable(in agenda: Rect) -> (table: Rect, legend: Rect) {
        let inner = agenda.inset(top: 1, left: 1, bottom: 1, right: 1)
        return inner.height > 3 ? inner.splitBottom(1) : (inner, Rect(x: 0, y: 0, width: 0, height: 0))
    }

    /// Tells the view-model how many items a day shows and how many agenda rows fit, in either
    /// view and any month (4 to 6 weeks), before it draws them.
    func resize(to rect: Rect) {
        var monthLines = 0
        var agendaRows = 1
        for weeks in 4...6 {
            let layout = Self.layout(rect, mode: .month, weeks: weeks)
            monthLines = max(monthLines, Self.monthLines(grid: layout.grid, weeks: weeks))
            agendaRows = max(agendaRows, TableView.bodyHeight(in: Self.agendaTable(in: layout.agenda).table))
        }
        let week = Self.layout(rect, mode: .week, weeks: 1)
        agendaRows = max(agendaRows, TableView.bodyHeight(in: Self.agendaTable(in: week.agenda).table))
        viewModel.resize(monthLines: monthLines, weekLines: Self.weekLines(grid: week.grid), agendaRows: agendaRows)
    }

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.height >= 6 else { return }
        let weeks = viewModel.mode == .month ? MonthCalendar(year: viewModel.selectedMonth.year, month: viewModel.selectedMonth.month,
                                                             firstWeekday: firstWeekday).weeks.count : 1
        let (filterRow, body, grid, agenda) = Self.layout(rect, mode: viewModel.mode, weeks: weeks)
        renderFilters(into: &buffer, in: filterRow)
        switch viewModel.mode {
        case .month: renderMonth(into: &buffer, in: grid)
        case .week: renderWeek(into: &buffer, in: grid)
        }
        if agenda.height > 0 { renderAgenda(into: &buffer, in: agenda) }
        if let detail = viewModel.detail {
            let lines = ContentText.lines(detail, width: body.width - 8, describe: viewModel.describe)
            detailOverlay.render(lines: lines, title: "Content #\(detail.item.id)", into: &buffer, in: body)
        }
        renderPrompt(into: &buffer, in: body)
    }

    func renderFilters(into buffer: inout CellBuffer, in rect: Rect) {
        let filter = viewModel.filter
        let parts = ["type: \(filter.type?.label ?? "all") (f)", "status: \(filter.status?.label ?? "all") (F)",
                     "product: \(viewModel.product?.name ?? "all") (p)"]
        let right = viewModel.mode == .month ? " month · [ ] months · w week · t today " : " week · [ ] weeks · w month · t today "
        let width = DisplayWidth.width(of: right) < rect.width / 2 ? DisplayWidth.width(of: right) : 0
        _ = buffer.put(" " + parts.joined(separator: "  ·  "), at: Point(x: rect.x, y: rect.y), maxWidth: rect.width - width,
                       style: Style(filter.isUnfiltered ? .muted : .accent))
        if width > 0 { _ = buffer.put(right, at: Point(x: rect.x + rect.width - width, y: rect.y), style: Style(.muted)) }
    }

    func day(_ date: Date) -> DayDate { DayDate(date, timeZone: viewModel.calendar.timeZone) }

    /// A day's items as calendar lines `width` wide: "09:30 S◷ Title", or "S◷ Title" when narrow.
    func entries(width: Int) -> [DayDate: [CalendarEntry]] {
        var result: [DayDate: [CalendarEntry]] = [:]
        let selected = viewModel.selectedItem?.id
        for (date, items) in viewModel.items {
            result[day(date)] = items.map { item in
                let marks = ContentText.letter(item.type) + ContentText.mark(item.status)
                let text = width >= 14 ? "\(viewModel.time(of: item)) \(marks) \(item.title)" : "\(marks) \(item.title)"
                return CalendarEntry(text, role: item.id == selected ? .selection : ContentText.role(item.status))
            }
        }
        return result
    }

    func totals() -> [DayDate: Int] {
        Dictionary(uniqueKeysWithValues: viewModel.counts.map { (day($0.key), $0.value) })
    }

    func renderMonth(into buffer: inout CellBuffer, in rect: Rect) {
        let (year, month) = viewModel.selectedMonth
        var calendar = MonthCalendar(year: year, month: month, firstWeekday: firstWeekday, today: day(viewModel.today),
                                     selected: day(viewModel.selectedDay))
        calendar.items = entries(width: rect.width / 7 - 1)
        calendar.totals = totals()
        calendar.render(into: &buffer, in: rect)
    }

    func renderWeek(into buffer: inout CellBuffer, in rect: Rect) {
        let title = "Week of \(DateTimeInput.describe(viewModel.periodStart, calendar: viewModel.calendar).dropLast(6))"
        _ = buffer.putPadded(title, at: rect.origin, width: rect.width, alignment: .center, style: Style(.title))
        let area = rect.inset(top: 1, left: 0, bottom: 0, right: 0)
        var week = WeekCalendar(day: day(viewModel.selectedDay), firstWeekday: firstWeekday, today: day(viewModel.today),
                                selected: day(viewModel.selectedDay))
        week.items = entries(width: area.width / 7 - 1)
        week.totals = totals()
        week.render(into: &buffer, in: area)
    }

    static let agendaTable = TableView(columns: [
        TableColumn("Time", width: .fixed(5)),
        TableColumn("Status", width: .fixed(16)),
        TableColumn("Type", width: .flexible(min: 10, weight: 2)),
        TableColumn("Title", width: .flexible(min: 12, weight: 5)),
        TableColumn("Author", width: .flexible(min: 8, weight: 2)),
        TableColumn("Product", width: .flexible(min: 8, weight: 1)),
    ], emptyMessage: "Nothing scheduled this day: n drafts something")

    func renderAgenda(into buffer: inout CellBuffer, in rect: Rect) {
        let total = viewModel.agendaTotal
        let dayText = String(DateTimeInput.describe(viewModel.selectedDay, calendar: viewModel.calendar).dropLast(6))
        let count = "\(NumberText.grouped(total)) item\(total == 1 ? "" : "s")"
        let inner = Box.draw(into: &buffer, in: rect, title: "\(dayText) · \(count) · J/K item · r move · e edit · s submit · enter open")
        guard inner.height > 0 else { return }
        let (table, legend) = inner.height > 3 ? inner.splitBottom(1) : (inner, Rect(x: 0, y: 0, width: 0, height: 0))
        if legend.height > 0 { _ = buffer.put(ContentText.legend, at: legend.origin, maxWidth: legend.width, style: Style(.muted)) }
        let agenda = viewModel.agenda
        agendaViewport.pageSize = TableView.bodyHeight(in: table)
        agendaViewport.selectedIndex = viewModel.agendaIndex
        // The day's count comes from the index; its items are read a page at a time as J goes down.
        let rowCount = max(total, agenda.count)
        agendaViewport.clamp(count: rowCount)
        var cells: [Int: [String]] = [:]
        for index in agendaViewport.visibleRange(count: rowCount) where agenda.indices.contains(index) {
            let item = agenda[index]
            cells[index] = [viewModel.time(of: item), ContentText.mark(item.status) + " " + ContentText.status(item.status), ContentText.type(item),
                            item.title, item.authorName, item.productName ?? ""]
        }
        Self.agendaTable.render(into: &buffer, in: table, source: WindowRows(total: rowCount, cells: cells), viewport: agendaViewport)
    }

    func renderPrompt(into buffer: inout CellBuffer, in rect: Rect) {
        switch prompt {
        case nil: return
        case .reschedule(let field, let problem, let target):
            let title = problem.map { "Move to: \($0)" } ?? "Move \(target.label) to (your time zone)"
            PromptBox.field(field, title: title, into: &buffer, in: rect)
        case .new(let form):
            PromptBox.form(form, title: "New draft on \(DateTimeInput.describe(viewModel.selectedDay, calendar: viewModel.calendar).dropLast(6))",
                           width: 70, into: &buffer, in: rect)
        }
    }
}
