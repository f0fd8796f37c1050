"""The zones the three servers serve, written for this suite: one zone per theme (wildcards, CNAME
chains, DNAME, delegations, empty non-terminals, case, unknown types, message sizes, ANY, zone
transfers) plus generated zones for breadth. Every zone must load in all three servers; the
suite checks that each one answers its SOA before it starts.

Each zone is returned with the names worth asking about (`probe_names`), from which queries.py
builds its queries."""

import os
import random

SERIAL = 2026120701


def header(origin, extra_ns=()):
    lines = [
        f"$ORIGIN {origin}",
        "$TTL 3600",
        f"@ 3600 IN SOA ns1.{origin} hostmaster.{origin} {SERIAL} 7200 3600 1209600 300",
        "@ NS ns1",
        "@ NS ns2",
        "ns1 A 192.0.2.1",
        "ns1 AAAA 2001:db8::1",
        "ns2 A 192.0.2.2",
    ]
    lines += list(extra_ns)
    return lines


class Zone:
    def __init__(self, origin, lines, probe_names, probe_types=None):
        self.origin = origin
        self.text = "\n".join(lines) + "\n"
        self.probe_names = probe_names
        self.probe_types = probe_types or ["A", "AAAA", "MX", "TXT", "NS", "SOA", "CNAME",
                                           "ANY", "SRV", "DS"]


def wild_zone():
    o = "wild.test."
    lines = header(o) + [
        "* A 192.0.2.10",
        "* MX 10 mail",
        "mail A 192.0.2.25",
        "host A 192.0.2.11",
        "host TXT \"exists, so the wildcard does not apply\"",
        # A wildcard below an empty non-terminal: ent.wild.test. exists only through *.ent.
        "*.ent TXT \"wildcard below an empty non-terminal\"",
        "*.ent AAAA 2001:db8::e",
        # The wildcard's owner is an empty non-terminal's child; deep.wild.test. is an ENT that
        # blocks the apex wildcard for names below it (RFC 4592 section 2.2.2).
        "a.deep A 192.0.2.12",
        # A wildcard CNAME, inside and out of the zone.
        "*.cn CNAME host",
        "*.out CNAME www.example.net.",
        "*.chain CNAME x.cn",
        # A wildcard with only TXT: NODATA for other types.
        "*.nodata TXT \"only text here\"",
        # A wildcard owning an NS is not allowed in NSD; keep a delegation beside wildcards.
        "sub NS ns.sub",
        "ns.sub A 192.0.2.53",
        "*.sub A 192.0.2.99",  # occluded by the cut
        # Literal asterisk label in the middle of a name is not a wildcard.
        "a.*.mid A 192.0.2.13",
    ]
    names = ["wild.test.", "host.wild.test.", "nothere.wild.test.", "a.b.c.wild.test.",
             "ent.wild.test.", "x.ent.wild.test.", "y.z.ent.wild.test.", "deep.wild.test.",
             "a.deep.wild.test.", "b.deep.wild.test.", "x.cn.wild.test.", "y.x.cn.wild.test.",
             "q.out.wild.test.", "q.chain.wild.test.", "q.nodata.wild.test.", "*.wild.test.",
             "*.ent.wild.test.", "sub.wild.test.", "x.sub.wild.test.", "a.*.mid.wild.test.",
             "b.*.mid.wild.test.", "*.mid.wild.test.", "mid.wild.test.", "mail.wild.test.",
             "\\*.wild.test.", "host.x.wild.test."]
    return Zone(o, lines, names)


def cname_zone():
    o = "cname.test."
    lines = header(o) + [
        "a CNAME b",
        "b CNAME c",
        "c A 192.0.2.30",
        "c MX 5 mx.c",
        "mx.c A 192.0.2.31",
        "long1 CNAME long2",
        "long2 CNAME long3",
        "long3 CNAME long4",
        "long4 CNAME long5",
        "long5 CNAME long6",
        "long6 CNAME long7",
        "long7 CNAME long8",
        "long8 CNAME long9",
        "long9 CNAME c",
        "out CNAME www.example.net.",
        "in-out CNAME out",
        "sibling CNAME host.wild.test.",
        "sibling-wild CNAME foo.wild.test.",
        "sibling-deleg CNAME x.sub.deleg.test.",
        "dangling CNAME nowhere",
        "to-nodata CNAME c",
        "to-deleg CNAME www.sub",
        "sub NS ns.sub",
        "ns.sub A 192.0.2.32",
        "to-dname CNAME x.here.dname.test.",
        # Loops in the data: a server must stop and send each record once.
        "self CNAME self",
        "loop1 CNAME loop2",
        "loop2 CNAME loop1",
        "tri1 CNAME tri2",
        "tri2 CNAME tri3",
        "tri3 CNAME tri1",
        "into-loop CNAME loop1",
        "to-apex CNAME @",
        "mx MX 10 a",
        "mx MX 20 c",
        "srv SRV 0 0 53 c",
        "srv SRV 0 0 53 a",
        "ns-target NS c",
    ]
    names = [f"{n}.cname.test." for n in (
        "a", "b", "c", "long1", "long5", "out", "in-out", "sibling", "sibling-wild",
        "sibling-deleg", "dangling", "to-nodata", "to-deleg", "to-dname", "self", "loop1",
        "tri2", "into-loop", "to-apex", "mx", "srv", "nowhere", "mx.c")] + ["cname.test."]
    return Zone(o, lines, names)


