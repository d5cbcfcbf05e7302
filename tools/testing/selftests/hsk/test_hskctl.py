# SPDX-License-Identifier: GPL-2.0
"""hskctl and the rest of the ecosystem (issue 6), end to end in the guest:
the generic netlink dumps and counters as hskctl shows them after a scripted
scenario, a dump of 100,000 half-open entries, hskctl's errors and its
nstat-style history, the tracepoints (tracefs and perf), and installation
with make install and dkms.

The scenario starts from a freshly loaded module, so "exactly" means the
whole table and every counter: nothing left by earlier tests can hide in it.
Crafted segments come from 198.18.0.0/15 (test_passive.Client), so the
guest's own TCP never answers the engine's replies.
"""

import errno
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import hsklib
from hsklib import IP, PEER, REPO, Link, Parsed, flag_str, knobs, log, run, seg, wait_for
import hskdev
from test_passive import Client, Wire, connect_timeout, server_bin

HSKCTL = os.path.join(REPO, "build", "bin", "hskctl")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
RELEASE = hsklib.RELEASE
TRACEFS = "/sys/kernel/tracing"

LISTENER_FIELDS = {"state", "recv_q", "send_q", "local", "peer", "accept_q", "accept_max",
                   "syn_q", "syn_max", "young", "drops", "overflows"}
CONN_FIELDS = {"state", "recv_q", "send_q", "local", "peer", "timer", "timer_ms", "retrans"}
# list -i adds, for connections only, what HSK_IOC_INFO says.
TCP_FIELDS = {"ts", "sack", "wscale", "snd_wscale", "rcv_wscale", "mss", "rto_ms", "srtt_us",
              "rttvar_us", "cwnd", "ssthresh", "snd_wnd", "rcv_wnd", "rmem", "reordering",
              "reord_seen", "dsack_dups", "total_retrans"}


# --- hskctl --------------------------------------------------------------

def hskctl_bin():
    server_bin()  # one `make -s tools` per run builds hskctl too
    return HSKCTL


def hskctl(*args, env=None, prefix=(), timeout=60):
    """Runs hskctl ARGS (as prefix says: e.g. NOBODY); the CompletedProcess."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(list(prefix) + [hskctl_bin()] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=e, stdin=subprocess.DEVNULL)


def hskctl_out(*args, **kw):
    p = hskctl(*args, **kw)
    assert p.returncode == 0 and not p.stderr, "hskctl %s: exit %d, stderr %r" % (
        " ".join(args), p.returncode, p.stderr.strip())
    return p.stdout


def hskctl_json(*args, **kw):
    out = hskctl_out(*args, **kw)
    try:
        return json.loads(out)
    except ValueError as e:
        raise AssertionError("hskctl %s: not JSON (%s): %r" % (" ".join(args), e, out[:400]))


class timed:
    """Logs (-v) how long the body took."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        self.t0 = time.monotonic()

    def __exit__(self, *exc):
        log("%s: %.1fs" % (self.what, time.monotonic() - self.t0))


def key(r):
    return (r["state"], r["local"], r["peer"])


def check_rows(rows, want, what):
    """rows: hskctl list -j; want: {key: {field: value or predicate}}.
    Exactly the keys of want, once each, every field as wanted."""
    got = [key(r) for r in rows]
    dups = sorted({k for k in got if got.count(k) > 1})
    assert not dups, "%s: listed more than once: %s" % (what, dups)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    assert not missing and not extra, "%s: missing %s, unexpected %s" % (what, missing, extra)
    bad = []
    for r in rows:
        fields = LISTENER_FIELDS if r["state"] == "LISTEN" else CONN_FIELDS
        if set(r) != fields:
            bad.append("%s: fields %s (want %s)" % (key(r), sorted(r), sorted(fields)))
        for f, v in want[key(r)].items():
            ok = v(r.get(f)) if callable(v) else r.get(f) == v
            if not ok:
                bad.append("%s: %s=%r (want %s)" % (key(r), f, r.get(f),
                                                   v.__doc__ if callable(v) else repr(v)))
    assert not bad, "%s:\n  %s" % (what, "\n  ".join(bad))


def within(lo, hi):
    def pred(v):
        return isinstance(v, int) and lo < v <= hi
    pred.__doc__ = "in (%d, %d]" % (lo, hi)
    return pred


def between(lo, hi):
    def pred(v):
        return isinstance(v, int) and lo <= v <= hi
    pred.__doc__ = "%d" % lo if lo == hi else "in [%d, %d]" % (lo, hi)
    return pred


def nonzero(d):
    return {k: v for k, v in d.items() if v}


def stable(fn, tries=15):
    """(the counters, fn()) once the counters did not move while fn ran
    (a SYN-ACK timer may fire meanwhile: then again)."""
    for _ in range(tries):
        before = hsklib.stats()
        out = fn()
        after = hsklib.stats()
        if before == after:
            return before, out
        time.sleep(0.1)
    raise AssertionError("the counters never stood still for one hskctl call")


def wait_quiet(timeout=8.0):
    """Until the counters have not moved for 0.6 s (closes finished)."""
    deadline = time.monotonic() + timeout
    last, since = hsklib.stats(), time.monotonic()
    while time.monotonic() - since < 0.6:
        assert time.monotonic() < deadline, "the engine's counters never settled"
        time.sleep(0.1)
        now = hsklib.stats()
        if now != last:
            last, since = now, time.monotonic()
    return last


def listeners_proc():
    """/proc/net/hsk/listeners as {port: row dict}."""
    with open("/proc/net/hsk/listeners") as f:
        head = f.readline().split()
        rows = [dict(zip(head, l.split())) for l in f]
    return {int(r["Local"].rsplit(":", 1)[1]): r for r in rows}


SO_TIMESTAMPNS = 35


def stamp(w):
    """Have the kernel stamp each captured packet with its arrival time."""
    w.link.cap.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


