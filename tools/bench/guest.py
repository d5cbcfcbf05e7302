#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmarks of issue 7, run inside one 6.1 guest (tools/bench/run).

hsk beside Linux's own listener, in one boot, doing the same work:

  syn     ns per SYN injected in-kernel (tools/bench/kmod): hsk's floor
          (parse and drop), hsk with cookies and with state, Linux with
          cookies and with state; 1 and 2 CPUs for the cookie modes
  conn    connections per second of real clients (tools/bench/connect)
          at 1 to 16 client threads, until the server has accepted them all
  memory  bytes per half-open entry at 1k, 100k and 1M entries
  flat    ns per SYN and per third ACK with 1k and with 1M entries
  data    one connection through an echo server (tools/examples/hsk-echo,
          tools/bench/tcp-server --echo): one-byte requests and their
          replies per second, and a stream sent and echoed at once

Writes every figure, its runs and the checks made on the way as JSON;
tools/bench/report turns that into the table. Each run is checked against
the engine's and Linux's counters and the sink's, so a run that measured
drops fails instead of passing as a result.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REL = os.uname().release
RUN = "/sys/kernel/debug/hsk_bench/run"
HSK_SYSCTL = "/proc/sys/net/hsk/"

HSK_DST = "10.77.0.2"       # behind hsk0
LINUX_DST = "10.88.0.1"     # bench0's own address: Linux's listener
NS_DST = "10.99.0.2"        # the Linux server in its namespace, behind veth
BIG_BACKLOG = 1 << 22       # Linux: somaxconn, tcp_max_syn_backlog, listen()
HSK_MAX = 1 << 24           # net.hsk.max_syn_backlog and somaxconn maximum

procs = []


def log(*args):
    print("bench:", *args, flush=True)


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def read(path):
    with open(path) as f:
        return f.read()


def sysctl(name, value):
    write("/proc/sys/" + name.replace(".", "/"), value)


def hsk_knob(name, value):
    write(HSK_SYSCTL + name, value)


def hsk_stats():
    return {k: int(v) for k, v in (l.split() for l in read("/proc/net/hsk/stats").splitlines())}


def linux_stats():
    """TcpExt, Tcp and Ip counters, as nstat names them."""
    out = {}
    for path in ("/proc/net/netstat", "/proc/net/snmp"):
        lines = read(path).splitlines()
        for names, values in zip(lines[::2], lines[1::2]):
            prefix, names = names.split(":", 1)
            _, values = values.split(":", 1)
            for n, v in zip(names.split(), values.split()):
                out[prefix + n] = int(v)
    return out


def delta(after, before, name):
    return after.get(name, 0) - before.get(name, 0)


def slab(name):
    """One /proc/slabinfo line as a dict, or None."""
    for line in read("/proc/slabinfo").splitlines():
        f = line.split()
        if f and f[0] == name:
            return {"active_objs": int(f[1]), "num_objs": int(f[2]),
                    "objsize": int(f[3]), "objperslab": int(f[4]),
                    "pagesperslab": int(f[5]), "num_slabs": int(f[14])}
    return None


def synq():
    return {k: int(v) for k, v in (l.split() for l in read("/proc/net/hsk/synq").splitlines())}


def bench(cmds):
    """Runs commands in the bench module; one dict per command."""
    text = ";".join(cmds) if isinstance(cmds, list) else cmds
    try:
        write(RUN, text)
    except OSError as e:
        raise SystemExit("bench: %s: %s: %s" % (text, e, read(RUN).strip()))
    out = read(RUN)
    res = []
    for line in out.splitlines():
        d = dict(kv.split("=", 1) for kv in line.split())
        for k, v in d.items():
            if re.fullmatch(r"-?\d+", v):
                d[k] = int(v)
        res.append(d)
    return res


class Check:
    """Every check made, kept for the report; a failure ends the bench."""

    def __init__(self):
        self.done = 0

    def __call__(self, ok, what):
        self.done += 1
        if not ok:
            raise SystemExit("bench: check failed: " + what)


check = Check()


def start(argv, ns=None):
    """Starts a server and waits for its "listening" line."""
    if ns:
        argv = ["ip", "netns", "exec", ns] + argv
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    check("listening" in line, "%s did not listen: %r" % (argv, line))
    # hsk-server prints a line per connection: an undrained pipe fills
    # after some 1500 and blocks it in printf, so that it stops accepting
    # (what made hsk's connection rate fall round by round).
    threading.Thread(target=p.stdout.read, daemon=True).start()
    procs.append(p)
    return p


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait()
    procs.remove(p)


