#!/usr/bin/env bash
# update.sh -- dynamic updates (RFC 2136) one at a time over ONE TCP connection to nameserver,
# Knot (knotd) and BIND (named) serving the same zone, each acknowledging an update only once it
# is on disk:
#   nameserver  appends the change to FILE.jnl and fdatasyncs it before NOERROR (one per update);
#   knotd       journal-content: changes with database journal-db-mode: robust (the default: the
#               LMDB journal is synced at every commit), zonefile-sync: -1 (the zone file is not
#               rewritten during the run, as ours);
#   named       its zone journal FILE.jnl, which BIND syncs when it commits each update.
# Each update adds one A record (bench/nameserver/update_client.cpp); each run starts every server
# from the same zone file and an empty journal. Servers alternate; the figures are the medians
# of REPS runs: updates/s and p50/p99 latency as the client sees them.
#
# Usage: update.sh BUILD_DIR
#   BUILD_DIR  a build with nameserver/nameserver and bench/nameserver/nameserver_update_client
#              (cmake -DDNSKIT_BUILD_BENCH=ON; a Release build for figures)
# Environment: COUNT (10000 updates per run), REPS (3), SERVERS ("ours knot bind"),
#   WORK (/tmp/dnskit-bench-update; the journals go there, so put it on the disk you mean to
#   measure), BASEPORT (15501), SERVER_CPU (1), CLIENT_CPU (0).
# Only 127.0.0.1 is used; every server is stopped by its PID when its run ends (and on exit).
set -euo pipefail
BUILD=$(cd "${1:?usage: update.sh BUILD_DIR}" && pwd)
COUNT=${COUNT:-10000}
REPS=${REPS:-3}
SERVERS=${SERVERS:-ours knot bind}
WORK=${WORK:-/tmp/dnskit-bench-update}
BASEPORT=${BASEPORT:-15501}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
BIN="$BUILD/nameserver/nameserver"
CLIENT="$BUILD/bench/nameserver/nameserver_update_client"
ORIGIN=bench.test.
[[ -x "$BIN" ]] || { echo "no $BIN (build the nameserver target)" >&2; exit 1; }
[[ -x "$CLIENT" ]] || { echo "no $CLIENT (build nameserver_update_client with -DDNSKIT_BUILD_BENCH=ON)" >&2; exit 1; }
command -v dig >/dev/null || { echo "dig not installed" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
pid=""
cleanup() { if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

zone_text() {
  printf '$ORIGIN %s\n$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.10\n' "$ORIGIN"
}

# start LABEL DIR PORT: starts the server in the background, sets $pid.
start() {
  local label=$1 dir=$2 port=$3
  case $label in
    ours)
      taskset -c "$SERVER_CPU" "$BIN" --listen "127.0.0.1:$port" --zone "$ORIGIN=$dir/zone" \
        --threads 1 --allow-update 127.0.0.1 --log-level warning 2>"$dir/log" &
      ;;
    knot)
      mkdir -p "$dir/db"
      cat >"$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir/db"
    journal-db-mode: robust
control:
    listen: "$dir/knot.sock"
log:
  - target: stderr
    any: warning
acl:
  - id: update
    address: 127.0.0.1
    action: update
template:
  - id: default
    storage: "$dir"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
zone:
  - domain: "$ORIGIN"
    file: "$dir/zone"
    acl: update
CONF
      taskset -c "$SERVER_CPU" knotd -c "$dir/knot.conf" 2>"$dir/log" &
      ;;
    bind)
      cat >"$dir/named.conf" <<CONF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    notify no;
    dnssec-validation no;
};
controls { };
zone "$ORIGIN" {
    type primary;
    file "$dir/zone";
    allow-update { 127.0.0.1; };
};
CONF
      taskset -c "$SERVER_CPU" named -g -4 -n 1 -c "$dir/named.conf" 2>"$dir/log" &
      ;;
    *) echo "unknown server '$label' (ours, knot, bind)" >&2; exit 2 ;;
  esac
  pid=$!
  for _ in $(seq 1 500); do
    if dig @127.0.0.1 -p "$port" +norec +tries=1 +time=1 "$ORIGIN" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "$label exited; its log:" >&2; cat "$dir/log" >&2; exit 1; }
    sleep 0.02
  done
  echo "$label does not answer on port $port" >&2
  exit 1
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

declare -A results
port=$BASEPORT
for rep in $(seq 1 "$REPS"); do
  for label in $SERVERS; do
    case $label in
      knot) command -v knotd >/dev/null || [[ -x /usr/sbin/knotd ]] || { echo "knotd not installed: skipped"; continue; } ;;
      bind) command -v named >/dev/null || [[ -x /usr/sbin/named ]] || { echo "named not installed: skipped"; continue; } ;;
    esac
    dir="$WORK/$label-$rep"
    mkdir -p "$dir"
    zone_text >"$dir/zone"
    start "$label" "$dir" "$port"
    line=$(taskset -c "$CLIENT_CPU" "$CLIENT" 127.0.0.1 "$port" "$ORIGIN" "$COUNT") || {
      echo "$label run $rep: $line" >&2; stop; exit 1; }
    # The last update is served (the client counted every NOERROR already).
    last=$(dig @127.0.0.1 -p "$port" +norec +short "u$((COUNT - 1)).$ORIGIN" A)
    stop
    [[ -n "$last" ]] || { echo "$label run $rep: the last update is not served" >&2; exit 1; }
    echo "$label run $rep: $line"
    results[$label]+="$line"$'\n'
    port=$((port + 1))
  done
done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
field() { grep -o "$1=[0-9.]*" | cut -d= -f2; }
echo
printf '%-6s %12s %10s %10s   (median of %s runs of %s updates, one TCP connection)\n' \
  server updates/s p50_us p99_us "$REPS" "$COUNT"
for label in $SERVERS; do
  [[ -n "${results[$label]:-}" ]] || continue
  printf '%-6s %12s %10s %10s\n' "$label" \
    "$(printf '%s' "${results[$label]}" | field updates_per_s | median)" \
    "$(printf '%s' "${results[$label]}" | field p50_us | median)" \
    "$(printf '%s' "${results[$label]}" | field p99_us | median)"
done
