import Foundation
import FunnelStore
import FunnelTestSupport
import Testing

/// Team mode's security, held by PostgreSQL itself (Sources/FunnelStore/Postgres/SQL/security.sql): as each role of
/// each organization, signed in through `psql` with its own password, try to read and write every
/// table of the other organization and each forbidden thing (approving one's own content,
/// changing one's own role or permissions, editing or deleting activities, writing in another's
/// name). None may succeed; what each role may do in its own organization still works.
@Suite(.serialized) struct TenantSecurityTests {
    static let roles = ["admin", "manager", "sales_rep", "marketer", "viewer"]
    static let organizations = ["acme", "globex"]

    /// One database with the schema and its security, two organizations, a user of each role in
    /// each (a PostgreSQL role each), and a row of every table in each.
    struct Fixture {
        let admin: String
        let database: String
        let token: String
        /// Login role and password of each (organization, Funnel role).
        var logins: [String: (role: String, password: String)] = [:]
        /// Ids by "org.table" (and "org.user.ROLE").
        var ids: [String: Int64] = [:]

        /// An id the fixture made (a missing one fails the test: an attack must aim at a real row).
        func id(_ org: String, _ key: String) -> Int64 {
            guard let id = ids["\(org).\(key)"] else {
                Issue.record("the fixture has no \(org).\(key)")
                return -1
            }
            return id
        }
    }

