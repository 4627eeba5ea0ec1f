import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// The Pipeline pane on screen: the board, the table, the forecast, the detail and the prompts.
@MainActor
final class PipelinePane {
    let viewModel: PipelineViewModel

    /// What the pane is asking for, if anything. A prompt for a change carries its target, taken
    /// when its key was pressed: the answer applies to the deal the screen showed then.
    enum Prompt {
        case search(TextField)
        case loseReason(Picker, ActionTarget)
        case loseNote(TextField, LostReason, ActionTarget)
        case edit(Form, ActionTarget)
        case new(Form)
        case product(Picker, [Product])
        case month(Picker, [String])
    }

    var prompt: Prompt?
    var detailOverlay = DetailOverlay()
    /// Which cards of each column are on screen.
    var columnViewports: [TableViewport] = PipelineViewModel.stages.map { _ in TableViewport() }
    var tableViewport = TableViewport()
    var firstColumn = 0

    init(viewModel: PipelineViewModel) {
        self.viewModel = viewModel
    }

    static let editLabels = ["Title", "Value ($)", "Probability (%)", "Close date", "Owner"]
    static let editKeys = ["title", "value", "probability", "close", "owner"]
    static let newLabels = ["Title", "Contact", "Value ($)", "Product", "Close date", "Owner"]
    static let newKeys = ["title", "contact", "value", "product", "close", "owner"]

    // MARK: - Keys

    /// Keys for an open prompt or the detail come here first; true when consumed.
    func handlePromptKey(_ key: Key) -> Bool {
        guard let current = prompt else {
            return detailOverlay.route(key, isOpen: viewModel.detail != nil, close: viewModel.closeDetail)
        }
        switch current {
        case .search(var field):
            switch key {
            case .enter: prompt = nil; viewModel.setSearch(field.text)
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .search(field)
            }
        case .loseReason(var picker, let target):
            switch picker.handle(key) {
            case .pending: prompt = .loseReason(picker, target)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = .loseNote(TextField(placeholder: "a note (optional)"), LostReason.allCases[index], target)
            }
        case .loseNote(var field, let reason, let target):
            switch key {
            case .enter: prompt = nil; viewModel.loseSelected(reason: reason, note: field.text, target: target)
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .loseNote(field, reason, target)
            }
        case .edit(var form, let target):
            switch key {
            case .escape: prompt = nil
            case .enter:
                let texts = form.fields.map(\.input.text)
                let problems = viewModel.saveEdit(DealForm(title: texts[0], value: texts[1], probability: texts[2], closeDate: texts[3], owner: texts[4]),
                                                  target: target)
                if problems.isEmpty { prompt = nil } else {
                    for (index, key) in Self.editKeys.enumerated() { form.fields[index].validationMessage = problems[key] }
                    if let other = problems["deal"] { viewModel.note(other) }
                    prompt = .edit(form, target)
                }
            default: _ = form.handle(key); prompt = .edit(form, target)
            }
        case .new(var form):
            switch key {
            case .escape: prompt = nil
            case .enter:
                let t = form.fields.map(\.input.text)
                let problems = viewModel.create(DealForm(title: t[0], contact: t[1], value: t[2], product: t[3], closeDate: t[4], owner: t[5]))
                if problems.isEmpty { prompt = nil } else {
                    for (index, key) in Self.newKeys.enumerated() { form.fields[index].validationMessage = problems[key] }
                    if let other = problems["deal"] { viewModel.note(other) }
                    prompt = .new(form)
                }
            default: _ = form.handle(key); prompt = .new(form)
            }
        case .product(var picker, let products):
            switch picker.handle(key) {
            case .pending: prompt = .product(picker, products)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = nil; viewModel.filter(product: index == 0 ? nil : products[index - 1])
            }
        case .month(var picker, let months):
            switch picker.handle(key) {
            case .pending: prompt = .month(picker, months)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = nil; viewModel.filter(closeMonth: index == 0 ? nil : months[index - 1])
            }
        }
        return true
    }

