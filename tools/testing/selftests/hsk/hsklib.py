# SPDX-License-Identifier: GPL-2.0
"""Shared helpers of the hsk selftests (run inside the guest, as root).

Module load/unload, hsk0 configuration, counters (/proc/net/hsk/stats and
hsk0's link statistics), net.hsk.* knobs, crafted packets in and the
engine's replies out of hsk0, and the kernel log.

Packets are handed to hsk0 with an AF_PACKET socket: its transmit is the
engine's input, so the bytes reach the engine exactly as written (a raw IP
socket would fix up lengths and checksums). Replies are captured with an
AF_PACKET socket bound to hsk0: what the engine sends enters the host as
PACKET_HOST, what the host sends into hsk0 shows as PACKET_OUTGOING.
"""

import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import random
import re
import socket
import struct
import subprocess
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.packet import Raw  # noqa: E402

__all__ = ["ICMP", "IP", "TCP", "UDP", "IPv6", "Raw"]

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
RELEASE = os.uname().release
KO = os.path.join(REPO, "build", RELEASE, "hsk.ko")

DEV = "hsk0"
CHARDEV = "/dev/hsk"
SYSCTL_DIR = "/proc/sys/net/hsk"
PROC_DIR = "/proc/net/hsk"
STATS = PROC_DIR + "/stats"
HOST_ADDR = "10.77.0.1"
PREFIXLEN = 24
PEER = "10.77.0.2"  # any address behind hsk0 but the host's own

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_HOST = 0
PACKET_OUTGOING = 4

# The ABI of /proc/net/hsk/stats, in order (mod/stats.h).
STAT_NAMES = [
    "InSegs", "OutSegs", "OutRsts", "InErrs",
    "DropIpVersion", "DropIpHdr", "DropIpLen", "DropIpCsum", "DropIpFrag",
    "DropBadAddr", "DropNotTcp", "DropTcpHdr", "DropTcpCsum", "DropTcpOpt",
    "DropRstClosed", "DropNoMem",
]
DROP_NAMES = [n for n in STAT_NAMES if n.startswith("Drop")]
# The drops that count as malformed input (InErrs is their sum).
MALFORMED_NAMES = [n for n in DROP_NAMES if n not in ("DropRstClosed", "DropNoMem")]
LINK_NAMES = ["tx_packets", "tx_bytes", "tx_dropped", "rx_packets", "rx_bytes", "rx_dropped"]

# net.hsk.*: default, lowest, highest accepted (DESIGN.md section 3).
KNOBS = {
    "max_syn_backlog": (1024, 1, 1 << 24),
    "somaxconn": (4096, 0, 1 << 24),
    "abort_on_overflow": (0, 0, 1),
    "syncookies": (1, 0, 2),
    "synack_retries": (5, 0, 255),
    "syn_retries": (6, 1, 127),
    "fin_timeout": (60, 1, 600),
    "sack": (1, 0, 1),
    "window_scaling": (1, 0, 1),
    "timestamps": (1, 0, 1),
    "early_retrans": (3, 0, 4),
}

# A kernel splat in the log: the runner fails dmesg::clean on any of these.
SPLAT_RE = re.compile(
    r"WARNING:|BUG:|Oops|leak|lockdep|refcount_t|Call Trace|"
    r"general protection|unregister_netdevice: waiting|KASAN|UBSAN|"
    r"hung_task|blocked for more than")

VERBOSE = False


def log(*args):
    if VERBOSE:
        print("#   " + " ".join(str(a) for a in args), flush=True)


# --- processes ----------------------------------------------------------

