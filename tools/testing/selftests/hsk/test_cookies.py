# SPDX-License-Identifier: GPL-2.0
"""SYN cookies (DESIGN §4 step 1, §5): net.hsk.syncookies 0/1/2, cookie
connections with real Linux clients, forged and aged cookie ACKs, and a
SYN flood from random sources that real clients must get through."""

import errno
import os
import re
import socket
import subprocess
import threading
import time

import struct

from scapy.layers.inet import IPOption_NOP, IPOption_Router_Alert, IPOption_RR

from hsklib import PACKET_HOST, PEER, Counters, Kmsg, Link, Parsed, hping3_flood, knobs, log
import hskdev
from test_passive import Client, Wire, connect_timeout, flag_str, tcp_opts

PARAM = "/sys/module/hsk/parameters/cookie_age_offset"
# Segments of a flood that must reach the engine: hping3's random sources
# include multicast and other addresses it drops unanswered (7.6 %), so the
# flood is stopped by counters.
FLOOD = 200000


def listeners():
    """/proc/net/hsk/listeners as {port: row dict}."""
    with open("/proc/net/hsk/listeners") as f:
        head = f.readline().split()
        rows = [dict(zip(head, l.split())) for l in f]
    return {int(r["Local"].rsplit(":", 1)[1]): r for r in rows}


def half_open(port):
    return int(listeners()[port]["Half-Open"])


def test_syncookies_2_linux_client_connects_statelessly():
    # Linux clients send timestamps, so window scale and SACK survive the
    # cookie: our TSval's low 6 bits carry them ([4] SACK, [3:0] wscale).
    with knobs(syncookies=2), hskdev.Listener(8100) as ls, Link() as link:
        c = Counters()
        s = connect_timeout(8100, 3)
        assert s, "a Linux client did not connect through a cookie"
        d = c.delta()
        assert d["SyncookiesSent"] == 1 and d["SyncookiesRecv"] == 1, d
        assert d["TCPReqQFullDoCookies"] == 1 and d["PassiveOpens"] == 1, d
        assert half_open(8100) == 0
        cport = s.getsockname()[1]
        synacks = [raw for raw, t in link.drain()
                   if t == PACKET_HOST and Parsed(raw).tcp and Parsed(raw).dport == cport
                   and flag_str(Parsed(raw).flags) == "SA"]
        assert len(synacks) == 1, "want one cookie SYN-ACK, got %d" % len(synacks)
        o = tcp_opts(synacks[0])
        assert "SAckOK" in o and o.get("WScale") == 7, o
        assert o["Timestamp"][0] & 0x3F == 0x10 | 7, \
            "TSval %#x: low bits want SACK (0x10) | wscale 7" % o["Timestamp"][0]
        fd, peer, _ = ls.accept()
        try:
            info = hskdev.info(fd)
            assert info["mss"] == 1460, "MSS is not the table value: %s" % info
            assert info["snd_wscale"] == 7 and info["rcv_wscale"] == 7, \
                "window scale lost through the cookie: %s" % info
            assert info["options"] & 1, "timestamps lost through the cookie"
            assert info["options"] & 2, "SACK lost through the cookie: %s" % info
            # The client agrees (TCP_INFO: tcpi_options, then the shifts;
            # the ss of Debian 12 printed no "ts sack" for any socket).
            ti = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
            assert ti[5] & 7 == 7, "client's tcpi_options %#x: want TS|SACK|WSCALE" % ti[5]
            assert ti[6] & 0xF == 7, "client's snd_wscale %d, want ours (7)" % (ti[6] & 0xF)
            time.sleep(1.3)
            assert c.delta()["TCPTimeouts"] == 0, "a cookie left a timer behind"
        finally:
            os.close(fd)
            s.close()


