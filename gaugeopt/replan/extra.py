"""Trains the previous plan does not have: CP-SAT places them around the repaired plan.

The repaired plan of the other trains is pinned in a model of the instance as if it were
all frozen work (every task keeps its start, end, crew group and shunter; every train its
mode, blocks, tracks and locomotive), so only the new trains are free: a small search that
completes the warm start. Their tasks start at ``now`` or later.
"""

from __future__ import annotations

import logging

from gaugeopt.core.cpsat.model import solve_problem
from gaugeopt.errors import InputError
from gaugeopt.gauge.build import build
from gaugeopt.gauge.decode import decode_core
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.replan.crews import reassign_crews
from gaugeopt.replan.frozen import Frozen
from gaugeopt.replan.mapping import hint, place
from gaugeopt.replan.pin import pin_frozen

log = logging.getLogger("gaugeopt")


def place_new_trains(
    inst: Instance, partial: Solution, now: int, *, time_limit: float, workers: int, seed: int
) -> Solution | None:
    """``partial`` (a valid plan of some of the trains) with the others of ``inst`` placed
    around it, or None when the search finds no way within ``time_limit``."""
    model = build(inst)
    placed = place(model, partial)
    if placed.unplaced:
        return None
    all_work = Frozen(
        now,
        list(partial.tasks),
        {p.id: p for p in partial.trains},
        {t.train: t.locomotive for t in partial.tasks if t.op == "attach"},
    )
    try:
        pin_frozen(model, placed, all_work)
    except InputError as e:
        log.debug("replan: the repaired plan cannot be pinned: %s", e)
        return None
    core = solve_problem(
        model.problem,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        hint=hint(model, placed, partial),
    )
    if not core.has_solution:
        log.debug("replan: no place for the new trains (%s)", core.status)
        return None
    sol = decode_core(model, core, status="feasible", lower_bound=None)
    return reassign_crews(model, sol, partial, list(partial.tasks))