def run(entry):
    """Runs @entry, then kills the servers it left, even if it failed."""
    try:
        entry()
    finally:
        for p in list(procs):
            p.kill()


def hsk_listener(accept=False, port=80):
    argv = [REPO + "/build/bin/hsk-server", "-p", str(port), "-b", str(HSK_MAX - 1),
            "--quiet"]
    return start(argv + ([] if accept else ["--no-accept"]))


def linux_listener(addr=LINUX_DST, accept=False, ns=None, port=80):
    argv = [REPO + "/build/bin/bench-tcp-server", "-a", addr, "-p", str(port),
            "-b", str(BIG_BACKLOG)]
    return start(argv + ([] if accept else ["--no-accept"]), ns)


def load_hsk(ko):
    """Loads hsk.ko from @ko, with hsk0 up and its knobs set for the bench."""
    sh("insmod " + ko)
    sh("ip link set hsk0 up && ip addr add 10.77.0.1/24 dev hsk0")
    hsk_knob("max_syn_backlog", HSK_MAX)
    hsk_knob("somaxconn", HSK_MAX)


def setup(ko=None, sink_queues=1):
    sh("mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug")
    # No IPv6 chatter (router solicitations, MLD) into hsk0 and bench0.
    sysctl("net.ipv6.conf.all.disable_ipv6", 1)
    sysctl("net.ipv6.conf.default.disable_ipv6", 1)
    load_hsk(ko or "%s/build/%s/hsk.ko" % (REPO, REL))
    sh("insmod %s/build/%s/bench/hsk_bench.ko sink_queues=%d" % (REPO, REL, sink_queues))
    sh("ip link set lo up")
    sh("ip link set bench0 up && ip addr add 10.88.0.1/24 dev bench0")
    # Both sides' SYN-ACKs end in bench0: Linux's directly, hsk's
    # forwarded from hsk0.
    sh("ip route add 198.18.0.0/15 dev bench0")
    sysctl("net.ipv4.ip_forward", 1)
    for dev in ("all", "default", "hsk0", "bench0"):
        sysctl("net.ipv4.conf.%s.rp_filter" % dev, 0)
    sysctl("net.core.somaxconn", BIG_BACKLOG)
    sysctl("net.ipv4.tcp_max_syn_backlog", BIG_BACKLOG)


class Flows:
    """Fresh flow numbers for stateful work; 2^24 in all (the module's)."""

    def __init__(self, first):
        self.next = first

    def take(self, n):
        first = self.next
        self.next += n
        check(self.next <= 1 << 24, "out of flows")
        return first


# Flows 0 .. 2^21 - 1 are for stateless runs and may be reused; the rest
# are handed out once.
STATELESS_FLOWS = 1 << 21
flows = Flows(STATELESS_FLOWS)

SIDES = {
    "hsk": {"dev": "hsk0", "via": "xmit", "dst": HSK_DST},
    "linux": {"dev": "bench0", "via": "rx", "dst": LINUX_DST},
}


def cmd(kind, side, first, count, cpus=1, track=False, chunk=None, port=80):
    s = SIDES[side]
    c = "%s dev=%s via=%s dst=%s port=%d first=%d count=%d cpus=%d" % (
        kind, s["dev"], s["via"], s["dst"], port, first, count, cpus)
    if track:
        c += " track=1"
    if chunk:
        c += " chunk=%d" % chunk
    return c


def counters(side):
    return hsk_stats() if side == "hsk" else linux_stats()


# The counter that each side bumps per SYN-ACK timer firing, per cookie
# sent, per retransmission, per connection made.
NAMES = {
    "hsk": {"timeouts": "TCPTimeouts", "cookies": "SyncookiesSent",
            "retrans": "TCPSynRetrans", "opens": "PassiveOpens",
            "drops": "ListenDrops", "qfull": "TCPReqQFullDoCookies"},
    "linux": {"timeouts": "TcpExtTCPTimeouts",
              "cookies": "TcpExtSyncookiesSent",
              "retrans": "TcpExtTCPSynRetrans",
              "opens": "TcpPassiveOpens", "drops": "TcpExtListenDrops",
              "qfull": "TcpExtTCPReqQFullDoCookies"},
}


def ns_per(r):
    return r["span_ns"] / r["count"]


