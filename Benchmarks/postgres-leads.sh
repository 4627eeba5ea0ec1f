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
swift build -c release --product funnel >/dev/null
admin_url="$(scripts/postgres-sandbox.sh start)"
server="${admin_url%/*}"
if [ "$(psql "$admin_url" -X -tA -c "SELECT count(*) FROM pg_database WHERE datname = '$database'")" != 1 ] || [ -n "${FRESH:-}" ]; then
  psql "$admin_url" -X -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
  psql "$admin_url" -X -q -c "DROP ROLE IF EXISTS \"$manager\"" >/dev/null
  /usr/bin/time -f "migrate: %e s wall, %M KiB peak" .build/release/funnel migrate "$demo" "$server/$database" 2>&1 | grep -v "^  "
  psql "$server/$database" -X -q -c "VACUUM ANALYZE"
  printf '%s\n' "$password" | .build/release/funnel users passwd "$manager" --new-password-stdin --db "$server/$database" --user "$manager" >/dev/null
fi
host_port="${server#*@}"
url="postgres://${manager//@/%40}:${password}@${host_port}/${database}"

# The floor: the server's own time for the pane's queries, over a connection, as the manager.
org=$(psql "$server/$database" -X -tA -c "SELECT org_id FROM users WHERE email = '$manager'")
pgbench=/usr/lib/postgresql/15/bin/pgbench
cat > /tmp/funnel-floor-page.sql <<SQL
\set score random(0, 100)
SELECT id, score FROM leads WHERE org_id = $org AND (score < :score OR (score = :score AND id > 1)) ORDER BY score DESC, id LIMIT 76;
SQL
cat > /tmp/funnel-floor-search.sql <<SQL
SELECT id FROM leads WHERE org_id = $org AND search @@ to_tsquery('simple', 'garcia:*') ORDER BY score DESC, id LIMIT 76;
SQL
for floor in page search; do
  PGPASSWORD="$password" "$pgbench" -n -f /tmp/funnel-floor-$floor.sql -T 5 -c 1 -h "${host_port%%:*}" -p "${host_port##*:}" -U "$manager" "$database" 2>/dev/null \
    | grep -E "latency average|tps" | sed "s/^/floor ($floor query, pgbench): /"
done

cd Benchmarks
FUNNEL_BENCH_PG_URL="$url" swift package benchmark --target LeadsBenchmarks \
  --filter "Leads 1M PostgreSQL.*" --filter "Leads 1M: (open pane|cursor down one row|page down|jump to bottom|switch status tab|search.*|clear search)" "$@"
