# Shared by bench/cli/*.sh: paths, the anchor scripts copied to a scratch directory (their
# README asks for that: they write data/, runs/ and .build/ beside themselves), the zone and
# the names.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$repo/build}
DNSLOOKUP=$(readlink -f "${DNSLOOKUP:-$BUILD/cli/dnslookup}")
SHARED_BENCH=${SHARED_BENCH:-$repo/../shared/bench}
WORK=${WORK:-/tmp/dnskit-cli-bench}
[[ -x $DNSLOOKUP ]] || { echo "no dnslookup at $DNSLOOKUP (build it, or set BUILD/DNSLOOKUP)" >&2; exit 1; }
[[ -d $SHARED_BENCH ]] || { echo "no anchor benchmarks at $SHARED_BENCH (set SHARED_BENCH)" >&2; exit 1; }
for tool in hyperfine taskset python3 cc; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (Debian package: ${tool/cc/gcc})" >&2; exit 1; }
done
mkdir -p "$WORK"
cp -r "$SHARED_BENCH"/. "$WORK"/
cd "$WORK"
