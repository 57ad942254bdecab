"""The benchmark methods, each run on one instance (in a child process, see runner).

* ``gaugeopt``: gauge-change instances through :func:`gaugeopt.solve`; PSPLIB/MMLIB through
  :func:`~gaugeopt.core.psplib.read_psplib` and the generic core
  (:func:`~gaugeopt.core.solve_problem`).
* ``greedy``: gauge-change instances through the constructive scheduler
  (:func:`gaugeopt.construct.construct`, same time limit); PSPLIB/MMLIB through the serial
  schedule generation scheme (:mod:`gaugeopt.core.sgs`).
* ``pyjobshop``: the PyJobShop baseline, loaded from the repository's ``benchmarks/baselines``
  (see :mod:`gaugeopt.bench.baselines`); not part of the installed package.
* ``direct``: a direct CP-SAT model of the contract, written as a user would write it
  (``direct_cpsat`` in the same folder); gauge-change instances only.

Every method records its progress as (seconds, objective) pairs in ``extra["trace"]``
(see :func:`format_trace`), counted from the method's start including file reading.
"""

from __future__ import annotations

import math
import resource
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gaugeopt.bench.record import MethodResult

if TYPE_CHECKING:
    from gaugeopt.model.solution import Solution

METHODS = ("gaugeopt", "greedy", "pyjobshop", "direct")
#: The module ``-m direct`` loads from the baselines folder.
DIRECT_MODULE = "direct_cpsat"

Trace = list[tuple[float, float]]


def format_trace(trace: Trace) -> str:
    """``"0.12:45;1.30:44"``: improving (seconds, objective) pairs, compact for a CSV cell."""
    return ";".join(f"{t:.2f}:{obj:g}" for t, obj in trace)


def parse_trace(text: str | float | None) -> Trace:
    """Inverse of :func:`format_trace` (empty for a missing cell)."""
    if not isinstance(text, str) or not text:
        return []
    return [(float(t), float(o)) for t, o in (p.split(":") for p in text.split(";"))]


def _timing(result: MethodResult, trace: Trace) -> None:
    """Fill time to first / best solution from an improving trace."""
    if trace and result.objective is not None:
        result.time_to_first = trace[0][0]
        result.time_to_best = next((t for t, obj in trace if obj <= result.objective), trace[-1][0])
    result.extra["trace"] = format_trace(trace)


def _improving(trace: Trace, t: float, obj: float) -> None:
    if not trace or obj < trace[-1][1]:
        trace.append((t, obj))


def gaugeopt_gauge(path: Path, time_limit: float, workers: int, seed: int) -> MethodResult:
    """Our solver on a gauge-change instance; the schedule is checked by our checker."""
    from gaugeopt.checker import check
    from gaugeopt.model.io import read_instance
    from gaugeopt.solver import solve

    t0 = time.perf_counter()
    inst = read_instance(path)
    trace: Trace = []
    res = solve(
        inst,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=lambda _el, obj, _bd: _improving(trace, time.perf_counter() - t0, obj),
    )
    out = MethodResult(path.stem, "gaugeopt", res.status, res.objective, res.lower_bound)
    out.build_time = res.stats.build_time
    if res.objective is not None:
        _improving(trace, time.perf_counter() - t0, res.objective)
        out.valid = not check(inst, res.solution)
    _timing(out, trace)
    out.notes = "; ".join(res.reasons)
    return out


def _objective(sol: Solution) -> float:
    """A schedule's objective; infinite when it has none (never better than a real one)."""
    return math.inf if sol.objective is None else sol.objective


def greedy_gauge(path: Path, time_limit: float, workers: int, seed: int) -> MethodResult:
    """The constructive scheduler: its first rule, then restarts for the rest of the time."""
    from gaugeopt.checker import check
    from gaugeopt.construct import construct
    from gaugeopt.model.io import read_instance

    t0 = time.perf_counter()
    inst = read_instance(path)
    trace: Trace = []
    first = construct(inst, time_limit=0.0, seed=seed)  # the first priority rule only
    if first is not None:
        _improving(trace, time.perf_counter() - t0, _objective(first))
    rest = max(0.0, time_limit - (time.perf_counter() - t0))
    best = construct(
        inst,
        time_limit=rest,
        seed=seed,
        on_improve=lambda sol: _improving(trace, time.perf_counter() - t0, _objective(sol)),
    )
    if best is not None:
        _improving(trace, time.perf_counter() - t0, _objective(best))
    if first is not None and (best is None or _objective(first) < _objective(best)):
        best = first
    if best is None:
        out = MethodResult(path.stem, "greedy", "unknown", notes="no schedule found")
    else:
        out = MethodResult(path.stem, "greedy", "feasible", best.objective)
        out.valid = not check(inst, best)
    _timing(out, trace)
    return out


