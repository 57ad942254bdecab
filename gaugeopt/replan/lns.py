"""Large-neighbourhood search from the replan's floor, with the replanning objective.

Each step draws one train a disruption touched — a train of the incumbent that has a task
the previous plan did not have (an extra train) or a task that does not keep its start,
crew group, track or shunter — with odds growing with its weighted excess dwell, and frees
either everything of it and of up to :data:`NEIGHBOURS` trains whose stay overlaps it
(``trains``: mode, cuts, tracks, locomotive, crews and times), or only the times and crews
of it and of up to :data:`SCHEDULE_NEIGHBOURS` overlapping trains (``schedule``). Every
other task and literal is fixed to the incumbent by its variable's domain, so CP-SAT's
presolve leaves a small problem. The objective is the replan's (dwell, changes, moves), so a
train that need not change keeps its roster. A sub-solve that finds a lower objective gives
the new incumbent.

With one worker each sub-solve is budgeted in deterministic time (the clock only as a
safety net, ten times the step) and the count of steps is fixed by the caller."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model as cp

from gaugeopt.core.cpsat.model import CpsatModel
from gaugeopt.core.result import CoreHint, CoreResult, TaskHint
from gaugeopt.gauge.build import GaugeModel

log = logging.getLogger("gaugeopt")

#: Most trains overlapping the drawn one that a step frees with it.
NEIGHBOURS = 1

#: Most trains overlapping the drawn one whose times and crews a ``schedule`` step frees.
SCHEDULE_NEIGHBOURS = 4

#: Whether the incumbent keeps a task of the previous plan: ``(result, task index)``.
KeepsFn = Callable[[CoreResult, int], bool]


@dataclass
class Floor:
    """What the search from the floor works on: ``cpsat`` (its objective the replan's,
    ``objective``), the gauge ``model``, the placed unpinned tasks of the previous plan
    (``movable``), whether a result keeps one (``kept``) and how to hint the keep literals
    of a result (``hint_keeps``)."""

    cpsat: CpsatModel
    model: GaugeModel
    objective: cp.LinearExprT
    movable: set[int]
    kept: KeepsFn
    hint_keeps: Callable[[CoreResult], None]


def _fix(proto, index: int, value: int) -> None:
    """Fix variable (or literal, negative ``index``) ``index`` of ``proto`` to ``value``."""
    if index < 0:
        index, value = -index - 1, 1 - value
    domain = proto.variables[index].domain
    domain.clear()
    domain.extend([value, value])


def _fix_task(proto, cpsat: CpsatModel, idx: int, value: TaskHint) -> None:
    """Fix every variable of task ``idx`` that ``value`` gives."""
    tv = cpsat.vars.tasks[idx]
    if tv.present is not None and value.present is not None:
        _fix(proto, tv.present.index, int(value.present))
    if not value.present:
        return
    for var, number in ((tv.start, value.start), (tv.end, value.end)):
        if number is not None:
            _fix(proto, var.index, number)
    if value.mode is None:
        return
    for k, mode in enumerate(tv.modes):
        if mode.literal is not None:
            _fix(proto, mode.literal.index, int(k == value.mode))
    chosen = [ch for ch in tv.modes[value.mode].choices if ch.resources]
    for choice, resource in zip(chosen, value.resources or [], strict=False):
        for r, x in zip(choice.resources, choice.literals, strict=True):
            if x is not None:
                _fix(proto, x.index, int(r == resource))


def _disturbed(floor: Floor, best: CoreResult) -> list[int]:
    """Trains with a task the previous plan lacks or one that does not keep."""
    model, kept, movable = floor.model, floor.kept, floor.movable
    out = []
    for k, tasks in enumerate(model.train_tasks):
        if any(
            best.tasks[i].present and (i not in movable or not kept(best, i))
            for i in tasks
            if i in movable or best.tasks[i].present
        ):
            out.append(k)
    return out


def _stays(model: GaugeModel, best: CoreResult) -> list[tuple[int, int]]:
    return [
        (t.arrival, best.tasks[tm.tasks["depart"]].end)
        for t, tm in zip(model.instance.trains, model.trains, strict=True)
    ]


def _neighbourhood(
    floor: Floor, best: CoreResult, rng: random.Random
) -> tuple[str, set[int], set[int]]:
    """A kind, and the tasks and literals it frees: ``trains`` frees everything of one
    disturbed train (odds by weighted excess dwell) and of up to :data:`NEIGHBOURS` trains
    overlapping it; ``schedule`` frees only times and crews of it and of up to
    :data:`SCHEDULE_NEIGHBOURS` overlapping trains (structure kept: a far easier problem)."""
    model = floor.model
    candidates = _disturbed(floor, best) or list(range(len(model.trains)))
    floors = [b or 0 for b in model.dwell_floor]
    stay = _stays(model, best)
    weights = model.instance.trains
    excess = [
        weights[k].weight * max(0, stay[k][1] - stay[k][0] - floors[k]) + 1 for k in candidates
    ]
    seed = rng.choices(candidates, weights=excess)[0]
    a, b = stay[seed]
    overlapping = [k for k, (x, y) in enumerate(stay) if k != seed and x < b and y > a]
    rng.shuffle(overlapping)
    kind = rng.choice(("trains", "schedule"))
    most = NEIGHBOURS if kind == "trains" else SCHEDULE_NEIGHBOURS
    trains = {seed, *overlapping[: rng.randint(0, most)]}
    tasks = set().union(*(model.train_tasks[k] for k in trains))
    bools = set().union(*(model.train_bools[k] for k in trains)) if kind == "trains" else set()
    return kind, tasks, bools


def _step(
    floor: Floor,
    hint: CoreHint,
    best: CoreResult | None,
    free: tuple[set[int], set[int]],
    *,
    time_limit: float,
    workers: int,
    seed: int,
    params: dict[str, object],
) -> CoreResult:
    """Solve with every task and literal outside ``free`` (tasks, literals) fixed to
    ``hint`` (``best`` when given), which is also hinted, and an objective below
    ``best``'s."""
    cpsat = floor.cpsat
    free_tasks, free_bools = free
    cpsat.model.clear_hints()
    cpsat.add_hint(hint)
    if best is not None:
        floor.hint_keeps(best)
    clone = cpsat.model.clone()
    proto = clone.proto
    for i, value in hint.tasks.items():
        if i not in free_tasks:
            _fix_task(proto, cpsat, i, value)
    for i, flag in hint.bools.items():
        if i not in free_bools:
            _fix(proto, cpsat.vars.bools[i].index, int(flag))
    if best is not None and best.objective is not None:
        clone.add(floor.objective <= best.objective)
    return cpsat.solve(
        model=clone, time_limit=time_limit, workers=workers, seed=seed, params=params
    )


