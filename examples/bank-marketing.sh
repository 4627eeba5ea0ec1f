#!/bin/sh
# Imports the UCI Bank Marketing data (../shared/data/bank-marketing/bank-full.csv, 45,211 people)
# as leads of the signed-in organization: every column kept (as attributes), `y` as the outcome,
# each row identified by its line. Into $FUNNEL_DB as $FUNNEL_USER (a user with data.import).
#
#   FUNNEL_DB=demo.sqlite FUNNEL_USER=manager@northwind.example examples/bank-marketing.sh [--dry-run]
#
# FUNNEL (default: this checkout's release build, else its debug build, else `funnel` on the PATH) runs Funnel;
# BANK_MARKETING overrides the data file. Extra arguments go to `funnel import leads`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
data=${BANK_MARKETING:-$root/../shared/data/bank-marketing/bank-full.csv}
if [ -z "${FUNNEL:-}" ]; then
    if [ -x "$root/.build/release/funnel" ]; then FUNNEL=$root/.build/release/funnel
    elif [ -x "$root/.build/debug/funnel" ]; then FUNNEL=$root/.build/debug/funnel
    else FUNNEL=funnel
    fi
fi
: "${FUNNEL_DB:?set FUNNEL_DB to the database file}"
: "${FUNNEL_USER:?set FUNNEL_USER to the email of a user who may import (an administrator or a manager)}"
exec "$FUNNEL" import leads "$data" --key @line --map "$here/bank-marketing.map" --db "$FUNNEL_DB" --user "$FUNNEL_USER" "$@"
