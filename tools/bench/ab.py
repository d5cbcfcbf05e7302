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
ns per SYN, and over the floor measured around it (the host's speed
drifts within a boot, and the floor, which no engine change reaches,
drifts with it).
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


def floor(count):
    return g.syn_stateless("hsk", "bad", count, 1)["ns_per_syn"]


def measure(count, est, cpus=1):
    """
    The cookie and the stateful figure, each also over the floor measured
    just before and after it: the host's speed drifts by as much as 2x
    within a minute, and the floor (parse, bad checksum, drop: code that
    no engine change reaches) drifts with it.
    """
    hl = g.hsk_listener()
    f0 = floor(count // 2)
    g.hsk_knob("syncookies", 2)
    cookie = g.syn_stateless("hsk", "syn", count, cpus)
    f1 = floor(count // 2)
    g.hsk_knob("syncookies", 1)
    state, est = g.syn_stateful("hsk", count, est, cpus)
    f2 = floor(count // 2)
    g.stop(hl)
    return {"cookie": cookie["ns_per_syn"], "state": state["ns_per_syn"],
            "cookie/floor": 2 * cookie["ns_per_syn"] / (f0 + f1),
            "state/floor": 2 * state["ns_per_syn"] / (f1 + f2),
            "floor": (f0 + f1 + f2) / 3}, est


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="hsk.ko of A")
    ap.add_argument("--b", required=True, help="hsk.ko of B")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--syns", type=int, default=100000, help="SYNs per run")
    ap.add_argument("--cpus", type=lambda v: int(v, 0), default=1,
                    help="CPU mask that injects the cookie and stateful SYNs "
                         "(3: both vCPUs at once; the floor stays on CPU 0)")
    ap.add_argument("--sink-queues", type=int, default=1,
                    help="transmit queues of bench0, where replies end: with "
                         "more than one the host picks one by flow hash")
    args = ap.parse_args()

    g.setup(args.a, args.sink_queues)
    kos = {"A": args.a, "B": args.b}
    est = {"A": 50000.0, "B": 50000.0}
    runs = {"A": [], "B": []}
    for rnd in range(args.rounds):
        order = "AB" if rnd % 2 == 0 else "BA"
        for v in order:
            load(kos[v])
            r, est[v] = measure(args.syns, est[v], args.cpus)
            runs[v].append(r)
            g.log("round %d %s: floor %.0f ns, cookie %.0f ns (%.2f floors), "
                  "state %.0f ns (%.2f floors)" %
                  (rnd + 1, v, r["floor"], r["cookie"], r["cookie/floor"],
                   r["state"], r["state/floor"]))
    print("ab: %d rounds of %d SYNs per figure and build" %
          (args.rounds, args.syns))
    for fig in ("floor", "cookie", "state", "cookie/floor", "state/floor"):
        a = [r[fig] for r in runs["A"]]
        b = [r[fig] for r in runs["B"]]
        ratio = [y / x for x, y in zip(a, b)]
        print("ab: %-12s A %8.2f  B %8.2f  B/A %.3f (%.3f..%.3f), "
              "B lower in %d of %d" %
              (fig, statistics.median(a), statistics.median(b),
               statistics.median(ratio), min(ratio), max(ratio),
               sum(y < x for x, y in zip(a, b)), len(a)))


if __name__ == "__main__":
    g.run(main)
