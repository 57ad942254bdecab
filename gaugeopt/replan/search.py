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
from gaugeopt.replan.mapping import Placed, chosen_resources

log = logging.getLogger("gaugeopt")


@dataclass
class Weights:
    """How a change weighs against a minute of weighted dwell."""

    dwell: int
    change: int


@dataclass
class Searched:
    """The search's result and what it says about dwell."""

    core: CoreResult
    #: A proven lower bound on the weighted dwell of any plan that keeps the frozen work.
    dwell_bound: int | None
    #: Unpinned tasks of the previous plan that stay as they were (crew group, not crew).
    kept: int


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


def _keep_literals(cpsat: CpsatModel, model: GaugeModel, movable: Placed) -> dict[int, cp.IntVar]:
    """Per placed, unpinned task of the previous plan: a literal true only if it stays."""
    m = cpsat.model
    keeps = {}
    for idx, task in movable.tasks.items():
        tv = cpsat.vars.tasks[idx]
        keep = m.new_bool_var(f"keep{idx}")
        if tv.present is not None:
            m.add_implication(keep, tv.present)
        if not tv.lo <= task.start <= tv.hi - tv.shortest:
            m.add(keep == 0)
        else:
            m.add(tv.start == task.start).only_enforce_if(keep)
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
        keeps[idx] = keep
    return keeps


def _kept(core: CoreResult, model: GaugeModel, idx: int, task) -> bool:
    """Whether a task of the previous plan stays in ``core`` (as its keep literal says)."""
    tv = core.tasks[idx]
    if not tv.present or tv.start != task.start:
        return False
    res = chosen_resources(model, idx, task)
    if res is None or (tv.resources and list(tv.resources) != res[: len(tv.resources)]):
        return False
    lit = _track_lit(model, idx, task.track)
    if lit is None:
        return True
    return lit is not False and core.bools[lit.index] != lit.negated


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


def search(
    model: GaugeModel,
    movable: Placed,
    hint: CoreHint,
    weights: Weights,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    repair_share: float = 0.4,
    deterministic_time: float | None = None,
) -> Searched:
    """Solve the pinned model with the replanning objective: first with the previous
    plan's structure fixed (``repair_share`` of the time), then everything free from there.
    ``deterministic_time`` budgets the two in CP-SAT's deterministic time (shared the same
    way) so that a run with one worker is reproducible; the clock is then a safety net."""
    t0 = time.perf_counter()
    cpsat = CpsatModel(model.problem)
    cpsat.add_hint(hint)
    keeps = _keep_literals(cpsat, model, movable)
    if cpsat.objective is None:
        raise RuntimeError("the gauge model has no objective")
    dwell = cp.LinearExpr.sum([cpsat.objective])
    combined = weights.dwell * dwell - weights.change * cp.LinearExpr.sum(list(keeps.values()))
    cpsat.model.minimize(combined)
    params: dict[str, object] = {"cp_model_probing_level": 0}
    budget = {} if deterministic_time is None else {"max_deterministic_time": deterministic_time}
    repaired = _repair(
        cpsat,
        model,
        hint,
        movable,
        time_limit=repair_share * time_limit,
        workers=workers,
        seed=seed,
        params=params | {k: repair_share * v for k, v in budget.items()},
    )
    log.debug(
        "replan: repaired previous plan %s, objective %s", repaired.status, repaired.objective
    )
    if repaired.has_solution:
        cpsat.model.clear_hints()
        cpsat.add_hint(CoreHint.from_result(repaired))
        for idx, keep in keeps.items():
            cpsat.model.add_hint(keep, _kept(repaired, model, idx, movable.tasks[idx]))
    core = cpsat.solve(
        time_limit=time_limit, workers=workers, seed=seed, t0=t0, params=params | budget
    )
    if repaired.has_solution and (
        not core.has_solution or (core.objective or 0) > (repaired.objective or 0)
    ):
        core.tasks, core.bools, core.objective = repaired.tasks, repaired.bools, repaired.objective
        core.status = "feasible" if core.status != "optimal" else core.status
    bound = None
    if core.bound is not None and weights.dwell > 0:
        # combined >= bound and keeps >= 0, so dwell >= bound / dwell weight.
        bound = max(0, math.ceil((core.bound - 1e-6) / weights.dwell))
    kept = sum(
        1 for idx, t in movable.tasks.items() if core.has_solution and _kept(core, model, idx, t)
    )
    return Searched(core, bound, kept)
