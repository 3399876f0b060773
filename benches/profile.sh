#!/bin/sh
# Where the server spends its CPU under load: the load benchmark's
# study-booking write (16 clients) and day-schedule read (16 connections),
# each recorded with `perf record` on the server process (CPU-clock samples,
# DWARF call stacks), then per test a flame graph (SVG), the top inclusive
# functions (text) and the folded stacks. Inlined frames are left out
# (`--no-inline`): resolving them takes perf minutes per test.
#
#   benches/profile.sh [OUT_DIR]        # default docs/profiles/LABEL
#
# LABEL (env, default "before") names the folder; LOAD_SECS (default 10),
# LOAD_BACKENDS (default sqlite) and LOAD_ONLY (default book-16,schedule-16)
# go to the benchmark. Needs perf and inferno (`cargo install inferno`).
set -eu
cd "$(dirname "$0")/.."
label=${LABEL:-before}
out=${1:-docs/profiles/$label}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$out"
LOAD_SECS=${LOAD_SECS:-10} LOAD_BACKENDS=${LOAD_BACKENDS:-sqlite} \
  LOAD_ONLY=${LOAD_ONLY:-book-16,schedule-16} LOAD_PERF="$data" \
  cargo bench --bench load | tee "$out/load.md"
for f in "$data"/*.perf.data; do
  name=$(basename "$f" .perf.data)
  # The folded stacks stay (gzipped), for benches/folded_share.py and
  # `inferno-diff-folded` between two labels.
  perf script --no-inline -i "$f" 2>/dev/null | inferno-collapse-perf > "$data/$name.folded"
  gzip -9 -c "$data/$name.folded" > "$out/$name.folded.gz"
  inferno-flamegraph --title "skrivsal $name ($label)" --minwidth 0.2 \
    < "$data/$name.folded" > "$out/$name.svg"
  # Inclusive ("children") cost by function, the threads' shared roots
  # (thread start, runtime loops) included.
  perf report --no-inline -i "$f" --children --stdio --sort sym -g none --percent-limit 1.5 \
    2>/dev/null | grep -v '^#' | grep -v '^$' | cut -c1-220 > "$out/$name.txt"
  # And by thread: the HTTP workers, the blocking pool (database work),
  # the mail worker.
  perf report --no-inline -i "$f" --no-children --stdio --sort comm -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' >> "$out/$name.txt"
done
echo "written to $out"
