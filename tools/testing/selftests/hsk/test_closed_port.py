# SPDX-License-Identifier: GPL-2.0
"""No listener exists yet: every port behind hsk0 is closed, and every valid
segment is answered as RFC 793 says a closed port answers (Reset
Generation, case 1): a RST never answers a RST; with ACK set the RST takes
its seq from the segment's ACK field and carries no ACK; otherwise it has
seq 0 and ACKs everything the segment occupied (payload, SYN and FIN).

Real clients (nc, curl, Python sockets) see "connection refused" at once;
crafted segments come from 198.18.0.0/15, which is not local to the guest.
"""

import random
import socket
import struct
import time

import hsklib
from hsklib import IP, PEER, TCP, Counters, Link, check_rst, seg

FAST = 2.0  # seconds: "refused" must come from the engine's RST, not a timeout


def connect_refused(addr, port):
    """connect() to addr:port; asserts ECONNREFUSED within FAST seconds and
    that the engine saw exactly one SYN and sent one RST. Returns the SYN
    the host sent and the engine's reply, as captured on hsk0."""
    with Link() as link:
        c = Counters()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        t0 = time.monotonic()
        try:
            s.connect((addr, port))
        except ConnectionRefusedError:
            pass
        else:
            raise AssertionError("connect to %s:%d succeeded" % (addr, port))
        finally:
            s.close()
        took = time.monotonic() - t0
        d = c.delta()
        syn = link.recv(1.0, hsklib.PACKET_OUTGOING)
        rst = link.recv(1.0)
    assert took < FAST, "connect to %s:%d refused after %.2fs" % (addr, port, took)
    assert syn is not None, "the host's SYN was not seen on hsk0"
    assert rst is not None, "the engine's RST was not seen on hsk0"
    c.expect(d, **hsklib.rst_counts(len(syn)))
    return syn, rst


def test_python_connect_refused():
    for addr, port in ((PEER, 80), ("10.77.0.99", 12345), ("10.77.0.254", 1)):
        syn, rst = connect_refused(addr, port)
        probe = IP(syn)
        assert probe[TCP].flags == "S", "the host sent %s, not a SYN" % probe.summary()
        check_rst(rst, probe, seq=0, ack=probe[TCP].seq + 1, flags="RA")


def test_nc_refused():
    c = Counters()
    t0 = time.monotonic()
    p = hsklib.run(["nc", "-v", "-z", "-w", "5", PEER, "80"], check=False)
    took = time.monotonic() - t0
    assert p.returncode != 0, "nc -z %s 80 succeeded: %s" % (PEER, p.stderr)
    assert "refused" in p.stderr, "nc: %r, want connection refused" % p.stderr.strip()
    assert took < FAST, "nc took %.2fs" % took
    d = c.delta()
    c.expect(d, **hsklib.rst_counts(d["tx_bytes"]))  # one SYN, of whatever size


def test_curl_refused():
    c = Counters()
    t0 = time.monotonic()
    p = hsklib.run(["curl", "-sS", "--max-time", "5", "http://%s:8080/" % PEER], check=False)
    took = time.monotonic() - t0
    # 7 is "could not connect" (28 would be a timeout). No time limit on
    # the whole run: curl's own start in a TCG guest can take seconds; the
    # counters show that one SYN and no retransmission was needed.
    assert p.returncode == 7, "curl exit %d (want 7, could not connect): %s" % (
        p.returncode, p.stderr.strip())
    hsklib.log("curl: %.2fs: %s" % (took, p.stderr.strip()))
    d = c.delta()
    c.expect(d, **hsklib.rst_counts(d["tx_bytes"]))  # one SYN, one RST: no retries


def test_hping3_syn_draws_rst_ack():
    """hping3, the flood tool of DESIGN section 7: 3 SYNs, 3 RST+ACKs."""
    p = hsklib.run(["hping3", "-S", "-p", "80", "-c", "3", "-i", "u100000", PEER],
                   check=False, timeout=20)
    out = p.stdout + p.stderr
    assert "flags=RA" in out, "hping3 saw no RST+ACK: %s" % out
    assert "3 packets received" in out, "hping3: %s" % out.strip().splitlines()[-2:]


def crafted(pkt, seq=None, ack=None, flags=None):
    """Sends one crafted segment into hsk0: asserts exactly the RST that
    RFC 793 gives (or none for a RST) and exactly the counters it moves."""
    want = hsklib.expected_reply(pkt)
    if seq is not None:  # the test's own numbers, checked against the oracle too
        assert want == (seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, flags), \
            "test bug: oracle says %r" % (want,)
    n = len(bytes(pkt))
    with Link() as link:
        c = Counters()
        replies, d = link.exchange(pkt, c)
    if want is None:
        hsklib.no_reply(replies)
        c.expect(d, InSegs=1, DropRstClosed=1, tx_packets=1, tx_bytes=n)
        return None
    c.expect(d, **hsklib.rst_counts(n))
    r = hsklib.only_reply(replies, pkt)
    return check_rst(r, pkt, *want)


S = 0x12345678
A = 0x9ABCDEF0


def test_syn():
    crafted(seg("S", seq=S), 0, S + 1, "RA")


def test_syn_with_payload():
    crafted(seg("S", seq=S, payload=b"0123456789"), 0, S + 11, "RA")


def test_syn_seq_wraps():
    crafted(seg("S", seq=0xFFFFFFFF), 0, 0, "RA")
    crafted(seg("S", seq=0xFFFFFFF0, payload=b"x" * 20), 0, 5, "RA")