def test_cookie_synack_on_the_wire():
    with knobs(syncookies=2), hskdev.Listener(8101) as ls, Wire() as w:
        cl = Client(w, 8101, options=[("MSS", 1400), ("NOP", None), ("WScale", 3),
                                      ("NOP", None), ("NOP", None),
                                      ("Timestamp", (5000, 0))])
        cl.syn()
        got = w.replies(cl.src, cl.sport, 1.6)
        assert len(got) == 1, "a cookie SYN-ACK was retransmitted (state kept)"
        o = tcp_opts(got[0][0])
        assert o["MSS"] == 1460 and o["WScale"] == 7, o
        assert o["Timestamp"][1] == 5000 and o["Timestamp"][0] & 0x3F == 3, \
            "wscale 3 not encoded in the TSval's low bits: %s" % (o,)
        # The client offered no SACK: none offered, none in the TSval.
        assert "SAckOK" not in o and not o["Timestamp"][0] & 0x10, o
        cl.iss = Parsed(got[0][0]).seq
        cl.send("A", cl.isn + 1, cl.iss + 1, payload=b"cookie data",
                options=[("NOP", None), ("NOP", None),
                         ("Timestamp", (5001, o["Timestamp"][0]))])
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        info = hskdev.info(fd)
        assert info["mss"] == 1300, "client MSS 1400 must give table value 1300: %s" % info
        assert info["snd_wscale"] == 3, info
        assert os.read(fd, 100) == b"cookie data", "data on the cookie ACK was lost"
        os.close(fd)


def test_ip_options_are_skipped_and_never_echoed():
    # Linux's cookie child would take the ACK's IP options for its replies
    # (RFC 1122 4.2.3.8); hsk parses past IP options and sends none: the
    # SYN-ACK and the data's ACK have plain 20-byte IP headers, and the
    # cookie ACK with options opens the connection, its data delivered.
    ra = [IPOption_Router_Alert()]
    rr = [IPOption_RR(routers=["192.0.2.1"]), IPOption_NOP()]
    with knobs(syncookies=2), hskdev.Listener(8118) as ls, Wire() as w:
        c = Counters()
        cl = Client(w, 8118, options=[("MSS", 1460), ("NOP", None), ("NOP", None),
                                      ("Timestamp", (7000, 0))])
        cl.send("S", cl.isn, options=cl.options, ip_options=ra)
        sa = cl.one()
        assert flag_str(sa.flags) == "SA" and sa.ack == (cl.isn + 1) & 0xFFFFFFFF, sa
        assert sa.ihl == 20 and sa.ip_csum_ok, "SYN-ACK IP header %d bytes" % sa.ihl
        cl.iss = sa.seq
        tsv = tcp_opts(sa.raw)["Timestamp"][0]
        cl.send("PA", cl.isn + 1, cl.iss + 1, payload=b"with options",
                options=[("NOP", None), ("NOP", None), ("Timestamp", (7001, tsv))],
                ip_options=rr)
        fd, peer, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        try:
            assert peer[1] == cl.sport, peer
            assert os.read(fd, 100) == b"with options"
            acks = cl.replies(0.5)
            assert acks and all(a.ihl == 20 and a.ip_csum_ok for a in acks), \
                [(a.ihl, flag_str(a.flags)) for a in acks]
            assert acks[-1].ack == (cl.isn + 13) & 0xFFFFFFFF, acks[-1]
            d = c.delta()
            assert d["SyncookiesRecv"] == 1 and d["PassiveOpens"] == 1, d
        finally:
            os.close(fd)


def test_no_timestamps_no_options_but_mss():
    with knobs(syncookies=2), hskdev.Listener(8102), Wire() as w:
        cl = Client(w, 8102, options=[("MSS", 1460), ("NOP", None), ("WScale", 7)])
        cl.syn()
        raw = w.replies(cl.src, cl.sport, 0.5, first=True)[0][0]
        assert flag_str(Parsed(raw).flags) == "SA"
        assert tcp_opts(raw) == {"MSS": 1460}, tcp_opts(raw)


