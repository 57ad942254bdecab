"""Pin the frozen work in the model of the new instance (docs/replanning.md).

A frozen task keeps its start, end, crew (its group: the crew itself is handed back after
solving, see :mod:`gaugeopt.replan.crews`) and shunter; a train with frozen structure keeps
its mode, cuts and tracks, and its locomotive once its attach has started; a train with a
frozen task is planned (no train may be dropped from a model anyway). Every other task
starts at ``now`` or later: what has not started by now cannot start in the past.
"""

from __future__ import annotations

from gaugeopt.clock import Clock
from gaugeopt.core.problem import Choice, Lit
from gaugeopt.gauge.build import AUX_OPS, GaugeModel
from gaugeopt.replan.frozen import Frozen, refusal
from gaugeopt.replan.mapping import Placed, crew_resource, shunter_resource
from gaugeopt.rules.reading import HAUL_OPS


def pin_frozen(model: GaugeModel, placed: Placed, frozen: Frozen) -> set[int]:
    """Pin ``frozen`` in ``model.problem`` (in place); return the pinned task indices."""
    problem = model.problem
    clock = Clock.of(model.instance)
    crews, shunters = crew_resource(model), shunter_resource(model)
    frozen_ids = {id(t) for t in frozen.tasks}
    pinned: set[int] = set()
    for idx, task in placed.tasks.items():
        if id(task) not in frozen_ids:
            continue
        core = problem.tasks[idx]
        core.release, core.deadline = task.start, task.end
        if core.present is not None:
            problem.add_clause([core.present])
        mode = core.modes[0]
        chosen = []
        for kind, choice in zip(model.meta[idx].choices, mode.choices, strict=True):
            name = task.crew if kind == "crew" else task.shunter
            res = (crews if kind == "crew" else shunters).get(name or "")
            if name is None:  # a task of 0 minutes in the plan: it takes nothing
                chosen.append(choice)
            elif res is None or res not in choice.resources:
                raise refusal(
                    clock, task, frozen.now, f"cannot keep {kind} {name} under the new instance"
                )
            else:
                chosen.append(Choice([res], choice.amount))
        mode.choices = chosen
        pinned.add(idx)
    missing = [t for t in placed.unplaced if id(t) in frozen_ids]
    if missing:
        task = missing[0]
        raise refusal(clock, task, frozen.now, "has no place in the new instance")
    _pin_structure(model, placed, frozen)
    for idx, meta in enumerate(model.meta):
        if idx not in pinned and meta.op not in AUX_OPS:
            core = problem.tasks[idx]
            core.release = max(core.release, frozen.now)
    return pinned


def _pin_structure(model: GaugeModel, placed: Placed, frozen: Frozen) -> None:
    """Fix the mode, cut, track and (attach frozen) locomotive literals of frozen trains."""
    problem = model.problem
    by_id = {model.instance.trains[tm.index].id: tm for tm in model.trains}
    for tid in frozen.structure:
        tm = by_id[tid]
        lits: list[Lit] = list(tm.modes.values()) + tm.cut + list(tm.z.values())
        if tid in frozen.locomotive:
            lits += list(tm.loco.values())
        for lit in lits:
            value = placed.bools.get(lit.index)
            if value is None:
                continue
            problem.add_clause([Lit(lit.index, not value)])
    for tid, loco in frozen.locomotive.items():
        attached = by_id.get(tid)
        if attached is None:
            continue
        if not any(model.locos[li].id == loco for li in attached.loco):
            first = next(t for t in frozen.tasks if t.train == tid and t.op in HAUL_OPS)
            raise refusal(
                Clock.of(model.instance),
                first,
                frozen.now,
                f"cannot keep locomotive {loco} under the new instance",
            )