    /// Pastes into an open prompt.
    func paste(_ text: String) -> Bool {
        switch prompt {
        case .search(var field): field.insert(text); prompt = .search(field); return true
        case .loseNote(var field, let reason, let target): field.insert(text); prompt = .loseNote(field, reason, target); return true
        case .edit(var form, let target): form.paste(text); prompt = .edit(form, target); return true
        case .new(var form): form.paste(text); prompt = .new(form); return true
        default: return false
        }
    }

    /// Runs one of the pane's actions.
    func perform(_ action: PipelineKeymap.Action) -> AppCommand? {
        viewModel.clearMessage()
        switch action {
        case .down: viewModel.move(.down)
        case .up: viewModel.move(.up)
        case .pageDown: viewModel.move(.pageDown)
        case .pageUp: viewModel.move(.pageUp)
        case .top: viewModel.move(.top)
        case .bottom: viewModel.move(.bottom)
        case .left: viewModel.moveColumn(by: -1)
        case .right: viewModel.moveColumn(by: 1)
        case .detail: detailOverlay = DetailOverlay(); viewModel.openDetail()
        case .back:
            if viewModel.detail != nil { viewModel.closeDetail() } else if viewModel.search != nil { viewModel.setSearch("") }
        case .table: viewModel.toggleTable()
        case .forecast: viewModel.toggleForecast()
        case .earlier, .later:
            if viewModel.mode == .forecast { viewModel.shiftForecast(by: action == .earlier ? -3 : 3) } else { viewModel.note("[ and ] move the forecast (F)") }
        case .sort: if viewModel.mode == .table { viewModel.cycleSort() } else { viewModel.note("Sorting is for the table view (v)") }
        case .reverse: if viewModel.mode == .table { viewModel.reverseSort() } else { viewModel.note("Sorting is for the table view (v)") }
        case .search:
            // The current search, all selected: typing replaces it, an arrow keeps it to edit.
            prompt = .search(TextField(viewModel.search ?? "", placeholder: "deal title, contact or company", selected: true))
        case .owner: viewModel.cycleOwner()
        case .product:
            let products = viewModel.products()
            prompt = .product(Picker(title: "Filter by product", items: ["every product"] + products.map(\.name)), products)
        case .month:
            let months = viewModel.monthChoices()
            prompt = .month(Picker(title: "Filter by close month", items: ["any month"] + months), months)
        case .forward: viewModel.advanceSelected(by: 1)
        case .backward: viewModel.advanceSelected(by: -1)
        case .win: viewModel.winSelected()
        case .lose:
            guard let target = viewModel.target(forOne: "Losing") else { return nil }
            prompt = .loseReason(Picker(title: "Why was \(target.label) lost?", items: LostReason.allCases.map(\.label)), target)
        case .edit:
            guard let target = viewModel.target(forOne: "Editing"), let form = viewModel.editForm(target: target) else { return nil }
            prompt = .edit(Form(fields: zip(Self.editLabels, [form.title, form.value, form.probability, form.closeDate, form.owner]).map { label, text in
                FormField(label, text: text, placeholder: label.hasPrefix("Probability") ? "empty: the stage's default" : (label == "Owner" ? "email or name; empty: nobody" : ""))
            }), target)
        case .new:
            let form = viewModel.newForm()
            prompt = .new(Form(fields: zip(Self.newLabels, [form.title, form.contact, form.value, form.product, form.closeDate, form.owner]).map { label, text in
                FormField(label, text: text, placeholder: label == "Contact" ? "#id or a name" : (label == "Close date" ? "2026-12-03, +30d, tomorrow" : ""))
            }))
        case .undo: viewModel.undo()
        }
        return nil
    }

    // MARK: - Drawing

