#!/usr/bin/env bash
# dnssec.sh -- DO=1 queries (dnsperf -D) to nameserver, NSD and Knot serving one signed zone, side
# by side in one run, with the anchor scripts of the shared benchmark folder (qps.sh / serve.sh /
# genzone.py: dnsperf on loopback pinned to CPU 0, every server pinned to CPU 1, one worker each,
# servers alternated, medians of REPS runs).
#
# Usage: dnssec.sh BUILD_DIR [BENCH_DIR]
#   BUILD_DIR  a Release build (cmake -DCMAKE_BUILD_TYPE=Release) with nameserver/nameserver
#   BENCH_DIR  the anchor scripts (default ../shared/bench next to the repository)
# Environment: SIGN (nsec | nsec3, default nsec; nsec3 is unsalted with 0 extra iterations, as
#   RFC 9276 §3.1 asks), RECORDS (100000), MODES ("udp tcp"), REPS (3), DURATION (10),
#   OURS_FLAGS (more nameserver flags, e.g. --minimal-responses to answer as Knot does, without
#   the apex NS RRset), PLAIN (1: the same signed zone asked again without DO, for the cost of
#   non-DO queries;
#   0 skips it), WORK (a scratch directory, default /tmp/dnskit-bench-dnssec; the servers' state
#   goes to WORK/run), BASEPORT (15301, qps.sh's ports from there) and CHECK_PORT (15451, the
#   port of the signed-answer check), plus qps.sh's own (QUIET_WAIT, MAX_OTHER_PCT, ...).
# Output: the qps.sh summary for DO=1 (then DO=0): µs of server CPU per query, qps, lost, latency.
# Needs the Debian packages nsd, knot, dnsperf, dnsutils, ldnsutils. Only 127.0.0.1 is used;
# every server is stopped by PID when the script ends.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: dnssec.sh BUILD_DIR [BENCH_DIR]}" && pwd)
ANCHOR=${2:-$HERE/../../../shared/bench}
WORK=${WORK:-/tmp/dnskit-bench-dnssec}
RECORDS=${RECORDS:-100000}
SIGN=${SIGN:-nsec}
PLAIN=${PLAIN:-1}
export MODES=${MODES:-udp tcp}
BIN="$BUILD/nameserver/nameserver"
ORIGIN=bench.test.
[[ -x "$BIN" ]] || { echo "no $BIN (build the nameserver target first)" >&2; exit 1; }
[[ -f "$ANCHOR/qps.sh" ]] || { echo "no qps.sh in $ANCHOR" >&2; exit 1; }
for tool in ldns-keygen ldns-signzone dnsperf dig nsd knotd; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "$tool not installed" >&2; exit 1; }
done
case $SIGN in
  nsec) sign_flags=() ;;
  nsec3) sign_flags=(-n -t 0) ;;  # no salt (ldns-signzone's default), 0 extra iterations
  *) echo "SIGN must be nsec or nsec3, not '$SIGN'" >&2; exit 2 ;;
esac

# The anchor scripts write beside themselves: run a copy.
rm -rf "$WORK"
cp -r "$ANCHOR" "$WORK"
cd "$WORK"
export RUNDIR="$WORK/run"
OURS="ours=$BIN --listen 127.0.0.1:%PORT% --zone %ORIGIN%=%ZONE% --threads 1 --log-level warning${OURS_FLAGS:+ $OURS_FLAGS}"

echo "== zone: $RECORDS records, signed with $SIGN (ldns-signzone, ECDSAP256SHA256)"
python3 genzone.py -n "$RECORDS" -o "data/z$RECORDS" >/dev/null
mkdir -p keys
(
  cd keys
  ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$ORIGIN")
  zsk=$(ldns-keygen -a ECDSAP256SHA256 "$ORIGIN")
  # -f: the signed file; the default validity (four weeks from now) outlasts any run.
  ldns-signzone "${sign_flags[@]}" -o "$ORIGIN" -f "../data/z$RECORDS.signed.zone" \
    "../data/z$RECORDS.zone" "$ksk" "$zsk"
)
ZONE="data/z$RECORDS.signed.zone"
"$BIN" --check --zone "$ORIGIN=$ZONE" | tail -n 1

# dnsperf -D on every call qps.sh makes (runs and warm-up): a wrapper first in PATH.
mkdir -p do-bin
real_dnsperf=$(command -v dnsperf)
printf '#!/bin/sh\nexec %s -D "$@"\n' "$real_dnsperf" >do-bin/dnsperf
chmod +x do-bin/dnsperf

# Before measuring: each server gives signed answers (an RRSIG beside the SOA) to a DO query.
port=${CHECK_PORT:-15451}
for spec in nsd knot "$OURS"; do
  label=${spec%%=*}
  ./serve.sh start "$spec" "$port" "$ZONE" "$ORIGIN" >/dev/null
  sigs=$(dig @127.0.0.1 -p "$port" +dnssec +norec +tries=1 +time=2 "$ORIGIN" SOA | grep -c $'\tRRSIG\tSOA ' || true)
  ./serve.sh stop "$port" >/dev/null
  if [[ $sigs -lt 1 ]]; then
    echo "$label: no RRSIG with the SOA for a DO query; not measuring" >&2
    exit 1
  fi
  echo "  $label answers DO queries with signatures"
  port=$((port + 1))
done

echo "== DO=1 (dnsperf -D)"
PATH="$WORK/do-bin:$PATH" ZONE="$ZONE" QUERIES="data/z$RECORDS.queries" OUT=runs/do \
  ./qps.sh nsd knot "$OURS"

if ((PLAIN)); then
  echo "== DO=0, the same signed zone"
  ZONE="$ZONE" QUERIES="data/z$RECORDS.queries" OUT=runs/plain ./qps.sh nsd knot "$OURS"
fi
