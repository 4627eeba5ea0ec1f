-- Security in the database (team mode): each Funnel user signs in as a PostgreSQL role of their
-- own (`users.db_role`, SCRAM password), a member of `funnel_users`. Row-level security keys every
-- organization's rows to the signed-in role's organization, and the role's Funnel permissions
-- (`roles.permissions`) decide what it may write, so what holds for the app holds for `psql` too:
-- no row of another organization read or written, no approval of one's own content, no change of
-- one's own role or permissions, no edit or delete of activities (append-only).
-- Run after schema.sql, by the database's owner.

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'funnel_users') THEN
    CREATE ROLE funnel_users NOLOGIN;
  END IF;
END $$;

-- Who is signed in, and what their Funnel role allows (nothing for a role that is no active user).
CREATE FUNCTION funnel_me() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT id FROM users WHERE db_role = session_user AND is_active
$$;
CREATE FUNCTION funnel_org() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org_id FROM users WHERE db_role = session_user AND is_active
$$;
CREATE FUNCTION funnel_can(VARIADIC wanted text[]) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce((
    SELECT r.permissions ? 'admin' OR EXISTS (
      SELECT 1 FROM unnest(wanted) AS w(name)
      WHERE r.permissions ? w.name OR r.permissions ? (split_part(w.name, '.', 1) || '.*'))
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.db_role = session_user AND u.is_active), false)
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO funnel_users;
GRANT EXECUTE ON FUNCTION funnel_me(), funnel_org(), funnel_can(text[]), funnel_unaccent(text),
  unaccent(regdictionary, text), unaccent(text) TO funnel_users;

-- What a Funnel user may do at all; the policies below narrow it to rows and permissions.
GRANT SELECT ON roles, lead_status_counts, deal_stage_totals, content_status_counts TO funnel_users;
GRANT SELECT, UPDATE ON organizations TO funnel_users;
GRANT SELECT, INSERT, UPDATE ON users TO funnel_users;
GRANT SELECT, INSERT ON activities TO funnel_users;
GRANT SELECT, INSERT, UPDATE, DELETE ON products, content, ai_agents, leads, lead_actions, social_posts, email_campaigns,
  workflows, workflow_runs, contacts, deals, lead_attributes, lead_attribute_values, imports, import_rows,
  import_linked_rows, scoring_models TO funnel_users;

-- Every table is under row-level security, its owner included.
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;

-- The catalogue of roles: read by all, written by nobody but the owner.
CREATE POLICY roles_read ON roles FOR SELECT TO funnel_users USING (true);

CREATE POLICY organizations_read ON organizations FOR SELECT TO funnel_users USING (id = (SELECT funnel_org()));
CREATE POLICY organizations_admin ON organizations FOR UPDATE TO funnel_users
  USING (id = (SELECT funnel_org()) AND (SELECT funnel_can('admin'))) WITH CHECK (id = (SELECT funnel_org()));

CREATE POLICY users_read ON users FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY users_add ON users FOR INSERT TO funnel_users
  WITH CHECK (org_id = (SELECT funnel_org()) AND (SELECT funnel_can('users.manage')));
CREATE POLICY users_change ON users FOR UPDATE TO funnel_users
  USING (org_id = (SELECT funnel_org()) AND ((SELECT funnel_can('users.manage')) OR id = (SELECT funnel_me())))
  WITH CHECK (org_id = (SELECT funnel_org()));

-- A user never changes their own role, activity, organization or sign-in role; without
-- users.manage they change only their own name and password.
CREATE FUNCTION funnel_guard_users() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE me bigint := funnel_me();
BEGIN
  IF me IS NULL THEN RETURN NEW; END IF;  -- the owner (set-up, migrations)
  IF NEW.id = me AND (NEW.role_id IS DISTINCT FROM OLD.role_id OR NEW.is_active IS DISTINCT FROM OLD.is_active
      OR NEW.db_role IS DISTINCT FROM OLD.db_role OR NEW.org_id IS DISTINCT FROM OLD.org_id) THEN
    RAISE EXCEPTION 'no one changes their own role, activity or sign-in' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT funnel_can('users.manage') AND (to_jsonb(NEW) - 'name' - 'password_hash' - 'updated_at')
      IS DISTINCT FROM (to_jsonb(OLD) - 'name' - 'password_hash' - 'updated_at') THEN
    RAISE EXCEPTION 'changing users needs the users.manage permission' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_guard BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION funnel_guard_users();