    static func makeFixture() throws -> Fixture {
        let token = "t" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresSandbox.freshDatabase("funnel_\(token)")
        for file in ["schema.sql", "security.sql"] {
            let sql = try String(contentsOfFile: Repository.root + "/Sources/FunnelStore/Postgres/SQL/" + file, encoding: .utf8)
            let applied = try PostgresSandbox.psql(admin, sql)
            try #require(applied.status == 0, "\(file): \(applied.standardError)")
        }
        var fixture = Fixture(admin: admin, database: "funnel_\(token)", token: token)
        var seed = "BEGIN;\n"
        for org in organizations {
            seed += """
                INSERT INTO organizations(name, slug, created_at, updated_at) VALUES ('\(org.capitalized)', '\(org)', now(), now());

                """
            for role in roles {
                let login = "\(token)_\(org)_\(role)"
                let password = UUID().uuidString
                fixture.logins["\(org).\(role)"] = (login, password)
                seed += """
                    CREATE ROLE \(login) LOGIN PASSWORD '\(password)' IN ROLE funnel_users;
                    INSERT INTO users(org_id, role_id, email, name, db_role, created_at, updated_at)
                      SELECT o.id, r.id, '\(role).\(token)@\(org).example', '\(org) \(role)', '\(login)', now(), now()
                      FROM organizations o, roles r WHERE o.slug = '\(org)' AND r.name = '\(role)';

                    """
            }
            let org_ = "(SELECT id FROM organizations WHERE slug = '\(org)')"
            let user = { (role: String) in "(SELECT id FROM users WHERE db_role = '\(token)_\(org)_\(role)')" }
            seed += """
                INSERT INTO products(org_id, name, type, created_at, updated_at) VALUES (\(org_), 'Product', 'software', now(), now());
                INSERT INTO ai_agents(org_id, name, type, created_at, updated_at) VALUES (\(org_), 'Agent', 'assistant', now(), now());
                INSERT INTO leads(org_id, name, email, source, status, created_at, updated_at) VALUES (\(org_), 'Lead', 'lead@\(org).example', 'website', 'new', now(), now());
                INSERT INTO lead_actions(lead_id, action_type, created_at) SELECT max(id), 'call', now() FROM leads WHERE org_id = \(org_);
                INSERT INTO contacts(org_id, name, created_at, updated_at) VALUES (\(org_), 'Contact', now(), now());
                INSERT INTO deals(org_id, title, value, stage, probability, stage_changed_at, created_at, updated_at) VALUES (\(org_), 'Deal', 100, 'proposal', 50, now(), now(), now());
                INSERT INTO workflows(org_id, name, trigger_type, created_at, updated_at) VALUES (\(org_), 'Flow', 'manual', now(), now());
                INSERT INTO workflow_runs(workflow_id, status) SELECT max(id), 'pending' FROM workflows WHERE org_id = \(org_);
                INSERT INTO activities(org_id, entity_type, entity_id, action, user_id, created_at) VALUES (\(org_), 'lead', 1, 'created', \(user("admin")), now());
                INSERT INTO lead_attributes(org_id, name, kind, created_at) VALUES (\(org_), 'job', 'text', now());
                INSERT INTO lead_attribute_values(attribute_id, value, lead_id)
                  SELECT (SELECT max(id) FROM lead_attributes WHERE org_id = \(org_)), '"x"', (SELECT max(id) FROM leads WHERE org_id = \(org_));
                INSERT INTO imports(org_id, number, entity, mode, file, status, created_at) VALUES (\(org_), 1, 'leads', 'create', 'f.csv', 'done', now());
                INSERT INTO import_rows(import_id, row_id, line) SELECT max(id), 1, 2 FROM imports WHERE org_id = \(org_);
                INSERT INTO import_linked_rows(import_id, row_table, row_id, line) SELECT max(id), 'leads', 1, 2 FROM imports WHERE org_id = \(org_);
                INSERT INTO scoring_models(org_id, version, created_at, outcomes, converted, cv_auc, model) VALUES (\(org_), 1, now(), 10, 2, 0.7, '{}');

                """
            // Content by each role, pending approval (the queue) and approved.
            for role in roles {
                seed += """
                    INSERT INTO content(org_id, created_by, title, type, status, submitted_at, created_at, updated_at)
                      VALUES (\(org_), \(user(role)), 'By \(role)', 'blog', 'pending_approval', now(), now(), now());
                    INSERT INTO content(org_id, created_by, title, type, status, created_at, updated_at)
                      VALUES (\(org_), \(user(role)), 'Approved, by \(role)', 'blog', 'approved', now(), now());

                    """
            }
            seed += """
                INSERT INTO email_campaigns(org_id, content_id, subject, status, created_at, updated_at)
                  SELECT \(org_), max(id), 'Subject', 'draft', now(), now() FROM content WHERE org_id = \(org_);
                INSERT INTO social_posts(content_id, platform, status, created_at, updated_at)
                  SELECT max(id), 'linkedin', 'draft', now(), now() FROM content WHERE org_id = \(org_);

                """
        }
        seed += "COMMIT;\n"
        let seeded = try PostgresSandbox.psql(admin, seed)
        try #require(seeded.status == 0, "seed: \(seeded.standardError)")
        // The ids the attempts aim at.
        let tables = ["organizations", "users", "products", "content", "ai_agents", "leads", "lead_actions", "social_posts", "email_campaigns",
                      "workflows", "workflow_runs", "contacts", "deals", "activities", "lead_attributes", "imports", "scoring_models"]
        var query = tables.map { table -> String in
            let org = ["lead_actions": "(SELECT org_id FROM leads WHERE id = t.lead_id)", "social_posts": "(SELECT org_id FROM content WHERE id = t.content_id)",
                       "workflow_runs": "(SELECT org_id FROM workflows WHERE id = t.workflow_id)", "organizations": "t.id"][table] ?? "t.org_id"
            return "SELECT o.slug || '.\(table)', max(t.id) FROM \(table) t JOIN organizations o ON o.id = \(org) GROUP BY o.slug"
        }
        query.append("SELECT o.slug || '.user.' || r.name, u.id FROM users u JOIN organizations o ON o.id = u.org_id JOIN roles r ON r.id = u.role_id")
        query.append("SELECT o.slug || '.content.' || r.name, c.id FROM content c JOIN users u ON u.id = c.created_by JOIN roles r ON r.id = u.role_id JOIN organizations o ON o.id = c.org_id WHERE c.status = 'pending_approval'")
        let listed = try PostgresSandbox.psql(admin, query.joined(separator: "\nUNION ALL\n") + ";")
        try #require(listed.status == 0, "\(listed.standardError)")
        for line in listed.standardOutput.split(separator: "\n") {
            let parts = line.split(separator: "|")
            if parts.count == 2, let id = Int64(parts[1]) { fixture.ids[String(parts[0])] = id }
        }
        return fixture
    }

    static func dropFixture(_ fixture: Fixture) throws {
        let admin = try PostgresSandbox.adminURL()
        var sql = "DROP DATABASE IF EXISTS \(fixture.database) WITH (FORCE);\n"
        for (role, _) in fixture.logins.values { sql += "DROP ROLE IF EXISTS \(role);\n" }
        try PostgresSandbox.psql(admin, sql)
    }

    /// How an attempt succeeds: it read a row, it wrote a row, or it ran at all.
    enum Kind { case read, write, runs }

