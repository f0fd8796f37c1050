"""Starts the three servers under comparison on loopback, each on its own 127.0.0.x address and
port, single-threaded, with its own config, database and pid files in a temporary directory, and
stops them by PID. No system service is used or touched."""

import os
import shutil
import signal
import socket
import subprocess
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode


def find_program(name, extra_dirs=("/usr/sbin", "/usr/local/sbin")):
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


def free_port(address):
    """A port free for UDP and TCP on `address` right now (the server started next binds it)."""
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((address, 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind((address, port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port on " + address)


class Server:
    """One running server: label, address, port, and the process to stop."""

    def __init__(self, label, address, workdir):
        self.label = label
        self.address = address
        self.port = free_port(address)
        self.dir = os.path.join(workdir, label)
        os.makedirs(self.dir, exist_ok=True)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")

    def start(self, argv, zones):
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.wait_ready(zones)

    def wait_ready(self, zones, timeout=30.0):
        """Every zone answers its SOA with AA over UDP, or the start failed."""
        deadline = time.monotonic() + timeout
        pending = [origin for origin, _ in zones]
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            q = dns.message.make_query(pending[0], "SOA")
            q.flags &= ~dns.flags.RD
            try:
                r = dns.query.udp(q, self.address, port=self.port, timeout=0.2)
                if r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA:
                    pending.pop(0)
                    continue
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.label}: zone {pending[0]} not served after "
                                   f"{timeout:.0f} s:\n" + self.log_tail())
            time.sleep(0.05)

    def log_tail(self, lines=25):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        """Stops the server; returns its exit status (None if it never started)."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        # NSD forks helpers (xfrd) into the session started above: end that group, ours alone.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        return self.proc.returncode


# The server identity the three are given (CH TXT id.server, NSID).
IDENTITY = "differential.test"


def start_ours(binary, workdir, zones, address="127.0.0.71"):
    s = Server("nameserver", address, workdir)
    argv = [binary, "--listen", f"{address}:{s.port}", "--threads", "1",
            "--allow-transfer", "127.0.0.0/8", "--edns-udp-size", "1232",
            "--identity", IDENTITY]
    for origin, path in zones:
        argv += ["--zone", f"{origin}={path}"]
    s.start(argv, zones)
    return s


def start_nsd(binary, workdir, zones, address="127.0.0.72"):
    s = Server("nsd", address, workdir)
    d = s.dir
    lines = [
        "server:",
        "    server-count: 1",
        f"    ip-address: {address}",
        f"    port: {s.port}",
        "    do-ip6: no",
        '    username: ""',
        '    chroot: ""',
        f'    zonesdir: "{d}"',
        '    database: ""',
        f'    zonelistfile: "{d}/zone.list"',
        f'    xfrdfile: "{d}/xfrd.state"',
        f'    xfrdir: "{d}"',
        f'    pidfile: "{d}/nsd.pid"',
        f'    logfile: "{d}/nsd.log"',
        "    verbosity: 1",
        "    ipv4-edns-size: 1232",
        # The same identity everywhere: CH TXT id.server and NSID (RFC 5001) compare equal.
        f'    identity: "{IDENTITY}"',
        f'    nsid: "ascii_{IDENTITY}"',
        # Debian's NSD has response rate limiting on by default; the suite's burst would trip it.
        "    rrl-ratelimit: 0",
        "    rrl-whitelist-ratelimit: 0",
        "remote-control:",
        "    control-enable: no",
    ]
    for origin, path in zones:
        lines += ["zone:", f'    name: "{origin}"', f'    zonefile: "{path}"',
                  "    provide-xfr: 127.0.0.0/8 NOKEY"]
    conf = os.path.join(d, "nsd.conf")
    with open(conf, "w") as f:
        f.write("\n".join(lines) + "\n")
    s.start([binary, "-d", "-c", conf], zones)
    return s


def start_knot(binary, workdir, zones, address="127.0.0.73"):
    s = Server("knot", address, workdir)
    d = s.dir
    os.makedirs(os.path.join(d, "db"), exist_ok=True)
    lines = [
        "server:",
        f'    rundir: "{d}"',
        f'    pidfile: "{d}/knot.pid"',
        f"    listen: {address}@{s.port}",
        "    udp-workers: 1",
        "    tcp-workers: 1",
        "    background-workers: 1",
        "    udp-max-payload: 1232",
        f'    identity: "{IDENTITY}"',
        f'    nsid: "{IDENTITY}"',
        "database:",
        f'    storage: "{d}/db"',
        "control:",
        f'    listen: "{d}/knot.sock"',
        "log:",
        "  - target: stderr",
        "    any: warning",
        "acl:",
        "  - id: local_transfer",
        "    address: 127.0.0.0/8",
        "    action: transfer",
        "template:",
        "  - id: default",
        f'    storage: "{d}"',
        "    zonefile-sync: -1",
        "    zonefile-load: whole",
        "    journal-content: none",
        "    acl: local_transfer",
        "zone:",
    ]
    for origin, path in zones:
        lines += [f'  - domain: "{origin}"', f'    file: "{path}"']
    conf = os.path.join(d, "knot.conf")
    with open(conf, "w") as f:
        f.write("\n".join(lines) + "\n")
    s.start([binary, "-c", conf], zones)
    return s
