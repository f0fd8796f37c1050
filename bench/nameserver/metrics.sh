#!/usr/bin/env bash
# metrics.sh -- what counting for /metrics costs per query: the same nameserver with --http
# (every query counted and timed, server_metrics.hpp) and without it (nothing counted, no
# clock read), side by side with the shared anchor scripts (qps.sh / serve.sh / genzone.py:
# dnsperf on loopback pinned to CPU 0, the server pinned to CPU 1, one worker thread, runs
# alternated, medians of REPS, runs with foreign CPU discarded and repeated).
#
# Usage: metrics.sh BUILD_DIR [BENCH_DIR]
#   BUILD_DIR  a Release build (cmake -DCMAKE_BUILD_TYPE=Release) with nameserver/nameserver
#   BENCH_DIR  the anchor scripts (default ../shared/bench next to the repository)
# Environment: MODES (default "udp rate:50000": saturated UDP, and the fixed 50k queries/s the
#   goal names), REPS (5), DURATION (10), RECORDS (100000), WORK (scratch directory, default
#   /tmp/dnskit-bench-metrics), SCRAPE (1: a scraper reads /metrics of the server with --http
#   every second during its runs, as Prometheus would; 0: none).
# Output: qps.sh's summary; the figure to read is `µs/q`, the server's CPU per answered query,
# for `off` against `metrics` (the goal: within 3%). Do not run it while the machine is busy:
# qps.sh discards runs with foreign CPU, but a loaded machine makes every figure noisy.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: metrics.sh BUILD_DIR [BENCH_DIR]}" && pwd)
ANCHOR=${2:-$HERE/../../../shared/bench}
WORK=${WORK:-/tmp/dnskit-bench-metrics}
RECORDS=${RECORDS:-100000}
SCRAPE=${SCRAPE:-1}
export MODES=${MODES:-udp rate:50000} REPS=${REPS:-5} DURATION=${DURATION:-10}
BIN="$BUILD/nameserver/nameserver"
[[ -x "$BIN" ]] || { echo "no $BIN (build the nameserver target first)" >&2; exit 1; }
[[ -f "$ANCHOR/qps.sh" ]] || { echo "no qps.sh in $ANCHOR" >&2; exit 1; }
command -v dnsperf >/dev/null || { echo "needs dnsperf (Debian package dnsperf)" >&2; exit 1; }

# The anchor scripts write beside themselves: run a copy.
rm -rf "$WORK"
cp -r "$ANCHOR" "$WORK"
cd "$WORK"
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
COMMON="$BIN --listen 127.0.0.1:%PORT% --zone %ORIGIN%=%ZONE% --threads 1 --log-level warning"
OFF="off=$COMMON"
ON="metrics=$COMMON --http 127.0.0.1:$HTTP_PORT"

scraper_pid=
stop_scraper() {
  if [[ -n "$scraper_pid" ]]; then
    kill "$scraper_pid" 2>/dev/null || true
    wait "$scraper_pid" 2>/dev/null || true
    scraper_pid=
  fi
}
trap stop_scraper EXIT
if [[ "$SCRAPE" == 1 ]]; then
  # Reads /metrics once a second while the server with --http runs (connection refused
  # otherwise, quietly), for at most as long as the whole comparison may take; pinned with
  # dnsperf so its CPU is not counted as the server's.
  limit=$(( (REPS * 2 * DURATION + 120) * $(wc -w <<<"$MODES") * 3 ))
  taskset -c "${LOADGEN_CPU:-0}" python3 - "$HTTP_PORT" "$limit" <<'PY' &
import sys, time, urllib.request
port, limit = int(sys.argv[1]), float(sys.argv[2])
end = time.monotonic() + limit
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
while time.monotonic() < end:
    try:
        with opener.open(f"http://127.0.0.1:{port}/metrics", timeout=1) as r:
            r.read()
    except OSError:
        pass
    time.sleep(1)
PY
  scraper_pid=$!
fi

python3 genzone.py -n "$RECORDS" -o "data/z$RECORDS" >/dev/null
ZONE="data/z$RECORDS.zone" QUERIES="data/z$RECORDS.queries" OUT=runs/metrics \
  ./qps.sh "$OFF" "$ON"
