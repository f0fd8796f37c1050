#!/usr/bin/env bash
# One lookup from process start to exit: dnslookup against nslookup, dig, kdig and drill, with
# hyperfine, against the same local server (NSD by default, pinned to another CPU), through
# the anchor script clients.sh (which also runs its 10,000-name bulk comparison).
#
# Usage: bench/cli/single.sh        env: BUILD=build RUNS=100 REPS=3 SERVER=nsd PORT=15310
# Prints the summary table (median ms per lookup) and leaves everything in $WORK/runs/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ -f data/z100k.zone ]] || python3 genzone.py -n 100000 -o data/z100k >/dev/null
export EXTRA_SINGLE="dnslookup=$DNSLOOKUP -type=A -port=%PORT% %NAME% 127.0.0.1"
export EXTRA_BULK="dnslookup -f=$DNSLOOKUP -type=A -port=%PORT% --parallel 100 -f %NAMES% 127.0.0.1"
./clients.sh
