-- Security in the database (team mode): each Funnel user signs in as a PostgreSQL role of their
-- own (`users.db_role`, SCRAM password), a member of `funnel_users`. Row-level security keys every
-- organization's rows to the signed-in role's organization, and the role's Funnel permissions
-- (`roles.permissions`) decide what it may write, so what holds for the app holds for `psql` too:
-- no row of another organization read or written, no approval of one's own content, no change of
-- one's own role or permissions, no edit or delete of activities (append-only).
-- Run after schema.sql, by the database's owner.

-- The group is the server's, shared by its Funnel databases: two set up at once (two `funnel
-- init`s, or tests in parallel) may both find it missing, and the second's CREATE then fails.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'funnel_users') THEN
    CREATE ROLE funnel_users NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;  -- made meanwhile by another set-up: the same group
END $$;

-- Whether the session is a Funnel user's login (a direct member of funnel_users; the owner and
-- superusers, who are members of everything by right, are not).
CREATE FUNCTION funnel_is_user() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_auth_members m
    WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = 'funnel_users')
      AND m.member = (SELECT oid FROM pg_roles WHERE rolname = session_user))
$$;

-- Who is signed in, and what their Funnel role allows (nothing for a role that is no active user).
CREATE FUNCTION funnel_me() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT id FROM users WHERE db_role = session_user AND is_active
$$;
CREATE FUNCTION funnel_org() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT org_id FROM users WHERE db_role = session_user AND is_active
$$;
CREATE FUNCTION funnel_can(VARIADIC wanted text[]) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT coalesce((
    SELECT r.permissions ? 'admin' OR EXISTS (
      SELECT 1 FROM unnest(wanted) AS w(name)
      WHERE r.permissions ? w.name OR r.permissions ? (split_part(w.name, '.', 1) || '.*'))
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.db_role = session_user AND u.is_active), false)
$$;

-- Nobody but the owner makes objects, temporary tables included (a temporary table named like
-- one of ours would otherwise come first in an unqualified name).
DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO funnel_users;
GRANT EXECUTE ON FUNCTION funnel_is_user(), funnel_me(), funnel_org(), funnel_can(text[]), funnel_unaccent(text),
  unaccent(regdictionary, text), unaccent(text) TO funnel_users;

-- What a Funnel user may do at all; the policies below narrow it to rows and permissions. Column
-- by column: no one writes an id (taking the next ids would make another organization's inserts
-- fail) or a generated column; no one reads a password hash or an API key; `db_role` and
-- `org_id` of users are the owner's to set (`funnel users add` runs as the owner's function).
GRANT SELECT ON roles, lead_status_counts, deal_stage_totals, content_status_counts, funnel_migrations TO funnel_users;
-- A user's insert may name an id only up to the last one its table issued (bringing a record back).
CREATE FUNCTION funnel_given_id() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  last bigint;
BEGIN
  IF funnel_is_user() THEN
    EXECUTE format('SELECT last_value FROM %s', pg_get_serial_sequence(quote_ident(TG_TABLE_NAME), 'id')) INTO last;
    IF NEW.id > last THEN
      RAISE EXCEPTION 'an id is given only to bring a record back: % is after the last one issued (%)', NEW.id, last
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END $$;

DO $$
DECLARE
  t text;
  writable text;
  readable text;
BEGIN
  FOR t IN SELECT unnest(ARRAY['organizations', 'users', 'activities', 'products', 'content', 'ai_agents', 'leads', 'lead_actions',
      'social_posts', 'email_campaigns', 'workflows', 'workflow_runs', 'contacts', 'deals', 'lead_attributes',
      'lead_attribute_values', 'imports', 'import_rows', 'import_linked_rows', 'scoring_models']) LOOP
    SELECT string_agg(quote_ident(column_name), ', ') INTO readable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = t
        AND NOT (t = 'users' AND column_name = 'password_hash') AND NOT (t = 'products' AND column_name = 'api_key');
    SELECT string_agg(quote_ident(column_name), ', ') INTO writable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = t AND column_name <> 'id' AND is_generated = 'NEVER'
        AND NOT (t = 'users' AND column_name IN ('db_role', 'org_id', 'password_hash'))
        AND NOT (t = 'organizations' AND column_name = 'notify_channel');
    EXECUTE format('GRANT SELECT (%s) ON %I TO funnel_users', readable, t);
    IF t = 'organizations' THEN
      EXECUTE format('GRANT UPDATE (%s) ON %I TO funnel_users', writable, t);
    ELSIF t = 'activities' THEN
      EXECUTE format('GRANT INSERT (%s) ON %I TO funnel_users', writable, t);
    ELSIF t = 'users' THEN
      EXECUTE format('GRANT UPDATE (%s) ON %I TO funnel_users', writable, t);
    ELSIF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = t AND column_name = 'id') THEN
      -- An id may be given on insert only to bring a record back (undoing a delete or a merge):
      -- at most the last one issued (funnel_given_id), never one the next inserts would take.
      EXECUTE format('GRANT INSERT (id, %s), UPDATE (%s), DELETE ON %I TO funnel_users', writable, writable, t);
      EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW EXECUTE FUNCTION funnel_given_id()', t || '_given_id', t);
    ELSE
      EXECUTE format('GRANT INSERT (%s), UPDATE (%s), DELETE ON %I TO funnel_users', writable, writable, t);
    END IF;
  END LOOP;
END $$;

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
-- The schema's migrations: read by all (`doctor` and the version check on opening), written by
-- nobody but the owner. Without a policy a user's `doctor` said "Schema version: 0".
CREATE POLICY funnel_migrations_read ON funnel_migrations FOR SELECT TO funnel_users USING (true);

CREATE POLICY organizations_read ON organizations FOR SELECT TO funnel_users USING (id = (SELECT funnel_org()));
CREATE POLICY organizations_admin ON organizations FOR UPDATE TO funnel_users
  USING (id = (SELECT funnel_org()) AND (SELECT funnel_can('admin'))) WITH CHECK (id = (SELECT funnel_org()));

CREATE POLICY users_read ON users FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY users_change ON users FOR UPDATE TO funnel_users
  USING (org_id = (SELECT funnel_org()) AND ((SELECT funnel_can('users.manage')) OR id = (SELECT funnel_me())))
  WITH CHECK (org_id = (SELECT funnel_org()));

-- A user never changes their own role, activity, organization or sign-in role; without
-- users.manage they change only their own name and password.
CREATE FUNCTION funnel_guard_users() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE me bigint := funnel_me();
BEGIN
  IF NOT funnel_is_user() THEN RETURN NEW; END IF;  -- the owner (set-up, migrations)
  IF me IS NULL THEN RAISE EXCEPTION 'not an active Funnel user' USING ERRCODE = 'insufficient_privilege'; END IF;
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

-- A table's four policies: its organization's rows only (`org_id`, or for a table without one,
-- its parent's through `parent_key`); reading and writing need the Funnel permissions given.
CREATE FUNCTION funnel_policies(tab text, readers text[], writers text[], parent text DEFAULT NULL, parent_key text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  mine text := CASE WHEN parent IS NULL THEN 'org_id = (SELECT funnel_org())'
    ELSE format('EXISTS (SELECT 1 FROM %I p WHERE p.id = %I AND p.org_id = (SELECT funnel_org()))', parent, parent_key) END;
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
  PERFORM funnel_policies('lead_actions', '{leads.view}', '{leads.edit,leads.merge,data.import}', 'leads', 'lead_id');
  PERFORM funnel_policies('lead_attributes', '{leads.view}', '{data.import}');
  PERFORM funnel_policies('lead_attribute_values', '{leads.view}', '{leads.edit,leads.merge,data.import}', 'lead_attributes', 'attribute_id');
  PERFORM funnel_policies('contacts', '{leads.view,deals.view}', '{deals.edit,leads.convert,data.import}');
  PERFORM funnel_policies('deals', '{deals.view}', '{deals.edit,leads.convert,data.import}');
  PERFORM funnel_policies('content', '{content.view}', '{content.edit,content.submit,content.schedule,content.approve}');
  PERFORM funnel_policies('email_campaigns', '{content.view}', '{content.edit,content.schedule}');
  PERFORM funnel_policies('social_posts', '{content.view}', '{content.edit,content.schedule}', 'content', 'content_id');
  PERFORM funnel_policies('products', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_policies('ai_agents', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_policies('workflows', '{leads.view,deals.view,content.view}', '{admin}');
  PERFORM funnel_policies('workflow_runs', '{leads.view,deals.view,content.view}', '{admin}', 'workflows', 'workflow_id');
  PERFORM funnel_policies('imports', '{data.import}', '{data.import}');
  PERFORM funnel_policies('import_rows', '{data.import}', '{data.import}', 'imports', 'import_id');
  PERFORM funnel_policies('import_linked_rows', '{data.import}', '{data.import}', 'imports', 'import_id');
  PERFORM funnel_policies('scoring_models', '{leads.view}', '{admin}');
END $$;
DROP FUNCTION funnel_policies(text, text[], text[], text, text);

-- Counts kept by triggers (which run as the owner): read only.
CREATE POLICY lead_status_counts_read ON lead_status_counts FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY deal_stage_totals_read ON deal_stage_totals FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY content_status_counts_read ON content_status_counts FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));

-- The audit trail: read within the organization, appended in one's own name, never changed.
CREATE POLICY activities_read ON activities FOR SELECT TO funnel_users USING (org_id = (SELECT funnel_org()));
CREATE POLICY activities_add ON activities FOR INSERT TO funnel_users
  WITH CHECK (org_id = (SELECT funnel_org()) AND user_id = (SELECT funnel_me()));

-- An activity happened when the database took it, whatever the client says; an action is logged
-- in one's own name (or no one's: an import's).
CREATE FUNCTION funnel_stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT funnel_is_user() THEN RETURN NEW; END IF;
  IF TG_TABLE_NAME = 'activities' THEN
    NEW.created_at := now();
  ELSIF NEW.user_id IS NOT NULL AND NEW.user_id IS DISTINCT FROM funnel_me() THEN
    RAISE EXCEPTION 'an action is logged in one''s own name' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER activities_stamp BEFORE INSERT ON activities FOR EACH ROW EXECUTE FUNCTION funnel_stamp();
CREATE TRIGGER lead_actions_own_name BEFORE INSERT OR UPDATE OF user_id ON lead_actions FOR EACH ROW EXECUTE FUNCTION funnel_stamp();

-- Four eyes: content is written by its author as a draft or submitted; it becomes approved (or
-- scheduled, or published) only by someone else with content.approve; its author never changes.
CREATE FUNCTION funnel_guard_content() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE me bigint := funnel_me();
BEGIN
  IF NOT funnel_is_user() THEN RETURN NEW; END IF;  -- the owner (set-up, migrations)
  IF me IS NULL THEN RAISE EXCEPTION 'not an active Funnel user' USING ERRCODE = 'insufficient_privilege'; END IF;
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
  -- Into approved, scheduled or published from anything else (a draft, the queue, the archive)
  -- is an approval.
  IF NEW.status IN ('approved', 'scheduled', 'published') AND OLD.status NOT IN ('approved', 'scheduled', 'published') THEN
    IF NOT funnel_can('content.approve') THEN
      RAISE EXCEPTION 'approving content needs the content.approve permission' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.created_by = me THEN
      RAISE EXCEPTION 'four eyes: no one approves their own content' USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  -- What was approved is what goes out: changing it sends it back (to a draft, or the queue).
  IF OLD.status IN ('approved', 'scheduled', 'published') AND NEW.status IN ('approved', 'scheduled', 'published')
     AND (NEW.title, NEW.body, NEW.type, NEW.product_id) IS DISTINCT FROM (OLD.title, OLD.body, OLD.type, OLD.product_id) THEN
    RAISE EXCEPTION 'approved content changes only by going back to draft or to the approval queue' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER content_guard BEFORE INSERT OR UPDATE ON content FOR EACH ROW EXECUTE FUNCTION funnel_guard_content();

-- Adding a user (`funnel users add`, and the first administrator at `funnel init`): a login role
-- named by the email address (what they sign in as), its SCRAM password, and the row, in one
-- step that only the owner or someone with users.manage (in their own organization) may take.
CREATE FUNCTION funnel_add_user(new_org bigint, new_email text, new_name text, new_role text, new_password text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  login text := lower(btrim(new_email));
  added bigint;
BEGIN
  IF funnel_is_user() THEN
    IF NOT funnel_can('users.manage') THEN
      RAISE EXCEPTION 'adding users needs the users.manage permission' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF new_org IS DISTINCT FROM funnel_org() THEN
      RAISE EXCEPTION 'users are added to one''s own organization' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF new_role = 'admin' AND NOT funnel_can('admin') THEN
      RAISE EXCEPTION 'only an administrator adds an administrator' USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  -- Without a password the user has no login yet (an imported sales agent; `funnel users passwd`
  -- gives one later).
  IF new_password IS NOT NULL THEN
    IF length(login) > 63 THEN
      RAISE EXCEPTION 'a PostgreSQL login is at most 63 characters: % is %', login, length(login) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(new_password) < 12 THEN
      RAISE EXCEPTION 'a password of at least 12 characters is needed' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
      RAISE EXCEPTION 'the login % exists already', login USING ERRCODE = 'duplicate_object';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE funnel_users', login, new_password);
  END IF;
  INSERT INTO public.users(org_id, role_id, email, name, db_role, created_at, updated_at)
    SELECT new_org, r.id, login, new_name, CASE WHEN new_password IS NULL THEN NULL ELSE login END, now(), now()
    FROM public.roles r WHERE r.name = new_role
    RETURNING id INTO added;
  IF added IS NULL THEN
    RAISE EXCEPTION 'there is no role named %', new_role USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO public.activities(org_id, entity_type, entity_id, action, user_id, metadata, created_at)
    VALUES (new_org, 'user', added, 'created', funnel_me(), jsonb_build_object('after', jsonb_build_object('email', login, 'role', new_role)), now());
  RETURN added;
END $$;
REVOKE ALL ON FUNCTION funnel_add_user(bigint, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION funnel_add_user(bigint, text, text, text, text) TO funnel_users;

-- A user's sign-in: their login role (named by their email, in funnel_users) with this password,
-- made when they have none (a workspace copied by `funnel migrate`), else its password changed.
-- By the owner, by the user for themselves, or by someone with users.manage in the user's
-- organization (an administrator's sign-in only by an administrator).
CREATE FUNCTION funnel_set_login(target bigint, new_password text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  u public.users%ROWTYPE;
  target_role text;
BEGIN
  SELECT * INTO u FROM public.users WHERE id = target;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no user %', target USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF funnel_is_user() AND u.id IS DISTINCT FROM funnel_me() THEN
    SELECT r.name INTO target_role FROM public.roles r WHERE r.id = u.role_id;
    IF NOT funnel_can('users.manage') OR u.org_id IS DISTINCT FROM funnel_org() THEN
      RAISE EXCEPTION 'setting another user''s password needs the users.manage permission in their organization' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF target_role = 'admin' AND NOT funnel_can('admin') THEN
      RAISE EXCEPTION 'only an administrator sets an administrator''s password' USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  IF length(new_password) < 12 THEN
    RAISE EXCEPTION 'a password of at least 12 characters is needed' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF length(u.email) > 63 THEN
    RAISE EXCEPTION 'a PostgreSQL login is at most 63 characters: % is %', u.email, length(u.email) USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF u.db_role IS NULL THEN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = u.email) THEN
      RAISE EXCEPTION 'the login % exists already (another database''s user?)', u.email USING ERRCODE = 'duplicate_object';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE funnel_users', u.email, new_password);
    UPDATE public.users SET db_role = u.email WHERE id = u.id;
  ELSE
    EXECUTE format('ALTER ROLE %I PASSWORD %L', u.db_role, new_password);
  END IF;
END $$;
REVOKE ALL ON FUNCTION funnel_set_login(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION funnel_set_login(bigint, text) TO funnel_users;

-- A merge moves a lead's history (its activities) to the lead it was merged into, and undoing the
-- merge moves it back: the one change ever made to activities, and only to their lead, by the
-- owner or someone with leads.merge, within the target lead's organization.
CREATE FUNCTION funnel_move_lead_history(activity_ids bigint[], to_lead bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  org bigint;
  moved integer;
BEGIN
  SELECT l.org_id INTO org FROM public.leads l WHERE l.id = to_lead;
  IF org IS NULL THEN
    RAISE EXCEPTION 'there is no lead %', to_lead USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF funnel_is_user() AND (org IS DISTINCT FROM funnel_org() OR NOT funnel_can('leads.merge')) THEN
    RAISE EXCEPTION 'moving a lead''s history needs the leads.merge permission in its organization' USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE public.activities SET entity_id = to_lead
    WHERE id = ANY (activity_ids) AND org_id = org AND entity_type = 'lead';
  GET DIAGNOSTICS moved = ROW_COUNT;
  RETURN moved;
END $$;
REVOKE ALL ON FUNCTION funnel_move_lead_history(bigint[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION funnel_move_lead_history(bigint[], bigint) TO funnel_users;

-- A search's full-text matches among an organization's leads (their ids, at most `cap`; NULL:
-- all), read through the search vector's GIN index. Row-level security alone keeps a user's
-- search off that index: `@@` is not leakproof, so PostgreSQL tests it on each row the policy
-- lets through (a word no lead has read all 1,000,000 leads of the benchmarks' demo: 550 ms).
-- This runs as the owner, for a user only in their own organization and with leads.view, as the
-- leads policy allows; the caller then reads the rows themselves under that policy.
CREATE FUNCTION funnel_lead_matches(org bigint, query tsquery, cap integer) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF funnel_is_user() AND (org IS DISTINCT FROM funnel_org() OR NOT funnel_can('leads.view')) THEN
    RETURN;
  END IF;
  -- Planned for this word and cap: a rare word is read from the index; a common one by the
  -- rows, stopping after `cap`.
  RETURN QUERY EXECUTE 'SELECT id FROM public.leads WHERE org_id = $1 AND search @@ $2 LIMIT $3' USING org, query, cap;
END $$;
REVOKE ALL ON FUNCTION funnel_lead_matches(bigint, tsquery, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION funnel_lead_matches(bigint, tsquery, integer) TO funnel_users;