def syn_stateless(side, kind, count, cpus):
    """One run of SYNs (kind syn or bad) that leave no state behind."""
    before = counters(side)
    per_cpu = count * bin(cpus).count("1")
    r = bench(cmd(kind, side, 0, per_cpu, cpus))[0]
    after = counters(side)
    check(r["ret"] == 0 and r["errors"] == 0, "%s %s: %s" % (side, kind, r))
    if kind == "bad":
        check(delta(after, before, "DropTcpCsum") == per_cpu and
              r["synack"] == 0, "floor: not all dropped as bad checksums")
    else:
        n = NAMES[side]
        check(delta(after, before, n["cookies"]) == per_cpu and
              r["synack"] == per_cpu,
              "%s cookies: %d sent, %d SYN-ACKs at the sink for %d SYNs" %
              (side, delta(after, before, n["cookies"]), r["synack"], per_cpu))
    return {"ns_per_syn": r["span_ns"] / per_cpu,
            "syn_per_s": per_cpu / (r["span_ns"] / 1e9),
            "count": per_cpu, "span_ns": r["span_ns"], "squeeze": r["squeeze"]}


def wait_counter(side, name, target, timeout=30.0):
    """Waits until counter @name reaches @target."""
    end = time.monotonic() + timeout
    while counters(side).get(name, 0) < target:
        check(time.monotonic() < end, "%s %s never reached %d" % (side, name, target))
        time.sleep(0.05)


def syn_stateful(side, count, est_ns, cpus=1):
    """
    One run of @count SYNs that each make a half-open entry, in sub-runs
    short enough (about 0.4 s) that no entry's first timer (1 s, which
    with synack_retries=0 frees it) falls inside a timed region; between
    sub-runs the entries expire untimed. A sub-run that was slow anyway
    (a busy host) is thrown away and made again. Returns the figure and the new
    estimate of ns per SYN.
    """
    n = NAMES[side]
    done, span, sub, redone = 0, 0, 0, 0
    while done < count:
        check(redone < 20, "%s state: too many slow sub-runs" % side)
        size = min(count - done, max(2000, min(25000, int(0.4e9 / est_ns))))
        first = flows.take(size)
        before = counters(side)
        r = bench(cmd("syn", side, first, size, cpus))[0]
        after = counters(side)
        check(r["ret"] == 0 and r["errors"] == 0 and r["synack"] == size and
              delta(after, before, n["cookies"]) == 0 and
              delta(after, before, n["drops"]) == 0,
              "%s state: %s, %d cookies, %d drops" %
              (side, r, delta(after, before, n["cookies"]),
               delta(after, before, n["drops"])))
        est_ns = r["span_ns"] / size
        if delta(after, before, n["timeouts"]):
            # A slow sub-run: its first entries expired inside it. Again.
            log("%s state: timers fired inside a run of %d, again" % (side, size))
            redone += 1
        else:
            done += size
            span += r["span_ns"]
            sub += 1
        # Every entry fires once (synack_retries=0) and is freed.
        wait_counter(side, n["timeouts"], before[n["timeouts"]] + size)
        time.sleep(0.05)    # and their RCU grace period passes
    return {"ns_per_syn": span / count, "count": count, "span_ns": span,
            "subruns": sub, "redone": redone}, span / count


