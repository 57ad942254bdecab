"""Large-neighbourhood search over a :class:`~gaugeopt.core.problem.Problem`.

The CP-SAT model is built once. Each iteration clones it, fixes every task and literal
outside a neighbourhood to its value in the incumbent, hints the incumbent as a whole
(so CP-SAT starts from it), requires an objective no worse than the incumbent's, and
solves for a short time. A better schedule becomes the new incumbent. The caller says
what a neighbourhood is (which tasks and literals to free), so this module stays generic.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model as cp

from gaugeopt.core.cpsat.hints import hint_values
from gaugeopt.core.cpsat.model import CpsatModel
from gaugeopt.core.cpsat.variables import TaskVars
from gaugeopt.core.problem import Problem
from gaugeopt.core.result import CoreHint, CoreResult


@dataclass
class Neighbourhood:
    """Tasks and literals (indices into the problem) that may change; ``name`` for stats."""

    tasks: set[int]
    bools: set[int]
    name: str = ""


#: Chooses the next neighbourhood from a random generator and the incumbent.
NeighbourhoodFn = Callable[[random.Random, CoreResult], Neighbourhood]


def _task_vars(tv: TaskVars) -> list[cp.IntVar]:
    """The decision variables of one task (start, end, presence, modes, choices)."""
    out: list = [tv.start, tv.end]
    if tv.present is not None:
        out.append(tv.present)
    for mv in tv.modes:
        if mv.literal is not None:
            out.append(mv.literal)
        if not isinstance(mv.size, int):
            out.append(mv.size)
        for ch in mv.choices:
            out.extend(x for x in ch.literals if x is not None)
    return out


def _index(var) -> int:
    return var.index if var.index >= 0 else -var.index - 1


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
    model: CpsatModel | None = None,
    params: dict[str, object] | None = None,
    iterations: int | None = None,
    deterministic_rate: float = 0.03,
    target: int | None = None,
) -> tuple[CoreResult, dict[str, int]]:
    """Improve ``incumbent`` (a solution of ``problem``) until ``time_limit`` seconds.

    Returns the best result and counts of tried / improving neighbourhoods by name.
    ``params`` are extra CP-SAT parameters for every sub-solve.

    With ``iterations``, exactly that many neighbourhoods are tried (unless ``time_limit``
    or ``stop`` ends it first), each sub-solve limited to ``deterministic_rate × step``
    units of CP-SAT's deterministic time rather than by the clock: with one worker the run
    is then reproducible for a seed, as long as the clock does not end it first. It stops early once the objective
    reaches ``target`` (a known lower bound).
    ``step_time`` caps each sub-solve; it grows when sub-solves are cut short without
    finishing and shrinks when they finish fast, so neighbourhoods stay solvable.
    """
    t0 = time.perf_counter()
    rng = random.Random(seed)
    base = model or CpsatModel(problem)
    task_vars = [[_index(v) for v in _task_vars(tv)] for tv in base.vars.tasks]
    bool_vars = [_index(b) for b in base.vars.bools]
    best = incumbent
    stats: dict[str, int] = {}
    step = step_time
    done = 0
    while iterations is None or done < iterations:
        done += 1
        left = time_limit - (time.perf_counter() - t0)
        if left < 0.2 or (stop is not None and stop.is_set()):
            break
        if target is not None and best.objective is not None and best.objective <= target:
            break
        hood = neighbourhood(rng, best)
        values = hint_values(problem, base.vars, base.constraints, CoreHint.from_result(best))
        clone = base.model.clone()
        proto = clone.proto
        # Bulk edits of the proto: adding tens of thousands of constraints through the
        # Python API would cost more than the sub-solve itself.
        proto.solution_hint.vars.extend(list(values))
        proto.solution_hint.values.extend([v for _, v in values.values()])
        fixed: set[int] = set()
        for t, idx in enumerate(task_vars):
            if t not in hood.tasks:
                fixed.update(idx)
        fixed.update(bool_vars[b] for b in range(len(bool_vars)) if b not in hood.bools)
        for i in fixed:
            if i in values:
                value = values[i][1]
                domain = proto.variables[i].domain
                domain.clear()
                domain.extend([value, value])
        if base.objective is not None and best.objective is not None:
            clone.add(_objective(clone) <= best.objective)
        sub_params = dict(params or {})
        if iterations is not None:
            sub_params["max_deterministic_time"] = deterministic_rate * step
        result = base.solve(
            time_limit=left if iterations is not None else min(step, left),
            workers=workers,
            seed=rng.randrange(1 << 30),
            stop=stop,
            model=clone,
            params=sub_params,
        )
        key = hood.name or "hood"
        stats[f"{key}:tried"] = stats.get(f"{key}:tried", 0) + 1
        if result.status == "optimal":
            step = max(0.5, step * 0.8)
        elif result.status in ("feasible", "unknown"):
            step = min(4 * step_time, step * 1.25)
        if result.objective is not None and (
            best.objective is None or result.objective < best.objective
        ):
            best = result
            stats[f"{key}:improved"] = stats.get(f"{key}:improved", 0) + 1
            if on_progress is not None:
                bound = incumbent.bound if incumbent.bound is not None else 0.0
                on_progress(time.perf_counter() - t0, best.objective, bound)
    return best, stats


def _objective(model: cp.CpModel) -> cp.LinearExprT:
    """The model's objective as an expression over its own variables."""
    obj = model.proto.objective
    terms = [
        c * model.get_int_var_from_proto_index(v) for v, c in zip(obj.vars, obj.coeffs, strict=True)
    ]
    return cp.LinearExpr.sum(terms) + int(obj.offset)
