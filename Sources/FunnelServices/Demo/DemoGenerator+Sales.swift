import FunnelStore

extension DemoGenerator {
    static let stageWeights: [(DealStage, Int)] = [
        (.prospecting, 25), (.qualification, 20), (.proposal, 15), (.negotiation, 10), (.won, 18), (.lost, 12),
    ]

    mutating func generateConvertedContacts(
        _ context: OrganizationContext,
        converted: [(lead: Int64, name: String, email: String?, phone: String?, company: String?, owner: Int64, created: Int64)],
        tables: DemoTables
    ) throws {
        for lead in converted {
            let contactID = nextID("contacts")
            try tables.contacts.insert { row in
                row.int(contactID); row.int(context.id); row.int(lead.lead); row.text(lead.name); row.text(lead.email)
                row.text(lead.phone); row.text(lead.company); row.text(#"{"converted_from":"lead"}"#)
                row.timestamp(lead.created); row.timestamp(lead.created)
            }
            try insertDeal(context, contact: contactID, owner: lead.owner, company: lead.company, created: lead.created, tables: tables)
        }
    }

    mutating func generateDeals(_ context: OrganizationContext, count: Int, tables: DemoTables) throws {
        for _ in 0..<max(0, count) {
            let given = random.pick(DemoVocabulary.givenNames)
            let family = random.pick(DemoVocabulary.familyNames)
            let name = family.eastAsian ? family.shown + given.shown : given.shown + " " + family.shown
            let company = random.pick(DemoVocabulary.companies)
            let contactID = nextID("contacts")
            let created = now - Int64(random.below(300)) * Self.day - Int64(random.below(Int(Self.day)))
            try tables.contacts.insert { row in
                row.int(contactID); row.int(context.id); row.null(); row.text(name)
                row.text("\(given.ascii).\(family.ascii)@\(company.domain)"); row.null(); row.text(company.shown)
                row.text(#"{"source":"demo"}"#); row.timestamp(created); row.timestamp(created)
            }
            try insertDeal(context, contact: contactID, owner: random.pick(context.reps), company: company.shown, created: created, tables: tables)
        }
    }

    mutating func insertDeal(_ context: OrganizationContext, contact: Int64, owner: Int64, company: String?, created: Int64, tables: DemoTables) throws {
        let id = nextID("deals")
        let stage = Self.stageWeights[random.weighted(Self.stageWeights.map(\.1))].0
        let manual = !stage.isClosed && random.chance(10)
        let probability = manual ? 5 + random.below(90) : PipelineSettings.standardProbability(stage)
        let value = Int64(1_000 + random.below(200) * 500 + random.below(100)) * 100
        let product = random.pick(context.products)
        let changed = min(now, created + Int64(random.below(Int(max(1, now - created)))))
        let closeDay: Int64
        if stage.isClosed {
            closeDay = changed / Self.day
        } else {
            // Open deals close from a month ago (overdue) to four months out.
            closeDay = now / Self.day - 30 + Int64(random.below(150))
        }
        let (year, month, day) = civil(days: closeDay)
        let closeDate = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        let lostReason = stage == .lost ? random.pick(LostReason.allCases).rawValue : nil
        let title = "\(company ?? "Direct") – \(["Pilot", "Annual plan", "Expansion", "Renewal", "Team licence", "Rollout"][random.below(6)])"
        try tables.deals.insert { row in
            row.int(id); row.int(context.id); row.int(contact); row.int(product); row.int(owner); row.text(title)
            row.int(value); row.text(stage.rawValue); row.int(Int64(probability)); row.int(Int64(manual ? 1 : 0))
            row.text(closeDate); row.text(lostReason); row.timestamp(changed); row.timestamp(created); row.timestamp(changed)
        }
        if stage != .prospecting {
            let activityID = nextID("activities")
            try tables.activities.insert { row in
                row.int(activityID); row.int(context.id); row.text("deal"); row.int(id); row.text("stage_changed"); row.int(owner)
                row.text(#"{"after":{"stage":"\#(stage.rawValue)"},"before":{"stage":"prospecting"}}"#); row.timestamp(changed)
            }
        }
    }

    func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
