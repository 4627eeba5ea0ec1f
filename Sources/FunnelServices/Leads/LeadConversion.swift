import Foundation
import FunnelStore

/// What converting a lead makes and changes: shared by `LeadService.convert` (a person converts a
/// lead into a contact and a new deal) and a deals import that links each deal to its lead.
enum LeadConversion {
    /// The name a lead's contact goes by: its name, else its email, phone or external id.
    static func name(of lead: Lead) -> String {
        lead.name ?? lead.email ?? lead.phone ?? lead.externalId ?? "Lead #\(lead.id ?? 0)"
    }

    /// The contact a lead becomes (`contacts.lead_id` is the lead), made at `now`.
    static func contact(for lead: Lead, at now: Date) -> Contact {
        Contact(
            orgId: lead.orgId, leadId: lead.id, name: name(of: lead),
            email: lead.email.flatMap { EmailAddress.problem(with: $0) == nil ? EmailAddress.normalized($0) : nil },
            phone: lead.phone, company: lead.company, metadata: #"{"converted_from":"lead"}"#, createdAt: now, updatedAt: now)
    }

    /// The title of a deal made from a lead: `Company – Product` (`New deal` without a product).
    static func dealTitle(for lead: Lead, productName: String?) -> String {
        "\(lead.company ?? name(of: lead)) – \(productName ?? "New deal")"
    }

    /// The lead as converted at `now`: status `converted`, no status reason.
    static func converted(_ lead: Lead, at now: Date) -> Lead {
        var lead = lead
        lead.status = .converted
        lead.statusReason = nil
        lead.updatedAt = now
        return lead
    }
}
