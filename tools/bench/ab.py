#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A/B of two hsk.ko builds in one guest boot (tools/bench/ab runs it).

The noise between boots is larger than most changes to the engine, so
both builds are measured in the same boot, reloaded round by round in the
order A B B A, A B B A ... (drift in the host's load falls on both alike).
Each round measures ns per SYN with cookies (syncookies=2) and with state
(syncookies=1, queue never full), with guest.py's functions and checks.
Prints one line per run and, at the end, per figure: each side's median
and B / A's median over the rounds (min..max). Each figure comes twice:
ns per SYN over the whole run, as make bench takes it, and the median
batch's (_p50), which the host's stalls leave alone.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest as g  # noqa: E402


def load(ko):
    g.sh("rmmod hsk")
    g.load_hsk(ko)
    g.hsk_knob("synack_retries", 0)


def measure(count, est):
    hl = g.hsk_listener()
    g.hsk_knob("syncookies", 2)
    cookie = g.syn_stateless("hsk", "syn", count, 1)
    g.hsk_knob("syncookies", 1)
    state, est = g.syn_stateful("hsk", count, est)
    g.stop(hl)
    return {"cookie": cookie["ns_per_syn"], "state": state["ns_per_syn"],
            "cookie_p50": cookie["p50_ns_per_syn"],
            "state_p50": state["p50_ns_per_syn"]}, est


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="hsk.ko of A")
    ap.add_argument("--b", required=True, help="hsk.ko of B")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--syns", type=int, default=100000, help="SYNs per run")
    args = ap.parse_args()

    g.setup(args.a)
    kos = {"A": args.a, "B": args.b}
    est = {"A": 50000.0, "B": 50000.0}
    runs = {"A": [], "B": []}
    for rnd in range(args.rounds):
        order = "AB" if rnd % 2 == 0 else "BA"
        for v in order:
            load(kos[v])
            r, est[v] = measure(args.syns, est[v])
            runs[v].append(r)
            g.log("round %d %s: cookie %.0f ns (p50 %.0f), state %.0f ns "
                  "(p50 %.0f)" % (rnd + 1, v, r["cookie"], r["cookie_p50"],
                                  r["state"], r["state_p50"]))
    print("ab: %d rounds of %d SYNs per figure and build" %
          (args.rounds, args.syns))
    for fig in ("cookie", "state", "cookie_p50", "state_p50"):
        a = [r[fig] for r in runs["A"]]
        b = [r[fig] for r in runs["B"]]
        ratio = [y / x for x, y in zip(a, b)]
        print("ab: %-10s A %6.0f ns  B %6.0f ns  B/A %.3f (%.3f..%.3f), "
              "B lower in %d of %d" %
              (fig, statistics.median(a), statistics.median(b),
               statistics.median(ratio), min(ratio), max(ratio),
               sum(y < x for x, y in zip(a, b)), len(a)))


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in list(g.procs):
            p.kill()
