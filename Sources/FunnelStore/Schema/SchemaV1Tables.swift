// The tables, indexes and triggers of schema version 1, as SQL statements in order.

extension SchemaV1 {
    /// Every statement of the first migration, in the order they run.
    static var statements: [String] {
        tables + indexes + maintainedCounts + crossOrganizationGuards + searchIndexes + seedRoles
    }

    static var tables: [String] {
        [
            """
            CREATE TABLE organizations (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
              slug TEXT NOT NULL CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*' AND length(slug) <= 64),
              \(json("settings", type: "object")),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE roles (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE CHECK (name GLOB '[a-z]*' AND name NOT GLOB '*[^a-z_]*'),
              \(json("permissions", type: "array")),
              \(timestamp("created_at"))
            ) STRICT
            """,
            """
            CREATE TABLE users (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE RESTRICT,
              email TEXT NOT NULL CHECK \(emailShape("email")),
              name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
              password_hash TEXT CHECK (password_hash IS NULL OR password_hash GLOB '$argon2id$*'),
              \(flag("is_active", default: 1)),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE products (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
              \(oneOf("type", productTypes)),
              api_key TEXT UNIQUE CHECK (api_key IS NULL OR length(api_key) BETWEEN 16 AND 128),
              \(json("settings", type: "object")),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE content (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              created_by INTEGER NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
              product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
              title TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 300),
              body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 1000000),
              \(oneOf("type", contentTypes)),
              \(oneOf("status", contentStatuses)),
              \(timestamp("scheduled_at", nullable: true)),
              \(timestamp("submitted_at", nullable: true)),
              \(timestamp("created_at")),
              \(timestamp("updated_at")),
              CONSTRAINT "scheduled content needs scheduled_at" CHECK (status <> 'scheduled' OR scheduled_at IS NOT NULL),
              CONSTRAINT "content pending approval needs submitted_at" CHECK (status <> 'pending_approval' OR submitted_at IS NOT NULL)
            ) STRICT
            """,
            """
            CREATE TABLE ai_agents (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
              \(oneOf("type", agentTypes)),
              \(json("config", type: "object")),
              \(json("prompts", type: "object")),
              \(json("state", type: "object")),
              \(flag("is_active", default: 1)),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE leads (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
              name TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200),
              company TEXT CHECK (company IS NULL OR length(company) BETWEEN 1 AND 200),
              email TEXT CHECK (email IS NULL OR length(email) <= 254),
              email_normalized TEXT GENERATED ALWAYS AS (lower(trim(email))) STORED
                CHECK (email_normalized IS NULL OR \(emailShape("email_normalized"))),
              phone TEXT CHECK (phone IS NULL OR length(phone) BETWEEN 1 AND 40),
              phone_normalized TEXT CHECK (
                (phone IS NULL AND phone_normalized IS NULL) OR
                (phone_normalized GLOB '+[1-9]*' AND phone_normalized NOT GLOB '+*[^0-9]*'
                 AND length(phone_normalized) BETWEEN 8 AND 16)),
              \(oneOf("source", leadSources)),
              \(oneOf("status", leadStatuses)),
              status_reason TEXT CHECK (status_reason IS NULL OR length(status_reason) BETWEEN 1 AND 500),
              score INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
              assigned_to INTEGER REFERENCES users(id) ON DELETE SET NULL,
              \(timestamp("last_action_at", nullable: true)),
              \(timestamp("created_at")),
              \(timestamp("updated_at")),
              CONSTRAINT "a lead needs an email or a phone (email IS NOT NULL OR phone IS NOT NULL)" CHECK (email IS NOT NULL OR phone IS NOT NULL)
            ) STRICT
            """,
            """
            CREATE TABLE lead_actions (
              id INTEGER PRIMARY KEY,
              lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
              \(oneOf("action_type", leadActionTypes)),
              agent_id INTEGER REFERENCES ai_agents(id) ON DELETE SET NULL,
              user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
              \(json("metadata", type: "object")),
              \(timestamp("created_at"))
            ) STRICT
            """,
            """
            CREATE TABLE social_posts (
              id INTEGER PRIMARY KEY,
              content_id INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
              \(oneOf("platform", socialPlatforms)),
              post_id TEXT CHECK (post_id IS NULL OR length(post_id) BETWEEN 1 AND 200),
              \(oneOf("status", socialStatuses)),
              \(json("metrics", type: "object")),
              \(timestamp("published_at", nullable: true)),
              \(timestamp("created_at")),
              \(timestamp("updated_at")),
              CONSTRAINT "a published post needs published_at" CHECK (status <> 'published' OR published_at IS NOT NULL)
            ) STRICT
            """,
            """
            CREATE TABLE email_campaigns (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              content_id INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
              subject TEXT NOT NULL CHECK (length(trim(subject)) BETWEEN 1 AND 300),
              template_id TEXT CHECK (template_id IS NULL OR length(template_id) BETWEEN 1 AND 200),
              \(oneOf("status", campaignStatuses)),
              sent_count INTEGER NOT NULL DEFAULT 0 CHECK (sent_count >= 0),
              opened_count INTEGER NOT NULL DEFAULT 0 CHECK (opened_count BETWEEN 0 AND sent_count),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE workflows (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              agent_id INTEGER REFERENCES ai_agents(id) ON DELETE SET NULL,
              name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
              \(oneOf("trigger_type", triggerTypes)),
              \(json("steps", type: "array")),
              \(flag("is_active", default: 1)),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE workflow_runs (
              id INTEGER PRIMARY KEY,
              workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
              \(oneOf("status", runStatuses)),
              \(json("input", type: "object")),
              \(json("output", type: "object", nullable: true)),
              \(timestamp("started_at", nullable: true)),
              \(timestamp("completed_at", nullable: true)),
              error TEXT CHECK (error IS NULL OR length(error) BETWEEN 1 AND 10000),
              CONSTRAINT "a started run needs started_at" CHECK (status = 'pending' OR started_at IS NOT NULL),
              CONSTRAINT "a run cannot complete before it starts" CHECK (completed_at IS NULL OR completed_at >= started_at),
              CONSTRAINT "a finished run needs completed_at" CHECK (status NOT IN ('succeeded', 'failed', 'cancelled') OR completed_at IS NOT NULL),
              CONSTRAINT "a failed run needs its error" CHECK (status <> 'failed' OR error IS NOT NULL)
            ) STRICT
            """,
            """
            CREATE TABLE contacts (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              lead_id INTEGER REFERENCES leads(id) ON DELETE SET NULL,
              name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
              email TEXT CHECK (email IS NULL OR \(emailShape("email"))),
              phone TEXT CHECK (phone IS NULL OR length(phone) BETWEEN 1 AND 40),
              company TEXT CHECK (company IS NULL OR length(company) BETWEEN 1 AND 200),
              \(json("metadata", type: "object")),
              \(timestamp("created_at")),
              \(timestamp("updated_at"))
            ) STRICT
            """,
            """
            CREATE TABLE deals (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
              product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
              owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
              title TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 300),
              value INTEGER NOT NULL DEFAULT 0 CHECK (value >= 0),
              \(oneOf("stage", dealStages)),
              probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
              \(flag("probability_is_manual", default: 0)),
              close_date TEXT CHECK (close_date IS NULL OR date(close_date) = close_date),
              \(oneOf("lost_reason", lostReasons, nullable: true)),
              \(timestamp("stage_changed_at")),
              \(timestamp("created_at")),
              \(timestamp("updated_at")),
              CONSTRAINT "only a lost deal has a lost_reason" CHECK (lost_reason IS NULL OR stage = 'lost')
            ) STRICT
            """,
            """
            CREATE TABLE activities (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              \(oneOf("entity_type", entityTypes)),
              entity_id INTEGER NOT NULL,
              action TEXT NOT NULL CHECK (action GLOB '[a-z]*' AND action NOT GLOB '*[^a-z_.]*'),
              user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
              \(json("metadata", type: "object")),
              \(timestamp("created_at"))
            ) STRICT
            """,
        ]
    }

