#!/usr/bin/env bash
# SQLite's own floor for storing lead attributes (issue #14): the sqlite3 shell only, no Funnel code.
#
#   Benchmarks/attribute-storage.sh [LEADS] [RUNS]      # defaults: 1000000 leads, 15 runs a query
#   BENCH_DIR=/tmp/somewhere KEEP=1 Benchmarks/attribute-storage.sh 200000
#   EXTRA=1 Benchmarks/attribute-storage.sh       # also A1-cat, A2-sorted and A3 (about 6 minutes more)
#
# At 1,000,000 leads: about 11 minutes on the busy 2-core VM, plus about 5 minutes the first time
# to generate the source (kept in $BENCH_DIR, 740 MB, and reused). Check the script at 20000 first.
#
# Generates LEADS leads with 20 attributes shaped like the shared bank-marketing data (8 categorical
# columns of 3-12 values, 6 numbers with many distinct values, 4 yes/no, 2 dates), deterministic
# functions of the lead's id (no random()), into a source file once (not timed). Then, for each design,
# a new file (WAL, synchronous=NORMAL, foreign keys on, 8 MiB page cache, temp_store=MEMORY as the app
# opens it) is loaded from the source in one transaction (timed, with its commit and checkpoint) and
# queried (each query RUNS times in one sqlite3 process; median and max of the wall clock):
#   D   leads only (no attributes): the floor
#   J   leads with the JSON column (its json_valid CHECK) and no index on it
#   A1  JSON column + lead_attribute_values(attribute_id, value, lead_id) filled by the AFTER INSERT trigger
#       (A1-v7: the trigger exactly as SchemaV7.swift writes it, on the first 20,000 leads only)
#   A2  JSON column + lead_attribute_values filled by INSERT ... SELECT FROM json_each per batch of 1,000 leads
#   A3  JSON column + lead_attribute_values filled once after the leads, sorted (ORDER BY its key)
#   B   no JSON: lead_attribute_values + lead_attribute_rows(lead_id, attribute_id, value), per batch of 1,000
#   C   JSON column + 8 expression indexes (org_id, json_extract(attributes,'$.<categorical>'), score DESC, id):
#       built after the load (C-after) and present during the load (C-with)
# Prints a markdown table; the plans and the raw timings go to $BENCH_DIR/log-LEADS.txt.
set -euo pipefail

N=${1:-1000000}
RUNS=${2:-15}
CHUNK=1000
DIR=${BENCH_DIR:-/tmp/funnel-attr-bench}
mkdir -p "$DIR"
SRC="$DIR/source-$N.sqlite"
DB="$DIR/design.sqlite"
LOG="$DIR/log-$N.txt"
: > "$LOG"
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }

PRAGMAS=".output /dev/null
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;
PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY;
.output stdout"

# 16-bit hashes u1..u21 of each lead id: murmur3's 32-bit finalizer (fmix32) of id*32+k, written with
# SQLite's integer arithmetic (xor as (a|b)-(a&b), 32-bit products split in 16-bit halves, no overflow).
# A plain multiplicative hash left the attributes correlated with the score (a 3% value had scores 10..77).
hashes() {
  local n=$1 k level
  local xor16 xor13 mul1 mul2
  level="SELECT value AS id"; for k in $(seq 1 21); do level+=", value*32+$k AS x$k"; done
  level+=" FROM generate_series(1, $n)"
  for step in "xor 16" "mul 34283 51819" "xor 13" "mul 49842 44597" "xor 16"; do
    set -- $step
    local cols="id"
    for k in $(seq 1 21); do
      if [[ $1 == xor ]]; then cols+=", ((x$k | (x$k >> $2)) - (x$k & (x$k >> $2))) AS x$k"
      else cols+=", ((x$k * $3 + ((x$k * $2) % 65536) * 65536) % 4294967296) AS x$k"; fi
    done
    level="SELECT $cols FROM ($level)"
  done
  local out="id"; for k in $(seq 1 21); do out+=", x$k / 65536 AS u$k"; done
  echo "SELECT $out FROM ($level)"
}

NAMES="job marital education contact month poutcome region segment age balance duration campaign pdays time_on_site default housing loan subscribed last_contact signed_up"
KINDS="text text text text text text text text number number number number number number yes_no yes_no yes_no yes_no date date"

