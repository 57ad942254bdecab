"""Large-neighbourhood search over a :class:`~gaugeopt.core.problem.Problem`.

Each iteration restricts the problem to a neighbourhood of the incumbent
(:mod:`gaugeopt.core.restrict`: everything else fixed, and left out where it does not
interact), hints the incumbent, requires an objective no worse than the incumbent's, and
solves that small problem for a short time. A better schedule becomes the new incumbent. The caller says
what a neighbourhood is (which tasks and literals to free), so this module stays generic.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from gaugeopt.core.cpsat.model import solve_problem
from gaugeopt.core.problem import Problem
from gaugeopt.core.restrict import restrict
from gaugeopt.core.result import CoreResult


@dataclass
class Neighbourhood:
    """Tasks and literals (indices into the problem) that may change; ``name`` for stats."""

    tasks: set[int]
    bools: set[int]
    name: str = ""
    #: (lo, hi): every free task starts at or after lo in every solution, and must end by
    #: hi in the sub-problem (see :func:`~gaugeopt.core.restrict.restrict`); None: unknown.
    window: tuple[int, int] | None = None


#: Chooses the next neighbourhood from a random generator, the incumbent and an intensity
#: in (0, 1]: how large a part to free (it grows while sub-problems are solved to
#: optimality within their time, and shrinks while they are not).
NeighbourhoodFn = Callable[[random.Random, CoreResult, float], Neighbourhood]


def improve(
    problem: Problem,
    incumbent: CoreResult,
    neighbourhood: NeighbourhoodFn,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    step_time: float = 2.0,
    on_progress: Callable[[float, int, float], None] | None = None,
    stop: threading.Event | None = None,
    params: dict[str, object] | None = None,
    iterations: int | None = None,
    deterministic_rate: float = 0.03,
    target: int | None = None,
    bound: float = 0.0,
) -> tuple[CoreResult, dict[str, int]]:
    """Improve ``incumbent`` (a solution of ``problem``) until ``time_limit`` seconds.

    Returns the best result and counts of tried / improving neighbourhoods by name.
    ``params`` are extra CP-SAT parameters for every sub-solve.

    With ``iterations``, exactly that many neighbourhoods are tried (unless ``time_limit``
    or ``stop`` ends it first), each sub-solve limited to ``deterministic_rate × step``
    units of CP-SAT's deterministic time rather than by the clock: with one worker the run
    is then reproducible for a seed, as long as the clock does not end it first. It stops early once the objective
    reaches ``target`` (a known lower bound). ``bound`` is passed on to ``on_progress``.
    ``step_time`` caps each sub-solve; the neighbourhoods' intensity adapts so that most
    sub-problems are solved to optimality within it.
    """
    t0 = time.perf_counter()
    rng = random.Random(seed)
    best = incumbent
    stats: dict[str, int] = {}
    step = step_time
    intensity = 0.5
    done = 0
    while iterations is None or done < iterations:
        done += 1
        left = time_limit - (time.perf_counter() - t0)
        if left < 0.2 or (stop is not None and stop.is_set()):
            break
        if target is not None and best.objective is not None and best.objective <= target:
            break
        hood = neighbourhood(rng, best, intensity)
        sub_params = dict(params or {})
        if iterations is not None:
            sub_params["max_deterministic_time"] = deterministic_rate * step
        deadline = t0 + time_limit
        cap = math.inf if iterations is not None else step
        status, found = solve_hood(
            problem, best, hood, deadline, cap, workers, rng.randrange(1 << 30), stop, sub_params
        )
        if status is None:
            break  # restricting a large day took the time left
        key = hood.name or "hood"
        stats[f"{key}:tried"] = stats.get(f"{key}:tried", 0) + 1
        if status == "optimal":
            intensity = min(1.0, intensity * 1.15)
        elif status in ("feasible", "unknown"):
            intensity = max(0.05, intensity * 0.8)
        if found is not None:
            best = found
            stats[f"{key}:improved"] = stats.get(f"{key}:improved", 0) + 1
            if on_progress is not None and best.objective is not None:
                on_progress(time.perf_counter() - t0, best.objective, bound)
    return best, stats


def solve_hood(
    problem: Problem,
    best: CoreResult,
    hood: Neighbourhood,
    deadline: float,
    cap: float,
    workers: int,
    seed: int,
    stop: threading.Event | None,
    params: dict[str, object],
) -> tuple[str | None, CoreResult | None]:
    """Re-solve ``hood`` of ``best``, no worse than it, until ``deadline`` (a
    :func:`time.perf_counter` reading) and for at most ``cap`` seconds. Returns the
    sub-solve's status (None: no time was left after restricting) and the whole problem's
    better solution, if one was found."""
    part = restrict(problem, best, hood.tasks, hood.bools, hood.window)
    left = deadline - time.perf_counter()
    if left < 0.2:
        return None, None
    result = solve_problem(
        part.problem,
        time_limit=min(cap, left),
        workers=workers,
        seed=seed,
        hint=part.hint(),
        upper_bound=best.objective,
        stop=stop,
        params=params,
    )
    better = result.objective is not None and (
        best.objective is None or result.objective < best.objective
    )
    return result.status, part.merge(result) if better else None
