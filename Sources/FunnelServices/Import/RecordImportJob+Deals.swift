import Foundation
import FunnelStore

extension RecordImportJob {
    // MARK: - Deals

    mutating func importDeal(_ record: CSVRecord) throws {
        var problems: [String] = []
        var given: [ImportField: String] = [:]
        for index in 0..<fields.count {
            guard let field = fields[index] else { continue }
            let text = Self.trimmed(record.fields[index])
            if !text.isEmpty { given[field] = text }
        }
        let title = given[.title].flatMap { Self.limited(.title, $0, max: 300, problems: &problems) }
        var value: Int64?
        if let text = given[.value] {
            switch MoneyInput.cents(text) {
            case .success(let cents): value = cents
            case .failure: problems.append("value \(Self.quoted(text)) is not an amount (like 12000 or 12,500.50)")
            }
        }
        let stage = given[.stage].flatMap {
            Self.enumValue(DealStage.self, $0, field: .stage, aliases: Self.stageAliases, problems: &problems)
        }
        var probability: Int?
        if let text = given[.probability] {
            let digits = text.hasSuffix("%") ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text
            if let number = Int(digits), (0...100).contains(number) { probability = number } else { problems.append("probability \(Self.quoted(text)) is not a whole number from 0 to 100") }
        }
        let closeDate = given[.closeDate].flatMap { time(.closeDate, $0, problems: &problems)?.dayText }
        let lostReason = given[.lostReason].flatMap { Self.enumValue(LostReason.self, $0, field: .lostReason, aliases: Self.lostReasonAliases, problems: &problems) }
        let ownerId = given[.owner].flatMap { owner($0, problems: &problems) }
        let productId = given[.product].flatMap { product($0, problems: &problems) }
        var contactId: Int64?
        if let email = given[.contactEmail] {
            contactId = given[.contact].flatMap { contactsByEmailAndName[email.lowercased() + "\n" + $0.lowercased()] } ?? contactsByEmail[email.lowercased()]
            if contactId == nil { problems.append("contact_email \(Self.quoted(email)) is not the email of a contact of this organization") }
        } else if let name = given[.contact] {
            contactId = contactsWithoutEmail[name.lowercased()] ?? contactsByName[name.lowercased()]
            if contactId == nil { problems.append("contact \(Self.quoted(name)) is not a contact of this organization") }
        }
        let ref = given[.externalRef].flatMap { Self.limited(.externalRef, $0, max: 100, problems: &problems) }
        let created = given[.createdAt].flatMap { time(.createdAt, $0, problems: &problems) }
        let line = record.line
        if let lostReason, stage != .lost, !(stage == nil && options.mode != .create) {
            problems.append("lost_reason \(lostReason.rawValue) is only for a lost deal (stage is \(stage?.rawValue ?? "prospecting"))")
        }
        if !problems.isEmpty {
            problem(line, problems.joined(separator: "; "))
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
            if let stage, stage != deal.stage {
                pipeline.enter(stage, deal: &deal, at: now)
                if stage != .lost { deal.lostReason = nil }
            }
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
            if deal != before { deal.updatedAt = now }
            if try write(line, { [writer] in try writer.updateDeal(deal, line: line) }) {
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
        guard let title else {
            problem(line, "a deal needs a title (the title column is empty)")
            return
        }
        let dealStage = stage ?? .prospecting
        let chance = probability ?? pipeline.probability(dealStage)
        let deal = Deal(
            orgId: session.orgId, contactId: contactId, productId: productId, ownerId: ownerId, title: title, value: value ?? 0,
            stage: dealStage, probability: chance, probabilityIsManual: chance != pipeline.probability(dealStage), closeDate: closeDate,
            lostReason: lostReason, stageChangedAt: created?.date ?? now, createdAt: created?.date ?? now, updatedAt: now, externalRef: ref)
        if try write(line, { [writer] in try writer.insertDeal(deal, line: line) }) {
            report.created += 1
            claim(refHash, line: line)
        }
    }
}