def sack_ts(cl):
    return [("NOP", None), ("NOP", None), ("Timestamp", (cl.tsv, cl.tsecr))]


def test_cookie_connection_sends_sack_blocks():
    # A cookie connection whose client offered SACK (with timestamps):
    # data past a hole draws an ACK with SACK blocks, byte for byte in
    # Linux's layout, NOP NOP TS then NOP NOP SACK.
    with knobs(syncookies=2), hskdev.Listener(8107) as ls, Wire() as w:
        cl = Client(w, 8107)
        sa = cl.synack()
        o = tcp_opts(sa.raw)
        assert "SAckOK" in o and o["Timestamp"][0] & 0x10, o
        cl.tsv, cl.tsecr = 100001, o["Timestamp"][0]
        snd, rcv = (cl.isn + 1) & 0xFFFFFFFF, (cl.iss + 1) & 0xFFFFFFFF
        cl.send("A", snd, rcv, options=sack_ts(cl))
        fd, _, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
        try:
            assert hskdev.info(fd)["options"] & 2, hskdev.info(fd)
            cl.tsv += 1
            cl.send("PA", snd + 1000, rcv, payload=b"x" * 500, options=sack_ts(cl))
            r = cl.one()
            assert flag_str(r.flags) == "A" and r.ack == snd, r
            opt = r.raw[r.ihl + 20:r.ihl + r.doff]
            assert opt[:4] == b"\x01\x01\x08\x0a", opt.hex()
            assert opt[12:] == b"\x01\x01\x05\x0a" + struct.pack(
                "!II", (snd + 1000) & 0xFFFFFFFF, (snd + 1500) & 0xFFFFFFFF), \
                "SACK option %s" % opt[12:].hex()
        finally:
            os.close(fd)


def test_sack_knob_off():
    # net.hsk.sack=0: no SACK_PERM in a SYN-ACK (with or without cookies),
    # no SACK bit in a cookie's TSval; and a cookie ACK whose TSecr claims
    # SACK (sent while the knob was on, or forged) is refused with RST.
    with knobs(sack=0), hskdev.Listener(8108), Wire() as w:
        o = tcp_opts(Client(w, 8108).synack().raw)
        assert "SAckOK" not in o and "WScale" in o and "Timestamp" in o, o
        with knobs(syncookies=2):
            o = tcp_opts(Client(w, 8108).synack().raw)
            assert "SAckOK" not in o and o["Timestamp"][0] & 0x3F == 7, o
            # The same cookie, its TSecr forged to claim SACK.
            cl = Client(w, 8108)
            sa = cl.synack()
            tsv = tcp_opts(sa.raw)["Timestamp"][0]
            c = Counters()
            cl.send("A", cl.isn + 1, cl.iss + 1,
                    options=[("NOP", None), ("NOP", None), ("Timestamp", (100001, tsv | 0x10))])
            got = cl.replies(0.5)
            assert [flag_str(r.flags) for r in got] == ["R"], got
            # As Linux's cookie_v4_check: the cookie itself is good.
            d = c.delta()
            assert d["SyncookiesRecv"] == 1 and d["SyncookiesFailed"] == 0, d
            assert d["PassiveOpens"] == 0, d
    # A cookie with SACK given while the knob was on, back after it went off.
    with knobs(syncookies=2), hskdev.Listener(8109) as ls, Wire() as w:
        cl = Client(w, 8109)
        sa = cl.synack()
        tsv = tcp_opts(sa.raw)["Timestamp"][0]
        assert tsv & 0x10, tsv
        ack = [("NOP", None), ("NOP", None), ("Timestamp", (100001, tsv))]
        with knobs(sack=0):
            c = Counters()
            cl.send("A", cl.isn + 1, cl.iss + 1, options=ack)
            got = cl.replies(0.5)
            assert [flag_str(r.flags) for r in got] == ["R"], got
            assert got[0].seq == (cl.iss + 1) & 0xFFFFFFFF, got
            d = c.delta()
            assert d["SyncookiesRecv"] == 1 and d["SyncookiesFailed"] == 0, d
            assert d["PassiveOpens"] == 0, d
        # The knob back on: the same ACK is a good cookie.
        cl.send("A", cl.isn + 1, cl.iss + 1, options=ack)
        assert not cl.replies(0.3)
        held = ls.accept_all()
        assert len(held) == 1, held
        assert hskdev.info(held[0][0])["options"] & 2
        for fd, _, _ in held:
            os.close(fd)


