/// The names of the schema's parts, for reports and checks.
public enum SchemaCatalog {
    /// The fifteen tables of the platform's schema document.
    public static let platformTables = [
        "organizations", "users", "roles", "products", "content", "leads", "social_posts",
        "email_campaigns", "lead_actions", "ai_agents", "workflows", "workflow_runs",
        "contacts", "deals", "activities",
    ]

    /// The allowed values of each enumerated column, as the migrations' CHECK constraints list them.
    public static let enumeratedColumns: [String: [String]] = [
        "leads.status": SchemaV1.leadStatuses,
        "leads.source": SchemaV1.leadSources,
        "content.type": SchemaV1.contentTypes,
        "content.status": SchemaV1.contentStatuses,
        "deals.stage": SchemaV1.dealStages,
        "deals.lost_reason": SchemaV1.lostReasons,
        "social_posts.platform": SchemaV1.socialPlatforms,
        "social_posts.status": SchemaV1.socialStatuses,
        "email_campaigns.status": SchemaV1.campaignStatuses,
        "lead_actions.action_type": SchemaV1.leadActionTypes,
        "products.type": SchemaV1.productTypes,
        "ai_agents.type": SchemaV1.agentTypes,
        "workflows.trigger_type": SchemaV1.triggerTypes,
        "workflow_runs.status": SchemaV1.runStatuses,
        "activities.entity_type": SchemaV1.entityTypes,
    ]
}