def recv_stamped(w, timeout):
    """The next engine segment and the kernel's time of its arrival
    (CLOCK_REALTIME, as time.time()), or (None, None) after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        # The rest of a train came with its first segment.
        for i, (data, typ) in enumerate(w.link.pending):
            if typ == hsklib.PACKET_HOST:
                del w.link.pending[i]
                return data, w.link.pending_time
        left = deadline - time.monotonic()
        if left <= 0:
            return None, None
        w.link.cap.settimeout(left)
        try:
            raw, anc, _, addr = w.link.cap.recvmsg(65536 + hsklib.VNET_HDR.size, 64)
        except socket.timeout:
            return None, None
        if addr[2] != hsklib.PACKET_HOST:
            continue
        t = time.time()
        for level, typ, val in anc:
            if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                t = sec + nsec / 1e9
        w.link.pending_time = t
        return w.link.split(raw, addr[2]), t


def gather(w, clients, n=1, timeout=3.0, until=None):
    """Engine replies to each crafted client, (Parsed, arrival time) each,
    until each has n (or timeout s, or time.monotonic() reaches until):
    {(src, sport): [...]}. Others wait in w.pending."""
    got = {(c.src, c.sport): [] for c in clients}
    keep = []
    for raw, t in w.pending:
        p = Parsed(raw)
        if p.tcp and (p.dst, p.dport) in got:
            got[(p.dst, p.dport)].append((p, t))
        else:
            keep.append((raw, t))
    w.pending = keep
    deadline = until if until is not None else time.monotonic() + timeout
    while until is not None or any(len(v) < n for v in got.values()):
        raw, t = recv_stamped(w, deadline - time.monotonic())
        if raw is None:
            break
        p = Parsed(raw)
        if p.tcp and (p.dst, p.dport) in got:
            got[(p.dst, p.dport)].append((p, t))
        else:
            w.pending.append((raw, t))
    return got


def peer_of(c):
    return "%s:%d" % (c.src, c.sport)


def sockpeer(s):
    return "%s:%d" % s.getsockname()


# --- the scripted scenario -------------------------------------------------

def test_list_and_stats_after_a_scripted_scenario():
    hsklib.load_fresh()  # an empty table and zero counters
    hist_dir = tempfile.mkdtemp(prefix="hskctl-hist.")
    hist = os.path.join(hist_dir, "history")
    env = {"HSKCTL_HISTORY": hist}
    fds, socks, lsns = [], [], []
    try:
        with Wire() as w:
            stamp(w)
            # 1. A cookie slice: syncookies=2, ten SYNs get cookies and no
            # state; three come back with valid cookie ACKs (connections),
            # two with forged ones (RST), five never come back.
            with knobs(syncookies=2):
                l3 = hskdev.Listener(8603, backlog=8)
                lsns.append(l3)
                ck = [Client(w, 8603, options=[("MSS", 1460)]) for _ in range(10)]
                for c in ck:
                    c.syn()
                got = gather(w, ck, 1, 3.0)
                for c in ck:
                    r = got[(c.src, c.sport)]
                    assert len(r) == 1 and flag_str(r[0][0].flags) == "SA", \
                        "cookie SYN-ACK to %s: %s" % (peer_of(c), [p for p, _ in r])
                    c.iss = r[0][0].seq
                for c in ck[:3]:
                    c.ack()
                for c in ck[3:5]:
                    c.send("A", c.isn + 1, c.iss + 77)
                got = gather(w, ck[3:5], 1, 2.0)
                for c in ck[3:5]:
                    r = [p for p, _ in got[(c.src, c.sport)]]
                    assert [flag_str(p.flags) for p in r] == ["R"], \
                        "forged cookie ACK from %s: %s" % (peer_of(c), r)
                wait_for(lambda: int(listeners_proc()[8603]["Accept-Q"]) == 3, 3,
                         "3 cookie connections in the accept queue")
                assert not gather(w, ck[:3], 1, 0.2)[(ck[0].src, ck[0].sport)], \
                    "a valid cookie ACK was answered"

            # 2. Never accepting, backlog 2: B + 1 = 3 Linux clients get in,
            # one of them sends 5 bytes; a 4th client's SYN overflows.
            l1 = hskdev.Listener(8601, backlog=2)
            lsns.append(l1)
            cs = [connect_timeout(8601, 3) for _ in range(3)]
            socks.extend(s for s in cs if s)
            assert all(cs), "B + 1 = 3 clients must complete: %s" % cs
            cs[0].sendall(b"hello")
            x = Client(w, 8601)
            x.syn()
            assert not gather(w, [x], 1, 0.5)[(x.src, x.sport)], \
                "a SYN into a full accept queue was answered"

            # 3. Accepting: three Linux clients accepted; d1 sends 7 bytes
            # nobody reads, d2 closes (CLOSE-WAIT here), our side of d3
            # closes (FIN-WAIT-2 once the client ACKs our FIN).
            l2 = hskdev.Listener(8602, backlog=8)
            lsns.append(l2)
            ds = [connect_timeout(8602, 3) for _ in range(3)]
            socks.extend(s for s in ds if s)
            assert all(ds), "3 clients must connect: %s" % ds
            by_port = {}
            for _ in range(3):
                assert l2.readable(3), "accept queue empty"
                fd, peer, _ = l2.accept()
                fds.append(fd)
                by_port[peer[1]] = fd
            f = [by_port[s.getsockname()[1]] for s in ds]
            d2peer = sockpeer(ds[1])
            ds[0].sendall(b"payload")
            ds[1].close()
            socks.remove(ds[1])
            wait_for(lambda: hskdev.info(f[1])["state"] == hskdev.CLOSE_WAIT, 3,
                     "CLOSE-WAIT after the client's FIN")
            fds.remove(f[2])
            os.close(f[2])
            ds[2].settimeout(3)
            assert ds[2].recv(10) == b"", "no FIN from the engine's close"

            def fin_wait2():
                rows = hskctl_json("list", "-j", "-s", "FIN-WAIT-2")
                return [r["peer"] for r in rows] == [sockpeer(ds[2])]
            wait_for(fin_wait2, 3, "FIN-WAIT-2 after the client ACKed our FIN", step=0.1)

            # 4. Half-open at the accepting listener: three entries that have
            # had their first SYN-ACK retransmission (1 s), then two fresh
            # ones, listed at once. What each entry's count must be is read
            # off the wire: the resends captured before the dump began
            # were counted, those after it ended were not (the kernel stamps
            # each captured packet). Unless the guest stalls across a
            # timer, both bounds are equal and the count is exact.
            ha = [Client(w, 8602) for _ in range(3)]
            for c in ha:
                c.syn()
            sa = gather(w, ha, 2, 4.0)
            for c in ha:
                r = [p for p, _ in sa[(c.src, c.sport)]]
                assert len(r) == 2 and all(flag_str(p.flags) == "SA" for p in r) and \
                    r[0].seq == r[1].seq, "SYN-ACK and its resend to %s: %s" % (peer_of(c), r)
            hb = [Client(w, 8602) for _ in range(2)]
            for c in hb:
                c.syn()
            t_start = time.time()
            rows = hskctl_json("list", "-j")
            t_done = time.time()
            st = hsklib.stats()
            t_st = time.time()
            log("hskctl list -j took %.2fs" % (t_done - t_start))
            more = gather(w, ha + hb, until=time.monotonic() + 0.6)
            bounds = {}
            for c in ha + hb:
                k = (c.src, c.sport)
                r = sa.get(k, []) + more[k]
                assert r and all(flag_str(p.flags) == "SA" and p.seq == r[0][0].seq
                                 for p, _ in r), "SYN-ACKs to %s: %s" % (peer_of(c), r)
                resent = [t for _, t in r[1:]]
                bounds[k] = (sum(t < t_start for t in resent),
                             sum(t <= t_done for t in resent),
                             sum(t <= t_st for t in resent))
            log("half-open resends (before, by the end of the dump): %s" % bounds)
            young = (sum(b[1] == 0 for b in bounds.values()),
                     sum(b[0] == 0 for b in bounds.values()))
            resends = (sum(b[0] for b in bounds.values()), sum(b[2] for b in bounds.values()))

            lp = "%s:%%d" % PEER
            want = {
                ("LISTEN", "*:8601", "*:*"): dict(recv_q=3, send_q=2, accept_q=3, accept_max=3,
                                                  syn_q=0, syn_max=1024, young=0, drops=1,
                                                  overflows=1),
                ("LISTEN", "*:8602", "*:*"): dict(recv_q=0, send_q=8, accept_q=0, accept_max=9,
                                                  syn_q=5, syn_max=1024, young=between(*young),
                                                  drops=0, overflows=0),
                ("LISTEN", "*:8603", "*:*"): dict(recv_q=3, send_q=8, accept_q=3, accept_max=9,
                                                  syn_q=0, syn_max=1024, young=0, drops=0,
                                                  overflows=0),
            }
            for s, rq in zip(cs, (5, 0, 0)):
                want[("ESTAB", lp % 8601, sockpeer(s))] = dict(recv_q=rq, send_q=0, timer="off",
                                                              timer_ms=0, retrans=0)
            want[("ESTAB", lp % 8602, sockpeer(ds[0]))] = dict(recv_q=7, send_q=0, timer="off",
                                                              timer_ms=0, retrans=0)
            want[("CLOSE-WAIT", lp % 8602, d2peer)] = dict(recv_q=0, send_q=0, timer="off",
                                                          timer_ms=0, retrans=0)
            want[("FIN-WAIT-2", lp % 8602, sockpeer(ds[2]))] = dict(
                recv_q=0, send_q=0, timer="keepalive", timer_ms=within(0, 60000),
                retrans=0)
            for c in ck[:3]:
                want[("ESTAB", lp % 8603, peer_of(c))] = dict(recv_q=0, send_q=0, timer="off",
                                                             timer_ms=0, retrans=0)
            for c in ha + hb:
                lo, hi, _ = bounds[(c.src, c.sport)]
                want[("SYN-RECV", lp % 8602, peer_of(c))] = dict(
                    recv_q=0, send_q=0, retrans=between(lo, hi), timer="on",
                    timer_ms=within(0, 120000))
            check_rows(rows, want, "hskctl list -j")
            # The timer of a half-open entry runs to its next SYN-ACK: 1 s
            # after the SYN, 2 s after the first resend.
            late = [r for r in rows if r["state"] == "SYN-RECV" and
                    not 0 < r["timer_ms"] <= 1000 << r["retrans"]]
            assert not late, "half-open timers out of range: %s" % late
            # Listeners first, then connections, then half-open entries.
            rank = [{"LISTEN": 0, "SYN-RECV": 2}.get(r["state"], 1) for r in rows]
            assert rank == sorted(rank), "rows out of order: %s" % [r["state"] for r in rows]

            # The counters at that moment, every one the scenario moved.
            exact = dict(PassiveOpens=9, SyncookiesSent=10, TCPReqQFullDoCookies=10,
                         SyncookiesRecv=3, SyncookiesFailed=2, OutRsts=2, ListenOverflows=1,
                         ListenDrops=1, TCPTimeouts=between(*resends),
                         TCPSynRetrans=between(*resends), EmbryonicRsts=0, TCPReqQFullDrop=0,
                         InErrs=0, AttemptFails=0, EstabResets=0)
            wrong = {k: (st[k], v.__doc__ if callable(v) else v) for k, v in exact.items()
                     if not (v(st[k]) if callable(v) else st[k] == v)}
            assert not wrong, "counters (got, want): %s" % wrong

            # Filters select exactly. -p matches the local or the peer port.
            def sel(pred):
                return {k: {} for k in want if pred(k)}

            def port(n):
                return lambda k: any(a.endswith(":%d" % n) for a in k[1:])
            for args, pick in (
                    (["-l"], lambda k: k[0] == "LISTEN"),
                    (["-s", "LISTEN"], lambda k: k[0] == "LISTEN"),
                    (["-s", "SYN-RECV"], lambda k: k[0] == "SYN-RECV"),
                    (["-s", "ESTAB"], lambda k: k[0] == "ESTAB"),
                    (["-s", "CLOSE-WAIT"], lambda k: k[0] == "CLOSE-WAIT"),
                    (["-s", "FIN-WAIT-2"], lambda k: k[0] == "FIN-WAIT-2"),
                    (["-s", "TIME-WAIT"], lambda k: False),
                    (["-p", "8601"], port(8601)),
                    (["-p", "8603"], port(8603)),
                    (["-p", str(cs[1].getsockname()[1])], port(cs[1].getsockname()[1])),
                    (["-p", str(ha[0].sport)], port(ha[0].sport)),
                    (["-s", "ESTAB", "-p", "8602"],
                     lambda k: k[0] == "ESTAB" and port(8602)(k)),
                    (["-l", "-p", "8602"], lambda k: k[0] == "LISTEN" and port(8602)(k)),
                    (["-l", "-s", "SYN-RECV"], lambda k: False),
                    (["-p", "9"], port(9))):
                check_rows(hskctl_json("list", "-j", *args), sel(pick),
                           "hskctl list -j %s" % " ".join(args))

            # The table as ss prints it: a header, one line per row.
            text = hskctl_out("list").splitlines()
            assert text[0].split() == ["State", "Recv-Q", "Send-Q", "Local", "Address:Port",
                                       "Peer", "Address:Port"], text[0]
            assert len(text) == 1 + len(want), "text: %d lines for %d rows:\n%s" % (
                len(text) - 1, len(want), "\n".join(text))
            l1line = [t for t in text if t.split()[:5] == ["LISTEN", "3", "2", "*:8601", "*:*"]]
            assert l1line and l1line[0].split()[5:] == \
                "syn 0/1024 young 0 accept 3/3 drops 1 overflows 1".split(), text
            sr = [t for t in text if t.startswith("SYN-RECV")]
            # The count moves with the SYN-ACK schedule while the test runs
            # (a slow host may see a third resend): any small number.
            assert len(sr) == 5 and all(re.search(r" timer:\(on,\d+\.\d{3}s,[0-5]\)$", t)
                                        for t in sr), sr

            # hskctl stats -a is /proc/net/hsk/stats, by the same names;
            # -z shows the zeros too, in the ABI's order.
            proc, out = stable(lambda: hskctl_json("stats", "-j", "-a", env=env))
            assert list(out) == ["hsk"] and out["hsk"] == nonzero(proc), \
                "stats -j -a %s, /proc %s" % (out, nonzero(proc))
            proc, out = stable(lambda: hskctl_json("stats", "-j", "-a", "-z", env=env))
            assert list(out["hsk"].items()) == list(proc.items()), \
                "stats -j -a -z %s, /proc %s" % (out, proc)
            proc, text = stable(lambda: hskctl_out("stats", "-a", env=env).splitlines())
            assert text[0] == "#hsk" and \
                [l.split() for l in text[1:]] == [[k, str(v)] for k, v in proc.items() if v], text

        # Teardown, then quiet: the deltas below must be only what is sent.
        for fd in fds:
            os.close(fd)
        fds.clear()
        for s in socks:
            s.close()
        socks.clear()
        for ls in lsns:
            ls.close()
        lsns.clear()
        wait_quiet()

        # nstat-style deltas: a first call without history shows absolute
        # values; after known traffic the next call shows exactly it.
        os.unlink(hist)
        p0, out = stable(lambda: hskctl_json("stats", "-j", env=env))
        assert out["hsk"] == nonzero(p0), "first stats -j (no history): %s, /proc %s" % (
            out, nonzero(p0))
        with open(hist, "rb") as fh:
            saved = fh.read()
        with Link() as k:
            for _ in range(3):
                k.send(seg("S", dport=9))          # closed port: RST
            k.send(seg("R", dport=9))              # RST to a closed port: dropped
            bad = bytearray(bytes(seg("S", dport=9)))
            bad[10] ^= 0xFF                        # IP checksum
            k.send(bad)
        expect = dict(InSegs=4, OutSegs=3, OutRsts=3, DropRstClosed=1, InErrs=1, DropIpCsum=1)

        def delta_call():
            with open(hist, "wb") as fh:  # a retry starts from the same history
                fh.write(saved)
            return hskctl_json("stats", "-j", env=env)
        p1, out = stable(delta_call)
        diff = nonzero({k: p1[k] - p0[k] for k in p1})
        assert diff == expect, "the traffic moved %s, want %s" % (diff, expect)
        assert out == {"hsk": expect}, "stats -j after the traffic: %s, want %s" % (out, expect)
        _, out = stable(lambda: hskctl_json("stats", "-j", env=env))
        assert out == {"hsk": {}}, "stats -j with nothing new: %s" % out
        _, out = stable(lambda: hskctl_json("stats", "-j", "-z", env=env))
        assert out["hsk"] == {k: 0 for k in hsklib.stats()}, "stats -j -z: %s" % out
    finally:
        for fd in fds:
            os.close(fd)
        for s in socks:
            s.close()
        for ls in lsns:
            ls.close()
        shutil.rmtree(hist_dir, ignore_errors=True)


# --- 100,000 half-open entries ---------------------------------------------

def csum_fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn_batch(dport, first, n, dst=PEER):
    """n valid SYNs to dst:dport as raw IPv4 bytes, each from its own
    address in 198.18.0.0/15 (numbers first .. first + n - 1 of it), so
    every 4-tuple is distinct. Checksums summed from precomputed parts."""
    d = struct.unpack("!I", socket.inet_aton(dst))[0]
    ip_base = 0x4500 + 40 + 1 + 0x4006 + (d >> 16) + (d & 0xFFFF)  # id 1, as scapy
    tcp_base = (d >> 16) + (d & 0xFFFF) + 6 + 20 + dport + 0x5002 + 29200
    out = []
    pack = struct.Struct("!BBHHHBBHIIHHIIHHHH").pack
    for i in range(first, first + n):
        src = 0xC6120000 + 1 + i  # 198.18.0.1 ...
        sh, sl = src >> 16, src & 0xFFFF
        sport = 1024 + i % 60000
        sq = (i * 2654435761) & 0xFFFFFFFF
        ipc = csum_fold(ip_base + sh + sl)
        tc = csum_fold(tcp_base + sh + sl + sport + (sq >> 16) + (sq & 0xFFFF))
        out.append(pack(0x45, 0, 40, 1, 0, 64, 6, ipc, src, d,
                        sport, dport, sq, 0, 0x5002, 29200, tc, 0))
    return out


def slow(fn):
    """Minutes in a TCG guest, the engine's code only: the runner's --quick
    (make check on 6.12) skips it."""
    fn.slow = True
    return fn


# --- the family without hskctl ----------------------------------------------

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
HSK_CMD_GET_LISTENERS, HSK_CMD_GET_CONNS, HSK_CMD_GET_STATS = 1, 2, 3
HSK_A_STATE = 5


def nlattr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + bytes(-n % 4)


class Genl:
    """Raw generic netlink: requests as hostile as a test wants them."""

    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.settimeout(5)
        self.seq = 0

    def close(self):
        self.s.close()

    def send(self, family, cmd, flags, body=b"", reserved=0, length=None):
        """Sends one request; (replies [(type, payload)], errno or 0)."""
        self.seq += 1
        g = struct.pack("=BBH", cmd, 1, reserved) + body
        n = 16 + len(g) if length is None else length
        self.s.send(struct.pack("=IHHII", n, family, flags, self.seq, 0) + g)
        out = []
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, ty, fl, sq, _ = struct.unpack_from("=IHHII", data, off)
                payload = data[off + 16:off + ln]
                off += (ln + 3) & ~3
                if sq != self.seq:
                    continue
                if ty == NLMSG_ERROR:
                    err, = struct.unpack_from("=i", payload)
                    return out, -err
                if ty == NLMSG_DONE:
                    return out, 0
                out.append((ty, payload))

    def family(self, name):
        got, err = self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST | NLM_F_ACK,
                             nlattr(CTRL_ATTR_FAMILY_NAME, name + b"\0"))
        assert not err and got, (name, err)
        attrs = got[0][1][4:]
        while attrs:
            n, t = struct.unpack_from("=HH", attrs)
            if t == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("=H", attrs, 4)[0]
            attrs = attrs[(n + 3) & ~3:]
        raise AssertionError("no family id for %r" % name)


def test_netlink_family_refuses_hostile_requests():
    # No command takes attributes: any attribute, one whose length runs
    # past the message, a header too short, a reserved field or stray
    # flags set, a command that does not exist, each gets its errno in an
    # NLMSG_ERROR (the family validates strictly, resv_start_op 0), and
    # the family still answers a good request after them.
    nl = Genl()
    try:
        fam = nl.family(b"hsk")
        req = NLM_F_REQUEST | NLM_F_ACK
        got, err = nl.send(fam, HSK_CMD_GET_STATS, req)
        assert err == 0 and len(got) == 1, (got, err)
        attr = nlattr(HSK_A_STATE, b"\x01")
        overrun = struct.pack("=HH", 200, HSK_A_STATE) + bytes(4)
        cases = [
            ("an attribute on a do", dict(cmd=HSK_CMD_GET_STATS, flags=req, body=attr),
             errno.EINVAL),
            ("an attribute on a dump", dict(cmd=HSK_CMD_GET_CONNS,
                                            flags=NLM_F_REQUEST | NLM_F_DUMP, body=attr),
             errno.EINVAL),
            ("an attribute past the end", dict(cmd=HSK_CMD_GET_STATS, flags=req, body=overrun),
             errno.EINVAL),
            ("an unknown attribute type", dict(cmd=HSK_CMD_GET_LISTENERS,
                                               flags=NLM_F_REQUEST | NLM_F_DUMP,
                                               body=nlattr(999, bytes(4))), errno.EINVAL),
            ("reserved set", dict(cmd=HSK_CMD_GET_STATS, flags=req, reserved=1), errno.EINVAL),
            ("NLM_F_REPLACE", dict(cmd=HSK_CMD_GET_STATS, flags=req | 0x100 << 0), errno.EINVAL),
            ("no genl header", dict(cmd=HSK_CMD_GET_STATS, flags=req, length=18), errno.EINVAL),
            ("command 0", dict(cmd=0, flags=req), errno.EOPNOTSUPP),
            ("command 99", dict(cmd=99, flags=req), errno.EOPNOTSUPP),
        ]
        wrong = []
        for what, kw, want in cases:
            got, err = nl.send(fam, **kw)
            if err != want:
                wrong.append("%s: %s, want %s" % (what, hsklib.errname(err) if err else "ok",
                                                  hsklib.errname(want)))
        assert not wrong, "; ".join(wrong)
        got, err = nl.send(fam, HSK_CMD_GET_STATS, req)
        assert err == 0 and len(got) == 1, (got, err)
        got, err = nl.send(fam, HSK_CMD_GET_LISTENERS, NLM_F_REQUEST | NLM_F_DUMP)
        assert err == 0, err
    finally:
        nl.close()
    assert hskctl_json("stats", "-j", "-a")


def test_syn_recv_retrans_counts_the_answer_to_a_retransmitted_syn():
    # As ss's num_retrans: a SYN-ACK sent again because the client sent
    # its SYN again counts, as the timer's do. The timer restarts at the
    # answer, so the entry's next resend is within a second of it.
    with hskdev.Listener(8606), Wire() as w:
        c = Client(w, 8606)
        c.syn()
        time.sleep(0.2)
        c.syn()
        got = gather(w, [c], 2, 3.0)[(c.src, c.sport)]
        assert len(got) == 2 and all(flag_str(p.flags) == "SA" for p, _ in got) and \
            got[0][0].seq == got[1][0].seq, "SYN-ACK and its answer to the copy: %s" % got
        rows = hskctl_json("list", "-j", "-s", "SYN-RECV")
        t_done = time.time()
        # A stalled guest may let the timer resend too: count those.
        more = gather(w, [c], until=time.monotonic() + 0.3)[(c.src, c.sport)]
        timer = sum(t <= t_done for _, t in more)
        mine = [r for r in rows if r["peer"] == peer_of(c)]
        assert len(mine) == 1, rows
        assert mine[0]["retrans"] == 1 + timer, (mine[0], timer)
        if not timer:
            assert 0 < mine[0]["timer_ms"] <= 1000, mine[0]


def test_list_i_shows_each_connections_tcp_state():
    # A Linux client (timestamps, SACK, window scale) takes 64 KiB from
    # the engine, so RTT samples and cwnd have moved. list -i shows, per
    # connection, what HSK_IOC_INFO says of it, field for field.
    port = 8605
    data = os.urandom(65536)
    with hskdev.Listener(port) as ls:
        s = connect_timeout(port, 3)
        assert s, "a Linux client did not connect"
        me = "%s:%u" % s.getsockname()
        with s:
            assert ls.readable(5)
            fd, _, _ = ls.accept(hskdev.ACCEPT_DONTWAIT)
            try:
                assert os.write(fd, data) == len(data)
                got = b""
                s.settimeout(10)
                while len(got) < len(data):
                    got += s.recv(65536)
                assert got == data
                time.sleep(0.5)  # the last ACKs in, the connection idle
                info = hskdev.info(fd)
                rows = [r for r in hskctl_json("list", "-i", "-j", "-p", str(port))
                        if r["peer"] == me]
                text = hskctl_out("list", "-i", "-p", str(port))
                plain = [r for r in hskctl_json("list", "-j", "-p", str(port))
                         if r["peer"] == me]
            finally:
                os.close(fd)
    assert len(rows) == 1, rows
    r = rows[0]
    assert set(r) == CONN_FIELDS | TCP_FIELDS, sorted(set(r) ^ (CONN_FIELDS | TCP_FIELDS))
    assert set(plain[0]) == CONN_FIELDS, "without -i: %s" % sorted(plain[0])
    assert r["ts"] and r["sack"] and r["wscale"], r
    for k in ("snd_wscale", "rcv_wscale", "mss", "rto_ms", "srtt_us", "rttvar_us", "cwnd",
              "ssthresh", "snd_wnd", "rcv_wnd"):
        assert r[k] == info[k], "%s: hskctl %s, HSK_IOC_INFO %s" % (k, r[k], info[k])
    assert r["srtt_us"] > 0 and r["cwnd"] > 10 * r["mss"] // 2, r
    # Text: the connection's line, then a tab and ss -i's words.
    lines = text.splitlines()
    i = next(k for k, l in enumerate(lines) if me in l)
    # cwnd in segments; ssthresh not shown while unbounded (no loss yet).
    assert info["ssthresh"] >= 0x7fffffff, info
    # Nothing unread: no receive buffers held.
    assert r["rmem"] == 0, r
    # reordering only when not 3, the counts only when not 0, as ss: a
    # clean transfer has none (but two CPUs may reorder it).
    extra = "".join(" %s:%u" % (k, r[k]) for k in ("reordering", "reord_seen", "dsack_dups",
                                                   "total_retrans")
                    if r[k] != (3 if k == "reordering" else 0))
    want = ("\t ts sack wscale:%u,%u rto:%u rtt:%.3f/%.3f mss:%u cwnd:%u%s snd_wnd:%u"
            " rcv_wnd:%u rmem:0") % (
        info["snd_wscale"], info["rcv_wscale"], info["rto_ms"], info["srtt_us"] / 1000,
        info["rttvar_us"] / 1000, info["mss"], info["cwnd"] // info["mss"], extra,
        info["snd_wnd"], info["rcv_wnd"])
    assert lines[i + 1] == want, "%r, want %r" % (lines[i + 1], want)
    log(lines[i] + "\n" + lines[i + 1])


def test_list_names_each_timer_as_ss_does():
    # A crafted client holds the connection in each timer's case: data
    # unacknowledged ("on", as ss -o says), a zero window ("persist"),
    # TIME-WAIT ("timewait"); the same in text, timer:(NAME,SECONDS,COUNT).
    from test_datapath import Peer
    port = 8607
    with hskdev.Listener(port) as ls, Wire() as w:
        p = Peer(w, ls, port)
        me = "%s:%u" % (p.cl.src, p.cl.sport)

        def row():
            rows = [r for r in hskctl_json("list", "-j", "-p", str(port)) if r["peer"] == me]
            text = [t for t in hskctl_out("list", "-p", str(port)).splitlines() if me in t]
            assert len(rows) == 1 and len(text) == 1, (rows, text)
            return rows[0], text[0]

        try:
            r, t = row()
            assert (r["timer"], r["timer_ms"]) == ("off", 0), r
            assert "timer:" not in t, t
            os.write(p.fd, b"hello")
            p.expect("PA", p.rcv, p.snd, length=5)
            r, t = row()
            assert r["timer"] == "on" and 0 < r["timer_ms"] <= 1000, r
            assert re.search(r" timer:\(on,\d\.\d{3}s,0\)$", t), t
            # The ACK shuts the window; the next write waits for a probe.
            p.send("A", ack=p.rcv + 5, window=0)
            time.sleep(0.2)
            os.write(p.fd, b"world")
            r, t = row()
            assert r["timer"] == "persist" and r["timer_ms"] > 0, r
            assert re.search(r" timer:\(persist,\d\.\d{3}s,0\)$", t), t
            # Window open, everything acked; our FIN, theirs: TIME-WAIT.
            p.send("A", ack=p.rcv + 5, window=65535)
            p.expect("PA", p.rcv + 5, p.snd, length=5)
            p.close()
            p.expect("FA", p.rcv + 10, p.snd)
            p.send("FA", ack=p.rcv + 11)
            p.expect("A", p.rcv + 11, p.snd + 1)
            r, t = row()
            assert r["state"] == "TIME-WAIT" and r["timer"] == "timewait" and \
                r["timer_ms"] > 0, r
            assert re.search(r" timer:\(timewait,\d+\.\d{3}s,0\)$", t), t
        finally:
            p.close()


@slow
def test_dump_of_100000_half_open_entries():
    n = 100000
    port = 8610
    with knobs(max_syn_backlog=1 << 18, syncookies=0, synack_retries=12), \
            hskdev.Listener(port, backlog=16):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
        t0 = time.monotonic()
        try:
            assert syn_batch(port, 0, 1)[0] == bytes(
                seg("S", seq=0, sport=1024, dport=port, src="198.18.0.1")), \
                "syn_batch does not build what scapy builds"
            sent = 0
            while sent < n:
                for p in syn_batch(port, sent, min(5000, n - sent)):
                    s.sendto(p, (hsklib.DEV, hsklib.ETH_P_IP))
                sent = min(n, sent + 5000)
                assert time.monotonic() - t0 < 90, "only %d SYNs sent in 90 s" % sent
        finally:
            s.close()
        made = time.monotonic() - t0
        wait_for(lambda: int(listeners_proc()[port]["Half-Open"]) >= n, 10,
                 "%d half-open entries" % n, step=0.2)
        # Let the table's last resize finish: a walk meeting a rehash may
        # repeat entries (netlink.c says so), and then the count is off.
        wait_for(synq_settled, 15, "the half-open table to settle", step=0.2)
        half_open = int(listeners_proc()[port]["Half-Open"])
        t1 = time.monotonic()
        p = hskctl("list", "-s", "SYN-RECV", timeout=120)
        took = time.monotonic() - t1
        after = int(listeners_proc()[port]["Half-Open"])
        assert p.returncode == 0 and not p.stderr, "hskctl: exit %d: %s" % (
            p.returncode, p.stderr.strip())
        lines = p.stdout.splitlines()
        rows = lines[1:]
        peers = {l.split()[4] for l in rows}
        print("# %d SYNs in %.1fs; hskctl list -s SYN-RECV listed %d rows in %.1fs" % (
            n, made, len(rows), took))
        assert half_open == after == n, "Half-Open moved or is off: %d, then %d (want %d)" % (
            half_open, after, n)
        assert all(l.startswith("SYN-RECV ") and l.split()[3] == "%s:%d" % (PEER, port)
                   for l in rows), "not a half-open row: %s" % [
                       l for l in rows if not l.startswith("SYN-RECV")][:3]
        assert len(rows) == n, "listed %d half-open rows, want %d" % (len(rows), n)
        assert len(peers) == n, "%d distinct peers among %d rows" % (len(peers), len(rows))
        assert took < 60, "the dump took %.1fs" % took
        c = hsklib.Counters()
        t2 = time.monotonic()
    # The close resets every entry, in rounds that the host's backlog
    # keeps up with: each RST reaches the host (none in rx_dropped).
    d = c.delta()
    print("# closing the listener reset %d entries in %.1fs" % (d["OutRsts"],
                                                              time.monotonic() - t2))
    assert d["OutRsts"] == n and d["rx_dropped"] == 0, \
        "close: %d RSTs, %d dropped by the host (want %d, 0)" % (
            d["OutRsts"], d["rx_dropped"], n)
    assert n not in [int(r["Half-Open"]) for r in listeners_proc().values()]


def synq_settled():
    """/proc/net/hsk/synq: the table is big enough not to grow again
    (hsk's grows above 5/4 entries per bucket) and did not change."""
    def read():
        with open("/proc/net/hsk/synq") as f:
            return dict((l.split()[0], int(l.split()[1])) for l in f)
    a = read()
    time.sleep(0.3)
    b = read()
    return a == b and b["entries"] * 4 <= b["buckets"] * 5


# --- errors --------------------------------------------------------------------

def test_errors_without_permission_and_without_the_module():
    hskctl_bin()
    for args in (["list", "-j"], ["stats"]):
        p = hskctl(*args, prefix=NOBODY)
        assert p.returncode == 1, "as nobody, hskctl %s: exit %d" % (" ".join(args), p.returncode)
        assert p.stdout == "", "as nobody, hskctl %s printed before failing: %r" % (
            " ".join(args), p.stdout)
        assert "permission" in p.stderr.lower() and p.stderr.count("\n") == 1, \
            "as nobody, hskctl %s: %r" % (" ".join(args), p.stderr)
    hsklib.rmmod()
    try:
        for args in (["list"], ["stats", "-j"]):
            p = hskctl(*args)
            assert p.returncode == 1 and p.stdout == "", "module unloaded, hskctl %s: exit " \
                "%d, stdout %r" % (" ".join(args), p.returncode, p.stdout)
            assert "not loaded" in p.stderr and p.stderr.count("\n") == 1, \
                "module unloaded, hskctl %s: %r" % (" ".join(args), p.stderr)
        p = hskctl("list", prefix=NOBODY)
        assert p.returncode == 1 and p.stdout == "" and "not loaded" in p.stderr, \
            "unloaded, as nobody: exit %d %r %r" % (p.returncode, p.stdout, p.stderr)
    finally:
        hsklib.insmod()
        hsklib.configure()
    p = hskctl("frob")
    assert p.returncode == 2 and "usage" in p.stderr, "bad usage: %d %r" % (p.returncode, p.stderr)
    assert hskctl_json("list", "-j") is not None


def test_bad_usage_exits_2():
    # hskctl(8): 2 for bad usage, with what is wrong and the usage on
    # stderr, nothing on stdout; a port is 0 to 65535, a state a name.
    for args, what in ((["list", "-s", "bogus"], "unknown state bogus"),
                       (["list", "-p", "abc"], "bad port abc"),
                       (["list", "-p", "-1"], "bad port -1"),
                       (["list", "-p", "65536"], "bad port 65536"),
                       (["list", "-p", "80x"], "bad port 80x"),
                       (["list", "extra"], "unexpected argument extra"),
                       (["stats", "-j", "extra"], "unexpected argument extra"),
                       (["list", "-x"], "invalid option"),
                       (["stats", "-x"], "invalid option")):
        p = hskctl(*args)
        assert p.returncode == 2 and p.stdout == "", "hskctl %s: exit %d, stdout %r" % (
            " ".join(args), p.returncode, p.stdout)
        assert what in p.stderr and "usage: hskctl list" in p.stderr, \
            "hskctl %s: %r" % (" ".join(args), p.stderr)
    assert hskctl_json("list", "-j", "-p", "65535") is not None


def test_stats_deltas_across_a_module_reload():
    """A reload zeroes the counters under a history of higher values: as
    nstat, a delta is never larger than the counter itself (nstat shows
    such a counter as 0, "overflow"); no wrapped-around 2^64 - n."""
    tmp = tempfile.mkdtemp(prefix="hskctl-hist.")
    hist = os.path.join(tmp, "history")
    env = {"HSKCTL_HISTORY": hist}
    try:
        with Link() as k:
            for _ in range(3):
                k.send(seg("S", dport=9))
        hskctl_json("stats", "-j", env=env)
        with open(hist, "rb") as f:
            saved = f.read()
        assert re.search(rb"^InSegs [1-9]", saved, re.M), saved
        hsklib.rmmod()
        hsklib.insmod()
        hsklib.configure()
        with Link() as k:
            k.send(seg("S", dport=9))

        def call():
            with open(hist, "wb") as f:
                f.write(saved)
            return hskctl_json("stats", "-j", env=env)
        proc, out = stable(call)
        wrapped = {k: v for k, v in out["hsk"].items() if v > proc[k]}
        assert not wrapped, "after a reload, deltas larger than the counters (%s): %s" % (
            {k: proc[k] for k in wrapped}, wrapped)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_stats_history_in_tmp_is_not_followed_through_a_symlink():
    """Root's history goes to /tmp/.hskctl.u0 by default, in a directory
    anyone can write: a symlink planted there by another user must not make
    hskctl overwrite its target (nstat opens its history O_NOFOLLOW and
    refuses a file that is not the caller's). fs.protected_symlinks is the
    kernel's default, 0, for the test (systemd raises it; hskctl must not
    depend on that)."""
    path = "/tmp/.hskctl.u%d" % os.getuid()
    fd, victim = tempfile.mkstemp(prefix="hskctl-victim.")
    os.write(fd, b"precious\n")
    os.close(fd)
    knob = "/proc/sys/fs/protected_symlinks"
    with open(knob) as f:
        saved = f.read().strip()
    try:
        if os.path.lexists(path):
            os.unlink(path)
        os.symlink(victim, path)
        os.lchown(path, 65534, 65534)
        with open(knob, "w") as f:
            f.write("0")
        env = dict(os.environ)
        env.pop("HSKCTL_HISTORY", None)
        p = subprocess.run([hskctl_bin(), "stats"], capture_output=True, text=True,
                           timeout=60, env=env, stdin=subprocess.DEVNULL)
        with open(victim, "rb") as f:
            after = f.read()
        assert after == b"precious\n", "hskctl stats (exit %d) wrote through the symlink " \
            "%s -> %s: %r" % (p.returncode, path, victim, after[:120])
    finally:
        with open(knob, "w") as f:
            f.write(saved)
        if os.path.lexists(path):
            os.unlink(path)
        os.unlink(victim)


# --- tracepoints ---------------------------------------------------------------

class Trace:
    """A tracefs instance of its own with events/hsk/* enabled."""

    def __init__(self):
        if not os.path.isdir(TRACEFS + "/instances"):
            run(["mount", "-t", "tracefs", "tracefs", TRACEFS], check=False)
        self.dir = "%s/instances/hsk_test_%d" % (TRACEFS, os.getpid())
        os.mkdir(self.dir)
        self.write("buffer_size_kb", "4096")
        self.write("events/hsk/enable", "1")

    def write(self, name, value):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(value)

    def lines(self):
        with open(os.path.join(self.dir, "trace")) as f:
            return [l for l in f.read().splitlines() if not l.startswith("#")]

    def events(self):
        """[(event, {field: value})] from the text the kernel formats."""
        out = []
        for l in self.lines():
            m = re.search(r" (\d+\.\d+): (hsk_\w+): (.*)$", l)
            if not m:
                continue
            ts, ev, text = m.groups()
            f = None
            if ev == "hsk_state_change":
                g = re.fullmatch(r"([\d.]+):(\d+) ([\d.]+):(\d+) (\w+) -> (\w+)", text)
                if g:
                    f = dict(local="%s:%s" % g.group(1, 2), peer="%s:%s" % g.group(3, 4),
                             old=g.group(5), new=g.group(6))
            elif ev == "hsk_drop":
                g = re.fullmatch(r"(\w+) ([\d.]+) > ([\d.]+)", text)
                if g:
                    f = dict(reason=g.group(1), saddr=g.group(2), daddr=g.group(3))
            elif ev == "hsk_synack_retrans":
                g = re.fullmatch(r"([\d.]+):(\d+) ([\d.]+):(\d+) retrans (\d+)", text)
                if g:
                    f = dict(local="%s:%s" % g.group(1, 2), peer="%s:%s" % g.group(3, 4),
                             retrans=int(g.group(5)))
            assert f is not None, "unparsable trace line: %r" % l
            f["ts"] = float(ts)
            out.append((ev, f))
        return out

    def close(self):
        try:
            self.write("events/hsk/enable", "0")
        finally:
            os.rmdir(self.dir)


def expect_event(evs, ev, **fields):
    """The one event ev with these fields; its fields (and "ts")."""
    hit = [f for e, f in evs if e == ev and all(f.get(k) == v for k, v in fields.items())]
    assert len(hit) == 1, "want one %s %s, got %d; %s events: %s" % (
        ev, fields, len(hit), ev, [f for e, f in evs if e == ev])
    return hit[0]


def test_tracepoints_fire_with_their_fields():
    for ev, fields in (("hsk_state_change", ["laddr", "raddr", "lport", "rport", "oldstate",
                                             "newstate"]),
                       ("hsk_drop", ["reason", "saddr", "daddr"]),
                       ("hsk_synack_retrans", ["laddr", "raddr", "lport", "rport",
                                               "num_timeout"])):
        with open("%s/events/hsk/%s/format" % (TRACEFS, ev)) as f:
            fmt = f.read()
        have = re.findall(r"field:[^;]*?(\w+)(?:\[\w*\])?;", fmt.split("\n\n", 1)[1])
        assert have == fields, "%s fields %s, want %s" % (ev, have, fields)
    tr = Trace()
    lp = "%s:%%d" % PEER
    try:
        with hskdev.Listener(8700, backlog=0) as ls, hskdev.Listener(8701) as lr, \
                Wire() as w:
            # A SYN-ACK that will be retransmitted once, a second from now.
            r = Client(w, 8701)
            r.syn()
            t_r = time.monotonic()
            # The passive open and the close diagram of one connection.
            a = Client(w, 8700)
            a.synack()
            a.ack()
            a.send("FA", a.isn + 1, a.iss + 1)                  # -> CLOSE_WAIT
            ack = a.one()
            assert flag_str(ack.flags) == "A" and ack.ack == (a.isn + 2) & 0xFFFFFFFF, ack
            # The accept queue (backlog 0) holds a: b's SYN overflows.
            b = Client(w, 8700)
            b.syn()
            assert not b.replies(0.3), "a SYN into a full accept queue was answered"
            fd, _, _ = ls.accept()
            os.close(fd)                                        # -> LAST_ACK
            fin = a.one()
            assert flag_str(fin.flags) == "FA", fin
            a.send("A", a.isn + 2, a.iss + 2)                   # -> CLOSE
            # An embryonic reset: SYN_RECV -> CLOSE.
            e = Client(w, 8701)
            e.synack()
            e.send("R", e.isn + 1)
            # A malformed packet.
            bad = seg("S", dport=8700)
            raw = bytearray(bytes(bad))
            raw[10] ^= 0xFF
            w.link.send(raw)
            wait_for(lambda: any(ev == "hsk_synack_retrans" for ev, _ in tr.events()),
                     max(0.5, t_r + 3.0 - time.monotonic()), "a SYN-ACK retransmission",
                     step=0.1)
            evs = tr.events()
    finally:
        tr.close()
    log("trace: %s" % evs)
    pa, pb, pe, pr = peer_of(a), peer_of(b), peer_of(e), peer_of(r)
    expect_event(evs, "hsk_state_change", local=lp % 8700, peer=pa, old="LISTEN", new="SYN_RECV")
    expect_event(evs, "hsk_state_change", local=lp % 8700, peer=pa, old="SYN_RECV",
                 new="ESTABLISHED")
    expect_event(evs, "hsk_state_change", local=lp % 8700, peer=pa, old="ESTABLISHED",
                 new="CLOSE_WAIT")
    expect_event(evs, "hsk_state_change", local=lp % 8700, peer=pa, old="CLOSE_WAIT",
                 new="LAST_ACK")
    expect_event(evs, "hsk_state_change", local=lp % 8700, peer=pa, old="LAST_ACK", new="CLOSE")
    expect_event(evs, "hsk_state_change", local=lp % 8701, peer=pe, old="LISTEN", new="SYN_RECV")
    expect_event(evs, "hsk_state_change", local=lp % 8701, peer=pe, old="SYN_RECV", new="CLOSE")
    syn = expect_event(evs, "hsk_state_change", local=lp % 8701, peer=pr, old="LISTEN",
                       new="SYN_RECV")
    expect_event(evs, "hsk_drop", reason="ListenOverflows", saddr=b.src, daddr=PEER)
    expect_event(evs, "hsk_drop", reason="DropIpCsum", saddr=bad[IP].src, daddr=PEER)
    resend = expect_event(evs, "hsk_synack_retrans", local=lp % 8701, peer=pr, retrans=1)
    assert 0.95 <= resend["ts"] - syn["ts"] <= 2.0, \
        "SYN-ACK resent %.3fs after the SYN, want 1 s" % (resend["ts"] - syn["ts"])
    # Nothing else: b never got an entry, a's peers only those.
    sc = [f for ev, f in evs if ev == "hsk_state_change"]
    assert len(sc) == 8, "state changes: %s" % sc
    assert [ev for ev, _ in evs].count("hsk_drop") == 2, evs
    # Resends only for r's entry, or for e's if a slow host took over a
    # second between e's SYN and its RST: a's entry completed at once and b
    # never had one.
    rt = [f for ev, f in evs if ev == "hsk_synack_retrans"]
    assert all(f["peer"] in (pr, pe) for f in rt), rt
    assert [f["retrans"] for f in rt if f["peer"] == pr] == \
        list(range(1, 1 + sum(f["peer"] == pr for f in rt))), rt


def test_tracepoints_with_perf():
    """perf sees the three events and decodes them as tracefs does. perf
    parses each event's "print fmt" in user space (libtraceevent), so the
    format must use only what it understands: symbols that are numbers in
    the format file, no address-of (&) operator."""
    bad = []
    for ev in ("hsk_state_change", "hsk_drop", "hsk_synack_retrans"):
        with open("%s/events/hsk/%s/format" % (TRACEFS, ev)) as f:
            pf = [l for l in f.read().splitlines() if l.startswith("print fmt:")][0]
        if "&REC->" in pf:
            bad.append("%s: address-of operator in print fmt (libtraceevent: \"bad op "
                       "token &\")" % ev)
        syms = sorted(set(re.findall(r"\{ (HSK_\w+),", pf)))
        if syms:
            bad.append("%s: unresolved enum symbols in print fmt (no TRACE_DEFINE_ENUM): %s"
                       % (ev, " ".join(syms)))
    perf = shutil.which("perf")
    if perf is None:
        print("# perf is not installed in the guest: perf checks skipped")
    else:
        with timed("perf list"):
            p = run([perf, "list", "hsk:*"], check=False, timeout=60)
        listed = re.findall(r"hsk:(\w+)\s+\[Tracepoint event\]", p.stdout)
        assert sorted(listed) == ["hsk_drop", "hsk_state_change", "hsk_synack_retrans"], \
            "perf list 'hsk:*': %r" % p.stdout
        # perf stat is the quick one (perf record and perf trace take a
        # minute each under TCG): it opens the events as any perf tool does
        # and counts them over a workload that causes one state change and
        # one drop.
        events = ["hsk:hsk_state_change", "hsk:hsk_drop", "hsk:hsk_synack_retrans"]
        with hskdev.Listener(8710):
            tmp = tempfile.mkdtemp(prefix="hsk-perf.")
            try:
                script = os.path.join(tmp, "fire.py")
                with open(script, "w") as f:
                    f.write(PERF_WORKLOAD % dict(here=hsklib.HERE))
                with timed("perf stat"):
                    p = run([perf, "stat", "-x", ",", "-e", ",".join(events), "--",
                             "python3", script], check=False, timeout=120)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        log("perf stat: %r %r" % (p.stdout, p.stderr))
        assert p.returncode == 0, "perf stat: exit %d: %s" % (p.returncode, p.stderr)
        counts = {}
        for l in p.stderr.splitlines():
            v = l.split(",")
            if len(v) > 2 and v[2] in events:
                counts[v[2]] = v[0]
        assert counts == {"hsk:hsk_state_change": "1", "hsk:hsk_drop": "1",
                          "hsk:hsk_synack_retrans": "0"}, "perf stat counted %s" % counts
        warn = sorted(set(re.findall(r"\[hsk:\w+\] [^\n]*", p.stderr)))
        if warn:
            bad.append("perf's parser (libtraceevent) rejects the formats: %s" % warn)
    assert not bad, "the tracepoints are not usable from perf (perf script and perf trace " \
        "--libtraceevent_print print them as [FAILED TO PARSE]):\n  " + "\n  ".join(bad)


PERF_WORKLOAD = """
import sys
sys.path.insert(0, %(here)r)
import hsklib
p = hsklib.seg("S", dport=8710)
with hsklib.Link() as k:
    k.send(p)
    bad = bytearray(bytes(hsklib.seg("S", dport=8710)))
    bad[10] ^= 0xFF
    k.send(bad)
print(p[hsklib.IP].src, p[hsklib.TCP].sport)
"""


# --- installation ----------------------------------------------------------

def test_make_install_into_destdir():
    """make install DESTDIR=... KDIR=<the guest's headers>, in the guest:
    modules_install into extra/ (signed, compressed as the kernel's config
    says), hskctl, its man page and the uapi header under DESTDIR.

    Building hsk under TCG takes 6 to 15 minutes, and even kbuild's
    up-to-date check costs a minute (its cc-option probes run gcc some 30
    times). So this is "make install" after a "make": tools/vm/run built
    build/<release>/src with the same kbuild command as install's `module`
    prerequisite and against the very headers the guest sees (the host's
    root is the guest's), and make is told so (-o module). A tmpfs copy of
    that tree goes over it in a mount namespace of the test's own, with the
    Makefile and hskctl's sources beside it: kbuild's modules.order names
    the module by that path, and the repository stays untouched."""
    tree = os.path.join(REPO, "build", RELEASE, "src")
    assert os.path.exists(os.path.join(tree, "hsk.ko")), "no %s/hsk.ko" % tree
    hskctl_bin()
    tmp = tempfile.mkdtemp(prefix="hsk-install.")
    try:
        src = os.path.join(tmp, "src")
        dest = os.path.join(tmp, "dest")
        # What install reads once the module is built: the module and
        # kbuild's list of it, the Makefile, hskctl (built by `make tools`
        # above) and what it installs; not the objects.
        with timed("copy"):
            os.makedirs(os.path.join(src, "mod", "uapi"))
            for f in ("Kbuild", "Kconfig", "hsk.ko", "modules.order", "Module.symvers"):
                shutil.copy2(os.path.join(tree, f), src)
            shutil.copy2(os.path.join(tree, "mod", "uapi", "hsk.h"),
                         os.path.join(src, "mod", "uapi"))
            shutil.copy2(os.path.join(REPO, "Makefile"), src)
            os.makedirs(os.path.join(src, "tools", "hskctl"))
            for f in ("hskctl.c", "hskctl.8"):
                shutil.copy2(os.path.join(REPO, "tools", "hskctl", f),
                             os.path.join(src, "tools", "hskctl"))
            os.makedirs(os.path.join(src, "build", "bin"))
            shutil.copy2(HSKCTL, os.path.join(src, "build", "bin"))
        kdir = "/lib/modules/%s/build" % RELEASE
        cmd = "mount --bind %s %s && exec make -C %s -o module install DESTDIR=%s KDIR=%s" % (
            src, tree, tree, dest, kdir)
        t0 = time.monotonic()
        try:
            p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", cmd],
                               capture_output=True, text=True, timeout=170,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise AssertionError("make install still running after 170 s (compiling? "
                                 "build/%s/src not up to date): %s" % (RELEASE, e.stdout))
        log("make install: %.1fs" % (time.monotonic() - t0))
        out = p.stdout + p.stderr
        assert p.returncode == 0, "make install: exit %d:\n%s" % (p.returncode, out[-3000:])
        built = [l for l in out.splitlines() if re.match(r"\s+(CC|LD) \[M\]", l)]
        assert not built, "make install rebuilt: %s" % built
        ko = os.path.join(dest, "lib", "modules", RELEASE, "extra", "hsk.ko" + ko_suffix())
        files = sorted(os.path.relpath(os.path.join(d, f), dest)
                       for d, _, fs in os.walk(dest) for f in fs)
        assert files == sorted([os.path.relpath(ko, dest), "usr/local/sbin/hskctl",
                                "usr/local/share/man/man8/hskctl.8",
                                "usr/local/include/linux/hsk.h"]), \
            "installed: %s" % files
        with timed("modinfo"):
            info = modinfo(ko)
            kernel_vermagic = modinfo_name("9pnet")["vermagic"]
        assert info["name"] == "hsk" and info["vermagic"] == kernel_vermagic, \
            "vermagic %r (the kernel's modules: %r)" % (info.get("vermagic"), kernel_vermagic)
        assert info["vermagic"].split()[0] == RELEASE, info["vermagic"]
        sbin = os.path.join(dest, "usr/local/sbin/hskctl")
        assert os.stat(sbin).st_mode & 0o777 == 0o755, oct(os.stat(sbin).st_mode)
        for inst, orig in (("usr/local/share/man/man8/hskctl.8", "tools/hskctl/hskctl.8"),
                           ("usr/local/include/linux/hsk.h", "mod/uapi/hsk.h")):
            with open(os.path.join(dest, inst), "rb") as a, \
                    open(os.path.join(REPO, orig), "rb") as b:
                assert a.read() == b.read(), "%s differs from %s" % (inst, orig)
            assert os.stat(os.path.join(dest, inst)).st_mode & 0o777 == 0o644, inst
        # The installed hskctl works; the man page renders.
        p = subprocess.run([sbin, "list", "-j", "-l"], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0 and isinstance(json.loads(p.stdout), list), p
        with timed("man"):
            p = subprocess.run(["man", "-l", "-P", "cat", os.path.join(
                dest, "usr/local/share/man/man8/hskctl.8")], capture_output=True, text=True,
                timeout=60, env=dict(os.environ, MANWIDTH="80"))
        assert p.returncode == 0 and "hskctl" in p.stdout and "SYNOPSIS" in p.stdout, \
            "man: %d %r" % (p.returncode, p.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ko_suffix():
    """What modules_install appends to .ko: the kernel's module compression."""
    with open("/lib/modules/%s/build/.config" % RELEASE) as f:
        conf = f.read()
    for opt, suffix in (("XZ", ".xz"), ("ZSTD", ".zst"), ("GZIP", ".gz")):
        if re.search(r"^CONFIG_MODULE_COMPRESS_%s=y$" % opt, conf, re.M):
            return suffix
    return ""


def modinfo(path):
    p = run(["modinfo", path])
    return dict((l.split(":", 1)[0], l.split(":", 1)[1].strip())
                for l in p.stdout.splitlines() if ":" in l)


def modinfo_name(name):
    p = run(["modinfo", "-k", RELEASE, name])
    return dict((l.split(":", 1)[0], l.split(":", 1)[1].strip())
                for l in p.stdout.splitlines() if ":" in l)


def test_dkms_install_and_load():
    """dkms with its trees in tmpfs (--dkmstree, --sourcetree,
    --installtree), nothing written to the read-only root (--no-depmod:
    depmod would write /lib/modules/<release>/modules.dep).

    A dkms build compiles from scratch (CLEAN, then MAKE[0]): 6 to 15
    minutes under TCG, past the runner's 180 s. So by default the build
    comes as dkms distributes binaries (mktarball's format, dkms
    ldtarball): the sources and dkms.conf of this tree plus the module
    tools/vm/run built for this kernel; then dkms install puts it in the
    install tree and it must load and work. HSK_SLOW_TESTS=1 runs the real
    dkms build instead (MAKE[0] of dkms.conf, about 10 minutes)."""
    if shutil.which("dkms") is None:
        raise AssertionError("dkms is not installed (tools/deps installs it)")
    slow = os.environ.get("HSK_SLOW_TESTS") == "1"
    if slow:
        signal.alarm(1500)  # this test only: the runner resets it after
    version = dkms_conf()["PACKAGE_VERSION"]
    tmp = tempfile.mkdtemp(prefix="hsk-dkms.")
    trees = ["--dkmstree", tmp + "/tree", "--sourcetree", tmp + "/src",
             "--installtree", tmp + "/inst"]
    for d in ("tree", "src", "inst/" + RELEASE):
        os.makedirs(os.path.join(tmp, d))
    pkg = os.path.join(tmp, "pkg")
    os.makedirs(pkg)
    for f in ("Kbuild", "Kconfig", "Makefile", "dkms.conf"):
        shutil.copy2(os.path.join(REPO, f), pkg)
    shutil.copytree(os.path.join(REPO, "mod"), os.path.join(pkg, "mod"),
                    ignore=shutil.ignore_patterns("*.o", "*.cmd", ".*.cmd", "*.ko", "*.mod*"))
    mv = "hsk/" + version
    try:
        if slow:
            dkms("add", pkg, *trees)
            dkms("build", mv, "-k", RELEASE, *trees, timeout=1400)
        else:
            with timed("tarball"):
                tarball = make_dkms_tarball(tmp, pkg, version)
            dkms("ldtarball", tarball, *trees)
        dkms("install", mv, "-k", RELEASE, "--no-depmod", *trees)
        st = dkms("status", mv, "-k", RELEASE, *trees).stdout
        assert re.search(r"^hsk/%s, %s, x86_64: installed$" % (re.escape(version),
                                                                re.escape(RELEASE)),
                         st, re.M), "dkms status after install: %r" % st
        kos = sorted(os.path.relpath(os.path.join(d, f), tmp + "/inst")
                     for d, _, fs in os.walk(tmp + "/inst") for f in fs)
        # Debian's dkms puts modules in updates/dkms whatever
        # DEST_MODULE_LOCATION says (override_dest_module_location).
        # dkms compresses what it builds as the kernel does; a module
        # from a tarball is installed as it came.
        assert kos in (["%s/updates/dkms/hsk.ko" % RELEASE],
                       ["%s/updates/dkms/hsk.ko%s" % (RELEASE, ko_suffix())]), \
            "dkms installed %s" % kos
        ko = os.path.join(tmp, "inst", kos[0])
        info = modinfo(ko)
        assert info["vermagic"] == modinfo_name("9pnet")["vermagic"], info
        # It loads in place of the running module, and works.
        t0 = time.monotonic()
        hsklib.rmmod()
        try:
            run(["insmod", ko], timeout=60)
            assert os.path.isdir("/sys/class/net/hsk0"), "no hsk0 after loading dkms' module"
            hsklib.configure()
            with hskdev.Listener(8720) as ls:
                s = connect_timeout(8720, 5)
                assert s, "no connection through dkms' module"
                fd, peer, _ = ls.accept()
                assert peer == s.getsockname(), peer
                os.close(fd)
                s.close()
        finally:
            hsklib.load_fresh()
            log("load, use, reload: %.1fs" % (time.monotonic() - t0))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def dkms(*args, timeout=300):
    with timed("dkms " + args[0]):
        p = run(["dkms"] + list(args), check=False, timeout=timeout)
    assert p.returncode == 0, "dkms %s: exit %d:\n%s" % (
        " ".join(args), p.returncode, (p.stdout + p.stderr)[-3000:])
    return p


def dkms_conf():
    out = {}
    with open(os.path.join(REPO, "dkms.conf")) as f:
        for l in f:
            m = re.match(r'^(\w+(?:\[\d+\])?)="?(.*?)"?$', l.strip())
            if m:
                out[m.group(1)] = m.group(2)
    return out


def make_dkms_tarball(tmp, pkg, version):
    """What `dkms mktarball` writes for hsk/VERSION built for this kernel:
    dkms_source_tree/ (the sources, dkms.conf) and
    dkms_main_tree/<release>/x86_64/module/hsk.ko."""
    top = os.path.join(tmp, "tarball")
    shutil.copytree(pkg, os.path.join(top, "dkms_source_tree"))
    mdir = os.path.join(top, "dkms_main_tree", RELEASE, "x86_64", "module")
    os.makedirs(mdir)
    os.makedirs(os.path.join(top, "dkms_main_tree", RELEASE, "x86_64", "log"))
    # Stripped of debug info, as dkms build leaves what it builds.
    run(["strip", "-g", "-o", os.path.join(mdir, "hsk.ko"), hsklib.KO])
    out = os.path.join(tmp, "hsk-%s-kernel%s-x86_64.dkms.tar" % (version, RELEASE))
    run(["tar", "-C", top, "-cf", out, "."])
    return out