    func render(into buffer: inout CellBuffer, in rect: Rect, now: Date) {
        guard rect.height >= 3 else { return }
        let (filterRow, body) = rect.splitTop(1)
        renderFilters(into: &buffer, in: filterRow)
        switch viewModel.mode {
        case .board: renderBoard(into: &buffer, in: body, now: now)
        case .table: renderTable(into: &buffer, in: body, now: now)
        case .forecast: renderForecast(into: &buffer, in: body, now: now)
        }
        if let detail = viewModel.detail { renderDetail(detail, into: &buffer, in: body) }
        renderPrompt(into: &buffer, in: body)
    }

    func renderFilters(into buffer: inout CellBuffer, in rect: Rect) {
        var parts = ["owner: \(viewModel.ownerLabel) (o)", "product: \(viewModel.product?.name ?? "any") (p)",
                     "month: \(viewModel.closeMonth ?? "any") (m)"]
        if let search = viewModel.search { parts.append("search: \"\(search)\" (esc clears)") }
        let right: String
        switch viewModel.mode {
        case .board: right = " board · \(Format.grouped(viewModel.filteredTotal)) deals · v table · F forecast "
        case .table:
            let position = viewModel.table.total == 0 ? "0" : "\(Format.grouped(viewModel.table.selected + 1))/\(Format.grouped(viewModel.table.total))"
            right = " table · \(viewModel.sortLabel) (s/S) · \(position) "
        case .forecast: right = " forecast · [ ] earlier/later · F closes "
        }
        let width = DisplayWidth.width(of: right) < rect.width * 2 / 3 ? DisplayWidth.width(of: right) : 0
        _ = buffer.put(" " + parts.joined(separator: "  ·  "), at: Point(x: rect.x, y: rect.y), maxWidth: rect.width - width, style: Style(.muted))
        if width > 0 { _ = buffer.put(right, at: Point(x: rect.x + rect.width - width, y: rect.y), style: Style(.muted)) }
    }

    static let headerLines = 3
    static let cardLines = 4

    /// How many cards fit in a column of this height (header, rule, and a line for each "more").
    static func cardsThatFit(height: Int) -> Int {
        max(1, (height - headerLines - 1 - 2 + 1) / (cardLines + 1))
    }

    /// Cards a board column shows in this board area ("‹ n more" takes a row when it scrolls sideways).
    static func boardCards(in rect: Rect) -> Int {
        let stages = PipelineViewModel.stages.count
        let scrolls = stages * 18 + stages - 1 > rect.width
        return cardsThatFit(height: rect.height - (scrolls ? 1 : 0))
    }

    /// Tells the view-model how many cards and table rows a pane of this size shows (before it draws them).
    func resize(to rect: Rect) {
        let (_, body) = rect.splitTop(1)
        viewModel.resize(visibleCards: Self.boardCards(in: body), tableRows: max(1, TableView.bodyHeight(in: body)))
    }

    func renderBoard(into buffer: inout CellBuffer, in rect: Rect, now: Date) {
        let stages = PipelineViewModel.stages
        var board = KanbanBoard(columns: [], selectedColumn: viewModel.selectedColumn, firstColumn: firstColumn, minColumnWidth: 18)
        let fit = Self.boardCards(in: rect)
        var columns: [KanbanColumn] = []
        for (index, stage) in stages.enumerated() {
            let window = viewModel.columns[index]
            var viewport = columnViewports[index]
            viewport.pageSize = fit
            viewport.selectedIndex = window.selected
            viewport.clamp(count: window.total)
            columnViewports[index] = viewport
            let range = viewport.visibleRange(count: window.total)
            let cards = range.compactMap { window.item(at: $0) }.map { card(for: $0, now: now) }
            let totals = viewModel.totals[stage] ?? StageTotals()
            columns.append(KanbanColumn(
                header: ["\(stage.rawValue.uppercased()) \(Format.grouped(totals.deals))",
                         "\(Format.money(cents: totals.value)) total", "\(Format.money(cents: totals.weightedValue)) weighted"],
                cards: cards, hiddenAbove: range.lowerBound, hiddenBelow: max(0, window.total - range.upperBound)))
            if index == viewModel.selectedColumn { board.selectedCard = window.selected - range.lowerBound }
        }
        board.columns = columns
        board.scrollToSelection(width: rect.width)
        firstColumn = board.firstColumn
        board.render(into: &buffer, in: rect)
    }

