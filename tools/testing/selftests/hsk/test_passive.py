# SPDX-License-Identifier: GPL-2.0
"""The passive open (DESIGN §4, §6): LISTEN and ACCEPT on /dev/hsk, the
SYN path and the third-ACK path, the accept queue and abort_on_overflow,
SYN-ACK retransmission, and the ioctls' answers to bad input. Real Linux
clients where a user would have them; scapy-built segments from non-local
sources where the test needs exact control of each segment."""

import ctypes
import errno
import fcntl
import os
import random
import select
import signal
import socket
import subprocess
import threading
import time

from hsklib import (IP, PACKET_HOST, PACKET_OUTGOING, PEER, REPO, TCP, Counters,
                    Link, Parsed, flag_str, hping3_flood, knobs, module_refcnt,
                    new_port, new_src, run, seg)
import hskdev
import hsklib

SERVER = os.path.join(REPO, "build", "bin", "hsk-server")
_built = []


def server_bin():
    if not _built:
        run(["make", "-s", "-C", REPO, "tools"], timeout=120)
        _built.append(True)
    return SERVER


def tcp_opts(raw):
    """The TCP options of a captured packet, as scapy names them."""
    return dict((k, v) for k, v in IP(raw)[TCP].options if k != "NOP" and k != "EOL")


class Wire:
    """Capture on hsk0 that hands each scapy client its own replies."""

    def __init__(self):
        self.link = Link()
        self.pending = []

    def close(self):
        self.link.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def replies(self, dst, dport, timeout, first=False):
        """Engine segments to dst:dport that arrive within timeout s; with
        first, stop 0.15 s after the first one (so a SYN-ACK resent a
        second later is not mistaken for a second answer)."""
        out = []
        keep = []
        for raw, t in self.pending:
            p = Parsed(raw)
            (out if (p.dst, p.dport) == (dst, dport) else keep).append((raw, t))
        self.pending = keep
        deadline = time.monotonic() + timeout
        if out and first:
            deadline = time.monotonic() + 0.15
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return out
            raw = self.link.recv(left)
            if raw is None:
                return out
            p = Parsed(raw)
            if p.tcp and (p.dst, p.dport) == (dst, dport):
                out.append((raw, time.monotonic()))
                if first:
                    deadline = min(deadline, time.monotonic() + 0.15)
            else:
                self.pending.append((raw, time.monotonic()))


class Client:
    """A TCP client built segment by segment from a non-local address."""

    OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (100000, 0)),
            ("NOP", None), ("WScale", 7)]

    def __init__(self, wire, port, options=None):
        self.wire = wire
        self.port = port
        self.src = new_src()
        self.sport = new_port()
        self.isn = random.randrange(1 << 32)
        self.options = self.OPTS if options is None else options
        self.iss = None

    def send(self, flags, seq, ack=0, payload=b"", options=None, window=29200,
             ip_options=None):
        self.wire.link.send(seg(flags, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF,
                                payload=payload, sport=self.sport, dport=self.port,
                                src=self.src, options=options or [], window=window,
                                ip_options=ip_options))

    def replies(self, timeout=0.5, first=False):
        return [Parsed(r) for r, _ in self.wire.replies(self.src, self.sport, timeout,
                                                         first)]

    def one(self, timeout=0.8):
        got = self.replies(timeout, first=True)
        assert len(got) == 1, "want one reply, got %s" % got
        return got[0]

    def syn(self):
        self.send("S", self.isn, options=self.options)

    def synack(self):
        self.syn()
        r = self.one()
        assert flag_str(r.flags) == "SA", "want SYN-ACK, got %r" % r
        assert r.ack == (self.isn + 1) & 0xFFFFFFFF, r
        self.iss = r.seq
        return r

    def ts_opt(self, val=100010):
        return [("NOP", None), ("NOP", None), ("Timestamp", (val, 0))] \
            if any(k == "Timestamp" for k, _ in self.options) else []

    def ack(self, payload=b"", seq_off=1, ack=None):
        self.send("A" if not payload else "PA", self.isn + seq_off,
                  (self.iss + 1) if ack is None else ack, payload=payload,
                  options=self.ts_opt())


