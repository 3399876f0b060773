#!/usr/bin/env python3
"""Writes small.exam: a small ITC 2007 exam-track instance in the public file format,
so the parser, scorer and solver tests run without the public data set.

Deterministic (fixed seed); rerun to regenerate: python3 gen_small.py > small.exam
It has what the rule-breaking tests need: rooms of different sizes, periods shorter
than some exams, AFTER / EXCLUSION / EXAM_COINCIDENCE pairs and a ROOM_EXCLUSIVE exam.
"""
import random

rng = random.Random(2007)
EXAMS, STUDENTS = 40, 160
durations = [60, 90, 120, 180]
exams = []
students_of = [set() for _ in range(EXAMS)]
# Eight programmes of five exams; each student sits 2-3 exams of one programme, so
# the conflict graph is eight cliques of five and 12 periods leave room to move.
for s in range(STUDENTS):
    programme = s % 8
    for k in rng.sample(range(5), rng.randint(2, 3)):
        students_of[programme * 5 + k].add(s)
for e in range(EXAMS):
    if not students_of[e]:
        students_of[e].add(rng.randrange(STUDENTS))
    exams.append((rng.choice(durations), sorted(students_of[e])))

# 4 days, 3 periods each: 09:00 (180 min), 13:00 (120), 16:30 (60).
periods = []
for day in range(4):
    date = f"{day + 4:02d}:05:2026"
    periods.append((date, "09:00:00", 180, 0))
    periods.append((date, "13:00:00", 120, 0))
    periods.append((date, "16:30:00", 60, rng.choice([0, 5])))
rooms = [(60, 0), (30, 1), (15, 2)]

def disjoint(a, b):
    return not (set(exams[a][1]) & set(exams[b][1]))

pairs = [(a, b) for a in range(EXAMS) for b in range(EXAMS) if a < b and disjoint(a, b)]
rng.shuffle(pairs)
phc = []
# Pairwise disjoint pairs, so no exam carries two constraints.
chosen, seen = [], set()
for a, b in pairs:
    if a not in seen and b not in seen:
        chosen.append((a, b))
        seen |= {a, b}
for a, b in chosen[:8]:
    phc.append(f"{a}, AFTER, {b}")
for a, b in chosen[8:10]:
    phc.append(f"{a}, EXCLUSION, {b}")
a, b = chosen[10]
phc.append(f"{a}, EXAM_COINCIDENCE, {b}")
used = {x for p in chosen[:11] for x in p}
exclusive = next(e for e in range(EXAMS) if e not in used and len(exams[e][1]) <= 12)

out = [f"[Exams:{EXAMS}]"]
out += [", ".join([str(d)] + [str(s) for s in st]) for d, st in exams]
out.append(f"[Periods:{len(periods)}]")
out += [f"{d}, {t}, {m}, {p}" for d, t, m, p in periods]
out.append(f"[Rooms:{len(rooms)}]")
out += [f"{c}, {p}" for c, p in rooms]
out.append("[PeriodHardConstraints]")
out += phc
out.append("[RoomHardConstraints]")
out.append(f"{exclusive}, ROOM_EXCLUSIVE")
out.append("[InstitutionalWeightings]")
out += ["TWOINAROW, 7", "TWOINADAY, 5", "PERIODSPREAD, 3", "NONMIXEDDURATIONS, 10",
        "FRONTLOAD, 5, 3, 5"]
print("\r\n".join(out), end="\r\n")