def run(cmd, check=True, timeout=30, input=None):
    """Runs cmd (a list); returns the CompletedProcess. check: fail on rc != 0."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       input=input, stdin=None if input is not None else subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                   (p.stderr or p.stdout).strip()))
    return p


def hping3_flood(args, done, limit=300):
    """hping3 --flood with args until done() holds, polled every 50 ms.

    --flood sends as fast as hping3 can (some 30k segments/s in a TCG
    guest, seven times what -i u1 gives) and ignores -c, so the caller
    says when to stop, by counters. Fails if hping3 dies or done() does
    not hold within limit seconds."""
    p = subprocess.Popen(["hping3", "-q", "--flood"] + args, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    try:
        while not done():
            assert p.poll() is None, "hping3 %s exited with %s" % (args, p.returncode)
            assert time.monotonic() - t0 < limit, "flood unfinished after %d s" % limit
            time.sleep(0.05)
    finally:
        p.kill()
        p.wait()


# --- the module and hsk0 ------------------------------------------------

def module_loaded():
    return os.path.exists("/sys/module/hsk")


def module_refcnt():
    with open("/sys/module/hsk/refcnt") as f:
        return int(f.read())


def hsk_holders():
    """Who holds hsk open: "pid (comm) fd N -> target" for every fd of
    every process that points at /dev/hsk or an hsk anonymous inode."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
            for fd in os.listdir("/proc/%s/fd" % pid):
                try:
                    t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
                except OSError:
                    continue
                if t == CHARDEV or (t.startswith("anon_inode:") and "hsk" in t):
                    out.append("%s (%s) fd %s -> %s" % (pid, comm, fd, t))
        except OSError:
            continue
    return out


def insmod():
    run(["insmod", KO], timeout=60)


