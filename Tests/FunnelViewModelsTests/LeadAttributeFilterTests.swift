import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// The Leads pane's `f` with attributes: an attribute, then one of its most common values (with
/// counts), narrows the list; the detail shows the lead's attributes and external id.
@MainActor
@Suite struct LeadAttributeFilterTests {
    let workspace: TestWorkspace
    /// Acme's leads: the workspace's one, then 40 more; job by index (20 management, 12
    /// technician, 8 retired; the workspace's lead has none).
    let leads: [Lead]

    init() throws {
        workspace = try TestWorkspace.make()
        let orgId = workspace.admin.orgId
        let made = try workspace.database.transaction { tx -> [Lead] in
            try (0..<40).map { index in
                var lead = Lead(orgId: orgId, name: "Lead \(index)", email: "lead\(index)@mail.example", source: index % 4 == 0 ? .referral : .website,
                                score: index * 2, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&lead)
                return lead
            }
        }
        leads = made
        var values: [Int64: [AttributeEntry]] = [:]
        for (index, lead) in made.enumerated() {
            let job = index < 20 ? "management" : index < 32 ? "technician" : "retired"
            values[lead.id!] = [AttributeEntry("job", .text(job)), AttributeEntry("age", .number(Double(20 + index))),
                                AttributeEntry("member", .yesNo(index % 2 == 0))]
        }
        try LeadAttributesFixture.write(workspace.database, orgId: orgId, specs: [
            LeadAttributeSpec(name: "job", kind: .text), LeadAttributeSpec(name: "age", kind: .number), LeadAttributeSpec(name: "member", kind: .yesNo),
        ], values: values, externalIds: [made[0].id!: "CRM-0001"])
    }

    @Test func fOffersTheSourcesThenTheAttributesThenTheirCommonValues() throws {
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.manager)
        #expect(model.total == 41)
        let choices = model.filterChoices()
        #expect(choices.first == .everySource)
        #expect(choices.count == 1 + LeadSource.allCases.count + 3)
        #expect(choices.suffix(3).map(\.label) == ["job (text)…", "age (number)…", "member (yes/no)…"])
        let job = try #require(choices[1 + LeadSource.allCases.count].attribute)
        let values = try #require(model.choose(.attribute(job)))
        #expect(values.map(\.label) == ["any job", "management  ·  20 leads", "technician  ·  12 leads", "retired  ·  8 leads"])

        // A value: only its leads, named in the filter line, the tabs without the organization's counts.
        model.choose(values[3])
        #expect(model.total == 8)
        #expect(model.attributeLabel == "job = retired")
        #expect(model.count(forTab: 0) == nil)
        #expect(Set(model.window.map(\.id)) == Set(leads[32...].map { $0.id! }))
        // With a source filter too; then the source cleared, the attribute kept.
        model.filter(source: .referral)
        #expect(model.total == 2)
        model.filter(source: nil)
        #expect(model.total == 8)
        // A search within it: the list's leads are found among the filtered ones.
        model.setSearch("lead")
        #expect(model.total == 8)
        model.setSearch("")

        // Cleared as a source is: from the same list, which offers it while a filter is set.
        let again = model.filterChoices()
        #expect(again.contains(.anyAttribute) && !choices.contains(.anyAttribute))
        #expect(model.choose(.anyAttribute) == nil)
        #expect(model.attributeLabel == nil && model.total == 41)
        // ... or from the values: "any job".
        model.choose(values[1])
        #expect(model.total == 20)
        model.choose(values[0])
        #expect(model.attribute == nil && model.total == 41)
    }

    @Test func numbersAndYesNoFilterToo() throws {
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.salesRep)
        let choices = model.filterChoices()
        let member = try #require(choices.last?.attribute)
        let values = try #require(model.choose(.attribute(member)))
        #expect(values.map(\.label) == ["any member", "no  ·  20 leads", "yes  ·  20 leads"])
        model.choose(values[2])
        #expect(model.total == 20 && model.attributeLabel == "member = yes")
        let age = try #require(choices[choices.count - 2].attribute)
        let ages = model.valueChoices(for: age, limit: 5)
        #expect(ages.count == 6)
        model.choose(ages[1])
        #expect(model.total == 1)
        #expect(model.attributeLabel == "age = 20")
    }

    @Test func anAttributeNoLeadHoldsSaysSo() throws {
        _ = try workspace.database.transaction { tx in
            try tx.ensureLeadAttributes(orgId: workspace.admin.orgId, [LeadAttributeSpec(name: "empty", kind: .text)], at: TestWorkspace.now)
        }
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.manager)
        let empty = try #require(model.filterChoices().last?.attribute)
        #expect(model.choose(.attribute(empty)) == nil)
        #expect(model.message == "No lead has a value of empty")
        #expect(model.total == 41)
    }

    @Test func anAttributeOutsideTheValueIndexIsShownNotOfferedNorSearched() throws {
        try LeadAttributesFixture.write(workspace.database, orgId: workspace.admin.orgId,
                                        specs: [LeadAttributeSpec(name: "notes", kind: .text, indexed: false)],
                                        values: [leads[5].id!: [AttributeEntry("job", .text("technician")), AttributeEntry("notes", .text("Wants a demo"))]])
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.manager)
        #expect(!model.filterChoices().contains { $0.label.hasPrefix("notes") })
        model.setSearch("wants")
        #expect(model.total == 0)
        let detail = try LeadService(database: workspace.database).detail(leadId: leads[5].id!, in: workspace.manager)
        #expect(detail.attributes.map(\.name) == ["job", "notes"])
    }

    @Test func theDetailShowsTheAttributesInTheirOrderAndTheExternalId() throws {
        let detail = try LeadService(database: workspace.database).detail(leadId: leads[0].id!, in: workspace.manager)
        #expect(detail.attributes == [AttributeEntry("job", .text("management")), AttributeEntry("age", .number(20)), AttributeEntry("member", .yesNo(true))])
        #expect(detail.externalId == "CRM-0001")
        let plain = try LeadService(database: workspace.database).detail(leadId: workspace.acmeLead.id!, in: workspace.manager)
        #expect(plain.attributes.isEmpty && plain.externalId == nil)
    }

    @Test func searchFindsAttributeValues() throws {
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.manager)
        model.setSearch("retir")
        #expect(model.total == 8)
        model.setSearch("TECHN")
        #expect(model.total == 12)
        model.setSearch("lead techn")
        #expect(model.total == 12)
    }
}
