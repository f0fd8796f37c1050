"""The queries: built with dnspython where the message is well formed, by hand where it is not.
Each has a stable id (category/transport/what) that the allowlist can name."""

import random
import struct

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from zones import SERIAL


class Query:
    def __init__(self, category, transport, what, wire, transfer=False):
        self.category = category
        self.transport = transport
        self.id = f"{category}/{transport}/{what}"
        self.wire = wire
        self.transfer = transfer


def _message(qname, qtype, rng, qclass="IN", edns=0, payload=1232, do=False, options=None,
             rd=False):
    m = dns.message.make_query(qname, qtype, qclass, use_edns=edns if edns is not None else False,
                               payload=payload, want_dnssec=do, options=options)
    if edns is None:
        m.use_edns(False)
    if not rd:
        m.flags &= ~dns.flags.RD
    m.id = rng.randrange(65536)
    return m


def _wire(qname, qtype, rng, **kw):
    return _message(qname, qtype, rng, **kw).to_wire()


def _mixed_case(name, rng):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def zone_queries(zone, rng, both_transports=True):
    out = []
    cat = zone.origin.split(".")[0].lower()
    cat = cat if not cat.startswith("gen") else "generated"
    for name in zone.probe_names:
        for qtype in zone.probe_types:
            what = f"{name}/{qtype}"
            out.append(Query(cat, "udp", what, _wire(name, qtype, rng)))
            if both_transports:
                out.append(Query(cat, "tcp", what, _wire(name, qtype, rng, edns=None)))
    return out


def signed_queries(zone, rng):
    """A signed zone: each probe with DO over UDP (1232 and 4096 octets) and TCP, and without DO
    (RFC 4035 section 3.1: no DNSSEC records unless asked for by type)."""
    out = []
    cat = zone.origin.split(".")[0].lower()
    for name in zone.probe_names:
        for qtype in zone.probe_types:
            what = f"{name}/{qtype}"
            out.append(Query(cat, "udp", what + "/do", _wire(name, qtype, rng, do=True)))
            out.append(Query(cat, "udp", what + "/do4096",
                             _wire(name, qtype, rng, do=True, payload=4096)))
            out.append(Query(cat, "tcp", what + "/do", _wire(name, qtype, rng, do=True)))
            out.append(Query(cat, "udp", what, _wire(name, qtype, rng)))
    return out


def case_queries(zones, rng):
    """0x20: the same names in random case; the question must come back as sent."""
    out = []
    for z in zones:
        for name in z.probe_names[:6]:
            for qtype in ("A", "TXT", "MX", "NS"):
                mixed = _mixed_case(name, rng)
                out.append(Query("case", "udp", f"{mixed}/{qtype}", _wire(mixed, qtype, rng)))
    return out


def size_queries(zone, rng):
    out = []
    for name in zone.probe_names:
        if not name.startswith("t"):
            for payload in (None, 512, 1232, 4096):
                tag = "noedns" if payload is None else f"edns{payload}"
                w = _wire(name, "ANY" if name.startswith("bigns") else "MX", rng,
                          edns=None if payload is None else 0, payload=payload or 512)
                out.append(Query("size", "udp", f"{name}/MX/{tag}", w))
                w = _wire(name, "NS", rng, edns=None if payload is None else 0,
                          payload=payload or 512)
                out.append(Query("size", "udp", f"{name}/NS/{tag}", w))
            out.append(Query("size", "tcp", f"{name}/MX", _wire(name, "MX", rng)))
            out.append(Query("size", "tcp", f"{name}/NS", _wire(name, "NS", rng)))
            continue
        n = int(name[1:].split(".")[0])
        if n < 1000:
            out.append(Query("size", "udp", f"{name}/TXT/noedns", _wire(name, "TXT", rng,
                                                                       edns=None)))
            out.append(Query("size", "udp", f"{name}/TXT/edns512",
                             _wire(name, "TXT", rng, payload=512)))
        else:
            out.append(Query("size", "udp", f"{name}/TXT/edns1232", _wire(name, "TXT", rng)))
            out.append(Query("size", "udp", f"{name}/TXT/edns{n}",
                             _wire(name, "TXT", rng, payload=n)))
        out.append(Query("size", "tcp", f"{name}/TXT", _wire(name, "TXT", rng, edns=None)))
    return out


