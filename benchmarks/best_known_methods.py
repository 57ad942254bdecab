"""One method's run on one instance, for ``best_known.py``: its schedule and its proven bound.

Run as a child process, so a crash or a run far past its limit costs only that run::

    python benchmarks/best_known_methods.py METHOD INSTANCE TIME_LIMIT WORKERS SEED OUT_DIR

writes ``OUT_DIR/result.json`` (status, lower bound, wall time) and, when the method found a
schedule, ``OUT_DIR/solution.json``. Nothing here checks the schedule: the parent does.

* ``gaugeopt``: :func:`gaugeopt.solve` (its bound is the solver's proven one).
* ``greedy``: the constructive scheduler for the whole time (no bound).
* ``direct``: the direct CP-SAT model of ``benchmarks/baselines/direct_cpsat.py`` (CP-SAT's
  bound of that model).
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from gaugeopt.model.io import atomic_write_text, read_instance, write_solution
from gaugeopt.model.solution import Solution

METHODS = ("gaugeopt", "greedy", "direct")
BASELINES = Path(__file__).resolve().parent / "baselines"


def run(
    method: str, path: Path, time_limit: float, workers: int, seed: int
) -> tuple[str, Solution | None, int | None]:
    """(status, schedule or None, proven lower bound or None) of one method."""
    inst = read_instance(path)
    if method == "gaugeopt":
        from gaugeopt.solver import solve

        res = solve(inst, time_limit=time_limit, workers=workers, seed=seed)
        lb = res.solution.lower_bound  # objectives are integral: a bound rounds up
        bound = None if lb is None else math.ceil(lb - 1e-6)
        return res.status, res.solution if res.objective is not None else None, bound
    if method == "greedy":
        from gaugeopt.construct import construct

        sol = construct(inst, time_limit=time_limit, seed=seed)
        return ("feasible" if sol is not None else "unknown"), sol, None
    if method == "direct":
        from gaugeopt.bench.baselines import import_from

        direct = import_from(BASELINES, "direct_cpsat")
        status, _, bound, sol = direct.solve_direct(inst, time_limit, workers, seed)
        return status, sol, bound
    raise ValueError(f"unknown method {method!r}: choose from {', '.join(METHODS)}")


def main(argv: list[str]) -> None:
    method, path, limit, workers, seed, out = argv
    t0 = time.perf_counter()
    status, sol, bound = run(method, Path(path), float(limit), int(workers), int(seed))
    folder = Path(out)
    if sol is not None:
        write_solution(sol, folder / "solution.json")
    result = {"status": status, "lower_bound": bound, "wall_time": time.perf_counter() - t0}
    atomic_write_text(folder / "result.json", json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
