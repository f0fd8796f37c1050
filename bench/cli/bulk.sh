#!/usr/bin/env bash
# Bulk resolution of 100,000 names against the same local server: dnslookup -f with
# --parallel N, `dig -f` (one at a time, as it works), and the bare c-ares program of the
# anchors (cares_bulk.c) with the same N in flight. Wall time of each run, REPS runs each,
# medians in names/s.
#
# Usage: bench/cli/bulk.sh     env: BUILD=build NAMES_COUNT=100000 PARALLEL=100 REPS=5
#                                   SERVER=nsd PORT=15311 CLIENT_CPU=0 DIG=1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NAMES_COUNT=${NAMES_COUNT:-100000}
PARALLEL=${PARALLEL:-100}
REPS=${REPS:-5}
SERVER=${SERVER:-nsd}
PORT=${PORT:-15311}
CLIENT_CPU=${CLIENT_CPU:-0}
DIG=${DIG:-1}
zone=data/bulk${NAMES_COUNT}
[[ -f $zone.zone ]] || python3 genzone.py -n $((NAMES_COUNT * 2)) --names "$NAMES_COUNT" -o "$zone" >/dev/null
names=$zone.names
count=$(grep -c . "$names")
mkdir -p .build runs
[[ -x .build/cares_bulk && .build/cares_bulk -nt cares_bulk.c ]] || cc -O2 -Wall -o .build/cares_bulk cares_bulk.c -lcares

./serve.sh start "$SERVER" "$PORT" "$zone.zone" >/dev/null
trap './serve.sh stop "$PORT" >/dev/null 2>&1 || true' EXIT
awk '{print $1" A"}' "$names" >"$zone.dig"

declare -a labels commands
labels+=("dnslookup --parallel $PARALLEL"); commands+=("$DNSLOOKUP -port=$PORT -type=A --short --parallel $PARALLEL -f $names 127.0.0.1")
labels+=("c-ares c=$PARALLEL");             commands+=(".build/cares_bulk -s 127.0.0.1 -p $PORT -f $names -c $PARALLEL")
if [[ $DIG == 1 ]]; then
  labels+=("dig -f");                       commands+=("dig @127.0.0.1 -p $PORT +tries=1 +time=2 +noall +answer -f $zone.dig")
fi

results=runs/bulk-$(date +%Y%m%d-%H%M%S).txt
: >"$results"
for rep in $(seq "$REPS"); do
  for i in "${!commands[@]}"; do
    t0=$(date +%s.%N)
    taskset -c "$CLIENT_CPU" ${commands[$i]} >runs/bulk-out.txt 2>/dev/null || true
    t1=$(date +%s.%N)
    answers=$(grep -cE $'\t(A\t)?[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$' runs/bulk-out.txt || true)
    grep -q 'addrs=' runs/bulk-out.txt && answers=$(grep -o 'addrs=[0-9]*' runs/bulk-out.txt | cut -d= -f2)
    echo "${labels[$i]}|$t0|$t1|$answers" >>"$results"
  done
done
python3 - "$results" "$count" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
n = int(sys.argv[2])
order = []
for r in rows:
    if r[0] not in order: order.append(r[0])
print(f"bulk resolution of {n} names (wall time, median of {len(rows)//len(order)} runs)")
print("| client | median s | names/s | min-max names/s | A answers |")
print("|---|---|---|---|---|")
best = {}
for c in order:
    t = [float(r[2]) - float(r[1]) for r in rows if r[0] == c]
    a = [r[3] for r in rows if r[0] == c]
    rate = [n / x for x in t]
    best[c] = statistics.median(rate)
    print(f"| {c} | {statistics.median(t):.3f} | {statistics.median(rate):.0f} | {min(rate):.0f}-{max(rate):.0f} | {'/'.join(a)} |")
ours = [c for c in order if c.startswith("dnslookup")][0]
cares = [c for c in order if c.startswith("c-ares")][0]
print(f"\ndnslookup / bare c-ares: {100 * best[ours] / best[cares]:.1f}%")
PY
