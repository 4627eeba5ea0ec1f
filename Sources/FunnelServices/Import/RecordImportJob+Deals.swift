import Foundation
import FunnelStore

/// What a deals import needs to link deals to the leads they came from (a `lead` column), found
/// without a query per key.
struct DealLinks {
    /// The organization's leads by the 64-bit hash of their external id (mixed with
    /// `RecordImportJob.externalSalt`) and of their normalized email: the lead's id.
    var leads: [UInt64: Int64] = [:]
    /// The contact of each lead this import linked a deal to (found or created).
    var contacts: [Int64: Int64] = [:]
}

/// How one row links its deal to a lead: the contact to give the deal, and what to write first.
struct LeadLink {
    var leadId: Int64
    /// The lead's contact when it has one.
    var contactId: Int64?
    /// The contact to create (the lead has none yet).
    var newContact: Contact?
    /// The lead as converted (it was not yet).
    var converted: Lead?

    var writes: Bool { newContact != nil || converted != nil }
}

extension RecordImportJob {
    // MARK: - Deals

    /// Reads what rows are checked against before the first one: deals by external id, contacts
    /// (when a column names them), leads by key (when a `lead` column links deals to them); and
    /// notes a file that does not say which stage its deals are at.
    mutating func prepareDeals() throws {
        let orgId = session.orgId
        try tx.forEachDealExternalRef(orgId: orgId) { id, ref in keys[DuplicateKey.hash(ref)] = id }
        if fields.contains(.contact) || fields.contains(.contactEmail) {
            for contact in try tx.contactIDs(orgId: orgId) {
                if let email = contact.email, contactsByEmail[email.lowercased()] == nil { contactsByEmail[email.lowercased()] = contact.id }
                if contactsByName[contact.name.lowercased()] == nil { contactsByName[contact.name.lowercased()] = contact.id }
                if contact.email == nil, contactsWithoutEmail[contact.name.lowercased()] == nil {
                    contactsWithoutEmail[contact.name.lowercased()] = contact.id
                }
                if let email = contact.email {
                    let both = email.lowercased() + "\n" + contact.name.lowercased()
                    if contactsByEmailAndName[both] == nil { contactsByEmailAndName[both] = contact.id }
                }
            }
        }
        if mapping.has(.lead) {
            // From the leads' duplicate indexes, as a leads import reads them: emails (kind 0) and
            // external ids (kind 2); a key is confirmed against the lead read for the row.
            try tx.forEachLeadDuplicateKey(orgId: orgId) { kind, hash, id in
                switch kind {
                case 0: if dealLinks.leads[hash] == nil { dealLinks.leads[hash] = id }
                case 2: dealLinks.leads[hash ^ Self.externalSalt] = id
                default: break
                }
            }
        }
        if options.mode != .update && !mapping.has(.stage) {
            report.notes.append(Self.noStageNote(dryRun: options.dryRun))
        }
    }

    /// The note of a deals file without a stage column and no `stage = ...` in the map.
    static func noStageNote(dryRun: Bool) -> String {
        "the file has no stage column and the map gives no stage: every new deal \(dryRun ? "would be" : "was") created at prospecting (open). "
            + "If they are won (or lost), say so: `stage = won` in the --map file, or map the column that holds the stage (`Column = stage`)"
    }