def class_queries(rng):
    out = []
    names = ["host.wild.test.", "wild.test.", "nothere.wild.test.", "version.bind.",
             "id.server.", "hostname.bind.", "version.server."]
    for name in names:
        for qclass in ("IN", "CH", "HS", "ANY", "NONE", "CLASS42"):
            for qtype in ("A", "TXT", "SOA"):
                out.append(Query("class", "udp", f"{name}/{qclass}/{qtype}",
                                 _wire(name, qtype, rng, qclass=qclass)))
    return out


def _set_header(wire, opcode=None, flags_or=0, flags_and=0xFFFF, counts=None):
    b = bytearray(wire)
    word = (b[2] << 8) | b[3]
    if opcode is not None:
        word = (word & ~0x7800) | (opcode << 11)
    word = (word | flags_or) & flags_and
    b[2], b[3] = word >> 8, word & 0xFF
    if counts is not None:
        b[4:12] = struct.pack("!HHHH", *counts)
    return bytes(b)


def opcode_queries(rng):
    out = []
    for opcode in range(16):
        for transport in ("udp", "tcp"):
            for name, qtype in (("wild.test.", "SOA"), ("unserved.test.", "SOA")):
                w = _set_header(_wire(name, qtype, rng), opcode=opcode)
                out.append(Query("opcode", transport, f"{opcode}/{name}/{qtype}", w))
    # NOTIFY as a primary would send it: AA set, the SOA in the answer section.
    m = _message("wild.test.", "SOA", rng, edns=None)
    m.set_opcode(dns.opcode.NOTIFY)
    m.flags |= dns.flags.AA
    m.answer.append(dns.rrset.from_text("wild.test.", 3600, "IN", "SOA",
                                        f"ns1.wild.test. hostmaster.wild.test. {SERIAL} 1 1 1 1"))
    out.append(Query("opcode", "udp", "notify-with-soa", m.to_wire()))
    return out


def header_queries(rng):
    """Header bits and counts a query should not have, or may have."""
    out = []
    base = lambda: _wire("host.wild.test.", "A", rng)  # noqa: E731
    cases = {
        "rd": dict(flags_or=0x0100), "tc": dict(flags_or=0x0200), "aa": dict(flags_or=0x0400),
        "ra": dict(flags_or=0x0080), "z": dict(flags_or=0x0040), "ad": dict(flags_or=0x0020),
        "cd": dict(flags_or=0x0010), "rcode5": dict(flags_or=0x0005),
        "all-bits": dict(flags_or=0x07F5),
    }
    for what, kw in cases.items():
        for transport in ("udp", "tcp"):
            out.append(Query("header", transport, what, _set_header(base(), **kw)))
    # QDCOUNT 0 and 2.
    w = _wire("host.wild.test.", "A", rng, edns=None)
    hdr, question = w[:12], w[12:]
    out.append(Query("qdcount", "udp", "0", _set_header(hdr, counts=(0, 0, 0, 0))))
    out.append(Query("qdcount", "udp", "0-with-bytes", _set_header(w, counts=(0, 0, 0, 0))))
    out.append(Query("qdcount", "udp", "2-same", _set_header(w + question, counts=(2, 0, 0, 0))))
    q2 = _wire("wild.test.", "SOA", rng, edns=None)[12:]
    out.append(Query("qdcount", "udp", "2-different", _set_header(w + q2, counts=(2, 0, 0, 0))))
    out.append(Query("qdcount", "tcp", "2-different", _set_header(w + q2, counts=(2, 0, 0, 0))))
    out.append(Query("qdcount", "udp", "2-claimed-1-present", _set_header(w, counts=(2, 0, 0, 0))))
    return out


