# SPDX-License-Identifier: GPL-2.0
"""net.hsk.*: every knob's default, range and refusal (DESIGN.md section 3).

A write outside the range, or not a number, fails with EINVAL and changes
nothing; both bounds are accepted; sysctl(8) reads and writes them too.
"""

import errno
import os
import stat

import hsklib
from hsklib import KNOBS, get_knob, saved_knobs, set_knob


def test_knob_set():
    """Exactly the twelve knobs (eleven numbers and mem's three), each a
    root-writable, world-readable file."""
    names = sorted(os.listdir(hsklib.SYSCTL_DIR))
    want = sorted(list(KNOBS) + ["mem"])
    assert len(want) == 12, want
    assert names == want, "net.hsk has %s, want %s" % (names, want)
    for n in names:
        mode = stat.S_IMODE(os.stat(hsklib.knob_path(n)).st_mode)
        assert mode == 0o644, "net.hsk.%s mode %o, want 644" % (n, mode)


def test_defaults():
    """A freshly loaded module has the documented defaults (the runner
    loads it fresh and every test restores what it changes)."""
    wrong = ["%s=%d (want %d)" % (n, get_knob(n), d)
             for n, (d, lo, hi) in KNOBS.items() if get_knob(n) != d]
    assert not wrong, "defaults: " + ", ".join(wrong)


def refused(name, value, want_errno=errno.EINVAL):
    """Writes value, which must be refused with want_errno and change nothing."""
    before = get_knob(name)
    try:
        set_knob(name, value)
    except OSError as e:
        assert e.errno == want_errno, "net.hsk.%s=%r: %s, want %s" % (
            name, value, hsklib.errname(e.errno), hsklib.errname(want_errno))
    else:
        raise AssertionError("net.hsk.%s=%r was accepted (now %d), want %s" % (
            name, value, get_knob(name), hsklib.errname(want_errno)))
    after = get_knob(name)
    assert after == before, "net.hsk.%s=%r refused but the value changed %d -> %d" % (
        name, value, before, after)


def accepted(name, value):
    set_knob(name, value)
    got = get_knob(name)
    assert got == value, "net.hsk.%s=%d accepted but reads back %d" % (name, value, got)


def check_knob(name):
    default, lo, hi = KNOBS[name]
    with saved_knobs(name):
        assert get_knob(name) == default, "net.hsk.%s=%d, want default %d" % (
            name, get_knob(name), default)
        accepted(name, lo)
        accepted(name, hi)
        # Refusals start from a value that is neither bound, so that a
        # write that clamps instead of refusing shows as a change.
        mid = lo + 1 if lo + 1 < hi else lo
        accepted(name, mid)
        refused(name, lo - 1)
        refused(name, hi + 1)
        refused(name, -(1 << 31))
        refused(name, (1 << 31) - 1 if hi < (1 << 31) - 1 else 1 << 40)
        refused(name, 1 << 32)  # does not wrap to 0 either
        refused(name, "abc")
        refused(name, "0x10z")
        assert get_knob(name) == mid
        # sysctl(8), as an admin would.
        hsklib.run(["sysctl", "-q", "-w", "net.hsk.%s=%d" % (name, hi)])
        got = hsklib.run(["sysctl", "-n", "net.hsk.%s" % name]).stdout.strip()
        assert got == str(hi), "sysctl -n net.hsk.%s gives %r after -w %d" % (name, got, hi)
        p = hsklib.run(["sysctl", "-w", "net.hsk.%s=%d" % (name, hi + 1)], check=False)
        assert p.returncode != 0, "sysctl -w net.hsk.%s=%d succeeded" % (name, hi + 1)
        assert "Invalid argument" in p.stderr, "sysctl -w out of range: %r" % p.stderr
        assert get_knob(name) == hi
        accepted(name, default)
    assert get_knob(name) == default


def test_max_syn_backlog():
    check_knob("max_syn_backlog")


def test_somaxconn():
    check_knob("somaxconn")


def test_abort_on_overflow():
    check_knob("abort_on_overflow")


def test_syncookies():
    check_knob("syncookies")


def test_synack_retries():
    check_knob("synack_retries")


def test_syn_retries():
    # Range and errors only: hsk makes no active open, so nothing reads it
    # (admin guide, knobs table).
    check_knob("syn_retries")


def test_fin_timeout():
    check_knob("fin_timeout")


def test_sack():
    check_knob("sack")


def test_window_scaling():
    check_knob("window_scaling")


def test_timestamps():
    check_knob("timestamps")


def test_early_retrans():
    check_knob("early_retrans")


def read_mem():
    with open(hsklib.knob_path("mem")) as f:
        return [int(v) for v in f.read().split()]


def write_mem(text):
    fd = os.open(hsklib.knob_path("mem"), os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def test_mem():
    # Three page counts, as Linux's tcp_mem: its formula at load (4.7 %,
    # 6.25 % and 9.4 % of the buffer pages), so close to the guest's own
    # net.ipv4.tcp_mem, which was made the same way at boot (free pages
    # moved since); any three numbers are taken, as Linux takes them; a
    # negative one or a word is EINVAL and changes nothing.
    mem = read_mem()
    with open("/proc/sys/net/ipv4/tcp_mem") as f:
        linux = [int(v) for v in f.read().split()]
    assert len(mem) == 3 and mem[0] < mem[1] < mem[2], mem
    for ours, theirs in zip(mem, linux):
        assert 0.5 * theirs <= ours <= 1.5 * theirs, "net.hsk.mem %s, tcp_mem %s" % (mem, linux)
    try:
        write_mem("1 2 3")
        assert read_mem() == [1, 2, 3]
        for bad in ("abc", "-1 2 3", "0x10z"):
            try:
                write_mem(bad)
                raise AssertionError("net.hsk.mem=%r accepted" % bad)
            except OSError as e:
                assert e.errno == errno.EINVAL, (bad, e)
        assert read_mem() == [1, 2, 3], read_mem()
        hsklib.run(["sysctl", "-q", "-w", "net.hsk.mem=10 20 30"])
        got = hsklib.run(["sysctl", "-n", "net.hsk.mem"]).stdout.split()
        assert got == ["10", "20", "30"], got
    finally:
        write_mem(" ".join(map(str, mem)))
    assert read_mem() == mem


def test_restore_helper():
    """The helper the other tests rely on puts every knob back, even when
    the body fails."""
    before = {n: get_knob(n) for n in KNOBS}
    try:
        with hsklib.knobs(somaxconn=7, syncookies=2, fin_timeout=1):
            assert get_knob("somaxconn") == 7
            raise KeyError("boom")
    except KeyError:
        pass
    after = {n: get_knob(n) for n in KNOBS}
    assert after == before, "knobs not restored: %s -> %s" % (before, after)
