#!/usr/bin/env bash
# soak.sh -- the name server under steady dnsperf load for a long while, on 127.0.0.1: its
# resident memory (RSS) at the start and at the end (and ten samples between), and the queries
# dnsperf lost. Fails when a query is lost or RSS grew by more than a few MiB: the query path
# allocates nothing, so memory must stay flat however long it serves.
#
# Usage: soak.sh NAMESERVER_BINARY
# Environment:
#   DURATION            seconds of load (default 600)
#   RATE                queries per second; default: 80% of the peak measured first
#                       (dnsperf without a rate limit for PEAK_SECONDS, default 10)
#   THREADS             server threads (default 1)
#   CLIENTS             dnsperf clients (-c, default 4)
#   WARMUP              seconds of load before the starting RSS is taken (default 5)
#   MAX_RSS_GROWTH_KIB  allowed growth from start to end (default 4096)
#   ZONE                zone file (default zones/examples/example.test.zone of this tree)
# Exit status: 0 pass, 1 fail, 77 when dnsperf is not installed (CTest counts that as skipped).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:?usage: soak.sh NAMESERVER_BINARY}
DURATION=${DURATION:-600}
THREADS=${THREADS:-1}
CLIENTS=${CLIENTS:-4}
WARMUP=${WARMUP:-5}
PEAK_SECONDS=${PEAK_SECONDS:-10}
MAX_RSS_GROWTH_KIB=${MAX_RSS_GROWTH_KIB:-4096}
ZONE=${ZONE:-$HERE/../../zones/examples/example.test.zone}
command -v dnsperf >/dev/null || { echo "soak: dnsperf not installed (scripts/install-deps)"; exit 77; }
[[ -x $BIN ]] || { echo "soak: no executable $BIN" >&2; exit 1; }
(( DURATION > WARMUP )) || { echo "soak: DURATION must exceed WARMUP ($WARMUP s)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dnskit-soak.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Answers of every kind: positive, CNAME, NXDOMAIN, NODATA, referral, wildcard, larger RRsets.
cat >"$work/queries" <<'Q'
www.example.test A
example.test SOA
example.test NS
example.test MX
example.test TXT
multi.example.test A
multi.example.test AAAA
alias.example.test A
nope.example.test A
v6only.example.test A
host.sub.example.test A
x.wild.example.test TXT
_sip._tcp.example.test SRV
mail.example.test A
Q

"$BIN" --listen 127.0.0.1:0 --zone "example.test.=$ZONE" --threads "$THREADS" \
  --log-level warning 2>"$work/server.log" >/dev/null &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(grep -oE 'ready 127\.0\.0\.1:[0-9]+' "$work/server.log" | head -1 | cut -d: -f2 || true)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || { echo "soak: the server did not start:"; cat "$work/server.log"; exit 1; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
rss_ready=$(rss)

dnsperf_args=(-s 127.0.0.1 -p "$port" -d "$work/queries" -c "$CLIENTS" -q 64 -t 2)
if [[ -z ${RATE:-} ]]; then
  dnsperf "${dnsperf_args[@]}" -l "$PEAK_SECONDS" >"$work/peak.txt" 2>&1
  peak=$(awk '/Queries per second:/ {print int($4)}' "$work/peak.txt")
  RATE=$(( peak * 8 / 10 ))
  echo "soak: peak $peak queries/s over ${PEAK_SECONDS}s; soaking at 80%: $RATE/s"
fi

dnsperf "${dnsperf_args[@]}" -l "$DURATION" -Q "$RATE" >"$work/dnsperf.txt" 2>&1 &
perf_pid=$!
sleep "$WARMUP"
rss_start=$(rss)
samples=()
step=$(( (DURATION - WARMUP) / 10 ))
(( step > 0 )) || step=1
while kill -0 "$perf_pid" 2>/dev/null; do
  sleep "$step"
  kill -0 "$server_pid" 2>/dev/null || break
  samples+=("$(rss)")
done
perf_status=0
wait "$perf_pid" || perf_status=$?
alive=1
kill -0 "$server_pid" 2>/dev/null || alive=0
rss_end=$( ((alive)) && rss || echo 0)

sent=$(awk '/Queries sent:/ {print $3}' "$work/dnsperf.txt")
completed=$(awk '/Queries completed:/ {print $3}' "$work/dnsperf.txt")
lost=$(awk '/Queries lost:/ {print $3}' "$work/dnsperf.txt")
qps=$(awk '/Queries per second:/ {print $4}' "$work/dnsperf.txt")
growth=$(( rss_end - rss_start ))
echo "soak: ${DURATION}s at $RATE queries/s, $THREADS server thread(s): sent ${sent:-?}, completed ${completed:-?}, lost ${lost:-?}, ${qps:-?} queries/s"
echo "soak: server RSS at ready ${rss_ready} KiB, start (after ${WARMUP}s) ${rss_start} KiB, end ${rss_end} KiB (growth ${growth} KiB)"
echo "soak: RSS samples (KiB): ${samples[*]}"

ok=1
((alive)) || { echo "soak: FAIL: the server died"; cat "$work/server.log"; ok=0; }
((perf_status == 0)) && [[ -n ${lost:-} ]] || { echo "soak: FAIL: dnsperf failed"; cat "$work/dnsperf.txt"; ok=0; }
[[ ${lost:-1} == 0 ]] || { echo "soak: FAIL: ${lost:-?} queries lost"; ok=0; }
(( growth <= MAX_RSS_GROWTH_KIB )) || { echo "soak: FAIL: RSS grew by $growth KiB (at most $MAX_RSS_GROWTH_KIB)"; ok=0; }
((ok)) && echo "soak: PASS"
((ok))