    /// What a role of `org` tries against `other`: each read must find nothing, each write must
    /// fail or touch nothing.
    static func attacks(_ f: Fixture, org: String, other: String) -> [(String, Kind, String)] {
        let o = f.id(other, "organizations")
        let lead = f.id(other, "leads"), content = f.id(other, "content.marketer"), import_ = f.id(other, "imports")
        let workflow = f.id(other, "workflows"), attribute = f.id(other, "lead_attributes")
        var list: [(String, Kind, String)] = []
        // Tables with an org_id: read, change, delete their rows.
        let scoped: [(String, String)] = [
            ("users", "name"), ("products", "name"), ("content", "title"), ("ai_agents", "name"), ("leads", "name"),
            ("email_campaigns", "subject"), ("workflows", "name"), ("contacts", "name"), ("deals", "title"), ("activities", "action"),
            ("lead_attributes", "name"), ("imports", "file"), ("scoring_models", "outcomes"),
            ("lead_status_counts", "lead_count"), ("deal_stage_totals", "deal_count"), ("content_status_counts", "content_count"),
        ]
        for (table, column) in scoped {
            list.append(("read \(table)", .read, "SELECT 1 FROM \(table) WHERE org_id = \(o)"))
            list.append(("change \(table)", .write, "UPDATE \(table) SET \(column) = \(column) WHERE org_id = \(o)"))
            list.append(("delete \(table)", .write, "DELETE FROM \(table) WHERE org_id = \(o)"))
        }
        // The search's function runs as the owner (to read the full-text index): it answers a user
        // for their own organization only.
        list.append(("find leads through the search's function", .read, "SELECT * FROM funnel_lead_matches(\(o), 'lead:*'::tsquery, NULL)"))
        list.append(("read organizations", .read, "SELECT 1 FROM organizations WHERE id = \(o)"))
        list.append(("change organizations", .write, "UPDATE organizations SET name = 'Taken' WHERE id = \(o)"))
        list.append(("delete organizations", .write, "DELETE FROM organizations WHERE id = \(o)"))
        // Tables under a parent: by the other organization's parent.
        let children: [(String, String, String)] = [
            ("lead_actions", "lead_id = \(lead)", "metadata"), ("social_posts", "content_id IN (SELECT id FROM content WHERE org_id = \(o))", "post_id"),
            ("workflow_runs", "workflow_id = \(workflow)", "error"), ("import_rows", "import_id = \(import_)", "line"),
            ("import_linked_rows", "import_id = \(import_)", "line"), ("lead_attribute_values", "attribute_id = \(attribute)", "value"),
        ]
        for (table, condition, column) in children {
            list.append(("read \(table)", .read, "SELECT 1 FROM \(table) WHERE \(condition)"))
            list.append(("change \(table)", .write, "UPDATE \(table) SET \(column) = \(column) WHERE \(condition)"))
            list.append(("delete \(table)", .write, "DELETE FROM \(table) WHERE \(condition)"))
        }
        // Rows written into the other organization.
        let viewer = f.id(other, "user.viewer"), marketer = f.id(other, "user.marketer")
        let inserts: [(String, String)] = [
            ("organizations", "INSERT INTO organizations(name, slug, created_at, updated_at) VALUES ('Evil', 'evil-\(org)', now(), now())"),
            ("users", "INSERT INTO users(org_id, role_id, email, name, created_at, updated_at) VALUES (\(o), (SELECT id FROM roles WHERE name = 'admin'), 'evil.\(org)@evil.example', 'Evil', now(), now())"),
            ("products", "INSERT INTO products(org_id, name, type, created_at, updated_at) VALUES (\(o), 'Evil', 'software', now(), now())"),
            ("content", "INSERT INTO content(org_id, created_by, title, type, status, created_at, updated_at) VALUES (\(o), \(marketer), 'Evil', 'blog', 'draft', now(), now())"),
            ("ai_agents", "INSERT INTO ai_agents(org_id, name, type, created_at, updated_at) VALUES (\(o), 'Evil', 'assistant', now(), now())"),
            ("leads", "INSERT INTO leads(org_id, email, source, status, created_at, updated_at) VALUES (\(o), 'evil@evil.example', 'website', 'new', now(), now())"),
            ("lead_actions", "INSERT INTO lead_actions(lead_id, action_type, created_at) VALUES (\(lead), 'call', now())"),
            ("social_posts", "INSERT INTO social_posts(content_id, platform, status, created_at, updated_at) VALUES (\(content), 'twitter', 'draft', now(), now())"),
            ("email_campaigns", "INSERT INTO email_campaigns(org_id, content_id, subject, status, created_at, updated_at) VALUES (\(o), \(content), 'Evil', 'draft', now(), now())"),
            ("workflows", "INSERT INTO workflows(org_id, name, trigger_type, created_at, updated_at) VALUES (\(o), 'Evil', 'manual', now(), now())"),
            ("workflow_runs", "INSERT INTO workflow_runs(workflow_id, status) VALUES (\(workflow), 'pending')"),
            ("contacts", "INSERT INTO contacts(org_id, name, created_at, updated_at) VALUES (\(o), 'Evil', now(), now())"),
            ("deals", "INSERT INTO deals(org_id, title, value, stage, probability, stage_changed_at, created_at, updated_at) VALUES (\(o), 'Evil', 1, 'proposal', 1, now(), now(), now())"),
            ("activities", "INSERT INTO activities(org_id, entity_type, entity_id, action, user_id, created_at) VALUES (\(o), 'lead', \(lead), 'evil', funnel_me(), now())"),
            ("activities as them", "INSERT INTO activities(org_id, entity_type, entity_id, action, user_id, created_at) VALUES (\(o), 'lead', \(lead), 'evil', \(viewer), now())"),
            ("lead_attributes", "INSERT INTO lead_attributes(org_id, name, kind, created_at) VALUES (\(o), 'evil', 'text', now())"),
            ("lead_attribute_values", "INSERT INTO lead_attribute_values(attribute_id, value, lead_id) VALUES (\(attribute), '\"evil\"', \(lead))"),
            ("imports", "INSERT INTO imports(org_id, number, entity, mode, file, status, created_at) VALUES (\(o), 99, 'leads', 'create', 'evil', 'done', now())"),
            ("import_rows", "INSERT INTO import_rows(import_id, row_id, line) VALUES (\(import_), 99, 1)"),
            ("import_linked_rows", "INSERT INTO import_linked_rows(import_id, row_table, row_id, line) VALUES (\(import_), 'leads', 99, 1)"),
            ("scoring_models", "INSERT INTO scoring_models(org_id, version, created_at, outcomes, converted, cv_auc, model) VALUES (\(o), 99, now(), 0, 0, 0.5, '{}')"),
            ("lead_status_counts", "INSERT INTO lead_status_counts(org_id, status, lead_count) VALUES (\(o), 'lost', 1000)"),
            ("an attribute value of one's own on their lead",
             "INSERT INTO lead_attribute_values(attribute_id, value, lead_id) VALUES ((SELECT max(id) FROM lead_attributes WHERE org_id = funnel_org()), '\"x\"', \(lead))"),
        ]
        list += inserts.map { ("insert \($0.0)", .write, $0.1) }
        return list
    }

