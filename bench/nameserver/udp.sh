#!/usr/bin/env bash
# udp.sh -- what a UDP query costs: nameserver (each of its UDP I/O paths) beside the floor of
# this machine (udp_reflector: a fixed reply of the same size through a blocking recvmmsg and one
# sendmmsg per batch, nothing else) and beside NSD and Knot, in one run, with the anchor scripts
# of the shared benchmark folder (qps.sh / serve.sh / genzone.py: dnsperf on loopback, servers
# alternated, medians of REPS runs, runs with foreign CPU discarded and repeated).
#
# Usage: udp.sh BUILD_DIR [BENCH_DIR]
#   BUILD_DIR  a Release build with nameserver/nameserver and bench/nameserver/udp_reflector
#              (cmake -DCMAKE_BUILD_TYPE=Release -DDNSKIT_BUILD_BENCH=ON; ninja nameserver
#              nameserver_udp_reflector)
#   BENCH_DIR  the anchor scripts (default ../shared/bench next to the repository)
# Environment:
#   THREADS    1 (default): dnsperf pinned to CPU 0, every server one worker pinned to CPU 1.
#              2: dnsperf with two threads and every server with two workers (nameserver
#              --threads 2, NSD server-count 2 with reuseport, Knot two UDP workers, two
#              reflector processes), all sharing CPUs 0 and 1.
#   REPS (3), DURATION (10 s), RATE (50000: the fixed-rate load), LAT_QPS (10000) and
#   LAT_DURATION (5 s): the light load whose per-query latencies give p50/p99 (dnsperf -v),
#   SYSCALL_RATES ("$RATE $LAT_QPS max": loads at which system calls are counted, `max` being
#   saturated), SYSCALL_DURATION (5 s), RECORDS (100000), VARIANTS (nameserver's --udp-io
#   values to measure; default: each one `nameserver --help` lists, or the one path if it
#   lists none), PHASES ("load lat syscalls": which measurements to take; `syscalls` alone is
#   quick and steady even on a busy machine), WORK (scratch directory, default
#   /tmp/dnskit-bench-udp), EXTRA_SERVERS (more 'LABEL=COMMAND' servers as serve.sh takes them,
#   one a line, e.g. another build: 'ours-before=/old/nameserver --listen 127.0.0.1:%PORT%
#   --zone %ORIGIN%=%ZONE% --threads 1'; labels starting with "ours" get the ratios), SERVERS
#   (the labels to run, default all: "ours reflector nsd knot"; "ours" stands for every label
#   starting with it), plus qps.sh's own (QUIET_WAIT, MAX_OTHER_PCT, BASEPORT...).
# System calls are counted by `perf stat -e 'syscalls:sys_enter_*'` attached to every process
# (and thread) of each server while dnsperf sends at a fixed rate, in runs of their own (the
# tracepoints slow every system call, so these runs are not timed); the count is the sum over
# all system calls divided by the queries dnsperf saw answered. It needs root (or
# perf_event_paranoid <= -1) and tracefs, which the script mounts when it is missing.
# Output: WORK/table.md (also printed): server CPU µs/query saturated and at RATE, qps, p50/p99
# latency at LAT_QPS, system calls per query, and nameserver / reflector ratios.
# Needs the Debian packages nsd, knot, dnsperf, dnsutils, linux-perf. Only 127.0.0.1 is used;
# every server is stopped by its PID when the script ends.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: udp.sh BUILD_DIR [BENCH_DIR]}" && pwd)
ANCHOR=${2:-$HERE/../../../shared/bench}
WORK=${WORK:-/tmp/dnskit-bench-udp}
RECORDS=${RECORDS:-100000}
THREADS=${THREADS:-1}
RATE=${RATE:-50000}
export REPS=${REPS:-3} DURATION=${DURATION:-10} LAT_QPS=${LAT_QPS:-10000}
export LAT_DURATION=${LAT_DURATION:-5}
SYSCALL_RATES=${SYSCALL_RATES:-$RATE $LAT_QPS max}
SYSCALL_DURATION=${SYSCALL_DURATION:-5}
PHASES=${PHASES:-load lat syscalls}
phase() { [[ " $PHASES " == *" $1 "* ]]; }
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-256}
BIN="$BUILD/nameserver/nameserver"
REFLECTOR="$BUILD/bench/nameserver/udp_reflector"
ORIGIN=bench.test.
die() { echo "udp.sh: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "no $BIN (build the nameserver target first)"
[[ -x "$REFLECTOR" ]] || die "no $REFLECTOR (configure with -DDNSKIT_BUILD_BENCH=ON, build nameserver_udp_reflector)"
[[ -f "$ANCHOR/qps.sh" ]] || die "no qps.sh in $ANCHOR"
for tool in dnsperf perf dig nsd knotd; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || die "$tool not installed"
done

case $THREADS in
  1) export SERVER_CPU=${SERVER_CPU:-1} LOADGEN_CPU=${LOADGEN_CPU:-0} ;;
  2) export SERVER_CPU=${SERVER_CPU:-0,1} LOADGEN_CPU=${LOADGEN_CPU:-0,1}
     export DNSPERF_THREADS=2
     # one socket per NSD server process (as nameserver and the reflector have per worker)
     export NSD_EXTRA="${NSD_EXTRA:-}
    reuseport: yes" ;;
  *) die "THREADS must be 1 or 2, not '$THREADS'" ;;
