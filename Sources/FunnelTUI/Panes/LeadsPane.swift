import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// The Leads pane on screen: status tabs, the ranked table, the detail, and the prompts.
@MainActor
final class LeadsPane {
    let viewModel: LeadTriageViewModel

    /// What the pane is asking for, if anything. A prompt for a change carries its target, taken
    /// when its key was pressed: the answer applies to the leads the screen showed then.
    enum Prompt {
        case search(TextField)
        case reason(TextField, LeadStatus, ActionTarget)
        case user(Picker, [User?], ActionTarget)
        case status(Picker, ActionTarget)
        case logKind(Picker, ActionTarget)
        case note(TextField, LoggedActionKind, ActionTarget)
        case convert(Form, [Product], ActionTarget)
        case merge(ConfirmDialog, [Int64], ActionTarget)
        /// `f`: a source, or an attribute (then `attributeValue`).
        case sourceFilter(Picker, [LeadTriageViewModel.FilterChoice])
        /// An attribute's most common values, with their counts.
        case attributeValue(Picker, [LeadTriageViewModel.ValueChoice])
        case productFilter(Picker, [Product])
        /// A new lead (no target) or the target lead edited.
        case leadForm(Form, editing: ActionTarget?)
    }

    static let formLabels = ["Name", "Company", "Email", "Phone", "Source"]
    static let formKeys = ["name", "company", "email", "phone", "source"]

    static func form(_ draft: LeadDraft) -> Form {
        Form(fields: zip(formLabels, [draft.name, draft.company, draft.email, draft.phone, draft.source]).map { FormField($0, text: $1) })
    }

    var prompt: Prompt?
    var detailOverlay = DetailOverlay()
    var viewport = TableViewport()

    let clock: @MainActor () -> Date

    init(viewModel: LeadTriageViewModel, clock: @escaping @MainActor () -> Date) {
        self.viewModel = viewModel
        self.clock = clock
    }

    static let table = TableView(columns: [
        TableColumn("Score", width: .fixed(14)),
        TableColumn("Name", width: .flexible(min: 10, weight: 3)),
        TableColumn("Email", width: .flexible(min: 10, weight: 3)),
        TableColumn("Company", width: .flexible(min: 8, weight: 2)),
        TableColumn("Source", width: .fixed(12)),
        TableColumn("Status", width: .fixed(11)),
        TableColumn("Owner", width: .flexible(min: 6, weight: 2)),
        TableColumn("Product", width: .flexible(min: 6, weight: 1)),
        TableColumn("Age", width: .fixed(4), alignment: .right),
        TableColumn("Last", width: .fixed(4), alignment: .right),
        TableColumn("#", width: .fixed(7), alignment: .right),
    ], emptyMessage: "No leads here")

    // MARK: - Keys

