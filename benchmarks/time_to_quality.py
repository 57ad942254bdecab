"""Time to quality: each method's objective at 1, 3, 10, 30 and 60 s against the best known.

    python benchmarks/time_to_quality.py RESULTS.csv... [--index instances/bench/bks.csv]
        [--at 1,3,10,30,60] [--out time-to-quality.csv]

Reads ``gaugeopt bench`` CSVs (their ``trace`` column: every improving objective with its
time) and the best-known index of ``benchmarks/best_known.py``; prints Markdown tables.

* **The objective at t s** of a method on an instance is read from its run with the
  smallest time limit of at least t s (a planner who can wait t s gives the limit t; a
  run with a longer limit shares its time differently): at its own limit, the run's final
  objective; before it, the last improvement of its trace at or before t. No schedule by
  then (no improvement yet, no schedule at all, an error, or a schedule our checker
  refused) is "none"; no run long enough is missing (left out, not counted as none).
* **% above best known**: 100 × (objective − best known) / best known. A value below 0
  means the run beat the index: refresh it (the script says which).
* By family and size, read from the name (``single-c06-0001``: family single, size c06;
  ``roles-small-0001``: roles, small): mean and worst % above best known, and how many
  instances had no schedule.
* The issue's targets: at 10 s never worse than the greedy; on days (more than one train)
  the mean % by which gaugeopt is better than the greedy at 10 s; at 10 s and 60 s never
  worse than the direct model (a method with no schedule is worse than one with a schedule);
  at 60 s single trains of 6–25 carriages within 1 % and days of 4–16 trains within 5 % of
  best known (sizes counted in the instance files named by the rows' ``path``, relative to
  where the script runs).

``--out`` writes one row per (instance, method, time): objective, best known, % above.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gaugeopt.bench.methods import parse_trace
from gaugeopt.bench.runner import read_csv

METHODS = ["gaugeopt", "greedy", "direct"]
TIMES = [1.0, 3.0, 10.0, 30.0, 60.0]
DEFAULT_INDEX = Path(__file__).resolve().parent.parent / "instances" / "bench" / "bks.csv"
_NAME = re.compile(r"^(?P<family>.+)-(?P<size>[^-]+)-(?P<seed>\d+)$")
NONE = "none"


@dataclass(frozen=True)
class Point:
    """One method's objective on one instance at one time (None: no schedule by then)."""

    instance: str
    method: str
    at: float
    objective: float | None
    best_known: float | None
    day: bool
    #: (trains, carriages) counted in the instance file; None where it could not be read.
    counts: tuple[int, int] | None = None

    @property
    def family(self) -> tuple[str, str]:
        m = _NAME.match(self.instance)
        return (m["family"], m["size"]) if m else (self.instance, "")

    @property
    def above(self) -> float | None:
        """% above the best known (None without a schedule or a best-known value)."""
        if self.objective is None or not self.best_known:
            return None
        return 100 * (self.objective - self.best_known) / self.best_known


def _num(text: Any) -> float | None:
    return float(text) if text not in ("", None) else None


def has_schedule(row: dict[str, Any]) -> bool:
    return row.get("valid") != "False" and _num(row.get("objective")) is not None


def objective_at(row: dict[str, Any], at: float) -> float | None:
    """The run's best objective at ``at`` s (its final one at or past its limit)."""
    if not has_schedule(row):
        return None
    if at >= float(row["time_limit"]):
        return _num(row["objective"])
    seen = [obj for t, obj in parse_trace(row.get("trace")) if t <= at]
    return min(seen) if seen else None


def read_best_known(index: Path) -> dict[str, float]:
    """Best-known objectives by instance name from a ``bks.csv``."""
    if not index.is_file():
        return {}
    with index.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["instance"]: float(r["best_known"]) for r in rows if r.get("best_known")}


def _counts(row: dict[str, Any]) -> tuple[int, int] | None:
    """(trains, carriages) of the row's instance file, None where it cannot be read."""
    path = Path(row.get("path") or "")
    if path.suffix != ".json" or not path.is_file():
        return None
    from gaugeopt.model.io import read_instance

    trains = read_instance(path).trains
    return len(trains), sum(len(t.carriages) for t in trains)