esac

# System calls are counted through the syscalls:* tracepoints, which live in tracefs.
if [[ ! -d /sys/kernel/tracing/events/syscalls && ! -d /sys/kernel/debug/tracing/events/syscalls ]]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
    die "no tracefs (mount -t tracefs nodev /sys/kernel/tracing as root)"
fi
perf stat -e 'syscalls:sys_enter_getppid' -x, -o /dev/null -- true 2>/dev/null ||
  die "perf cannot count syscalls:* tracepoints (root, or perf_event_paranoid <= -1)"
# perf opens one counter per tracepoint (~350) and thread
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# The anchor scripts write beside themselves: run a copy.
rm -rf "$WORK"
cp -r "$ANCHOR" "$WORK"
chmod -R u+w "$WORK"
cd "$WORK"
export RUNDIR="$WORK/run"
# The copy's server configurations get THREADS workers (the anchors are single-worker).
sed -i -e "s/server-count: 1\$/server-count: $THREADS/" \
  -e "s/udp-workers: 1\$/udp-workers: $THREADS/" -e "s/tcp-workers: 1\$/tcp-workers: $THREADS/" serve.sh
grep -q "server-count: $THREADS" serve.sh && grep -q "udp-workers: $THREADS" serve.sh ||
  die "could not set the workers of NSD and Knot in serve.sh"

# dnsperf as qps.sh calls it: with two threads for the loads in THREADS=2 mode; for the
# one-client latency runs, every answer's latency printed (-v: "> NOERROR name TYPE 0.000123").
mkdir -p do-bin
real_dnsperf=$(command -v dnsperf)
cat >do-bin/dnsperf <<EOF
#!/bin/sh
if [ -n "\${DNSPERF_VERBOSE:-}" ]; then set -- -v "\$@"
elif [ -n "\${DNSPERF_THREADS:-}" ]; then set -- -T "\$DNSPERF_THREADS" "\$@"; fi
exec $real_dnsperf "\$@"
EOF
chmod +x do-bin/dnsperf
export PATH="$WORK/do-bin:$PATH"

python3 genzone.py -n "$RECORDS" -o "data/z$RECORDS" >/dev/null
ZONE="data/z$RECORDS.zone"
QUERIES="data/z$RECORDS.queries"
export ZONE QUERIES
OURS="$BIN --listen 127.0.0.1:%PORT% --zone %ORIGIN%=%ZONE% --threads $THREADS --log-level warning"

if [[ -z "${VARIANTS:-}" ]]; then
  VARIANTS=$("$BIN" --help | sed -n 's/.*--udp-io[ =]*\([a-z|]*\).*/\1/p' | head -n 1 | tr '|' ' ')
fi
SPECS=()
if [[ -z "${VARIANTS// /}" ]]; then
  SPECS+=("ours=$OURS")
else
  for v in $VARIANTS; do SPECS+=("ours-$v=$OURS --udp-io=$v"); done
fi

# The reflector answers with the size of nameserver's average answer to these queries.
probe_port=$((${BASEPORT:-15301} + 50))
./serve.sh start "${SPECS[0]}" "$probe_port" "$ZONE" "$ORIGIN" >/dev/null
taskset -c "$LOADGEN_CPU" dnsperf -s 127.0.0.1 -p "$probe_port" -d "$QUERIES" -l 2 -Q 20000 -c "$CLIENTS" \
  >runs-probe.txt 2>&1 || true
