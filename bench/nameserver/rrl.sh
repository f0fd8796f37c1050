#!/usr/bin/env bash
# rrl.sh -- response rate limiting's effect: answers per second delivered to a flooding source
# against the configured --rate-limit, with dnsperf on loopback.
#
# Usage: rrl.sh BUILD_DIR
#   BUILD_DIR  a build with nameserver/nameserver (Release or RelWithDebInfo for figures)
# Environment: LIMIT (100: --rate-limit), RATE (20000: queries/s the flood offers), DURATION (10
#   seconds per run), REPS (3), SLIPS ("0 2": --rate-limit-slip values), OTHER_RATE (LIMIT/2:
#   queries/s of a client in another /24), WORK (scratch directory, default /tmp/dnskit-rrl).
#
# Each run: a fresh `nameserver --threads 1 --rate-limit LIMIT --rate-limit-slip SLIP` on
# 127.0.0.1, a dnsperf flood from 127.0.0.2 (4 sockets, one second timeout: a dropped query is
# "lost") and, at the same time, a dnsperf client from 127.0.1.1 at OTHER_RATE. Two floods:
# `same` asks one name again and again; `random` asks a new name under the zone each time
# (NXDOMAIN, counted under the zone). Printed per (flood, slip): the median over REPS of the
# answers/s delivered to the flooding source (slip 0: full answers only, expected = limit; slip
# K: limit full ones plus every K-th of the rest as TC, expected = limit + (offered - limit)/K)
# and the other client's lost queries (worst run). One run with the limit off is the baseline.
# A run of DURATION seconds touches DURATION + 1 one-second windows, so with slip 0 expect
# limit * (DURATION + 1) / DURATION answers/s (110 for 100 over 10 s): `limit` in each window.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: rrl.sh BUILD_DIR}" && pwd)
BIN="$BUILD/nameserver/nameserver"
ZONE="$HERE/../../zones/examples/example.test.zone"
LIMIT=${LIMIT:-100}
RATE=${RATE:-20000}
DURATION=${DURATION:-10}
REPS=${REPS:-3}
SLIPS=${SLIPS:-"0 2"}
OTHER_RATE=${OTHER_RATE:-$((LIMIT / 2))}  # below the limit: this client must lose nothing
WORK=${WORK:-/tmp/dnskit-rrl}
[[ -x "$BIN" ]] || { echo "no $BIN (build the nameserver target first)" >&2; exit 1; }
command -v dnsperf >/dev/null || { echo "needs dnsperf (Debian package dnsperf)" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
echo "www.example.test A" >"$WORK/same.queries"
for i in $(seq 1 100000); do echo "r$i-$RANDOM.example.test A"; done >"$WORK/random.queries"

server_pid=
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

# start_server LIMIT SLIP: starts it on a free port, sets $port.
start_server() {
  "$BIN" --listen 127.0.0.1:0 --zone "$ZONE" --threads 1 --rate-limit "$1" \
    --rate-limit-slip "$2" 2>"$WORK/server.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*ready 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log")
    [[ -n "$port" ]] && return 0
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$WORK/server.log" >&2
  exit 1
}

# completed FILE: "Queries completed" of a dnsperf report.
completed() { sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' "$1"; }
lost() { sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' "$1"; }
sent() { sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' "$1"; }

# one_run FLOOD LIMIT SLIP: prints "answers/s offered/s other_lost other_sent".
one_run() {
  start_server "$2" "$3"
  dnsperf -s 127.0.0.1 -p "$port" -a 127.0.1.1 -d "$WORK/same.queries" -l "$DURATION" \
    -Q "$OTHER_RATE" -t 1 >"$WORK/other.out" 2>&1 &
  local other=$!
  dnsperf -s 127.0.0.1 -p "$port" -a 127.0.0.2 -d "$WORK/$1.queries" -l "$DURATION" \
    -Q "$RATE" -c 4 -q 30000 -t 1 >"$WORK/flood.out" 2>&1
  wait "$other"
  stop_server
  local done_flood sent_flood
  done_flood=$(completed "$WORK/flood.out")
  sent_flood=$(sent "$WORK/flood.out")
  echo "$((done_flood / DURATION)) $((sent_flood / DURATION)) $(lost "$WORK/other.out") $(sent "$WORK/other.out")"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-7s %-6s %6s %10s %14s %12s\n' flood slip limit offered/s "answers/s" "other lost"
for flood in same random; do
  read -r base offered other_lost other_sent < <(one_run "$flood" 0 0)
  printf '%-7s %-6s %6s %10s %14s %12s\n' "$flood" - off "$offered" "$base" "$other_lost/$other_sent"
  for slip in $SLIPS; do
    rates=() losts=()
    for _ in $(seq 1 "$REPS"); do
      read -r answers offered other_lost other_sent < <(one_run "$flood" "$LIMIT" "$slip")
      rates+=("$answers")
      losts+=("$other_lost")
    done
    printf '%-7s %-6s %6s %10s %14s %12s   (runs: %s)\n' "$flood" "$slip" "$LIMIT" "$offered" \
      "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${losts[@]}" | sort -n | tail -1)/$other_sent" \
      "${rates[*]}"
  done
done
