#!/usr/bin/env bash
# The Leads pane at 1,000,000 leads on PostgreSQL beside SQLite, in one run (issue 17): moves the
# benchmarks' 1M demo (/tmp/funnel-bench/demo-1000000.sqlite, built by the first Leads run) into a
# sandbox server with `funnel migrate` (COPY; timed), gives the demo manager a login, runs the
# Leads 1M benchmarks on both stores, and times PostgreSQL's own answer to the pane's page query
# with pgbench (the floor). Run from the repository's root: Benchmarks/postgres-leads.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export FUNNEL_PG_SANDBOX="${FUNNEL_PG_SANDBOX:-$PWD/.build-pg}"
demo=/tmp/funnel-bench/demo-1000000.sqlite
database=funnel_bench_1m
password=funnel-bench-password
manager=manager@northwind.example
# The benchmarks' own release build makes the funnel binary too (one release build, not two).
(cd Benchmarks && swift build -c release --product funnel >/dev/null)
funnel=Benchmarks/.build/release/funnel
admin_url="$(scripts/postgres-sandbox.sh start)"
server="${admin_url%/*}"
if [ "$(psql "$admin_url" -X -tA -c "SELECT count(*) FROM pg_database WHERE datname = '$database'")" != 1 ] || [ -n "${FRESH:-}" ]; then
  psql "$admin_url" -X -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
  psql "$admin_url" -X -q -c "DROP ROLE IF EXISTS \"$manager\"" >/dev/null
  /usr/bin/time -f "migrate: %e s wall, %M KiB peak" "$funnel" migrate "$demo" "$server/$database" 2>&1 | grep -v "^  "
  psql "$server/$database" -X -q -c "VACUUM ANALYZE"
  printf '%s\n' "$password" | "$funnel" users passwd "$manager" --new-password-stdin --db "$server/$database" --user "$manager" >/dev/null
fi
host_port="${server#*@}"
url="postgres://${manager//@/%40}:${password}@${host_port}/${database}"

# The floor: the server's own time for the pane's own statements as the pane sends them (row-level
# security, the owner and product joins; the search's count and page), in a read-only transaction,
# over a connection, as the manager: pgbench, one client, -M extended as postgres-nio sends them.
org=$(psql "$server/$database" -X -tA -c "SELECT org_id FROM users WHERE email = '$manager'")
pgbench=/usr/lib/postgresql/15/bin/pgbench
columns='leads."id", leads."org_id", leads."product_id", leads."name", leads."company", leads."email", leads."email_normalized", leads."phone", leads."phone_normalized", leads."source", leads."status", leads."status_reason", leads."score", leads."assigned_to", leads."last_action_at", leads."created_at", leads."updated_at", leads."version", leads."external_id", owner.name AS owner_name, product.name AS product_name'
from='FROM leads LEFT JOIN users owner ON owner.id = leads.assigned_to LEFT JOIN products product ON product.id = leads.product_id'
garcia="'''garcia'':*'::tsquery"
cat > /tmp/funnel-floor-page.sql <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT $columns $from WHERE leads.org_id = $org ORDER BY leads.score DESC, leads.id LIMIT 76;
COMMIT;
SQL
cat > /tmp/funnel-floor-search.sql <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) FROM (SELECT 1 FROM leads WHERE leads.org_id = $org AND leads.search @@ $garcia LIMIT 300) AS matches;
SELECT $columns $from WHERE leads.org_id = $org AND leads.search @@ $garcia ORDER BY leads.score DESC, leads.id LIMIT 76;
COMMIT;
SQL
zzqx="'''zzqx'':*'::tsquery"
cat > /tmp/funnel-floor-nomatch.sql <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) FROM (SELECT funnel_lead_matches($org, $zzqx, 300)) AS matches;
SELECT $columns $from WHERE leads.org_id = $org AND leads.id IN (SELECT funnel_lead_matches($org, $zzqx, NULL));
COMMIT;
SQL
for floor in page search nomatch; do
  PGPASSWORD="$password" "$pgbench" -n -M extended -f /tmp/funnel-floor-$floor.sql -T 5 -c 1 -h "${host_port%%:*}" -p "${host_port##*:}" -U "$manager" "$database" 2>/dev/null \
    | grep -E "latency average" | sed "s/^/floor ($floor: the pane's statements, pgbench): /"
done

cd Benchmarks
FUNNEL_BENCH_PG_URL="$url" swift package benchmark --target LeadsBenchmarks \
  --filter "Leads 1M PostgreSQL.*" --filter "Leads 1M: (open pane|cursor down one row|page down|jump to bottom|switch status tab|search.*|clear search)" "$@"
