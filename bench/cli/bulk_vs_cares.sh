#!/usr/bin/env bash
# Bulk resolution, self-contained: generates a zone of NAMES_COUNT names, serves it with our
# `nameserver` on 127.0.0.1:PORT (started here, stopped by its PID on exit), and resolves every
# name with
#   dnslookup  -f NAMES --short --parallel C        (bulk mode, the run's one resolver)
#   dnslookup ... with its progress line on         (PROGRESS=1, the default: stderr on a
#                   pseudo-terminal made by script(1), stdout to the file; script's own cost is
#                   counted too; PROGRESS=0 leaves this client out)
#   cares_bulk -f NAMES -c C                        (bare c-ares, bench/cli/cares_bulk.c)
#   resolver_bulk, whole message and -a answer-only (when built: DNSKIT_BUILD_BENCH=ON; the
#                   library alone, each response decoded into a dns::message or only its answer)
# the same concurrency C, clients alternating, REPS rounds. Reports per client the median
# names/s (wall time) and CPU µs per name (user + system of the client process), and each
# one's ratio to bare c-ares.
#
# Usage: bench/cli/bulk_vs_cares.sh
#   env: BUILD=build NAMES_COUNT=100000 PARALLEL=100 REPS=5 PORT=15353 PROGRESS=1
#        CLIENT_CPU=0 SERVER_CPU=1 (taskset CPU lists; empty: no pinning) WORK=(a temp dir)
# Only loopback: the server listens on 127.0.0.1 and every client is given that address.
# Run it on an idle machine for figures; on a busy one the numbers are a smoke test only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
NAMES_COUNT=${NAMES_COUNT:-100000}
PARALLEL=${PARALLEL:-100}
REPS=${REPS:-5}
PORT=${PORT:-15353}
CLIENT_CPU=${CLIENT_CPU-0}
SERVER_CPU=${SERVER_CPU-1}
PROGRESS=${PROGRESS:-1}
WORK=${WORK:-$(mktemp -d -t dnskit-bulk.XXXXXX)}
if [[ $PROGRESS == 1 ]] && ! command -v script >/dev/null; then
  echo "script(1) not found (util-linux): the client with the progress line is left out" >&2
  PROGRESS=0
fi

dnslookup=$BUILD/cli/dnslookup
nameserver=$BUILD/nameserver/nameserver
resolver_bulk=$BUILD/bench/resolver/resolver_bulk
for program in "$dnslookup" "$nameserver"; do
  [[ -x $program ]] || { echo "missing $program (build dnslookup and nameserver first)" >&2; exit 2; }
done

pin() {  # CPU list, command...
  local cpus=$1
  shift
  if [[ -n $cpus ]] && command -v taskset >/dev/null; then taskset -c "$cpus" "$@"; else "$@"; fi
}

mkdir -p "$WORK"
zone=$WORK/bulk.test.zone
names=$WORK/bulk.names
# The zone: NAMES_COUNT A records under bulk.test, one per name asked.
awk -v n="$NAMES_COUNT" -v zone="$zone" -v names="$names" 'BEGIN {
  print "$ORIGIN bulk.test.\n$TTL 300" > zone
  print "@ IN SOA ns.bulk.test. admin.bulk.test. 1 3600 600 86400 300" > zone
  print "@ IN NS ns.bulk.test.\nns IN A 127.0.0.1" > zone
  for (i = 0; i < n; i++) {
    printf "h%d IN A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256 > zone
    printf "h%d.bulk.test\n", i > names
  }
}'

cc -O2 -Wall -o "$WORK/cares_bulk" "$here/cares_bulk.c" -lcares
# Wall time and the client's CPU time in microseconds (wait4's rusage; /usr/bin/time rounds to
# 10 ms, a large part of a short run's total).
cat >"$WORK/measure.py" <<'PY'
import os, sys, time
started = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.monotonic() - started:.6f} {usage.ru_utime:.6f} {usage.ru_stime:.6f}\n")
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 0)
PY

