import Foundation
import FunnelStore

/// Generates the rows of the demo workspace into a bulk loader, deterministically.
struct DemoGenerator {
    let options: DemoOptions
    let now: Int64
    var random: DemoRandom
    let scoring = LeadScoringModel.standard
    var leadCount = 0
    var leadActionCount = 0
    var organizationNames: [String] = []
    var ids = [String: Int64]()

    static let day: Int64 = 86_400

    /// The organizations and their share of the leads (in percent).
    static let organizations: [(name: String, slug: String, share: Int, weekStartsOn: Int, timeZone: String)] = [
        ("Northwind Analytics", "northwind", 80, 2, "America/New_York"),
        ("Café Lumière Studio", "cafe-lumiere", 15, 2, "Europe/Paris"),
        ("東京マーケティング株式会社", "tokyo-marketing", 5, 1, "Asia/Tokyo"),
    ]

    init(options: DemoOptions) {
        self.options = options
        now = Int64(options.referenceDate.timeIntervalSince1970)
        random = DemoRandom(seed: options.seed)
    }

    mutating func nextID(_ table: String) -> Int64 {
        let id = (ids[table] ?? 0) + 1
        ids[table] = id
        return id
    }

    /// Everything one organization's generation needs to refer back to.
    struct OrganizationContext {
        var id: Int64
        var slug: String
        var admin: Int64 = 0
        var manager: Int64 = 0
        var reps: [Int64] = []
        var marketers: [Int64] = []
        var products: [Int64] = []
        var agents: [Int64] = []
        var workflows: [Int64] = []
    }

    mutating func generate(into loader: BulkLoader, progress: (Int) -> Void) throws {
        let tables = try DemoTables(loader: loader)
        var remaining = options.leads
        for (index, spec) in Self.organizations.enumerated() {
            let isLast = index == Self.organizations.count - 1
            let leads = isLast ? remaining : options.leads * spec.share / 100
            remaining -= leads
            var context = OrganizationContext(id: nextID("organizations"), slug: spec.slug)
            organizationNames.append(spec.name)
            let settings = OrganizationSettings(requireSignIn: false, weekStartsOn: spec.weekStartsOn, timeZone: spec.timeZone).json
            try tables.organizations.insert { row in
                row.int(context.id); row.text(spec.name); row.text(spec.slug); row.text(settings)
                row.timestamp(now - 400 * Self.day); row.timestamp(now - 400 * Self.day)
            }
            try generateTeam(&context, leads: leads, tables: tables)
            try generateCatalog(&context, tables: tables)
            let dealsBefore = ids["deals"] ?? 0
            try generateLeads(context, count: leads, tables: tables, progress: progress)
            let convertedDeals = Int((ids["deals"] ?? 0) - dealsBefore)
            let deals = options.deals.map { $0 * spec.share / 100 } ?? max(12, leads / 10)
            try generateDeals(context, count: deals - convertedDeals, tables: tables)
            try generateContent(context, count: options.content.map { max(1, $0 * spec.share / 100) } ?? max(60, leads / 20), tables: tables)
            try generateRuns(context, count: max(20, leads / 200), tables: tables)
        }
    }

    // MARK: - People and catalog

    mutating func generateTeam(_ context: inout OrganizationContext, leads: Int, tables: DemoTables) throws {
        let roleIDs = tables.roleIDs
        let repCount = min(40, max(3, leads / 25_000))
        var team: [(role: String, email: String?)] = [("admin", "admin@\(context.slug).example"), ("manager", "manager@\(context.slug).example")]
        team += Array(repeating: ("sales_rep", nil), count: repCount)
        team += Array(repeating: ("marketer", nil), count: 3)
        team.append(("viewer", "viewer@\(context.slug).example"))
        for (index, member) in team.enumerated() {
            let id = nextID("users")
            let given = random.pick(DemoVocabulary.givenNames)
            let family = random.pick(DemoVocabulary.familyNames)
            let name = family.eastAsian ? family.shown + given.shown : given.shown + " " + family.shown
            let email = member.email ?? "\(given.ascii).\(family.ascii).\(index)@\(context.slug).example"
            try tables.users.insert { row in
                row.int(id); row.int(context.id); row.int(roleIDs[member.role] ?? 5); row.text(email); row.text(name)
                row.null(); row.int(Int64(1)); row.timestamp(now - 380 * Self.day); row.timestamp(now - 380 * Self.day)
            }
            switch member.role {
            case "admin": context.admin = id
            case "manager": context.manager = id
            case "sales_rep": context.reps.append(id)
            case "marketer": context.marketers.append(id)
            default: break
            }
        }
    }

    mutating func generateCatalog(_ context: inout OrganizationContext, tables: DemoTables) throws {
        for (name, kind) in DemoVocabulary.productNames.prefix(4 + random.below(3)) {
            let id = nextID("products")
            let apiKey = String(format: "fnl_%016llx%016llx", random.next(), random.next())
            try tables.products.insert { row in
                row.int(id); row.int(context.id); row.text(name); row.text(kind.rawValue); row.text(apiKey)
                row.text(#"{"currency":"USD"}"#); row.timestamp(now - 370 * Self.day); row.timestamp(now - 370 * Self.day)
            }
            context.products.append(id)
        }
        let agents: [(String, String, String)] = [
            ("Scout", "lead_scorer", #"{"model":"small","threshold":60}"#),
            ("Quill", "content_writer", #"{"model":"large","tone":"friendly"}"#),
            ("Echo", "email_responder", #"{"model":"small","max_replies":3}"#),
            ("Relay", "social_publisher", #"{"platforms":["linkedin","twitter"]}"#),
        ]
        for (index, agent) in agents.enumerated() {
            let id = nextID("ai_agents")
            try tables.agents.insert { row in
                row.int(id); row.int(context.id); row.text(agent.0); row.text(agent.1); row.text(agent.2)
                row.text(#"{"system":"You help a sales and marketing team."}"#); row.text(#"{"runs":0}"#)
                row.int(Int64(index == 3 ? 0 : 1)); row.timestamp(now - 300 * Self.day); row.timestamp(now - 30 * Self.day)
            }
            context.agents.append(id)
        }
        let workflows: [(String, String)] = [
            ("Score new leads", "lead_created"), ("Route qualified leads", "lead_status_changed"),
            ("Welcome sequence", "form_submitted"), ("Weekly digest", "schedule"),
            ("Announce published posts", "content_published"), ("Deal won hand-off", "deal_stage_changed"),
        ]
        for (index, workflow) in workflows.enumerated() {
            let id = nextID("workflows")
            try tables.workflows.insert { row in
                row.int(id); row.int(context.id); row.int(context.agents[index % context.agents.count]); row.text(workflow.0)
                row.text(workflow.1); row.text(#"[{"action":"score"},{"action":"notify","channel":"email"}]"#)
                row.int(Int64(index == 5 ? 0 : 1)); row.timestamp(now - 250 * Self.day); row.timestamp(now - 20 * Self.day)
            }
            context.workflows.append(id)
        }
    }
}
