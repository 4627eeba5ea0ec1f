#!/usr/bin/env bash
# The team mode under load (issue 17): 50 simulated users, each signed in as their own PostgreSQL
# login, triage leads, move deals and approve content for 60 s on the demo moved into a sandbox
# server; then every reported success is looked for in the audit trail, and each user looks for
# another organization's rows through their own connection. Run from the repository's root:
#   Benchmarks/team-load.sh [USERS] [SECONDS] [THINK_MS]   (THINK_MS: a user's pause between actions; 0: none)
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-50}"
seconds="${2:-60}"
think="${3:-0}"
leads="${LEADS:-10000}"
export FUNNEL_PG_SANDBOX="${FUNNEL_PG_SANDBOX:-$PWD/.build-pg}"
# The benchmarks' own release build makes the funnel binary too (one release build, not two).
(cd Benchmarks && swift build -c release --product funnel >/dev/null)
funnel=Benchmarks/.build/release/funnel
admin_url="$(scripts/postgres-sandbox.sh start)"
database=funnel_team_load
demo="$(mktemp -d)/demo.sqlite"
trap 'rm -rf "$(dirname "$demo")"' EXIT
"$funnel" demo --db "$demo" --leads "$leads" --no-open >/dev/null
psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
for role in $(psql "$admin_url" -X -tA -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'load-%@%'"); do
  psql "$admin_url" -X -q -c "DROP ROLE \"$role\"" >/dev/null
done
"$funnel" migrate "$demo" "${admin_url%/*}/$database" 2>/dev/null
cd Benchmarks && swift run -c release TeamLoad "${admin_url%/*}/$database" "$users" "$seconds" "$think"