def rmmod(check=True):
    p = run(["rmmod", "hsk"], check=False, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("rmmod hsk: exit %d: %s; refcnt %s, held by %s" % (
            p.returncode, p.stderr.strip(),
            module_refcnt() if module_loaded() else "-", hsk_holders() or "no open file"))
    return p


def quiet_ipv6():
    """hsk0 is created with IPv6 off, so the host sends no router
    solicitations or MLD reports into it: the only traffic in hsk0 is the
    tests'. Must run before the module is loaded to take effect on hsk0."""
    for p in ("/proc/sys/net/ipv6/conf/default/disable_ipv6",
              "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % DEV):
        if os.path.exists(p):
            with open(p, "w") as f:
                f.write("1")


def link_up():
    with open("/sys/class/net/%s/flags" % DEV) as f:
        return bool(int(f.read(), 16) & 0x1)


def host_addr_configured():
    """hsk0 has 10.77.0.1/24 (its primary address, as SIOCGIFADDR sees it:
    no ip(8) process needed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        req = struct.pack("256s", DEV.encode())
        a = fcntl.ioctl(s, 0x8915, req)[20:24]  # SIOCGIFADDR
        m = fcntl.ioctl(s, 0x891B, req)[20:24]  # SIOCGIFNETMASK
    except OSError:
        return False
    finally:
        s.close()
    return (socket.inet_ntoa(a) == HOST_ADDR and
            m == struct.pack("!I", (0xFFFFFFFF << (32 - PREFIXLEN)) & 0xFFFFFFFF))


SIOCGIFFLAGS, SIOCSIFFLAGS = 0x8913, 0x8914
SIOCSIFADDR, SIOCSIFNETMASK = 0x8916, 0x891C
IFF_UP = 0x1


def configure_fast():
    """configure() by ioctl, as ifconfig does: no process to start, for
    the load/unload cycles."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        name = DEV.encode()
        flags = struct.unpack("H", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH14x", name, 0))[16:18])[0]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", name, flags | IFF_UP))

        def sin(a):
            return struct.pack("16sH2s4s8x", name, socket.AF_INET, b"\0\0", socket.inet_aton(a))
        fcntl.ioctl(s, SIOCSIFADDR, sin(HOST_ADDR))
        mask = socket.inet_ntoa(struct.pack("!I", (0xFFFFFFFF << (32 - PREFIXLEN)) & 0xFFFFFFFF))
        fcntl.ioctl(s, SIOCSIFNETMASK, sin(mask))
    finally:
        s.close()


def configure():
    """hsk0 up with the host's address, as the admin guide says (one ip
    process: this runs in every load/unload cycle)."""
    cmds = "link set %s up\n" % DEV
    if not host_addr_configured():
        cmds += "addr add %s/%d dev %s\n" % (HOST_ADDR, PREFIXLEN, DEV)
    run(["ip", "-batch", "-"], input=cmds)


def ensure_ready():
    """Module loaded, hsk0 up and addressed, IPv6 quiet on it."""
    quiet_ipv6()
    if not module_loaded():
        insmod()
    if not link_up() or not host_addr_configured():
        configure()


def load_fresh():
    """A known state: no stale module, fresh counters and knobs."""
    quiet_ipv6()
    if module_loaded():
        rmmod()
    insmod()
    configure()


# --- counters -----------------------------------------------------------

def stats():
    """/proc/net/hsk/stats as a dict, checking its format on the way."""
    out = {}
    with open(STATS) as f:
        for line in f:
            name, value = line.split()
            out[name] = int(value)
    return out


def link_stats():
    """hsk0's statistics (the same dev_get_stats() that ip -s shows)."""
    out = {}
    for n in LINK_NAMES:
        with open("/sys/class/net/%s/statistics/%s" % (DEV, n)) as f:
            out[n] = int(f.read())
    return out


def snapshot():
    s = stats()
    s.update(link_stats())
    return s


class Counters:
    """Deltas of every engine counter and hsk0 statistic since creation."""

    def __init__(self):
        self.base = snapshot()

    def delta(self):
        now = snapshot()
        return {k: now[k] - self.base.get(k, 0) for k in now}

    def expect(self, d=None, **want):
        """Asserts that exactly the counters named moved, by the amounts
        given, and nothing else did. d: a delta taken earlier."""
        if d is None:
            d = self.delta()
        unknown = set(want) - set(d)
        assert not unknown, "no such counter: %s" % sorted(unknown)
        wrong = ["%s %+d (want %+d)" % (k, d[k], want.get(k, 0))
                 for k in d if d[k] != want.get(k, 0)]
        assert not wrong, "counters: " + ", ".join(wrong)
        return d


def rst_counts(sent_len, n=1):
    """What n valid segments of sent_len bytes that each draw a RST move."""
    return dict(InSegs=n, OutSegs=n, OutRsts=n, tx_packets=n, tx_bytes=n * sent_len,
                rx_packets=n, rx_bytes=n * 40)


def drop_counts(name, sent_len):
    """What one malformed packet of sent_len bytes moves."""
    d = dict(InErrs=1, tx_packets=1, tx_bytes=sent_len, tx_dropped=1)
    d[name] = 1
    return d


# --- knobs --------------------------------------------------------------

def knob_path(name):
    return os.path.join(SYSCTL_DIR, name)


def get_knob(name):
    with open(knob_path(name)) as f:
        return int(f.read())


def set_knob(name, value):
    """One write(2) of the value; raises OSError as the kernel says."""
    fd = os.open(knob_path(name), os.O_WRONLY)
    try:
        os.write(fd, str(value).encode() if not isinstance(value, bytes) else value)
    finally:
        os.close(fd)


@contextlib.contextmanager
def knobs(**values):
    """Sets knobs for the body and restores every one it set."""
    saved = {n: get_knob(n) for n in values}
    try:
        for n, v in values.items():
            set_knob(n, v)
        yield
    finally:
        for n, v in saved.items():
            set_knob(n, v)


@contextlib.contextmanager
def saved_knobs(*names):
    """Restores the named knobs (all if none named) after the body."""
    names = names or tuple(KNOBS)
    saved = {n: get_knob(n) for n in names}
    try:
        yield
    finally:
        for n, v in saved.items():
            set_knob(n, v)


# ethtool -K's names for hsk0's offloads, and how ethtool -k shows them.
OFFLOADS = {"tso": "tcp-segmentation-offload", "rx-gro-hw": "rx-gro-hw"}


def offload(name):
    """Whether hsk0's offload (a key of OFFLOADS) is on."""
    out = run(["ethtool", "-k", DEV]).stdout
    m = re.search(r"^%s: (on|off)" % re.escape(OFFLOADS[name]), out, re.M)
    assert m, "ethtool -k %s shows no %s:\n%s" % (DEV, OFFLOADS[name], out)
    return m.group(1)


@contextlib.contextmanager
def offloads(**want):
    """hsk0's offloads set for the body (tso="off", rx_gro_hw="off"), as
    ethtool -K sets them, and restored after."""
    want = {k.replace("_", "-"): v for k, v in want.items()}
    saved = {k: offload(k) for k in want}
    try:
        for k, v in want.items():
            run(["ethtool", "-K", DEV, k, v])
            assert offload(k) == v, "ethtool -K %s %s %s did not take" % (DEV, k, v)
        yield
    finally:
        for k, v in saved.items():
            run(["ethtool", "-K", DEV, k, v])


# --- checksums and segments ---------------------------------------------

def inet_csum(data):
    """The Internet checksum (RFC 1071) of data."""
    data = bytes(data)
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_pseudo(src, dst, tcplen):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, tcplen)