def _is_day(name: str, counts: tuple[int, int] | None) -> bool:
    """More than one train: counted in the file when it can be read, else from the name."""
    return counts[0] > 1 if counts is not None else not name.startswith("single-")


def points(
    rows: Iterable[dict[str, Any]], best: dict[str, float], times: list[float]
) -> list[Point]:
    """Every (instance, method, time) with a run long enough; the last row of a repeated
    (instance, method, limit) counts."""
    runs: dict[tuple[str, str], dict[float, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        if row.get("method") in METHODS and row.get("kind", "gauge") == "gauge":
            runs[row["instance"], row["method"]][float(row["time_limit"])] = row
    sizes: dict[str, tuple[int, int] | None] = {}
    out = []
    for (name, method), by_limit in runs.items():
        for at in times:
            limits = [limit for limit in by_limit if limit >= at]
            if not limits:
                continue
            row = by_limit[min(limits)]
            if name not in sizes:
                sizes[name] = _counts(row)
            obj, counts = objective_at(row, at), sizes[name]
            day = _is_day(name, counts)
            out.append(Point(name, method, at, obj, best.get(name), day, counts))
    return sorted(out, key=lambda p: (p.family, p.instance, METHODS.index(p.method), p.at))


def _cell(group: list[Point]) -> str:
    """The cell "mean % (worst %)" over the group's schedules, then how many had none."""
    values = [p.above for p in group if p.above is not None]
    none = sum(p.objective is None for p in group)
    unknown = sum(p.objective is not None and p.above is None for p in group)
    text = f"{sum(values) / len(values):.1f} ({max(values):.1f})" if values else ""
    notes = [f"{none} none" if none else "", f"{unknown} no bk" if unknown else ""]
    extra = ", ".join(n for n in notes if n)
    if not text:
        return extra or "—"
    return f"{text} [{extra}]" if extra else text


def _md(head: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def family_table(pts: list[Point], times: list[float]) -> str:
    """% above best known: mean (worst) per family, size and method; then all instances."""
    groups: dict[tuple[str, str, str], dict[float, list[Point]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for p in pts:
        groups[(*p.family, p.method)][p.at].append(p)
        groups[("all", "", p.method)][p.at].append(p)
    head = ["family", "size", "method", "n", *[f"{t:g} s" for t in times]]
    body = []
    for (family, size, method), by_time in groups.items():
        n = max(len(g) for g in by_time.values())
        cells = [_cell(by_time[t]) if t in by_time else "—" for t in times]
        body.append([family, size, method, str(n), *cells])
    body.sort(key=lambda r: (r[0] == "all", r[0], r[1], METHODS.index(r[2])))
    return _md(head, body)


def _at(pts: list[Point], method: str, at: float) -> dict[str, Point]:
    return {p.instance: p for p in pts if p.method == method and p.at == at}


def _worse(ours: Point, theirs: Point) -> bool:
    """Ours worse: no schedule where they have one, or a higher objective."""
    if theirs.objective is None:
        return False
    return ours.objective is None or ours.objective > theirs.objective


def _verdict(pts: list[Point], other: str, at: float) -> list[str]:
    ours, theirs = _at(pts, "gaugeopt", at), _at(pts, other, at)
    both = sorted(set(ours) & set(theirs))
    if not both:
        return [f"at {at:g} s, never worse than {other}", "no runs", "—"]
    worse = [n for n in both if _worse(ours[n], theirs[n])]
    said = []
    for n in worse:
        a, b = ours[n].objective, theirs[n].objective
        pct = f"{100 * (a - b) / b:.1f} %" if a is not None and b else "no schedule"
        said.append(f"{n} ({pct})")
    verdict = "yes" if not worse else f"no: worse on {len(worse)} of {len(both)}"
    return [f"at {at:g} s, never worse than {other}", verdict, ", ".join(said) or "—"]


def _day_gain(pts: list[Point], at: float) -> list[str]:
    ours, greedy = _at(pts, "gaugeopt", at), _at(pts, "greedy", at)
    gains = []
    for n in sorted(set(ours) & set(greedy)):
        a, b = ours[n].objective, greedy[n].objective
        if ours[n].day and a is not None and b:
            gains.append(100 * (b - a) / b)
    if not gains:
        return [f"days: mean % better than greedy at {at:g} s", "no runs", "—"]
    text = f"{sum(gains) / len(gains):.1f} % over {len(gains)} days"
    return [
        f"days: mean % better than greedy at {at:g} s",
        text,
        f"least {min(gains):.1f} %, most {max(gains):.1f} %",
    ]


def _within(
    pts: list[Point],
    at: float,
    what: str,
    trains: tuple[int, int],
    cars: tuple[int, int],
    pct: float,
) -> list[str]:
    """gaugeopt within ``pct`` % of best known at ``at`` s on instances of that many trains
    and carriages (counted in the files; instances whose file could not be read are left out)."""
    target = f"at {at:g} s, {what} within {pct:g} % of best known"
    group = [
        p
        for p in _at(pts, "gaugeopt", at).values()
        if p.counts is not None
        and trains[0] <= p.counts[0] <= trains[1]
        and cars[0] <= p.counts[1] <= cars[1]
    ]
    known = [p for p in group if p.best_known]
    if not known:
        return [target, "no runs", "—"]
    missed = [p for p in known if p.above is None or p.above > pct + 1e-9]
    said = [f"{p.instance} ({'none' if p.above is None else f'{p.above:.1f} %'})" for p in missed]
    verdict = "yes" if not missed else f"no: {len(missed)} of {len(known)} outside"
    return [target, verdict, ", ".join(said) or "—"]


def targets_table(pts: list[Point]) -> str:
    """The issue's targets against the greedy, the direct model and the best known."""
    body = [
        _verdict(pts, "greedy", 10.0),
        _day_gain(pts, 10.0),
        _verdict(pts, "direct", 10.0),
        _verdict(pts, "direct", 60.0),
        _within(pts, 60.0, "single trains of 6–25 carriages", (1, 1), (6, 25), 1.0),
        _within(pts, 60.0, "days of 4–16 trains", (4, 16), (0, 10**9), 5.0),
    ]
    return _md(["target", "measured", "where"], body)


def beaten(pts: list[Point]) -> list[str]:
    """Instances where some run beat the best-known value (the index needs a refresh): the
    best such objective of each, with its method."""
    best: dict[str, Point] = {}
    below = [p for p in pts if p.above is not None and p.above < 0 and p.objective is not None]
    for p in sorted(below, key=lambda p: p.objective or 0, reverse=True):
        best[p.instance] = p  # the lowest objective comes last
    return [f"{n} ({best[n].method}: {best[n].objective:g})" for n in sorted(best)]


def write_points(pts: list[Point], path: Path) -> None:
    buf = io.StringIO()
    cols = ["instance", "family", "size", "day", "method", "at_s", "objective", "best_known"]
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*cols, "pct_above_best_known"])
    for p in pts:
        above = "" if p.above is None else f"{p.above:.4f}"
        obj = NONE if p.objective is None else f"{p.objective:g}"
        bk = "" if p.best_known is None else f"{p.best_known:g}"
        writer.writerow([p.instance, *p.family, p.day, p.method, f"{p.at:g}", obj, bk, above])
    path.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csvs", nargs="+", type=Path)
    ap.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    ap.add_argument("--at", default=",".join(f"{t:g}" for t in TIMES))
    ap.add_argument("--out", type=Path, default=None, help="CSV of every (instance, method, t)")
    args = ap.parse_args(argv)
    times = [float(t) for t in args.at.split(",") if t.strip()]
    rows = [row for path in args.csvs for row in read_csv(path)]
    pts = points(rows, read_best_known(args.index), times)
    print("% above best known: mean (worst) over the instances with a schedule by then\n")
    print(family_table(pts, times))
    print()
    print(targets_table(pts))
    stale = beaten(pts)
    if stale:
        print(f"\nBeat the best-known index (refresh it): {', '.join(stale)}")
    if args.out is not None:
        write_points(pts, args.out)


if __name__ == "__main__":
    main()
