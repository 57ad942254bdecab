"""The order search against the greedy's restarts at equal work: trains placed, not seconds.

    PYTHONPATH=. python benchmarks/order_search.py PASSES [--seeds 0,1] [--out CSV] INSTANCE.json...

For each instance and seed: the greedy's seeded sequence of passes
(:class:`~gaugeopt.construct.search.MultiStart`: the priority rules, then randomised
restarts) for PASSES passes, against the same sequence for its first eight passes followed
by the order search (:class:`~gaugeopt.construct.order_search.OrderSearch`) from the order
of the best of them, until as many trains have been placed in all (the order search places
only the trains after the first that changed, so it makes more steps than passes). Both
counts are of work done, so the figures do not depend on the machine's speed or load. One
line per instance and seed on stdout; ``--out`` writes them as CSV.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from gaugeopt.checker import check
from gaugeopt.construct.order_search import OrderSearch
from gaugeopt.construct.search import MultiStart
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance

#: Passes of the greedy's sequence before the order search takes over from their best.
HANDOVER = 8


def greedy(inst: Instance, passes: int, seed: int) -> int | None:
    """The greedy's best objective after ``passes`` passes."""
    search = MultiStart(inst, seed=seed)
    search.run(time_limit=float("inf"), restarts=max(0, passes - 4))
    return None if search.best is None else search.best.objective


def ordered(inst: Instance, passes: int, seed: int) -> int | None:
    """The greedy's first passes, then the order search from their best order, for as many
    trains placed in all as ``passes`` passes place."""
    start = MultiStart(inst, seed=seed)
    start.run(time_limit=float("inf"), restarts=max(0, HANDOVER - 4))
    best = start.best
    if best is None:
        return None
    search = OrderSearch(inst, seed=seed)
    search.queue(start.best_order)
    n = len(inst.trains)
    found = search.run(steps=max(0, passes - HANDOVER) * n)
    if found is not None:
        assert check(inst, found) == [], "an order-search schedule failed the checker"
    objectives = [s.objective for s in (best, found) if s is not None and s.objective is not None]
    return min(objectives)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("passes", type=int)
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    rows = []
    for path in args.paths:
        inst = read_instance(path)
        for seed in (int(s) for s in args.seeds.split(",")):
            g, o = greedy(inst, args.passes, seed), ordered(inst, args.passes, seed)
            ratio = "" if g is None or o is None else f"{o / g:.3f}"
            rows.append(
                {
                    "instance": inst.name,
                    "trains": len(inst.trains),
                    "seed": seed,
                    "passes": args.passes,
                    "greedy": g,
                    "order_search": o,
                    "ratio": ratio,
                }
            )
            print(*rows[-1].values(), flush=True)
    if args.out is not None:
        with args.out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
