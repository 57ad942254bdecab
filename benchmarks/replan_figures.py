"""Replanning figures (issue 20): random disruptions of every docs/replanning.md kind on generated days,
each replanned, repaired and solved afresh, side by side.

    nice -n 10 python benchmarks/replan_figures.py OUT.csv [--days 6] [--per-day 5] [-t 5]
        [--cases DAY:K,...]

For each generated day (``generate("day", seed, trains=N)``, N from :data:`SIZES` in turn)
the plan being carried out is a solve of ``-t`` seconds on one worker; then ``--per-day``
random disruptions (:func:`gaugeopt.replan.disrupt.random_disruption`: one to three kinds,
``now`` between 20 % and 70 % of the plan) are each replanned with ``-t`` seconds on one
worker, and the edited instance is solved afresh with the same limit (a fresh solve ignores
the frozen work: it is the reference for dwell, not a valid replan). One CSV row per
disruption; a summary on stdout. One worker everywhere: the replan and the fresh solve are
budgeted in deterministic time, so the figures do not depend on the machine's load (the
wall times do).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from pathlib import Path

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.errors import InputError
from gaugeopt.generate import generate
from gaugeopt.replan import diff
from gaugeopt.replan.disrupt import random_disruption

#: Day sizes (trains), one per day in turn: mostly small, a few medium.
SIZES = (4, 5, 6, 8, 10, 12, 15, 20)

COLUMNS = [
    "day",
    "trains",
    "kinds",
    "edits",
    "now",
    "status",
    "valid",
    "replan_dwell",
    "repair_dwell",
    "fresh_dwell",
    "previous_dwell",
    "replan_changed",
    "repair_changed",
    "fresh_changed",
    "replan_reassigned",
    "repair_reassigned",
    "fresh_reassigned",
    "fresh_frozen_broken",
    "not_started",
    "replan_s",
    "fresh_s",
]


def _counts(previous, solution) -> tuple[int, int]:
    changes = diff.compare(previous, solution)
    return diff.changed_count(changes), diff.reassigned_count(changes)


def disruption_row(day: str, inst, previous, d, limit: float) -> dict[str, object]:
    row: dict[str, object] = {
        "day": day,
        "trains": len(inst.trains),
        "kinds": "+".join(d.kinds),
        "edits": "; ".join(d.edits),
        "now": d.now,
        "previous_dwell": previous.objective,
    }
    start = time.perf_counter()
    try:
        result = gaugeopt.replan(d.instance, previous, d.now, time_limit=limit, workers=1)
    except InputError as e:
        row["status"] = f"refused: {e}"
        return row
    row["replan_s"] = round(time.perf_counter() - start, 2)
    row["status"] = result.status
    planned = result.status in ("optimal", "feasible")
    row["valid"] = planned and not [
        *check(d.instance, result.solution),
        *check_frozen(previous, result.solution, d.now),
    ]
    row["not_started"] = len(previous.tasks) - result.frozen
    if planned:
        row["replan_dwell"] = result.objective
        row["replan_changed"], row["replan_reassigned"] = result.changed, result.reassigned
    if result.repaired is not None:
        row["repair_dwell"] = result.repaired.objective
        row["repair_changed"], row["repair_reassigned"] = _counts(previous, result.repaired)
    start = time.perf_counter()
    fresh = gaugeopt.solve(d.instance, time_limit=limit, workers=1)
    row["fresh_s"] = round(time.perf_counter() - start, 2)
    if fresh.status in ("optimal", "feasible"):
        row["fresh_dwell"] = fresh.objective
        row["fresh_changed"], row["fresh_reassigned"] = _counts(previous, fresh.solution)
        # how many frozen tasks (started before now) the fresh solve rewrote: its dwell is
        # then no plan a replan could reach
        row["fresh_frozen_broken"] = len(check_frozen(previous, fresh.solution, d.now))
    return row


def summary(rows: list[dict[str, object]]) -> str:
    """Success rate, and medians of the ratios and times, as README lines."""
    refused = [r for r in rows if str(r["status"]).startswith("refused")]
    asked = [r for r in rows if r not in refused]
    good = [r for r in asked if r.get("valid")]
    both = [r for r in good if r.get("repair_dwell") and r.get("fresh_dwell")]

    def med(values: list[float]) -> str:
        return f"{statistics.median(values):.3f}" if values else "—"

    def ratio(a: str, b: str, rs=both) -> list[float]:
        return [float(r[a]) / float(r[b]) for r in rs if r.get(b)]  # type: ignore[arg-type]

    changed = [r for r in both if r.get("repair_changed")]
    lines = [
        f"disruptions: {len(rows)}, refused (edit contradicts frozen work): {len(refused)}",
        f"replans with a checked plan: {len(good)} of {len(asked)}",
        f"median replan/repair dwell: {med(ratio('replan_dwell', 'repair_dwell'))}",
        f"median replan/fresh dwell: {med(ratio('replan_dwell', 'fresh_dwell'))}",
        f"median repair/fresh dwell: {med(ratio('repair_dwell', 'fresh_dwell'))}",
        f"replan dwell within 5 % of fresh: "
        f"{sum(1 for x in ratio('replan_dwell', 'fresh_dwell') if x <= 1.05)} of {len(both)}",
        f"  of those, fresh solve keeping the frozen work: "
        f"{sum(1 for r in both if r.get('fresh_frozen_broken') == 0 and float(r['replan_dwell']) <= 1.05 * float(r['fresh_dwell']))}"  # type: ignore[arg-type]
        f" of {sum(1 for r in both if r.get('fresh_frozen_broken') == 0)}",
        f"replan dwell <= repair dwell: "
        f"{sum(1 for r in both if r['replan_dwell'] <= r['repair_dwell'])} of {len(both)}",  # type: ignore[operator]
        f"replan changed <= 1.5 x repair changed: "
        f"{sum(1 for r in changed if r['replan_changed'] <= 1.5 * r['repair_changed'])}"  # type: ignore[operator]
        f" of {len(changed)}",
        "median changed tasks replan / repair / fresh: "
        + " / ".join(
            med([float(r[k]) for r in both if r.get(k) is not None])  # type: ignore[arg-type]
            for k in ("replan_changed", "repair_changed", "fresh_changed")
        ),
        "median reassigned tasks replan / repair / fresh: "
        + " / ".join(
            med([float(r[k]) for r in both if r.get(k) is not None])  # type: ignore[arg-type]
            for k in ("replan_reassigned", "repair_reassigned", "fresh_reassigned")
        ),
        "median dwell replan / repair / fresh: "
        + " / ".join(
            med([float(r[k]) for r in both])  # type: ignore[arg-type]
            for k in ("replan_dwell", "repair_dwell", "fresh_dwell")
        ),
        f"median wall s replan / fresh: {med([float(r['replan_s']) for r in good])} / "  # type: ignore[arg-type]
        f"{med([float(r['fresh_s']) for r in good if r.get('fresh_s')])}",  # type: ignore[arg-type]
    ]
    return "\n".join(lines)


def _cases(text: str) -> set[tuple[int, int]]:
    """``DAY:K,...`` as a set of (day seed, disruption number)."""
    out = set()
    for item in text.split(","):
        day, _, k = item.partition(":")
        out.add((int(day), int(k)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=6)
    parser.add_argument("--per-day", type=int, default=5)
    parser.add_argument("-t", "--time-limit", type=float, default=5.0)
    parser.add_argument(
        "--cases",
        type=_cases,
        default=None,
        help="only these disruptions, as DAY:K,... (day seed and disruption number)",
    )
    args = parser.parse_args()
    rows = []
    for seed in range(args.days):
        if args.cases is not None and not any(day == seed for day, _ in args.cases):
            continue
        n = SIZES[seed % len(SIZES)]
        inst = generate("day", seed, trains=n)
        previous = gaugeopt.solve(inst, time_limit=args.time_limit, workers=1).solution
        if previous.status not in ("optimal", "feasible"):
            continue
        for k in range(args.per_day):
            if args.cases is not None and (seed, k) not in args.cases:
                continue
            d = random_disruption(inst, previous, random.Random(1000 * seed + k))
            row = disruption_row(inst.name, inst, previous, d, args.time_limit)
            rows.append(row)
            print(row, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(summary(rows))


if __name__ == "__main__":
    main()
