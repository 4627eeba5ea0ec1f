import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

extension LeadStatus: ExpressibleByArgument {}
extension LeadSource: ExpressibleByArgument {}

/// `funnel leads`: the triage of the Leads pane, for scripts.
struct LeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads",
        abstract: "List, show, assign and set the status of leads; rescore them.",
        subcommands: [List.self, Show.self, Assign.self, Status.self, Log.self, Merge.self, Convert.self, Score.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The organization's leads, best score first.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only leads in this status.") var status: LeadStatus?
        @Option(help: "Only leads of this owner: an email, `me` or `unassigned`.") var owner: String?
        @Option(help: "Only leads from this source.") var source: LeadSource?
        @Option(help: "Only leads matching these words (name, email, company).") var search: String?
        @Option(help: "At most this many leads.") var limit: Int = 50
        @Option(help: "table, json or csv") var format: OutputFormat = .table

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit needs 1 to 100000") }
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let filter = LeadFilter(status: status, owner: try LeadsCommand.owner(owner, db: db, session: session), source: source, search: search)
            let service = LeadService(database: db)
            var printer = DataPrinter(columns: ["id", "score", "grade", "name", "email", "company", "source", "status", "owner", "product", "created", "last action"])
            let model = ScoringService(database: db).model(for: session)
            var key: LeadPageKey?
            var remaining = limit
            while remaining > 0 {
                let page = try service.list(filter, after: key, limit: min(remaining, 1_000), in: session)
                for item in page {
                    let lead = item.lead
                    let grade = model.grade(for: lead.score).rawValue
                    printer.add(
                        ["\(item.id)", "\(lead.score)", grade, lead.name ?? lead.externalId ?? "", lead.email ?? lead.phone ?? "", lead.company ?? "", lead.source.rawValue,
                         lead.status.rawValue, item.ownerName ?? "", item.productName ?? "", Self.day(lead.createdAt), lead.lastActionAt.map(Self.day) ?? ""],
                        json: ["id": item.id, "score": lead.score, "grade": grade, "name": lead.name as Any, "email": lead.email as Any,
                               "company": lead.company as Any, "source": lead.source.rawValue, "status": lead.status.rawValue,
                               "owner": item.ownerName as Any, "product": item.productName as Any,
                               "created_at": ISO8601DateFormatter().string(from: lead.createdAt),
                               "last_action_at": lead.lastActionAt.map { ISO8601DateFormatter().string(from: $0) } as Any])
                }
                remaining -= page.count
                guard page.count > 0, let last = page.last else { break }
                key = last.pageKey
            }
            printer.print(format)
        }

        static func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }
    }

    struct Show: ParsableCommand {
        /// `2026-12-02 16:20` in the user's time zone.
        static func moment(_ date: Date) -> String { momentFormatter.string(from: date) }

        static let momentFormatter: DateFormatter = {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            return formatter
        }()

        static let configuration = CommandConfiguration(abstract: "One lead: every field and attribute, the score explained, its timeline and duplicates.")

        /// An attribute's value in JSON, typed: a string, a number, a `YYYY-MM-DD` string, true or false.
        static func json(_ value: AttributeValue) -> Any {
            switch value {
            case .text(let text), .date(let text): return text
            case .number(let number):
                return number.rounded() == number && abs(number) < 1e15 ? Int64(number) as Any : number as Any
            case .yesNo(let yes): return yes
            }
        }
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The lead's id.") var id: Int64
        @Option(help: "table or json") var format: OutputFormat = .table

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let detail = try LeadService(database: db).detail(leadId: id, in: session)
            let lead = detail.item.lead
            if format == .json {
                let object: [String: Any] = [
                    "id": id, "name": lead.name as Any, "email": lead.email as Any, "phone": lead.phone as Any,
                    "company": lead.company as Any, "source": lead.source.rawValue, "status": lead.status.rawValue,
                    "score": detail.explanation.score, "stored_score": lead.score, "grade": detail.explanation.grade.rawValue,
                    "owner": detail.item.ownerName as Any, "product": detail.item.productName as Any,
                    "score_model": detail.explanation.origin ?? "rules",
                    "explanation": detail.explanation.rules.map { ["rule": $0.label, "points": $0.points, "group": $0.group.rawValue] },
                    "actions": detail.actions.map { ["type": $0.actionType.rawValue, "at": ISO8601DateFormatter().string(from: $0.createdAt)] },
                    "duplicates": detail.duplicates.compactMap(\.id),
                    "version": lead.version, "reason": lead.statusReason as Any,
                    "timeline": detail.timeline.map { ["at": ISO8601DateFormatter().string(from: $0.at), "who": $0.who, "what": $0.what] },
                    "external_id": detail.externalId as Any,
                    "attributes": Dictionary(detail.attributes.map { ($0.name, Self.json($0.value)) }, uniquingKeysWith: { first, _ in first }),
                ]
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("\(lead.name ?? lead.externalId ?? "(no name)")  #\(id)  \(lead.status.rawValue)  score \(detail.explanation.score) (\(detail.explanation.grade.rawValue), \(detail.explanation.grade.temperature))"
                  + (detail.staleStoredScore.map { "  (stored \($0), scored before its points decayed)" } ?? ""))
            for (label, value) in [("email", lead.email), ("phone", lead.phone), ("company", lead.company), ("source", lead.source.rawValue),
                                   ("owner", detail.item.ownerName), ("product", detail.item.productName), ("reason", lead.statusReason),
                                   ("external id", detail.externalId)] {
                if let value { print("  \(label.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value)") }
            }
            if !detail.attributes.isEmpty {
                // Names aligned (up to 24 characters); a value's line breaks shown as \n, on one line.
                print("Attributes:")
                let width = min(24, detail.attributes.map(\.name.count).max() ?? 0)
                for entry in detail.attributes {
                    let name = entry.name.count < width ? entry.name.padding(toLength: width, withPad: " ", startingAt: 0) : entry.name
                    print("  \(TerminalText.escaped(name, keepingLineBreaks: false))  \(TerminalText.escaped(entry.value.description, keepingLineBreaks: false))")
                }
            }
            print("Score:" + (detail.explanation.origin.map { " \($0)" } ?? " the rules (docs/scoring.md)"))
            for rule in detail.explanation.rules {
                print("  \(String(format: "%+4d", rule.points))  \(rule.label)")
            }
            print("  \(String(format: "%4d", detail.explanation.score))  total")
            print("Timeline (newest first):")
            for entry in detail.timeline.prefix(50) {
                print("  \(Show.moment(entry.at))  \(entry.who): \(entry.what)")
            }
            if detail.timeline.count > 50 { print("  … \(detail.timeline.count - 50) earlier (--format json lists them all)") }
            if !detail.duplicates.isEmpty {
                print("Duplicates (same email or phone): " + detail.duplicates.map { "#\($0.id ?? 0) \($0.name ?? "")" }.joined(separator: ", "))
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign leads to a user (`me`, an email or a name, or `nobody`).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Who: `me`, an active user's email or name, or `nobody`.") var to: String
        @Argument(help: "Lead ids.") var ids: [Int64]

        func run() throws {
            let (db, session) = try database.choice.signIn()
            // The assignee is read among the users the Leads pane's `A` offers, under leads.assign.
            let service = LeadService(database: db)
            let target = try service.assignee(to, in: session)
            print(try service.assign(ids, to: target?.id, in: session).summary)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the status of leads (unqualified and lost need --reason).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "new, contacted, qualified, unqualified, converted or lost.") var status: LeadStatus
        @Argument(help: "Lead ids.") var ids: [Int64]
        @Option(help: "Why (required for unqualified and lost).") var reason: String?

        func run() throws {
            let (db, session) = try database.choice.signIn()
            print(try LeadService(database: db).setStatus(ids, to: status, reason: reason, in: session).summary)
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log an action on a lead, now or at the time it happened (the lead is rescored at once).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The lead's id.") var id: Int64
        @Option(help: ArgumentHelp("The action type: \(LeadActionType.allCases.map(\.rawValue).joined(separator: ", ")) (email is email_sent).",
                                   valueName: "type")) var type: String
        @Option(help: ArgumentHelp("When it happened (default now; not in the future): 2026-03-14, 2026-03-14 09:30 (local time) or 2026-03-14T09:30:00Z.",
                                   valueName: "time")) var at: String?
        @Option(help: "What was said or done.") var note: String?

        func validate() throws {
            do {
                _ = try LeadService.actionType(type)
                _ = try at.map { try LeadService.actionTime($0) }
            } catch let error as ServiceError {
                throw ValidationError("--\(error.description)")
            }
        }

        func run() throws {
            let type = try LeadService.actionType(type)
            let time = try at.map { try LeadService.actionTime($0) }
            let (db, session) = try database.choice.signIn()
            print(try LeadService(database: db).logAction(type, note: note, at: time, on: id, in: session).summary)
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge duplicate leads into a survivor (their actions and history move to it).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The lead that stays.") var survivor: Int64
        @Argument(help: "The leads merged into it.") var others: [Int64]

        func run() throws {
            let (db, session) = try database.choice.signIn()
            print(try LeadService(database: db).merge(others, into: survivor, in: session).summary)
        }
    }

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Convert a lead into a contact and a deal, in one transaction.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The lead's id.") var id: Int64
        @Option(help: "The deal's value in dollars.") var value: Double
        @Option(help: "The product's name.") var product: String?

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = LeadService(database: db)
            var productId: Int64?
            if let product {
                let products = try service.products(in: session)
                guard let match = products.first(where: { $0.name.lowercased() == product.lowercased() }) else {
                    throw ServiceError.invalid(field: "--product", problem: "no product named \(product) (products: \(products.map(\.name).joined(separator: ", ")))")
                }
                productId = match.id
            }
            guard value >= 0, value < 1e12 else { throw ValidationError("--value needs 0 or more dollars") }
            print(try service.convert(id, productId: productId, valueCents: Int64((value * 100).rounded()), in: session).summary)
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rescore leads: one (`ID`) or every lead (`--all`), with progress.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A lead id.") var id: Int64?
        @Flag(help: "Rescore every lead of the organization.") var all = false

        func validate() throws {
            guard (id == nil) == all else { throw ValidationError("give a lead id or --all") }
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let scoring = ScoringService(database: db)
            if let id {
                print("Lead #\(id): score \(try scoring.rescore(leadId: id, in: session))")
                return
            }
            let bar = ProgressBar(enabled: Prompt.canDrawProgress, unit: "leads")
            let start = Date()
            let result = try scoring.rescoreAll(in: session) { done, total in
                bar.update(phase: "scoring", done: done, total: total)
                return true
            }
            bar.finish()
            let seconds = Date().timeIntervalSince(start)
            print("Rescored \(result.leadsScanned) leads in \(String(format: "%.2f", seconds)) s (\(Int(Double(result.leadsScanned) / max(seconds, 0.001))) leads/s); \(result.scoresChanged) scores changed.")
        }
    }

    /// The owner filter from `--owner`.
    static func owner(_ text: String?, db: any Store, session: Session) throws -> LeadFilter.Owner {
        guard let text else { return .anyone }
        switch text {
        case "me", "mine": return .user(session.userId)
        case "unassigned", "nobody": return .unassigned
        default: return .user(try userID(email: text, db: db, session: session))
        }
    }

    /// The id of the organization's user with this email.
    static func userID(email: String, db: any Store, session: Session) throws -> Int64 {
        guard let user = try IdentityService(database: db).users(in: session).first(where: { $0.user.email == EmailAddress.normalized(email) }) else {
            throw ServiceError.unknownUser(email)
        }
        return user.user.id ?? 0
    }
}

/// `funnel score`: rescore leads (the default), learn a model from the organization's outcomes,
/// switch between it and the rules, list the models.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Rescore leads, or learn a score from the organization's outcomes and use it.",
        discussion: """
            funnel score --all             rescore every lead with the model in force
            funnel score learn             learn a model (stored as the next version; --apply uses it)
            funnel score use rules|N       score with the rules, or with learned model vN
            funnel score models            the learned models and which is in force
            """,
        subcommands: [Rescore.self, Learn.self, Use.self, Models.self],
        defaultSubcommand: Rescore.self
    )

    struct Rescore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rescore", abstract: "Rescore leads (`--all` for every lead of the organization, with progress).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A lead id.") var id: Int64?
        @Flag(help: "Rescore every lead of the organization.") var all = false

        func validate() throws {
            guard (id == nil) == all else { throw ValidationError("give a lead id or --all") }
        }

        func run() throws {
            var command = LeadsCommand.Score()
            command.database = database
            command.id = id
            command.all = all
            try command.run()
        }
    }

    struct Learn: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn a score from the leads with an outcome (administrators); stored as the next model version.",
            discussion: """
                Fits a regularised logistic regression on the leads whose status is an outcome (converted against \
                lost and unqualified), with the source, email kind, phone, company, product, every attribute that may \
                be a scoring feature, and the actions by type (decayed by the organization's half-life). Prints the \
                cross-validated AUC of the model and of the rules on the same leads, the calibration by tenth and the \
                strongest factors. --apply also switches the organization to it and rescores every lead. docs/scoring.md.
                """)
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Use the learned model at once (an activity; `funnel score use rules` goes back).") var apply = false
        @Option(help: "The statuses that count as converted (comma-separated).") var converted = "converted"
        @Option(name: .customLong("not-converted"), help: "The statuses that count as not converted (comma-separated).") var notConverted = "lost,unqualified"
        @Option(help: "Cross-validation folds.") var folds = 5
        @Option(help: "The inverse of the L2 penalty (scikit-learn's C).") var penalty = 1.0
        @Option(help: "table or json") var format: OutputFormat = .table

        func validate() throws {
            _ = try Self.statuses(converted, option: "--converted")
            _ = try Self.statuses(notConverted, option: "--not-converted")
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            var options = ScoreLearningOptions()
            options.positive = try Self.statuses(converted, option: "--converted")
            options.negative = try Self.statuses(notConverted, option: "--not-converted")
            options.folds = folds
            options.penalty = penalty
            let bar = ProgressBar(enabled: Prompt.canDrawProgress, unit: "leads")
            let (_, report) = try ScoringService(database: db).learn(options, apply: apply, in: session) { step in
                switch step {
                case .reading(let done, let total): bar.update(phase: "reading", done: done, total: total)
                case .fitting(let fold, let of): bar.update(phase: fold == of ? "fitting the model" : "cross-validating", done: fold, total: of)
                }
                return true
            }
            bar.finish()
            let model = report.model
            if format == .json {
                let object: [String: Any] = [
                    "version": report.version, "applied": report.applied, "cv_auc": model.cvAUC, "rules_cv_auc": model.rulesCvAUC as Any,
                    "ranking_warning": model.rankingWarning as Any,
                    "fold_auc": report.foldAUCs, "rules_fold_auc": report.rulesFoldAUCs,
                    "outcomes": model.outcomes, "converted": model.converted, "base_rate": model.baseRate, "folds": model.folds,
                    "features": report.featureLabels, "excluded_attributes": report.excludedAttributes,
                    "calibration": model.calibration.map { ["decile": $0.decile, "leads": $0.leads, "predicted": $0.predicted, "observed": $0.observed] },
                    "factors": report.strongestFactors().map { ["factor": $0.label, "weight": $0.weight, "odds_ratio": exp($0.weight)] },
                    "grades": ["a": model.gradeA, "b": model.gradeB, "c": model.gradeC],
                    "seconds": report.seconds,
                ]
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print(model.origin(version: report.version))
            print("Outcomes: \(grouped(model.outcomes)) (\(grouped(model.converted)) converted, \(String(format: "%.1f", 100 * model.baseRate))%), \(model.folds)-fold cross-validation")
            print("AUC: learned \(String(format: "%.3f", model.cvAUC)), rules \(model.rulesCvAUC.map { String(format: "%.3f", $0) } ?? "-") on the same leads")
            if let warning = model.rankingWarning { print("Warning: \(warning).") }
            print("Features: \(model.features.count)" + (report.excludedAttributes.isEmpty ? "" : "; not used (no scoring feature): \(report.excludedAttributes.joined(separator: ", "))"))
            print("")
            print("Calibration (by tenth of the predictions): decile, leads, predicted, observed")
            for band in model.calibration {
                print(String(format: "  %2d  %7d  %5.1f%%  %5.1f%%", band.decile, band.leads, 100 * band.predicted, 100 * band.observed))
            }
            print("")
            print("Strongest factors (odds multiplied by):")
            for factor in report.strongestFactors() {
                print(String(format: "  %6.2f×  ", exp(factor.weight)) + factor.label)
            }
            print("")
            print("Grades: A >= \(model.gradeA), B >= \(model.gradeB), C >= \(model.gradeC) (twice, once and half the conversion rate)")
            if report.applied, let rescored = report.rescored {
                print("In force now: \(rescored.leadsScanned) leads rescored, \(rescored.scoresChanged) scores changed. `funnel score use rules` goes back.")
            } else {
                print("Stored as v\(report.version), not in force: `funnel score use \(report.version)` uses it.")
            }
            print("Took \(String(format: "%.1f", report.seconds)) s.")
        }

        func grouped(_ number: Int) -> String {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.locale = Locale(identifier: "en_US")
            return formatter.string(from: NSNumber(value: number)) ?? String(number)
        }

        static func statuses(_ text: String, option: String) throws -> Set<LeadStatus> {
            var statuses = Set<LeadStatus>()
            for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let status = LeadStatus(rawValue: name) else {
                    throw ValidationError("\(option): \"\(name)\" is not a lead status (\(LeadStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                statuses.insert(status)
            }
            return statuses
        }
    }

    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score with the rules (`rules`) or a learned model (its version), as an activity; every lead is rescored.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "`rules`, a model's version (`2` or `v2`), or `latest`.") var model: String

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = ScoringService(database: db)
            var version: Int?
            switch model.lowercased() {
            case "rules": version = nil
            case "latest":
                guard let latest = try service.models(in: session).first else { throw ValidationError("no model learned yet: `funnel score learn`") }
                version = latest.version
            default:
                guard let number = Int(model.lowercased().hasPrefix("v") ? String(model.dropFirst()) : model) else {
                    throw ValidationError("\"\(model)\" is not `rules`, `latest` or a model version")
                }
                version = number
            }
            let bar = ProgressBar(enabled: Prompt.canDrawProgress, unit: "leads")
            let (_, result) = try service.use(version: version, in: session) { done, total in
                bar.update(phase: "rescoring", done: done, total: total)
                return true
            }
            bar.finish()
            print((version.map { "Scoring with learned model v\($0)" } ?? "Scoring with the rules")
                  + "; \(result.leadsScanned) leads rescored, \(result.scoresChanged) scores changed.")
        }
    }

    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The organization's learned models, newest first, and which is in force.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "table or json") var format: OutputFormat = .table

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = ScoringService(database: db)
            let models = try service.models(in: session)
            let inForce = try service.scorer(for: session).learned?.version
            if format == .json {
                let objects: [[String: Any]] = models.map {
                    ["version": $0.version, "learned_at": ISO8601DateFormatter().string(from: $0.createdAt), "outcomes": $0.outcomes,
                     "converted": $0.converted, "cv_auc": $0.cvAUC, "rules_cv_auc": $0.rulesCvAUC as Any, "in_force": $0.version == inForce]
                }
                let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print(inForce.map { "In force: learned model v\($0) (the rules are the fallback)." } ?? "In force: the rules.")
            if models.isEmpty {
                print("No model learned yet: `funnel score learn`.")
                return
            }
            print("version  learned at            outcomes  converted  CV AUC  rules")
            for model in models {
                let when = ISO8601DateFormatter().string(from: model.createdAt).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
                let name = "v\(model.version)\(model.version == inForce ? "*" : "")"
                print(name.padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + when.padding(toLength: 20, withPad: " ", startingAt: 0)
                      + String(format: "  %8d  %9d  %6.3f  ", model.outcomes, model.converted, model.cvAUC)
                      + (model.rulesCvAUC.map { String(format: "%.3f", $0) } ?? "-"))
            }
        }
    }
}