    func card(for item: DealListItem, now: Date) -> KanbanCard {
        let deal = item.deal
        let health = viewModel.health(of: item)
        let when = deal.closeDate.map { Self.shortDay($0, thisYear: String(viewModel.today.prefix(4))) } ?? "no date"
        let status: String
        switch (health.isOverdue, health.isStale) {
        case (true, true): status = "OVERDUE STALE \(health.daysIdle)d"
        case (true, false): status = "OVERDUE \(when) · \(health.daysInStage)d"
        case (false, true): status = "STALE \(health.daysIdle)d · \(when)"
        case (false, false): status = "\(when) · \(health.daysInStage)d in stage"
        }
        let who = [item.contactName, item.company].compactMap { $0 }.filter { !$0.isEmpty }
        let accent: ColorRole? = health.isOverdue ? .danger : (health.isStale ? .warning : nil)
        return KanbanCard(lines: [
            deal.title,
            who.isEmpty ? "—" : (who.count == 2 && who[0] != who[1] ? "\(who[0]) · \(who[1])" : who[0]),
            "\(Format.money(cents: deal.value)) · \(deal.probability)% · \(item.ownerName.map(Self.firstName) ?? "nobody")",
            status,
        ], accent: accent)
    }

    static func firstName(_ name: String) -> String {
        name.split(separator: " ").first.map(String.init) ?? name
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2026-12-03` -> `Dec 3` (this year) or `Dec 3 '27`.
    static func shortDay(_ day: String, thisYear: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return day }
        let year = day.hasPrefix(thisYear) ? "" : " '\(String(format: "%02d", parts[0] % 100))"
        return "\(monthNames[parts[1] - 1]) \(parts[2])\(year)"
    }

    static let table = TableView(columns: [
        TableColumn("#", width: .fixed(6), alignment: .right),
        TableColumn("Title", width: .flexible(min: 12, weight: 4)),
        TableColumn("Stage", width: .fixed(11)),
        TableColumn("Value", width: .fixed(8), alignment: .right),
        TableColumn("Prob", width: .fixed(4), alignment: .right),
        TableColumn("Weighted", width: .fixed(8), alignment: .right),
        TableColumn("Close", width: .fixed(10)),
        TableColumn("Contact", width: .flexible(min: 8, weight: 3)),
        TableColumn("Owner", width: .flexible(min: 6, weight: 2)),
        TableColumn("Product", width: .flexible(min: 6, weight: 1)),
        TableColumn("Stage age", width: .fixed(9), alignment: .right),
        TableColumn("Flags", width: .fixed(14)),
    ], emptyMessage: "No deals here")

    func renderTable(into buffer: inout CellBuffer, in rect: Rect, now: Date) {
        let window = viewModel.table
        tableViewport.pageSize = max(1, TableView.bodyHeight(in: rect))
        tableViewport.selectedIndex = window.selected
        tableViewport.clamp(count: window.total)
        var cells: [Int: [String]] = [:]
        for index in tableViewport.visibleRange(count: window.total) {
            guard let item = window.item(at: index) else { continue }
            let deal = item.deal
            let health = viewModel.health(of: item)
            var flags: [String] = []
            if health.isOverdue { flags.append("overdue") }
            if health.isStale { flags.append("stale") }
            if deal.stage == .lost, let reason = deal.lostReason { flags.append(reason.label) }
            cells[index] = [
                String(item.id), deal.title, deal.stage.rawValue, Format.money(cents: deal.value), "\(deal.probability)%",
                Format.money(cents: deal.value * Int64(deal.probability) / 100), deal.closeDate ?? "—",
                [item.contactName, item.company].compactMap { $0 }.first ?? "—", item.ownerName ?? "—", item.productName ?? "",
                "\(health.daysInStage)d", flags.joined(separator: ", "),
            ]
        }
        Self.table.render(into: &buffer, in: rect, source: WindowRows(total: window.total, cells: cells), viewport: tableViewport)
    }

