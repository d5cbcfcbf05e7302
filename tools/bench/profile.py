#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The guest's half of tools/bench/profile: the SYN modes of make bench,
each run once between two marks of the insn-profile plugin.

A mark is getsid(2): the plugin (tools/bench/insn-profile.c) dumps the
instructions counted since the last mark when the guest enters
__x64_sys_getsid, which nothing else in the guest calls. The dump that a
mode's second mark writes holds just that mode's run: the injection of
COUNT SYNs by the bench module and what little the two syscalls around
it add. Writes the modes and their dump numbers as JSON.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest as g  # noqa: E402

marks = 0


def mark():
    global marks
    os.getsid(0)
    marks += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--syns", type=int, default=10000,
                    help="SYNs per mode; with state, few enough that no "
                    "entry's 1 s timer fires inside the run")
    ap.add_argument("--modes", default="hsk_floor,hsk_cookie,hsk_state,"
                    "linux_cookie,linux_state")
    args = ap.parse_args()

    g.setup()
    g.hsk_knob("synack_retries", 0)
    g.sysctl("net.ipv4.tcp_synack_retries", 0)
    hl = g.hsk_listener()
    ll = g.linux_listener()
    # Beside the counts, where profile-report reads it.
    g.sh("cat /proc/kallsyms > %s/kallsyms" %
         os.path.join(g.REPO, os.path.dirname(args.out)))

    modes = {
        "hsk_floor": ("hsk", "bad", None),
        "hsk_cookie": ("hsk", "syn", ("hsk", "syncookies", 2)),
        "hsk_state": ("hsk", "state", ("hsk", "syncookies", 1)),
        "linux_cookie": ("linux", "syn", ("linux", "net.ipv4.tcp_syncookies", 2)),
        "linux_state": ("linux", "state", ("linux", "net.ipv4.tcp_syncookies", 1)),
    }
    out = {"syns": args.syns, "modes": {}}
    for name in args.modes.split(","):
        side, kind, knob = modes[name]
        if knob:
            (g.hsk_knob if knob[0] == "hsk" else g.sysctl)(knob[1], knob[2])
        for rnd in ("warm", "measured"):
            before = g.counters(side)
            if kind == "state":
                first = g.flows.take(args.syns)
                c = g.cmd("syn", side, first, args.syns)
            else:
                c = g.cmd(kind, side, 0, args.syns)
            mark()
            r = g.bench(c)[0]
            mark()
            after = g.counters(side)
            g.check(r["ret"] == 0 and r["errors"] == 0, "%s: %s" % (name, r))
            if kind == "state":
                n = g.NAMES[side]
                g.check(g.delta(after, before, n["timeouts"]) == 0,
                        "%s: timers fired inside the run" % name)
                g.check(g.delta(after, before, n["cookies"]) == 0 and
                        r["synack"] == args.syns, "%s: %s" % (name, r))
                g.wait_counter(side, n["timeouts"],
                               before[n["timeouts"]] + args.syns)
            g.log("%s %s: %d SYNs in dump %d" % (name, rnd, args.syns, marks - 1))
        out["modes"][name] = {"dump": marks - 1, "count": args.syns,
                              "span_ns": r["span_ns"]}
    g.stop(hl)
    g.stop(ll)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    g.run(main)
