import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel deals`: the pipeline for scripts: list, show, move, win, lose, forecast.
struct DealsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deals",
        abstract: "List, show, move, win and lose deals; the forecast by close month.",
        subcommands: [List.self, Show.self, Move.self, Win.self, Lose.self, Forecast.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The organization's deals, soonest close date first (or --sort).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var filters: DealFilterOptions
        @Option(help: "close, value, age (days in stage) or title.") var sort: String = "close"
        @Flag(help: "The other direction (value is largest first, the others smallest first).") var reverse = false
        @Option(help: "At most this many deals.") var limit: Int = 50
        @Option(help: "table, json or csv") var format: OutputFormat = .table

        func validate() throws {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit needs 1 to 1000000") }
            guard DealSort(rawValue: sort) != nil else {
                throw ValidationError("--sort must be one of: " + DealSort.allCases.map(\.rawValue).joined(separator: ", "))
            }
            try filters.validate()
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = PipelineService(database: db)
            let filter = try filters.filter(service: service, session: session)
            let order = DealSort(rawValue: sort) ?? .closeDate
            let descending = order.naturalDescending != reverse
            var printer = DataPrinter(columns: ["id", "title", "stage", "value", "probability", "weighted", "close date", "contact", "company",
                                               "owner", "product", "days in stage", "flags"])
            var key: DealPageKey?
            var remaining = limit
            while remaining > 0 {
                let page = try service.list(filter, sort: order, descending: descending, after: key, limit: min(remaining, 500), in: session)
                for item in page {
                    let deal = item.deal
                    let health = service.health(of: item, in: session)
                    let flags = DealsCommand.flags(health)
                    let weighted = DealsCommand.weighted(deal)
                    printer.add(
                        ["\(item.id)", deal.title, deal.stage.rawValue, DealsCommand.money(deal.value, format), "\(deal.probability)" + (format == .table ? "%" : ""),
                         DealsCommand.money(weighted, format), deal.closeDate ?? "", item.contactName ?? "", item.company ?? "",
                         item.ownerName ?? "", item.productName ?? "", "\(health.daysInStage)", flags.joined(separator: " ")],
                        json: ["id": item.id, "title": deal.title, "stage": deal.stage.rawValue,
                               "value": DealsCommand.dollars(deal.value), "value_cents": deal.value, "probability": deal.probability,
                               "weighted": DealsCommand.dollars(weighted), "weighted_cents": weighted, "close_date": deal.closeDate as Any,
                               "contact": item.contactName as Any, "company": item.company as Any, "owner": item.ownerName as Any,
                               "product": item.productName as Any, "days_in_stage": health.daysInStage, "flags": flags,
                               "external_ref": deal.externalRef as Any])
                }
                remaining -= page.count
                guard !page.isEmpty, let last = page.last else { break }
                key = last.pageKey(order)
            }
            printer.print(format)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One deal: its fields, its contact and its history.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The deal's id.") var id: Int64
        @Option(help: "table or json") var format: OutputFormat = .table

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = PipelineService(database: db)
            let detail = try service.detail(dealId: id, in: session)
            let deal = detail.item.deal
            let health = service.health(of: detail.item, in: session)
            let names = Dictionary((try? service.owners(in: session))?.compactMap { user in user.id.map { ($0, user.name) } } ?? []) { first, _ in first }
            let weighted = DealsCommand.weighted(deal)
            if format == .json {
                var contact: Any = NSNull()
                if let person = detail.contact {
                    contact = ["id": person.id as Any, "name": person.name, "email": person.email as Any, "phone": person.phone as Any,
                               "company": person.company as Any, "metadata": DealsCommand.jsonObject(person.metadata)]
                }
                let object: [String: Any] = [
                    "id": id, "title": deal.title, "stage": deal.stage.rawValue, "value": DealsCommand.dollars(deal.value), "value_cents": deal.value,
                    "probability": deal.probability, "probability_is_manual": deal.probabilityIsManual,
                    "weighted": DealsCommand.dollars(weighted), "weighted_cents": weighted,
                    "close_date": deal.closeDate as Any, "lost_reason": deal.lostReason?.rawValue as Any,
                    "owner": detail.item.ownerName as Any, "product": detail.item.productName as Any, "external_ref": deal.externalRef as Any,
                    "days_in_stage": health.daysInStage, "flags": DealsCommand.flags(health),
                    "created_at": DealsCommand.iso(deal.createdAt), "stage_changed_at": DealsCommand.iso(deal.stageChangedAt),
                    "contact": contact,
                    "history": detail.history.map { activity in
                        ["action": activity.action, "at": DealsCommand.iso(activity.createdAt), "user_id": activity.userId as Any,
                         "user": activity.userId.flatMap { names[$0] } as Any, "metadata": DealsCommand.jsonObject(activity.metadata)] as [String: Any]
                    },
                    "timeline": detail.timeline.map { ["at": DealsCommand.iso($0.at), "who": $0.who, "what": $0.what] },
                ]
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("\(deal.title)  #\(id)  \(deal.stage.rawValue)  \(Money.text(cents: deal.value))  \(deal.probability)%\(deal.probabilityIsManual ? " (set by hand)" : "")")
            let flags = DealsCommand.flags(health)
            for (label, value) in [
                ("weighted", Money.text(cents: weighted)), ("close", deal.closeDate), ("owner", detail.item.ownerName),
                ("product", detail.item.productName), ("reason", deal.lostReason?.label), ("ref", deal.externalRef),
                ("in stage", "\(health.daysInStage) days" + (flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))")),
            ] {
                if let value { print("  \(label.padding(toLength: 9, withPad: " ", startingAt: 0)) \(value)") }
            }
            if let contact = detail.contact {
                print("Contact: \(contact.name)  #\(contact.id ?? 0)")
                for (label, value) in [("company", contact.company), ("email", contact.email), ("phone", contact.phone)] {
                    if let value { print("  \(label.padding(toLength: 9, withPad: " ", startingAt: 0)) \(value)") }
                }
            } else {
                print("Contact: none")
            }
            // The same story as the Pipeline's detail: the deal's, its contact's and its lead's.
            print("History (newest first):")
            if detail.timeline.isEmpty { print("  nothing yet") }
            for entry in detail.timeline.prefix(50) {
                print("  \(LeadsCommand.Show.moment(entry.at))  \(entry.who): \(entry.what)")
            }
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a deal to an open stage, or `next`/`previous` stage (reopens a closed deal).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The deal's id.") var id: Int64
        @Argument(help: "prospecting, qualification, proposal, negotiation, next or previous.") var stage: String

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = PipelineService(database: db)
            switch stage.lowercased() {
            case "next": print(try service.advance(id, by: 1, in: session).summary)
            case "previous", "prev": print(try service.advance(id, by: -1, in: session).summary)
            default:
                print(try service.move(id, to: try DealsCommand.stage(stage, allowing: ["next", "previous"]), in: session).summary)
            }
        }
    }

    struct Win: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a deal as won (probability 100, closed today).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The deal's id.") var id: Int64

        func run() throws {
            let (db, session) = try database.choice.signIn()
            print(try PipelineService(database: db).win(id, in: session).summary)
        }
    }

    struct Lose: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a deal as lost, with a reason.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The deal's id.") var id: Int64
        @Option(help: "pricing, competition, budget, timing, no_decision or other (required).") var reason: String?
        @Option(help: "What happened.") var note: String?

        func run() throws {
            var lostReason: LostReason?
            if let reason {
                guard let known = LostReason(rawValue: reason.lowercased().replacingOccurrences(of: " ", with: "_")) else {
                    throw CLIError("unknown reason \"\(reason)\": use one of " + LostReason.allCases.map(\.rawValue).joined(separator: ", "))
                }
                lostReason = known
            }
            let (db, session) = try database.choice.signIn()
            // Without a reason the service refuses, naming the reasons.
            print(try PipelineService(database: db).lose(id, reason: lostReason, note: note, in: session).summary)
        }
    }

    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open, weighted, won and lost value by close month, with a total.",
            discussion: """
                Open deals whose close month has passed (before --from and before this month) come first,
                as `overdue`: they are still expected to close. The Pipeline pane's forecast (F) counts
                them the same way, so both count every open deal up to their last month.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var filters: DealFilterOptions
        @Option(help: "How many months (1 to 60).") var months: Int = 6
        @Option(help: ArgumentHelp("The first month (default: this month).", valueName: "YYYY-MM")) var from: String?
        @Option(help: "table, json or csv") var format: OutputFormat = .table

        func validate() throws {
            guard (1...60).contains(months) else { throw ValidationError("--months needs 1 to 60") }
            if let from, !DealFilterOptions.isMonth(from) { throw ValidationError("--from needs a month as YYYY-MM, like 2026-03") }
            try filters.validate()
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = PipelineService(database: db)
            let filter = try filters.filter(service: service, session: session)
            let first = from ?? String(service.today.prefix(7))
            let forecast = try service.forecastReport(filter, firstMonth: first, months: months, in: session)
            var printer = DataPrinter(columns: ["month", "open deals", "open value", "weighted value", "won value", "lost value"])
            func add(_ month: ForecastMonth) {
                printer.add(
                    [month.month, "\(month.openDeals)", DealsCommand.money(month.openValue, format), DealsCommand.money(month.weightedValue, format),
                     DealsCommand.money(month.wonValue, format), DealsCommand.money(month.lostValue, format)],
                    json: ["month": month.month, "open_deals": month.openDeals,
                           "open_value": DealsCommand.dollars(month.openValue), "open_value_cents": month.openValue,
                           "weighted_value": DealsCommand.dollars(month.weightedValue), "weighted_value_cents": month.weightedValue,
                           "won_deals": month.wonDeals, "won_value": DealsCommand.dollars(month.wonValue), "won_value_cents": month.wonValue,
                           "lost_deals": month.lostDeals, "lost_value": DealsCommand.dollars(month.lostValue), "lost_value_cents": month.lostValue])
            }
            for row in forecast.rows { add(row) }
            add(forecast.total)
            printer.print(format)
        }
    }

    // MARK: - Helpers

    /// A stage by name (`won` and `lost` included; the service says how to close a deal).
    static func stage(_ text: String, allowing extra: [String] = []) throws -> DealStage {
        guard let stage = DealStage(rawValue: text.lowercased()) else {
            throw CLIError("unknown stage \"\(text)\": use one of " + (DealStage.allCases.map(\.rawValue) + extra).joined(separator: ", "))
        }
        return stage
    }

    /// A deal's value x probability, in cents (as the store's totals compute it).
    static func weighted(_ deal: Deal) -> Int64 { deal.value * Int64(deal.probability) / 100 }

    /// Cents as dollars for JSON.
    static func dollars(_ cents: Int64) -> Double { Double(cents) / 100 }

    /// Money for a table (`$12,500`) or a CSV file (`12500.00`).
    static func money(_ cents: Int64, _ format: OutputFormat) -> String {
        format == .table ? Money.text(cents: cents) : String(format: "%lld.%02lld", cents / 100, abs(cents % 100))
    }

    static func flags(_ health: DealHealth) -> [String] {
        (health.isOverdue ? ["overdue"] : []) + (health.isStale ? ["stale"] : [])
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func jsonObject(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]()
    }
}

/// The filters `deals list` and `deals forecast` share.
struct DealFilterOptions: ParsableArguments {
    @Option(help: "Only deals in this stage (prospecting, qualification, proposal, negotiation, won, lost).") var stage: String?
    @Option(help: "Only deals of this owner: an email, `me` or `none`.") var owner: String?
    @Option(help: "Only deals of this product (its name).") var product: String?
    @Option(help: ArgumentHelp("Only deals closing in this month.", valueName: "YYYY-MM")) var month: String?
    @Option(help: "Only deals matching these words (title; contact's name, email, company).") var search: String?

    func validate() throws {
        if let month, !Self.isMonth(month) { throw ValidationError("--month needs a month as YYYY-MM, like 2026-03") }
    }

    /// `YYYY-MM` with a month from 01 to 12.
    static func isMonth(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]) else { return false }
        return year >= 1900 && (1...12).contains(month)
    }

    /// The filter, with the owner and product looked up in the organization.
    func filter(service: PipelineService, session: Session) throws -> DealFilter {
        var filter = DealFilter(closeMonth: month, search: search)
        if let stage { filter.stage = try DealsCommand.stage(stage) }
        if let owner {
            switch owner.lowercased() {
            case "me", "mine": filter.owner = .user(session.userId)
            case "none", "nobody", "unassigned": filter.owner = .unassigned
            default:
                let users = try service.owners(in: session)
                let wanted = owner.lowercased()
                guard let user = users.first(where: { $0.email == EmailAddress.normalized(owner) }) ?? users.first(where: { $0.name.lowercased() == wanted }) else {
                    throw ServiceError.unknownUser(owner)
                }
                filter.owner = .user(user.id ?? 0)
            }
        }
        if let product {
            let products = try service.products(in: session)
            let key = { (name: String) in String(name.lowercased().filter { !$0.isWhitespace }) }
            guard let match = products.first(where: { $0.name.lowercased() == product.lowercased() }) ?? products.first(where: { key($0.name) == key(product) }) else {
                throw CLIError("no product named \(product) (products: \(products.map(\.name).joined(separator: ", ")))")
            }
            filter.productId = match.id
        }
        return filter
    }
}
