#!/usr/bin/env python3
"""Differential test: `nameserver`, NSD and Knot DNS serve the same zones; every query goes to
all three and our answer must match the better-agreeing of the two peers, or differ only in ways
listed (with the RFC reason) in allowlist.txt. Prints a summary per category and, for every
difference not listed, the query and the three answers side by side.

Exit status: 0 all agree or allowed, 1 a difference not listed (or a server failed to start),
77 skipped (nsd, knotd or dnspython missing)."""

import argparse
import collections
import concurrent.futures
import fnmatch
import os
import shutil
import sys
import tempfile
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import dns.message  # noqa: F401 - dnspython is the independent decoder
except ImportError:
    print("SKIPPED: python3-dnspython is not installed (scripts/install-deps installs it)")
    sys.exit(SKIP)

import compare  # noqa: E402
import exchange  # noqa: E402
import queries as query_set  # noqa: E402
import servers  # noqa: E402
import zones as zone_set  # noqa: E402


class Allowlist:
    """Lines `PATTERN ASPECTS REASON`: PATTERN a glob over query ids, ASPECTS a comma list of
    compare.ASPECTS (or *), REASON the RFC section or documented choice that allows it."""

    def __init__(self, path):
        self.entries = []
        with open(path) as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split(None, 2)
                if len(parts) < 3:
                    raise SystemExit(f"{path}:{number}: need PATTERN ASPECTS REASON")
                pattern, aspects, reason = parts
                aspects = set(compare.ASPECTS) if aspects == "*" else set(aspects.split(","))
                unknown = aspects - set(compare.ASPECTS)
                if unknown:
                    raise SystemExit(f"{path}:{number}: unknown aspect(s) {sorted(unknown)}")
                self.entries.append({"line": number, "pattern": pattern, "aspects": aspects,
                                     "reason": reason, "used": 0})

    def allows(self, query_id, aspects):
        """The entries that together cover every aspect, or None."""
        left = set(aspects)
        used = []
        for e in self.entries:
            # Names in ids keep the case sent (0x20); patterns match them without case.
            if fnmatch.fnmatchcase(query_id.lower(), e["pattern"].lower()) and left & e["aspects"]:
                left -= e["aspects"]
                used.append(e)
        if left:
            return None
        for e in used:
            e["used"] += 1
        return used