./serve.sh stop "$probe_port" >/dev/null
SIZE=$(python3 benchlib.py parse-dnsperf runs-probe.txt |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["resp_size"] or "")')
[[ -n "$SIZE" ]] || die "no answers from nameserver to size the reflector's reply (runs-probe.txt)"
echo "== reflector replies: $SIZE bytes (nameserver's average answer); $THREADS worker(s) each"
while IFS= read -r extra; do
  [[ -n "${extra// /}" ]] && SPECS+=("$extra")
done <<<"${EXTRA_SERVERS:-}"
SPECS+=("reflector=$REFLECTOR 127.0.0.1 %PORT% $SIZE 32 $THREADS" nsd knot)
if [[ -n "${SERVERS:-}" ]]; then
  kept=()
  for spec in "${SPECS[@]}"; do
    label=${spec%%=*}
    if [[ " $SERVERS " == *" $label "* || ( $label == ours* && " $SERVERS " == *" ours "* ) ]]; then
      kept+=("$spec")
    fi
  done
  SPECS=("${kept[@]}")
fi

if phase load; then
  echo "== saturated and fixed-rate UDP"
  OUT=runs/load MODES="udp rate:$RATE" ./qps.sh "${SPECS[@]}"
fi
if phase lat; then
  echo "== latency at $LAT_QPS qps"
  DNSPERF_VERBOSE=1 OUT=runs/lat MODES=lat ./qps.sh "${SPECS[@]}"
fi

mkdir -p runs/syscalls
: >runs/syscalls.jsonl
phase syscalls && echo "== system calls per query (perf stat, ${SYSCALL_DURATION}s per load)"
port=$((${BASEPORT:-15301} + 60))
stop_port() { [[ -f "$RUNDIR/port-$1.pid" ]] && ./serve.sh stop "$1" >/dev/null 2>&1 || true; }
for spec in "${SPECS[@]}"; do
  phase syscalls || break
  label=${spec%%=*}
  trap 'stop_port '"$port" EXIT
  line=$(./serve.sh start "$spec" "$port" "$ZONE" "$ORIGIN")
  pid=$(sed -n 's/.*PID=\([0-9]*\).*/\1/p' <<<"$line")
  taskset -c "$LOADGEN_CPU" dnsperf -s 127.0.0.1 -p "$port" -d "$QUERIES" -l 1 -c "$CLIENTS" \
    -q "$OUTSTANDING" >/dev/null 2>&1 || true
  pids=$(python3 benchlib.py tree "$pid" | tr ' ' ',')
  for rate in $SYSCALL_RATES; do
    f="runs/syscalls/$label-$rate"
    args=(-c "$CLIENTS" -q "$OUTSTANDING")
    [[ "$rate" == max ]] || args+=(-Q "$rate")
    perf stat -x, -e 'syscalls:sys_enter_*' -p "$pids" -o "$f.perf" -- sleep $((SYSCALL_DURATION + 1)) &
    perf_pid=$!
    sleep 0.5
    taskset -c "$LOADGEN_CPU" dnsperf -s 127.0.0.1 -p "$port" -d "$QUERIES" -l "$SYSCALL_DURATION" \
      "${args[@]}" >"$f.dnsperf.txt" 2>&1 || true
    wait "$perf_pid" || true
    python3 "$HERE/udp_table.py" syscalls "$label" "$rate" "$f.perf" "$f.dnsperf.txt" |
      tee -a runs/syscalls.jsonl | python3 "$HERE/udp_table.py" show-syscalls
  done
  ./serve.sh stop "$port" >/dev/null
  trap - EXIT
  port=$((port + 1))
done

{
  echo "## UDP, $THREADS worker(s) per server: one run, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "dnsperf ($CLIENTS clients, $OUTSTANDING outstanding${DNSPERF_THREADS:+, $DNSPERF_THREADS threads}) on CPU $LOADGEN_CPU," \
    "servers on CPU $SERVER_CPU, zone of $RECORDS records, medians of $REPS alternating runs of" \
    "${DURATION}s (latency: ${LAT_DURATION}s at $LAT_QPS qps, one client); reflector reply $SIZE bytes."
  echo "Command: THREADS=$THREADS REPS=$REPS DURATION=$DURATION PHASES='$PHASES' bench/nameserver/udp.sh BUILD_DIR"
  echo
  python3 "$HERE/udp_table.py" table runs/load/runs.kept.jsonl runs/lat/runs.kept.jsonl runs/lat \
    runs/syscalls.jsonl "$RATE" "$LAT_QPS"
} >table.md
echo
cat table.md