    /// What no one may do in their own organization.
    static func forbidden(_ f: Fixture, org: String, role: String) -> [(String, Kind, String)] {
        let other = role == "viewer" ? f.id(org, "user.admin") : f.id(org, "user.viewer")
        return [
            ("create a temporary table (named like one of ours, it would come first)", .runs, "CREATE TEMP TABLE users(id bigint, org_id bigint, db_role name)"),
            ("read password hashes", .read, "SELECT password_hash FROM users WHERE password_hash IS NOT NULL OR true"),
            ("read API keys", .read, "SELECT api_key FROM products"),
            ("set someone's sign-in role", .write, "UPDATE users SET db_role = 'postgres' WHERE id = \(other)"),
            ("add a user directly", .write, "INSERT INTO users(org_id, role_id, email, name, created_at, updated_at) VALUES (funnel_org(), (SELECT id FROM roles WHERE name = 'admin'), 'new.\(role).\(f.token)@evil.example', 'New', now(), now())"),
            ("choose an id", .write, "INSERT INTO leads(id, org_id, email, source, status, created_at, updated_at) VALUES (9000000000, funnel_org(), 'id@evil.example', 'website', 'new', now(), now())"),
            ("set a version", .write, "UPDATE leads SET version = 9223372036854775807 WHERE org_id = funnel_org()"),
            ("publish own content by way of the archive", .write,
             "UPDATE content SET status = 'archived' WHERE created_by = funnel_me() AND status = 'pending_approval'; UPDATE content SET status = 'approved' WHERE created_by = funnel_me() AND status = 'archived'"),
            ("change approved content", .write, "UPDATE content SET body = 'changed after approval' WHERE org_id = funnel_org() AND status = 'approved'"),
            ("log an action in someone else's name", .write,
             "INSERT INTO lead_actions(lead_id, action_type, user_id, created_at) VALUES ((SELECT max(id) FROM leads WHERE org_id = funnel_org()), 'call', \(other), now())"),
            ("change own role", .write, "UPDATE users SET role_id = (SELECT id FROM roles WHERE name = '\(role == "admin" ? "viewer" : "admin")') WHERE id = funnel_me()"),
            ("deactivate oneself", .write, "UPDATE users SET is_active = false WHERE id = funnel_me()"),
            ("change one's sign-in role", .write, "UPDATE users SET db_role = 'someone_else' WHERE id = funnel_me()"),
            ("change own permissions", .write, "UPDATE roles SET permissions = '[\"admin\"]' WHERE id = (SELECT role_id FROM users WHERE id = funnel_me())"),
            ("add a role", .write, "INSERT INTO roles(name, permissions, created_at) VALUES ('evil_\(f.token)', '[\"admin\"]', now())"),
            ("approve own content", .write, "UPDATE content SET status = 'approved' WHERE created_by = funnel_me() AND status = 'pending_approval'"),
            ("schedule own content", .write, "UPDATE content SET status = 'scheduled', scheduled_at = now() WHERE created_by = funnel_me() AND status = 'pending_approval'"),
            ("write content approved already", .write, "INSERT INTO content(org_id, created_by, title, type, status, created_at, updated_at) VALUES (funnel_org(), funnel_me(), 'Self-approved', 'blog', 'approved', now(), now())"),
            ("take over someone's content", .write, "UPDATE content SET created_by = funnel_me() WHERE org_id = funnel_org() AND created_by <> funnel_me()"),
            ("edit an activity", .write, "UPDATE activities SET action = 'forged' WHERE org_id = funnel_org()"),
            ("delete an activity", .write, "DELETE FROM activities WHERE org_id = funnel_org()"),
            ("log an activity as someone else", .write, "INSERT INTO activities(org_id, entity_type, entity_id, action, user_id, created_at) VALUES (funnel_org(), 'lead', 1, 'forged', \(other), now())"),
        ]
    }

