#!/usr/bin/env bash
# A throwaway local PostgreSQL server for Funnel's team mode, its tests and `make team-demo`.
#
#   scripts/postgres-sandbox.sh start     start it (creating it the first time); prints an admin URL
#   scripts/postgres-sandbox.sh url       prints the admin URL of the running server
#   scripts/postgres-sandbox.sh stop      stops it (its data stays in .build-pg/)
#   scripts/postgres-sandbox.sh destroy   stops it and removes .build-pg/
#
# It uses Debian's `postgresql` package (installed when missing), keeps everything under
# .build-pg/ in the repository ($FUNNEL_PG_SANDBOX), listens on 127.0.0.1 and a socket in its
# run/ folder only, on port $FUNNEL_PG_PORT (else the first free one from 54329, kept for the
# sandbox), and signs users in with SCRAM passwords. PostgreSQL refuses
# to run as root: as root, the server runs as the `postgres` system user (the package makes it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
sandbox="${FUNNEL_PG_SANDBOX:-$root/.build-pg}"
data="$sandbox/data"
run="$sandbox/run"
log="$sandbox/server.log"
password_file="$sandbox/admin-password"
admin="funnel_admin"
database="funnel"

say() { echo "postgres-sandbox: $*" >&2; }

install_postgresql() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || ! command -v openssl >/dev/null; then
    say "installing Debian's postgresql package"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib openssl >/dev/null
  fi
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
}

# Runs a server program as the user the server runs as (never root).
as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The sandbox's port: given, kept from its creation, or the first free one from 54329.
choose_port() {
  if [ -n "${FUNNEL_PG_PORT:-}" ]; then port="$FUNNEL_PG_PORT"; return; fi
  if [ -f "$sandbox/port" ]; then port="$(cat "$sandbox/port")"; return; fi
  # A running server says its port (the fourth line of its pid file).
  if [ -f "$data/postmaster.pid" ]; then port="$(sed -n 4p "$data/postmaster.pid")"; echo "$port" > "$sandbox/port"; return; fi
  port=54329
  while (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  mkdir -p "$sandbox"
  echo "$port" > "$sandbox/port"
}

url() {
  echo "postgres://$admin:$(cat "$password_file")@127.0.0.1:$port/$database"
}

running() {
  [ -f "$data/postmaster.pid" ] && as_server "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

create() {
  say "creating a server in $sandbox"
  mkdir -p "$sandbox" "$run"
  umask 077
  head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$password_file"
  if [ "$(id -u)" -eq 0 ]; then
    # The server's user must reach the folder (each parent searchable) and own its data.
    local dir="$sandbox"
    while [ "$dir" != "/" ]; do
      if ! runuser -u postgres -- test -x "$dir"; then chmod o+x "$dir"; fi
      dir="$(dirname "$dir")"
    done
    chown -R postgres: "$sandbox"
    chown root: "$password_file"
  fi
  local pwcopy="$run/initdb-password"
  cp "$password_file" "$pwcopy"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$pwcopy"
  as_server "$bin/initdb" -D "$data" -U "$admin" --pwfile="$pwcopy" --auth-local=scram-sha-256 --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$sandbox/initdb.log" 2>&1 || { cat "$sandbox/initdb.log" >&2; rm -f "$pwcopy"; exit 1; }
  rm -f "$pwcopy"
}

start() {
  install_postgresql
  choose_port
  [ -d "$data" ] || create
  if [ ! -f "$data/server.crt" ]; then
    # A self-signed certificate for 127.0.0.1: the server offers TLS (sslmode=require, and
    # verify-full refused for an unknown authority, are tested against it).
    as_server openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
      -keyout "$data/server.key" -out "$data/server.crt" >/dev/null 2>&1
    as_server chmod 600 "$data/server.key"
    if running; then as_server "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  fi
  if ! running; then
    # The kept port may have been taken meanwhile (another sandbox): take the next free one.
    if [ -z "${FUNNEL_PG_PORT:-}" ] && (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      rm -f "$sandbox/port"
      port=54329
      while (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
      echo "$port" > "$sandbox/port"
    fi
    as_server "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -k $run -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256 -c max_connections=200 -c ssl=on" start >/dev/null \
      || { tail -20 "$log" >&2; exit 1; }
  fi
  if ! PGPASSWORD="$(cat "$password_file")" "$bin/psql" -h 127.0.0.1 -p "$port" -U "$admin" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    PGPASSWORD="$(cat "$password_file")" "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$admin" "$database"
  fi
  url
}

stop() {
  install_postgresql
  if [ -d "$data" ] && running; then
    as_server "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    say "stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  url) install_postgresql; choose_port; running || { say "not running (scripts/postgres-sandbox.sh start)"; exit 1; }; url ;;
  stop) stop ;;
  destroy) stop; rm -rf "$sandbox"; say "removed $sandbox" ;;
  *) echo "usage: $0 start|url|stop|destroy" >&2; exit 2 ;;
esac
