#!/usr/bin/env python3
"""Writes a CSV of leads with 20 attributes for `funnel import leads` (issue 14's benchmarks).

    python3 Benchmarks/scripts/leads-with-attributes.py ROWS OUT.csv

Columns: email, name, source, then 20 attributes shaped like the bank-marketing data: 8 categories
(job 12 values, marital 3, education 4, contact 3, month 12, poutcome 4, country 6, last_activity 7),
6 numbers (age 18-95, balance, duration, campaign 1-60, pdays mostly -1, visits with one decimal),
3 yes/no (default, housing, loan), 2 dates (first_seen, last_seen) and a text with 5,000 values (notes).
Values are drawn uniformly with a fixed seed (7): the same file on every machine. Standard library only.
1,000,000 rows: about 179 MB.
"""
import random, sys
n = int(sys.argv[1]); out = sys.argv[2]
rnd = random.Random(7)
jobs = "admin. blue-collar entrepreneur housemaid management retired self-employed services student technician unemployed unknown".split()
cats = [jobs, ["married","single","divorced"], ["primary","secondary","tertiary","unknown"], ["cellular","telephone","unknown"],
        ["jan","feb","mar","apr","may","jun","jul","aug","sep","oct","nov","dec"], ["success","failure","other","unknown"],
        ["India","Portugal","Brazil","United States","Germany","France"], ["Page Visited","Email Opened","SMS Sent","Olark Chat","Unreachable","Form Submitted","Converted"]]
with open(out, "w") as f:
    f.write("email,name,source," + ",".join(["job","marital","education","contact","month","poutcome","country","last_activity",
        "age","balance","duration","campaign","pdays","visits","default","housing","loan","first_seen","last_seen","notes"]) + "\n")
    for i in range(n):
        r = rnd.random
        row = [f"lead{i}@example{i%97}.com", f"Lead {i}", "website"]
        row += [rnd.choice(c) for c in cats]
        row += [str(rnd.randint(18,95)), str(rnd.randint(-8000,100000)), str(rnd.randint(0,4000)), str(rnd.randint(1,60)), str(rnd.choice([-1,-1,-1,rnd.randint(1,800)])), f"{r()*30:.1f}"]
        row += [rnd.choice(["yes","no"]) for _ in range(3)]
        row += [f"20{rnd.randint(18,25)}-{rnd.randint(1,12):02d}-{rnd.randint(1,28):02d}" for _ in range(2)]
        row += [f"note {rnd.randint(1,5000)}"]
        f.write(",".join(row) + "\n")