    /// Keys for an open prompt come here first; true when consumed.
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
        case .reason(var field, let status, let target):
            switch key {
            case .enter:
                prompt = nil
                viewModel.setStatus(status, reason: field.text, target: target)
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .reason(field, status, target)
            }
        case .user(var picker, let users, let target):
            switch picker.handle(key) {
            case .pending: prompt = .user(picker, users, target)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = nil; viewModel.assign(to: users[index]?.id, target: target)
            }
        case .logKind(var picker, let target):
            switch picker.handle(key) {
            case .pending: prompt = .logKind(picker, target)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = .note(TextField(placeholder: "a note (optional)"), LoggedActionKind.allCases[index], target)
            }
        case .note(var field, let kind, let target):
            switch key {
            case .enter: prompt = nil; viewModel.logAction(kind, note: field.text, target: target)
            case .escape: prompt = nil
            default: _ = field.handle(key); prompt = .note(field, kind, target)
            }
        case .convert(var form, let products, let target):
            switch key {
            case .escape: prompt = nil
            case .enter:
                let productText = form.fields[1].input.text.trimmingCharacters(in: .whitespaces)
                let product = products.first { $0.name.lowercased() == productText.lowercased() }
                // The same reading of amounts as the deal forms ("12000", "12,500.50", "12.5k").
                let cents: Int64
                switch MoneyInput.cents(form.fields[0].input.text) {
                case .success(let value): cents = value
                case .failure(let error):
                    form.fields[0].validationMessage = error.problem
                    prompt = .convert(form, products, target)
                    return true
                }
                if !productText.isEmpty && product == nil {
                    form.fields[1].validationMessage = "one of: " + products.map(\.name).joined(separator: ", ")
                    prompt = .convert(form, products, target)
                    return true
                }
                prompt = nil
                viewModel.convertSelected(productId: product?.id, valueCents: cents, target: target)
            default:
                _ = form.handle(key)
                prompt = .convert(form, products, target)
            }
        case .merge(let dialog, let ids, let target):
            switch dialog.handle(key) {
            case .pending: break
            case .cancelled: prompt = nil
            case .confirmed: prompt = nil; viewModel.mergeIntoSelected(ids, target: target)
            }
        case .sourceFilter(var picker, let choices):
            switch picker.handle(key) {
            case .pending: prompt = .sourceFilter(picker, choices)
            case .cancelled: prompt = nil
            case .chose(let index):
                prompt = nil
                if let values = viewModel.choose(choices[index]), let attribute = choices[index].attribute {
                    prompt = .attributeValue(Picker(title: "Filter by \(attribute.name): most common values", items: values.map(\.label)), values)
                }
            }
        case .attributeValue(var picker, let choices):
            switch picker.handle(key) {
            case .pending: prompt = .attributeValue(picker, choices)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = nil; viewModel.choose(choices[index])
            }
        case .productFilter(var picker, let products):
            switch picker.handle(key) {
            case .pending: prompt = .productFilter(picker, products)
            case .cancelled: prompt = nil
            case .chose(let index): prompt = nil; viewModel.filter(product: index == 0 ? nil : products[index - 1])
            }
        case .leadForm(var form, let editing):
            switch key {
            case .escape: prompt = nil
            case .enter:
                let texts = form.fields.map(\.input.text)
                let draft = LeadDraft(name: texts[0], company: texts[1], email: texts[2], phone: texts[3], source: texts[4])
                let problems = editing.map { viewModel.editSelected(draft, target: $0) } ?? viewModel.create(draft)
                if problems.isEmpty {
                    prompt = nil
                } else {
                    for (index, key) in Self.formKeys.enumerated() { form.fields[index].validationMessage = problems[key] }
                    prompt = .leadForm(form, editing: editing)
                }
            default:
                _ = form.handle(key)
                prompt = .leadForm(form, editing: editing)
            }
        case .status(var picker, let target):
            switch picker.handle(key) {
            case .pending: prompt = .status(picker, target)
            case .cancelled: prompt = nil
            case .chose(let index):
                prompt = nil
                let status = LeadStatus.allCases[index]
                if status == .unqualified || status == .lost {
                    prompt = .reason(TextField(placeholder: "why?"), status, target)
                } else {
                    viewModel.setStatus(status, target: target)
                }
            }
        }
        return true
    }

    /// Pastes into an open prompt.
    func paste(_ text: String) -> Bool {
        switch prompt {
        case .search(var field): field.insert(text); prompt = .search(field); return true
        case .leadForm(var form, let editing): form.paste(text); prompt = .leadForm(form, editing: editing); return true
        case .reason(var field, let status, let target): field.insert(text); prompt = .reason(field, status, target); return true
        case .note(var field, let kind, let target): field.insert(text); prompt = .note(field, kind, target); return true
        default: return false
        }
    }

    /// Runs one of the pane's actions. A change acts on `viewModel.actionTarget` (the open lead,
    /// else the marked ones, else the selected one), decided here at the key and carried by its prompt.
    func perform(_ action: LeadsKeymap.Action) -> AppCommand? {
        viewModel.clearMessage()
        switch action {
        case .down: viewModel.move(.down)
        case .up: viewModel.move(.up)
        case .pageDown: viewModel.move(.pageDown)
        case .pageUp: viewModel.move(.pageUp)
        case .top: viewModel.move(.top)
        case .bottom: viewModel.move(.bottom)
        case .nextTab: viewModel.selectTab(viewModel.tabIndex + 1)
        case .previousTab: viewModel.selectTab(viewModel.tabIndex - 1)
        case .detail: detailOverlay = DetailOverlay(); viewModel.openDetail()
        case .back:
            if viewModel.detail != nil { viewModel.closeDetail() } else if viewModel.search != nil { viewModel.setSearch("") }
        case .search:
            // The current search, all selected: typing replaces it, an arrow keeps it to edit.
            prompt = .search(TextField(viewModel.search ?? "", placeholder: "name, email, company or phone", selected: true))
        case .owner: viewModel.cycleOwner()
        case .mark: viewModel.toggleMark()
        case .assignMe: viewModel.assignToMe()
        case .assign:
            guard let target = target() else { return nil }
            let users: [User?] = [nil] + viewModel.assignableUsers().map { Optional($0) }
            prompt = .user(Picker(title: "Assign \(target.label) to", items: users.map { $0.map { "\($0.name) <\($0.email)>" } ?? "nobody (unassign)" }),
                           users, target)
        case .status:
            guard let target = target() else { return nil }
            prompt = .status(Picker(title: "Set the status of \(target.label)", items: LeadStatus.allCases.map(\.rawValue)), target)
        case .disqualify:
            guard let target = target() else { return nil }
            prompt = .reason(TextField(placeholder: "why is \(target.label) unqualified?"), .unqualified, target)
        case .log:
            guard let target = viewModel.target(forOne: "Logging") else { return nil }
            prompt = .logKind(Picker(title: "Log on \(target.label)", items: LoggedActionKind.allCases.map(\.rawValue)), target)
        case .convert:
            guard let target = viewModel.target(forOne: "Converting"), let item = viewModel.targetLead(target) else { return nil }
            let products = viewModel.products()
            let current = products.first { $0.id == item.lead.productId }?.name ?? ""
            prompt = .convert(Form(fields: [FormField("Value ($)", text: ""), FormField("Product", text: current)]), products, target)
        case .merge:
            guard let target = viewModel.target(forOne: "Merging"), let record = target.single else { return nil }
            let duplicates = viewModel.duplicatesOfSelected(target: target)
            guard !duplicates.isEmpty else { viewModel.note("\(record.label) has no duplicates (same email or phone)"); return nil }
            let list = duplicates.map { "#\($0.id ?? 0) \($0.name ?? $0.email ?? "")" }.joined(separator: ", ")
            prompt = .merge(ConfirmDialog(title: "Merge duplicates",
                                          message: "Merge \(list) into \(record.label)? Their actions and history move to it; they are deleted.",
                                          isDangerous: true), duplicates.compactMap(\.id), target)
        case .source:
            let choices = viewModel.filterChoices()
            let title = choices.count > LeadSource.allCases.count + 1 ? "Filter by source or attribute" : "Filter by source"
            prompt = .sourceFilter(Picker(title: title, items: choices.map(\.label)), choices)
        case .product:
            let products = viewModel.products()
            prompt = .productFilter(Picker(title: "Filter by product", items: ["every product"] + products.map(\.name)), products)
        case .new: prompt = .leadForm(Self.form(LeadDraft()), editing: nil)
        case .edit:
            guard let target = viewModel.target(forOne: "Editing"), let item = viewModel.targetLead(target) else { return nil }
            prompt = .leadForm(Self.form(LeadDraft(item.lead)), editing: target)
        case .undo: viewModel.undo()
        }
        return nil
    }

    /// What a change acts on now, or nil (saying so) when the list is empty.
    func target() -> ActionTarget? {
        guard let target = viewModel.actionTarget else { viewModel.note("No lead here to act on"); return nil }
        return target
    }

    // MARK: - Layout

    /// Rows of the table a pane of this size shows at once (below the tabs and the filter line).
    static func visibleRows(in rect: Rect) -> Int {
        max(1, TableView.bodyHeight(in: Rect(x: rect.x, y: rect.y + 2, width: rect.width, height: max(0, rect.height - 2))))
    }

    /// Tells the view-model how many rows the screen shows (before it draws them).
    func resize(to rect: Rect) {
        viewModel.resize(visibleRows: Self.visibleRows(in: rect))
    }

    // MARK: - Drawing

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.height >= 3 else { return }
        let (tabsRow, rest) = rect.splitTop(1)
        let (filterRow, body) = rest.splitTop(1)
        TabBar(tabs: LeadTriageViewModel.tabs.indices.map { index in
            Tab(LeadTriageViewModel.tabs[index]?.rawValue ?? "all", count: viewModel.count(forTab: index))
        }, activeIndex: viewModel.tabIndex, showsNumbers: false).render(into: &buffer, in: tabsRow)
        renderFilters(into: &buffer, in: filterRow)
        viewport.pageSize = Self.visibleRows(in: rect)
        viewport.selectedIndex = viewModel.selected
        viewport.clamp(count: viewModel.total)
        let source = LeadRowSource.visible(viewModel: viewModel, range: viewport.visibleRange(count: viewModel.total), now: clock())
        let marked = Set(viewport.visibleRange(count: viewModel.total).filter { index in
            viewModel.row(at: index).map { viewModel.marked.contains($0.id) } ?? false
        })
        Self.table.render(into: &buffer, in: body, source: source, viewport: viewport, marked: marked)
        if let detail = viewModel.detail {
            renderDetail(detail, into: &buffer, in: body)
        }
        renderPrompt(into: &buffer, in: body)
    }

    func renderFilters(into buffer: inout CellBuffer, in rect: Rect) {
        var parts = ["owner: \(viewModel.ownerLabel) (o)", "source: \(viewModel.source?.rawValue ?? "any") (f)",
                     "product: \(viewModel.product?.name ?? "any") (p)"]
        if let attribute = viewModel.attributeLabel { parts.insert("\(attribute) (f)", at: 2) }
        if let search = viewModel.search { parts.append("search: \"\(search)\" (esc clears)") }
        if !viewModel.marked.isEmpty { parts.append("\(viewModel.marked.count) marked") }
        let position = viewModel.total == 0 ? "0"
            : "\(Format.grouped(viewModel.selected + 1))/\(Format.grouped(viewModel.total))\(viewModel.totalIsExact ? "" : "+")"
        let right = " lead \(position) "
        let width = DisplayWidth.width(of: right) < rect.width / 2 ? DisplayWidth.width(of: right) : 0
        _ = buffer.put(" " + parts.joined(separator: "  ·  "), at: Point(x: rect.x, y: rect.y), maxWidth: rect.width - width, style: Style(.muted))
        if width > 0 {
            _ = buffer.put(right, at: Point(x: rect.x + rect.width - width, y: rect.y), style: Style(.muted))
        }
    }

    func renderDetail(_ detail: LeadDetail, into buffer: inout CellBuffer, in rect: Rect) {
        let lead = detail.item.lead
        var lines: [String] = []
        lines.append("\(lead.name ?? lead.externalId ?? "(no name)")   #\(detail.item.id)   \(lead.status.rawValue)   score \(detail.explanation.score) · grade \(detail.explanation.grade.rawValue) (\(detail.explanation.grade.temperature))"
                     + (detail.staleStoredScore.map { "   (the list's \($0) was scored before its points decayed)" } ?? ""))
        lines.append("")
        for (label, value) in [("Email", lead.email), ("Phone", lead.phone), ("Company", lead.company), ("Source", lead.source.rawValue),
                               ("Owner", detail.item.ownerName ?? "unassigned"), ("Product", detail.item.productName), ("Reason", lead.statusReason),
                               ("Created", Self.dayFormatter.string(from: lead.createdAt)), ("External id", detail.externalId)] {
            if let value { lines.append("\(label.padding(toLength: 12, withPad: " ", startingAt: 0))\(value)") }
        }
        lines += Self.attributeLines(detail.attributes, width: rect.width - 8)
        lines.append("")
        lines.append("Why the score is \(detail.explanation.score):" + (detail.explanation.origin.map { "   \($0)" } ?? "   the rules"))
        for rule in detail.explanation.rules {
            lines.append(String(format: "  %+4d  ", rule.points) + rule.label)
        }
        lines.append(String(format: "  %4d  total", detail.explanation.score))
        if !detail.duplicates.isEmpty {
            lines.append("")
            lines.append("Possible duplicates (same email or phone):")
            for duplicate in detail.duplicates {
                lines.append("  #\(duplicate.id ?? 0)  \(duplicate.name ?? "")  \(duplicate.email ?? duplicate.phone ?? "")  \(duplicate.status.rawValue)")
            }
        }
        lines.append("")
        lines.append("Timeline (newest first):")
        for entry in detail.timeline.prefix(200) {
            lines.append("  \(PromptBox.timeFormatter.string(from: entry.at))  \(entry.who): \(entry.what)")
        }
        detailOverlay.render(lines: lines, title: "Lead #\(detail.item.id)", into: &buffer, in: rect)
    }

    /// The detail's attributes, in the organization's order: names aligned (at most 24 cells),
    /// each value on one line (its line breaks as spaces) cut to `width` cells with an ellipsis.
    static func attributeLines(_ attributes: [AttributeEntry], width: Int) -> [String] {
        guard !attributes.isEmpty else { return [] }
        let nameWidth = min(24, attributes.map { DisplayWidth.width(of: TextLayout.sanitized($0.name)) }.max() ?? 0)
        let valueWidth = max(8, width - nameWidth - 4)
        return ["", "Attributes:"] + attributes.map { entry in
            let value = entry.value.description.replacingOccurrences(of: "\r\n", with: " ")
                .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            return "  " + TextLayout.fit(entry.name, width: nameWidth) + "  " + TextLayout.truncate(value, to: valueWidth)
        }
    }

    func renderPrompt(into buffer: inout CellBuffer, in rect: Rect) {
        switch prompt {
        case nil: return
        case .search(let field): PromptBox.field(field, title: "Search", into: &buffer, in: rect)
        case .reason(let field, let status, let target):
            PromptBox.field(field, title: "\(target.label) \(status.rawValue): why?", into: &buffer, in: rect)
        case .user(let picker, _, _): picker.render(into: &buffer, in: rect)
        case .status(let picker, _): picker.render(into: &buffer, in: rect)
        case .logKind(let picker, _): picker.render(into: &buffer, in: rect)
        case .note(let field, let kind, let target):
            PromptBox.field(field, title: "Note for the \(kind.rawValue) on \(target.label)", into: &buffer, in: rect)
        case .convert(let form, _, let target):
            PromptBox.form(form, title: "Convert \(target.label) into a contact and a deal", width: 70, top: 2, into: &buffer, in: rect)
        case .merge(let dialog, _, _): dialog.render(into: &buffer, in: rect)
        case .sourceFilter(let picker, _), .attributeValue(let picker, _), .productFilter(let picker, _): picker.render(into: &buffer, in: rect)
        case .leadForm(let form, let editing):
            PromptBox.form(form, title: editing.map { "Edit \($0.label)" } ?? "New lead", into: &buffer, in: rect)
        }
    }


    static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }()

}

