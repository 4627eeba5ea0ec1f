import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Scores are explainable: the rules shown add up to the score, always.
@Suite struct ScoringTests {
    let model = LeadScoringModel.standard
    let now = TestWorkspace.now

    func lead(source: LeadSource = .referral, email: String? = "ana@initech.example", phone: String? = "+1 415 555 0100",
              company: String? = "Initech", product: Int64? = 1) -> Lead {
        Lead(orgId: 1, productId: product, name: "Ana", company: company, email: email, phone: phone, source: source, createdAt: now, updatedAt: now)
    }

    @Test func fitRulesAreNamedAndCounted() {
        let explanation = model.explain(lead(), actions: [])
        #expect(explanation.rules.map(\.label) == [
            "Source: referral", "Business email (initech.example)", "Phone number given", "Company known", "Interested in a product",
        ])
        #expect(explanation.score == 40)  // 15 + 10 + 5 + 5 + 5 = 40, exactly the fit cap
        #expect(explanation.grade == .c)
    }

    @Test func freeMailCostsPointsAndTheCapShows() {
        let free = model.explain(lead(email: "ana@gmail.com"), actions: [])
        #expect(free.rules.contains { $0.label == "Free-mail address (gmail.com)" && $0.points == -5 })
        #expect(free.score == 25)
        var generous = model
        generous.businessEmailPoints = 30
        let capped = generous.explain(lead(), actions: [])
        #expect(capped.rules.last?.label == "Fit capped at 40")
        #expect(capped.rules.last?.points == -20)
        #expect(capped.score == 40)
    }

    @Test func actionsDecayWithAHalfLife() {
        #expect(model.decayedPoints(.demoRequest, ageDays: 0) == 20)
        #expect(abs(model.decayedPoints(.demoRequest, ageDays: 30) - 10) < 0.01)
        #expect(abs(model.decayedPoints(.demoRequest, ageDays: 60) - 5) < 0.01)
        #expect(abs(model.decayedPoints(.demoRequest, ageDays: 45) - 20 * pow(0.5, 1.5)) < 0.05)
        let explanation = model.explain(lead(), actions: [ScoredAction(type: .demoRequest, ageDays: 30), ScoredAction(type: .demoRequest, ageDays: 0)])
        let rule = explanation.rules.first { $0.group == .engagement }
        #expect(rule?.label.hasPrefix("2 × demo request") == true)
        #expect(rule?.points == 30)
        #expect(explanation.score == 70)
    }

    @Test func unsubscribesAndBouncesRemovePointsAndScoresStopAtZero() {
        let explanation = model.explain(lead(source: .coldOutreach, email: "x@gmail.com", phone: nil, company: nil, product: nil),
                                        actions: [ScoredAction(type: .unsubscribe, ageDays: 0), ScoredAction(type: .bounce, ageDays: 0)])
        #expect(explanation.score == 0)
        #expect(explanation.rules.last?.label == "Scores stop at 0")
        #expect(explanation.rules.map(\.points).reduce(0, +) == 0)
    }

    /// For many random leads and histories, the shown points add up to the score.
    @Test func theShownPointsAlwaysAddUpToTheScore() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let actions = (0..<Int.random(in: 0...25, using: &generator)).map { _ in
                ScoredAction(type: LeadActionType.allCases.randomElement(using: &generator)!, ageDays: Double.random(in: 0...400, using: &generator))
            }
            let candidate = lead(source: LeadSource.allCases.randomElement(using: &generator)!,
                                 email: Bool.random(using: &generator) ? "a@gmail.com" : "a@corp.example",
                                 phone: Bool.random(using: &generator) ? "+1 212 555 0100" : nil,
                                 company: Bool.random(using: &generator) ? "Corp" : nil,
                                 product: Bool.random(using: &generator) ? 1 : nil)
            let explanation = model.explain(candidate, actions: actions)
            #expect(explanation.rules.map(\.points).reduce(0, +) == explanation.score)
            #expect((0...100).contains(explanation.score))
            // The explanation's total is the score the fast path computes.
            let fit = model.fitPoints(source: candidate.source, email: candidate.email, hasPhone: candidate.phone != nil,
                                      hasCompany: candidate.company != nil, hasProduct: candidate.productId != nil)
            let engagement = model.engagement(actions.reduce(0) { $0 + model.decayedPoints($1.type, ageDays: $1.ageDays) })
            #expect(model.score(fit: fit, engagement: engagement) == explanation.score)
        }
    }

    @Test func organizationSettingsChangeTheModel() throws {
        let json = #"{"scoring":{"half_life_days":10,"source_points":{"event":25,"nonsense":3},"grade_a":90}}"#
        let settings = try JSONDecoder().decode(OrganizationSettings.self, from: Data(json.utf8))
        let model = settings.scoring.model
        #expect(model.halfLifeDays == 10)
        #expect(model.sourcePoints[.event] == 25)
        #expect(model.grade(for: 85) == .b)
        #expect(settings.scoring.unknownNames == ["source_points.nonsense"])
    }

    @Test func rescoringEveryLeadMatchesTheExplanations() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("score.sqlite")
        _ = try DemoWorkspaceBuilder(options: DemoOptions(leads: 1_500, seed: 3, referenceDate: Date(timeIntervalSince1970: 1_770_681_600))).build(at: path)
        let database = try AppDatabase.open(path: path)
        let session = try IdentityService(database: database).signIn(email: DemoWorkspaceBuilder.managerEmail, password: nil)
        let later = Date(timeIntervalSince1970: 1_770_681_600 + 40 * 86_400)
        let scoring = ScoringService(database: database, clock: { later })
        var reported: [(Int, Int)] = []
        let result = try scoring.rescoreAll(in: session) { done, total in
            reported.append((done, total))
            return true
        }
        #expect(result.completed)
        #expect(result.leadsScanned == 1_200)  // Northwind's 80 %
        #expect(result.scoresChanged > 0)  // 40 days of decay lower engagement
        #expect(reported.last?.0 == 1_200)
        let leads = try LeadService(database: database).list(LeadFilter(), limit: 40, in: session)
        for item in leads {
            #expect(try scoring.explanation(leadId: item.id, in: session).score == item.lead.score)
        }
    }
}