def fix_ip_csum(buf):
    """Recomputes the IP header checksum of bytearray buf in place."""
    ihl = (buf[0] & 0xF) * 4
    buf[10:12] = b"\0\0"
    buf[10:12] = struct.pack("!H", inet_csum(buf[:ihl]))
    return buf


def fix_tcp_csum(buf, tcplen=None):
    """Recomputes the TCP checksum of bytearray buf in place, over tcplen
    bytes after the IP header (default: up to the IP total length)."""
    ihl = (buf[0] & 0xF) * 4
    if tcplen is None:
        tcplen = struct.unpack("!H", buf[2:4])[0] - ihl
    src = socket.inet_ntoa(bytes(buf[12:16]))
    dst = socket.inet_ntoa(bytes(buf[16:20]))
    buf[ihl + 16:ihl + 18] = b"\0\0"
    c = inet_csum(tcp_pseudo(src, dst, tcplen) + bytes(buf[ihl:ihl + tcplen]))
    buf[ihl + 16:ihl + 18] = struct.pack("!H", c)
    return buf


_ports = random.Random(os.getpid() ^ int(time.time()))
_next = [_ports.randrange(1024, 60000)]


def new_port():
    """A source port not used before in this run, so replies are told apart."""
    _next[0] = 1024 + (_next[0] - 1024 + 1) % 64000
    return _next[0]


def new_src():
    """A source address in 198.18.0.0/15: not local, so the guest's own TCP
    never answers the engine's replies to it."""
    n = _ports.randrange(1, 0x1FFFE)
    return "198.%d.%d.%d" % (18 + (n >> 16), (n >> 8) & 0xFF, n & 0xFF)


def seg(tf="S", seq=None, ack=0, payload=b"", sport=None, dport=80,
        src=None, dst=PEER, options=None, window=29200, ip_options=None, **ipkw):
    """A valid TCP/IPv4 segment as a scapy packet, TCP flags tf (checksums
    are filled in when it is turned into bytes); ip_options (scapy
    IPOption_*) and ipkw go to IP()."""
    if seq is None:
        seq = _ports.randrange(0, 1 << 32)
    t = TCP(sport=sport or new_port(), dport=dport, flags=tf, seq=seq, ack=ack,
            window=window, options=options or [])
    p = IP(src=src or new_src(), dst=dst, options=ip_options or [], **ipkw) / t
    if payload:
        p = p / Raw(payload)
    return p