    static var indexes: [String] {
        [
            // organizations
            "CREATE UNIQUE INDEX idx_organizations_slug ON organizations(slug)",
            // users: login lookups, org timeline, active users
            "CREATE UNIQUE INDEX idx_users_email ON users(email)",
            "CREATE INDEX idx_users_org_created ON users(org_id, created_at DESC)",
            "CREATE INDEX idx_users_org_active ON users(org_id, name) WHERE is_active = 1",
            "CREATE INDEX idx_users_role ON users(role_id)",
            // products
            "CREATE INDEX idx_products_org_created ON products(org_id, created_at DESC)",
            // content
            "CREATE INDEX idx_content_org_created ON content(org_id, created_at DESC)",
            "CREATE INDEX idx_content_org_status ON content(org_id, status)",
            "CREATE INDEX idx_content_org_product_status ON content(org_id, product_id, status)",
            "CREATE INDEX idx_content_pending_approval ON content(org_id, submitted_at, id) WHERE status = 'pending_approval'",
            "CREATE INDEX idx_content_scheduled ON content(org_id, scheduled_at, id) WHERE scheduled_at IS NOT NULL",
            "CREATE INDEX idx_content_created_by ON content(created_by)",
            // leads: dedup, timeline, status, product, the triage ranking
            "CREATE INDEX idx_leads_email ON leads(org_id, email_normalized) WHERE email_normalized IS NOT NULL",
            "CREATE INDEX idx_leads_phone ON leads(org_id, phone_normalized) WHERE phone_normalized IS NOT NULL",
            "CREATE INDEX idx_leads_org_created ON leads(org_id, created_at DESC)",
            "CREATE INDEX idx_leads_org_status ON leads(org_id, status, score DESC, id)",
            "CREATE INDEX idx_leads_org_product_status ON leads(org_id, product_id, status)",
            "CREATE INDEX idx_leads_org_score ON leads(org_id, score DESC, id)",
            "CREATE INDEX idx_leads_org_owner_score ON leads(org_id, assigned_to, score DESC, id)",
            "CREATE INDEX idx_leads_assigned_to ON leads(assigned_to) WHERE assigned_to IS NOT NULL",
            // lead_actions: a lead's timeline; agent references
            // Covering for scoring (lead, time, type), so a rescoring pass reads no table rows.
            "CREATE INDEX idx_lead_actions_lead_created ON lead_actions(lead_id, created_at DESC, action_type)",
            "CREATE INDEX idx_lead_actions_agent ON lead_actions(agent_id) WHERE agent_id IS NOT NULL",
            // social_posts and email_campaigns
            "CREATE INDEX idx_social_posts_content ON social_posts(content_id)",
            "CREATE INDEX idx_social_posts_status ON social_posts(status, published_at)",
            "CREATE INDEX idx_email_campaigns_org_created ON email_campaigns(org_id, created_at DESC)",
            "CREATE INDEX idx_email_campaigns_org_status ON email_campaigns(org_id, status)",
            "CREATE INDEX idx_email_campaigns_content ON email_campaigns(content_id)",
            // agents, workflows, runs
            "CREATE INDEX idx_ai_agents_org_created ON ai_agents(org_id, created_at DESC)",
            "CREATE INDEX idx_ai_agents_org_active ON ai_agents(org_id, type) WHERE is_active = 1",
            "CREATE INDEX idx_workflows_org_created ON workflows(org_id, created_at DESC)",
            "CREATE INDEX idx_workflows_org_active ON workflows(org_id, trigger_type) WHERE is_active = 1",
            "CREATE INDEX idx_workflows_agent ON workflows(agent_id) WHERE agent_id IS NOT NULL",
            "CREATE INDEX idx_workflow_runs_monitoring ON workflow_runs(workflow_id, status, started_at)",
            // contacts
            "CREATE INDEX idx_contacts_org_created ON contacts(org_id, created_at DESC)",
            "CREATE INDEX idx_contacts_org_name ON contacts(org_id, name)",
            "CREATE INDEX idx_contacts_lead ON contacts(lead_id) WHERE lead_id IS NOT NULL",
            // deals: timeline, board columns, product, forecast
            "CREATE INDEX idx_deals_org_created ON deals(org_id, created_at DESC)",
            "CREATE INDEX idx_deals_org_stage ON deals(org_id, stage, close_date, id)",
            "CREATE INDEX idx_deals_org_product_stage ON deals(org_id, product_id, stage)",
            "CREATE INDEX idx_deals_org_close ON deals(org_id, close_date) WHERE close_date IS NOT NULL",
            "CREATE INDEX idx_deals_org_owner ON deals(org_id, owner_id, stage)",
            "CREATE INDEX idx_deals_contact ON deals(contact_id) WHERE contact_id IS NOT NULL",
            // activities: org timeline and an entity's history
            "CREATE INDEX idx_activities_org_created ON activities(org_id, created_at DESC)",
            "CREATE INDEX idx_activities_entity ON activities(entity_type, entity_id, created_at DESC)",
            "CREATE INDEX idx_activities_user ON activities(user_id) WHERE user_id IS NOT NULL",
        ]
    }