    func renderForecast(into buffer: inout CellBuffer, in rect: Rect, now: Date) {
        let area = rect.inset(top: 1, left: 2, bottom: 0, right: 2)
        guard area.height > 2, area.width > 20 else { return }
        let months = viewModel.forecast
        let thisMonth = String(viewModel.today.prefix(7))
        var y = area.y
        _ = buffer.put("Forecast by close month: open deals weighted by probability, against value already won", at: Point(x: area.x, y: y),
                       maxWidth: area.width, style: Style(.title, .bold))
        y += 2
        let numbers = [("Month", 10), ("Open", 7), ("Pipeline", 10), ("Weighted", 10), ("Won", 10), ("Lost", 10)]
        var x = area.x
        for (title, width) in numbers {
            _ = buffer.putPadded(title, at: Point(x: x, y: y), width: width, alignment: title == "Month" ? .left : .right, style: Style(.header, .bold))
            x += width + 1
        }
        let barX = x + 1
        let barWidth = max(0, area.x + area.width - barX)
        if barWidth > 10 { _ = buffer.put("won █  weighted still open ▒", at: Point(x: barX, y: y), maxWidth: barWidth, style: Style(.header, .bold)) }
        y += 1
        let scale = max(1, months.map { max($0.weightedValue, $0.wonValue) }.max() ?? 1)
        if months.allSatisfy({ $0.openDeals + $0.wonDeals + $0.lostDeals == 0 }) && viewModel.filteredTotal > 0 {
            _ = buffer.put("No deal closes in these months: [ and ] show earlier or later ones.", at: Point(x: area.x, y: area.y + 1),
                           maxWidth: area.width, style: Style(.muted))
        }
        var total = ForecastMonth(month: "total")
        for month in months where y < area.y + area.height - 1 {
            total.openDeals += month.openDeals; total.openValue += month.openValue; total.weightedValue += month.weightedValue
            total.wonValue += month.wonValue; total.lostValue += month.lostValue
            let style = month.month == thisMonth ? Style(.accent, .bold) : Style.normal
            let label = Self.monthLabel(month.month) + (month.month == thisMonth ? " ◂" : "")
            let values = [label, Format.grouped(month.openDeals), Format.money(cents: month.openValue), Format.money(cents: month.weightedValue),
                          Format.money(cents: month.wonValue), Format.money(cents: month.lostValue)]
            x = area.x
            for (index, (_, width)) in numbers.enumerated() {
                _ = buffer.putPadded(values[index], at: Point(x: x, y: y), width: width, alignment: index == 0 ? .left : .right, style: style)
                x += width + 1
            }
            if barWidth > 10 {
                // Won value as a solid bar, the rest of the weighted value shaded beyond it; a tick
                // marks the weighted value when more than it was already won.
                let weighted = Int(Double(month.weightedValue) / Double(scale) * Double(barWidth - 1))
                let won = Int(Double(month.wonValue) / Double(scale) * Double(barWidth - 1))
                var bar = ""
                for column in 0..<max(weighted, won) {
                    if column < won { bar += column == weighted && month.weightedValue > 0 && won > weighted ? "┃" : "█" } else { bar += "▒" }
                }
                _ = buffer.put(bar, at: Point(x: barX, y: y), maxWidth: barWidth, style: Style(month.wonValue >= month.weightedValue && month.wonValue > 0 ? .success : .info))
            }
            y += 1
        }
        x = area.x
        let totals = ["total", Format.grouped(total.openDeals), Format.money(cents: total.openValue), Format.money(cents: total.weightedValue),
                      Format.money(cents: total.wonValue), Format.money(cents: total.lostValue)]
        for (index, (_, width)) in numbers.enumerated() where y < area.y + area.height {
            _ = buffer.putPadded(totals[index], at: Point(x: x, y: y), width: width, alignment: index == 0 ? .left : .right, style: Style(.normal, .bold))
            x += width + 1
        }
    }

