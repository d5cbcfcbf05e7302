# SPDX-License-Identifier: GPL-2.0
"""/dev/hsk: a root-only misc character device; each open() is a handle
that pins the module; unknown ioctls are ENOTTY; bad pointers and bad
arguments get an errno, on the handle and on connection fds, and lose
nothing.
"""

import ctypes
import errno
import os
import select
import socket
import stat

import hsklib
import hskdev

# mod/uapi/hsk.h, mirrored with ctypes so the ioctl numbers follow the
# structure sizes exactly as the C compiler lays them out.


class sockaddr_in(ctypes.Structure):
    _fields_ = [("sin_family", ctypes.c_ushort), ("sin_port", ctypes.c_uint16),
                ("sin_addr", ctypes.c_uint32), ("sin_zero", ctypes.c_uint8 * 8)]


class hsk_listen(ctypes.Structure):
    _fields_ = [("addr", sockaddr_in), ("backlog", ctypes.c_int32), ("flags", ctypes.c_uint32)]


class hsk_accept(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint32), ("reserved", ctypes.c_uint32),
                ("peer", sockaddr_in), ("local", sockaddr_in)]


class hsk_info(ctypes.Structure):
    _fields_ = [("local", sockaddr_in), ("peer", sockaddr_in)] + [
        (n, ctypes.c_uint32) for n in (
            "state", "snd_una", "snd_nxt", "rcv_nxt", "snd_wnd", "rcv_wnd",
            "rto_ms", "timer_ms", "retransmits", "mss")] + [
        ("snd_wscale", ctypes.c_uint8), ("rcv_wscale", ctypes.c_uint8),
        ("options", ctypes.c_uint16)] + [
        (n, ctypes.c_uint32) for n in ("cwnd", "ssthresh", "srtt_us", "rttvar_us")]


_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2


def _IOC(d, t, nr, size):
    return (d << 30) | (size << 16) | (t << 8) | nr


MAGIC = 0xB4
HSK_IOC_LISTEN = _IOC(_IOC_WRITE, MAGIC, 1, ctypes.sizeof(hsk_listen))
HSK_IOC_ACCEPT = _IOC(_IOC_READ | _IOC_WRITE, MAGIC, 2, ctypes.sizeof(hsk_accept))
HSK_IOC_SHUTDOWN = _IOC(_IOC_NONE, MAGIC, 3, 0)
HSK_IOC_INFO = _IOC(_IOC_READ, MAGIC, 4, ctypes.sizeof(hsk_info))
KNOWN = [HSK_IOC_LISTEN, HSK_IOC_ACCEPT, HSK_IOC_SHUTDOWN, HSK_IOC_INFO]

# Pointers no ioctl may trust: NULL, unmapped user memory, a kernel address,
# a non-canonical one, and the last byte of the address space.
BAD_POINTERS = [0, 0x1, 0xDEAD0000, 0x7FFFFFFFF000, 0xFFFFFFFF81000000,
                0x8000000000000000, 0xFFFFFFFFFFFFFFFF]


def ioctl_errno(fd, cmd, arg):
    """ioctl(2) with a raw integer argument; returns 0 or the errno."""
    r = hsklib.ioctl(fd, cmd, arg)
    return -r if r < 0 else 0


def test_node():
    st = os.stat(hsklib.CHARDEV)
    assert stat.S_ISCHR(st.st_mode), "/dev/hsk is not a character device"
    mode = stat.S_IMODE(st.st_mode)
    assert mode == 0o600, "/dev/hsk mode %o, want 600" % mode
    assert st.st_uid == 0 and st.st_gid == 0, "/dev/hsk owned by %d:%d" % (st.st_uid, st.st_gid)
    assert os.major(st.st_rdev) == 10, "/dev/hsk major %d, want 10 (misc)" % os.major(st.st_rdev)
    with open("/sys/class/misc/hsk/dev") as f:
        want = f.read().strip()
    got = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
    assert got == want, "/dev/hsk is %s but the misc device hsk is %s" % (got, want)