def raw_tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", window=29200):
    """A valid TCP/IPv4 segment as bytes, built with struct alone: for bulk
    tests, where scapy is too slow in a TCG guest."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, window, 0, 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                               socket.inet_aton(src), socket.inet_aton(dst))) + tcp
    fix_ip_csum(ip)
    return bytes(fix_tcp_csum(ip))


class Parsed:
    """An IPv4/TCP packet taken apart with struct (independent of scapy)."""

    def __init__(self, raw):
        self.raw = bytes(raw)
        r = self.raw
        assert len(r) >= 20, "reply shorter than an IP header: %r" % r
        self.version = r[0] >> 4
        self.ihl = (r[0] & 0xF) * 4
        self.tos = r[1]
        self.tot_len, self.id, frag = struct.unpack("!HHH", r[2:8])
        self.df = bool(frag & 0x4000)
        self.mf = bool(frag & 0x2000)
        self.frag_off = frag & 0x1FFF
        self.ttl, self.proto = r[8], r[9]
        self.src = socket.inet_ntoa(r[12:16])
        self.dst = socket.inet_ntoa(r[16:20])
        self.ip_csum_ok = inet_csum(r[:self.ihl]) == 0
        self.tcp = None
        if self.proto == 6 and len(r) >= self.ihl + 20:
            t = r[self.ihl:]
            (self.sport, self.dport, self.seq, self.ack, off, self.flags,
             self.window, self.tcp_csum, self.urg) = struct.unpack("!HHIIBBHHH", t[:20])
            self.doff = (off >> 4) * 4
            tcplen = self.tot_len - self.ihl
            self.payload = t[self.doff:tcplen]
            self.tcp_csum_ok = inet_csum(tcp_pseudo(self.src, self.dst, tcplen) + t[:tcplen]) == 0
            self.tcp = True

    def __repr__(self):
        if not self.tcp:
            return "<IPv4 %s > %s proto %d len %d>" % (self.src, self.dst, self.proto, len(self.raw))
        return "<%s:%d > %s:%d %s seq %d ack %d win %d len %d>" % (
            self.src, self.sport, self.dst, self.dport, flag_str(self.flags), self.seq,
            self.ack, self.window, len(self.payload))


def flag_str(f):
    return "".join(c for c, b in zip("FSRPAUEC", range(8)) if f & (1 << b)) or "."


FLAGS = {c: 1 << b for c, b in zip("FSRPAUEC", range(8))}


def flag_bits(s):
    return sum(FLAGS[c] for c in s)


def check_rst(raw, probe, seq, ack, flags, scapy_too=True):
    """Asserts that raw is the engine's RST answering probe (a scapy
    IP/TCP packet): every header field as DESIGN/RFC 793 say. scapy_too:
    also recompute both checksums with scapy (slow in bulk)."""
    r = Parsed(raw)
    if isinstance(probe, Parsed):
        p_src, p_dst, p_sport, p_dport = probe.src, probe.dst, probe.sport, probe.dport
    else:
        p_src, p_dst, p_sport, p_dport = probe[IP].src, probe[IP].dst, probe[TCP].sport, probe[TCP].dport
    want_flags = flag_bits(flags)
    problems = []

    def chk(what, got, want):
        if got != want:
            problems.append("%s %r (want %r)" % (what, got, want))
    chk("IP version", r.version, 4)
    chk("IHL", r.ihl, 20)
    chk("total length", r.tot_len, 40)
    chk("captured length", len(r.raw), 40)
    chk("TTL", r.ttl, 64)
    chk("DF", r.df, True)
    chk("MF", r.mf, False)
    chk("fragment offset", r.frag_off, 0)
    chk("protocol", r.proto, 6)
    chk("src", r.src, p_dst)
    chk("dst", r.dst, p_src)
    chk("IP checksum valid", r.ip_csum_ok, True)
    if r.tcp:
        chk("sport", r.sport, p_dport)
        chk("dport", r.dport, p_sport)
        chk("seq", r.seq, seq & 0xFFFFFFFF)
        chk("ack", r.ack, ack & 0xFFFFFFFF)
        chk("flags", flag_str(r.flags), flag_str(want_flags))
        chk("window", r.window, 0)
        chk("data offset", r.doff, 20)
        chk("urgent pointer", r.urg, 0)
        chk("payload", r.payload, b"")
        chk("TCP checksum valid", r.tcp_csum_ok, True)
    if r.tcp and scapy_too:
        # scapy's opinion of the checksums, as a second oracle.
        s = IP(r.raw)
        s2 = s.copy()
        del s2[IP].chksum
        del s2[TCP].chksum
        s2 = IP(bytes(s2))
        chk("IP checksum vs scapy", s[IP].chksum, s2[IP].chksum)
        chk("TCP checksum vs scapy", s[TCP].chksum, s2[TCP].chksum)
    assert not problems, "RST %r: %s" % (r, "; ".join(problems))
    return r


def expected_reply(p):
    """RFC 793 for a closed port: None for a RST, else (seq, ack, flags).
    p: a scapy packet or a Parsed one."""
    if isinstance(p, Parsed):
        f, seq, ack, plen = p.flags, p.seq, p.ack, len(p.payload)
    else:
        t = p[TCP]
        f, seq, ack, plen = int(t.flags), t.seq, t.ack, len(bytes(t.payload))
    if f & FLAGS["R"]:
        return None
    if f & FLAGS["A"]:
        return (ack, 0, "R")
    n = plen + bool(f & FLAGS["S"]) + bool(f & FLAGS["F"])
    return (0, (seq + n) & 0xFFFFFFFF, "RA")


# --- hsk0: inject and capture -------------------------------------------

SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_VNET_HDR = 15
VNET_HDR = struct.Struct("<BBHHHH")  # flags, gso_type, hdr_len, gso_size, csum_start, csum_offset
VIRTIO_NET_HDR_GSO_TCPV4 = 1
VIRTIO_NET_HDR_GSO_ECN = 0x80


def gso_split(vnet, data):
    """The segments of a captured packet as they would be on a wire: a
    train (full segments that hsk0 hands up as one skb, see rx-gro-hw in
    Documentation/) cut as GSO cuts it: gso_size bytes of payload each,
    the headers copied, seq moved on, PSH and FIN on the last one only,
    the IPv4 ID counted up and both checksums summed. Anything else is
    returned as it came."""
    _, gso_type, _, gso_size, _, _ = VNET_HDR.unpack(vnet)
    if (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_TCPV4:
        return [data]
    ihl = (data[0] & 0xF) * 4
    h = ihl + (data[ihl + 12] >> 4) * 4
    payload = data[h:]
    seq, = struct.unpack("!I", data[ihl + 4:ihl + 8])
    ipid, = struct.unpack("!H", data[4:6])
    out = []
    for i, off in enumerate(range(0, len(payload), gso_size)):
        b = bytearray(data[:h] + payload[off:off + gso_size])
        struct.pack_into("!HH", b, 2, len(b), (ipid + i) & 0xFFFF)
        struct.pack_into("!I", b, ihl + 4, (seq + off) & 0xFFFFFFFF)
        if off + gso_size < len(payload):
            b[ihl + 13] &= ~0x09  # PSH, FIN
        out.append(bytes(fix_tcp_csum(fix_ip_csum(b))))
    return out


class Link:
    """Injects raw IPv4 bytes into hsk0's transmit (the engine's input)
    and captures what comes out of hsk0. Open it before sending."""

    def __init__(self, dev=DEV):
        self.dev = dev
        # Protocol 0 until bound: nothing from other devices gets queued.
        # SOCK_RAW, which a virtio header needs: hsk0 has no link header,
        # so it reads the same bytes as SOCK_DGRAM.
        self.cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        # Room for bursts of replies (SO_RCVBUFFORCE: root is not capped
        # by net.core.rmem_max).
        self.cap.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
        self.cap.bind((dev, ETH_P_ALL))
        # Each packet with its virtio header: a train's gso_size, to cut it.
        self.cap.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        self.pending = []  # (bytes, pkttype): the rest of a train cut up
        self.pending_time = 0.0  # when that train came (test_hskctl)
        self.trains = {}  # pkttype: how many came whole, cut up here
        self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
        self.marker_src = "198.19.255.254"
        self.sources = set()  # source addresses of what was sent, packed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.cap.close()
        self.tx.close()

    def send(self, data, proto=ETH_P_IP):
        data = bytes(data)
        if len(data) >= 20:  # where an IPv4 source would be, whatever it is
            self.sources.add(data[12:16])
        self.tx.sendto(data, (self.dev, proto))
        return len(data)

    def ours(self, data):
        """A reply to something this Link sent (addressed to one of the
        sources it used), not traffic of a connection some other test
        left in the engine."""
        return len(data) >= 20 and data[16:20] in self.sources

    def split(self, raw, pkttype):
        """The first segment of a captured raw packet (virtio header
        first); the rest of a train waits in pending for recv()."""
        segs = gso_split(raw[:VNET_HDR.size], raw[VNET_HDR.size:])
        if len(segs) > 1:
            self.trains[pkttype] = self.trains.get(pkttype, 0) + 1
        self.pending.extend((d, pkttype) for d in segs[1:])
        return segs[0]

    def recv(self, timeout, pkttype=PACKET_HOST):
        """The next packet of pkttype, or None after timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            while self.pending:
                data, t = self.pending.pop(0)
                if t == pkttype:
                    return data
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.cap.settimeout(left)
            try:
                raw, addr = self.cap.recvfrom(65536 + VNET_HDR.size)
            except socket.timeout:
                return None
            if addr[2] == pkttype:
                return self.split(raw, addr[2])

    def drain(self):
        """Every packet already queued, of any type: (bytes, pkttype)."""
        out, self.pending = self.pending, []
        self.cap.setblocking(False)
        try:
            while True:
                try:
                    raw, addr = self.cap.recvfrom(65536 + VNET_HDR.size)
                except BlockingIOError:
                    return out
                out.append((self.split(raw, addr[2]), addr[2]))
                out.extend(self.pending)
                self.pending = []
        finally:
            self.cap.setblocking(True)

    def drops(self):
        """Packets the capture socket itself dropped (its receive buffer
        full) since the last call: PACKET_STATISTICS, which it resets."""
        raw = self.cap.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        return struct.unpack("II", raw)[1]

    def sync(self, grace=0.2, timeout=5.0, want=0):
        """Sends a marker SYN and returns every engine reply to what this
        Link sent (see ours) captured before the marker's RST, plus those
        within grace seconds after it: so "nothing else came back" is known
        without a long sleep. Fails if the engine does not answer a marker
        within timeout seconds (it hung or died). A marker is resent each
        second: after a burst the host's backlog may still be full and drop
        the first one's RST. The counters, which tests check exactly, see
        everything the engine does, replies to others included.

        want: the replies the counters say the engine handed the host. A
        burst's replies sit in the backlogs of the CPUs the sender ran on,
        and the marker's may overtake those of a CPU that a busy host has
        not run for a while (seen: one of 1604 RSTs missed a 0.5 s grace
        on 6.12), so the wait goes on, up to timeout, until that many came.
        What comes then must still pass the test's own count."""
        ports = set()
        got = []
        deadline = time.monotonic() + timeout
        done = False
        while not done:
            now = time.monotonic()
            assert now < deadline, "the engine did not answer a valid SYN within %ss" % timeout
            sport = new_port()
            ports.add(sport)
            self.send(seg("S", sport=sport, dport=9, src=self.marker_src))
            end = min(deadline, now + 1.0)
            while not done:
                data = self.recv(max(0.0, end - time.monotonic()))
                if data is None:
                    break
                r = Parsed(data)
                if r.dst == self.marker_src:
                    done = r.tcp and r.dport in ports
                    continue
                if self.ours(data):
                    got.append(data)
        end = time.monotonic() + grace
        while True:
            left = end - time.monotonic()
            if len(got) < want:
                left = max(left, deadline - time.monotonic())
            data = self.recv(max(0.0, left))
            if data is None:
                return got
            if Parsed(data).dst != self.marker_src and self.ours(data):
                got.append(data)

    def exchange(self, pkt, counters=None, timeout=2.0):
        """Sends pkt (scapy packet or bytes); returns (replies, delta): every
        packet the engine sent back before the marker (see sync), and the
        counter delta taken right after the send (the engine counts
        synchronously in hsk0's transmit, so the marker is not in it)."""
        self.send(pkt)
        d = counters.delta() if counters else None
        return self.sync(), d