-- An organization's table: its rows only; reading and writing need the Funnel permissions given.
CREATE FUNCTION funnel_policies(tab text, readers text[], writers text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  mine text := 'org_id = (SELECT funnel_org())';
  can_read text := format('(SELECT funnel_can(VARIADIC %L::text[]))', readers);
  can_write text := format('(SELECT funnel_can(VARIADIC %L::text[]))', writers);
BEGIN
  EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO funnel_users USING (%s AND %s)', tab || '_read', tab, mine, can_read);
  EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO funnel_users WITH CHECK (%s AND %s)', tab || '_add', tab, mine, can_write);
  EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO funnel_users USING (%s AND %s) WITH CHECK (%s)', tab || '_change', tab, mine, can_write, mine);
  EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO funnel_users USING (%s AND %s)', tab || '_remove', tab, mine, can_write);
END $$;

-- A child table without org_id: its rows are its parent's organization's.
CREATE FUNCTION funnel_child_policies(tab text, parent text, parent_key text, readers text[], writers text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  mine text := format('EXISTS (SELECT 1 FROM %I p WHERE p.id = %I AND p.org_id = (SELECT funnel_org()))', parent, parent_key);
  can_read text := format('(SELECT funnel_can(VARIADIC %L::text[]))', readers);
  can_write text := format('(SELECT funnel_can(VARIADIC %L::text[]))', writers);
BEGIN
  EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO funnel_users USING (%s AND %s)', tab || '_read', tab, mine, can_read);
  EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO funnel_users WITH CHECK (%s AND %s)', tab || '_add', tab, mine, can_write);
  EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO funnel_users USING (%s AND %s) WITH CHECK (%s)', tab || '_change', tab, mine, can_write, mine);
  EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO funnel_users USING (%s AND %s)', tab || '_remove', tab, mine, can_write);
END $$;

DO $$ BEGIN
  PERFORM funnel_policies('leads', '{leads.view}', '{leads.edit,leads.assign,leads.merge,leads.convert,data.import}');
  PERFORM funnel_child_policies('lead_actions', 'leads', 'lead_id', '{leads.view}', '{leads.edit,leads.merge,data.import}');
  PERFORM funnel_policies('lead_attributes', '{leads.view}', '{data.import}');
  PERFORM funnel_child_policies('lead_attribute_values', 'lead_attributes', 'attribute_id', '{leads.view}', '{leads.edit,leads.merge,data.import}');
  PERFORM funnel_policies('contacts', '{leads.view,deals.view}', '{deals.edit,leads.convert,data.import}');
  PERFORM funnel_policies('deals', '{deals.view}', '{deals.edit,leads.convert,data.import}');
  PERFORM funnel_policies('content', '{content.view}', '{content.edit,content.submit,content.schedule,content.approve}');
  PERFORM funnel_policies('email_campaigns', '{content.view}', '{content.edit,content.schedule}');
  PERFORM funnel_child_policies('social_posts', 'content', 'content_id', '{content.view}', '{content.edit,content.schedule}');
  PERFORM funnel_policies('products', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_policies('ai_agents', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_policies('workflows', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_child_policies('workflow_runs', 'workflows', 'workflow_id', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_policies('imports', '{data.import}', '{data.import}');
  PERFORM funnel_child_policies('import_rows', 'imports', 'import_id', '{data.import}', '{data.import}');
  PERFORM funnel_child_policies('import_linked_rows', 'imports', 'import_id', '{data.import}', '{data.import}');
  PERFORM funnel_policies('scoring_models', '{leads.view}', '{admin}');
END $$;
DROP FUNCTION funnel_policies(text, text[], text[]);
DROP FUNCTION funnel_child_policies(text, text, text, text[], text[]);

-- Counts kept by triggers (which run as the owner): read only.
CREATE POLICY lead_status_counts_read ON lead_status_counts FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY deal_stage_totals_read ON deal_stage_totals FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY content_status_counts_read ON content_status_counts FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));

-- The audit trail: read within the organization, appended in one's own name, never changed.
CREATE POLICY activities_read ON activities FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY activities_add ON activities FOR INSERT TO funnel_users
  WITH CHECK (org_id = (SELECT funnel_org()) AND user_id = (SELECT funnel_me()));

-- Four eyes: content is written by its author as a draft or submitted; it becomes approved (or
-- scheduled, or published) only by someone else with content.approve; its author never changes.
CREATE FUNCTION funnel_guard_content() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE me bigint := funnel_me();
BEGIN
  IF me IS NULL THEN RETURN NEW; END IF;  -- the owner (set-up, migrations)
  IF TG_OP = 'INSERT' THEN
    IF NEW.created_by IS DISTINCT FROM me THEN
      RAISE EXCEPTION 'content is written in its author''s own name' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status NOT IN ('draft', 'pending_approval') THEN
      RAISE EXCEPTION 'new content is a draft or pending approval, never %', NEW.status USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.created_by IS DISTINCT FROM OLD.created_by THEN
    RAISE EXCEPTION 'content keeps its author' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status IN ('draft', 'pending_approval') AND NEW.status IN ('approved', 'scheduled', 'published') THEN
    IF NOT funnel_can('content.approve') THEN
      RAISE EXCEPTION 'approving content needs the content.approve permission' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.created_by = me THEN
      RAISE EXCEPTION 'four eyes: no one approves their own content' USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER content_guard BEFORE INSERT OR UPDATE ON content FOR EACH ROW EXECUTE FUNCTION funnel_guard_content();
