"""Where the tasks of a plan sit in the model of an edited instance.

A plan made for an earlier instance need not fit the new one (a cancelled or an extra train,
a carriage on a track that is gone): tasks and literals are matched by name — train id,
operation, carriage id and the first carriage of the block — and what has no match is left
out, so the result is a partial warm start.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gaugeopt.core.problem import Lit
from gaugeopt.core.result import CoreHint, TaskHint
from gaugeopt.gauge.build import AUX_OPS, GaugeModel
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules import Hold, rulebook

#: (train id, op, carriage id or None, first carriage of the block or None).
ModelKey = tuple[str, str, str | None, str | None]


def solution_key(plan_blocks: dict[str, list[list[str]]], task: Task) -> ModelKey:
    """The model key of a solution task (``plan_blocks``: train id -> carriages per block)."""
    first = None
    if task.carriage is None and task.block is not None:
        blocks = plan_blocks.get(task.train, [])
        first = blocks[task.block][0] if 0 <= task.block < len(blocks) else f"#{task.block}"
    return (task.train, task.op, task.carriage, first)


def plan_blocks(sol: Solution) -> dict[str, list[list[str]]]:
    return {p.id: [list(b.carriages) for b in p.blocks] for p in sol.trains}


def model_keys(model: GaugeModel) -> dict[ModelKey, int]:
    """Model task index of every operation task (not the auxiliary ones), by key."""
    trains = model.instance.trains
    out: dict[ModelKey, int] = {}
    for idx, meta in enumerate(model.meta):
        if meta.op in AUX_OPS:
            continue
        cars = trains[meta.train].carriages
        car = cars[meta.carriage].id if meta.carriage is not None else None
        first = cars[meta.block_start].id if meta.block_start is not None else None
        out[trains[meta.train].id, meta.op, car, first] = idx
    return out


@dataclass
class Placed:
    """A plan's tasks placed in a model: model index -> task, and literal values."""

    tasks: dict[int, Task] = field(default_factory=dict)
    bools: dict[int, bool] = field(default_factory=dict)
    #: Solution tasks with no model task (their train is gone, or its structure is).
    unplaced: list[Task] = field(default_factory=list)


def place(model: GaugeModel, sol: Solution) -> Placed:
    """Match every task and structural literal of ``sol`` with ``model``'s."""
    keys = model_keys(model)
    blocks = plan_blocks(sol)
    out = Placed()
    for task in sol.tasks:
        idx = keys.get(solution_key(blocks, task))
        if idx is None:
            out.unplaced.append(task)
        else:
            out.tasks[idx] = task
    out.bools = structure_values(model, sol)
    return out


def structure_values(model: GaugeModel, sol: Solution) -> dict[int, bool]:
    """Literal values (mode, cuts, tracks, locomotive, ground test, and what derives from
    them) of the trains ``sol`` plans that the model also has."""
    inst = model.instance
    track_idx = {t.id: k for k, t in enumerate(inst.station.tracks)}
    loco_idx = {lo.id: li for li, lo in enumerate(model.locos)}
    plans = {p.id: p for p in sol.trains}
    bools: dict[int, bool] = {}

    def setlit(lit: Lit, value: bool) -> None:
        bools[lit.index] = value != lit.negated

    true = model.problem._true
    if true is not None:
        setlit(true, True)
    for tm in model.trains:
        train = inst.trains[tm.index]
        plan = plans.get(train.id)
        if plan is None:
            continue
        for mode, lit in tm.modes.items():
            if lit != true:
                setlit(lit, mode == plan.mode)
        if tm.ground is not None:
            setlit(tm.ground, plan.ground_brake_test)
        car_idx = {c.id: j for j, c in enumerate(train.carriages)}
        starts: set[int] = set()
        track_of: dict[int, int | None] = {}
        for block in plan.blocks:
            if block.carriages and block.carriages[0] in car_idx:
                starts.add(car_idx[block.carriages[0]])
            for cid in block.carriages:
                if cid in car_idx:
                    track_of[car_idx[cid]] = track_idx.get(block.track)
        for j, cut in enumerate(tm.cut):
            setlit(cut, (j + 1) in starts)
        for (j, t), z in tm.z.items():
            setlit(z, track_of.get(j) == t)
        if tm.starts and tm.starts[0] != true:
            setlit(tm.starts[0], plan.mode == "exchange")
        for li, sel in tm.loco.items():
            setlit(sel, loco_idx.get(plan.locomotive or "") == li)
    for lit, kind, inputs in model.derived:
        if all(x.index in bools for x in inputs):
            vals = [bools[x.index] != x.negated for x in inputs]
            setlit(lit, all(vals) if kind == "and" else any(vals))
    return bools