    /// What each role may do in its own organization (so a refusal above is the rules', not a
    /// failed sign-in).
    static func allowed(_ f: Fixture, org: String, role: String) -> [(String, Kind, String)] {
        var list: [(String, Kind, String)] = [
            ("sign in as oneself", .read, "SELECT 1 WHERE funnel_me() = \(f.id(org, "user.\(role)"))"),
            ("read own organization's leads", .read, "SELECT 1 FROM leads"),
            ("find own organization's leads through the search's function", .read, "SELECT * FROM funnel_lead_matches(funnel_org(), 'lead:*'::tsquery, NULL)"),
            ("read own organization's activities", .read, "SELECT 1 FROM activities"),
            ("log an activity in one's own name", .write, "INSERT INTO activities(org_id, entity_type, entity_id, action, user_id, created_at) VALUES (funnel_org(), 'lead', 1, 'viewed', funnel_me(), '2000-01-01')"),
        ]
        if ["admin", "manager", "marketer"].contains(role) {
            let author = role == "marketer" ? "manager" : "marketer"
            list.append(("approve someone else's content", .write, "UPDATE content SET status = 'approved' WHERE id = \(f.id(org, "content.\(author)"))"))
        }
        if ["admin", "manager", "sales_rep"].contains(role) {
            list.append(("change own organization's lead", .write, "UPDATE leads SET status = 'contacted' WHERE org_id = funnel_org()"))
            list.append(("log an action in one's own name", .write, "INSERT INTO lead_actions(lead_id, action_type, user_id, created_at) SELECT max(id), 'note', funnel_me(), now() FROM leads"))
        }
        if role == "admin" {
            list.append(("change a teammate's role", .write, "UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'manager') WHERE id = \(f.id(org, "user.viewer"))"))
        }
        return list
    }

    /// Checked after `allowed` ran, in the same transaction: each must find nothing.
    static let afterAllowed: [(String, Kind, String)] = [
        ("keep an activity dated by the client (2000-01-01)", .read, "SELECT 1 FROM activities WHERE created_at < '2001-01-01'"),
    ]

    /// Runs the attempts as one login in one transaction (rolled back), each in a savepoint of its
    /// own; returns each attempt's name with whether it succeeded (read something, or wrote a row).
    static func attempt(_ f: Fixture, org: String, role: String, _ attempts: [(String, Kind, String)]) throws -> [(String, Bool, String)] {
        let login = try #require(f.logins["\(org).\(role)"])
        let url = PostgresSandbox.url(PostgresSandbox.url(f.admin, user: login.role, password: login.password), database: f.database)
        var body = "BEGIN;\nDO $attempts$\nDECLARE n bigint;\nBEGIN\n"
        for (index, (_, kind, sql)) in attempts.enumerated() {
            let run: String
            switch kind {
            case .read: run = "SELECT count(*) INTO n FROM (\(sql)) q;"
            case .write: run = "\(sql);\n    GET DIAGNOSTICS n = ROW_COUNT;"
            case .runs: run = "\(sql);\n    n := 1;"
            }
            body += """
                  BEGIN
                    \(run)
                    RAISE NOTICE 'ATTEMPT % %', \(index), CASE WHEN n > 0 THEN 'done' ELSE 'nothing' END;
                  EXCEPTION WHEN others THEN
                    RAISE NOTICE 'ATTEMPT % refused: %', \(index), SQLERRM;
                  END;

                """
        }
        body += "END $attempts$;\nROLLBACK;\n"
        let result = try PostgresSandbox.psql(url, body)
        try #require(result.status == 0, "\(org) \(role): \(result.standardError)")
        var outcome: [Int: (Bool, String)] = [:]
        for line in result.standardError.split(separator: "\n") {
            guard let range = line.range(of: "ATTEMPT ") else { continue }
            let rest = line[range.upperBound...]
            let parts = rest.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let index = Int(parts[0]) else { continue }
            outcome[index] = (parts[1] == "done", String(parts[1]))
        }
        // Every attempt must have answered (a silent one would count as refused).
        #expect(outcome.count == attempts.count, "\(org) \(role): \(outcome.count) of \(attempts.count) attempts answered: \(result.standardError)")
        return attempts.enumerated().map { index, attempt in
            (attempt.0, outcome[index]?.0 ?? false, outcome[index]?.1 ?? "no answer")
        }
    }

