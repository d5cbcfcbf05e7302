# SPDX-License-Identifier: GPL-2.0
"""Input validation: every malformed packet is dropped, counted by its
reason (and in InErrs and hsk0's tx_dropped), and answered with nothing;
what is odd but valid (padding, IP options, unknown TCP options, EOL then
garbage) still draws its RST. And a burst of garbage crashes nothing and is
counted, packet for packet.

Packets are built with scapy, then broken with bytearray edits; where a case
needs the rest to be right, the checksums are recomputed after the edit.
"""

import os
import random
import struct
import subprocess

import hsklib
from hsklib import (ICMP, IP, TCP, UDP, Counters, IPv6, Link, Raw, check_rst,
                    fix_ip_csum, fix_tcp_csum, seg)

S = 0x0BADF00D


def syn(payload=b"", **kw):
    """A valid SYN, as bytes to edit."""
    return bytearray(bytes(seg("S", seq=S, payload=payload, **kw)))


def set16(b, off, v):
    b[off:off + 2] = struct.pack("!H", v)
    return b


def with_tcp_options(opts):
    """A valid SYN whose TCP options area is exactly opts (a multiple of 4
    bytes): lengths, data offset and both checksums consistent."""
    b = syn()
    b[40:40] = opts
    b[32] = ((20 + len(opts)) // 4) << 4
    set16(b, 2, len(b))
    fix_ip_csum(b)
    return fix_tcp_csum(b)


def drop_case(counter, build, proto=hsklib.ETH_P_IP):
    """A test: build()'s bytes are dropped and counted as counter."""
    def test():
        data = bytes(build())
        with Link() as link:
            c = Counters()
            link.send(data, proto)
            d = c.delta()
            replies = link.sync()
        c.expect(d, **hsklib.drop_counts(counter, len(data)))
        hsklib.no_reply(replies)
    test.__doc__ = "%s: %s" % (counter, build.__doc__ or build.__name__)
    return test


def rst_case(build, ack_delta=1):
    """A test: build()'s bytes are a valid SYN (seq S) that draws RST+ACK
    with ack = S + ack_delta."""
    def test():
        data = bytes(build())
        probe = IP(data[:struct.unpack("!H", data[2:4])[0]])
        with Link() as link:
            c = Counters()
            link.send(data)
            d = c.delta()
            replies = link.sync()
        c.expect(d, **hsklib.rst_counts(len(data)))
        check_rst(hsklib.only_reply(replies, probe), probe, 0, S + ack_delta, "RA")
    return test


# --- the IP header --------------------------------------------------------

def version(v):
    def build():
        b = syn()
        b[0] = (v << 4) | 5
        return fix_ip_csum(b)
    return build


def ipv6_packet():
    return bytes(IPv6(src="2001:db8::1", dst="2001:db8::2") / TCP(sport=1234, dport=80, flags="S"))


def truncated(n):
    def build():
        return syn()[:n]
    return build


def ihl(words, total=None):
    def build():
        b = syn()
        if total is not None:
            b = b[:total]
            set16(b, 2, total)
        b[0] = 0x40 | words
        return fix_ip_csum(b) if words >= 5 and words * 4 <= len(b) else b
    return build


def tot_len(delta=None, value=None):
    def build():
        b = syn()
        set16(b, 2, value if value is not None else len(b) + delta)
        return fix_ip_csum(b)
    return build


def ip_csum_flipped():
    b = syn()
    b[11] ^= 0x01
    return b


def ip_csum_zeroed():
    b = syn()
    assert b[10:12] != b"\0\0"
    b[10:12] = b"\0\0"
    return b


def frag(bits):
    def build():
        b = syn()
        set16(b, 6, bits)
        return fix_ip_csum(b)
    return build


def addr(src=None, dst=hsklib.PEER):
    def build():
        return bytearray(bytes(seg("S", seq=S, src=src, dst=dst)))
    return build


def udp():
    return bytes(IP(src=hsklib.new_src(), dst=hsklib.PEER) / UDP(sport=53, dport=80) / Raw(b"hello"))


def icmp():
    return bytes(IP(src=hsklib.new_src(), dst=hsklib.PEER) / ICMP(type=8) / Raw(b"ping"))


def gre():
    return bytes(IP(src=hsklib.new_src(), dst=hsklib.PEER, proto=47) / Raw(b"\0" * 24))


# --- the TCP header ---------------------------------------------------------

def tcp_len(n):
    """IP total length leaves n bytes of TCP (the rest is in the buffer)."""
    def build():
        b = syn()
        set16(b, 2, 20 + n)
        return fix_ip_csum(b)
    return build


def doff(words, padding=0):
    def build():
        b = syn() + os.urandom(padding)
        b[32] = words << 4
        return fix_tcp_csum(b, 20)
    return build


def tcp_csum_flipped():
    b = syn(payload=b"payload")
    b[37] ^= 0x80
    return b


def tcp_csum_zeroed():
    b = syn()
    assert b[36:38] != b"\0\0"
    b[36:38] = b"\0\0"
    return b


def payload_changed():
    """one payload byte changed after the checksum was made"""
    b = syn(payload=b"payload")
    b[-1] ^= 0x20
    return b


def csum_over_padding():
    """the checksum covers the padding, as if it were payload"""
    b = syn() + b"junk"
    fix_tcp_csum(b, 24)
    return b


def pseudo_header_wrong_dst():
    """checksummed for 10.77.0.3, sent to 10.77.0.2"""
    b = syn(dst="10.77.0.3")
    b[16:20] = bytes([10, 77, 0, 2])
    return fix_ip_csum(b)


def opts(o):
    def build():
        return with_tcp_options(o)
    build.__doc__ = "options %s" % o.hex()
    return build


# --- valid, if odd ----------------------------------------------------------

def padded(payload=b""):
    def build():
        b = syn(payload=payload)
        return b + os.urandom(13)
    return build


def ip_options():
    """IHL 6: a NOP/EOL IP option; the engine does not care about them"""
    b = syn()
    b[20:20] = b"\x01\x01\x01\x00"
    b[0] = 0x46
    set16(b, 2, len(b))
    fix_ip_csum(b)
    return fix_tcp_csum(b)


def df_only():
    return frag(0x4000)()


# (name, counter or None for "draws a RST", builder[, eth proto])
CASES = [
    ("ip_version_6", "DropIpVersion", version(6)),
    ("ip_version_0", "DropIpVersion", version(0)),
    ("ip_version_15", "DropIpVersion", version(15)),
    ("ipv6_packet", "DropIpVersion", ipv6_packet, hsklib.ETH_P_IPV6),
    ("ip_1_byte", "DropIpHdr", truncated(1)),
    ("ip_19_bytes", "DropIpHdr", truncated(19)),
    ("ip_ihl_0", "DropIpHdr", ihl(0)),
    ("ip_ihl_4", "DropIpHdr", ihl(4)),
    ("ip_ihl_15_past_buffer", "DropIpHdr", ihl(15)),
    ("ip_ihl_6_past_buffer", "DropIpHdr", ihl(6, total=20)),
    ("ip_tot_len_0", "DropIpLen", tot_len(value=0)),
    ("ip_tot_len_below_ihl", "DropIpLen", tot_len(value=19)),
    ("ip_tot_len_past_buffer", "DropIpLen", tot_len(delta=1)),
    ("ip_tot_len_65535", "DropIpLen", tot_len(value=65535)),
    ("ip_csum_flipped", "DropIpCsum", ip_csum_flipped),
    ("ip_csum_zeroed", "DropIpCsum", ip_csum_zeroed),
    ("ip_more_fragments", "DropIpFrag", frag(0x2000)),
    ("ip_frag_offset", "DropIpFrag", frag(0x0001)),
    ("ip_frag_last", "DropIpFrag", frag(0x1FFF)),
    ("ip_frag_df_mf", "DropIpFrag", frag(0x6000)),
    ("src_multicast", "DropBadAddr", addr(src="224.0.0.1")),
    ("dst_multicast", "DropBadAddr", addr(dst="239.255.255.250")),
    ("src_broadcast", "DropBadAddr", addr(src="255.255.255.255")),
    ("dst_broadcast", "DropBadAddr", addr(dst="255.255.255.255")),
    ("src_zeronet", "DropBadAddr", addr(src="0.0.0.0")),
    ("dst_zeronet", "DropBadAddr", addr(dst="0.0.0.0")),
    ("src_zeronet_nonzero", "DropBadAddr", addr(src="0.1.2.3")),
    ("dst_zeronet_nonzero", "DropBadAddr", addr(dst="0.255.255.255")),
    ("src_loopback", "DropBadAddr", addr(src="127.0.0.1")),
    ("dst_loopback", "DropBadAddr", addr(dst="127.255.255.254")),
    # hsk0's subnet broadcast (10.77.0.1/24): a martian in Linux too.
    ("src_subnet_broadcast", "DropBadAddr", addr(src="10.77.0.255")),
    ("dst_subnet_broadcast", "DropBadAddr", addr(dst="10.77.0.255")),
    ("udp", "DropNotTcp", udp),
    ("icmp", "DropNotTcp", icmp),
    ("gre", "DropNotTcp", gre),
    ("tcp_0_bytes", "DropTcpHdr", tcp_len(0)),
    ("tcp_19_bytes", "DropTcpHdr", tcp_len(19)),
    ("tcp_doff_0", "DropTcpHdr", doff(0)),
    ("tcp_doff_4", "DropTcpHdr", doff(4)),
    ("tcp_doff_6_past_segment", "DropTcpHdr", doff(6)),
    ("tcp_doff_15_past_segment", "DropTcpHdr", doff(15)),
    ("tcp_doff_into_padding", "DropTcpHdr", doff(10, padding=40)),
    ("tcp_csum_flipped", "DropTcpCsum", tcp_csum_flipped),
    ("tcp_csum_zeroed", "DropTcpCsum", tcp_csum_zeroed),
    ("tcp_payload_changed", "DropTcpCsum", payload_changed),
    ("tcp_csum_over_padding", "DropTcpCsum", csum_over_padding),
    ("tcp_csum_wrong_pseudo_header", "DropTcpCsum", pseudo_header_wrong_dst),
    ("opt_len_0", "DropTcpOpt", opts(b"\x02\x00\x00\x00")),
    ("opt_len_1", "DropTcpOpt", opts(b"\x03\x01\x00\x00")),
    ("opt_unknown_len_0", "DropTcpOpt", opts(b"\x01\xfe\x00\x01")),
    ("opt_len_past_header", "DropTcpOpt", opts(b"\x08\x0a\x00\x00")),
    ("opt_len_past_header_by_1", "DropTcpOpt", opts(b"\x01\x01\x22\x07\x00\x00\x00\x00")),
    ("opt_kind_in_last_byte", "DropTcpOpt", opts(b"\x01\x01\x01\x02")),
    ("opt_after_nops_len_0", "DropTcpOpt", opts(b"\x01" * 36 + b"\x04\x00\x01\x01")),
    # Odd but valid: each draws its RST.
    ("valid_padding_after_total_length", None, padded()),
    ("valid_padding_after_payload", None, padded(b"12345"), 6),
    ("valid_ip_options", None, ip_options),
    ("valid_df", None, df_only),
    ("valid_unknown_option", None, opts(b"\x99\x04\xab\xcd")),
    ("valid_option_ends_at_header_end", None, opts(b"\x01\x01\x01\x01\x22\x04\x00\x00")),
    ("valid_eol_then_garbage", None, opts(b"\x00\xff\x01\x02")),
    ("valid_nops_only", None, opts(b"\x01" * 40)),
    ("valid_known_kinds_wrong_size", None, opts(b"\x02\x03\x05\x01\x03\x04\x0e\x00")),
    ("valid_mss_0", None, opts(b"\x02\x04\x00\x00")),
]

for _case in CASES:
    _name, _counter, _build = _case[:3]
    if _counter:
        _test = drop_case(_counter, _build, *_case[3:])
    else:
        _test = rst_case(_build, *_case[3:])
    _test.__name__ = "test_" + _name
    globals()[_test.__name__] = _test
del _case, _name, _counter, _build, _test


def test_subnet_broadcasts_follow_hsk0s_addresses():
    """An address added to hsk0 makes its subnet's broadcast (and an
    explicit brd) martian at once; removed, they are ordinary addresses
    again, answered as any (RST+ACK: no listener)."""
    extra = [("10.88.0.1/16", None, "10.88.255.255"),
             ("10.99.0.1/24", "10.99.0.200", "10.99.0.200")]

    def probe(dst):
        data = bytes(seg("S", seq=S, src=hsklib.new_src(), dst=dst))
        with Link() as link:
            c = Counters()
            link.send(data)
            d = c.delta()
            replies = link.sync()
        return d, replies

    try:
        for cidr, brd, _ in extra:
            cmd = ["ip", "addr", "add", cidr, "dev", hsklib.DEV] + (["broadcast", brd] if brd else [])
            subprocess.run(cmd, check=True)
        # As fib_add_ifaddr: an explicit brd, and prefix | ~mask anyway.
        for b in [b for _, _, b in extra] + ["10.99.0.255"]:
            d, replies = probe(b)
            assert d["DropBadAddr"] == 1 and d["OutRsts"] == 0, (b, d)
            hsklib.no_reply(replies)
    finally:
        for cidr, _, _ in extra:
            subprocess.run(["ip", "addr", "del", cidr, "dev", hsklib.DEV])
    for b in [b for _, _, b in extra] + ["10.99.0.255"]:
        d, replies = probe(b)
        assert d["DropBadAddr"] == 0 and d["OutRsts"] == 1, (b, d)
    # hsk0's own subnet stays martian.
    d, _ = probe("10.77.0.255")
    assert d["DropBadAddr"] == 1, d


def test_every_counter_covered():
    """Each malformed-drop counter has a case above, and /proc/net/hsk/stats
    starts with the counters of issue 2 in their order (the list is an ABI:
    appended to, never reordered)."""
    covered = {c[1] for c in CASES if c[1]}
    missing = set(hsklib.MALFORMED_NAMES) - covered
    assert not missing, "no test case for %s" % sorted(missing)
    with open(hsklib.STATS) as f:
        names = [line.split()[0] for line in f]
    assert names[:len(hsklib.STAT_NAMES)] == hsklib.STAT_NAMES, "stats lists %s" % names
    assert len(set(names)) == len(names), "a counter listed twice: %s" % names


def send_all(link, packets):
    """Sends each packet; returns (sent, bytes, refused): sends the kernel
    refused before the engine saw them (a zero-length packet) are counted."""
    sent = nbytes = refused = 0
    for p in packets:
        try:
            link.send(p)
        except OSError:
            refused += 1
            continue
        sent += 1
        nbytes += len(p)
    return sent, nbytes, refused


def check_burst(d, sent, nbytes, replies, drops):
    """Every packet of a burst counted once: as a valid segment (InSegs) or
    as one malformed drop; every RST the engine counted is on hsk0 (drops:
    what the capture socket lost, which would explain a short capture)."""
    drops = {n: d[n] for n in hsklib.DROP_NAMES if d[n]}
    malformed = sum(d[n] for n in hsklib.MALFORMED_NAMES)
    hsklib.log("burst of %d: InSegs %d, %s" % (sent, d["InSegs"], drops))
    assert d["DropNoMem"] == 0, "DropNoMem %d: out of memory for tiny replies?" % d["DropNoMem"]
    assert d["InSegs"] + malformed == sent, "%d sent, but InSegs %d + drops %s" % (
        sent, d["InSegs"], drops)
    assert d["InErrs"] == malformed, "InErrs %d, malformed drops %d" % (d["InErrs"], malformed)
    assert d["tx_packets"] == sent and d["tx_bytes"] == nbytes, \
        "tx %d packets %d bytes, sent %d, %d" % (d["tx_packets"], d["tx_bytes"], sent, nbytes)
    assert d["tx_dropped"] == malformed, "tx_dropped %d, drops %d" % (d["tx_dropped"], malformed)
    rsts = d["InSegs"] - d["DropRstClosed"]
    assert d["OutRsts"] == d["OutSegs"] == rsts, "OutRsts %d OutSegs %d, want %d" % (
        d["OutRsts"], d["OutSegs"], rsts)
    # Each RST enters the host (rx_packets) or is dropped there when its
    # backlog is full (rx_dropped): a host's choice under a burst, counted.
    if d["rx_dropped"]:
        hsklib.log("the host dropped %d RSTs (backlog full)" % d["rx_dropped"])
    assert d["rx_packets"] + d["rx_dropped"] == rsts and len(replies) == d["rx_packets"], \
        "%d RSTs sent, hsk0 rx %d + rx_dropped %d, %d captured (the capture dropped %d)" % (
            rsts, d["rx_packets"], d["rx_dropped"], len(replies), drops)
    for r in replies:
        p = hsklib.Parsed(r)
        assert p.tcp and p.ip_csum_ok and p.tcp_csum_ok and p.flags & 0x04 and p.ttl == 64, \
            "a reply that is no valid RST: %r" % p


SKB_SLACK = 1000  # skbuff_head_cache objects a burst may leave cached


def skbs():
    return hsklib.slab_objs("skbuff_head_cache")


def test_burst_random_garbage():
    """10,000 packets of 1..100 random bytes, as fast as they go."""
    k = hsklib.Kmsg()
    rng = random.Random(0x6B5)
    packets = [rng.randbytes(rng.randrange(1, 101)) for _ in range(10000)]
    # Some start like IPv4, so the deeper checks see garbage too.
    for i in range(0, len(packets), 3):
        p = bytearray(packets[i])
        p[0] = 0x45
        packets[i] = bytes(p)
    skb0 = skbs()
    with Link() as link:
        c = Counters()
        sent, nbytes, refused = send_all(link, packets)
        d = c.delta()
        replies = link.sync(grace=0.5, want=d["rx_packets"])
        drops = link.drops()
    assert refused == 0, "%d of the packets could not be sent" % refused
    assert sent == 10000
    check_burst(d, sent, nbytes, replies, drops)
    grew = skbs() - skb0
    hsklib.log("skbuff_head_cache %+d" % grew)
    assert grew < SKB_SLACK, "skbuff_head_cache grew by %d objects over the burst" % grew
    splats = k.splats()
    assert not splats, "kernel log: %s" % splats


def test_burst_mutated_segments():
    """5,000 valid segments with options, each with 1..4 random bytes
    changed, half of them with both checksums made right again: the
    option parser and header checks see near misses, not just noise."""
    k = hsklib.Kmsg()
    rng = random.Random(0x5EED)
    base = [with_tcp_options(o) for o in (
        b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x30\x39\x00\x00\x00\x00\x01\x03\x03\x07",
        b"\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02",
        b"\x02\x04\x05\xb4",
        b"\x99\x06\x00\x00\x00\x00\x01\x01")]
    packets = []
    for i in range(5000):
        b = bytearray(rng.choice(base)) + rng.randbytes(rng.randrange(0, 12))
        for _ in range(rng.randrange(1, 5)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        if i & 1 and b[0] >> 4 == 4 and 20 <= (b[0] & 15) * 4 <= len(b):
            fix_ip_csum(b)
            ihl_ = (b[0] & 15) * 4
            tot = struct.unpack("!H", b[2:4])[0]
            if ihl_ + 20 <= tot <= len(b):
                fix_tcp_csum(b)
        packets.append(bytes(b))
    skb0 = skbs()
    with Link() as link:
        c = Counters()
        sent, nbytes, refused = send_all(link, packets)
        d = c.delta()
        replies = link.sync(grace=0.5, want=d["rx_packets"])
        drops = link.drops()
    assert refused == 0 and sent == 5000
    check_burst(d, sent, nbytes, replies, drops)
    grew = skbs() - skb0
    hsklib.log("skbuff_head_cache %+d" % grew)
    assert grew < SKB_SLACK, "skbuff_head_cache grew by %d objects over the burst" % grew
    assert d["InSegs"] > 0 and d["DropTcpOpt"] > 0 and d["DropTcpCsum"] > 0, \
        "the mutations missed the paths they are for: %s" % d
    splats = k.splats()
    assert not splats, "kernel log: %s" % splats


def test_empty_packet():
    """A zero-length packet: the kernel refuses it (EINVAL) before hsk0's
    transmit, or the engine counts it as a short IP header. Nothing else."""
    with Link() as link:
        c = Counters()
        try:
            link.send(b"")
        except OSError:
            c.expect()
        else:
            c.expect(**hsklib.drop_counts("DropIpHdr", 0))
        hsklib.no_reply(link.sync())
