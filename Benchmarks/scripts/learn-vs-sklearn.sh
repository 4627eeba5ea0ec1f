#!/bin/sh
# Issue 15: `funnel score learn` on the UCI Bank Marketing data against scikit-learn's
# LogisticRegression (learn-reference.py), 5-fold stratified cross-validated ROC AUC.
#
#   Benchmarks/scripts/learn-vs-sklearn.sh [extra arguments for `funnel score learn`]
#
# 1. a Python venv with scikit-learn at $VENV (default /tmp/funnel-sklearn-venv), made if missing;
# 2. a fresh database ($WORK/bank.sqlite) made by `funnel init`, holding the bank data alone
#    (no demo leads, whose outcomes would mix into learning), imported by examples/bank-marketing.sh;
# 3. `funnel score learn --format json`, timed, into $WORK/funnel-learn.json;
# 4. learn-reference.py --funnel-json: prints both and exits 1 when Funnel's AUC is not within
#    0.01 of scikit-learn's plain model.
#
# FUNNEL (default: this checkout's release build, else its debug build) runs Funnel; this script
# builds nothing. BANK_MARKETING overrides the data file, WORK the folder (default: a new one in /tmp).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${BANK_MARKETING:-$root/../shared/data/bank-marketing/bank-full.csv}
venv=${VENV:-/tmp/funnel-sklearn-venv}
admin=admin@bank.example

if [ -z "${FUNNEL:-}" ]; then
    if [ -x "$root/.build/release/funnel" ]; then FUNNEL=$root/.build/release/funnel
    elif [ -x "$root/.build/debug/funnel" ]; then FUNNEL=$root/.build/debug/funnel
    else echo "no Funnel build in $root/.build (swift build -c release), or set FUNNEL" >&2; exit 2
    fi
fi
[ -r "$data" ] || { echo "no data file: $data (set BANK_MARKETING)" >&2; exit 2; }

# 1. The venv, for this script only.
if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sklearn' 2>/dev/null; then
    echo "making $venv with scikit-learn" >&2
    start=$(date +%s)
    if ! python3 -m venv "$venv" >&2; then
        # Debian splits venv's pip bootstrap (ensurepip) out of python3, into python3-venv.
        rm -rf "$venv"
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "installing python3-venv" >&2
            export DEBIAN_FRONTEND=noninteractive
            apt-get install -y python3-venv >&2 || { apt-get update >&2 && apt-get install -y python3-venv >&2; }
            python3 -m venv "$venv" >&2
        else
            echo "python3 cannot make a venv: apt-get install -y python3-venv (as root), then run again" >&2
            exit 2
        fi
    fi
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    "$venv/bin/pip" install --quiet scikit-learn >&2
    echo "venv ready in $(( $(date +%s) - start )) s" >&2
fi

# 2. A fresh database with the bank data alone.
work=${WORK:-$(mktemp -d /tmp/funnel-learn.XXXXXX)}
mkdir -p "$work"
db=$work/bank.sqlite
rm -f "$db" "$db-wal" "$db-shm"
"$FUNNEL" init --db "$db" --org "Bank Marketing" --admin "$admin" </dev/null >&2
# The import exits 3 when some rows were refused: that is a failure here (0 are expected).
FUNNEL=$FUNNEL FUNNEL_DB=$db FUNNEL_USER=$admin BANK_MARKETING=$data \
    sh "$root/examples/bank-marketing.sh" </dev/null >"$work/import.txt" 2>&1 \
    || { cat "$work/import.txt" >&2; echo "the import failed" >&2; exit 1; }
tail -n 5 "$work/import.txt" >&2

# 3. Funnel learns, timed.
echo "funnel score learn..." >&2
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$work/learn-time.txt" \
        "$FUNNEL" score learn --format json --db "$db" --user "$admin" "$@" </dev/null >"$work/funnel-learn.json"
    grep -E 'Elapsed \(wall clock\)|Maximum resident' "$work/learn-time.txt" >&2
else
    start=$(date +%s)
    "$FUNNEL" score learn --format json --db "$db" --user "$admin" "$@" </dev/null >"$work/funnel-learn.json"
    echo "funnel score learn: $(( $(date +%s) - start )) s" >&2
fi
echo "Funnel ($work/funnel-learn.json):"
cat "$work/funnel-learn.json"

# 4. The reference, and the comparison (its exit status is this script's).
echo "scikit-learn:"
"$venv/bin/python" "$here/learn-reference.py" --data "$data" --funnel-json "$work/funnel-learn.json"