    @Test func noRoleReachesAnotherOrganizationOrDoesWhatIsForbiddenEvenThroughPsql() throws {
        let fixture = try Self.makeFixture()
        defer { try? Self.dropFixture(fixture) }
        var tried = 0
        for org in Self.organizations {
            let other = Self.organizations.first { $0 != org } ?? org
            for role in Self.roles {
                let attacks = Self.attacks(fixture, org: org, other: other) + Self.forbidden(fixture, org: org, role: role)
                for (name, succeeded, detail) in try Self.attempt(fixture, org: org, role: role, attacks) {
                    tried += 1
                    #expect(!succeeded, "\(org) \(role) could \(name) (\(detail))")
                }
                let allowed = Self.allowed(fixture, org: org, role: role)
                let outcomes = try Self.attempt(fixture, org: org, role: role, allowed + Self.afterAllowed)
                for (name, succeeded, detail) in outcomes.prefix(allowed.count) {
                    #expect(succeeded, "\(org) \(role) could not \(name): \(detail)")
                }
                for (name, succeeded, detail) in outcomes.dropFirst(allowed.count) {
                    tried += 1
                    #expect(!succeeded, "\(org) \(role) could \(name) (\(detail))")
                }
            }
        }
        #expect(tried > 1_000)
    }
}

/// Live changes in team mode: a commit announces itself on its organization's channel only, a
/// channel no other organization can read.
@Suite(.serialized) struct ChangeNotificationTests {
    @Test func aCommitIsAnnouncedOnItsOrganizationsChannelWhichOnlyItsMembersKnow() throws {
        let fixture = try TenantSecurityTests.makeFixture()
        defer { try? TenantSecurityTests.dropFixture(fixture) }
        let login = try #require(fixture.logins["acme.sales_rep"])
        let url = PostgresSandbox.url(PostgresSandbox.url(fixture.admin, user: login.role, password: login.password), database: fixture.database)
        let channels = try PostgresSandbox.psql(fixture.admin, "SELECT slug || '|' || notify_channel FROM organizations ORDER BY slug;")
        let bySlug = Dictionary(uniqueKeysWithValues: channels.standardOutput.split(separator: "\n").map { line in
            let parts = line.split(separator: "|")
            return (String(parts[0]), String(parts[1]))
        })
        let acme = try #require(bySlug["acme"]), globex = try #require(bySlug["globex"])
        #expect(acme != globex && acme.count > 20)
        // A member reads their own organization's channel, never another's.
        let seen = try PostgresSandbox.psql(url, "SELECT notify_channel FROM organizations;")
        #expect(seen.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == acme)
        // Listening to both, a change to Acme's leads and a logged call are announced on Acme's only.
        let session = try ProcessRunner.run("/usr/bin/psql", [url, "-X", "-v", "ON_ERROR_STOP=1"], input: """
            LISTEN \(acme);
            LISTEN \(globex);
            UPDATE leads SET status = 'contacted' WHERE org_id = funnel_org();
            INSERT INTO lead_actions(lead_id, action_type, created_at) SELECT max(id), 'call', now() FROM leads;
            SELECT 1;
            """)
        #expect(session.status == 0, "\(session.standardError)")
        let announced = session.standardOutput.split(separator: "\n").filter { $0.hasPrefix("Asynchronous notification") }
        #expect(announced.contains { $0.contains("\"\(acme)\" with payload \"leads\"") }, "\(session.standardOutput)")
        #expect(announced.contains { $0.contains("\"\(acme)\" with payload \"lead_actions\"") }, "\(session.standardOutput)")
        #expect(!announced.contains { $0.contains(globex) })
    }
}

