#!/usr/bin/env python3
"""Best and median soft penalty per set and time limit, from the CSV that
benches/itc2007_seeds.sh writes, beside the published results.
Usage: benches/itc2007_table.py docs/itc2007_runs.csv"""
import csv
import statistics
import sys

WINNER = {1: 4370, 2: 400, 3: 10049, 4: 18141}
PUBLISHED = {1: 4356, 2: 390, 3: 9465, 4: 11802}

rows = list(csv.DictReader(open(sys.argv[1])))
limits = sorted({int(r["limit_s"]) for r in rows})
head = "| set |"
rule = "|---|"
for limit in limits:
    head += f" {limit} s best | {limit} s median |"
    rule += "---|---|"
head += " ITC 2007 winner | best published | median at {} s vs winner |".format(limits[-1])
rule += "---|---|---|"
print(head)
print(rule)
for s in (1, 2, 3, 4):
    line = f"| {s} |"
    median = None
    for limit in limits:
        runs = [r for r in rows if int(r["set"]) == s and int(r["limit_s"]) == limit]
        assert all(r["distance"] == "0" for r in runs), f"set {s}: an infeasible run"
        soft = [int(r["soft"]) for r in runs]
        median = statistics.median(soft)
        line += f" {min(soft)} | {median:g} |"
    line += f" {WINNER[s]} | {PUBLISHED[s]} | {100 * (median - WINNER[s]) / WINNER[s]:+.0f} % |"
    print(line)
print()
print(f"({len(rows)} runs; seeds per cell: "
      + ", ".join(f"{l} s: {sum(1 for r in rows if int(r['limit_s']) == l) // 4}" for l in limits) + ")")