def edns_queries(rng):
    out = []
    name = "host.wild.test."
    for version in (0, 1, 2, 255):
        for do in (False, True):
            m = _message(name, "A", rng, edns=version, do=do)
            out.append(Query("edns", "udp", f"version{version}/do{int(do)}", m.to_wire()))
            out.append(Query("edns", "tcp", f"version{version}/do{int(do)}", m.to_wire()))
    for payload in (0, 1, 511, 512, 513, 1231, 1232, 1233, 4096, 65535):
        out.append(Query("edns", "udp", f"payload{payload}",
                         _wire(name, "A", rng, payload=payload)))
        out.append(Query("edns", "udp", f"payload{payload}/big",
                         _wire("t1250.size.test.", "TXT", rng, payload=payload)))
    options = {
        "nsid": [dns.edns.GenericOption(3, b"")],
        "cookie-client": [dns.edns.GenericOption(10, bytes(range(8)))],
        "cookie-bad-length": [dns.edns.GenericOption(10, bytes(range(5)))],
        "ecs": [dns.edns.GenericOption(8, bytes.fromhex("000118007f0000"))],
        "padding": [dns.edns.GenericOption(12, bytes(16))],
        "tcp-keepalive": [dns.edns.GenericOption(11, b"")],
        "unknown-65001": [dns.edns.GenericOption(65001, b"hello")],
        "two-unknown": [dns.edns.GenericOption(65001, b"a"), dns.edns.GenericOption(65002, b"")],
        "ede": [dns.edns.GenericOption(15, b"\x00\x00")],
    }
    for what, opts in options.items():
        for transport in ("udp", "tcp"):
            out.append(Query("edns", transport, f"option-{what}",
                             _wire(name, "A", rng, options=opts)))
    # NSID (RFC 5001) beside other outcomes: a name we do not serve (REFUSED, with Extended DNS
    # Error 20), a name that does not exist, and next to DO and another option.
    nsid = dns.edns.GenericOption(3, b"")
    for what, qname, opts, do in (
            ("nsid-refused", "www.unserved.test.", [nsid], False),
            ("nsid-nxdomain", "nothere.deleg.test.", [nsid], False),
            ("nsid-do-padding", name, [nsid, dns.edns.GenericOption(12, bytes(8))], True)):
        for transport in ("udp", "tcp"):
            out.append(Query("edns", transport, f"option-{what}",
                             _wire(qname, "A", rng, do=do, options=opts)))
    # OPT flags other than DO (must be ignored, RFC 6891 section 6.1.4).
    m = _message(name, "A", rng)
    w = bytearray(m.to_wire())
    w[-5] |= 0x7F  # the low byte of the flags: Z bits
    out.append(Query("edns", "udp", "z-flags", bytes(w)))
    return out


def _raw_question(name, qtype, qclass=1):
    return dns.name.from_text(name).to_wire() + struct.pack("!HH", qtype, qclass)


def malformed_queries(rng):
    out = []

    def hdr(qd=1, an=0, ns=0, ar=0, word=0x0000):
        return struct.pack("!HHHHHH", rng.randrange(65536), word, qd, an, ns, ar)

    q = _raw_question("host.wild.test.", 1)
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 0)
    cases = {
        "empty": b"",
        "short-header": hdr()[:7],
        "header-only": hdr(),
        "question-cut-in-name": hdr() + q[:5],
        "question-cut-in-type": hdr() + q[:-3],
        "label-type-01": hdr() + b"\x45abc\x00" + struct.pack("!HH", 1, 1),
        "label-type-10": hdr() + b"\x85abc\x00" + struct.pack("!HH", 1, 1),
        "pointer-in-qname": hdr() + b"\x04host\xc0\x0c" + struct.pack("!HH", 1, 1),
        "pointer-loop": hdr() + b"\xc0\x0c" + struct.pack("!HH", 1, 1),
        "name-too-long": hdr() + (b"\x3f" + b"a" * 63) * 4 + b"\x00" + struct.pack("!HH", 1, 1),
        "name-255": hdr() + (b"\x3f" + b"a" * 63) * 3 + b"\x3d" + b"a" * 61 + b"\x00"
        + struct.pack("!HH", 1, 1),
        "trailing-garbage": hdr() + q + b"\xde\xad\xbe\xef",
        "arcount-no-record": hdr(ar=1) + q,
        "opt-cut": hdr(ar=1) + q + opt[:6],
        "two-opt": hdr(ar=2) + q + opt + opt,
        "opt-in-answer": hdr(an=1) + q + opt,
        "opt-in-authority": hdr(ns=1) + q + opt,
        "opt-non-root-owner": hdr(ar=1) + q + b"\x01a\x00" + opt[1:],
        "opt-bad-option-length": hdr(ar=1) + q + b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 4)
        + struct.pack("!HH", 10, 8),
        "answer-record-in-query": hdr(an=1) + q + b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4)
        + bytes(4),
        "response-bit": hdr(word=0x8000) + q,
        "qtype-0": hdr() + _raw_question("host.wild.test.", 0),
        "qtype-opt": hdr() + _raw_question("host.wild.test.", 41),
        "qtype-tsig": hdr() + _raw_question("host.wild.test.", 250),
        "qtype-tkey": hdr() + _raw_question("host.wild.test.", 249),
        "qtype-maila": hdr() + _raw_question("host.wild.test.", 254),
        "qtype-mailb": hdr() + _raw_question("host.wild.test.", 253),
        "qtype-rrsig": hdr() + _raw_question("host.wild.test.", 46),
        "qtype-65535": hdr() + _raw_question("host.wild.test.", 65535),
        "qclass-0": hdr() + _raw_question("host.wild.test.", 1, 0),
        "root-name": hdr() + _raw_question(".", 2),
        "big-udp-4097": hdr(ar=1) + q + b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 4097 - 11 - 12
                                                              - len(q) - 4)
        + struct.pack("!HH", 65001, 4097 - 11 - 12 - len(q) - 4 - 4)
        + bytes(4097 - 11 - 12 - len(q) - 4 - 4),
        "big-udp-8000": hdr(ar=1) + q + b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 8000 - 27
                                                              - len(q))
        + struct.pack("!HH", 65001, 8000 - 31 - len(q)) + bytes(8000 - 31 - len(q)),
    }
    for what, wire in cases.items():
        transports = ("udp",) if what in ("empty",) else ("udp", "tcp")
        if what.startswith("big-udp"):
            transports = ("udp", "tcp")
        for transport in transports:
            if transport == "tcp" and what in ("short-header",):
                continue
            out.append(Query("malformed", transport, what, wire))
    return out