def connect_timeout(port, timeout, addr=PEER):
    """A Linux client's connect(); True if it completed within timeout."""
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        return s
    except (socket.timeout, TimeoutError):
        s.close()
        return None


# --- real clients --------------------------------------------------------

def test_200_linux_clients_accepted_with_exact_handshakes():
    port = 8000
    c = Counters()
    srv = subprocess.Popen([server_bin(), "-p", str(port), "-b", "256", "-n", "200",
                            "--hold"],
                           stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().startswith("listening"), "server did not listen"
        with Link() as link:
            socks = [socket.create_connection((PEER, port), timeout=5) for _ in range(200)]
            out, _ = srv.communicate(timeout=60)
            time.sleep(0.3)
            pkts = link.drain()
        ports = sorted(s.getsockname()[1] for s in socks)
        for s in socks:
            s.close()
    finally:
        srv.kill()
        srv.wait()
    accepted = [l for l in out.splitlines() if l.startswith("accepted")]
    assert len(accepted) == 200, "server accepted %d of 200" % len(accepted)
    got = sorted(int(l.split()[1].rsplit(":", 1)[1]) for l in accepted)
    assert got == ports, "accepted peers are not the 200 clients"

    syns, synacks, acks = {}, {}, {}
    for raw, t in pkts:
        p = Parsed(raw)
        if not p.tcp:
            continue
        f = flag_str(p.flags)
        if t == PACKET_OUTGOING and p.dport == port:
            if f == "S":
                syns.setdefault(p.sport, (p, raw))
            elif f == "A" and p.sport not in acks:
                acks[p.sport] = p
        elif t == PACKET_HOST and p.sport == port and f == "SA":
            synacks.setdefault(p.dport, (p, raw))
    isses = set()
    for cp in ports:
        assert cp in syns and cp in synacks and cp in acks, "handshake of %d not seen" % cp
        syn, sraw = syns[cp]
        sa, araw = synacks[cp]
        ack = acks[cp]
        so, ao = tcp_opts(sraw), tcp_opts(araw)
        assert (sa.src, sa.dst) == (syn.dst, syn.src), sa
        assert sa.ack == (syn.seq + 1) & 0xFFFFFFFF, (syn, sa)
        assert sa.window == 65535, sa
        assert sa.ip_csum_ok and sa.tcp_csum_ok, sa
        assert ao.get("MSS") == 1460, ao
        assert ao.get("WScale") == 7 and "WScale" in so, ao
        assert ao["Timestamp"][1] == so["Timestamp"][0], (so, ao)
        # SACK permitted exactly when the client offered it (Linux does).
        assert "SAckOK" in so, "the Linux client offered no SACK: %s" % so
        assert "SAckOK" in ao, "SACK offered by the client, not by hsk: %s" % ao
        # Linux's layout: MSS, SACK_PERM folded in front of TS, NOP WS.
        assert bytes(araw[sa.ihl + 20:sa.ihl + sa.doff]).hex()[:16] == \
            "020405b40402080a", "SYN-ACK option layout: %s" % araw[sa.ihl + 20:sa.ihl + sa.doff]
        assert ack.seq == (syn.seq + 1) & 0xFFFFFFFF and \
            ack.ack == (sa.seq + 1) & 0xFFFFFFFF, (syn, sa, ack)
        isses.add(sa.seq)
    assert len(isses) == 200, "ISNs repeat: %d distinct of 200" % len(isses)
    d = c.delta()
    assert d["PassiveOpens"] == 200, d["PassiveOpens"]
    assert d["ListenOverflows"] == 0 and d["ListenDrops"] == 0, d


def synack_opts_hex(r):
    """A SYN-ACK's option bytes as hex, the TS values masked as "T"."""
    o = bytearray(r.raw[r.ihl + 20:r.ihl + r.doff])
    i = o.find(b"\x08\x0a")
    h = o.hex()
    if i >= 0:
        h = h[:2 * i + 4] + "T" * 16 + h[2 * i + 20:]
    return h


def test_synack_offers_what_the_client_and_the_knobs_allow():
    # Byte for byte as Linux's tcp_options_write: SACK_PERM takes the NOP
    # NOP in front of TS, or comes as NOP NOP SACK_PERM without TS; a
    # feature whose net.hsk knob is off is not offered.
    full = Client.OPTS
    cases = [
        ({}, full, "020405b4" "0402080a" + "T" * 16 + "01030307"),
        ({}, [("MSS", 1460), ("SAckOK", b"")], "020405b4" "01010402"),
        ({}, [("MSS", 1460), ("NOP", None), ("WScale", 2)], "020405b4" "01030307"),
        ({}, [("MSS", 1460), ("NOP", None), ("NOP", None), ("Timestamp", (1, 0))],
         "020405b4" "0101080a" + "T" * 16),
        ({"sack": 0}, full, "020405b4" "0101080a" + "T" * 16 + "01030307"),
        ({"window_scaling": 0}, full, "020405b4" "0402080a" + "T" * 16),
        ({"timestamps": 0}, full, "020405b4" "01010402" "01030307"),
        ({"sack": 0, "window_scaling": 0, "timestamps": 0}, full, "020405b4"),
    ]
    for kn, opts, want in cases:
        with knobs(**kn), hskdev.Listener(8030), Wire() as w:
            r = Client(w, 8030, options=opts).synack()
            got = synack_opts_hex(r)
            assert got == want, "knobs %s, client %s: SYN-ACK options %s, want %s" % (
                kn, opts, got, want)


def test_never_accepting_backlog_4_holds_5_then_overflows():
    port = 8001
    with hskdev.Listener(port, backlog=4) as ls:
        c = Counters()
        socks = [connect_timeout(port, 3) for _ in range(5)]
        assert all(socks), "B + 1 = 5 clients must complete: %s" % socks
        assert ls.readable(), "listener not readable with a full accept queue"
        late = connect_timeout(port, 2.5)
        assert late is None, "a 6th client completed into a full accept queue"
        d = c.delta()
        assert d["PassiveOpens"] == 5, d["PassiveOpens"]
        assert d["ListenOverflows"] >= 1, "ListenOverflows did not move"
        assert d["ListenDrops"] >= d["ListenOverflows"], d
        conns = ls.accept_all()
        assert len(conns) == 5, "accepted %d, want 5" % len(conns)
        # Oldest first: in the order the clients connected (one by one).
        assert [p[1] for _, p, _ in conns] == [s.getsockname()[1] for s in socks], \
            "accept order %s, connect order %s" % ([p[1] for _, p, _ in conns],
                                                   [s.getsockname()[1] for s in socks])
        for fd, _, local in conns:
            assert local == (PEER, port), local
            os.close(fd)
        for s in socks:
            s.close()


def test_backlog_clamping():
    # 0 holds 1; negative means somaxconn; above somaxconn is somaxconn;
    # somaxconn is read at each SYN, so lowering it applies at once.
    for backlog, somaxconn, holds in ((0, 4096, 1), (-1, 2, 3), (50, 2, 3)):
        with knobs(somaxconn=somaxconn), hskdev.Listener(8002, backlog=backlog):
            socks = [connect_timeout(8002, 3) for _ in range(holds)]
            assert all(socks), "backlog %d somaxconn %d: want %d" % (backlog, somaxconn, holds)
            assert connect_timeout(8002, 1.5) is None, \
                "backlog %d somaxconn %d held more than %d" % (backlog, somaxconn, holds)
            for s in socks:
                s.close()
    with hskdev.Listener(8002, backlog=10):
        with knobs(somaxconn=0):
            assert connect_timeout(8002, 3), "somaxconn 0 holds 1"
            assert connect_timeout(8002, 1.5) is None, "somaxconn change not applied"


def test_accept_blocks_wakes_and_poll():
    with hskdev.Listener(8003) as ls:
        assert not ls.readable(0.2), "empty listener polls readable"
        late = []
        th = threading.Timer(0.5, lambda: late.append(connect_timeout(8003, 3)))
        th.start()
        t = time.monotonic()
        fd, peer, local = ls.accept()
        assert 0.3 < time.monotonic() - t < 5, "accept did not block until the client came"
        assert peer[0] == "10.77.0.1" and local == (PEER, 8003), (peer, local)
        th.join()
        assert late and late[0] and peer == late[0].getsockname(), (late, peer)
        flags = fcntl.fcntl(fd, fcntl.F_GETFD)
        assert flags & fcntl.FD_CLOEXEC, "HSK_ACCEPT_CLOEXEC not applied"
        os.close(fd)
        late[0].close()
        s = connect_timeout(8003, 3)
        assert ls.readable(1), "listener not readable with a connection queued"
        fd, _, _ = ls.accept(hskdev.ACCEPT_NONBLOCK)
        assert os.get_blocking(fd) is False, "HSK_ACCEPT_NONBLOCK not applied"
        assert not fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
        info = hskdev.info(fd)
        assert info["state"] == hskdev.ESTABLISHED, info
        assert info["peer"] == s.getsockname() and info["local"] == (PEER, 8003), info
        assert info["mss"] == 1460 and info["snd_wscale"] == 7 and info["rcv_wscale"] == 7, info
        os.close(fd)
        s.close()


def test_accept_interrupted_by_signal_gives_eintr():
    with hskdev.Listener(8004) as ls:
        old = signal.signal(signal.SIGALRM, lambda *a: None)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            try:
                ls.accept()
                raise AssertionError("accept returned on an empty queue")
            except InterruptedError:
                pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def test_nonblocking_accept_eagain():
    with hskdev.Listener(8005, nonblock=True) as ls:
        try:
            ls.accept()
            raise AssertionError("accept on an empty O_NONBLOCK listener")
        except BlockingIOError:
            pass
    with hskdev.Listener(8005) as ls:
        try:
            ls.accept(hskdev.ACCEPT_DONTWAIT)
            raise AssertionError("accept with HSK_ACCEPT_DONTWAIT on an empty queue")
        except BlockingIOError:
            pass


def test_specific_address_beats_wildcard():
    with hskdev.Listener(8006) as any_, hskdev.Listener(8006, addr=PEER) as one:
        s1 = connect_timeout(8006, 3, addr=PEER)
        s2 = connect_timeout(8006, 3, addr="10.77.0.3")
        assert s1 and s2
        a = one.accept_all()
        b = any_.accept_all()
        assert [l for _, _, l in a] == [(PEER, 8006)], a
        assert [l for _, _, l in b] == [("10.77.0.3", 8006)], b
        for fd, _, _ in a + b:
            os.close(fd)
        s1.close()
        s2.close()


def test_closing_listener_resets_half_open_and_unaccepted():
    ls = hskdev.Listener(8007)
    with Wire() as w:
        s = connect_timeout(8007, 3)
        cl = Client(w, 8007)
        cl.synack()
        ls.close()
        rst = cl.one()
        assert flag_str(rst.flags) == "RA" and rst.seq == (cl.iss + 1) & 0xFFFFFFFF and \
            rst.ack == (cl.isn + 1) & 0xFFFFFFFF, rst
    s.settimeout(3)
    try:
        s.recv(1)
        raise AssertionError("an unaccepted connection survived its listener")
    except ConnectionResetError:
        pass
    s.close()


# --- crafted clients: the third-ACK rules on the wire -------------------------

def test_third_ack_with_data_is_delivered():
    with hskdev.Listener(8010) as ls, Wire() as w:
        cl = Client(w, 8010)
        cl.synack()
        cl.ack(payload=b"hello, hsk")
        ack = cl.one()
        assert flag_str(ack.flags) == "A" and ack.ack == (cl.isn + 11) & 0xFFFFFFFF, ack
        fd, peer, _ = ls.accept()
        assert peer == (cl.src, cl.sport), peer
        assert os.read(fd, 100) == b"hello, hsk"
        os.close(fd)


def test_third_ack_rules():
    with hskdev.Listener(8011) as ls, Wire() as w:
        cl = Client(w, 8011)
        cl.synack()
        c = Counters()
        # A wrong ACK number: RST with seq = that ack; the entry stays.
        cl.send("A", cl.isn + 1, cl.iss + 77)
        r = cl.one()
        assert flag_str(r.flags) == "R" and r.seq == (cl.iss + 77) & 0xFFFFFFFF, r
        # Out of window: a bare ACK back.
        cl.send("A", cl.isn + 1 + 200000, cl.iss + 1)
        r = cl.one()
        assert flag_str(r.flags) == "A" and r.seq == (cl.iss + 1) & 0xFFFFFFFF and \
            r.ack == (cl.isn + 1) & 0xFFFFFFFF, r
        # The retransmitted SYN: the same SYN-ACK again.
        cl.syn()
        r = cl.one()
        assert flag_str(r.flags) == "SA" and r.seq == cl.iss, r
        # No ACK bit: dropped.
        cl.send("P", cl.isn + 1, 0, payload=b"x")
        assert not cl.replies(0.3)
        # Still half-open: the right ACK completes it.
        cl.ack()
        assert not cl.replies(0.3)
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        assert peer == (cl.src, cl.sport)
        os.close(fd)
        d = c.delta()
        assert d["TCPSynRetrans"] == 1 and d["PassiveOpens"] == 1, d
        assert d["EmbryonicRsts"] == 0, d


def test_syn_copies_rate_limited_and_stale_rst_dropped():
    """Copies of a SYN draw one SYN-ACK per 500 ms, as Linux's
    tcp_oow_rate_limited [TCPACKSkippedSynRecv]; a RST older than the SYN by
    its TSval fails PAWS [PAWSEstab] and leaves the entry (tcp_paws_reject)."""
    with hskdev.Listener(8019) as ls, Wire() as w:
        cl = Client(w, 8019)
        cl.synack()
        c = Counters()
        for _ in range(3):
            cl.syn()
        got = cl.replies(0.3)
        assert [flag_str(r.flags) for r in got] == ["SA"], got
        assert got[0].seq == cl.iss, got
        time.sleep(0.3)
        cl.syn()
        assert flag_str(cl.one().flags) == "SA"
        cl.send("R", cl.isn + 1,
                options=[("NOP", None), ("NOP", None), ("Timestamp", (99999, 0))])
        assert not cl.replies(0.3), "a stale RST was answered"
        d = c.delta()
        assert d["TCPACKSkippedSynRecv"] == 2 and d["PAWSEstab"] == 1, d
        assert d["TCPSynRetrans"] >= 2 and d["EmbryonicRsts"] == 0, d
        # Still half-open: the right ACK completes it.
        cl.ack()
        assert not cl.replies(0.3)
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        os.close(fd)
        assert peer == (cl.src, cl.sport)


def test_out_of_window_acks_rate_limited():
    """Pure segments outside the window in SYN_RECV draw one ACK per
    interval of the entry's timer (Linux: one per 500 ms, the design's
    choice) [TCPACKSkippedSynRecv]; one with data is answered every time,
    and the timer's resend opens the next interval."""
    with hskdev.Listener(8018) as ls, Wire() as w:
        cl = Client(w, 8018)
        cl.synack()
        c = Counters()
        oow = cl.isn + 1 + 200000
        for _ in range(3):
            cl.send("A", oow, cl.iss + 1)
        got = cl.replies(0.3)
        assert [flag_str(r.flags) for r in got] == ["A"], got
        assert got[0].seq == (cl.iss + 1) & 0xFFFFFFFF and \
            got[0].ack == (cl.isn + 1) & 0xFFFFFFFF, got[0]
        assert c.delta()["TCPACKSkippedSynRecv"] == 2
        # The SYN-ACK resent 1 s after the SYN opens the next interval
        # (2 s): data is answered, then one pure segment of two.
        assert flag_str(cl.one(timeout=1.5).flags) == "SA"
        cl.send("PA", oow, cl.iss + 1, payload=b"x")
        cl.send("A", oow, cl.iss + 1)
        cl.send("A", oow, cl.iss + 1)
        assert [flag_str(r.flags) for r in cl.replies(0.3)] == ["A", "A"]
        d = c.delta()
        assert d["TCPACKSkippedSynRecv"] == 3 and d["TCPSynRetrans"] == 1, d
        cl.ack()
        assert not cl.replies(0.3)
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        os.close(fd)
        assert peer == (cl.src, cl.sport)


def test_established_answers_unacceptable_segments_once_per_500ms():
    """A connection answers pure segments it cannot accept, and RSTs that
    draw a challenge ACK, once per 500 ms between them (Linux's
    tcp_oow_rate_limited) [TCPACKSkippedSeq, TCPACKSkippedChallenge];
    a segment with data is answered every time."""
    with hskdev.Listener(8024) as ls, Wire() as w:
        cl = Client(w, 8024)
        cl.synack()
        cl.ack()
        assert not cl.replies(0.3)
        c = Counters()
        old = cl.isn + 1 - 100000
        for _ in range(3):
            cl.send("A", old, cl.iss + 1, options=cl.ts_opt(100020))
        got = cl.replies(0.3)
        assert [flag_str(r.flags) for r in got] == ["A"], got
        assert got[0].ack == (cl.isn + 1) & 0xFFFFFFFF, got[0]
        cl.send("PA", old, cl.iss + 1, payload=b"x", options=cl.ts_opt(100021))
        assert [flag_str(r.flags) for r in cl.replies(0.3)] == ["A"]
        time.sleep(0.5)
        cl.send("R", cl.isn + 1 + 1000)
        cl.send("R", cl.isn + 1 + 1000)
        assert [flag_str(r.flags) for r in cl.replies(0.3)] == ["A"]
        d = c.delta()
        assert d["TCPACKSkippedSeq"] == 2 and d["TCPACKSkippedChallenge"] == 1 and \
            d["TCPChallengeACK"] == 1 and d["EstabResets"] == 0, d
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        os.close(fd)
        assert peer == (cl.src, cl.sport)


def test_embryonic_reset_by_rst_and_by_syn():
    with hskdev.Listener(8012), Wire() as w:
        c = Counters()
        cl = Client(w, 8012)
        cl.synack()
        cl.send("R", cl.isn + 1)
        assert not cl.replies(0.3), "a RST was answered"
        cl2 = Client(w, 8012)
        cl2.synack()
        cl2.send("S", cl2.isn + 5)
        r = cl2.one()
        assert "R" in flag_str(r.flags), r
        d = c.delta()
        assert d["EmbryonicRsts"] == 2, d
        # Both entries are gone: an ACK now meets the listener, a bad cookie.
        cl.ack()
        assert flag_str(cl.one().flags) == "R"


def overflow_setup(w, port):
    """Accept queue of a backlog-0 listener full (1 held); a second client
    half-open; returns it."""
    a, b = Client(w, port), Client(w, port)
    a.synack()
    b.synack()
    a.ack()
    assert not a.replies(0.2)
    return b


def test_abort_on_overflow_1_resets():
    with knobs(abort_on_overflow=1), hskdev.Listener(8013, backlog=0) as ls, Wire() as w:
        b = overflow_setup(w, 8013)
        c = Counters()
        b.ack()
        r = b.one()
        assert flag_str(r.flags) == "R" and r.seq == (b.iss + 1) & 0xFFFFFFFF, r
        d = c.delta()
        assert d["ListenOverflows"] == 1 and d["EmbryonicRsts"] == 1, d
        held = ls.accept_all()
        for fd, _, _ in held:
            os.close(fd)
        assert len(held) == 1


def test_abort_on_overflow_0_keeps_entry_until_accepting():
    with knobs(abort_on_overflow=0), hskdev.Listener(8014, backlog=0) as ls, Wire() as w:
        b = overflow_setup(w, 8014)
        c = Counters()
        b.ack()
        got = b.replies(2.0)
        # No RST; the SYN-ACK retransmission asks the client to ACK again.
        assert got and all(flag_str(r.flags) == "SA" and r.seq == b.iss for r in got), got
        assert c.delta()["ListenOverflows"] == 1
        first = ls.accept_all()
        assert len(first) == 1
        b.ack()
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        assert peer == (b.src, b.sport), peer
        for f in [fd] + [f for f, _, _ in first]:
            os.close(f)


def test_synack_retransmission_schedule_and_expiry():
    with knobs(synack_retries=3, syncookies=0), hskdev.Listener(8015), Wire() as w:
        c = Counters()
        cl = Client(w, 8015)
        t0 = time.monotonic()
        cl.syn()
        got = w.replies(cl.src, cl.sport, 17.0)
        times = [t - t0 for _, t in got]
        assert len(got) == 4, "want SYN-ACK + 3 resends, got %d at %s" % (len(got), times)
        for (raw, _), want in zip(got, (0, 1, 3, 7)):
            assert flag_str(Parsed(raw).flags) == "SA"
        for t, want in zip(times, (0, 1, 3, 7)):
            assert want - 0.05 <= t <= want + 0.7, "SYN-ACKs at %s, want 0, 1, 3, 7" % times
        d = c.delta()
        # TCPTimeouts also counts other connections' RTOs, as in Linux.
        assert d["TCPSynRetrans"] == 3 and d["TCPTimeouts"] >= 4, d
        # The entry is gone: its third ACK meets the listener and a RST.
        cl.iss = Parsed(got[0][0]).seq
        cl.ack()
        assert flag_str(cl.one().flags) == "R"


def synq():
    with open("/proc/net/hsk/synq") as f:
        return dict((l.split()[0], int(l.split()[1])) for l in f)


def wait_for(cond, secs, what):
    end = time.monotonic() + secs
    while not cond():
        assert time.monotonic() < end, what
        time.sleep(0.1)


def test_half_open_table_kept_between_bursts_then_shrinks():
    """The half-open table's hysteresis (design.rst): entries that expire
    within 10 s of the last insert that found the table above 30 % load
    leave it its size, for the next burst; a removal after that lets it
    shrink to its 256 buckets."""
    with knobs(synack_retries=0, syncookies=0, max_syn_backlog=1 << 16), \
            hskdev.Listener(8017):
        hping3_flood(["-S", "--rand-source", "-p", "8017", PEER],
                     lambda: synq()["entries"] >= 3000)
        t_burst = time.monotonic()
        grown = synq()
        assert grown["buckets"] >= 4096, grown
        # synack_retries=0: each entry dies at its first timeout, 1 s.
        wait_for(lambda: synq()["entries"] == 0, 8, "entries left: %s" % synq())
        time.sleep(0.5)     # the library's resize worker would run by now
        kept = synq()
        assert time.monotonic() - t_burst < 9.5, "too slow to test the delay"
        assert kept["buckets"] == grown["buckets"], \
            "the table shrank %.1f s after the burst: %s then %s" % (
                time.monotonic() - t_burst, grown, kept)
        time.sleep(max(0, t_burst + 10.5 - time.monotonic()))
        # One entry later: the local client's TCP resets it at once.
        run(["hping3", "-q", "-c", "1", "-S", "-p", "8017", PEER], check=False, timeout=10)
        wait_for(lambda: synq()["buckets"] == 256, 5,
                 "not shrunk after the delay: %s" % synq())
test_half_open_table_kept_between_bursts_then_shrinks.slow = True


def test_syn_queue_full_drops_17th_without_cookies():
    with knobs(syncookies=0, max_syn_backlog=16), hskdev.Listener(8016) as ls, Wire() as w:
        c = Counters()
        clients = [Client(w, 8016) for _ in range(17)]
        for cl in clients[:16]:
            cl.synack()
        clients[16].syn()
        assert not clients[16].replies(0.5), "the 17th SYN was answered"
        d = c.delta()
        assert d["TCPReqQFullDrop"] == 1 and d["ListenDrops"] == 1, d
        ls.close()
        for cl in clients[:16]:
            got = [flag_str(r.flags) for r in cl.replies(0.3)]
            assert "RA" in got, "close did not reset a half-open entry: %s" % got


# --- ioctls: bad input -----------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)


def raw_ioctl(fd, req, ptr):
    """ioctl(2) with a raw pointer argument, unmapped or not."""
    if _libc.ioctl(fd, ctypes.c_ulong(req), ctypes.c_void_p(ptr)) < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def expect_errno(e, fn, *args):
    try:
        fn(*args)
    except OSError as x:
        assert x.errno == e, "want %s, got %s" % (errno.errorcode[e], errno.errorcode.get(x.errno))
        return
    raise AssertionError("want %s, got success" % errno.errorcode[e])


def test_accept_without_a_free_fd_keeps_the_connection():
    # As accept(2), the fd is taken before the connection: with none left
    # (EMFILE) the connection stays queued, unharmed, for the next call,
    # which works once an fd is free; the client saw nothing.
    import resource
    with hskdev.Listener(8125) as ls:
        s = connect_timeout(8125, 5)
        assert s, "no connection"
        assert ls.readable(5)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        fill = []
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE,
                               (max(int(f) for f in os.listdir("/proc/self/fd")) + 1, hard))
            while True:
                try:
                    fill.append(os.open("/dev/null", os.O_RDONLY))
                except OSError as e:
                    assert e.errno == errno.EMFILE, e
                    break
            for flags in (hskdev.ACCEPT_DONTWAIT, 0):
                expect_errno(errno.EMFILE, ls.accept, flags)
            assert ls.readable(0), "the connection left the queue"
        finally:
            for f in fill:
                os.close(f)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        try:
            assert peer[1] == s.getsockname()[1], peer
            s.sendall(b"still here")
            got = b""
            while len(got) < 10:
                got += os.read(fd, 10 - len(got))
            assert got == b"still here"
            os.write(fd, b"ok")
            assert s.recv(2) == b"ok"
        finally:
            os.close(fd)
            s.close()