    mutating func importDeal(_ record: CSVRecord) throws {
        var problems: [String] = []
        // Each field's text, and its column (nil: a constant of the map, the same for every row).
        var given: [ImportField: (text: String, column: Int?)] = [:]
        for (field, text) in mapping.constants { given[field] = (text, nil) }
        for index in 0..<fields.count {
            guard let field = fields[index] else { continue }
            let text = Self.trimmed(record.fields[index])
            if !text.isEmpty { given[field] = (text, index) }
        }
        let title = given[.title].flatMap { Self.limited(.title, $0.text, max: 300, problems: &problems) }
        var value: Int64?
        if let text = given[.value]?.text {
            switch MoneyInput.cents(text) {
            case .success(let cents): value = cents
            case .failure: problems.append("value \(Self.quoted(text)) is not an amount (like 12000 or 12,500.50)")
            }
        }
        let stage = given[.stage].flatMap { dealValue(DealStage.self, $0, field: .stage, aliases: Self.stageAliases, problems: &problems) }
        var probability: Int?
        if let text = given[.probability]?.text {
            let digits = text.hasSuffix("%") ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text
            if let number = Int(digits), (0...100).contains(number) { probability = number } else { problems.append("probability \(Self.quoted(text)) is not a whole number from 0 to 100") }
        }
        let closeTime = given[.closeDate].flatMap { time(.closeDate, $0.text, problems: &problems) }
        let closeDate = closeTime?.dayText
        let lostReason = given[.lostReason].flatMap { dealValue(LostReason.self, $0, field: .lostReason, aliases: Self.lostReasonAliases, problems: &problems) }
        let ownerId = given[.owner].flatMap { owner($0.text, problems: &problems) }
        let productId = given[.product].flatMap { product($0.text, problems: &problems) }
        var contactId: Int64?
        if let email = given[.contactEmail]?.text {
            contactId = given[.contact].flatMap { contactsByEmailAndName[email.lowercased() + "\n" + $0.text.lowercased()] } ?? contactsByEmail[email.lowercased()]
            if contactId == nil { problems.append("contact_email \(Self.quoted(email)) is not the email of a contact of this organization") }
        } else if let name = given[.contact]?.text {
            contactId = contactsWithoutEmail[name.lowercased()] ?? contactsByName[name.lowercased()]
            if contactId == nil { problems.append("contact \(Self.quoted(name)) is not a contact of this organization") }
        }
        let ref = given[.externalRef].flatMap { Self.limited(.externalRef, $0.text, max: 100, problems: &problems) }
        let created = given[.createdAt].flatMap { time(.createdAt, $0.text, problems: &problems) }
        let stageChanged = given[.stageChangedAt].flatMap { time(.stageChangedAt, $0.text, problems: &problems) }
        let lead = try given[.lead].flatMap { try findLead($0.text, problems: &problems) }
        let line = record.line
        if let lostReason, stage != .lost, !(stage == nil && options.mode != .create) {
            problems.append("lost_reason \(lostReason.rawValue) is only for a lost deal (stage is \(stage?.rawValue ?? "prospecting"))")
        }
        if let created, let stageChanged, stageChanged.date < created.date {
            problems.append("stage_changed_at \(stageChanged.timestampText.prefix(19)) is before created_at \(created.timestampText.prefix(19))")
        }
        var link: LeadLink?
        if let lead {
            let found = try leadLink(lead, at: created?.date ?? lead.createdAt)
            if let contactId, let leadContact = found.contactId, contactId != leadContact {
                problems.append("the row names contact #\(contactId) and lead \(Self.quoted(given[.lead]?.text ?? "")), whose contact is #\(leadContact): give one of them")
            } else if contactId != nil, found.contactId == nil {
                problems.append("the row names a contact and lead \(Self.quoted(given[.lead]?.text ?? "")), who has no contact yet (one is made from the lead): give one of them")
            }
            link = found
        }
        if !problems.isEmpty {
            problem(line, problems)
            return
        }
        let refHash = ref.map(DuplicateKey.hash)
        var found = refHash == nil ? (id: nil, line: nil, by: 0) : match(refHash, nil)
        // A deal found by hash must hold the same external_ref.
        var existing: Deal?
        if let id = found.id {
            existing = try writer.deal(id: id)
            if existing?.externalRef != ref { found = (nil, nil, 0); existing = nil }
        }
        if let earlier = found.line {
            duplicate(line, "the same external_ref \(ref ?? "") as line \(earlier) (a duplicate within the file)")
            return
        }
        if let id = found.id {
            if options.mode == .create {
                duplicate(line, "deal #\(id) has the same external_ref \(ref ?? "") (create mode skips it; --mode upsert updates it)")
                return
            }
            guard var deal = existing else { return }
            let before = deal
            if let title { deal.title = title }
            if let value { deal.value = value }
            // When the deal entered its stage: the file's stage_changed_at, else (a won or lost
            // deal) its close date, else now if the stage changes.
            let closedAt = (stage ?? deal.stage).isClosed ? closeTime?.date : nil
            if let stage, stage != deal.stage {
                pipeline.enter(stage, deal: &deal, at: stageChanged?.date ?? closedAt ?? now)
                if stage != .lost { deal.lostReason = nil }
            }
            if let entered = stageChanged?.date ?? closedAt { deal.stageChangedAt = entered }
            if let probability {
                deal.probability = probability
                deal.probabilityIsManual = probability != pipeline.probability(deal.stage)
            }
            if let closeDate { deal.closeDate = closeDate }
            if let lostReason {
                guard deal.stage == .lost else {
                    problem(line, "lost_reason \(lostReason.rawValue) is only for a lost deal (deal #\(id) is \(deal.stage.rawValue))")
                    return
                }
                deal.lostReason = lostReason
            }
            if let ownerId { deal.ownerId = ownerId }
            if let productId { deal.productId = productId }
            if let contactId { deal.contactId = contactId }
            if let created { deal.createdAt = created.date }
            if let link { deal.contactId = link.contactId }
            // A contact made for the deal's lead changes the deal too.
            if deal != before || link?.newContact != nil { deal.updatedAt = now }
            let updated = deal
            var made: Int64?
            let written = try write(line) { [writer] in
                try writer.together {
                    if let link { made = try Self.writeLink(link, line: line, writer: writer) }
                    var deal = updated
                    if let made { deal.contactId = made }
                    try writer.updateDeal(deal, line: line)
                }
            }
            if written {
                linked(link, made: made)
                report.updated += 1
                touched[id] = line
                claim(refHash, line: line)
            }
            return
        }
        if options.mode == .update {
            unmatched(line, ref == nil ? "no external_ref to find a deal by" : "no deal has external_ref \(ref ?? "")")
            return
        }
        var dealTitle = title
        if dealTitle == nil, let lead {
            let productName = try (productId ?? lead.productId).flatMap { try tx.fetch(Product.self, id: $0, orgId: session.orgId)?.name }
            dealTitle = LeadConversion.dealTitle(for: lead, productName: productName)
        }
        guard let dealTitle else {
            problem(line, "a deal needs a title (the title column is empty)")
            return
        }
        let dealStage = stage ?? .prospecting
        let chance = probability ?? pipeline.probability(dealStage)
        // The file's dates; else a won or lost deal entered its stage at its close date, and a
        // deal made from a lead was created when the lead was (never after it entered its stage).
        var entered = stageChanged?.date ?? (dealStage.isClosed ? closeTime?.date : nil)
        var createdAt = created?.date ?? lead?.createdAt ?? now
        if let at = entered, created == nil, createdAt > at { createdAt = at }
        if let at = entered, stageChanged == nil, at < createdAt { entered = createdAt }
        let deal = Deal(
            orgId: session.orgId, contactId: link?.contactId ?? contactId, productId: productId ?? lead?.productId,
            ownerId: ownerId ?? lead?.assignedTo, title: dealTitle, value: value ?? 0, stage: dealStage, probability: chance,
            probabilityIsManual: chance != pipeline.probability(dealStage), closeDate: closeDate, lostReason: lostReason,
            stageChangedAt: entered ?? created?.date ?? now, createdAt: createdAt, updatedAt: now, externalRef: ref)
        var made: Int64?
        let written = try write(line) { [writer] in
            guard let link, link.writes else {
                try writer.insertDeal(deal, line: line)
                return
            }
            try writer.together {
                made = try Self.writeLink(link, line: line, writer: writer)
                var deal = deal
                if let made { deal.contactId = made }
                try writer.insertDeal(deal, line: line)
            }
        }
        if written {
            linked(link, made: made)
            report.created += 1
            claim(refHash, line: line)
        }
    }

