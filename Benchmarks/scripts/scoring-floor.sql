-- SQLite's own floor for a scoring pass (rescoring, or the read that learning a score starts with):
-- the same rows the pass reads, with nothing computed in Swift. The leads of one organization
-- (the columns LeadScoringInput reads), and the type and time of every action of the leads in the
-- id ranges the pass walks (all of them). Run on the 1M demo, the first organization's id:
--
--   farm-bench --vs "sqlite3 /tmp/demo1m.sqlite -init /dev/null '.read Benchmarks/scripts/scoring-floor.sql'" \
--       -- funnel score --all --db /tmp/demo1m.sqlite --user admin@northwind.example
SELECT count(*), sum(length(email)), sum(phone IS NOT NULL), sum(company IS NOT NULL), sum(product_id IS NOT NULL),
       sum(score), sum(length(status)), sum(length(source))
FROM leads WHERE +org_id = 1;
SELECT count(*), sum(length(action_type)), sum(length(created_at)) FROM lead_actions INDEXED BY idx_lead_actions_lead_created;