def improve_floor(
    floor: Floor,
    best: CoreResult | None,
    hint: CoreHint,
    *,
    steps: int,
    step_time: float,
    deterministic_time: float | None,
    time_limit: float,
    workers: int,
    seed: int,
) -> CoreResult | None:
    """Improve ``best`` (a solution of the floor's model; None: ``hint``, a whole plan,
    with everything fixed) by at most ``steps`` neighbourhoods (see the module doc) within
    ``time_limit`` seconds (with ``deterministic_time``, the count of steps decides).

    Each sub-solve gets ``step_time`` seconds, and ``deterministic_time`` units of CP-SAT's
    deterministic time when given (then the clock is only a safety net).
    """
    t0 = time.perf_counter()
    rng = random.Random(seed)
    improved: dict[str, int] = {}
    params: dict[str, object] = {"cp_model_probing_level": 0}
    if deterministic_time is not None:
        params["max_deterministic_time"] = deterministic_time
    cap = 10 * step_time if deterministic_time is not None else step_time
    if best is None:  # the hint itself, with everything fixed
        best = _step(
            floor,
            hint,
            None,
            (set(), set()),
            time_limit=cap,
            workers=workers,
            seed=seed,
            params=params,
        )
        if not best.has_solution:
            log.info("replan: the repaired plan does not fit the model (%s)", best.status)
            return None
    for _ in range(steps):
        left = time_limit - (time.perf_counter() - t0)
        if deterministic_time is None and left < 0.1:
            break  # with one worker the count of steps decides, not the clock
        kind, tasks, bools = _neighbourhood(floor, best, rng)
        result = _step(
            floor,
            CoreHint.from_result(best),
            best,
            (tasks, bools),
            time_limit=cap if deterministic_time is not None else min(cap, left),
            workers=workers,
            seed=rng.randrange(1 << 30),
            params=params,
        )
        log.debug(
            "replan: %s neighbourhood of %d tasks: %s %s (incumbent %s)",
            kind,
            len(tasks),
            result.status,
            result.objective,
            best.objective,
        )
        better = best.objective is None or (result.objective or 0) < best.objective
        if result.has_solution and result.objective is not None and better:
            best = result
            improved[kind] = improved.get(kind, 0) + 1
    log.info("replan: neighbourhoods that improved the floor (of %d): %s", steps, improved)
    return best