def test_open_close_pins_module():
    """Every open handle holds a reference on the module; close drops it."""
    base = hsklib.module_refcnt()
    fds = [os.open(hsklib.CHARDEV, os.O_RDWR) for _ in range(64)]
    try:
        assert hsklib.module_refcnt() == base + 64, "refcnt %d with 64 handles open, was %d" % (
            hsklib.module_refcnt(), base)
        for fd in fds[::2]:
            os.close(fd)
        fds = fds[1::2]
        assert hsklib.module_refcnt() == base + 32
    finally:
        for fd in fds:
            os.close(fd)
    assert hsklib.module_refcnt() == base, "refcnt %d after closing all, was %d" % (
        hsklib.module_refcnt(), base)
    # O_RDONLY, O_WRONLY and O_NONBLOCK|O_CLOEXEC opens work as well.
    for flags in (os.O_RDONLY, os.O_WRONLY, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC):
        os.close(os.open(hsklib.CHARDEV, flags))
    assert hsklib.module_refcnt() == base


def test_not_seekable():
    """A handle is a stream (stream_open): lseek is ESPIPE."""
    fd = os.open(hsklib.CHARDEV, os.O_RDWR)
    try:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
        except OSError as e:
            assert e.errno == errno.ESPIPE, "lseek: %s, want ESPIPE" % hsklib.errname(e.errno)
        else:
            raise AssertionError("lseek on /dev/hsk succeeded")
    finally:
        os.close(fd)


def test_root_only():
    """Mode 0600: an unprivileged user cannot open it."""
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                os.close(os.open(hsklib.CHARDEV, os.O_RDWR))
                code = 1
            except PermissionError:
                code = 0
            except OSError:
                code = 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code != 1, "user nobody opened /dev/hsk"
    assert code == 0, "user nobody: open failed other than EACCES (child exit %d)" % code


def test_unknown_ioctl_enotty():
    fd = os.open(hsklib.CHARDEV, os.O_RDWR)
    try:
        cmds = [
            _IOC(_IOC_NONE, MAGIC, 0, 0),
            _IOC(_IOC_NONE, MAGIC, 99, 0),
            _IOC(_IOC_READ | _IOC_WRITE, MAGIC, 5, 8),
            # A known number with the wrong size or direction is not known.
            _IOC(_IOC_WRITE, MAGIC, 1, ctypes.sizeof(hsk_listen) + 4),
            _IOC(_IOC_READ, MAGIC, 1, ctypes.sizeof(hsk_listen)),
            _IOC(_IOC_READ, MAGIC, 4, ctypes.sizeof(hsk_info) - 4),
            # Someone else's magic, and tty ioctls.
            _IOC(_IOC_NONE, 0xB5, 1, 0),
            0x5401,  # TCGETS
            0x541B,  # FIONREAD
            0xFFFFFFFF,
        ]
        wrong = ["%#x: %s" % (c, hsklib.errname(e)) for c in cmds
                 for e in [ioctl_errno(fd, c, 0)] if e != errno.ENOTTY]
        assert not wrong, "want ENOTTY: " + ", ".join(wrong)
    finally:
        os.close(fd)


def test_ioctl_bad_pointers():
    """Known ioctls with pointers nobody may dereference fail with an errno
    (EFAULT once implemented); the kernel stays up and the handle usable."""
    k = hsklib.Kmsg()
    fd = os.open(hsklib.CHARDEV, os.O_RDWR | os.O_NONBLOCK)
    try:
        results = {}
        for cmd in KNOWN:
            for ptr in BAD_POINTERS:
                e = ioctl_errno(fd, cmd, ptr)
                results[(cmd, ptr)] = e
        # An unbound handle: LISTEN reads its argument and faults, ACCEPT
        # is EINVAL before it reads (not a listener), SHUTDOWN and INFO
        # are ENOTCONN (not a connection), as a socket's would be.
        want = {HSK_IOC_LISTEN: errno.EFAULT, HSK_IOC_ACCEPT: errno.EINVAL,
                HSK_IOC_SHUTDOWN: errno.ENOTCONN, HSK_IOC_INFO: errno.ENOTCONN}
        wrong = ["%#x(%#x): %s" % (c, p, hsklib.errname(e)) for (c, p), e in results.items()
                 if e != want[c]]
        assert not wrong, "want %s: %s" % (want, ", ".join(wrong))
        # The handle still works.
        assert ioctl_errno(fd, _IOC(_IOC_NONE, MAGIC, 99, 0), 0) == errno.ENOTTY
    finally:
        os.close(fd)
    splats = k.splats()
    assert not splats, "kernel log: %s" % splats



