import FunnelStore

/// The bulk inserters of the demo, one per table, with their columns in binding order.
struct DemoTables {
    let organizations: BulkInserter
    let users: BulkInserter
    let products: BulkInserter
    let agents: BulkInserter
    let workflows: BulkInserter
    let leads: BulkInserter
    let leadActions: BulkInserter
    let contacts: BulkInserter
    let deals: BulkInserter
    let content: BulkInserter
    let socialPosts: BulkInserter
    let campaigns: BulkInserter
    let runs: BulkInserter
    let activities: BulkInserter
    let roleIDs: [String: Int64]

    init(loader: BulkLoader) throws {
        func columns(_ list: String) -> [String] { list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        organizations = try loader.inserter(table: "organizations", columns: columns("id, name, slug, settings, created_at, updated_at"))
        users = try loader.inserter(table: "users", columns: columns("id, org_id, role_id, email, name, password_hash, is_active, created_at, updated_at"))
        products = try loader.inserter(table: "products", columns: columns("id, org_id, name, type, api_key, settings, created_at, updated_at"))
        agents = try loader.inserter(table: "ai_agents", columns: columns("id, org_id, name, type, config, prompts, state, is_active, created_at, updated_at"))
        workflows = try loader.inserter(table: "workflows", columns: columns("id, org_id, agent_id, name, trigger_type, steps, is_active, created_at, updated_at"))
        leads = try loader.inserter(table: "leads", columns: columns("""
            id, org_id, product_id, name, company, email, phone, phone_normalized, source, status, status_reason,
            score, assigned_to, last_action_at, created_at, updated_at
            """))
        leadActions = try loader.inserter(table: "lead_actions", columns: columns("id, lead_id, action_type, agent_id, user_id, metadata, created_at"))
        contacts = try loader.inserter(table: "contacts", columns: columns("id, org_id, lead_id, name, email, phone, company, metadata, created_at, updated_at"))
        deals = try loader.inserter(table: "deals", columns: columns("""
            id, org_id, contact_id, product_id, owner_id, title, value, stage, probability, probability_is_manual,
            close_date, lost_reason, stage_changed_at, created_at, updated_at
            """))
        content = try loader.inserter(table: "content", columns: columns("""
            id, org_id, created_by, product_id, title, body, type, status, scheduled_at, submitted_at, created_at, updated_at
            """))
        socialPosts = try loader.inserter(table: "social_posts", columns: columns("id, content_id, platform, post_id, status, metrics, published_at, created_at, updated_at"))
        campaigns = try loader.inserter(table: "email_campaigns", columns: columns("id, org_id, content_id, subject, template_id, status, sent_count, opened_count, created_at, updated_at"))
        runs = try loader.inserter(table: "workflow_runs", columns: columns("id, workflow_id, status, input, output, started_at, completed_at, error"))
        activities = try loader.inserter(table: "activities", columns: columns("id, org_id, entity_type, entity_id, action, user_id, metadata, created_at"))
        roleIDs = try loader.roleIDs()
    }
}