def dname_zone():
    o = "dname.test."
    lines = header(o) + [
        "here DNAME there",
        "x.there A 192.0.2.40",
        "there A 192.0.2.41",
        "away DNAME example.net.",
        "sib DNAME wild.test.",
        "sibcn DNAME cname.test.",
        "dloop DNAME dloop.dname.test.",
        "dl1 DNAME dl2.dname.test.",
        "dl2 DNAME dl1.dname.test.",
        # A long target: a long enough query name overflows 255 octets (RFC 6672 section 2.2).
        "long DNAME " + ".".join(["l" * 60] * 3) + ".dname.test.",
        "cn-to-dname CNAME a.here",
        "both DNAME there",
        "both A 192.0.2.42",
        "both TXT \"a DNAME owner keeps its other data\"",
    ]
    long_label = "q" * 63
    names = ["here.dname.test.", "x.here.dname.test.", "y.x.here.dname.test.",
             "nope.here.dname.test.", "a.away.dname.test.", "host.sib.dname.test.",
             "n.sib.dname.test.", "a.sibcn.dname.test.", "out.sibcn.dname.test.",
             "x.dloop.dname.test.", "x.dl1.dname.test.", "cn-to-dname.dname.test.",
             "both.dname.test.", "x.both.dname.test.", "x.there.dname.test.",
             "a.long.dname.test.", f"{long_label}.long.dname.test.",
             f"{long_label}.{long_label}.long.dname.test.", "dname.test.",
             f"{long_label}.{long_label}.{long_label[:50]}.here.dname.test."]
    return Zone(o, lines, names, ["A", "TXT", "DNAME", "CNAME", "ANY", "NS", "AAAA"])


def deleg_zone():
    o = "deleg.test."
    lines = header(o) + [
        # In-bailiwick: the glue is below the cut.
        "sub NS ns1.sub",
        "sub NS ns2.sub",
        "ns1.sub A 192.0.2.51",
        "ns1.sub AAAA 2001:db8::51",
        "ns2.sub A 192.0.2.52",
        "sub DS 12345 13 2 " + "ab" * 32,
        # Occluded data below the cut: never an answer, only glue.
        "www.sub A 192.0.2.59",
        "occl.sub MX 10 ns1.sub",
        # Sibling NS target: an address elsewhere in this zone.
        "sib NS host",
        "sib NS ns1",
        "host A 192.0.2.60",
        # Out of zone NS targets: no glue at all.
        "out NS ns1.example.net.",
        "out NS ns2.example.org.",
        # Glueless delegation to a name inside another child of this zone (with glue there).
        "glueless NS ns1.sub",
        # A delegation to an in-zone sibling name with no address at all: NSD, Knot and BIND
        # load it (named-checkzone only warns), and so do we.
        "lame NS nowhere",
        # NS target in a zone served beside this one.
        "other NS ns1.wild.test.",
        # Two levels: a cut below a cut is occluded.
        "deeper.sub NS ns1.sub",
        # Apex data beside cuts.
        "@ MX 10 host",
        "@ TXT \"delegations\"",
    ]
    names = [f"{n}.deleg.test." for n in (
        "sub", "www.sub", "x.y.sub", "ns1.sub", "occl.sub", "sib", "a.sib", "host", "out",
        "www.out", "glueless", "www.glueless", "other", "deeper.sub", "x.deeper.sub",
        "nothere", "ns1", "lame", "www.lame", "nowhere")] + ["deleg.test."]
    return Zone(o, lines, names, ["A", "AAAA", "NS", "DS", "MX", "ANY", "TXT", "SOA"])