def only_reply(replies, probe):
    """Asserts exactly one reply, addressed back to probe; returns it."""
    assert len(replies) == 1, "want 1 reply to %s, got %d: %s" % (
        probe.summary(), len(replies), [Parsed(r) for r in replies])
    return replies[0]


def no_reply(replies):
    assert not replies, "want no reply, got %s" % [Parsed(r) for r in replies]


# --- the kernel log -----------------------------------------------------

class Kmsg:
    """Reads the kernel log from the moment of creation on."""

    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)

    def lines(self):
        out = []
        while True:
            try:
                rec = os.read(self.fd, 16384)
            except BlockingIOError:
                return out
            except BrokenPipeError:  # overwritten records: go on
                continue
            text = rec.decode("utf-8", "replace")
            head, _, msg = text.partition(";")
            out.append(msg.split("\n")[0])

    def splats(self):
        return [l for l in self.lines() if SPLAT_RE.search(l)]

    def close(self):
        os.close(self.fd)


# --- memory -------------------------------------------------------------

def slab_bytes(pred):
    """Bytes in active objects of the slab caches whose name passes pred."""
    total = 0
    with open("/proc/slabinfo") as f:
        for line in f:
            if line.startswith(("slabinfo", "#")):
                continue
            v = line.split()
            if pred(v[0]):
                total += int(v[1]) * int(v[3])
    return total


