#!/usr/bin/env python3
"""Writes a CSV of lead actions for `funnel import actions` against a demo database, and the same
rows with the leads resolved, for SQLite's own floor (`.import` through the sqlite3 shell).

    python3 Benchmarks/scripts/actions-csv.py DEMO.sqlite ROWS OUT.csv [FLOOR.csv]

Rows are in time order (as an event export is), over the past 365 days, for random leads of the
demo's first organization (by email, or `#id` for a lead without one); every column but
lead, type and time goes into the action's metadata.
"""
import random
import sqlite3
import sys
import time

TYPES = ["page_visit"] * 26 + ["email_open"] * 22 + ["email_sent"] * 14 + ["email_click"] * 10 + \
    ["form_submit"] * 5 + ["content_download"] * 5 + ["call"] * 4 + ["reply"] * 4 + ["webinar"] * 2 + \
    ["demo_request"] * 2 + ["meeting"] * 2 + ["note"] * 2 + ["unsubscribe"] + ["bounce"]
PAGES = ["/pricing", "/blog/lead-scoring", "/integrations", "/docs/api", "/case-studies", "/", "/signup", "/features"]
CAMPAIGNS = ["newsletter-%d" % n for n in range(1, 13)] + ["launch", "webinar-invite", "nurture-a", "nurture-b"]


def main():
    demo, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    floor = sys.argv[4] if len(sys.argv) > 4 else None
    db = sqlite3.connect(demo)
    org = db.execute("SELECT min(org_id) FROM leads").fetchone()[0]
    leads = db.execute("SELECT id, email FROM leads WHERE org_id = ? ORDER BY id", (org,)).fetchall()
    rng = random.Random(14)
    end = int(time.time()) - 3600
    start = end - 365 * 86400
    step = (end - start) / rows
    with open(out, "w", newline="") as f, (open(floor, "w", newline="") if floor else open("/dev/null", "w")) as g:
        f.write("lead,type,time,page,campaign\n")
        f_lines, g_lines = [], []
        for n in range(rows):
            lead_id, email = leads[rng.randrange(len(leads))]
            kind = TYPES[rng.randrange(len(TYPES))]
            t = time.gmtime(start + int(n * step))
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", t)
            page = PAGES[rng.randrange(len(PAGES))] if kind == "page_visit" else ""
            campaign = CAMPAIGNS[rng.randrange(len(CAMPAIGNS))] if kind.startswith("email") else ""
            f_lines.append("%s,%s,%s,%s,%s\n" % (email if email else "#%d" % lead_id, kind, stamp, page, campaign))
            if floor:
                meta = ('{"page":"%s"}' % page) if page else (('{"campaign":"%s"}' % campaign) if campaign else "{}")
                g_lines.append('%d,%s,"%s",%s.000\n' % (lead_id, kind, meta.replace('"', '""'), stamp))
            if len(f_lines) >= 100000:
                f.write("".join(f_lines)); f_lines.clear()
                g.write("".join(g_lines)); g_lines.clear()
        f.write("".join(f_lines)); g.write("".join(g_lines))


if __name__ == "__main__":
    main()
