"""Sends one query's bytes to a server over UDP or TCP and collects the raw responses. Zone
transfers read messages until the closing SOA. Nothing here decodes beyond what the transfer
loop needs; compare.py does that with dnspython, an implementation independent of ours."""

import socket
import struct
import time

UDP_TIMEOUT = 1.0
TCP_TIMEOUT = 3.0


def udp(wire, address, port, timeout=UDP_TIMEOUT):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(wire, (address, port))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            s.settimeout(left)
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                return []
            # Only an answer to this query (same ID) counts; a short one is still reported.
            if len(data) < 2 or len(wire) < 2 or data[:2] == wire[:2]:
                return [data]
    finally:
        s.close()


def _read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _soa_count(msg):
    """How many SOA records the answer section holds, read with dnspython (None: unreadable)."""
    import dns.message
    import dns.rdatatype
    try:
        m = dns.message.from_wire(msg, ignore_trailing=True, one_rr_per_rrset=True)
    except Exception:  # noqa: BLE001
        return None, 0, -1
    soas = sum(len(r) for r in m.answer if r.rdtype == dns.rdatatype.SOA)
    return soas, sum(len(r) for r in m.answer), m.rcode()


def tcp(wire, address, port, transfer=False, timeout=TCP_TIMEOUT):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    out = []
    try:
        s.settimeout(timeout)
        s.connect((address, port))
        s.sendall(struct.pack("!H", len(wire)) + wire)
        soas = 0
        while True:
            try:
                head = _read_exact(s, 2)
                if head is None:
                    break
                msg = _read_exact(s, struct.unpack("!H", head)[0])
            except (socket.timeout, ConnectionError):
                break
            if msg is None:
                break
            out.append(msg)
            if not transfer:
                break
            n, total, rcode = _soa_count(msg)
            if n is None or rcode != 0 or total == 0:
                break
            soas += n
            # One SOA alone in the first message: an up-to-date IXFR answer (RFC 1995 section 2).
            if len(out) == 1 and total == 1 and n == 1:
                break
            if soas >= 2 or len(out) > 2000:
                break
    except (socket.timeout, ConnectionError, OSError):
        pass
    finally:
        s.close()
    return out