def crew_resource(model: GaugeModel) -> dict[str, int]:
    """Crew id -> the model resource of its group."""
    crews = model.instance.station.crews
    return {
        crews[k].id: res
        for res, group in zip(model.crews, model.crew_groups, strict=True)
        for k in group.members
    }


def shunter_resource(model: GaugeModel) -> dict[str, int]:
    return {s.id: model.shunters[k] for k, s in enumerate(model.instance.station.shunters)}


def chosen_resources(model: GaugeModel, idx: int, task: Task) -> list[int] | None:
    """The model resources ``task``'s crew and shunter stand for, per choice of model task
    ``idx`` (None: a crew or shunter the model does not offer there)."""
    crews, shunters = crew_resource(model), shunter_resource(model)
    mode = model.problem.tasks[idx].modes[0]
    out = []
    for kind, choice in zip(model.meta[idx].choices, mode.choices, strict=True):
        res = (crews if kind == "crew" else shunters).get(
            (task.crew if kind == "crew" else task.shunter) or ""
        )
        if res is None or res not in choice.resources:
            return None
        out.append(res)
    return out


def hint(model: GaugeModel, placed: Placed, previous: Solution) -> CoreHint:
    """A warm start from a placed plan: its tasks where they fit, their absence in the
    trains it plans, the auxiliary tasks that follow, and the structural literals."""
    planned = {p.id: p for p in previous.trains}
    trains = model.instance.trains
    tracks = model.instance.station.tracks
    keys = model_keys(model)
    tasks: dict[int, TaskHint] = {}
    holds = {h.task: h for h in rulebook.HOLDS}  # each hold's interval, by its task name
    for idx, meta in enumerate(model.meta):
        tid = trains[meta.train].id if meta.train >= 0 else None
        plan = planned.get(tid or "")
        if meta.op == "loco_ready":
            release = model.problem.tasks[idx].release
            tasks[idx] = TaskHint(True, release, 0, [], release)
        elif plan is None:
            continue
        elif meta.op == "depart":
            tasks[idx] = TaskHint(True, plan.departure, 0, [], plan.departure)
        elif meta.op in holds:
            assert meta.track is not None  # build() gives every hold task its track
            track = tracks[meta.track].id
            tasks[idx] = _hold_hint(model, keys, idx, placed, track, holds[meta.op])
        elif idx in placed.tasks:
            task = placed.tasks[idx]
            res = chosen_resources(model, idx, task)
            tasks[idx] = TaskHint(True, task.start, 0, res, task.end)
        else:
            tasks[idx] = TaskHint(False)
    for idx, h in tasks.items():
        if h.start is not None and not _fits(model, idx, h.start, h.end):
            tasks[idx] = TaskHint(True)  # a late train's old times: let the search place it
    return CoreHint(tasks, dict(placed.bools))


def _fits(model: GaugeModel, idx: int, start: int, end: int | None) -> bool:
    """Whether hinted times lie in the task's window (CP-SAT drops a hint that does not)."""
    task = model.problem.tasks[idx]
    deadline = model.problem.horizon if task.deadline is None else task.deadline
    return task.release <= start and (end or start) <= deadline


def _hold_hint(
    model: GaugeModel,
    keys: dict[ModelKey, int],
    idx: int,
    placed: Placed,
    track: str,
    hold: Hold,
) -> TaskHint:
    """A hold spans its start operation's task to its end operation's task (when on
    ``track``), whichever hold of the rulebook it is."""
    meta = model.meta[idx]
    first, last = hold.start_op, hold.end_op
    tm = model.instance.trains[meta.train]
    car = tm.carriages[meta.carriage].id if meta.carriage is not None else None
    block = tm.carriages[meta.block_start].id if meta.block_start is not None else None
    a = placed.tasks.get(keys.get((tm.id, first, car, block), -1))
    b = placed.tasks.get(keys.get((tm.id, last, car, block), -1))
    if a is None or b is None or a.track != track:
        return TaskHint(False)
    return TaskHint(True, a.start, 0, [], b.end)
