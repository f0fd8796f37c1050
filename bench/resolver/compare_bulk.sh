#!/usr/bin/env bash
# compare_bulk.sh -- bulk resolution through dnskit::resolver (resolver_bulk) and bare c-ares
# (cares_bulk.c) side by side, against one local server, alternating runs; medians of REPS.
#
# Usage: compare_bulk.sh RESOLVER_BULK CARES_BULK PORT NAMES [CONCURRENCY...]
#   e.g. compare_bulk.sh build/bench/resolver/resolver_bulk /tmp/anchor-bench/.build/cares_bulk \
#          5353 /tmp/anchor-bench/data/z100k.names 100 500 1000
# Environment: REPS (3), REPEAT (-n, passes over the names file, 1), RCVBUF (bytes for the
# dnskit runs marked +rcvbuf, 4194304; empty: no such runs), CLIENT_CPU (taskset CPU list for
# the clients, 0), BEFORE (another resolver_bulk, e.g. built from an older commit, run as
# "dnskit-before" in the same rotation: a before/after comparison in one run).
# "dnskit" decodes each whole response into a dns::message; "dnskit-answer-only" (resolver_bulk
# -a) decodes only question and answer, the work cares_bulk.c does with ares_parse_a_reply.
# The server must already answer on 127.0.0.1:PORT (../../../shared/bench/serve.sh).
set -euo pipefail
[[ $# -ge 4 ]] || { sed -n '2,12p' "$0"; exit 2; }
ours=$1 cares=$2 port=$3 names=$4
shift 4
concs=("${@:-100}")
REPS=${REPS:-3} REPEAT=${REPEAT:-1} RCVBUF=${RCVBUF-4194304} CLIENT_CPU=${CLIENT_CPU:-0} BEFORE=${BEFORE:-}
labels=(c-ares)
[[ -n $BEFORE ]] && labels+=(dnskit-before)
labels+=(dnskit dnskit-answer-only)
[[ -n $RCVBUF ]] && labels+=(dnskit+rcvbuf)

run() {  # label command... -> "label names_per_s cpu_us_per_name errors"
  local label=$1
  shift
  local out t
  t=$(mktemp)
  out=$(/usr/bin/time -f '%U %S' -o "$t" taskset -c "$CLIENT_CPU" "$@" || true)
  local nps names cpu errs
  nps=$(grep -o 'names_per_s=[0-9]*' <<<"$out" | cut -d= -f2)
  errs=$(grep -o 'errors=[0-9]*' <<<"$out" | cut -d= -f2)
  names=$(grep -o 'names=[0-9]*' <<<"$out" | head -1 | cut -d= -f2)
  cpu=$(awk -v n="$names" '{printf "%.2f", ($1 + $2) * 1e6 / n}' "$t")
  rm -f "$t"
  echo "$label $nps $cpu $errs"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

for c in "${concs[@]}"; do
  results=()
  for ((i = 0; i < REPS; i++)); do
    results+=("$(run "c-ares" "$cares" -s 127.0.0.1 -p "$port" -f "$names" -c "$c" -n "$REPEAT")")
    if [[ -n $BEFORE ]]; then
      results+=("$(run "dnskit-before" "$BEFORE" -s 127.0.0.1 -p "$port" -f "$names" -c "$c" -n "$REPEAT")")
    fi
    results+=("$(run "dnskit" "$ours" -s 127.0.0.1 -p "$port" -f "$names" -c "$c" -n "$REPEAT")")
    results+=("$(run "dnskit-answer-only" "$ours" -s 127.0.0.1 -p "$port" -f "$names" -c "$c" -n "$REPEAT" -a)")
    if [[ -n $RCVBUF ]]; then
      results+=("$(run "dnskit+rcvbuf" "$ours" -s 127.0.0.1 -p "$port" -f "$names" -c "$c" -n "$REPEAT" -r "$RCVBUF")")
    fi
  done
  for label in "${labels[@]}"; do
    nps=$(printf '%s\n' "${results[@]}" | awk -v l="$label" '$1 == l {print $2}' | median)
    cpu=$(printf '%s\n' "${results[@]}" | awk -v l="$label" '$1 == l {print $3}' | median)
    errs=$(printf '%s\n' "${results[@]}" | awk -v l="$label" '$1 == l {print $4}' | median)
    printf 'concurrency=%-5s client=%-14s names_per_s=%-8s cpu_us_per_name=%-6s errors=%-6s (medians of %s)\n' \
      "$c" "$label" "$nps" "$cpu" "$errs" "$REPS"
  done
done
