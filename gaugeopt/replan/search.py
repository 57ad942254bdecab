"""The replanning search: least weighted dwell first, then fewest changes.

The objective given to CP-SAT is ``dwell_weight × Σ weight × dwell + change_weight ×
changes``, where a task of the previous plan that is not frozen *keeps* when it is present
with the same start, crew group, shunter and track, and changes otherwise (a crew inside its
group is handed out afterwards, preferring the previous one: :mod:`gaugeopt.replan.crews`).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model as cp

from gaugeopt.core.cpsat.model import CpsatModel
from gaugeopt.core.result import CoreHint, CoreResult
from gaugeopt.gauge.build import GaugeModel
from gaugeopt.params import SolveParams
from gaugeopt.replan.lns import Floor, improve_floor
from gaugeopt.replan.mapping import Placed, chosen_resources

log = logging.getLogger("gaugeopt")

#: Share of the search's time for the neighbourhood search from the repaired plan
#: (:mod:`gaugeopt.replan.lns`), after ``repair_share``; the rest is one search over the
#: whole model (the one that can prove a bound).
LNS_SHARE = 0.6
#: Seconds of each neighbourhood's sub-solve; with one worker the count of neighbourhoods
#: is the neighbourhood time divided by this.
LNS_STEP_SECONDS = 0.5
#: A neighbourhood is reckoned to take at least this many seconds per movable task (each
#: step copies and loads the whole day's model): on a large day fewer steps are made.
LNS_SECONDS_PER_TASK = 0.001
#: With one worker, CP-SAT's deterministic time of each neighbourhood's sub-solve.
LNS_STEP_DETERMINISTIC = 0.25


def _step_seconds(movable: int) -> float:
    """Seconds a neighbourhood is reckoned to take with ``movable`` movable tasks."""
    return max(LNS_STEP_SECONDS, LNS_SECONDS_PER_TASK * movable)


@dataclass
class Weights:
    """What the replan minimises: ``dwell`` per minute of weighted dwell, ``change`` per
    task handed to another crew (group), track or shunter (or dropped), ``move`` per task
    that starts at another time (docs/replanning.md)."""

    dwell: int = 1
    change: int = 10
    move: int = 1


@dataclass
class Searched:
    """The search's result and what it says about dwell."""

    core: CoreResult
    #: A proven lower bound on the weighted dwell of any plan that keeps the frozen work.
    dwell_bound: int | None
    #: Unpinned tasks of the previous plan that keep their crew group, track and shunter.
    kept: int


@dataclass
class Keeps:
    """Per placed, unpinned task of the previous plan: literals true only if it keeps
    its assignment (crew group, shunter, track) and its start."""

    assignment: dict[int, cp.IntVar]
    start: dict[int, cp.IntVar]


def _track_lit(model: GaugeModel, idx: int, track: str | None):
    """The model literal "this task's carriage/block is on ``track``" (None: no track)."""
    meta = model.meta[idx]
    if track is None:
        return None
    j = meta.carriage if meta.carriage is not None else meta.block_start
    if j is None:
        return None
    tracks = {t.id: k for k, t in enumerate(model.instance.station.tracks)}
    return model.trains[meta.train].z.get((j, tracks.get(track, -1)), False)


def _same_assignment(cpsat: CpsatModel, model: GaugeModel, idx: int, task, keep) -> None:
    """``keep`` implies that model task ``idx`` is present with ``task``'s crew group,
    shunter and track."""
    m = cpsat.model
    tv = cpsat.vars.tasks[idx]
    if tv.present is not None:
        m.add_implication(keep, tv.present)
    res = chosen_resources(model, idx, task)
    mode = tv.modes[0]
    if res is None:
        m.add(keep == 0)
    elif mode.takes:
        for choice, r in zip(mode.choices, res, strict=False):
            x = choice.literals[choice.resources.index(r)]
            if x is not None:
                m.add_implication(keep, x)
    lit = _track_lit(model, idx, task.track)
    if lit is False:
        m.add(keep == 0)
    elif lit is not None:
        m.add_implication(keep, cpsat.vars.lit(lit))


def _keep_literals(cpsat: CpsatModel, model: GaugeModel, movable: Placed) -> Keeps:
    """The :class:`Keeps` of every placed, unpinned task of the previous plan."""
    m = cpsat.model
    out = Keeps({}, {})
    for idx, task in movable.tasks.items():
        tv = cpsat.vars.tasks[idx]
        same = m.new_bool_var(f"same{idx}")
        _same_assignment(cpsat, model, idx, task, same)
        at = m.new_bool_var(f"at{idx}")
        if tv.present is not None:
            m.add_implication(at, tv.present)
        if not tv.lo <= task.start <= tv.hi - tv.shortest:
            m.add(at == 0)
        else:
            m.add(tv.start == task.start).only_enforce_if(at)
        out.assignment[idx], out.start[idx] = same, at
    return out


def _same(core: CoreResult, model: GaugeModel, idx: int, task) -> bool:
    """Whether a task of the previous plan keeps its assignment in ``core``."""
    tv = core.tasks[idx]
    if not tv.present:
        return False
    res = chosen_resources(model, idx, task)
    if res is None or (tv.resources and list(tv.resources) != res[: len(tv.resources)]):
        return False
    lit = _track_lit(model, idx, task.track)
    if lit is None:
        return True
    return lit is not False and core.bools[lit.index] != lit.negated