def test_unbound_handle_polls_err():
    """A handle before LISTEN has nothing to wait for: poll says POLLERR
    at once rather than blocking forever (abi.rst). A Linux socket that is
    neither listening nor connected says POLLOUT|POLLHUP instead; hsk's
    handle can never become writable, so it reports an error."""
    fd = os.open(hsklib.CHARDEV, os.O_RDWR)
    try:
        p = select.poll()
        p.register(fd, select.POLLIN | select.POLLOUT)
        got = p.poll(1000)
        assert got == [(fd, select.POLLERR)], got
    finally:
        os.close(fd)


_libc = ctypes.CDLL(None, use_errno=True)


def raw_rw(fn, fd, ptr, n):
    """read(2)/write(2) with a raw buffer address: the result or -errno."""
    f = getattr(_libc, fn)
    f.restype = ctypes.c_ssize_t
    r = f(ctypes.c_int(fd), ctypes.c_void_p(ptr), ctypes.c_size_t(n))
    return r if r >= 0 else -ctypes.get_errno()


def test_connection_fd_bad_pointers_and_arguments():
    """On a connection fd, read, write and INFO with pointers nobody may
    dereference fail with EFAULT and lose nothing: the data waiting is
    still read whole afterwards and nothing bad is sent; SHUTDOWN with a
    how that is not 0, 1 or 2 (in all 64 bits) is EINVAL, LISTEN and
    ACCEPT are EINVAL (a connection is not a listener)."""
    k = hsklib.Kmsg()
    bad = [p for p in BAD_POINTERS if p]  # NULL too, but once is enough
    with hskdev.Listener(8730) as ls:
        s = socket.create_connection((hsklib.PEER, 8730), timeout=3)
        with s:
            assert ls.readable(5)
            fd, _, _ = ls.accept(hskdev.ACCEPT_CLOEXEC | hskdev.ACCEPT_NONBLOCK)
            try:
                s.sendall(b"hello, hsk")
                r, _, _ = select.select([fd], [], [], 3)
                assert r, "the client's data never arrived"
                for ptr in [0] + bad:
                    e = raw_rw("read", fd, ptr, 10)
                    assert e == -errno.EFAULT, "read(%#x): %s" % (ptr, e)
                    e = raw_rw("write", fd, ptr, 10)
                    assert e == -errno.EFAULT, "write(%#x): %s" % (ptr, e)
                    e = ioctl_errno(fd, HSK_IOC_INFO, ptr)
                    assert e == errno.EFAULT, "INFO(%#x): %s" % (ptr, hsklib.errname(e))
                assert os.read(fd, 100) == b"hello, hsk"
                # Nothing reached the client from the faulting writes.
                s.settimeout(0.3)
                try:
                    got = s.recv(100)
                except socket.timeout:
                    got = None
                assert got is None, "the client got %r" % got

                for how in (3, 4, 0x7FFFFFFF, 0xFFFFFFFF, 1 << 32 | 1, (1 << 64) - 1):
                    e = ioctl_errno(fd, HSK_IOC_SHUTDOWN, how)
                    assert e == errno.EINVAL, "SHUTDOWN(%#x): %s" % (how, hsklib.errname(e))
                la = hskdev.listen_arg("0.0.0.0", 8731, 16)
                buf = ctypes.create_string_buffer(bytes(la), len(la))
                e = ioctl_errno(fd, HSK_IOC_LISTEN, ctypes.addressof(buf))
                assert e == errno.EINVAL, "LISTEN on a connection: %s" % hsklib.errname(e)
                acc = ctypes.create_string_buffer(ctypes.sizeof(hsk_accept))
                e = ioctl_errno(fd, HSK_IOC_ACCEPT, ctypes.addressof(acc))
                assert e == errno.EINVAL, "ACCEPT on a connection: %s" % hsklib.errname(e)

                # The connection is untouched: both ways still work.
                assert os.write(fd, b"still here") == 10
                s.settimeout(3)
                assert s.recv(100) == b"still here"
                assert ioctl_errno(fd, HSK_IOC_SHUTDOWN, 1) == 0
                assert s.recv(100) == b"", "no FIN after SHUT_WR"
            finally:
                os.close(fd)
    splats = k.splats()
    assert not splats, "kernel log: %s" % splats


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def raw_rwv(fn, fd, parts):
    """readv(2)/writev(2) over (address, length) parts: result or -errno."""
    f = getattr(_libc, fn)
    f.restype = ctypes.c_ssize_t
    f.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    iov = (iovec * len(parts))(*[iovec(a, n) for a, n in parts])
    r = f(fd, ctypes.addressof(iov), len(parts))
    return r if r >= 0 else -ctypes.get_errno()