    /// `2026-12` -> `Dec 2026`.
    static func monthLabel(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[1]) else { return month }
        return "\(monthNames[parts[1] - 1]) \(parts[0])"
    }

    func renderDetail(_ detail: DealDetail, into buffer: inout CellBuffer, in rect: Rect) {
        let item = detail.item
        let deal = item.deal
        let health = viewModel.health(of: item)
        var lines: [String] = []
        var flags: [String] = []
        if health.isOverdue { flags.append("OVERDUE") }
        if health.isStale { flags.append("STALE (\(health.daysIdle) days without activity)") }
        lines.append("\(deal.title)   #\(item.id)   \(deal.stage.rawValue)   \(Money.text(cents: deal.value))   \(flags.joined(separator: " "))")
        lines.append("")
        let probability = "\(deal.probability)%" + (deal.probabilityIsManual ? " (set by hand)" : " (stage default)")
        for (label, value) in [("Value", Money.text(cents: deal.value)), ("Weighted", Money.text(cents: deal.value * Int64(deal.probability) / 100)),
                               ("Chance", probability), ("Close", deal.closeDate ?? "no date"), ("Owner", item.ownerName ?? "nobody"),
                               ("Product", item.productName ?? "—"), ("In stage", "\(health.daysInStage) day\(health.daysInStage == 1 ? "" : "s")"),
                               ("Lost", deal.lostReason?.label), ("Imported", deal.externalRef)] {
            if let value { lines.append("\(label.padding(toLength: 10, withPad: " ", startingAt: 0))\(value)") }
        }
        lines.append("")
        if let contact = detail.contact {
            lines.append("Contact #\(contact.id ?? 0): \(contact.name)")
            for (label, value) in [("Company", contact.company), ("Email", contact.email), ("Phone", contact.phone),
                                   ("From lead", contact.leadId.map { "#\($0)" })] {
                if let value { lines.append("  \(label.padding(toLength: 10, withPad: " ", startingAt: 0))\(value)") }
            }
            if !detail.contactDeals.isEmpty {
                lines.append("  Other deals:")
                for other in detail.contactDeals.prefix(10) {
                    lines.append("    #\(other.id) \(other.deal.title) · \(other.deal.stage.rawValue) · \(Money.text(cents: other.deal.value))")
                }
            }
            lines.append("  n: new deal for this contact")
        } else {
            lines.append("No contact")
        }
        lines.append("")
        lines.append("Timeline (newest first):")
        if detail.timeline.isEmpty { lines.append("  nothing yet") }
        for entry in detail.timeline.prefix(200) {
            lines.append("  \(PromptBox.timeFormatter.string(from: entry.at))  \(entry.who): \(entry.what)")
        }
        detailOverlay.render(lines: lines, title: "Deal #\(item.id)", into: &buffer, in: rect)
    }

    func renderPrompt(into buffer: inout CellBuffer, in rect: Rect) {
        switch prompt {
        case nil: return
        case .search(let field): PromptBox.field(field, title: "Search deals", into: &buffer, in: rect)
        case .loseReason(let picker, _), .product(let picker, _), .month(let picker, _): picker.render(into: &buffer, in: rect)
        case .loseNote(let field, let reason, let target):
            PromptBox.field(field, title: "\(target.label) lost (\(reason.label)): a note", into: &buffer, in: rect)
        case .edit(let form, let target): PromptBox.form(form, title: "Edit \(target.label)", into: &buffer, in: rect)
        case .new(let form): PromptBox.form(form, title: "New deal", into: &buffer, in: rect)
        }
    }
}
