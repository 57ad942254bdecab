"""The lower bounds of days side by side: each train alone, the station LP, and the
time-indexed relaxation (issue 13, item 1), with the best schedule recorded for the day.

    python benchmarks/bound_figures.py OUT.csv INSTANCE.json...

The time-indexed bound runs as in a solve of ``--workers 1``: 600 train-buckets, the six
dearest resources, one worker, budgeted in deterministic time (5 s × 0.5 units), so the
figures do not depend on the load of the machine.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from gaugeopt.bounds import Effort, station_bound, time_indexed_bound, train_dwell_bounds
from gaugeopt.model.io import read_instance

EFFORT = Effort(seconds=5.0, buckets=600, resources=6, workers=1, deterministic_rate=0.5)


def row(path: str) -> dict[str, object]:
    inst = read_instance(path)
    own = train_dwell_bounds(inst)
    alone = sum(t.weight * b for t, b in zip(inst.trains, own, strict=True) if b is not None)
    prices: dict[str, float] = {}
    shared = station_bound(inst, own=own, prices=prices)
    start = time.perf_counter()
    timed = time_indexed_bound(inst, own, prices, EFFORT)
    seconds = time.perf_counter() - start
    priced = sorted((n for n, v in prices.items() if v > 1e-6), key=lambda n: -prices[n])
    return {
        "instance": Path(path).stem,
        "trains": len(inst.trains),
        "alone": alone,
        "station": shared,
        "time_indexed": timed,
        "time_indexed_s": round(seconds, 2),
        "priced": "; ".join(priced[: EFFORT.resources]),
    }


def main(out: str, paths: list[str]) -> None:
    rows = [row(p) for p in paths]
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for r in rows:
        print(", ".join(f"{k}={v}" for k, v in r.items()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
