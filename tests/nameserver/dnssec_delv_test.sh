#!/usr/bin/env bash
# A real validator against the name server: a zone signed here with ldns-keygen/ldns-signzone
# (NSEC, NSEC3, NSEC3 with opt-out) is served by `nameserver` on 127.0.0.1, and delv, with the
# zone's key as its only trust anchor, must call every answer "fully validated": positive,
# CNAME, wildcard, NXDOMAIN, NODATA (also at an empty non-terminal and from a wildcard), DS and
# its absence at a delegation. Only loopback; every wait bounded. Exit 77 (skip) without the tools.
# usage: dnssec_delv_test.sh NAMESERVER_BINARY
set -u
nameserver=$(realpath "$1")
for tool in delv ldns-keygen ldns-signzone; do
  command -v "$tool" >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

cat > zone <<'EOF'
$ORIGIN example.
$TTL 3600
@           SOA   ns1 hostmaster 1 3600 600 86400 300
@           NS    ns1
ns1         A     192.0.2.1
www         A     192.0.2.10
www         TXT   "hello"
alias       CNAME www
*.wild      A     192.0.2.99
a.b.c       A     192.0.2.5
secure      NS    ns.secure
secure      DS    12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.secure   A     192.0.2.53
insecure    NS    ns.insecure
ns.insecure A     192.0.2.54
EOF
ksk=$(ldns-keygen -a ECDSAP256SHA256 -k example.) || exit 1
zsk=$(ldns-keygen -a ECDSAP256SHA256 example.) || exit 1
ldns-signzone -f signed.nsec zone "$ksk" "$zsk" || exit 1
ldns-signzone -n -f signed.nsec3 zone "$ksk" "$zsk" || exit 1
ldns-signzone -n -p -f signed.optout zone "$ksk" "$zsk" || exit 1
key=$(sed 's/;.*//' "$ksk.key" | awk '{for (i = 7; i <= NF; i++) printf "%s", $i}')
echo "trust-anchors { example. static-key 257 3 13 \"$key\"; };" > anchor.conf

# name type: what delv must print besides "fully validated" (a record, or the negative kind)
queries=(
  "www.example. A|www.example.*IN	A	192.0.2.10"
  "www.example. TXT|IN	TXT	\"hello\""
  "alias.example. A|IN	A	192.0.2.10"
  "x.wild.example. A|x.wild.example.*IN	A	192.0.2.99"
  "nothere.example. A|NXDOMAIN"
  "x.nothere.b.c.example. TXT|NXDOMAIN"
  "www.example. AAAA|NXRRSET"
  "c.example. A|NXRRSET"
  "x.wild.example. TXT|NXRRSET"
  "secure.example. DS|IN	DS	12345"
  "insecure.example. DS|NXRRSET"
)

failures=0
for variant in nsec nsec3 optout; do
  rm -f server.log
  "$nameserver" --listen 127.0.0.1:0 --zone "example.=signed.$variant" 2> server.log &
  server_pid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(grep -o 'ready 127\.0\.0\.1:[0-9]*' server.log 2>/dev/null | head -1 | cut -d: -f2)
    [[ -n $port ]] && break
    sleep 0.1
  done
  if [[ -z $port ]]; then
    echo "FAIL $variant: the server did not start"; cat server.log; exit 1
  fi
  for entry in "${queries[@]}"; do
    question=${entry%%|*}
    expected=${entry#*|}
    # shellcheck disable=SC2086 # the question is name and type
    out=$(timeout 30 delv @127.0.0.1 -p "$port" +root=example. -a anchor.conf \
          $question 2>&1)
    verdict="fully validated"
    if [[ $variant == optout && $question == "x.wild.example. A" ]]; then
      # RFC 5155 §9.2: the NSEC3 covering the next closer name has opt-out set, so it cannot
      # prove the name absent; a validator takes the wildcard answer as insecure.
      verdict="unsigned answer"
    fi
    if ! grep -q "$verdict" <<< "$out" || ! grep -q -- "$expected" <<< "$out"; then
      echo "FAIL $variant: $question (want \"$expected\", $verdict)"
      echo "$out" | sed 's/^/    /'
      failures=$((failures + 1))
    else
      echo "ok   $variant: $question"
    fi
  done
  kill "$server_pid"
  wait "$server_pid"
  status=$?
  server_pid=
  # SIGTERM is a clean stop: anything else is a crash or a sanitizer report.
  if [[ $status -ne 0 ]]; then
    echo "FAIL $variant: nameserver exited with $status"; cat server.log
    failures=$((failures + 1))
  fi
done
echo "$failures failure(s)"
[[ $failures -eq 0 ]]
