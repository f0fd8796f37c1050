#!/usr/bin/env bash
# The installed systemd unit: Type=notify, the ExecStartPre check, reload by SIGHUP, the
# hardening options, and `systemd-analyze verify` finding nothing to say about it (skipped, exit
# 77, when systemd-analyze is not installed).
#   systemd_unit_test.sh UNIT_FILE NAMESERVER_BINARY INSTALLED_BINDIR
set -euo pipefail
unit=$1 binary=$2 bindir=$3
fail() { echo "systemd unit: $*" >&2; exit 1; }

for line in 'Type=notify' 'NotifyAccess=main' \
            "ExecStartPre=$bindir/nameserver --check --config " \
            "ExecStart=$bindir/nameserver --config " \
            'ExecReload=/bin/kill -HUP $MAINPID' \
            'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' 'AmbientCapabilities=CAP_NET_BIND_SERVICE' \
            'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
            'PrivateDevices=yes' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'; do
  grep -qF -- "$line" "$unit" || fail "no '$line' in $unit"
done
grep -q '@[A-Z_]*@' "$unit" && fail "unsubstituted @VARIABLE@ left in $unit"

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not installed: verify skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify checks that the programs exist: point the unit at the binary just built.
sed "s|$bindir/nameserver|$binary|g" "$unit" > "$work/dnskit-nameserver.service"
# --man=no: the man page the unit names is installed with the rest, not here.
if ! out=$(systemd-analyze verify --man=no "$work/dnskit-nameserver.service" 2>&1); then
  fail "systemd-analyze verify failed: $out"
fi
[[ -z $out ]] || fail "systemd-analyze verify: $out"
# The exposure score, for the record (systemd 250 and later).
systemd-analyze security --offline=yes --no-pager "$work/dnskit-nameserver.service" 2>/dev/null | tail -1 || true
echo "systemd unit: verified"
