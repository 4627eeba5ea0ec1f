-- SQLite's own floor for issue 14's import of 1,000,000 leads with 20 attributes (Benchmarks/README.md,
-- "Attributes (issue 14)"): the JSON column ONLY. Every attribute is marked not indexed (indexed = 0),
-- so the trigger writes no value-index entry (the last line prints 0).
-- One INSERT ... SELECT from generate_series, building each lead's JSON with json_object (the same 20
-- attribute names, kinds and value shapes as scripts/leads-with-attributes.py; values from the row number),
-- into the real schema v7 leads table (its indexes, CHECKs, FTS and count triggers) in one transaction,
-- with the app's pragmas. No Swift and no CSV: what the schema costs.
--
-- Run it on a new database made by the release funnel (organization 1 with its 1,000 demo leads), e.g.:
--   funnel demo --leads 1000 --no-open --db /tmp/floor/f.sqlite
--   /usr/bin/time -f '%e s wall %M KB' sqlite3 /tmp/floor/f.sqlite < Benchmarks/scripts/attribute-floor-json.sql
-- The .timer line of the INSERT is the figure; the last line counts the value-index entries.
PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192; PRAGMA foreign_keys=ON;
INSERT INTO lead_attributes(org_id,name,kind,scoring,position,indexed,created_at) VALUES
 (1,'job','text',1,0,0,'2026-12-02 00:00:00'),(1,'marital','text',1,1,0,'2026-12-02 00:00:00'),(1,'education','text',1,2,0,'2026-12-02 00:00:00'),
 (1,'contact','text',1,3,0,'2026-12-02 00:00:00'),(1,'month','text',1,4,0,'2026-12-02 00:00:00'),(1,'poutcome','text',1,5,0,'2026-12-02 00:00:00'),
 (1,'country','text',1,6,0,'2026-12-02 00:00:00'),(1,'last_activity','text',1,7,0,'2026-12-02 00:00:00'),(1,'age','number',1,8,0,'2026-12-02 00:00:00'),
 (1,'balance','number',1,9,0,'2026-12-02 00:00:00'),(1,'duration','number',0,10,0,'2026-12-02 00:00:00'),(1,'campaign','number',1,11,0,'2026-12-02 00:00:00'),
 (1,'pdays','number',1,12,0,'2026-12-02 00:00:00'),(1,'visits','number',1,13,0,'2026-12-02 00:00:00'),(1,'default','yes_no',1,14,0,'2026-12-02 00:00:00'),
 (1,'housing','yes_no',1,15,0,'2026-12-02 00:00:00'),(1,'loan','yes_no',1,16,0,'2026-12-02 00:00:00'),(1,'first_seen','date',1,17,0,'2026-12-02 00:00:00'),
 (1,'last_seen','date',1,18,0,'2026-12-02 00:00:00'),(1,'notes','text',1,19,0,'2026-12-02 00:00:00');
.timer on
BEGIN;
INSERT INTO leads(org_id, name, email, source, status, score, created_at, updated_at, attributes)
SELECT 1, 'Lead ' || value, 'lead' || value || '@example' || (value % 97) || '.com', 'website', 'new', value % 101, '2026-12-02 00:00:00.000', '2026-12-02 00:00:00.000',
 json_object('job', 'job' || (value*7 % 12), 'marital', 'm' || (value*11 % 3), 'education', 'e' || (value*13 % 4), 'contact', 'c' || (value*17 % 3),
   'month', 'mon' || (value*19 % 12), 'poutcome', 'p' || (value*23 % 4), 'country', 'co' || (value*29 % 6), 'last_activity', 'la' || (value*31 % 7),
   'age', 18 + value*37 % 78, 'balance', value*41 % 108000 - 8000, 'duration', value*43 % 4000, 'campaign', 1 + value*47 % 60, 'pdays', value*53 % 800 - 1,
   'visits', (value*59 % 300) / 10.0, 'default', json(CASE value*61 % 2 WHEN 0 THEN 'true' ELSE 'false' END), 'housing', json(CASE value*67 % 2 WHEN 0 THEN 'true' ELSE 'false' END),
   'loan', json(CASE value*71 % 2 WHEN 0 THEN 'true' ELSE 'false' END), 'first_seen', '2019-0' || (1 + value % 9) || '-1' || (value % 9), 'last_seen', '2024-0' || (1 + value % 9) || '-2' || (value % 9),
   'notes', 'note ' || (value*73 % 5000))
FROM generate_series(1, 1000000);
COMMIT;
SELECT count(*) FROM lead_attribute_values;