def ent_zone():
    o = "ent.test."
    lines = header(o) + [
        "a.b.c.d A 192.0.2.70",
        "x.b.c.d TXT \"two children\"",
        "e.f MX 10 a.b.c.d",
        "_tcp.svc SRV 0 0 443 a.b.c.d",
        "_sip._tcp.svc SRV 0 0 5060 a.b.c.d",
    ]
    names = [f"{n}.ent.test." for n in (
        "d", "c.d", "b.c.d", "a.b.c.d", "x.b.c.d", "z.b.c.d", "z.c.d", "f", "e.f", "svc",
        "_tcp.svc", "_sip._tcp.svc", "_udp.svc", "q.a.b.c.d")]
    return Zone(o, lines, names, ["A", "TXT", "MX", "SRV", "ANY", "NS"])


def case_zone():
    o = "CaSe.TeSt."
    lines = [
        "$ORIGIN CaSe.TeSt.",
        "$TTL 3600",
        f"@ IN SOA Ns1.CaSe.TeSt. HostMaster.CASE.test. {SERIAL} 7200 3600 1209600 300",
        "@ NS NS1",
        "@ NS ns2.case.test.",
        "NS1 A 192.0.2.1",
        "Ns2 A 192.0.2.2",
        "MiXeD A 192.0.2.80",
        "mixed TXT \"same node, other case\"",
        "UPPER CNAME MiXeD",
        "Mail MX 10 MIXED.case.test.",
        "*.WiLd A 192.0.2.81",
        "Sub NS Ns.SUB",
        "NS.sub A 192.0.2.82",
        "Dn DNAME MiXeD.CaSe.TeSt.",
    ]
    names = ["case.test.", "CASE.TEST.", "mixed.case.test.", "MIXED.CASE.TEST.",
             "mIxEd.cAsE.tEsT.", "upper.case.test.", "UpPeR.CaSe.TeSt.", "mail.case.test.",
             "MAIL.case.test.", "x.wild.case.test.", "X.WILD.CASE.TEST.", "sub.case.test.",
             "WWW.SUB.case.test.", "a.dn.case.test.", "A.DN.CASE.TEST.", "none.CaSe.TeSt."]
    return Zone(o, lines, names, ["A", "TXT", "MX", "CNAME", "NS", "SOA", "ANY"])


def unknown_zone():
    o = "unknown.test."
    lines = header(o) + [
        "u TYPE65280 \\# 4 0A000001",
        "u TYPE65280 \\# 0",
        "u TYPE65281 \\# 3 616263",
        "generic-a TYPE1 \\# 4 C0000290",
        "generic-class 600 IN TYPE16 \\# 4 03616263",
        "mixed A 192.0.2.92",
        "mixed TYPE62000 \\# 2 BEEF",
        "old-types HINFO \"cpu\" \"os\"",
        "old-types RP mbox.unknown.test. txt.unknown.test.",
        "old-types NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.net!\" .",
        "old-types CAA 0 issue \"ca.example.net\"",
        "old-types SSHFP 1 1 " + "12" * 20,
        "old-types LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
        "old-types SPF \"v=spf1 -all\"",
    ]
    names = ["u.unknown.test.", "generic-a.unknown.test.", "generic-class.unknown.test.",
             "mixed.unknown.test.", "old-types.unknown.test.", "none.unknown.test."]
    return Zone(o, lines, names, ["TYPE65280", "TYPE65281", "TYPE65535", "TYPE62000", "A",
                                  "HINFO", "RP", "NAPTR", "CAA", "SSHFP", "LOC", "SPF", "ANY",
                                  "TYPE0", "TYPE260", "AAAA"])


