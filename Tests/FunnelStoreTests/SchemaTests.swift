import Foundation
import FunnelStore
import FunnelTestSupport
import GRDB
import Testing

/// The schema holds every table, column and index of the platform's schema document.
@Suite struct SchemaTests {
    /// The columns the schema document names, table by table.
    static let documentColumns: [String: [String]] = [
        "organizations": ["id", "name", "slug", "settings", "created_at"],
        "users": ["id", "org_id", "role_id", "email", "password_hash", "is_active", "created_at"],
        "roles": ["id", "name", "permissions", "created_at"],
        "products": ["id", "org_id", "name", "type", "api_key", "settings"],
        "content": ["id", "org_id", "created_by", "product_id", "title", "body", "type", "status", "scheduled_at"],
        "leads": ["id", "org_id", "product_id", "email", "phone", "source", "status", "score", "assigned_to"],
        "social_posts": ["id", "content_id", "platform", "post_id", "status", "metrics", "published_at"],
        "email_campaigns": ["id", "content_id", "subject", "template_id", "status", "sent_count", "opened_count"],
        "lead_actions": ["id", "lead_id", "action_type", "agent_id", "metadata", "created_at"],
        "ai_agents": ["id", "org_id", "name", "type", "config", "prompts", "state", "is_active"],
        "workflows": ["id", "org_id", "agent_id", "name", "trigger_type", "steps", "is_active", "created_at"],
        "workflow_runs": ["id", "workflow_id", "status", "input", "output", "started_at", "completed_at", "error"],
        "contacts": ["id", "org_id", "lead_id", "name", "email", "phone", "company", "metadata"],
        "deals": ["id", "org_id", "contact_id", "product_id", "title", "value", "stage", "probability", "close_date"],
        "activities": ["id", "org_id", "entity_type", "entity_id", "action", "user_id", "metadata", "created_at"],
    ]

    @Test func everyTableOfTheDocumentHasEveryColumn() throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase.open(path: folder.file("schema.sqlite"))
        _ = database
        let queue = try DatabaseQueue(path: folder.file("schema.sqlite"))
        try queue.read { db in
            #expect(Set(SchemaCatalog.platformTables) == Set(Self.documentColumns.keys))
            for (table, columns) in Self.documentColumns {
                let actual = try db.columns(in: table).map(\.name)
                for column in columns {
                    #expect(actual.contains(column), "\(table).\(column) is missing")
                }
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                #expect(sql.hasSuffix("STRICT"), "\(table) is not STRICT")
            }
        }
    }

    @Test func everyIndexOfTheStrategyExists() throws {
        let database = try AppDatabase.inMemory()
        let indexes = try database.indexDefinitions()
        func has(_ table: String, _ columns: String, partial: String? = nil) -> Bool {
            indexes.contains { index in
                index.table == table && index.columns.hasPrefix(columns) && (partial.map { index.sql.contains($0) } ?? true)
            }
        }
        // Every org_id leads at least one index of its table.
        for table in ["users", "products", "content", "leads", "ai_agents", "workflows", "contacts", "deals", "activities", "email_campaigns"] {
            #expect(has(table, "org_id"), "no index starts with \(table).org_id")
            #expect(has(table, "org_id,created_at DESC"), "no (org_id, created_at DESC) on \(table)")
        }
        #expect(indexes.contains { $0.table == "users" && $0.columns == "email" && $0.isUnique })
        #expect(has("leads", "org_id,email_normalized"))
        #expect(has("leads", "org_id,phone_normalized"))
        for table in ["content", "leads", "email_campaigns"] { #expect(has(table, "org_id,status"), "(org_id, status) on \(table)") }
        #expect(has("leads", "org_id,product_id,status"))
        #expect(has("content", "org_id,product_id,status"))
        #expect(has("workflow_runs", "workflow_id,status,started_at"))
        #expect(has("users", "org_id", partial: "WHERE is_active = 1"))
        #expect(has("ai_agents", "org_id", partial: "WHERE is_active = 1"))
        #expect(has("workflows", "org_id", partial: "WHERE is_active = 1"))
        #expect(has("content", "org_id,submitted_at", partial: "WHERE status = 'pending_approval'"))
        #expect(has("content", "org_id,scheduled_at", partial: "WHERE scheduled_at IS NOT NULL"))
        #expect(has("leads", "org_id,score DESC"))
    }

    @Test func enumeratedColumnsMatchTheSwiftEnums() {
        let swift: [String: [String]] = [
            "leads.status": LeadStatus.allCases.map(\.rawValue), "leads.source": LeadSource.allCases.map(\.rawValue),
            "content.type": ContentType.allCases.map(\.rawValue), "content.status": ContentStatus.allCases.map(\.rawValue),
            "deals.stage": DealStage.allCases.map(\.rawValue), "deals.lost_reason": LostReason.allCases.map(\.rawValue),
            "social_posts.platform": SocialPlatform.allCases.map(\.rawValue),
            "social_posts.status": SocialPostStatus.allCases.map(\.rawValue),
            "email_campaigns.status": CampaignStatus.allCases.map(\.rawValue),
            "lead_actions.action_type": LeadActionType.allCases.map(\.rawValue),
            "products.type": ProductType.allCases.map(\.rawValue), "ai_agents.type": AgentType.allCases.map(\.rawValue),
            "workflows.trigger_type": TriggerType.allCases.map(\.rawValue),
            "workflow_runs.status": RunStatus.allCases.map(\.rawValue),
            "activities.entity_type": EntityType.allCases.map(\.rawValue),
        ]
        #expect(swift == SchemaCatalog.enumeratedColumns)
        #expect(SchemaCatalog.enumeratedColumns["content.status"]?.contains("pending_approval") == true)
    }

    @Test func aNewFileIsPrivateInWALModeWithForeignKeys() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("private.sqlite")
        let database = try AppDatabase.open(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let diagnosis = try database.diagnose()
        #expect(diagnosis.journalMode == "wal")
        #expect(diagnosis.isHealthy)
        #expect(try database.schemaVersion() == 9)
    }
}