    /// A stage or lost reason, through the column's value map as the leads' `mapped` reads
    /// enumerations, or a constant of the map; there is no fallback: a value neither the map nor
    /// Funnel knows makes the row bad, with the map line to add.
    mutating func dealValue<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, _ given: (text: String, column: Int?), field: ImportField, aliases: [String: E], problems: inout [String]
    ) -> E? where E.RawValue == String {
        guard given.column != nil else {
            var refused: [String] = []
            let value = Self.enumValue(E.self, given.text, field: field, aliases: aliases, problems: &refused)
            problems += refused.map { $0 + " (the map's `\(field.rawValue) = \(given.text)`)" }
            return value
        }
        var unused = LeadImportRow()
        return mapped(E.self, given.text, field: field, column: given.column, aliases: aliases, fallback: nil, row: &unused, problems: &problems)
    }

    /// The lead a deal's `lead` value names: its external id, else its email, else `#id`.
    func findLead(_ text: String, problems: inout [String]) throws -> Lead? {
        let orgId = session.orgId
        if let id = dealLinks.leads[DuplicateKey.hash(text) ^ Self.externalSalt],
           let lead = try tx.fetch(Lead.self, id: id, orgId: orgId), lead.externalId == text {
            return lead
        }
        if text.contains("@"), let email = ImportKeys.email(text).normalized, let id = dealLinks.leads[DuplicateKey.hash(email)],
           let lead = try tx.fetch(Lead.self, id: id, orgId: orgId), lead.emailNormalized == email {
            return lead
        }
        if text.hasPrefix("#"), let id = Int64(text.dropFirst()), let lead = try tx.fetch(Lead.self, id: id, orgId: orgId) {
            return lead
        }
        problems.append("lead \(Self.quoted(text)) is not the external id, email or #id of a lead of this organization")
        return nil
    }

    /// How a deal links to `lead`: the lead's contact (the first made from it), else one to make
    /// from it (as `LeadService.convert` makes it, created at `at`); and the lead converted, if
    /// it is not yet.
    func leadLink(_ lead: Lead, at: Date) throws -> LeadLink {
        let leadId = lead.id ?? 0
        var link = LeadLink(leadId: leadId)
        link.contactId = try dealLinks.contacts[leadId] ?? writer.contactId(ofLead: leadId)
        if link.contactId == nil {
            var contact = LeadConversion.contact(for: lead, at: min(at, now))
            contact.updatedAt = now
            link.newContact = contact
        }
        if lead.status != .converted { link.converted = LeadConversion.converted(lead, at: now) }
        return link
    }

    /// Writes a link's contact and conversion (recorded for undo as the import's linked rows);
    /// returns the id of the contact it made.
    static func writeLink(_ link: LeadLink, line: Int, writer: any ImportWriting) throws -> Int64? {
        var made: Int64?
        if let contact = link.newContact { made = try writer.insertLinkedContact(contact, line: line) }
        if let lead = link.converted { try writer.updateLinkedLead(lead, line: line) }
        return made
    }

    /// Counts a row's link once its writes are done, and remembers the lead's contact.
    mutating func linked(_ link: LeadLink?, made: Int64?) {
        guard let link else { return }
        report.dealsLinked += 1
        if made != nil { report.contactsCreated += 1 }
        if link.converted != nil { report.leadsConverted += 1 }
        if let contactId = made ?? link.contactId { dealLinks.contacts[link.leadId] = contactId }
    }
}
