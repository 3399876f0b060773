#!/usr/bin/env bash
# Runs the ITC 2007 solver on sets 1-4 for each time limit and seed, re-scores
# every written solution with the independent scorer, and appends one CSV row
# per run: set,limit_s,seed,distance,soft. Usage:
#   benches/itc2007_seeds.sh [BINARY] [OUT.csv] [LIMITS] [SEEDS]
# e.g. benches/itc2007_seeds.sh target/release/skrivsal runs.csv "60 300" "1 2 3 4 5"
set -euo pipefail
bin=${1:-target/release/skrivsal}
out=${2:-itc2007_runs.csv}
limits=${3:-"60 300"}
seeds=${4:-"1 2 3 4 5"}
data=${ITC_DATA:-../shared/data/itc2007}
work=$(mktemp -d)
[ -s "$out" ] || echo "set,limit_s,seed,distance,soft" >"$out"
for limit in $limits; do
  for seed in $seeds; do
    for set in 1 2 3 4; do
      inst="$data/exam_comp_set$set.exam"
      sln="$work/set$set-$limit-$seed.sln"
      "$bin" itc2007 solve "$inst" --time-limit "$limit" --seed "$seed" -o "$sln" >/dev/null 2>&1
      score=$("$bin" itc2007 score "$inst" "$sln")
      dist=$(awk '/^Distance to feasibility:/ {print $4}' <<<"$score")
      soft=$(awk '/^Soft penalty:/ {print $3}' <<<"$score")
      echo "$set,$limit,$seed,$dist,$soft" >>"$out"
    done
  done
done
