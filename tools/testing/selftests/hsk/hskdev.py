# SPDX-License-Identifier: GPL-2.0
"""/dev/hsk from Python: the ioctls of mod/uapi/hsk.h, for the selftests.

struct layouts (x86_64):
  hsk_listen { sockaddr_in addr; s32 backlog; u32 flags; }          24 bytes
  hsk_accept { u32 flags; u32 reserved; sockaddr_in peer, local; }  40 bytes
  hsk_info   { sockaddr_in local, peer; u32 state, snd_una, snd_nxt,
               rcv_nxt, snd_wnd, rcv_wnd, rto_ms, timer_ms,
               retransmits, mss; u8 snd_wscale, rcv_wscale;
               u16 options; u32 cwnd, ssthresh, srtt_us,
               rttvar_us; }                                         92 bytes
"""

import fcntl
import os
import select
import socket
import struct

MAGIC = 0xB4
ACCEPT_CLOEXEC = 0x1
ACCEPT_NONBLOCK = 0x2
ACCEPT_DONTWAIT = 0x4
ESTABLISHED = 1
CLOSE_WAIT = 8


def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (MAGIC << 8) | nr


LISTEN_SIZE = 24
ACCEPT_SIZE = 40
INFO_SIZE = 92
IOC_LISTEN = _ioc(1, 1, LISTEN_SIZE)
IOC_ACCEPT = _ioc(3, 2, ACCEPT_SIZE)
IOC_SHUTDOWN = _ioc(0, 3, 0)
IOC_INFO = _ioc(2, 4, INFO_SIZE)


def sin(addr, port):
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + \
        socket.inet_aton(addr) + bytes(8)


def unsin(b):
    fam, = struct.unpack("=H", b[:2])
    port, = struct.unpack("!H", b[2:4])
    return socket.inet_ntoa(b[4:8]), port, fam


def listen_arg(addr, port, backlog, flags=0, family=socket.AF_INET):
    b = bytearray(sin(addr, port) + struct.pack("=iI", backlog, flags))
    struct.pack_into("=H", b, 0, family)
    return b


class Listener:
    """One /dev/hsk handle made a listener."""

    def __init__(self, port, addr="0.0.0.0", backlog=128, nonblock=False):
        self.fd = os.open("/dev/hsk", os.O_RDWR | os.O_CLOEXEC |
                          (os.O_NONBLOCK if nonblock else 0))
        try:
            fcntl.ioctl(self.fd, IOC_LISTEN, listen_arg(addr, port, backlog))
        except Exception:
            os.close(self.fd)
            raise
        self.port = port
        self.addr = addr

    def accept(self, flags=ACCEPT_CLOEXEC):
        """(conn fd, (peer addr, port), (local addr, port)); raises OSError."""
        b = bytearray(struct.pack("=II", flags, 0) + bytes(32))
        fd = fcntl.ioctl(self.fd, IOC_ACCEPT, b, True)
        peer = unsin(bytes(b[8:24]))
        local = unsin(bytes(b[24:40]))
        return fd, peer[:2], local[:2]

    def accept_all(self):
        """Accepts until the queue is empty; returns [(fd, peer, local)]."""
        out = []
        while True:
            try:
                out.append(self.accept(ACCEPT_CLOEXEC | ACCEPT_DONTWAIT))
            except BlockingIOError:
                return out

    def readable(self, timeout=0):
        r, _, _ = select.select([self.fd], [], [], timeout)
        return bool(r)

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def info(fd):
    b = bytearray(INFO_SIZE)
    fcntl.ioctl(fd, IOC_INFO, b, True)
    f = struct.unpack_from("=10I", b, 32)
    ws = struct.unpack_from("=BBH", b, 72)
    t = struct.unpack_from("=4I", b, 76)
    return dict(local=unsin(bytes(b[0:16]))[:2], peer=unsin(bytes(b[16:32]))[:2],
                state=f[0], snd_una=f[1], snd_nxt=f[2], rcv_nxt=f[3], snd_wnd=f[4],
                rcv_wnd=f[5], rto_ms=f[6], timer_ms=f[7], retransmits=f[8], mss=f[9],
                snd_wscale=ws[0], rcv_wscale=ws[1], options=ws[2],
                cwnd=t[0], ssthresh=t[1], srtt_us=t[2], rttvar_us=t[3])
