# SPDX-License-Identifier: GPL-2.0
"""hsk0 as ip(8) and the host stack see it: an L3 point-to-point device
(link/none, POINTOPOINT, NOARP, no link-layer address, noqueue), MTU
1500 within [68, 65535], administratively down and up, addresses added
and removed, and its statistics: TX is what the host sent into the engine
(tx_dropped what the engine refused as malformed), RX what the engine sent
back.
"""

import errno
import json
import socket
import subprocess
import time

import hsklib
from hsklib import DEV, PEER, Counters, Link, run, seg


def link(stats=False):
    cmd = ["ip", "-d", "-j"] + (["-s"] if stats else []) + ["link", "show", DEV]
    return json.loads(run(cmd).stdout)[0]


def sysfs(attr):
    with open("/sys/class/net/%s/%s" % (DEV, attr)) as f:
        return f.read().strip()


def test_link_type():
    j = link()
    assert j["link_type"] == "none", "link type %r, want none" % j["link_type"]
    assert not j.get("address"), "a link-layer address: %r" % j.get("address")
    assert sysfs("type") == "65534", "ARPHRD %s, want 65534 (ARPHRD_NONE)" % sysfs("type")
    assert sysfs("addr_len") == "0"
    text = run(["ip", "-d", "link", "show", DEV]).stdout
    assert "link/none" in text, "ip -d link show: %r" % text


def test_flags_and_qdisc():
    j = link()
    for f in ("POINTOPOINT", "NOARP", "UP", "LOWER_UP"):
        assert f in j["flags"], "flag %s missing: %s" % (f, j["flags"])
    assert "BROADCAST" not in j["flags"], "BROADCAST on a point-to-point device"
    assert j["qdisc"] == "noqueue", "qdisc %r, want noqueue" % j["qdisc"]
    assert j["mtu"] == 1500, "mtu %d, want 1500" % j["mtu"]
    assert (j.get("min_mtu"), j.get("max_mtu")) == (68, 65535), \
        "mtu range %r..%r, want 68..65535" % (j.get("min_mtu"), j.get("max_mtu"))


def set_mtu_refused(mtu):
    before = link()["mtu"]
    p = run(["ip", "link", "set", DEV, "mtu", str(mtu)], check=False)
    assert p.returncode != 0, "mtu %d accepted" % mtu
    assert link()["mtu"] == before, "refused mtu %d changed the mtu" % mtu


def test_stays_in_the_initial_namespace():
    # The engine, its knobs and /proc/net/hsk live in the initial network
    # namespace, so hsk0 refuses to move (netns-local, as lo): ip says so,
    # and hsk0 is still here, up, with its address, and answers.
    ns = "hsk-ns-test"
    run(["ip", "netns", "add", ns])
    try:
        p = run(["ip", "link", "set", DEV, "netns", ns], check=False)
        assert p.returncode != 0, "hsk0 moved to another namespace"
        # 6.1: EINVAL; 6.12 says so in an extended ack.
        assert "Invalid argument" in p.stderr or "netns is immutable" in p.stderr, p.stderr
        inside = run(["ip", "netns", "exec", ns, "ip", "-o", "link"]).stdout
        assert DEV not in inside, inside
    finally:
        run(["ip", "netns", "del", ns], check=False)
    assert "UP" in link()["flags"], link()["flags"]
    hsklib.assert_refused()


def test_mtu():
    try:
        for mtu in (1400, 68, 65535, 9000):
            run(["ip", "link", "set", DEV, "mtu", str(mtu)])
            assert link()["mtu"] == mtu and sysfs("mtu") == str(mtu), "mtu %d not set" % mtu
        set_mtu_refused(67)
        set_mtu_refused(0)
        set_mtu_refused(65536)
        # What is routed in still reaches the engine at the new MTU.
        run(["ip", "link", "set", DEV, "mtu", "1400"])
        hsklib.assert_refused()
        # A packet larger than the MTU does not get in.
        with Link() as l:
            big = bytes(seg("PA", ack=1, payload=b"x" * 1400))
            try:
                l.send(big)
                raise AssertionError("a %d-byte packet went into hsk0 at mtu 1400" % len(big))
            except OSError as e:
                assert e.errno == errno.EMSGSIZE, "sending past the mtu: %s" % hsklib.errname(e.errno)
    finally:
        run(["ip", "link", "set", DEV, "mtu", "1500"])
    assert link()["mtu"] == 1500


def connect_result(addr, port=80, timeout=2.0):
    """'refused', 'ok', 'timeout' or the errno name of connect()."""
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        return "ok"
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return hsklib.errname(e.errno)
    finally:
        s.close()


def test_down_and_up():
    try:
        run(["ip", "link", "set", DEV, "down"])
        j = link()
        assert "UP" not in j["flags"], "still UP: %s" % j["flags"]
        c = Counters()
        with Link() as l:
            try:
                l.send(seg("S"))
                raise AssertionError("a packet went into hsk0 while down")
            except OSError as e:
                assert e.errno == errno.ENETDOWN, "send while down: %s" % hsklib.errname(e.errno)
        r = connect_result(PEER, timeout=1.0)
        assert r != "refused" and r != "ok", "connect while down: %s" % r
        c.expect()  # nothing reached the engine
    finally:
        run(["ip", "link", "set", DEV, "up"])
    assert "UP" in link()["flags"]
    # The address stayed; its route came back with the link.
    assert hsklib.host_addr_configured(), "the host address is gone after down/up"
    c = Counters()
    assert connect_result(PEER) == "refused"
    d = c.delta()
    assert d["InSegs"] == 1 and d["OutRsts"] == 1, "after up: %s" % d