    /// Counts the panes show, kept by triggers so no screen counts a whole table.
    static var maintainedCounts: [String] {
        [
            """
            CREATE TABLE lead_status_counts (
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              status TEXT NOT NULL,
              lead_count INTEGER NOT NULL DEFAULT 0 CHECK (lead_count >= 0),
              PRIMARY KEY (org_id, status)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TRIGGER lead_status_counts_insert AFTER INSERT ON leads BEGIN
              INSERT INTO lead_status_counts(org_id, status, lead_count) VALUES (NEW.org_id, NEW.status, 1)
              ON CONFLICT(org_id, status) DO UPDATE SET lead_count = lead_count + 1;
            END
            """,
            """
            CREATE TRIGGER lead_status_counts_delete AFTER DELETE ON leads BEGIN
              UPDATE lead_status_counts SET lead_count = lead_count - 1
              WHERE org_id = OLD.org_id AND status = OLD.status;
            END
            """,
            """
            CREATE TRIGGER lead_status_counts_update AFTER UPDATE OF status, org_id ON leads
            WHEN OLD.status IS NOT NEW.status OR OLD.org_id IS NOT NEW.org_id BEGIN
              UPDATE lead_status_counts SET lead_count = lead_count - 1
              WHERE org_id = OLD.org_id AND status = OLD.status;
              INSERT INTO lead_status_counts(org_id, status, lead_count) VALUES (NEW.org_id, NEW.status, 1)
              ON CONFLICT(org_id, status) DO UPDATE SET lead_count = lead_count + 1;
            END
            """,
            """
            CREATE TABLE deal_stage_totals (
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              stage TEXT NOT NULL,
              deal_count INTEGER NOT NULL DEFAULT 0 CHECK (deal_count >= 0),
              total_value INTEGER NOT NULL DEFAULT 0,
              weighted_value INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (org_id, stage)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TRIGGER deal_stage_totals_insert AFTER INSERT ON deals BEGIN
              INSERT INTO deal_stage_totals(org_id, stage, deal_count, total_value, weighted_value)
              VALUES (NEW.org_id, NEW.stage, 1, NEW.value, NEW.value * NEW.probability / 100)
              ON CONFLICT(org_id, stage) DO UPDATE SET deal_count = deal_count + 1,
                total_value = total_value + NEW.value,
                weighted_value = weighted_value + NEW.value * NEW.probability / 100;
            END
            """,
            """
            CREATE TRIGGER deal_stage_totals_delete AFTER DELETE ON deals BEGIN
              UPDATE deal_stage_totals SET deal_count = deal_count - 1,
                total_value = total_value - OLD.value,
                weighted_value = weighted_value - OLD.value * OLD.probability / 100
              WHERE org_id = OLD.org_id AND stage = OLD.stage;
            END
            """,
            """
            CREATE TRIGGER deal_stage_totals_update AFTER UPDATE OF stage, value, probability, org_id ON deals BEGIN
              UPDATE deal_stage_totals SET deal_count = deal_count - 1,
                total_value = total_value - OLD.value,
                weighted_value = weighted_value - OLD.value * OLD.probability / 100
              WHERE org_id = OLD.org_id AND stage = OLD.stage;
              INSERT INTO deal_stage_totals(org_id, stage, deal_count, total_value, weighted_value)
              VALUES (NEW.org_id, NEW.stage, 1, NEW.value, NEW.value * NEW.probability / 100)
              ON CONFLICT(org_id, stage) DO UPDATE SET deal_count = deal_count + 1,
                total_value = total_value + NEW.value,
                weighted_value = weighted_value + NEW.value * NEW.probability / 100;
            END
            """,
            """
            CREATE TABLE content_status_counts (
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              status TEXT NOT NULL,
              content_count INTEGER NOT NULL DEFAULT 0 CHECK (content_count >= 0),
              PRIMARY KEY (org_id, status)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TRIGGER content_status_counts_insert AFTER INSERT ON content BEGIN
              INSERT INTO content_status_counts(org_id, status, content_count) VALUES (NEW.org_id, NEW.status, 1)
              ON CONFLICT(org_id, status) DO UPDATE SET content_count = content_count + 1;
            END
            """,
            """
            CREATE TRIGGER content_status_counts_delete AFTER DELETE ON content BEGIN
              UPDATE content_status_counts SET content_count = content_count - 1
              WHERE org_id = OLD.org_id AND status = OLD.status;
            END
            """,
            """
            CREATE TRIGGER content_status_counts_update AFTER UPDATE OF status, org_id ON content
            WHEN OLD.status IS NOT NEW.status OR OLD.org_id IS NOT NEW.org_id BEGIN
              UPDATE content_status_counts SET content_count = content_count - 1
              WHERE org_id = OLD.org_id AND status = OLD.status;
              INSERT INTO content_status_counts(org_id, status, content_count) VALUES (NEW.org_id, NEW.status, 1)
              ON CONFLICT(org_id, status) DO UPDATE SET content_count = content_count + 1;
            END
            """,
            """
            CREATE TRIGGER lead_actions_touch_lead AFTER INSERT ON lead_actions BEGIN
              UPDATE leads SET last_action_at = NEW.created_at
              WHERE id = NEW.lead_id AND (last_action_at IS NULL OR last_action_at < NEW.created_at);
            END
            """,
        ]
    }