def _at(core: CoreResult, idx: int, task) -> bool:
    tv = core.tasks[idx]
    return bool(tv.present) and tv.start == task.start


def _repair(
    cpsat: CpsatModel, model: GaugeModel, hint: CoreHint, movable: Placed, **solve_args
) -> CoreResult:
    """The previous plan repaired: its structure (modes, cuts, tracks, locomotives) fixed
    where it still fits, only times and crews free — a far easier search."""
    clone = cpsat.model.clone()
    for index, value in hint.bools.items():
        var = clone.get_bool_var_from_proto_index(cpsat.vars.bools[index].index)
        clone.add(var == int(value))
    return cpsat.solve(model=clone, **solve_args)


def _hint_keeps(
    cpsat: CpsatModel, core: CoreResult, model: GaugeModel, movable: Placed, keeps: Keeps
) -> None:
    """Hint the keep literals with what ``core`` keeps."""
    for idx, lit in keeps.assignment.items():
        cpsat.model.add_hint(lit, _same(core, model, idx, movable.tasks[idx]))
    for idx, lit in keeps.start.items():
        cpsat.model.add_hint(lit, _at(core, idx, movable.tasks[idx]))


def search(
    model: GaugeModel,
    movable: Placed,
    hint: CoreHint,
    weights: Weights,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    dwell_cap: int | None = None,
    repair_share: float = 0.2,
    clock_slack: float = 1.0,
) -> Searched:
    """Solve the pinned model with the replanning objective: first with the previous
    plan's structure fixed (``repair_share`` of the time), then everything free from there.

    ``dwell_cap`` bounds the weighted dwell from above (the repaired previous plan's: a
    replan is never worse in dwell than the plan it starts from). With one worker CP-SAT is
    budgeted in deterministic time (``SolveParams.deterministic_rate`` units per second),
    so the result does not depend on the clock; the clock is then a safety net at
    ``time_limit`` × ``clock_slack``.
    """
    t0 = time.perf_counter()
    cpsat = CpsatModel(model.problem)
    cpsat.add_hint(hint)
    keeps = _keep_literals(cpsat, model, movable)
    if cpsat.objective is None:
        raise RuntimeError("the gauge model has no objective")
    dwell = cp.LinearExpr.sum([cpsat.objective])
    if dwell_cap is not None:
        cpsat.model.add(dwell <= dwell_cap)
    combined = (
        weights.dwell * dwell
        - weights.change * cp.LinearExpr.sum(list(keeps.assignment.values()))
        - weights.move * cp.LinearExpr.sum(list(keeps.start.values()))
    )
    cpsat.model.minimize(combined)
    rate = SolveParams().deterministic_rate
    rest = max(0.0, 1 - repair_share - LNS_SHARE)

    def budget(share: float) -> dict[str, object]:
        params: dict[str, object] = {"cp_model_probing_level": 0}
        if workers == 1:
            params["max_deterministic_time"] = rate * share * time_limit
        return params

    repaired = _repair(
        cpsat,
        model,
        hint,
        movable,
        time_limit=repair_share * time_limit * clock_slack,
        workers=workers,
        seed=seed,
        params=budget(repair_share),
    )
    log.debug(
        "replan: repaired previous plan %s, objective %s", repaired.status, repaired.objective
    )
    floor = Floor(
        cpsat,
        model,
        combined,
        set(movable.tasks),
        lambda core, idx: (
            _same(core, model, idx, movable.tasks[idx]) and _at(core, idx, movable.tasks[idx])
        ),
        lambda core: _hint_keeps(cpsat, core, model, movable, keeps),
    )
    better = improve_floor(
        floor,
        repaired if repaired.has_solution else None,
        hint,
        steps=max(1, int(LNS_SHARE * time_limit / _step_seconds(len(movable.tasks)))),
        step_time=LNS_STEP_SECONDS,
        deterministic_time=LNS_STEP_DETERMINISTIC if workers == 1 else None,
        time_limit=LNS_SHARE * time_limit,
        workers=workers,
        seed=seed,
    )
    if better is not None:
        repaired = better
        repaired.status = "feasible"
    cpsat.model.clear_hints()
    if repaired.has_solution:
        cpsat.add_hint(CoreHint.from_result(repaired))
        _hint_keeps(cpsat, repaired, model, movable, keeps)
    else:
        cpsat.add_hint(hint)
    core = cpsat.solve(
        time_limit=time_limit * clock_slack, workers=workers, seed=seed, t0=t0, params=budget(rest)
    )
    if repaired.has_solution and (
        not core.has_solution or (core.objective or 0) > (repaired.objective or 0)
    ):
        core.tasks, core.bools, core.objective = repaired.tasks, repaired.bools, repaired.objective
        core.status = "feasible" if core.status != "optimal" else core.status
    bound = None
    if core.bound is not None and weights.dwell > 0 and core.status != "infeasible":
        # combined >= bound and keeps >= 0, so dwell >= bound / dwell weight.
        bound = max(0, math.ceil((core.bound - 1e-6) / weights.dwell))
    kept = sum(
        1 for idx, t in movable.tasks.items() if core.has_solution and _same(core, model, idx, t)
    )
    return Searched(core, bound, kept)
