#!/usr/bin/env python3
"""Figures for udp.sh (stdlib only).

  udp_table.py syscalls LABEL RATE PERF_CSV DNSPERF_OUT   one JSON line: system calls per answered
                                                          query from `perf stat -x,` output
  udp_table.py show-syscalls < JSON lines                 one readable line per JSON line
  udp_table.py table LOAD_RUNS LAT_RUNS LAT_DIR SYSCALLS RATE LAT_QPS
                                                          the markdown table of udp.sh
"""
import json
import math
import re
import statistics
import sys


def completed(dnsperf_out):
    with open(dnsperf_out, errors="replace") as f:
        m = re.search(r"Queries completed:\s+(\d+)", f.read())
    return int(m.group(1)) if m else 0


def syscalls(label, rate, perf_csv, dnsperf_out):
    by_call = {}
    with open(perf_csv) as f:
        for line in f:
            if line.startswith("#") or "," not in line:
                continue
            fields = line.strip().split(",")
            if len(fields) < 3 or not fields[0].isdigit():
                continue  # <not counted>, <not supported>
            name = fields[2].replace("syscalls:sys_enter_", "")
            n = int(fields[0])
            if n:
                by_call[name] = by_call.get(name, 0) + n
    done = completed(dnsperf_out)
    total = sum(by_call.values())
    return {"server": label, "rate": rate, "completed": done, "syscalls": total,
            "per_query": round(total / done, 3) if done else None,
            "by_call": dict(sorted(by_call.items(), key=lambda kv: -kv[1]))}


def show(rec):
    done = rec["completed"] or 1
    top = ", ".join("%s %.3f" % (k, v / done) for k, v in list(rec["by_call"].items())[:6])
    return "  %-12s %-6s %8d answered  %.3f calls/query  (%s)" % (
        rec["server"], rec["rate"], rec["completed"], rec["per_query"] or 0.0, top)