    /// Triggers that keep every reference inside one organization.
    static var crossOrganizationGuards: [String] {
        sameOrganization(table: "content", column: "created_by", parent: "users")
            + sameOrganization(table: "content", column: "product_id", parent: "products")
            + sameOrganization(table: "leads", column: "product_id", parent: "products")
            + sameOrganization(table: "leads", column: "assigned_to", parent: "users")
            + sameOrganization(table: "email_campaigns", column: "content_id", parent: "content")
            + sameOrganization(table: "workflows", column: "agent_id", parent: "ai_agents")
            + sameOrganization(table: "contacts", column: "lead_id", parent: "leads")
            + sameOrganization(table: "deals", column: "contact_id", parent: "contacts")
            + sameOrganization(table: "deals", column: "product_id", parent: "products")
            + sameOrganization(table: "deals", column: "owner_id", parent: "users")
            + sameOrganization(table: "activities", column: "user_id", parent: "users")
    }

    static var searchIndexes: [String] {
        fullTextSearch(table: "leads", columns: ["name", "email", "company"])
            + fullTextSearch(table: "contacts", columns: ["name", "email", "company"])
            + fullTextSearch(table: "deals", columns: ["title"])
            + fullTextSearch(table: "content", columns: ["title", "body"])
    }

    /// The built-in roles. Permissions are strings the services check; `admin` allows all.
    static var seedRoles: [String] {
        let now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        let roles: [(String, String)] = [
            ("admin", #"["admin"]"#),
            ("manager", #"["leads.view","leads.edit","leads.assign","leads.merge","leads.convert","deals.view","deals.edit","content.view","content.edit","content.submit","content.schedule","content.approve","users.view","data.import","data.export"]"#),
            ("sales_rep", #"["leads.view","leads.edit","leads.assign","leads.merge","leads.convert","deals.view","deals.edit","content.view"]"#),
            ("marketer", #"["leads.view","deals.view","content.view","content.edit","content.submit","content.schedule","content.approve","data.export"]"#),
            ("viewer", #"["leads.view","deals.view","content.view"]"#),
        ]
        return roles.map { name, permissions in
            "INSERT INTO roles(name, permissions, created_at) VALUES ('\(name)', '\(permissions)', \(now))"
        }
    }
}