def test_forged_cookie_acks_get_rst_and_no_connection():
    n = 100000
    with hskdev.Listener(8103) as ls:
        c = Counters()
        # Random sources include multicast and other addresses the engine
        # drops unanswered (DropBadAddr): flood until n reached the listener.
        hping3_flood(["-A", "--rand-source", "-p", "8103", PEER],
                     lambda: c.delta()["InSegs"] >= n)
        time.sleep(0.5)
        d = c.delta()
        reached = d["InSegs"]
        assert reached >= n, "only %d forged ACKs reached the listener" % reached
        assert d["SyncookiesFailed"] == reached and d["OutRsts"] == reached, d
        assert d["SyncookiesRecv"] == 0 and d["PassiveOpens"] == 0, d
        assert ls.accept_all() == []
        print("# %d forged ACKs reached the listener, each answered with RST" % reached)


def test_cookie_older_than_lifetime_refused():
    # 60 s on is one tick of the cookie's minute counter: still good. The
    # real counter may tick too between SYN-ACK and ACK (once in some 100
    # runs: the counter is jiffies / 60 s, which user space cannot see), so
    # a refusal there is tried once more; two ticks cannot fall in a row.
    cases = [(60, True), (60, True), (120, False), (600, False)]
    while cases:
        offset, ok = cases.pop(0)
        with knobs(syncookies=2), hskdev.Listener(8104) as ls, Wire() as w:
            cl = Client(w, 8104)
            cl.synack()
            with open(PARAM, "w") as f:
                f.write(str(offset))
            try:
                c = Counters()
                cl.ack()
                got = cl.replies(0.3)
            finally:
                with open(PARAM, "w") as f:
                    f.write("0")
            d = c.delta()
            if ok and cases[0] == (60, True):
                if not got and d["SyncookiesRecv"] == 1:
                    cases.pop(0)
                else:
                    log("cookie 60 s old refused (a minute tick?): tried again")
                    continue
            if ok:
                assert not got and d["SyncookiesRecv"] == 1, (offset, got, d)
                held = ls.accept_all()
                for fd, _, _ in held:
                    os.close(fd)
                assert len(held) == 1
            else:
                assert [flag_str(r.flags) for r in got] == ["R"], (offset, got)
                assert d["SyncookiesFailed"] == 1 and d["PassiveOpens"] == 0, d


def test_cookie_age_offset_out_of_range_refused():
    # The testing knob takes 0 .. 86400 s: beyond, seconds * HZ would wrap
    # and make old cookies young. A refused write leaves the value as it
    # was.
    with open(PARAM) as f:
        assert f.read().strip() == "0"
    for bad in ("86401", "4294967295", "4294967296", "-1", "x"):
        try:
            with open(PARAM, "w") as f:
                f.write(bad)
        except OSError as e:
            assert e.errno == errno.EINVAL, (bad, e)
        else:
            raise AssertionError("cookie_age_offset took %r" % bad)
        with open(PARAM) as f:
            assert f.read().strip() == "0", bad
    try:
        with open(PARAM, "w") as f:
            f.write("86400")
        with open(PARAM) as f:
            assert f.read().strip() == "86400"
    finally:
        with open(PARAM, "w") as f:
            f.write("0")