def syn_cost(rounds, count, two_cpus=True):
    """Section 2 and 6: ns per SYN, every mode once per round."""
    hsk_knob("synack_retries", 0)
    sysctl("net.ipv4.tcp_synack_retries", 0)
    hl = hsk_listener()
    ll = linux_listener()
    runs = {}
    est = {"hsk": 50000.0, "linux": 50000.0}

    def add(mode, res):
        runs.setdefault(mode, []).append(res)
        log("%-16s %8.0f ns/SYN" % (mode, res["ns_per_syn"]))

    for rnd in range(rounds):
        log("syn round %d/%d" % (rnd + 1, rounds))
        add("hsk_floor", syn_stateless("hsk", "bad", count, 1))
        if two_cpus:
            add("hsk_floor_2cpu", syn_stateless("hsk", "bad", count // 2, 3))
        hsk_knob("syncookies", 2)
        add("hsk_cookie", syn_stateless("hsk", "syn", count, 1))
        if two_cpus:
            add("hsk_cookie_2cpu", syn_stateless("hsk", "syn", count // 2, 3))
        hsk_knob("syncookies", 1)
        res, est["hsk"] = syn_stateful("hsk", count, est["hsk"])
        add("hsk_state", res)
        sysctl("net.ipv4.tcp_syncookies", 2)
        add("linux_cookie", syn_stateless("linux", "syn", count, 1))
        if two_cpus:
            add("linux_cookie_2cpu", syn_stateless("linux", "syn", count // 2, 3))
        sysctl("net.ipv4.tcp_syncookies", 1)
        res, est["linux"] = syn_stateful("linux", count, est["linux"])
        add("linux_state", res)
    stop(hl)
    stop(ll)
    return runs


def context_switches():
    """The guest's context switches so far, all CPUs (/proc/stat ctxt)."""
    for line in read("/proc/stat").splitlines():
        if line.startswith("ctxt "):
            return int(line.split()[1])
    return 0


def accept_queue(side, server):
    """The length of @server's accept queue at port 80."""
    if side == "hsk":
        for line in read("/proc/net/hsk/listeners").splitlines()[1:]:
            f = line.split()
            if f[0].endswith(":80"):
                return int(f[1])
        check(False, "hsk: no listener at port 80")
    # The server's own view of its namespace; listeners come first, and
    # a listener's rx_queue is its accept queue (sk_ack_backlog).
    with open("/proc/%d/net/tcp" % server.pid) as f:
        f.readline()
        for line in f:
            fl = line.split()
            if fl[3] == "0A" and fl[1].endswith(":0050"):
                return int(fl[4].split(":")[1], 16)
    check(False, "linux: no listener at port 80")
    return 0


def drain(side, server, limit=60.0):
    """
    Waits until @server has accepted every connection the client made;
    returns the queue it found and the seconds it took. With more client
    threads than the server keeps up with, connections wait in the accept
    queue when the client stops: the server's work on them belongs to the
    run, so the rate counts the time it takes.
    """
    t0 = time.monotonic()
    queued = n = accept_queue(side, server)
    while n > 0 and time.monotonic() - t0 < limit:
        time.sleep(0.002)
        n = accept_queue(side, server)
    check(n == 0, "%s: %d connections still queued after %.0f s" % (side, n, limit))
    return queued, time.monotonic() - t0


def bench_netns():
    """The Linux server's namespace behind veth, once."""
    if os.path.exists("/run/netns/bench"):
        return
    sh("ip netns add bench")
    sh("ip link add veth0 type veth peer name veth1 netns bench")
    sh("ip addr add 10.99.0.1/24 dev veth0 && ip link set veth0 up")
    sh("ip -n bench addr add %s/24 dev veth1 && ip -n bench link set veth1 up"
       % NS_DST)
    sh("ip -n bench link set lo up")
    sh("ip netns exec bench sysctl -qw net.core.somaxconn=%d" % BIG_BACKLOG)


def conn_rate(rounds, secs, threads):
    """
    Section 5: real clients against hsk-server and a Linux listener, at
    each client thread count in @threads (each side's capacity is its best).
    """
    hsk_knob("synack_retries", 5)
    hsk_knob("syncookies", 1)
    sysctl("net.ipv4.tcp_synack_retries", 5)
    sysctl("net.ipv4.tcp_syncookies", 1)
    sysctl("net.ipv4.ip_local_port_range", "1024 65535")
    bench_netns()
    servers = {"hsk": hsk_listener(accept=True),
               "linux": linux_listener(NS_DST, accept=True, ns="bench")}
    client = REPO + "/build/bin/bench-connect"
    runs = {"hsk": [], "linux": []}
    for rnd in range(rounds):
        for n_threads in threads:
            for side, dst in (("hsk", HSK_DST), ("linux", NS_DST)):
                before = counters(side)
                ctxt0 = context_switches()
                out = subprocess.run([client, "-a", dst, "-n", str(n_threads),
                                      "-t", str(secs)], check=True,
                                     capture_output=True, text=True).stdout
                queued, drained = drain(side, servers[side])
                m = re.match(r"connections (\d+) failed (\d+) seconds ([\d.]+) rate ([\d.]+)", out)
                check(m is not None, "client said %r" % out)
                ok, failed = int(m.group(1)), int(m.group(2))
                res = {"threads": n_threads, "conns": ok, "failed": failed,
                       "secs": float(m.group(3)), "client_conn_per_s": float(m.group(4)),
                       "queued_at_end": queued, "drain_secs": drained,
                       "conn_per_s": ok / (float(m.group(3)) + drained),
                       "ctxt_per_conn": (context_switches() - ctxt0) / max(ok, 1)}
                if side == "hsk":
                    opened = delta(hsk_stats(), before, "PassiveOpens")
                    check(failed == 0 and opened >= ok,
                          "hsk: %d connects, %d failed, %d PassiveOpens" % (ok, failed, opened))
                else:
                    check(failed == 0 and ok > 0, "linux: %d connects, %d failed" % (ok, failed))
                runs[side].append(res)
                log("conn %-6s %2d threads %8.0f conn/s (%d queued, %.2f s to drain)" %
                    (side, n_threads, res["conn_per_s"], queued, drained))
            time.sleep(1)   # the last closes settle
    stop(servers["hsk"])
    stop(servers["linux"])
    return runs


ECHO_PORT = 7


def client(dst, *args):
    """One run of tools/bench/connect: its figures by name."""
    out = subprocess.run([REPO + "/build/bin/bench-connect", "-a", dst, "-p", str(ECHO_PORT)]
                         + [str(a) for a in args], check=True, capture_output=True,
                         text=True).stdout
    words = out.split()
    check(len(words) % 2 == 0 and len(words) >= 6, "client said %r" % out)
    return {k: float(v) for k, v in zip(words[::2], words[1::2])}


def data_path(rounds, rr_secs, stream_bytes):
    """
    Section 6: one connection through an echo server on each side, the
    Linux one in its namespace behind veth as for section 5: one-byte
    requests answered one at a time for @rr_secs, then @stream_bytes sent
    while their echo is read back (each byte through the server's receive
    and send paths at once). Each run checks that everything came back
    and, on hsk's side, that no connection was reset.
    """
    bench_netns()
    servers = {"hsk": start([REPO + "/build/bin/hsk-echo", "-p", str(ECHO_PORT)]),
               "linux": start([REPO + "/build/bin/bench-tcp-server", "-a", NS_DST,
                               "-p", str(ECHO_PORT), "--echo"], "bench")}
    runs = {"hsk": [], "linux": []}
    for rnd in range(rounds):
        for side, dst in (("hsk", HSK_DST), ("linux", NS_DST)):
            before = counters(side)
            rr = client(dst, "-m", "rr", "-n", 1, "-t", rr_secs)
            st = client(dst, "-m", "stream", "-n", 1, "-s", stream_bytes)
            check(st["bytes"] == stream_bytes,
                  "%s: %d bytes came back of %d" % (side, st["bytes"], stream_bytes))
            res = {"rr_per_s": rr["rate"], "transactions": rr["transactions"],
                   "stream_bytes_per_s": st["rate"], "stream_secs": st["seconds"]}
            if side == "hsk":
                after = hsk_stats()
                check(delta(after, before, "OutRsts") == 0,
                      "hsk sent %d RSTs" % delta(after, before, "OutRsts"))
                res["out_segs"] = delta(after, before, "OutSegs")
                res["delayed_acks"] = delta(after, before, "DelayedACKs")
                res["retrans_segs"] = delta(after, before, "TCPRetransSegs")
                for k, name in (("sack_recovery", "TCPSackRecovery"),
                                ("timeouts", "TCPTimeouts"),
                                ("sack_reorder", "TCPSACKReorder"),
                                ("dsack_recv", "TCPDSACKRecv"),
                                ("dsack_undo", "TCPDSACKUndo"),
                                ("loss_probes", "TCPLossProbes"),
                                ("probe_recovery", "TCPLossProbeRecovery")):
                    res[k] = delta(after, before, name)
            runs[side].append(res)
            log("data %-6s %8.0f requests/s, stream %6.1f MB/s" %
                (side, res["rr_per_s"], res["stream_bytes_per_s"] / 1e6))
    stop(servers["hsk"])
    stop(servers["linux"])
    return runs


FILL_PORT = 81


def fill(side, first, count):
    """
    Makes @count half-open entries at the fill listener, from CPU 0 only:
    with timer migration off, their SYN-ACK timers stay there.
    """
    n = NAMES[side]
    before = counters(side)
    entries = synq()["entries"] if side == "hsk" else 0
    r = bench(cmd("syn", side, first, count, chunk=16384, port=FILL_PORT))[0]
    after = counters(side)
    check(r["ret"] == 0 and r["errors"] == 0 and
          delta(after, before, n["cookies"]) == 0 and
          delta(after, before, n["drops"]) == 0,
          "%s fill: %s, %d cookies, %d drops" % (side, r, delta(after, before, n["cookies"]),
                                                 delta(after, before, n["drops"])))
    if side == "hsk":
        check(synq()["entries"] - entries == count,
              "hsk fill: %d new entries for %d SYNs" % (synq()["entries"] - entries, count))


def slab_shrink(name):
    """
    Gives back the cache's empty slabs (kmem_cache_shrink), so that pages
    emptied by the sections before are not counted against the entries.
    Slabs holding any object, live or waiting to be freed, stay.
    """
    held = slab(name)["num_slabs"]
    write("/sys/kernel/slab/%s/shrink" % name, 1)
    return held


def memory(side, n):
    """Bytes per half-open entry, all in, with @n entries."""
    cache = "hsk_req" if side == "hsk" else "request_sock_TCP"
    cached = slab_shrink(cache)
    if side == "hsk":
        q = synq()
        s = slab("hsk_req")
        check(q["entries"] == n, "hsk: %d entries, wanted %d" % (q["entries"], n))
        table = q["buckets"] * q["bucket_bytes"]
    else:
        s = slab("request_sock_TCP")
        table = linux_ehash_bytes()
        # SLUB's active_objs counts per-CPU and partial slabs as full: it
        # is an upper bound; the fill checked no SYN got a cookie or a drop.
        check(s["active_objs"] >= n * 0.98,
              "linux: %d request socks, wanted %d" % (s["active_objs"], n))
    slab_bytes = s["num_slabs"] * s["pagesperslab"] * 4096
    return {"entries": n, "slabs_before_shrink": cached, "slabs": s["num_slabs"], "objsize": s["objsize"], "objperslab": s["objperslab"],
            "pagesperslab": s["pagesperslab"], "slab_bytes": slab_bytes,
            "table_bytes": table, "per_entry_table": table / n,
            "per_entry_slab": slab_bytes / n,
            "per_entry_all": (slab_bytes + table) / n}


def linux_ehash_bytes():
    m = re.search(r"TCP established hash table entries: (\d+) \(order: \d+, (\d+) bytes",
                  subprocess.run(["dmesg"], capture_output=True, text=True).stdout)
    return int(m.group(2))


def flat_measure(side, rounds, n):
    """
    ns per SYN and per third ACK at the measuring listener (port 80), from
    CPU 1, in one write to the module: @n SYNs (their SYN-ACKs recorded),
    then per round the third ACKs of the last @n and @n new SYNs, then the
    last ACKs. Each entry lives a few milliseconds; the fill listener's
    timers fire on CPU 0. Any SYN-ACK on CPU 1 beyond one per SYN would be
    a retransmission inside the timed work: then the sequence runs again.
    """
    names = NAMES[side]
    for attempt in range(5):
        firsts = [flows.take(n) for _ in range(rounds + 1)]
        cmds = [cmd("syn", side, firsts[0], n, cpus=2, track=True)]
        for i in range(1, rounds + 1):
            cmds.append(cmd("ack", side, firsts[i - 1], n, cpus=2))
            cmds.append(cmd("syn", side, firsts[i], n, cpus=2, track=True))
        cmds.append(cmd("ack", side, firsts[rounds], n, cpus=2))
        before = counters(side)
        res = bench(cmds)
        after = counters(side)
        check(all(r["ret"] == 0 and r["errors"] == 0 and r["missing"] == 0
                  for r in res), "%s flat: %s" % (side, res))
        opens = delta(after, before, names["opens"])
        check(opens == (rounds + 1) * n,
              "%s flat: %d opens for %d ACKs" % (side, opens, (rounds + 1) * n))
        if all(r["synack"] == (n if r["kind"] == "syn" else 0) for r in res):
            break
        log("%s flat: a SYN-ACK timer fired meanwhile, again" % side)
    else:
        check(False, "%s flat: never a clean sequence" % side)
    return {"syn": [ns_per(r) for r in res[1:] if r["kind"] == "syn"],
            "ack": [ns_per(r) for r in res[:-1] if r["kind"] == "ack"],
            "attempts": attempt + 1}


def flatness(side, levels, rounds, n):
    """Sections 3 and 4 for one side: fill to each level, measure."""
    sysctl("kernel.timer_migration", 0)
    # No entry of the fill dies during the bench (eight retransmissions,
    # 367 s), and the table is one: the fill listener's entries are in it
    # with the measuring listener's.
    if side == "hsk":
        hsk_knob("syncookies", 1)
        hsk_knob("synack_retries", 8)
        lsn = [hsk_listener(port=FILL_PORT), hsk_listener()]
    else:
        sysctl("net.ipv4.tcp_syncookies", 1)
        sysctl("net.ipv4.tcp_synack_retries", 8)
        lsn = [linux_listener(port=FILL_PORT), linux_listener()]
    mem, flat, fills = {}, {}, {}
    have = 0
    for level in levels:
        t0 = time.monotonic()
        fill(side, flows.take(level["entries"] - have), level["entries"] - have)
        fills[level["name"]] = time.monotonic() - t0
        have = level["entries"]
        mem[level["name"]] = memory(side, have)
        log("%s: filled to %d in %.1f s: %.1f bytes per entry all in" %
            (side, have, fills[level["name"]], mem[level["name"]]["per_entry_all"]))
        if level.get("flat"):
            flat[level["name"]] = f = flat_measure(side, rounds, n)
            log("%s flat %s: syn %s ack %s" % (side, level["name"],
                sorted(int(x) for x in f["syn"]), sorted(int(x) for x in f["ack"])))
    out = {"memory": mem, "flat": flat, "fill_secs": fills}
    if side == "hsk":
        # SYN-ACKs the host's backlog had no room for (retransmission waves).
        out["rx_dropped"] = int(read("/sys/class/net/hsk0/statistics/rx_dropped"))
        for p in lsn:
            stop(p)     # flushes every entry now
    else:
        # Linux frees a closed listener's requests as their timers fire;
        # with no retries left that is their next firing.
        sysctl("net.ipv4.tcp_synack_retries", 0)
        for p in lsn:
            stop(p)
    return out


def label(n):
    return "%dM" % (n // 1000000) if n % 1000000 == 0 else "%dk" % (n // 1000)


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo")).group(1)
    mem = re.search(r"MemTotal:\s*(\d+)", read("/proc/meminfo")).group(1)
    return {"release": REL, "guest_cpu": cpu, "vcpus": os.cpu_count(),
            "guest_mem_kb": int(mem), "cmdline": read("/proc/cmdline").strip()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--syns", type=int, default=200000, help="SYNs per run")
    ap.add_argument("--conn-secs", type=float, default=3)
    ap.add_argument("--conn-threads", default="1,2,4,8,16",
                    help="client thread counts, comma-separated")
    ap.add_argument("--flat-n", type=int, default=2000)
    ap.add_argument("--big", type=int, default=1000000, help="the large table")
    ap.add_argument("--rr-secs", type=float, default=3)
    ap.add_argument("--stream-bytes", type=int, default=32 << 20)
    ap.add_argument("--only", default="syn,conn,data,flat")
    args = ap.parse_args()
    only = args.only.split(",")

    t0 = time.monotonic()
    setup()
    out = {"machine": machine(), "params": vars(args), "times": {}}
    if "slab_nomerge" not in out["machine"]["cmdline"]:
        log("warning: no slab_nomerge: slab caches may be shared")

    def section(name, fn, *a):
        t = time.monotonic()
        out[name] = fn(*a)
        out["times"][name] = time.monotonic() - t
        log("%s took %.0f s" % (name, out["times"][name]))
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)

    if "syn" in only:
        section("syn", syn_cost, args.rounds, args.syns, os.cpu_count() > 1)
    if "conn" in only:
        section("conn", conn_rate, args.rounds, args.conn_secs,
                [int(n) for n in args.conn_threads.split(",")])
    if "data" in only:
        section("data", data_path, args.rounds, args.rr_secs, args.stream_bytes)
    if "flat" in only:
        # Linux stops at 100k: filling a million request socks in a TCG
        # guest takes minutes of SYN-ACK retransmissions.
        for side, top in (("hsk", args.big), ("linux", min(args.big, 100000))):
            levels = [{"name": "1k", "entries": 1000, "flat": True}]
            if top > 100000:
                levels.append({"name": "100k", "entries": 100000, "flat": True})
            levels.append({"name": label(top), "entries": top, "flat": True})
            section("flat_" + side, flatness, side, levels, args.rounds, args.flat_n)
    out["checks"] = check.done
    out["times"]["total"] = time.monotonic() - t0
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    log("done: %d checks passed in %.0f s" % (check.done, out["times"]["total"]))


if __name__ == "__main__":
    run(main)
