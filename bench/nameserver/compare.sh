#!/usr/bin/env bash
# compare.sh -- nameserver against NSD and Knot, side by side in one run, with the anchor
# scripts of the shared benchmark folder (qps.sh / serve.sh / genzone.py: dnsperf on loopback,
# load generator pinned to CPU 0, every server pinned to CPU 1, one worker each).
#
# Usage: compare.sh BUILD_DIR [BENCH_DIR]
#   BUILD_DIR  a Release build (cmake -DCMAKE_BUILD_TYPE=Release) with nameserver/nameserver
#   BENCH_DIR  the anchor scripts (default ../shared/bench next to the repository)
# Environment: MODES (default "udp tcp lat"), REPS (3), DURATION (10), RECORDS (100000),
#   BIG_RECORDS (1000000: the resident-memory comparison; 0 skips it), WORK (a scratch
#   directory, default /tmp/dnskit-bench; the anchor scripts write data/ and runs/ there).
# Output: the qps.sh summary (µs/query, qps, lost, latency per mode, medians of REPS
# alternating runs) and, for the big zone, each server's resident memory once loaded.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: compare.sh BUILD_DIR [BENCH_DIR]}" && pwd)
ANCHOR=${2:-$HERE/../../../shared/bench}
WORK=${WORK:-/tmp/dnskit-bench}
RECORDS=${RECORDS:-100000}
BIG_RECORDS=${BIG_RECORDS:-1000000}
BIN="$BUILD/nameserver/nameserver"
[[ -x "$BIN" ]] || { echo "no $BIN (build the nameserver target first)" >&2; exit 1; }
[[ -f "$ANCHOR/qps.sh" ]] || { echo "no qps.sh in $ANCHOR" >&2; exit 1; }

# The anchor scripts write beside themselves: run a copy.
rm -rf "$WORK"
cp -r "$ANCHOR" "$WORK"
cd "$WORK"
OURS="ours=$BIN --listen 127.0.0.1:%PORT% --zone %ORIGIN%=%ZONE% --threads 1 --log-level warning"

python3 genzone.py -n "$RECORDS" -o "data/z$RECORDS" >/dev/null
ZONE="data/z$RECORDS.zone" QUERIES="data/z$RECORDS.queries" OUT=runs/qps \
  ./qps.sh nsd knot "$OURS"

if (( BIG_RECORDS > 0 )); then
  echo "== resident memory with $BIG_RECORDS records"
  python3 genzone.py -n "$BIG_RECORDS" -o "data/z$BIG_RECORDS" >/dev/null
  port=15401
  for spec in nsd knot "$OURS"; do
    label=${spec%%=*}
    line=$(WAIT_TIMEOUT=900 ./serve.sh start "$spec" "$port" "data/z$BIG_RECORDS.zone" bench.test.)
    pid=$(sed -n 's/.*PID=\([0-9]*\).*/\1/p' <<<"$line")
    startup=$(sed -n 's/.*STARTUP_S=\([0-9.]*\).*/\1/p' <<<"$line")
    read -r rss pss n < <(python3 benchlib.py tree-mem "$pid")
    printf '  %-5s RSS %6d MiB  PSS %6d MiB  processes %s  start-up %ss\n' \
      "$label" $((rss / 1024)) $((pss / 1024)) "$n" "$startup"
    ./serve.sh stop "$port" >/dev/null
    port=$((port + 1))
  done
fi