def flood_and_connect(port, n_syn=FLOOD, clients=200, threads=10):
    """hping3 floods port from random sources while `clients` Linux clients
    connect, `threads` at a time, each with 3 s to complete; the flood goes
    on until n_syn segments reached the engine and every client is done.
    Returns (connected, flood delta, peak half-open)."""
    peak = [0]
    ok = [0]
    left = [clients]
    lock = threading.Lock()
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], half_open(port))
            time.sleep(0.1)

    def client():
        while True:
            with lock:
                if not left[0]:
                    return
                left[0] -= 1
            s = connect_timeout(port, 3)
            if s:
                s.close()
                with lock:
                    ok[0] += 1

    c = Counters()
    started = threading.Event()
    workers = [threading.Thread(target=watch)]

    def done():
        # The clients start once the flood has run for a second.
        if not started.is_set() and c.delta()["InSegs"] > 0:
            time.sleep(1.0)
            started.set()
            for i in range(threads):
                workers.append(threading.Thread(target=client))
                workers[-1].start()
        return (started.is_set() and c.delta()["InSegs"] >= n_syn
                and not any(w.is_alive() for w in workers[1:]))
    workers[0].start()
    try:
        hping3_flood(["-S", "--rand-source", "-p", str(port), PEER], done)
    finally:
        with lock:
            left[0] = 0
        stop.set()
        for w in workers:
            w.join()
    return ok[0], c.delta(), peak[0]


def test_flood_with_cookies_keeps_clients_connecting():
    kmsg = Kmsg()
    with knobs(syncookies=1, max_syn_backlog=128), hskdev.Listener(8105) as ls:
        drain = threading.Event()
        held = []

        def accepter():
            # Held open: closing now would reset a client still in connect().
            while not drain.is_set():
                held.extend(fd for fd, _, _ in ls.accept_all())
                time.sleep(0.02)
        t = threading.Thread(target=accepter)
        t.start()
        try:
            ok, d, peak = flood_and_connect(8105)
        finally:
            drain.set()
            t.join()
            for fd in held:
                os.close(fd)
    warn = [l for l in kmsg.lines() if "possible SYN flooding on port" in l]
    kmsg.close()
    print("# syncookies=1: %d/200 clients connected during a %d-SYN flood; "
          "%d cookies sent, peak half-open %d" % (ok, d["InSegs"], d["SyncookiesSent"], peak))
    assert d["InSegs"] >= 200000, "the flood was too small: %s" % d["InSegs"]
    assert ok >= 198, "only %d of 200 clients connected under the flood" % ok
    assert peak <= 128, "half-open queue exceeded max_syn_backlog: %d" % peak
    assert d["SyncookiesSent"] > 0 and d["TCPReqQFullDoCookies"] > 0, d
    assert len(warn) == 1 and "8105" in warn[0], "want one flood warning: %s" % warn


def test_flood_without_cookies_report():
    with knobs(syncookies=0, max_syn_backlog=128), hskdev.Listener(8106) as ls:
        drain = threading.Event()
        held = []

        def accepter():
            # Held open: closing now would reset a client still in connect().
            while not drain.is_set():
                held.extend(fd for fd, _, _ in ls.accept_all())
                time.sleep(0.02)
        t = threading.Thread(target=accepter)
        t.start()
        try:
            # Most clients wait out their 3 s here: 50 at a time.
            ok, d, peak = flood_and_connect(8106, threads=50)
        finally:
            drain.set()
            t.join()
            for fd in held:
                os.close(fd)
    print("# syncookies=0: %d/200 clients connected during a %d-SYN flood "
          "(%d SYNs dropped with the queue full), peak half-open %d"
          % (ok, d["InSegs"], d["TCPReqQFullDrop"], peak))
    assert d["TCPReqQFullDrop"] > 0 and d["SyncookiesSent"] == 0, d
    assert peak <= 128, peak