def test_partial_faults_as_linux():
    """A readv/writev whose second buffer faults, and a read or write that
    runs off the end of mapped memory, answer as a Linux TCP socket does
    in the same place (the oracle, over loopback): a fault inside the
    first buffer's worth of data is EFAULT (Linux's tcp_recvmsg() counts
    only whole chunks copied, tcp_sendmsg() commits nothing of a faulting
    copy), and nothing is lost or sent: the data waiting is read whole
    afterwards, and the peer gets only what later writes sent."""
    page = 4096
    area = hsklib.mmap_anon(2 * page, 0x3)  # PROT_READ | PROT_WRITE
    hsklib.munmap(area + page, page)  # the second page is a hole
    k = hsklib.Kmsg()
    ls_, lc = hsklib.linux_pair()
    try:
        with hskdev.Listener(8732) as ls:
            s = socket.create_connection((hsklib.PEER, 8732), timeout=3)
            with s:
                assert ls.readable(5)
                fd, _, _ = ls.accept(hskdev.ACCEPT_CLOEXEC | hskdev.ACCEPT_NONBLOCK)
                try:
                    ends = ((fd, s, "hsk"), (ls_.fileno(), lc, "Linux"))
                    for rfd, peer, _ in ends:
                        peer.sendall(b"hello, hsk")
                    for rfd, _, who in ends:
                        r, _, _ = select.select([rfd], [], [], 3)
                        assert r, "%s: the client's data never arrived" % who
                    got = {}
                    for rfd, _, who in ends:
                        head = ctypes.create_string_buffer(5)
                        got[who] = (
                            raw_rwv("readv", rfd, [(ctypes.addressof(head), 5),
                                                   (0xDEAD0000, 100)]),
                            raw_rw("read", rfd, area + page - 4, 100),
                            raw_rwv("writev", rfd, [(ctypes.addressof(head), 3),
                                                    (0xDEAD0000, 100)]),
                            raw_rw("write", rfd, area + page - 2, 100))
                    assert got["hsk"] == got["Linux"], got
                    assert got["hsk"] == (-errno.EFAULT,) * 4, got
                    for rfd, peer, who in ends:
                        assert os.read(rfd, 100) == b"hello, hsk", who
                        os.write(rfd, b"after")
                        peer.settimeout(3)
                        data = peer.recv(100)
                        assert data == b"after", "%s: the peer got %r" % (who, data)
                finally:
                    os.close(fd)
    finally:
        hsklib.munmap(area, page)
        ls_.close()
        lc.close()
    splats = k.splats()
    assert not splats, "kernel log: %s" % splats
