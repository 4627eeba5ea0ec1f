#!/usr/bin/env bash
# Opens the demo workspace on a throwaway PostgreSQL server (team mode), as `make team-demo` does:
# starts the sandbox (scripts/postgres-sandbox.sh), builds the demo file when missing, copies it
# into a database of its own (`funnel migrate`), gives every demo user a login role with the same
# demo password, and opens Funnel signed in to the server as $FUNNEL_TEAM_USER (the manager).
set -euo pipefail
cd "$(dirname "$0")/.."
funnel="${FUNNEL:-.build/release/funnel}"
leads="${LEADS:-10000}"
database="${FUNNEL_TEAM_DB:-funnel_team_demo}"
password="${FUNNEL_TEAM_PASSWORD:-funnel-demo-password}"
who="${FUNNEL_TEAM_USER:-manager@northwind.example}"
export FUNNEL_PG_SANDBOX="${FUNNEL_PG_SANDBOX:-$PWD/.build-pg}"

admin_url="$(scripts/postgres-sandbox.sh start)"
server="${admin_url%/*}"
demo="${XDG_DATA_HOME:-$HOME/.local/share}/funnel/demo.sqlite"
[ -f "$demo" ] || "$funnel" demo --leads "$leads" --no-open >/dev/null

# A new database each time; the demo users' logins (the server's, not the database's) with it.
psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
emails="$(sqlite3 "$demo" "SELECT email FROM users ORDER BY id")"
for email in $emails; do psql "$admin_url" -X -q -c "DROP ROLE IF EXISTS \"$email\"" >/dev/null 2>&1 || true; done
"$funnel" migrate "$demo" "$server/$database"
for email in $emails; do
  # The owner acts as each user setting their own password.
  printf '%s\n' "$password" | "$funnel" users passwd "$email" --new-password-stdin --db "$server/$database" --user "$email" >/dev/null
done

host_port="${server#*@}"
encoded_who="${who//@/%40}"
echo "Team demo on $host_port/$database: every demo user signs in as themselves with the password '$password', e.g."
echo "  $funnel --db 'postgres://${encoded_who}:${password}@${host_port}/${database}'"
echo "Stop the server with: FUNNEL_PG_SANDBOX=$FUNNEL_PG_SANDBOX scripts/postgres-sandbox.sh stop"
if [ -t 1 ] && [ -z "${FUNNEL_TEAM_NO_OPEN:-}" ]; then
  exec "$funnel" --db "postgres://${encoded_who}:${password}@${host_port}/${database}"
fi