def slab_objs(name):
    with open("/proc/slabinfo") as f:
        for line in f:
            v = line.split()
            if v and v[0] == name:
                return int(v[1])
    return 0


def mem_available_kb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    raise AssertionError("no MemAvailable in /proc/meminfo")


# --- syscalls python lacks ----------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
SYS_delete_module = 176  # x86_64


SYS_finit_module = 313  # x86_64


def delete_module(name, flags=os.O_NONBLOCK):
    """delete_module(2) itself (rmmod looks at refcnt before asking the
    kernel). Returns 0 or the errno."""
    r = _libc.syscall(SYS_delete_module, ctypes.c_char_p(name.encode()), ctypes.c_uint(flags))
    return 0 if r == 0 else ctypes.get_errno()


def finit_module(path=KO):
    """finit_module(2), what insmod does, without a process. 0 or errno."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        r = _libc.syscall(SYS_finit_module, ctypes.c_int(fd), ctypes.c_char_p(b""), ctypes.c_int(0))
        return 0 if r == 0 else ctypes.get_errno()
    finally:
        os.close(fd)


def ioctl(fd, cmd, arg):
    """ioctl(2) with a raw unsigned long argument (fcntl.ioctl takes only a
    C int or a buffer). Returns 0 (or the positive result) or -errno."""
    r = _libc.ioctl(ctypes.c_int(fd), ctypes.c_ulong(cmd), ctypes.c_ulong(arg))
    return r if r >= 0 else -ctypes.get_errno()


def wait_for(pred, timeout, what, step=0.02):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(step)


def errname(e):
    return errno.errorcode.get(e, str(e))


def assert_refused(port=80, addr=PEER):
    """A Linux client's connect() to a port nobody listens on is refused at
    once: the engine is there and answers with RST."""
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect((addr, port))
        raise AssertionError("connect to %s:%d succeeded" % (addr, port))
    except ConnectionRefusedError:
        pass
    finally:
        s.close()


def linux_pair():
    """A connected pair on Linux's own TCP over loopback: the oracle.
    Returns (server socket, client socket)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname(), timeout=5)
    s, _ = ls.accept()
    ls.close()
    return s, c


def mmap_anon(size, prot):
    """An anonymous private mapping of size bytes with prot (PROT_*): its
    address, for ioctls and reads that need memory of a given kind."""
    mmap = _libc.mmap
    mmap.restype = ctypes.c_void_p
    mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                     ctypes.c_int, ctypes.c_long]
    _libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    addr = mmap(None, size, prot, 0x22, -1, 0)  # MAP_PRIVATE | MAP_ANONYMOUS
    assert addr not in (None, ctypes.c_void_p(-1).value), "mmap failed"
    return addr


def munmap(addr, size):
    assert _libc.munmap(addr, size) == 0, "munmap failed"