def gaugeopt_psplib(path: Path, time_limit: float, workers: int, seed: int) -> MethodResult:
    """The generic core (CP-SAT) on a PSPLIB/MMLIB file; objective = makespan."""
    from gaugeopt.core import solve_problem
    from gaugeopt.core.psplib import project_options, read_psplib
    from gaugeopt.core.sgs import Schedule, violations

    t0 = time.perf_counter()
    problem, info = read_psplib(path)
    read = time.perf_counter() - t0
    trace: Trace = []
    core = solve_problem(
        problem,
        time_limit=max(0.1, time_limit - read),
        workers=workers,
        seed=seed,
        on_progress=lambda el, obj, _bd: _improving(trace, read + el, obj),
        options=project_options(info),
    )
    bound = None if core.bound is None else round(core.bound)  # integral for makespans
    out = MethodResult(path.stem, "gaugeopt", core.status, core.objective, bound)
    out.build_time = read + core.build_time
    if core.objective is not None:
        _improving(trace, read + core.wall_time, core.objective)
        sched = Schedule(
            [t.start for t in core.tasks],
            [t.end for t in core.tasks],
            [t.mode for t in core.tasks],
            core.objective,
        )
        out.valid = not violations(problem, sched)
    _timing(out, trace)
    return out


def greedy_psplib(path: Path, time_limit: float, workers: int, seed: int) -> MethodResult:
    """Serial SGS with the latest-finish and most-successors rules; the better schedule."""
    from gaugeopt.core.psplib import read_psplib
    from gaugeopt.core.sgs import best_of_rules, violations

    t0 = time.perf_counter()
    problem, _ = read_psplib(path)
    sched = best_of_rules(problem)
    trace: Trace = []
    if sched is None:
        out = MethodResult(path.stem, "greedy", "unknown", notes="serial SGS found no schedule")
    else:
        out = MethodResult(path.stem, "greedy", "feasible", sched.objective)
        out.valid = not violations(problem, sched)
        _improving(trace, time.perf_counter() - t0, sched.objective)
    _timing(out, trace)
    return out


def pyjobshop(
    path: Path, time_limit: float, workers: int, kind: str, baselines: Path | None = None
) -> MethodResult:
    """The PyJobShop baseline from ``baselines``; status "error" with a note if unavailable."""
    from gaugeopt.bench.baselines import BaselineUnavailable, load_pyjobshop

    try:
        pjs = load_pyjobshop(baselines)
    except BaselineUnavailable as exc:
        return MethodResult(path.stem, "pyjobshop", "error", notes=f"baseline unavailable: {exc}")
    fn = pjs.solve_gauge_with_pyjobshop if kind == "gauge" else pjs.solve_psplib_with_pyjobshop
    out: MethodResult = fn(path, time_limit, workers)
    return out


def direct(
    path: Path, time_limit: float, workers: int, seed: int, kind: str, baselines: Path | None
) -> MethodResult:
    """The direct CP-SAT baseline from ``baselines``; status "error" with a note if unavailable."""
    from gaugeopt.bench.baselines import BaselineUnavailable, find_dir, import_from

    if kind != "gauge":
        return MethodResult(path.stem, "direct", "error", notes="direct: gauge-change files only")
    try:
        module = import_from(find_dir(baselines, DIRECT_MODULE), DIRECT_MODULE)
    except BaselineUnavailable as exc:
        return MethodResult(path.stem, "direct", "error", notes=f"baseline unavailable: {exc}")
    out: MethodResult = module.run_direct(path, time_limit, workers, seed)
    return out


Runner = Callable[[Path, float, int, int], MethodResult]
RUNNERS: dict[tuple[str, str], Runner] = {
    ("gaugeopt", "gauge"): gaugeopt_gauge,
    ("gaugeopt", "psplib"): gaugeopt_psplib,
    ("gaugeopt", "mmlib"): gaugeopt_psplib,
    ("greedy", "gauge"): greedy_gauge,
    ("greedy", "psplib"): greedy_psplib,
    ("greedy", "mmlib"): greedy_psplib,
}


def run_method(
    method: str,
    kind: str,
    path: Path,
    time_limit: float,
    workers: int,
    seed: int,
    baselines: Path | None = None,
) -> MethodResult:
    """Run one method on one file; never raises (a failure is a row with status "error").

    ``baselines`` is the folder of the benchmark-only baselines (``pyjobshop``); None looks
    in the default places (:func:`gaugeopt.bench.baselines.candidate_dirs`).

    Fills ``wall_time`` (if the method did not) and ``peak_memory_mb``: the peak resident
    memory of this process, so run it in a fresh child process per (instance, method).
    """
    t0 = time.perf_counter()
    try:
        if method == "pyjobshop":
            out = pyjobshop(path, time_limit, workers, kind, baselines)
        elif method == "direct":
            out = direct(path, time_limit, workers, seed, kind, baselines)
        else:
            out = RUNNERS[method, kind](path, time_limit, workers, seed)
    except Exception as exc:  # a benchmark row, not a crash of the whole run
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        out = MethodResult(
            path.stem, method, "error", notes=f"{type(exc).__name__}: {exc} ({where})"
        )
    out.instance, out.method = path.stem, method
    if out.wall_time is None:
        out.wall_time = time.perf_counter() - t0
    # Linux reports ru_maxrss in KiB.
    out.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out