def side_by_side(columns, width):
    out = []
    rows = max(len(c) for c in columns)
    for i in range(rows):
        cells = []
        for c in columns:
            cell = c[i] if i < len(c) else ""
            cells.append(cell if len(cell) <= width else cell[: width - 1] + "~")
        out.append(" | ".join(cell.ljust(width) for cell in cells).rstrip())
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nameserver", required=True, help="the nameserver binary under test")
    ap.add_argument("--long", action="store_true", help="the larger query set")
    ap.add_argument("--allowlist", default=os.path.join(HERE, "allowlist.txt"))
    ap.add_argument("--only", default=None, help="run only queries whose id matches this glob")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--show-allowed", action="store_true", help="print allowed differences too")
    ap.add_argument("--width", type=int, default=int(os.environ.get("COLUMNS", "0")) or 200)
    args = ap.parse_args()

    nsd = servers.find_program("nsd")
    knotd = servers.find_program("knotd")
    if not nsd or not knotd:
        print("SKIPPED: the differential suite needs NSD and Knot DNS (nsd and knotd); "
              "scripts/install-deps installs Debian's nsd and knot")
        return SKIP
    if not os.access(args.nameserver, os.X_OK):
        print(f"error: {args.nameserver} is not an executable")
        return 1
    allow = Allowlist(args.allowlist)

    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="dnskit-differential-")
    # The long form serves more generated zones, with more names each.
    zone_list = zone_set.all_zones(generated=10, names_per_generated=200) if args.long \
        else zone_set.all_zones()
    # The signed zones (NSEC, NSEC3, NSEC3 opt-out), signed here with ldns-signzone.
    zone_list = zone_list + zone_set.signed_zones(workdir)
    paths = []
    os.makedirs(os.path.join(workdir, "zones"))
    for z in zone_list:
        p = os.path.join(workdir, "zones", z.origin.lower().rstrip(".") + ".zone")
        with open(p, "w") as f:
            f.write(z.text)
        paths.append((z.origin.lower(), p))
    qs = query_set.all_queries(zone_list, long_form=args.long)
    if args.only:
        qs = [q for q in qs if fnmatch.fnmatchcase(q.id, args.only)]

    running = []
    try:
        running.append(servers.start_ours(args.nameserver, workdir, paths))
        running.append(servers.start_nsd(nsd, workdir, paths))
        running.append(servers.start_knot(knotd, workdir, paths))
    except RuntimeError as e:
        print(f"error: a server did not start: {e}")
        for s in running:
            s.stop()
        return 1
    ours, peer_nsd, peer_knot = running
    print(f"differential: {len(qs)} queries over {len(zone_list)} zones; nameserver "
          f"{ours.address}:{ours.port}, nsd {peer_nsd.address}:{peer_nsd.port}, knot "
          f"{peer_knot.address}:{peer_knot.port}")

    def ask(server, q, timeout_scale=1):
        if q.transport == "udp":
            return exchange.udp(q.wire, server.address, server.port,
                                timeout=exchange.UDP_TIMEOUT * timeout_scale)
        return exchange.tcp(q.wire, server.address, server.port, transfer=q.transfer,
                            timeout=exchange.TCP_TIMEOUT * timeout_scale)

    counts = collections.defaultdict(collections.Counter)
    # UDP answers of ours exactly at the limits and one octet under them: proof that the size
    # tests reach the edges (the answer one octet over a limit is the truncated one).
    limit_sizes = (511, 512, 1231, 1232)
    at_limit = collections.Counter()
    failures = []
    allowed_shown = []
    peers_disagree = 0
    retried = collections.Counter()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            for q in qs:
                futures = [pool.submit(ask, s, q) for s in running]
                answers = [f.result() for f in futures]
                # On a loaded machine a UDP answer can be late: where one server answered and
                # another did not, ask the silent one again, with more patience, before judging.
                # (Over TCP a silence is a closed connection, which waiting does not change; a
                # malformed packet or a bad QDCOUNT may be dropped on purpose: silence is the
                # answer there.)
                for attempt in (1, 2):
                    if (q.transport != "udp" or q.category in ("malformed", "qdcount")
                            or not any(answers) or all(answers)):
                        break
                    retried[q.id] += 1
                    for i, s in enumerate(running):
                        if not answers[i]:
                            answers[i] = ask(s, q, timeout_scale=2 * attempt)
                fa = [compare.facts(a, transfer=q.transfer) for a in answers]
                if q.transport == "udp" and fa[0].get("_size") in limit_sizes:
                    at_limit[fa[0]["_size"]] += 1
                d_nsd = compare.differing(fa[0], fa[1])
                d_knot = compare.differing(fa[0], fa[2])
                if compare.differing(fa[1], fa[2]):
                    peers_disagree += 1
                if not d_nsd or not d_knot:
                    counts[q.category]["agree"] += 1
                    continue
                best, diff = ("nsd", d_nsd) if len(d_nsd) <= len(d_knot) else ("knot", d_knot)
                entries = allow.allows(q.id, diff)
                if entries is not None:
                    counts[q.category]["allowed"] += 1
                    if args.show_allowed:
                        allowed_shown.append((q, fa, best, diff))
                    continue
                counts[q.category]["differ"] += 1
                failures.append((q, fa, best, diff))
    finally:
        statuses = [s.stop() for s in running]
        # Ours must end cleanly on SIGTERM: a crash, or a sanitizer's report (leaks at exit in
        # the ASan build), is a failure whatever the answers were.
        ours_failed = statuses[0] != 0
        if ours_failed:
            print(f"error: nameserver exited with status {statuses[0]}:\n" + ours.log_tail(40))
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")

    width = max((args.width - 6) // 3, 40)
    for title, items in (("allowed", allowed_shown), ("DIFFERS", failures)):
        for q, fa, best, diff in items:
            print(f"\n=== {title}: {q.id}  (query {q.wire.hex()})")
            print(f"    differs from {best} (the better-agreeing peer) in: {', '.join(diff)}")
            print(side_by_side([["nameserver"] + fa[0]["_text"], ["nsd"] + fa[1]["_text"],
                                ["knot"] + fa[2]["_text"]], width))

    print("\ncategory          agree  allowed  differ")
    total = collections.Counter()
    for cat in sorted(counts):
        c = counts[cat]
        total.update(c)
        print(f"{cat:<16} {c['agree']:>6} {c['allowed']:>8} {c['differ']:>7}")
    print(f"{'total':<16} {total['agree']:>6} {total['allowed']:>8} {total['differ']:>7}")
    print(f"(nsd and knot differ from each other on {peers_disagree} queries)")
    if retried:
        print(f"asked again after a silence: {len(retried)} queries "
              f"({', '.join(sorted(retried)[:8])}{', ...' if len(retried) > 8 else ''})")
    print("our UDP answers of exactly " + ", ".join(f"{n} octets: {at_limit[n]}"
                                                   for n in limit_sizes))
    unused = [e for e in allow.entries if e["used"] == 0]
    for e in unused:
        print(f"note: allowlist line {e['line']} matched nothing in this run: {e['pattern']}")
    print(f"time {time.monotonic() - started:.1f} s")
    return 1 if failures or ours_failed else 0


if __name__ == "__main__":
    sys.exit(main())