def test_addresses():
    """Addresses come and go like on any device: a prefix routes its range
    in, a peer address routes one address in."""
    try:
        run(["ip", "addr", "add", "10.78.0.1/24", "dev", DEV])
        run(["ip", "addr", "add", "10.79.0.1", "peer", "10.79.0.2", "dev", DEV])
        out = run(["ip", "-4", "-o", "addr", "show", "dev", DEV]).stdout
        assert "10.78.0.1/24" in out and "10.79.0.1 peer 10.79.0.2/32" in out, out
        for dst in ("10.78.0.5", "10.78.0.254", "10.79.0.2"):
            c = Counters()
            assert connect_result(dst) == "refused", "connect to %s not refused" % dst
            d = c.delta()
            assert d["InSegs"] == 1 and d["OutRsts"] == 1, "%s: %s" % (dst, d)
    finally:
        run(["ip", "addr", "del", "10.78.0.1/24", "dev", DEV], check=False)
        run(["ip", "addr", "del", "10.79.0.1", "peer", "10.79.0.2", "dev", DEV], check=False)
    out = run(["ip", "-4", "-o", "addr", "show", "dev", DEV]).stdout
    assert "10.78." not in out and "10.79." not in out, "addresses not removed: %s" % out
    for dst in ("10.78.0.5", "10.79.0.2"):
        route = run(["ip", "route", "get", dst], check=False).stdout
        assert DEV not in route, "%s still routed via hsk0: %s" % (dst, route)
        c = Counters()
        connect_result(dst, timeout=0.5)
        d = c.delta()
        assert d["InSegs"] == 0 and d["tx_packets"] == 0, \
            "the engine saw traffic for %s after its address was removed" % dst
    # The host's own address was never touched.
    assert hsklib.host_addr_configured()


def ip_stats():
    s = link(stats=True)["stats64"]
    return {"tx_packets": s["tx"]["packets"], "tx_bytes": s["tx"]["bytes"],
            "tx_dropped": s["tx"]["dropped"], "tx_errors": s["tx"]["errors"],
            "rx_packets": s["rx"]["packets"], "rx_bytes": s["rx"]["bytes"],
            "rx_dropped": s["rx"]["dropped"], "rx_errors": s["rx"]["errors"]}


def ip_delta(before):
    after = ip_stats()
    return {k: after[k] - before[k] for k in after}


def test_ip_stats():
    """ip -s link: a SYN is TX, its RST is RX; a malformed packet is TX and
    tx_dropped; a RST into a closed port is TX only."""
    zero = dict.fromkeys(ip_stats(), 0)
    with Link() as l:
        b = ip_stats()
        l.send(seg("S"))
        assert ip_delta(b) == dict(zero, tx_packets=1, tx_bytes=40, rx_packets=1, rx_bytes=40), \
            "SYN: %s" % ip_delta(b)

        b = ip_stats()
        l.send(seg("S", payload=b"0123456789"))
        assert ip_delta(b) == dict(zero, tx_packets=1, tx_bytes=50, rx_packets=1, rx_bytes=40), \
            "SYN with data: %s" % ip_delta(b)

        b = ip_stats()
        bad = bytearray(bytes(seg("S")))
        bad[10] ^= 0xFF  # IP checksum
        l.send(bad)
        assert ip_delta(b) == dict(zero, tx_packets=1, tx_bytes=40, tx_dropped=1), \
            "malformed: %s" % ip_delta(b)

        b = ip_stats()
        l.send(seg("R"))
        assert ip_delta(b) == dict(zero, tx_packets=1, tx_bytes=40), "RST: %s" % ip_delta(b)
        hsklib.log("replies", len(l.sync()))
    # A real client: the SYN the host sends, the RST it gets.
    b = ip_stats()
    assert connect_result(PEER) == "refused"
    d = ip_delta(b)
    assert d["tx_packets"] == 1 and d["rx_packets"] == 1 and d["rx_bytes"] == 40 \
        and d["tx_dropped"] == 0, "connect: %s" % d
    # sysfs says the same as ip -s.
    s = ip_stats()
    for k in ("tx_packets", "tx_bytes", "tx_dropped", "rx_packets", "rx_bytes"):
        assert int(sysfs("statistics/" + k)) == s[k], "%s: sysfs %s, ip %d" % (
            k, sysfs("statistics/" + k), s[k])


def test_tcpdump_sees_both_directions():
    """tcpdump on hsk0 (raw IP link type) shows the SYN going in and the
    engine's RST coming out."""
    p = subprocess.Popen(["tcpdump", "-i", DEV, "-n", "-l", "-c", "2", "-Z", "root",
                          "tcp and port 4242"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for _ in range(5):  # "listening on hsk0, link-type RAW ..."
            seen.append(p.stderr.readline())
            if "listening on %s" % DEV in seen[-1] or not seen[-1]:
                break
        assert "listening on %s" % DEV in seen[-1], "tcpdump: %r" % seen
        time.sleep(0.2)
        with Link() as l:
            l.send(seg("S", sport=4242, dport=80, seq=1000))
            l.sync()
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    lines = out.strip().splitlines()
    assert len(lines) == 2, "tcpdump: %r %r" % (out, err)
    assert "4242 > " in lines[0] and "Flags [S]" in lines[0], lines[0]
    assert "> 198." in lines[1] and "Flags [R.]" in lines[1] and "ack 1001" in lines[1], lines[1]
