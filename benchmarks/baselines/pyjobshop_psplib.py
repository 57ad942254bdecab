"""PyJobShop on PSPLIB (``.sm``) and MMLIB (``.mm``) files, read by PyJobShop's own reader.

Also the helpers both PyJobShop baselines share: the optional import and the status map.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType
from typing import Any

from gaugeopt.bench.record import MethodResult

METHOD = "pyjobshop"
MISSING = "pyjobshop not installed (pip install '.[bench]')"
#: PyJobShop 0.0.9 offers no solution callback, so the time of the best solution is unknown.
NO_CALLBACK = (
    "time_to_best = time the solve returned (PyJobShop 0.0.9 has no solution callback); "
    "time_to_first not measured"
)
#: PyJobShop's SolveStatus values -> ours. "Time-limit" means no solution within the limit.
STATUS = {
    "Optimal": "optimal",
    "Feasible": "feasible",
    "Infeasible": "infeasible",
    "Time-limit": "unknown",
    "Unknown": "unknown",
}


def import_pyjobshop() -> ModuleType | None:
    """The ``pyjobshop`` module, or None when the optional dependency is missing."""
    try:
        import pyjobshop
    except ImportError:
        return None
    return pyjobshop


def status_of(result: Any) -> str:
    """Our status word for a PyJobShop ``Result``."""
    return STATUS.get(getattr(result.status, "value", str(result.status)), "unknown")


def number(x: float | None) -> float | int | None:
    """An objective or bound as an int when integral; None for PyJobShop's inf / missing."""
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return None
    return round(x) if abs(x - round(x)) < 1e-6 else x


def solve_psplib_with_pyjobshop(path: str | Path, time_limit: float, workers: int) -> MethodResult:
    """Solve a PSPLIB ``.sm`` or MMLIB ``.mm`` file as a PyJobShop user would.

    ``pyjobshop.read(path, InstanceFormat.PSPLIB)`` builds the model (its makespan objective),
    ``pyjobshop.solve(..., solver="ortools")`` runs CP-SAT with ``workers`` threads and
    ``time_limit`` seconds. ``build_time`` is the file read plus the CP-SAT model build
    (the solve call's wall time minus CP-SAT's own ``runtime``).
    """
    path = Path(path)
    name = path.stem
    pjs = import_pyjobshop()
    if pjs is None:
        return MethodResult(name, METHOD, "error", notes=MISSING)
    from pyjobshop.read import InstanceFormat

    t0 = time.perf_counter()
    try:
        data = pjs.read(path, instance_format=InstanceFormat.PSPLIB)
    except Exception as exc:  # a file PyJobShop's reader rejects is a row, not a crash
        return MethodResult(name, METHOD, "error", notes=f"read failed: {exc}")
    read_time = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = pjs.solve(
        data, solver="ortools", time_limit=time_limit, num_workers=workers, display=False
    )
    solve_wall = time.perf_counter() - t1
    wall = time.perf_counter() - t0
    status = status_of(result)
    found = status in ("optimal", "feasible")
    return MethodResult(
        name,
        METHOD,
        status,
        objective=number(result.objective) if found else None,
        lower_bound=number(result.lower_bound) if found else None,  # else PyJobShop says 0
        time_to_best=wall if found else None,
        build_time=read_time + max(0.0, solve_wall - result.runtime),
        wall_time=wall,
        notes=NO_CALLBACK,
        extra={"solver_runtime": result.runtime},
    )