def size_zone(lo_hi_ranges=((460, 540), (1190, 1260))):
    """Names tN.size.test. whose TXT RRset makes a UDP answer of about N octets (question and
    answer section only), so that for every server some name lands exactly on the 512 and 1232
    limits and one octet over, whatever that server adds in the other sections."""
    o = "size.test."
    lines = header(o)
    names = []
    for lo, hi in lo_hi_ranges:
        for n in range(lo, hi + 1):
            owner = f"t{n}"
            qname_wire = len(owner) + 1 + len(o)  # labels: owner + "size" + "test" + root
            # header 12 + question (name + 4) + records: compressed owner 2 + 10 + rdata
            fixed = 12 + qname_wire + 1 + 4
            left = n - fixed
            # Split into records of at most 250 octets of text each: rdata = 1 + len.
            recs = []
            while left > 0:
                take = min(left, 2 + 10 + 1 + 250)
                text_len = max(take - 2 - 10 - 1, 0)
                recs.append(text_len)
                left -= 2 + 10 + 1 + text_len
            for i, t in enumerate(recs):
                # A distinct first character keeps the records distinct within the RRset.
                body = chr(ord("a") + i % 26) + "x" * max(t - 1, 0)
                lines.append(f"{owner} TXT \"{body[:t]}\"")
            names.append(f"{owner}.{o}")
    # What is dropped first: a MX set whose additional addresses do not all fit.
    for i in range(40):
        lines.append(f"many MX {i} mx{i:02d}")
        lines.append(f"mx{i:02d} A 192.0.2.{i + 100}")
        lines.append(f"mx{i:02d} AAAA 2001:db8::{i + 100:x}")
    for i in range(60):
        lines.append(f"bigns NS ns{i:02d}.bigns")
        lines.append(f"ns{i:02d}.bigns A 198.51.100.{i}")
    names += ["many.size.test.", "bigns.size.test.", "www.bigns.size.test."]
    return Zone(o, lines, names, ["TXT", "MX", "NS", "A", "ANY"])


def any_zone():
    o = "any.test."
    lines = header(o) + [
        "multi A 192.0.2.120",
        "multi AAAA 2001:db8::120",
        "multi MX 10 multi",
        "multi TXT \"one\"",
        "multi TXT \"two\"",
        "multi SRV 0 0 1 multi",
        "multi HINFO \"a\" \"b\"",
        "one TXT \"only\"",
        "big TXT \"" + "b" * 250 + "\"",
        "big TXT \"" + "c" * 250 + "\"",
        "big A 192.0.2.121",
        "cn CNAME multi",
        "@ MX 10 multi",
        "@ TXT \"apex\"",
    ]
    names = [f"{n}.any.test." for n in ("multi", "one", "big", "cn", "none")] + ["any.test."]
    return Zone(o, lines, names, ["ANY", "A", "TXT", "MX", "RRSIG", "NSEC"])


def xfr_zone():
    o = "xfr.test."
    lines = header(o) + [f"h{i} A 192.0.2.{i}" for i in range(1, 40)] + [
        "@ MX 10 h1",
        "txt TXT \"zone transfer test\"",
        "sub NS ns.sub",
        "ns.sub A 192.0.2.200",
    ]
    return Zone(o, lines, ["xfr.test.", "h1.xfr.test."])


def generated_zone(index, rng, names_count):
    """A zone of random names and record types: breadth for the common paths."""
    o = f"gen{index}.test."
    lines = header(o)
    names = []
    labels = ["www", "mail", "ftp", "api", "db", "cdn", "x", "node", "host", "svc"]
    for i in range(names_count):
        depth = rng.choice([1, 1, 1, 2, 2, 3])
        parts = [f"{rng.choice(labels)}{rng.randrange(1000)}" for _ in range(depth)]
        owner = ".".join(parts)
        kind = rng.randrange(12)
        if kind <= 3:
            for _ in range(rng.randint(1, 4)):
                lines.append(f"{owner} A 192.0.2.{rng.randrange(1, 255)}")
        elif kind == 4:
            lines.append(f"{owner} AAAA 2001:db8::{rng.randrange(1, 65535):x}")
        elif kind == 5:
            lines.append(f"{owner} MX {rng.randrange(100)} ns1")
            lines.append(f"{owner} MX {rng.randrange(100)} mail.example.net.")
        elif kind == 6:
            lines.append(f"{owner} TXT \"generated {i}\"")
        elif kind == 7 and names:
            target = rng.choice(names)
            if target.startswith(owner + ".") or target == f"{owner}.{o}":
                continue
            lines.append(f"{owner} CNAME {target}")
        elif kind == 8:
            lines.append(f"{owner} SRV 0 5 {rng.randrange(1, 65535)} ns2")
        elif kind == 9:
            lines.append(f"{owner} NS ns1.example.net.")
        elif kind == 10:
            lines.append(f"{owner} A 192.0.2.{rng.randrange(1, 255)}")
            lines.append(f"{owner} TXT \"both {i}\"")
        else:
            lines.append(f"*.{owner} A 192.0.2.{rng.randrange(1, 255)}")
        names.append(f"{owner}.{o}")
    # Drop names that conflict (CNAME beside other data, data below a cut) so all three load it.
    return _sanitise(o, lines, names)


