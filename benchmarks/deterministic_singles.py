"""Reproducible side-by-side runs of gaugeopt and the direct model: one worker, deterministic budgets.

Timing runs (``gaugeopt bench``) on a shared machine move with its load; this comparison does
not. gaugeopt runs with ``workers=1`` (its phases budgeted in CP-SAT's deterministic time,
``SolveParams.deterministic_rate`` units per second of the time limit, the clock only a safety
net ``clock_slack`` times later); the direct model (``baselines/direct_cpsat.py``) gets the
same number of deterministic units, its own search strategy and no start. Every schedule is
checked. One CSV row per (instance, seed, method)::

    PYTHONPATH=. python benchmarks/deterministic_singles.py -t 60 --seeds 0,1,2 \\
        -o benchmarks/results/issue19-s7-singles-det-60s.csv benchmarks/singles-19.txt

``--label`` names the code in the rows (e.g. ``before`` with ``PYTHONPATH`` at an older
checkout: the direct model then is skipped with ``--methods gaugeopt``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from gaugeopt import solve
from gaugeopt.checker import check
from gaugeopt.model.io import read_instance
from gaugeopt.params import SolveParams

sys.path.insert(0, str(Path(__file__).resolve().parent / "baselines"))
from direct_cpsat import solve_direct

#: How many times the time limit the clock may run before it cuts a deterministic run short.
CLOCK_SLACK = 20.0
FIELDS = ("instance", "seed", "method", "label", "status", "objective", "bound", "valid", "wall")


def instances(paths: list[str]) -> list[Path]:
    """Instance files, a ``.txt`` list read relative to its own folder."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.suffix == ".txt":
            lines = [s.strip() for s in p.read_text().splitlines()]
            out += [(p.parent / s).resolve() for s in lines if s and not s.startswith("#")]
        else:
            out.append(p)
    return out


def run(path: Path, method: str, limit: float, seed: int) -> dict[str, object]:
    """One reproducible run: its status, objective, bound, checker verdict and wall time."""
    inst = read_instance(path)
    params = SolveParams(clock_slack=CLOCK_SLACK)
    t = time.perf_counter()
    if method == "gaugeopt":
        result = solve(inst, time_limit=limit, workers=1, seed=seed, params=params)
        status, sol, bound = result.status, result.solution, result.lower_bound
        objective = sol.objective if status in ("optimal", "feasible") else None
    else:
        units = params.deterministic_rate * limit
        status, objective, bound, found = solve_direct(
            inst, limit * CLOCK_SLACK, 1, seed, deterministic_time=units
        )
        sol = found
    valid = None if sol is None or objective is None else not check(inst, sol)
    return {
        "instance": path.stem,
        "seed": seed,
        "method": method,
        "status": status,
        "objective": objective,
        "bound": bound,
        "valid": valid,
        "wall": round(time.perf_counter() - t, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-t", "--time-limit", type=float, default=10.0)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("-m", "--methods", default="gaugeopt,direct")
    ap.add_argument("--label", default="")
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args()
    new = not args.out.exists()
    with args.out.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        for path in instances(args.paths):
            for seed in (int(s) for s in args.seeds.split(",")):
                for method in args.methods.split(","):
                    row = run(path, method, args.time_limit, seed) | {"label": args.label}
                    writer.writerow(row)
                    fh.flush()
                    print(",".join(str(row[f]) for f in FIELDS), flush=True)


if __name__ == "__main__":
    main()