/// A stored score goes stale as points decay: opening the lead brings it up to date where the
/// session may write scores, so the list and the explanation agree.
@Suite struct StaleScoreTests {
    @Test func openingADecayedLeadRescoresItForAnEditorOnly() throws {
        let workspace = try TestWorkspace.make()
        let leadId = workspace.acmeLead.id!
        let orgId = workspace.admin.orgId
        // A meeting today, scored at once by logging it.
        let today = LeadService(database: workspace.database, clock: { TestWorkspace.now })
        try today.logAction(.meeting, note: "kick-off", on: leadId, in: workspace.manager)
        let scored = try workspace.database.snapshot { try $0.require(Lead.self, id: leadId, orgId: orgId) }.score
        // Ninety days on, the meeting's points have halved three times.
        let later = TestWorkspace.now.addingTimeInterval(90 * 86_400)
        let service = LeadService(database: workspace.database, clock: { later })
        let seenByViewer = try service.detail(leadId: leadId, in: workspace.viewer)
        #expect(seenByViewer.explanation.score < scored)
        #expect(seenByViewer.item.lead.score == scored, "a viewer may not write scores: the detail shows both")
        let seenByManager = try service.detail(leadId: leadId, in: workspace.manager)
        #expect(seenByManager.item.lead.score == seenByManager.explanation.score)
        #expect(try workspace.database.snapshot { try $0.require(Lead.self, id: leadId, orgId: orgId) }.score == seenByManager.explanation.score)
        // Opening it again writes nothing more: the score is up to date.
        #expect(try workspace.database.writeScore(seenByManager.explanation.score, leadId: leadId, orgId: orgId) == false)
        // And nobody reaches another organization's lead this way.
        #expect(throws: ServiceError.self) { try service.detail(leadId: workspace.globexLead.id!, in: workspace.manager) }
    }
}

/// Changing the scoring settings rescores, and only administrators may.
@Suite struct ScoringSettingsTests {
    @Test func changingTheSettingsRescoresEveryLead() throws {
        let workspace = try TestWorkspace.make()
        let service = ScoringSettingsService(database: workspace.database, clock: { TestWorkspace.now })
        #expect(throws: ServiceError.permissionDenied(permission: .admin, user: "manager@acme.test", role: "manager")) {
            try service.update(json: "{}", in: workspace.manager)
        }
        #expect(throws: ServiceError.invalid(field: "scoring settings", problem: "unknown names: source_points.webinar")) {
            try service.update(json: #"{"source_points":{"webinar":3}}"#, in: workspace.admin)
        }
        let (session, result) = try service.update(json: #"{"source_points":{"website":30},"fit_cap":60}"#, in: workspace.admin)
        #expect(result.scoresChanged == 1)
        #expect(ScoringService(database: workspace.database).model(for: session).sourcePoints[.website] == 30)
        let lead = try workspace.database.snapshot { try $0.require(Lead.self, id: workspace.acmeLead.id!, orgId: workspace.admin.orgId) }
        #expect(lead.score == 50)  // website 30 + business email 10 + phone 5 + company 5
        let history = try workspace.database.snapshot { try $0.activities(orgId: workspace.admin.orgId, entityType: .organization, entityId: workspace.admin.orgId) }
        #expect(history.first?.action == "scoring_changed")
        // The other organization's lead was not rescored.
        #expect(try workspace.database.snapshot { try $0.require(Lead.self, id: workspace.globexLead.id!, orgId: workspace.otherAdmin.orgId) }.score == 0)
    }
}