def _sanitise(origin, lines, names):
    body = lines[:8]
    rrs = {}
    order = []
    for line in lines[8:]:
        owner, rest = line.split(" ", 1)
        rrs.setdefault(owner.lower(), []).append(line)
        if owner.lower() not in order:
            order.append(owner.lower())
    cuts = {o for o in order if any(" NS " in l for l in rrs[o])}
    kept = []
    for owner in order:
        types = {l.split(" ")[1] for l in rrs[owner]}
        if "CNAME" in types and len(types) > 1:
            continue
        if "CNAME" in types and len(rrs[owner]) > 1:
            rrs[owner] = rrs[owner][:1]
        labels = owner.split(".")
        if any(".".join(labels[i:]) in cuts for i in range(1, len(labels))):
            continue  # would be occluded; keep generated zones simple
        if owner.startswith("*.") and owner[2:] in cuts:
            continue
        kept.append(owner)
        body += rrs[owner]
    kept_set = set(kept)
    out_names = [n for n in names if n[: -len(origin) - 1].lower() in kept_set]
    for n in list(kept_set):
        if n.startswith("*."):
            out_names.append(f"rand.{n[2:]}.{origin}")
    return Zone(origin, body, sorted(set(out_names)))


def _signed_body(o):
    """One zone with every case a signed answer proves: wildcards (answer, NODATA, below an empty
    non-terminal), CNAME and DNAME chains, empty non-terminals, delegations with and without DS,
    glue."""
    lines = header(o) + [
        "www A 192.0.2.10",
        "www TXT \"hello\"",
        "www MX 10 mail",
        "mail A 192.0.2.25",
        "mail AAAA 2001:db8::25",
        "alias CNAME www",
        "alias-out CNAME www.example.net.",
        "alias-nx CNAME nowhere",
        "* TXT \"apex wildcard\"",
        "*.w A 192.0.2.99",
        "*.w MX 10 mail",
        "*.cn CNAME www",
        "a.b.c A 192.0.2.5",
        "d DNAME www",
        "secure NS ns.secure",
        "secure DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "ns.secure A 192.0.2.53",
        "insecure NS ns.insecure",
        "insecure NS ns.example.net.",
        "ns.insecure A 192.0.2.54",
        "x.y.deep-insecure NS ns1.example.net.",
    ]
    names = [f"{n}.{o}" for n in (
        "www", "mail", "alias", "alias-out", "alias-nx", "nothere", "a.nothere", "x.w", "y.z.w",
        "w", "*.w", "x.cn", "c", "b.c", "a.b.c", "z.b.c", "d", "x.d", "secure", "x.secure",
        "insecure", "x.insecure", "ns.insecure", "y.deep-insecure", "x.y.deep-insecure",
        "q.x.y.deep-insecure")] + [o]
    types = ["A", "AAAA", "MX", "TXT", "NS", "SOA", "CNAME", "DS", "DNSKEY", "RRSIG", "NSEC",
             "NSEC3PARAM", "ANY"]
    return lines, names, types


def signed_zones(workdir):
    """The same data signed with ldns-signzone three ways: NSEC, NSEC3, NSEC3 with opt-out (RFC
    4035, RFC 5155). Empty without ldnsutils."""
    import shutil
    import subprocess
    if not shutil.which("ldns-signzone") or not shutil.which("ldns-keygen"):
        return []
    out = []
    for variant, flags in (("nsec", []), ("nsec3", ["-n"]), ("optout", ["-n", "-p"])):
        o = f"signed-{variant}.test."
        lines, names, types = _signed_body(o)
        d = os.path.join(workdir, "keys", variant)
        os.makedirs(d, exist_ok=True)
        plain = os.path.join(d, "zone")
        with open(plain, "w") as f:
            f.write("\n".join(lines) + "\n")
        keys = [subprocess.run(["ldns-keygen", "-a", "ECDSAP256SHA256"] + k + [o], cwd=d,
                               check=True, capture_output=True, text=True).stdout.strip()
                for k in (["-k"], [])]
        subprocess.run(["ldns-signzone"] + flags + ["-f", plain + ".signed", plain] + keys,
                       cwd=d, check=True, capture_output=True)
        with open(plain + ".signed") as f:
            text = f.read()
        z = Zone(o, [], names, types)
        z.text = text
        z.signed = True
        out.append(z)
    return out


def all_zones(generated=4, names_per_generated=60, seed=14):
    rng = random.Random(seed)
    zones = [wild_zone(), cname_zone(), dname_zone(), deleg_zone(), ent_zone(), case_zone(),
             unknown_zone(), size_zone(), any_zone(), xfr_zone()]
    for i in range(generated):
        zones.append(generated_zone(i + 1, rng, names_per_generated))
    return zones
