import FunnelStore

extension DemoGenerator {
    static let sourceWeights: [(LeadSource, Int)] = [
        (.website, 24), (.organicSearch, 14), (.referral, 10), (.social, 10), (.email, 8), (.event, 7),
        (.paidAds, 12), (.partner, 5), (.coldOutreach, 5), (.import, 3), (.other, 2),
    ]
    static let statusWeights: [(LeadStatus, Int)] = [
        (.new, 35), (.contacted, 25), (.qualified, 15), (.unqualified, 10), (.converted, 8), (.lost, 7),
    ]
    static let actionWeights: [(LeadActionType, Int)] = [
        (.emailSent, 14), (.emailOpen, 22), (.emailClick, 10), (.pageVisit, 26), (.formSubmit, 5),
        (.contentDownload, 5), (.webinar, 2), (.demoRequest, 2), (.reply, 4), (.call, 4), (.meeting, 2),
        (.note, 2), (.unsubscribe, 1), (.bounce, 1),
    ]
    static let disqualifyReasons = [
        "no budget this year", "student, not a buyer", "competitor researching", "wrong region", "duplicate of an existing customer",
    ]

    /// The metadata JSON of an action: a few shared strings, so the hot loop does not format JSON.
    static let actionMetadata: [LeadActionType: [String]] = {
        var table: [LeadActionType: [String]] = [:]
        for type in LeadActionType.allCases {
            switch type {
            case .pageVisit: table[type] = DemoVocabulary.pages.map { #"{"page":"\#($0)"}"# }
            case .emailSent, .emailOpen, .emailClick:
                table[type] = (1...6).map { #"{"campaign":"newsletter-\#($0)"}"# }
            case .note: table[type] = [#"{"note":"Asked for a pricing sheet"}"#, #"{"note":"Follow up after the holidays"}"#]
            case .call: table[type] = [#"{"minutes":12,"outcome":"connected"}"#, #"{"minutes":0,"outcome":"voicemail"}"#]
            case .meeting: table[type] = [#"{"minutes":30,"topic":"discovery"}"#, #"{"minutes":45,"topic":"demo"}"#]
            default: table[type] = ["{}"]
            }
        }
        return table
    }()

    mutating func generateLeads(_ context: OrganizationContext, count: Int, tables: DemoTables, progress: (Int) -> Void) throws {
        let sources = Self.sourceWeights.map(\.1)
        let statuses = Self.statusWeights.map(\.1)
        let actionTypes = Self.actionWeights.map(\.1)
        let statusChanged = Dictionary(uniqueKeysWithValues: LeadStatus.allCases.map {
            ($0, #"{"after":{"status":"\#($0.rawValue)"},"before":{"status":"new"}}"#)
        })
        var recentEmails = [String](repeating: "", count: 512)
        var recentPhones = [String](repeating: "", count: 512)
        var converted: [(lead: Int64, name: String, email: String?, phone: String?, company: String?, owner: Int64, created: Int64)] = []
        let scorer = context.agents[0]
        let year = 365 * Self.day
        // Per action type, by position in `actionWeights`: its name, points and metadata choices,
        // looked up by index in the hot loop (no hashing, no allocation per action).
        let actionNames = Self.actionWeights.map(\.0.rawValue)
        let actionBase = Self.actionWeights.map { scoring.actionPoints[$0.0] ?? 0 }
        let actionMetadata = Self.actionWeights.map { Self.actionMetadata[$0.0]! }
        let automated = Self.actionWeights.map { [.emailOpen, .emailClick, .pageVisit].contains($0.0) }
        let byPerson = Self.actionWeights.map { [.call, .meeting, .note, .emailSent].contains($0.0) }
        var nextLeadID = (ids["leads"] ?? 0) + 1
        var nextActionID = (ids["lead_actions"] ?? 0) + 1
        defer {
            ids["leads"] = nextLeadID - 1
            ids["lead_actions"] = nextActionID - 1
        }

        for index in 0..<count {
            let id = nextLeadID
            nextLeadID += 1
            let given = random.pick(DemoVocabulary.givenNames)
            let family = random.pick(DemoVocabulary.familyNames)
            let name = family.eastAsian ? family.shown + given.shown : given.shown + " " + family.shown
            let company = random.chance(85) ? random.pick(DemoVocabulary.companies) : nil
            var email: String?
            if random.chance(92) {
                let earlier = index > 0 && random.chance(2) ? recentEmails[random.below(min(index, 512))] : ""
                if !earlier.isEmpty {
                    email = earlier
                } else {
                    let domain = company != nil && random.chance(65) ? company!.domain : random.pick(DemoVocabulary.freeMailDomains)
                    email = "\(given.ascii).\(family.ascii)\(index % 997)@\(domain)"
                }
                recentEmails[index % 512] = email!
            }
            var phone: String?
            var phoneNormalized: String?
            if random.chance(75) {
                let earlier = index > 0 && random.chance(2) ? recentPhones[random.below(min(index, 512))] : ""
                if !earlier.isEmpty {
                    phone = earlier
                } else {
                    phone = fillDigits(random.pick(DemoVocabulary.phoneShapes))
                }
                phoneNormalized = PhoneNumber.normalized(phone!)
                if phoneNormalized == nil { phone = nil } else { recentPhones[index % 512] = phone! }
            }
            if email == nil && phone == nil { email = "\(given.ascii).\(family.ascii)\(index)@gmail.com" }
            let source = Self.sourceWeights[random.weighted(sources)].0
            let status = Self.statusWeights[random.weighted(statuses)].0
            let product = random.chance(85) ? random.pick(context.products) : nil
            let assigned: Int64? = (status == .new ? random.chance(40) : random.chance(92)) ? random.pick(context.reps) : nil
            let created = now - Int64(random.below(Int(year)))

            // Actions, scored as they are made: fit plus decayed engagement.
            var engagement = 0.0
            var lastAction: Int64?
            let actionCount = random.below(11)
            for _ in 0..<actionCount {
                let actionID = nextActionID
                nextActionID += 1
                let type = random.weighted(actionTypes)
                let at = created + Int64(random.below(Int(max(1, now - created))))
                let agent: Int64? = automated[type] && random.chance(30) ? scorer : nil
                let user: Int64? = byPerson[type] ? (assigned ?? context.manager) : nil
                let metadata = random.pick(actionMetadata[type])
                try tables.leadActions.insert { row in
                    row.int(actionID); row.int(id); row.text(actionNames[type]); row.int(agent); row.int(user)
                    row.text(metadata); row.timestamp(at)
                }
                engagement += scoring.decayedPoints(base: actionBase[type], ageDays: Double(now - at) / Double(Self.day))
                if lastAction == nil || at > lastAction! { lastAction = at }
            }
            leadActionCount += actionCount
            let fit = scoring.fitPoints(
                source: source, email: email, hasPhone: phone != nil, hasCompany: company != nil, hasProduct: product != nil)
            let score = scoring.score(fit: fit, engagement: scoring.engagement(engagement))
            let reason = status == .unqualified || status == .lost ? random.pick(Self.disqualifyReasons) : nil
            let updated = max(created, lastAction ?? created)
            try tables.leads.insert { row in
                row.int(id); row.int(context.id); row.int(product); row.text(name); row.text(company?.shown)
                row.text(email); row.text(phone); row.text(phoneNormalized); row.text(source.rawValue); row.text(status.rawValue)
                row.text(reason); row.int(Int64(score)); row.int(assigned); row.timestamp(lastAction)
                row.timestamp(created); row.timestamp(updated)
            }
            if status != .new, let assigned, random.chance(25) {
                let activityID = nextID("activities")
                try tables.activities.insert { row in
                    row.int(activityID); row.int(context.id); row.text("lead"); row.int(id); row.text("status_changed")
                    row.int(assigned); row.text(statusChanged[status]!); row.timestamp(updated)
                }
            }
            if status == .converted {
                converted.append((id, name, email, phone, company?.shown, assigned ?? context.manager, updated))
            }
            leadCount += 1
            if leadCount % 20_000 == 0 { progress(leadCount) }
        }
        try generateConvertedContacts(context, converted: converted, tables: tables)
    }

    mutating func fillDigits(_ shape: String) -> String {
        var result = ""
        result.reserveCapacity(shape.utf8.count)
        for character in shape {
            if character == "#" {
                result.append(Character(Unicode.Scalar(UInt8(48 + random.below(10)))))
            } else {
                result.append(character)
            }
        }
        return result
    }
}