# The server: started here, its PID kept, stopped by that PID whatever happens.
server_log=$WORK/nameserver.log
server=("$nameserver" --listen "127.0.0.1:$PORT" --threads 1 --zone "bulk.test=$zone")
# taskset execs the server: the PID below is the server's own.
if [[ -n $SERVER_CPU ]] && command -v taskset >/dev/null; then server=(taskset -c "$SERVER_CPU" "${server[@]}"); fi
"${server[@]}" >"$server_log" 2>&1 </dev/null &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  grep -q ready "$server_log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$server_log" >&2; exit 1; }
  sleep 0.1
done
grep -q ready "$server_log" || { echo "the nameserver did not get ready in 30 s" >&2; cat "$server_log" >&2; exit 1; }

declare -a labels commands
bulk_command="$dnslookup -port=$PORT -type=A --short --parallel $PARALLEL -f $names 127.0.0.1"
labels+=("dnslookup"); commands+=("$bulk_command")
if [[ $PROGRESS == 1 ]]; then
  # The results go to the file from inside; what script(1) relays (the progress line) is dropped.
  labels+=("dnslookup+progress"); commands+=("script -qec '$bulk_command >$WORK/out.txt' /dev/null")
fi
labels+=("c-ares"); commands+=("$WORK/cares_bulk -s 127.0.0.1 -p $PORT -f $names -c $PARALLEL")
if [[ -x $resolver_bulk ]]; then
  labels+=("resolver-whole"); commands+=("$resolver_bulk -s 127.0.0.1 -p $PORT -f $names -c $PARALLEL")
  labels+=("resolver-answer"); commands+=("$resolver_bulk -s 127.0.0.1 -p $PORT -f $names -c $PARALLEL -a")
fi

results=$WORK/results.txt
: >"$results"
for rep in $(seq "$REPS"); do
  for i in "${!commands[@]}"; do
    times=$WORK/time.txt
    # shellcheck disable=SC2086  # the command line is split on purpose
    if [[ ${labels[$i]} == *+progress ]]; then
      pin "$CLIENT_CPU" python3 "$WORK/measure.py" "$times" script -qec "$bulk_command >$WORK/out.txt" /dev/null \
        >/dev/null 2>&1 || true
    else
      pin "$CLIENT_CPU" python3 "$WORK/measure.py" "$times" ${commands[$i]} >"$WORK/out.txt" 2>/dev/null || true
    fi
    lines=$(grep -c . "$WORK/out.txt" || true)
    answers=$(grep -cE $'\t(A\t)?10\\.[0-9]+\\.[0-9]+\\.[0-9]+$' "$WORK/out.txt" || true)
    # resolver_bulk prints a summary instead of a line per name.
    if grep -q 'addrs=' "$WORK/out.txt"; then answers=$(grep -o 'addrs=[0-9]*' "$WORK/out.txt" | cut -d= -f2); fi
    read -r wall user sys <"$times"
    echo "${labels[$i]} $rep $wall $user $sys $answers $lines" >>"$results"
  done
done

python3 - "$results" "$NAMES_COUNT" "$PARALLEL" "$REPS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n, parallel, reps = int(sys.argv[2]), sys.argv[3], sys.argv[4]
order = []
for r in rows:
    if r[0] not in order: order.append(r[0])
def med(label, f): return statistics.median(f(r) for r in rows if r[0] == label)
rate = {c: med(c, lambda r: n / float(r[2])) for c in order}
cpu = {c: med(c, lambda r: (float(r[3]) + float(r[4])) * 1e6 / n) for c in order}
print(f"bulk resolution of {n} names, {parallel} in flight, medians of {reps} alternating runs")
print("| client | names/s | CPU µs/name | names/s vs c-ares | CPU vs c-ares | A answers (last run) |")
print("|---|---|---|---|---|---|")
for c in order:
    last = [r for r in rows if r[0] == c][-1]
    print(f"| {c} | {rate[c]:.0f} | {cpu[c]:.2f} | {100 * rate[c] / rate['c-ares']:.1f}% "
          f"| {100 * cpu[c] / cpu['c-ares']:.1f}% | {last[5]} |")
PY
echo "(raw rows: $results)"