# ---------------------------------------------------------------------------------------------
# The source (once per size; kept and reused while it holds N leads).
if [[ ! -f "$SRC" ]] || [[ "$(sqlite3 "$SRC" 'SELECT count(*) FROM src_leads' 2>/dev/null)" != "$N" ]]; then
  rm -f "$SRC"
  echo "generating the source of $N leads ..." >&2
  attrs_values=""
  i=1; set -- $KINDS
  for name in $NAMES; do attrs_values+="${attrs_values:+,}($i,'$name','$1')"; i=$((i+1)); shift; done
  sqlite3 "$SRC" <<SQL
.output /dev/null
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;
.output stdout
CREATE TABLE attrs(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
INSERT INTO attrs VALUES $attrs_values;
CREATE TABLE src_leads(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, score INTEGER NOT NULL);
CREATE TABLE src_json(id INTEGER PRIMARY KEY, attributes TEXT NOT NULL);
CREATE TABLE src_eav(lead_id INTEGER NOT NULL, attribute_id INTEGER NOT NULL, value ANY NOT NULL,
  PRIMARY KEY(lead_id, attribute_id)) STRICT, WITHOUT ROWID;
BEGIN;
CREATE TEMP TABLE b AS $(hashes "$N");
INSERT INTO src_leads SELECT id, 1, u21 % 100 FROM b;
INSERT INTO src_json SELECT id, json_object(
  'job', CASE WHEN u1%1000 < 300 THEN 'management' WHEN u1%1000 < 500 THEN 'blue-collar'
              WHEN u1%1000 < 650 THEN 'technician' WHEN u1%1000 < 760 THEN 'admin.'
              WHEN u1%1000 < 850 THEN 'services' WHEN u1%1000 < 900 THEN 'retired'
              WHEN u1%1000 < 940 THEN 'self-employed' WHEN u1%1000 < 970 THEN 'entrepreneur'
              WHEN u1%1000 < 985 THEN 'unemployed' WHEN u1%1000 < 995 THEN 'housemaid'
              WHEN u1%1000 < 999 THEN 'student' ELSE 'unknown' END,
  'marital', CASE WHEN u2%100 < 60 THEN 'married' WHEN u2%100 < 88 THEN 'single' ELSE 'divorced' END,
  'education', CASE WHEN u3%100 < 51 THEN 'secondary' WHEN u3%100 < 80 THEN 'tertiary'
                    WHEN u3%100 < 96 THEN 'primary' ELSE 'unknown' END,
  'contact', CASE WHEN u4%100 < 65 THEN 'cellular' WHEN u4%100 < 71 THEN 'telephone' ELSE 'unknown' END,
  'month', json_extract('["may","may","may","may","may","may","jul","jul","jul","aug","aug","aug","jun","jun","nov","nov","apr","feb","jan","oct","sep","mar","dec","may"]', '\$[' || (u5%24) || ']'),
  'poutcome', CASE WHEN u6%100 < 82 THEN 'unknown' WHEN u6%100 < 93 THEN 'failure'
                   WHEN u6%100 < 97 THEN 'other' ELSE 'success' END,
  'region', json_extract('["north","south","east","west","centre","islands","abroad","capital"]', '\$[' || (u7%8) || ']'),
  'segment', json_extract('["consumer","consumer","consumer","smb","smb","mid","enterprise","public"]', '\$[' || (u8%8) || ']'),
  'age', 18 + u9%45 + (u9/45)%35,
  'balance', CASE WHEN u10%10 < 7 THEN (u10/10)%3000 - 300 ELSE (u10*131)%100000 - 8000 END,
  'duration', u11%4918,
  'campaign', 1 + ((u12%1000)*(u12%1000))/20409,
  'pdays', CASE WHEN u13%100 < 82 THEN -1 ELSE 1 + u13%870 END,
  'time_on_site', u14/100.0,
  'default', json(CASE WHEN u15%100 < 2 THEN 'true' ELSE 'false' END),
  'housing', json(CASE WHEN u16%100 < 56 THEN 'true' ELSE 'false' END),
  'loan', json(CASE WHEN u17%100 < 16 THEN 'true' ELSE 'false' END),
  'subscribed', json(CASE WHEN u18%1000 < 117 THEN 'true' ELSE 'false' END),
  'last_contact', date('2008-05-01', '+' || (u19%915) || ' days'),
  'signed_up', date('2012-01-01', '+' || (u20%4000) || ' days'))
FROM b;
INSERT INTO src_eav SELECT j.id, a.id, e.value FROM src_json j, json_each(j.attributes) e JOIN attrs a ON a.name = e.key;
COMMIT;
SQL
fi

# ---------------------------------------------------------------------------------------------
SCHEMA="
CREATE TABLE organizations(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO organizations VALUES (1, 'Northwind');
CREATE TABLE leads(
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  score INTEGER NOT NULL,
  attributes TEXT CONSTRAINT \"attributes must be a JSON object (json_valid)\"
    CHECK (attributes IS NULL OR (json_valid(attributes) AND json_type(attributes) = 'object')));
CREATE INDEX idx_leads_score ON leads(org_id, score DESC, id);
CREATE TABLE lead_attributes(id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL, kind TEXT NOT NULL, UNIQUE(org_id, name)) STRICT;
ATTACH '$SRC' AS src;
INSERT INTO lead_attributes SELECT id, 1, name, kind FROM src.attrs;"
VALUES_TABLE="
CREATE TABLE lead_attribute_values(
  attribute_id INTEGER NOT NULL REFERENCES lead_attributes(id) ON DELETE CASCADE,
  value ANY NOT NULL, lead_id INTEGER NOT NULL,
  PRIMARY KEY(attribute_id, value, lead_id)) STRICT, WITHOUT ROWID;"
# The trigger as SchemaV7.swift writes it (a plain JOIN: SQLite puts lead_attributes outside and
# scans json_each once per attribute of the organization, 20 JSON parses a lead) ...
TRIGGER_V7="
CREATE TRIGGER leads_attributes_insert AFTER INSERT ON leads WHEN NEW.attributes IS NOT NULL BEGIN
  INSERT INTO lead_attribute_values(attribute_id, value, lead_id)
  SELECT a.id, j.value, NEW.id FROM json_each(NEW.attributes) j
  JOIN lead_attributes a ON a.org_id = NEW.org_id AND a.name = j.key
  WHERE j.value IS NOT NULL AND j.type <> 'object' AND j.type <> 'array';
END;"
# ... and with CROSS JOIN (json_each outside, one parse, one index lookup per attribute).
TRIGGER="${TRIGGER_V7/JOIN lead_attributes/CROSS JOIN lead_attributes}"
ROWS_TABLE="
CREATE TABLE lead_attribute_rows(lead_id INTEGER NOT NULL,
  attribute_id INTEGER NOT NULL REFERENCES lead_attributes(id) ON DELETE CASCADE,
  value ANY NOT NULL, PRIMARY KEY(lead_id, attribute_id)) STRICT, WITHOUT ROWID;"
CATEGORICAL="job marital education contact month poutcome region segment"
expr_indexes() {
  for a in $CATEGORICAL; do
    echo "CREATE INDEX idx_leads_attr_$a ON leads(org_id, json_extract(attributes, '\$.$a'), score DESC, id);"
  done
}
LEADS_JSON="INSERT INTO leads(id, org_id, score, attributes)
  SELECT l.id, l.org_id, l.score, j.attributes FROM src.src_leads l JOIN src.src_json j ON j.id = l.id"
LEADS_PLAIN="INSERT INTO leads(id, org_id, score) SELECT id, org_id, score FROM src.src_leads"
FROM_JSON="SELECT a.id, j.value, l.id FROM leads l, json_each(l.attributes) j
  CROSS JOIN lead_attributes a ON a.org_id = l.org_id AND a.name = j.key
  WHERE j.value IS NOT NULL AND j.type <> 'object' AND j.type <> 'array'"

now() { date +%s.%N; }
RESULTS=()
LOADS=()

# batches TEMPLATE: the template once per batch of CHUNK leads, @LO and @HI replaced by its id range
# (the app inserts a batch per statement; one statement for a million rows would also keep a
# statement journal of every page it touches).
batches() {
  local lo hi t out=""
  for ((lo = 1; lo <= N; lo += CHUNK)); do
    hi=$((lo + CHUNK - 1)); t=${1//@LO/$lo}; out+="${t//@HI/$hi}"$'\n'
  done
  printf '%s' "$out"
}

# run_timed SQL: runs SQL on $DB with the app's pragmas; sets SECS (wall), CPU (user + sys), RSS (MB).
run_timed() {
  local t0 t1
  t0=$(now)
  printf '%s\nATTACH %s AS src;\n%s\nPRAGMA wal_checkpoint(TRUNCATE);\n' "$PRAGMAS" "'$SRC'" "$1" \
    | /usr/bin/time -f '%M %U %S' -o "$DIR/rss" sqlite3 -bail "$DB" > /dev/null
  t1=$(now)
  SECS=$(echo "$t1 - $t0" | bc -l)
  read -r RSS u s < "$DIR/rss"
  RSS=$((RSS / 1024)); CPU=$(echo "$u + $s" | bc -l)
}

# load NAME SETUP_SQL LOAD_SQL: a new file and the schema (not timed), then the load in one
# transaction, its commit and a checkpoint (timed).
load() {
  local name=$1 setup=$2 body=$3
  rm -f "$DB" "$DB-wal" "$DB-shm"
  printf '%s\n%s\n%s\n' "$PRAGMAS" "$SCHEMA" "$setup" | sqlite3 -bail "$DB" > /dev/null
  run_timed "BEGIN;
$body
COMMIT;"
  local size=$(( $(stat -c %s "$DB") / 1048576 ))
  LAST_SECS=$SECS; LAST_CPU=$CPU
  LOADS+=("| $name | $(printf '%.1f' "$SECS") s | $(printf '%.1f' "$CPU") s | $(printf '%.0f' "$(echo "$N / $SECS" | bc -l)") | $(printf '%.0f' "$(echo "$N / $CPU" | bc -l)") | $size MB | $RSS MB |")
  echo "load $name: ${SECS}s wall, ${CPU}s cpu, ${size}MB, rss ${RSS}MB" | tee -a "$LOG" >&2
}

# query DESIGN NAME SQL...: each SQL argument is one run (the same one repeated, or one per run).
query() {
  local design=$1 name=$2; shift 2
  local input="$PRAGMAS
.timer on
.output /dev/null"
  local s; for s in "$@"; do input+=$'\n'"$s;"; done
  {
    echo "== $design / $name"; echo "$1;"
    printf '%s\nEXPLAIN QUERY PLAN %s;\n' "$PRAGMAS" "$1" | sqlite3 "$DB"
    printf '%s\nSELECT count(*) FROM (%s);\n' "$PRAGMAS" "$1" | sqlite3 "$DB" | sed 's/^/rows: /'
  } >> "$LOG"
  local times
  times=$(echo "$input" | sqlite3 "$DB" | awk '/^Run Time:/ { print $4 * 1000, ($6 + $8) * 1000 }')
  echo "$times" >> "$LOG"
  local median max cpu
  median=$(echo "$times" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  max=$(echo "$times" | awk '{print $1}' | sort -n | tail -1)
  cpu=$(echo "$times" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
  RESULTS+=("| $design | $name | $median | $max | $cpu |")
  echo "  $design $name: median ${median} ms, max ${max} ms, cpu ${cpu} ms" >&2
}

repeat() { local i; for ((i = 0; i < RUNS; i++)); do echo "$1"; done; }
one_lead_ids() { local i; for ((i = 1; i <= RUNS; i++)); do echo $(( (i * 2654435761) % N + 1 )); done; }

page_exists() {
  echo "SELECT id, score FROM leads WHERE org_id = 1 AND EXISTS (SELECT 1 FROM lead_attribute_values v WHERE v.attribute_id = 1 AND v.value = '$1' AND v.lead_id = leads.id) ORDER BY score DESC, id LIMIT 50"
}
page_driven() {
  echo "SELECT l.id, l.score FROM lead_attribute_values v CROSS JOIN leads l ON l.id = v.lead_id WHERE v.attribute_id = 1 AND v.value = '$1' AND l.org_id = 1 ORDER BY l.score DESC, l.id LIMIT 50"
}
page_in() {
  echo "SELECT id, score FROM leads WHERE org_id = 1 AND id IN (SELECT lead_id FROM lead_attribute_values WHERE attribute_id = 1 AND value = '$1') ORDER BY score DESC, id LIMIT 50"
}
value_queries() {
  local d=$1 v
  for v in "management 30%" "entrepreneur 3%" "housemaid 1%" "student 0.4%" "unknown 0.1%"; do
    set -- $v
    mapfile -t runs < <(repeat "$(page_exists "$1")"); query "$d" "(1) page, $2 value, EXISTS walking the score index" "${runs[@]}"
    mapfile -t runs < <(repeat "$(page_driven "$1")"); query "$d" "(2) page, $2 value, driven by the value index, sorted" "${runs[@]}"
  done
  mapfile -t runs < <(repeat "$(page_in unknown)"); query "$d" "(2') page, 0.1% value, \`id IN (SELECT ...)\` as written (planner's choice)" "${runs[@]}"
  mapfile -t runs < <(repeat "SELECT value, count(*) AS n FROM lead_attribute_values WHERE attribute_id = 1 GROUP BY value ORDER BY n DESC LIMIT 10")
  query "$d" "(3) count per value of job (12 values)" "${runs[@]}"
  mapfile -t runs < <(repeat "SELECT value, count(*) AS n FROM lead_attribute_values WHERE attribute_id = 10 GROUP BY value ORDER BY n DESC LIMIT 10")
  query "$d" "(3) count per value of balance (~60,000 values)" "${runs[@]}"
  mapfile -t runs < <(repeat "SELECT count(*) FROM (SELECT 1 FROM lead_attribute_values WHERE attribute_id = 1 AND value = 'management' LIMIT 10000)")
  query "$d" "(3') is a value above 10,000 leads? (bounded count)" "${runs[@]}"
}

echo "designs on $N leads ..." >&2
LEADS_JSON_BATCH="$LEADS_JSON WHERE l.id BETWEEN @LO AND @HI;"
LEADS_PLAIN_BATCH="$LEADS_PLAIN WHERE id BETWEEN @LO AND @HI;"
INDEX_BATCH="INSERT INTO lead_attribute_values $FROM_JSON AND l.id BETWEEN @LO AND @HI"

# D: the floor.
load "D: leads only, no attributes" "" "$(batches "$LEADS_PLAIN_BATCH")"
mapfile -t runs < <(repeat "SELECT id, score FROM leads WHERE org_id = 1 ORDER BY score DESC, id LIMIT 50")
query D "page of 50, no filter" "${runs[@]}"

# J and C-after: the JSON column alone, then the expression indexes built on it.
load "J: JSON column only, no index on it" "" "$(batches "$LEADS_JSON_BATCH")"
run_timed "$(expr_indexes)"
C_BUILD_ROW="| C-after: J, then the 8 expression indexes built ($(printf '%.1f' "$SECS") s, $(printf '%.1f' "$CPU") s cpu) | $(printf '%.1f' "$(echo "$LAST_SECS + $SECS" | bc -l)") s | $(printf '%.1f' "$(echo "$LAST_CPU + $CPU" | bc -l)") s | $(printf '%.0f' "$(echo "$N / ($LAST_SECS + $SECS)" | bc -l)") | $(printf '%.0f' "$(echo "$N / ($LAST_CPU + $CPU)" | bc -l)") | $(( $(stat -c %s "$DB") / 1048576 )) MB | $RSS MB |"
echo "C build after load: ${SECS}s wall, ${CPU}s cpu, size $(( $(stat -c %s "$DB") / 1048576 ))MB" | tee -a "$LOG" >&2
for v in "management 30%" "entrepreneur 3%" "unknown 0.1%"; do
  set -- $v
  mapfile -t runs < <(repeat "SELECT id, score FROM leads WHERE org_id = 1 AND json_extract(attributes, '\$.job') = '$1' ORDER BY score DESC, id LIMIT 50")
  query C "(1)/(2) page, $2 value, expression index" "${runs[@]}"
done
mapfile -t runs < <(repeat "SELECT json_extract(attributes, '\$.job') AS v, count(*) AS n FROM leads WHERE org_id = 1 GROUP BY v ORDER BY n DESC LIMIT 10")
query C "(3) count per value of job (12 values)" "${runs[@]}"
mapfile -t runs < <(one_lead_ids | while read -r id; do echo "SELECT attributes FROM leads WHERE id = $id"; done)
query "A, C, J" "(4) one lead's attributes (the JSON text)" "${runs[@]}"
mapfile -t runs < <(one_lead_ids | while read -r id; do echo "SELECT j.key, j.value FROM leads, json_each(leads.attributes) j WHERE leads.id = $id"; done)
query "A, C, J" "(4) one lead's attributes, as rows (json_each)" "${runs[@]}"

load "C-with: JSON + 8 expression indexes present during the load" "$(expr_indexes)" "$(batches "$LEADS_JSON_BATCH")"

# A: JSON column + value index table. First the trigger as SchemaV7 writes it, on a slice (it is
# linear in the leads, and too slow for the whole run).
N_FULL=$N; N=$(( N < 20000 ? N : 20000 ))
load "A1-v7: the trigger as in SchemaV7.swift (plain JOIN), first $N leads only" "$VALUES_TABLE $TRIGGER_V7" "$(batches "$LEADS_JSON_BATCH")"
load "A1 on the same first $N leads (trigger with CROSS JOIN)" "$VALUES_TABLE $TRIGGER" "$(batches "$LEADS_JSON_BATCH")"
N=$N_FULL
load "A1: JSON + value index filled by the trigger (CROSS JOIN)" "$VALUES_TABLE $TRIGGER" "$(batches "$LEADS_JSON_BATCH")"
value_queries A1
CATEGORICAL_ONLY="WHERE a.kind IN ('text', 'yes_no') AND j.value IS NOT NULL"
[[ -z "${EXTRA:-}" ]] || load "A1-cat: as A1, index entries for text and yes/no attributes only (12 of 20)" \
  "$VALUES_TABLE ${TRIGGER/WHERE j.value IS NOT NULL/$CATEGORICAL_ONLY}" \
  "$(batches "$LEADS_JSON_BATCH")"
load "A2: JSON + value index by INSERT ... SELECT FROM json_each, per batch" "$VALUES_TABLE" \
  "$(batches "$LEADS_JSON_BATCH $INDEX_BATCH;")"
[[ -z "${EXTRA:-}" ]] || load "A2-sorted: as A2, each batch's entries inserted in index order" "$VALUES_TABLE" \
  "$(batches "$LEADS_JSON_BATCH $INDEX_BATCH ORDER BY 1, 2, 3;")"
[[ -z "${EXTRA:-}" ]] || load "A3: JSON, then the value index filled once after the load, sorted" "$VALUES_TABLE" \
  "$(batches "$LEADS_JSON_BATCH")
INSERT INTO lead_attribute_values $FROM_JSON ORDER BY 1, 2, 3;"

# B: EAV only.
load "B: EAV only (value index + rows by lead), per batch" "$VALUES_TABLE $ROWS_TABLE" "$(batches "$LEADS_PLAIN_BATCH
INSERT INTO lead_attribute_rows SELECT lead_id, attribute_id, value FROM src.src_eav WHERE lead_id BETWEEN @LO AND @HI;
INSERT INTO lead_attribute_values SELECT attribute_id, value, lead_id FROM src.src_eav WHERE lead_id BETWEEN @LO AND @HI;")"
value_queries B
mapfile -t runs < <(one_lead_ids | while read -r id; do echo "SELECT a.name, r.value FROM lead_attribute_rows r JOIN lead_attributes a ON a.id = r.attribute_id WHERE r.lead_id = $id"; done)
query B "(4) one lead's attributes (rows joined to names)" "${runs[@]}"

[[ -n "${KEEP:-}" ]] || rm -f "$DB" "$DB-wal" "$DB-shm" "$DIR/rss"

echo
echo "Loads of $N leads x 20 attributes (one transaction, commit and checkpoint included):"
echo
echo "| Design | Wall | CPU | Leads/s (wall) | Leads/s (CPU) | File | Peak RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${LOADS[@]}"
echo "$C_BUILD_ROW"
echo
echo "Queries ($RUNS runs each, ms; cpu = user + sys, median):"
echo
echo "| Design | Query | Median | Max | CPU |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${RESULTS[@]}"
