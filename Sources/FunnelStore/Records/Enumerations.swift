// The enumerated values of the schema, as Swift enums.
//
// Their raw values match the CHECK constraints of the migrations (a test proves it), and
// they are plain Swift values: the layers above use them without seeing the database.

/// Where a lead came from.
public enum LeadSource: String, Codable, Sendable, CaseIterable {
    case website, referral, social, email, event
    case paidAds = "paid_ads"
    case organicSearch = "organic_search"
    case partner
    case coldOutreach = "cold_outreach"
    case `import`, other
}

/// Where a lead stands in triage.
public enum LeadStatus: String, Codable, Sendable, CaseIterable {
    case new, contacted, qualified, unqualified, converted, lost
}

/// Something a lead did, or that was done with it.
public enum LeadActionType: String, Codable, Sendable, CaseIterable {
    case emailSent = "email_sent"
    case emailOpen = "email_open"
    case emailClick = "email_click"
    case pageVisit = "page_visit"
    case formSubmit = "form_submit"
    case contentDownload = "content_download"
    case webinar
    case demoRequest = "demo_request"
    case reply, call, meeting, note, unsubscribe, bounce
}

/// The kind of a piece of content.
public enum ContentType: String, Codable, Sendable, CaseIterable {
    case blog, email, social
    case landingPage = "landing_page"
    case video, whitepaper
}

/// Where a piece of content stands in its approval and publishing life.
public enum ContentStatus: String, Codable, Sendable, CaseIterable {
    case draft
    case pendingApproval = "pending_approval"
    case approved, scheduled, published, archived
}

/// A deal's stage in the pipeline, in pipeline order (won and lost last).
public enum DealStage: String, Codable, Sendable, CaseIterable {
    case prospecting, qualification, proposal, negotiation, won, lost

    /// Whether the deal is closed (won or lost).
    public var isClosed: Bool { self == .won || self == .lost }
}

/// Why a deal was lost.
public enum LostReason: String, Codable, Sendable, CaseIterable {
    case pricing, competition, budget, timing
    case noDecision = "no_decision"
    case other
}

/// A social network a post goes to.
public enum SocialPlatform: String, Codable, Sendable, CaseIterable {
    case twitter, linkedin, facebook, instagram, tiktok, youtube, threads, mastodon
}

/// Where a social post stands.
public enum SocialPostStatus: String, Codable, Sendable, CaseIterable {
    case draft, scheduled, published, failed, deleted
}

/// Where an email campaign stands.
public enum CampaignStatus: String, Codable, Sendable, CaseIterable {
    case draft, scheduled, sending, sent, paused, cancelled
}

/// The kind of a product.
public enum ProductType: String, Codable, Sendable, CaseIterable {
    case software, hardware, service, subscription, other
}

/// What an AI agent does.
public enum AgentType: String, Codable, Sendable, CaseIterable {
    case leadScorer = "lead_scorer"
    case contentWriter = "content_writer"
    case emailResponder = "email_responder"
    case socialPublisher = "social_publisher"
    case researcher, assistant
}

/// What starts a workflow.
public enum TriggerType: String, Codable, Sendable, CaseIterable {
    case manual, schedule
    case leadCreated = "lead_created"
    case leadStatusChanged = "lead_status_changed"
    case formSubmitted = "form_submitted"
    case contentPublished = "content_published"
    case dealStageChanged = "deal_stage_changed"
    case webhook
}

/// Where a workflow run stands.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, succeeded, failed, cancelled
}

/// The kind of record an activity is about.
public enum EntityType: String, Codable, Sendable, CaseIterable {
    case organization, user, role, product, content, lead
    case socialPost = "social_post"
    case emailCampaign = "email_campaign"
    case leadAction = "lead_action"
    case aiAgent = "ai_agent"
    case workflow
    case workflowRun = "workflow_run"
    case contact, deal, `import`
}
