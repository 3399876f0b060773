#!/usr/bin/env python3
"""Inclusive share of CPU samples under each named function, from folded
stacks (inferno-collapse-perf output, plain or .gz).

    benches/folded_share.py docs/profiles/before/sqlite-book-16.folded.gz \
        skrivsal::exams::booking::snapshot skrivsal::mail::notify::study_booking

A function counts once per stack however often it recurs; a name matches a
frame that contains it, so `snapshot` matches `skrivsal::exams::booking::snapshot`.
"""
import gzip
import sys


def main(path, names):
    opener = gzip.open if path.endswith(".gz") else open
    total = 0
    under = {n: 0 for n in names}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            n = int(count)
            total += n
            frames = stack.split(";")
            for name in names:
                if any(name in fr for fr in frames):
                    under[name] += n
    width = max((len(n) for n in names), default=0)
    for name in names:
        print(f"{name:<{width}}  {100.0 * under[name] / max(total, 1):5.1f} %")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
