"""Turns raw responses into comparable facts with dnspython, and says which facts differ.

Facts ("aspects"): rcode (extended included), opcode, flags (QR AA TC RD RA AD CD and Z), id,
question (as sent back, case and all), each section as a multiset of (owner, TTL, class, type,
rdata) — owners and names inside rdata compared without case (RFC 4343) — and the OPT record
(present, version, DO, payload size, option codes). A missing response is a fact of its own."""

import dns.edns
import dns.flags
import dns.message
import dns.rdataclass
import dns.rdatatype
import dns.rcode

ASPECTS = ("response", "rcode", "opcode", "flags", "id", "question", "answer", "authority",
           "additional", "opt")

_FLAG_BITS = (("qr", 0x8000), ("aa", 0x0400), ("tc", 0x0200), ("rd", 0x0100), ("ra", 0x0080),
              ("z", 0x0040), ("ad", 0x0020), ("cd", 0x0010))


def _record(rrset, rd):
    key = (rrset.name.to_text().lower(), rrset.ttl, rrset.rdclass, rrset.rdtype,
           rd.to_digestable(rrset.name).hex())
    text = (f"{rrset.name.to_text()} {rrset.ttl} {dns.rdataclass.to_text(rrset.rdclass)} "
            f"{dns.rdatatype.to_text(rrset.rdtype)} {rd.to_text()}")
    return key, text


def _section(rrsets):
    recs = []
    for rrset in rrsets:
        for rd in rrset:
            recs.append(_record(rrset, rd))
    recs.sort()
    return recs


def facts(responses, transfer=False):
    """A dict aspect -> comparable value, plus '_text' for display."""
    if not responses:
        return {"response": "none", "_text": ["(no response)"]}
    first = responses[0]
    f = {"response": "message", "_size": len(first)}
    if len(first) < 12:
        f["response"] = f"short message ({len(first)} octets)"
        return {**f, "_text": [f"(short message: {first.hex()})"]}
    word = (first[2] << 8) | first[3]
    f["opcode"] = (word >> 11) & 0xF
    f["flags"] = tuple(name for name, bit in _FLAG_BITS if word & bit)
    f["id"] = first[:2].hex()
    try:
        msgs = [dns.message.from_wire(r, ignore_trailing=True, one_rr_per_rrset=True,
                                      question_only=False) for r in responses]
    except Exception as e:  # noqa: BLE001 - any decoding failure is itself the fact
        f["response"] = f"undecodable ({type(e).__name__})"
        f["rcode"] = word & 0xF
        return {**f, "_text": [f"(undecodable: {e}; header {first[:12].hex()})"]}
    m = msgs[0]
    f["rcode"] = dns.rcode.to_text(m.rcode())
    f["question"] = tuple(f"{q.name.to_text()} {dns.rdataclass.to_text(q.rdclass)} "
                          f"{dns.rdatatype.to_text(q.rdtype)}" for q in m.question)
    shown = {}
    for sec in ("answer", "authority", "additional"):
        # A transfer is one answer spread over messages: their records together.
        recs = sorted(r for x in (msgs if transfer else msgs[:1])
                      for r in _section(getattr(x, sec)))
        f[sec] = [key for key, _ in recs]
        shown[sec] = [text for _, text in recs]
    if transfer and m.answer and m.answer[0].rdtype != dns.rdatatype.SOA:
        f["answer"].insert(0, ("first record not SOA",))
        shown["answer"].insert(0, "(the first record is not the SOA)")
    if m.edns < 0:
        f["opt"] = None
    else:
        f["opt"] = (m.edns, bool(m.ednsflags & dns.flags.DO), m.payload,
                    tuple(sorted(int(o.otype) for o in m.options)))
    text = [f"rcode {f['rcode']}  opcode {f['opcode']}  flags {' '.join(f['flags'])}  "
            f"id {f['id']}" + (f"  ({len(msgs)} messages)" if len(msgs) > 1 else "")]
    text.append("question: " + ("; ".join(f["question"]) or "(none)"))
    for sec in ("answer", "authority", "additional"):
        if shown[sec]:
            text.append(f"{sec}:")
            text += ["  " + t for t in shown[sec]]
    text.append("opt: " + ("none" if f["opt"] is None else
                           "version {} do {} payload {} options {}".format(*f["opt"])))
    f["_text"] = text
    return f


def differing(a, b):
    """The aspects on which two fact dicts differ."""
    return [k for k in ASPECTS if a.get(k) != b.get(k)]