def test_syn_with_options():
    """A SYN as Linux sends it: the RST carries no options."""
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)), ("NOP", None),
            ("WScale", 7)]
    crafted(seg("S", seq=S, options=opts), 0, S + 1, "RA")


def test_ecn_syn():
    crafted(seg("SEC", seq=S), 0, S + 1, "RA")


def test_syn_ack():
    crafted(seg("SA", seq=S, ack=A), A, 0, "R")


def test_bare_ack():
    crafted(seg("A", seq=S, ack=A), A, 0, "R")


def test_ack_zero():
    crafted(seg("A", seq=S, ack=0), 0, 0, "R")


def test_ack_with_data():
    crafted(seg("PA", seq=S, ack=A, payload=b"GET / HTTP/1.0\r\n\r\n"), A, 0, "R")


def test_fin_ack_with_data():
    crafted(seg("FA", seq=S, ack=A, payload=b"12345"), A, 0, "R")


def test_fin():
    crafted(seg("F", seq=S), 0, S + 1, "RA")


def test_fin_with_data():
    crafted(seg("FP", seq=S, payload=b"x" * 1400), 0, S + 1401, "RA")


def test_syn_fin():
    crafted(seg("SF", seq=S), 0, S + 2, "RA")


def test_syn_fin_with_data():
    crafted(seg("SF", seq=S, payload=b"abc"), 0, S + 5, "RA")


def test_no_flags():
    crafted(seg("", seq=S, payload=b"abcdefg"), 0, S + 7, "RA")
    crafted(seg("", seq=S), 0, S, "RA")


def test_urg_psh():
    p = seg("UP", seq=S, payload=b"!")
    p[TCP].urgptr = 1
    crafted(p, 0, S + 1, "RA")


def test_rst():
    crafted(seg("R", seq=S))


def test_rst_ack():
    crafted(seg("RA", seq=S, ack=A))


def test_rst_with_others():
    crafted(seg("RS", seq=S))
    crafted(seg("RF", seq=S, payload=b"data"))
    crafted(seg(0xFF, seq=S, ack=A, payload=b"all flags"))


def test_probe_ttl_tos_ignored():
    """The RST has TTL 64, DF, whatever TTL, TOS and DF the segment had."""
    r = crafted(seg("S", seq=S, ttl=1, tos=0xB8, flags="DF"), 0, S + 1, "RA")
    assert r.tos == 0, "RST TOS %#x" % r.tos
    crafted(seg("S", seq=S, ttl=255), 0, S + 1, "RA")


def test_any_address_behind_hsk0():
    """Whatever address is routed in answers; the RST comes from it."""
    for dst in ("10.77.0.2", "10.77.0.200", "203.0.113.7", "192.0.2.1"):
        crafted(seg("S", seq=S, dst=dst, dport=443), 0, S + 1, "RA")


def test_through_the_ip_stack():
    """A crafted SYN sent by the host's IP stack (raw socket, routed via
    hsk0 like any client's) draws the same RST."""
    pkt = seg("S", seq=S, dport=22)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        with Link() as link:
            link.sources.add(socket.inet_aton(pkt[IP].src))  # sent around the Link
            c = Counters()
            raw.sendto(bytes(pkt), (PEER, 0))
            d = c.delta()
            replies = link.sync()
    finally:
        raw.close()
    c.expect(d, **hsklib.rst_counts(len(bytes(pkt))))
    check_rst(hsklib.only_reply(replies, pkt), pkt, 0, S + 1, "RA")


def test_random_segments_follow_rfc793():
    """500 random valid segments (any flag byte, any seq/ack, 0..64 bytes of
    payload, any ports) in one burst: each non-RST draws exactly its RST, no
    RST draws anything, and the counters add up. Built with struct (scapy
    is slow in the guest) and checked against the RFC 793 oracle."""
    rng = random.Random(793)
    probes = {}  # sport -> (Parsed, bytes)
    while len(probes) < 500:
        sport = hsklib.new_port()
        b = hsklib.raw_tcp(hsklib.new_src(), PEER, sport, rng.randrange(1, 65536),
                           rng.randrange(1 << 32), rng.randrange(1 << 32), rng.randrange(256),
                           rng.randbytes(rng.randrange(65)))
        probes[sport] = (hsklib.Parsed(b), b)
    want_rsts = sum(1 for p, _ in probes.values() if hsklib.expected_reply(p))
    with Link() as link:
        c = Counters()
        for _, b in probes.values():
            link.send(b)
        d = c.delta()
        replies = link.sync(grace=0.5, want=want_rsts)
    nbytes = sum(len(b) for _, b in probes.values())
    c.expect(d, InSegs=500, OutSegs=want_rsts, OutRsts=want_rsts,
             DropRstClosed=500 - want_rsts, tx_packets=500, tx_bytes=nbytes,
             rx_packets=want_rsts, rx_bytes=40 * want_rsts)
    seen = set()
    for i, r in enumerate(replies):
        dport = struct.unpack("!H", r[22:24])[0]
        assert dport in probes, "reply to no probe: %r" % hsklib.Parsed(r)
        p = probes[dport][0]
        assert dport not in seen, "two replies to %r" % p
        seen.add(dport)
        want = hsklib.expected_reply(p)
        assert want, "a RST was answered: %r" % p
        check_rst(r, p, *want, scapy_too=i < 5)
    assert len(seen) == want_rsts, "%d RSTs for %d segments that need one" % (len(seen), want_rsts)