/// The visible rows of the leads table, formatted from the view-model's loaded window.
enum LeadRowSource {
    /// The rows of `range`, formatted now (the table asks only for the visible window).
    @MainActor
    static func visible(viewModel: LeadTriageViewModel, range: Range<Int>, now: Date) -> WindowRows {
        var cells: [Int: [String]] = [:]
        for index in range {
            guard let item = viewModel.row(at: index) else { continue }
            let lead = item.lead
            let grade = viewModel.scorer.grade(for: lead.score).rawValue
            cells[index] = [
                ScoreBar(lead.score).text(width: 11) + " " + grade,
                // A lead imported by its key alone is named by it (`bank-full.csv:153`).
                lead.name ?? lead.externalId ?? "", lead.email ?? lead.phone ?? "", lead.company ?? "",
                lead.source.rawValue.replacingOccurrences(of: "_", with: " "), lead.status.rawValue,
                item.ownerName ?? "—", item.productName ?? "",
                age(from: lead.createdAt, to: now), lead.lastActionAt.map { age(from: $0, to: now) } ?? "—",
                String(item.id),
            ]
        }
        return WindowRows(total: viewModel.total, cells: cells)
    }

    /// "now", "40m", "5h", "3d", "5w", "4mo", "2y": how long ago, as k9s shows ages.
    static func age(from date: Date, to now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        let days = Int(seconds / 86_400)
        switch days {
        case ..<1:
            let minutes = Int(seconds / 60)
            return minutes < 1 ? "now" : minutes < 60 ? "\(minutes)m" : "\(minutes / 60)h"
        case ..<14: return "\(days)d"
        case ..<60: return "\(days / 7)w"
        case ..<730: return "\(days / 30)mo"
        default: return "\(days / 365)y"
        }
    }
}