def load(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def us_per_query(r):
    d = r["dnsperf"]
    return 1e6 * (r["cpu_after"] - r["cpu_before"]) / d["completed"] if d.get("completed") else None


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    # nearest rank: the smallest value with at least p% of the values at or below it
    rank = math.ceil(p / 100.0 * len(sorted_values))
    return sorted_values[min(len(sorted_values), max(1, rank)) - 1]


def latencies_ms(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("> "):
                try:
                    out.append(1000.0 * float(line.split()[-1]))
                except ValueError:
                    pass
    out.sort()
    return out


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(values, nd):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    f = "%%.%df" % nd
    if len(values) == 1:
        return f % values[0]
    return (f + " (" + f + "–" + f + ")") % (statistics.median(values), min(values), max(values))


def table(load_runs, lat_runs, lat_dir, syscalls_path, rate, lat_qps):
    runs = [r for r in load(load_runs) if r["kind"] == "qps"]
    lat = [r for r in load(lat_runs) if r["kind"] == "qps"]
    sc = load(syscalls_path)
    servers = []
    for r in runs + lat + sc:
        if r["server"] not in servers:
            servers.append(r["server"])

    def sel(rs, mode, server):
        return [r for r in rs if r["mode"] == mode and r["server"] == server]

    cells = {s: {} for s in servers}
    for s in servers:
        sat, fixed, light = sel(runs, "udp", s), sel(runs, "rate:%s" % rate, s), sel(lat, "lat", s)
        cells[s]["sat_us"] = [us_per_query(r) for r in sat]
        cells[s]["sat_qps"] = [r["dnsperf"]["qps"] for r in sat]
        cells[s]["fixed_us"] = [us_per_query(r) for r in fixed]
        p50, p99 = [], []
        for r in light:
            v = latencies_ms("%s/lat-%s-r%s-t%s.dnsperf.txt" % (lat_dir, s, r["rep"], r["try"]))
            p50.append(percentile(v, 50))
            p99.append(percentile(v, 99))
        cells[s]["p50"], cells[s]["p99"] = p50, p99
        cells[s]["avg"] = [r["dnsperf"]["lat_avg_ms"] for r in light]
        cells[s]["lost"] = sum((r["dnsperf"]["lost"] or 0) for r in sat + fixed + light)
        cells[s]["bytes"] = [r["dnsperf"]["resp_size"] for r in sat]
        for rec in sc:
            if rec["server"] == s:
                cells[s]["sc_%s" % rec["rate"]] = [rec["per_query"]]

    rows = [("UDP saturated: server µs CPU/query", "sat_us", 2),
            ("UDP saturated: qps", "sat_qps", 0),
            ("UDP %s qps: server µs CPU/query" % rate, "fixed_us", 2),
            ("%s qps: p50 latency ms" % lat_qps, "p50", 3),
            ("%s qps: p99 latency ms" % lat_qps, "p99", 3),
            ("%s qps: average latency ms" % lat_qps, "avg", 3)]
    for rec in sc:
        key = "sc_%s" % rec["rate"]
        if all(key != k for _, k, _ in rows):
            what = "saturated" if rec["rate"] == "max" else "%s qps" % rec["rate"]
            rows.append(("system calls/query, %s" % what, key, 2))
    rows.append(("response bytes", "bytes", 0))

    out = ["| measure | " + " | ".join(servers) + " |", "|---" * (len(servers) + 1) + "|"]
    for title, key, nd in rows:
        out.append("| %s | %s |" % (title, " | ".join(fmt(cells[s].get(key, []), nd) for s in servers)))
    out.append("| queries lost (all timed runs) | %s |" % " | ".join(str(cells[s]["lost"]) for s in servers))
    out.append("")

    ours = [s for s in servers if s == "ours" or s.startswith("ours-")]
    anchors = [s for s in ("nsd", "knot") if s in servers]

    def ratio(a, b):
        return "%.2f" % (a / b) if a is not None and b else "-"

    if ours:
        out.append("| ratio (medians) | " + " | ".join(ours) + " |")
        out.append("|---" * (len(ours) + 1) + "|")
        lines = []
        if "reflector" in servers:
            ref = cells["reflector"]
            lines.append(("saturated µs/query / reflector's", [ratio(med(cells[s]["sat_us"]), med(ref["sat_us"])) for s in ours]))
            lines.append(("%s qps µs/query / reflector's" % rate, [ratio(med(cells[s]["fixed_us"]), med(ref["fixed_us"])) for s in ours]))
            for rec in sc:
                if rec["server"] == "reflector":
                    key = "sc_%s" % rec["rate"]
                    lines.append(("system calls/query at %s / reflector's" % rec["rate"],
                                  [ratio(med(cells[s].get(key, [])), rec["per_query"]) for s in ours]))
        if anchors:
            best = min((med(cells[a]["fixed_us"]) for a in anchors if med(cells[a]["fixed_us"]) is not None), default=None)
            lines.append(("%s qps µs/query / best of NSD and Knot" % rate, [ratio(med(cells[s]["fixed_us"]), best) for s in ours]))
        if "nsd" in servers:
            lines.append(("p99 at %s qps / NSD's" % lat_qps, [ratio(med(cells[s]["p99"]), med(cells["nsd"]["p99"])) for s in ours]))
        for title, vals in lines:
            out.append("| %s | %s |" % (title, " | ".join(vals)))
        out.append("")

    if sc:
        out.append("System calls per answered query, by call (perf stat -e 'syscalls:sys_enter_*'):")
        out.append("")
        for rec in sc:
            out.append(show(rec))
        out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) >= 6 and argv[1] == "syscalls":
        print(json.dumps(syscalls(argv[2], argv[3], argv[4], argv[5])))
    elif len(argv) == 2 and argv[1] == "show-syscalls":
        for line in sys.stdin:
            if line.strip():
                print(show(json.loads(line)))
    elif len(argv) == 8 and argv[1] == "table":
        print(table(*argv[2:8]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