def test_accept_into_read_only_memory_closes_the_connection():
    # The struct is readable but not writable: the connection left the
    # queue and its fd cannot be returned, so it is closed (FIN, not RST)
    # and ACCEPT fails with EFAULT, as accept(2) closes the new socket when
    # it cannot write the peer's address.
    ro = hsklib.mmap_anon(4096, 0x1)  # PROT_READ
    try:
        with hskdev.Listener(8126) as ls:
            s = connect_timeout(8126, 5)
            assert s, "no connection"
            assert ls.readable(5)
            expect_errno(errno.EFAULT, raw_ioctl, ls.fd, hskdev.IOC_ACCEPT, ro)
            assert not ls.readable(0), "the connection is still queued"
            s.settimeout(5)
            assert s.recv(10) == b"", "want the server's FIN"
            s.close()
    finally:
        hsklib.munmap(ro, 4096)


def test_ioctl_bad_input():
    base = module_refcnt()
    fd = os.open("/dev/hsk", os.O_RDWR)
    try:
        expect_errno(errno.EFAULT, raw_ioctl, fd, hskdev.IOC_LISTEN, 0)
        expect_errno(errno.EFAULT, raw_ioctl, fd, hskdev.IOC_LISTEN, 0xdead0000)
        expect_errno(errno.ENOTTY, fcntl.ioctl, fd, hskdev._ioc(0, 99, 0), 0)
        expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_ACCEPT, bytearray(40))
        expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_LISTEN,
                     hskdev.listen_arg("0.0.0.0", 8020, 5, family=socket.AF_INET6))
        expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_LISTEN,
                     hskdev.listen_arg("0.0.0.0", 0, 5))
        expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_LISTEN,
                     hskdev.listen_arg("0.0.0.0", 8020, 5, flags=1))
        # Addresses the input path drops, so no segment could reach the
        # listener: multicast, limited broadcast, loopback, 0/8, and hsk0's
        # subnet broadcast (10.77.0.1/24).
        for bad in ("224.0.0.1", "255.255.255.255", "127.0.0.1", "0.1.2.3", "10.77.0.255"):
            expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_LISTEN,
                         hskdev.listen_arg(bad, 8020, 5))
        fcntl.ioctl(fd, hskdev.IOC_LISTEN, hskdev.listen_arg("0.0.0.0", 8020, 5))
        expect_errno(errno.EISCONN, fcntl.ioctl, fd, hskdev.IOC_LISTEN,
                     hskdev.listen_arg("0.0.0.0", 8021, 5))
        expect_errno(errno.EADDRINUSE, hskdev.Listener, 8020)
        expect_errno(errno.EFAULT, raw_ioctl, fd, hskdev.IOC_ACCEPT, 0)
        expect_errno(errno.EFAULT, raw_ioctl, fd, hskdev.IOC_ACCEPT, 0xdead0000)
        bad = bytearray(40)
        bad[4] = 1  # reserved
        expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_ACCEPT, bad)
        bad = bytearray(40)
        bad[0] = 0x80  # unknown flag
        expect_errno(errno.EINVAL, fcntl.ioctl, fd, hskdev.IOC_ACCEPT, bad)
        expect_errno(errno.ENOTCONN, fcntl.ioctl, fd, hskdev.IOC_INFO, bytearray(92))
    finally:
        os.close(fd)
    # Nothing held: a thousand listeners come and go, the module is free.
    for i in range(1000):
        hskdev.Listener(9000 + i % 10).close()
    assert module_refcnt() == base, "module references leaked"
    with hskdev.Listener(8020):
        pass