def xfr_queries(zones, rng):
    out = []
    served = [z.origin for z in zones]
    for origin in served:
        out.append(Query("xfr", "tcp", f"{origin}/AXFR", _wire(origin, "AXFR", rng, edns=None),
                         transfer=True))
    for origin in ("unserved.test.", "h1.xfr.test.", "sub.xfr.test."):
        out.append(Query("xfr", "tcp", f"{origin}/AXFR", _wire(origin, "AXFR", rng, edns=None),
                         transfer=True))
        out.append(Query("xfr", "udp", f"{origin}/AXFR", _wire(origin, "AXFR", rng, edns=None)))
    out.append(Query("xfr", "udp", "xfr.test./AXFR", _wire("xfr.test.", "AXFR", rng, edns=None)))
    for origin in ("xfr.test.", "wild.test.", "unserved.test.", "h1.xfr.test."):
        for label, serial in (("older", SERIAL - 1), ("equal", SERIAL), ("newer", SERIAL + 1),
                              ("wrapped-newer", (SERIAL + 2**31 - 1) % 2**32)):
            m = _message(origin, "IXFR", rng, edns=None)
            m.authority.append(dns.rrset.from_text(
                origin, 3600, "IN", "SOA", f"ns1.{origin} hostmaster.{origin} {serial} 1 1 1 1"))
            for transport in ("tcp", "udp"):
                out.append(Query("xfr", transport, f"{origin}/IXFR/{label}", m.to_wire(),
                                 transfer=transport == "tcp"))
        m = _message(origin, "IXFR", rng, edns=None)
        for transport in ("tcp", "udp"):
            out.append(Query("xfr", transport, f"{origin}/IXFR/no-soa", m.to_wire(),
                             transfer=transport == "tcp"))
    return out


def all_queries(zones, long_form=False, seed=14):
    rng = random.Random(seed)
    out = []
    for z in zones:
        if z.origin == "size.test.":
            out += size_queries(z, rng)
        elif getattr(z, "signed", False):
            out += signed_queries(z, rng)
        else:
            out += zone_queries(z, rng)
    out += case_queries(zones, rng)
    out += class_queries(rng)
    out += opcode_queries(rng)
    out += header_queries(rng)
    out += edns_queries(rng)
    out += malformed_queries(rng)
    out += xfr_queries(zones, rng)
    if long_form:
        # The long form: every zone probe again with DO set and in random case, over UDP.
        for z in zones:
            for name in z.probe_names:
                for qtype in z.probe_types:
                    mixed = _mixed_case(name, rng)
                    out.append(Query("long", "udp", f"{mixed}/{qtype}/do",
                                     _wire(mixed, qtype, rng, do=True, payload=4096)))
    seen = set()
    for q in out:
        base, n = q.id, 2
        while q.id in seen:
            q.id = f"{base}#{n}"
            n += 1
        seen.add(q.id)
    return out