/// Adding users in team mode: a login role named by the email, its password, the row and the
/// activity in one step, by the owner or someone with users.manage in their own organization.
@Suite(.serialized) struct AddingUsersTests {
    @Test func anAdministratorAddsAUserWhoSignsInWithTheirRolesPermissionsAndNoOneElseCan() throws {
        let fixture = try TenantSecurityTests.makeFixture()
        let email = "new.rep.\(fixture.token)@acme.example"
        defer {
            try? TenantSecurityTests.dropFixture(fixture)
            _ = try? PostgresSandbox.psql(try PostgresSandbox.adminURL(), "DROP ROLE IF EXISTS \"\(email)\";")
        }
        func signedIn(_ org: String, _ role: String) throws -> String {
            let login = try #require(fixture.logins["\(org).\(role)"])
            return PostgresSandbox.url(PostgresSandbox.url(fixture.admin, user: login.role, password: login.password), database: fixture.database)
        }
        let acme = fixture.id("acme", "organizations"), globex = fixture.id("globex", "organizations")
        // A manager (no users.manage), and an administrator into another organization: refused.
        let byManager = try PostgresSandbox.psql(try signedIn("acme", "manager"), "SELECT funnel_add_user(\(acme), '\(email)', 'New Rep', 'sales_rep', 'a long enough secret');")
        #expect(byManager.status != 0 && byManager.standardError.contains("users.manage"), "\(byManager.standardError)")
        let elsewhere = try PostgresSandbox.psql(try signedIn("acme", "admin"), "SELECT funnel_add_user(\(globex), '\(email)', 'New Rep', 'sales_rep', 'a long enough secret');")
        #expect(elsewhere.status != 0 && elsewhere.standardError.contains("own organization"), "\(elsewhere.standardError)")
        let short = try PostgresSandbox.psql(try signedIn("acme", "admin"), "SELECT funnel_add_user(\(acme), '\(email)', 'New Rep', 'sales_rep', 'short');")
        #expect(short.status != 0 && short.standardError.contains("12 characters"), "\(short.standardError)")
        // The administrator adds a sales rep: the login works, with a sales rep's permissions.
        let added = try PostgresSandbox.psql(try signedIn("acme", "admin"), "SELECT funnel_add_user(\(acme), '\(email)', 'New Rep', 'sales_rep', 'a long enough secret');")
        #expect(added.status == 0, "\(added.standardError)")
        let newID = Int64(added.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        let login = email.replacingOccurrences(of: "@", with: "%40")
        let asNew = PostgresSandbox.url(PostgresSandbox.url(fixture.admin, user: login, password: "a%20long%20enough%20secret"), database: fixture.database)
        let me = try PostgresSandbox.psql(asNew, "SELECT funnel_me(), funnel_can('leads.edit'), funnel_can('users.manage'), (SELECT count(*) FROM leads);")
        #expect(me.status == 0, "\(me.standardError)")
        #expect(me.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "\(newID ?? -1)|t|f|1")
        // It is an activity by the administrator; the new rep cannot add anyone.
        let logged = try PostgresSandbox.psql(fixture.admin,
            "SELECT count(*) FROM activities WHERE entity_type = 'user' AND action = 'created' AND entity_id = \(newID ?? -1) AND user_id = \(fixture.id("acme", "user.admin"));")
        #expect(logged.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(logged.standardError)")
        let byNew = try PostgresSandbox.psql(asNew, "SELECT funnel_add_user(\(acme), 'x.\(email)', 'X', 'viewer', 'a long enough secret');")
        #expect(byNew.status != 0, "\(byNew.standardOutput)")
    }
}

/// The attribute value index in PostgreSQL, kept from `leads.attributes` by triggers whoever
/// writes the lead (as SQLite's are).
@Suite(.serialized) struct AttributeIndexTests {
    @Test func theIndexFollowsEachLeadsIndexedAttributesThroughInsertUpdateAndDelete() throws {
        let fixture = try TenantSecurityTests.makeFixture()
        defer { try? TenantSecurityTests.dropFixture(fixture) }
        let acme = fixture.id("acme", "organizations")
        func entries() throws -> String {
            let result = try PostgresSandbox.psql(fixture.admin, """
                SELECT string_agg(a.name || '=' || v.value::text, ' ' ORDER BY a.name, v.value::text) FROM lead_attribute_values v
                JOIN lead_attributes a ON a.id = v.attribute_id JOIN leads l ON l.id = v.lead_id WHERE l.email = 'attrs@acme.example';
                """)
            #expect(result.status == 0, "\(result.standardError)")
            return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let set = try PostgresSandbox.psql(fixture.admin, """
            INSERT INTO lead_attributes(org_id, name, kind, indexed, created_at) VALUES
              (\(acme), 'age', 'number', true, now()), (\(acme), 'note', 'text', false, now()), (\(acme), 'member', 'yes_no', true, now());
            INSERT INTO leads(org_id, email, source, status, created_at, updated_at, attributes)
              VALUES (\(acme), 'attrs@acme.example', 'website', 'new', now(), now(), '{"job": "management", "age": 30, "note": "free text", "member": true, "empty": null}');
            """)
        #expect(set.status == 0, "\(set.standardError)")
        // job (indexed by the fixture), age and member are indexed; note is not; null is nothing.
        #expect(try entries() == #"age=30 job="management" member=true"#)
        // As a sales rep (who cannot write the index): an update moves the entries.
        let rep = try #require(fixture.logins["acme.sales_rep"])
        let asRep = PostgresSandbox.url(PostgresSandbox.url(fixture.admin, user: rep.role, password: rep.password), database: fixture.database)
        let updated = try PostgresSandbox.psql(asRep, """
            UPDATE leads SET attributes = '{"job": "retired", "age": 31}' WHERE email = 'attrs@acme.example';
            """)
        #expect(updated.status == 0, "\(updated.standardError)")
        #expect(try entries() == #"age=31 job="retired""#)
        let deleted = try PostgresSandbox.psql(fixture.admin, "DELETE FROM leads WHERE email = 'attrs@acme.example';")
        #expect(deleted.status == 0, "\(deleted.standardError)")
        #expect(try entries() == "")
    }
}

/// The store, signed in as each role's own login, reads what the panes read: records come back
/// whole with the columns the role may read (a column it may only write, a product's `api_key`,
/// once made reading products fail: "permission denied for table products").
@Suite(.serialized) struct ReadingAsEachLoginTests {
    @Test func everyRoleReadsProductsUsersAndItsRecordsThroughTheStore() throws {
        let fixture = try TenantSecurityTests.makeFixture()
        defer { try? TenantSecurityTests.dropFixture(fixture) }
        let acme = fixture.id("acme", "organizations")
        for role in TenantSecurityTests.roles {
            let login = try #require(fixture.logins["acme.\(role)"])
            let url = PostgresSandbox.url(PostgresSandbox.url(fixture.admin, user: login.role, password: login.password), database: fixture.database)
            let store = try StoreLocation(url).openStore(create: false)
            let (products, users, lead) = try store.snapshot { reader in
                (try reader.products(orgId: acme), try reader.users(orgId: acme), try reader.fetch(Lead.self, id: fixture.id("acme", "leads"), orgId: acme))
            }
            #expect(products.count == 1 && products.allSatisfy { $0.apiKey == nil }, "\(role): \(products)")
            #expect(users.count == TenantSecurityTests.roles.count, "\(role): \(users.map(\.email))")
            // A lead is read by those whose role shows leads (a marketer's and a viewer's do too).
            #expect(lead != nil, "\(role) did not read the lead")
            // The schema's version, as `doctor` and the check on opening read it.
            #expect(try store.schemaVersion() > 0, "\(role) reads no migration")
        }
    }
}

/// TLS when the URL asks for it (the sandbox server offers it with a self-signed certificate):
/// `sslmode=require` connects encrypted, `disable` in the clear, and `verify-full` refuses a
/// certificate no known authority signed, saying so.
@Suite(.serialized) struct TLSTests {
    /// Whether the store's connections to `database` are encrypted, as the server sees them
    /// (the store keeps its connection in its pool while it is open).
    func encrypted(_ admin: String, _ database: String) throws -> [String] {
        let result = try PostgresSandbox.psql(admin, """
            SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
            WHERE a.datname = '\(database)' AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend';
            """)
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    @Test func theURLsSslmodeChoosesAnEncryptedOrAClearConnection() throws {
        let database = "funnel_tls_\(UInt32.random(in: 0...UInt32.max))"
        let url = try PostgresSandbox.freshDatabase(database)
        let admin = try PostgresSandbox.adminURL()
        defer { _ = try? PostgresSandbox.psql(admin, "DROP DATABASE IF EXISTS \(database) WITH (FORCE);") }
        do {
            let store = try StoreLocation(url + "?sslmode=require").openStore(create: true)
            _ = try store.snapshot { try $0.organizations() }
            #expect(try encrypted(admin, database) == ["t"])
        }
        do {
            let store = try StoreLocation(url + "?sslmode=disable").openStore(create: true)
            _ = try store.snapshot { try $0.organizations() }
            #expect(try encrypted(admin, database).contains("f"))
        }
        #expect {
            _ = try StoreLocation(url + "?sslmode=verify-full").openStore(create: true)
        } throws: { error in
            "\(error)".contains("the server's TLS certificate was refused (CERTIFICATE_VERIFY_FAILED)")
        }
    }
}
