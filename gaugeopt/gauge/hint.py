"""Express a solution (docs/file-formats.md) as values of the core model (a warm start for CP-SAT)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gaugeopt.core.problem import Lit
from gaugeopt.core.result import CoreResult, TaskValue
from gaugeopt.gauge.build import GaugeModel
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules import rulebook


@dataclass
class ModelValues:
    """Values of every task and literal of a :class:`GaugeModel` for one solution."""

    present: list[bool]
    start: list[int]
    end: list[int]
    resources: list[list[int]]
    bools: dict[int, bool] = field(default_factory=dict)


def solution_values(model: GaugeModel, sol: Solution) -> ModelValues:
    """Map a (checked) solution onto the model's tasks and literals.

    Raises ``KeyError``/``StopIteration`` if the solution does not fit the model (e.g. a
    track the model forbids for a carriage); callers then run without the hint.
    """
    inst = model.instance
    st = inst.station
    # Keyed by str | None: a task without the crew or shunter its model task chooses raises
    # KeyError (the solution does not fit the model).
    crew_res: dict[str | None, int] = {
        st.crews[k].id: res
        for res, group in zip(model.crews, model.crew_groups, strict=True)
        for k in group.members
    }
    shunter_res: dict[str | None, int] = {
        s.id: model.shunters[k] for k, s in enumerate(st.shunters)
    }
    track_idx = {t.id: k for k, t in enumerate(st.tracks)}
    train_idx = {t.id: k for k, t in enumerate(inst.trains)}
    bools: dict[int, bool] = {}

    def setlit(lit: Lit, value: bool) -> None:
        bools[lit.index] = value != lit.negated

    if model.problem._true is not None:
        setlit(model.problem._true, True)

    plan = {p.id: p for p in sol.trains}
    block_start_of: dict[tuple[int, int], int] = {}  # (train, carriage) -> block start
    for tm in model.trains:
        train = inst.trains[tm.index]
        tp = plan[train.id]
        for m, lit in tm.modes.items():
            if lit != model.problem._true:
                setlit(lit, m == tp.mode)
        if tm.ground is not None:
            setlit(tm.ground, tp.ground_brake_test)
        car_idx = {c.id: j for j, c in enumerate(train.carriages)}
        starts = set()
        track_of_car: dict[int, int] = {}
        for b in tp.blocks:
            first = car_idx[b.carriages[0]]
            starts.add(first)
            for cid in b.carriages:
                track_of_car[car_idx[cid]] = track_idx[b.track]
                block_start_of[tm.index, car_idx[cid]] = first
        for j, cut in enumerate(tm.cut):
            setlit(cut, (j + 1) in starts)
        for (j, t), z in tm.z.items():
            setlit(z, track_of_car.get(j) == t)
        if tm.starts and tm.starts[0] != model.problem._true:
            setlit(tm.starts[0], tp.mode == "exchange")
        # Keyed by str | None: a plan without a locomotive looks up None and selects none.
        loco_idx: dict[str | None, int] = {lo.id: li for li, lo in enumerate(model.locos)}
        for li, sel in tm.loco.items():
            setlit(sel, loco_idx.get(tp.locomotive) == li)
    for lit, kind, inputs in model.derived:
        vals = [bools[x.index] != x.negated for x in inputs]
        setlit(lit, all(vals) if kind == "and" else any(vals))

    by_key: dict[tuple[int, str, int | None, int | None], Task] = {}
    for sol_task in sol.tasks:
        k = train_idx[sol_task.train]
        car = None
        if sol_task.carriage is not None:
            car = next(
                j for j, c in enumerate(inst.trains[k].carriages) if c.id == sol_task.carriage
            )
        block = None if car is not None else _block_start(sol, inst, k, sol_task)
        by_key[k, sol_task.op, car, block] = sol_task

    n = len(model.meta)
    present = [False] * n
    start = [0] * n
    end = [0] * n
    resources: list[list[int]] = [[] for _ in range(n)]
    holds = {h.task: h for h in rulebook.HOLDS}  # each hold's interval, by its task name
    for idx, meta in enumerate(model.meta):
        if meta.op == "loco_ready":
            present[idx] = True
            start[idx] = end[idx] = model.problem.tasks[idx].release
            continue
        if meta.op == "depart":
            tp = plan[inst.trains[meta.train].id]
            present[idx] = True
            start[idx] = end[idx] = tp.departure
            continue
        hold = holds.get(meta.op)
        if hold is not None:
            assert meta.track is not None  # build() gives every hold task its track
            at = (meta.carriage, None) if hold.level == "carriage" else (None, meta.block_start)
            opens = by_key.get((meta.train, hold.start_op, *at))
            closes = by_key.get((meta.train, hold.end_op, *at))
            if opens is not None and opens.track == st.tracks[meta.track].id:
                assert closes is not None  # a checked solution ends every hold it starts
                present[idx] = True
                start[idx], end[idx] = opens.start, closes.end
            continue
        task = by_key.get((meta.train, meta.op, meta.carriage, meta.block_start))
        if task is None:
            continue
        present[idx] = True
        start[idx], end[idx] = task.start, task.end
        for kind in meta.choices:
            if kind == "crew":
                resources[idx].append(crew_res[task.crew])
            elif kind == "shunter":
                resources[idx].append(shunter_res[task.shunter])
    return ModelValues(present, start, end, resources, bools)


def _block_start(sol: Solution, inst, k: int, task) -> int | None:
    """Index of the first carriage of the block a block task belongs to."""
    if task.block is None:
        return None
    tp = next(p for p in sol.trains if p.id == task.train)
    first = tp.blocks[task.block].carriages[0]
    return next(j for j, c in enumerate(inst.trains[k].carriages) if c.id == first)


def as_core_result(model: GaugeModel, values: ModelValues, objective: int) -> CoreResult:
    """The values as a core result (an incumbent for large-neighbourhood search)."""
    tasks = [
        TaskValue(True, values.start[i], values.end[i], 0, list(values.resources[i]))
        if values.present[i]
        else TaskValue(False, 0, 0, -1, [])
        for i in range(len(values.present))
    ]
    bools = [values.bools.get(i, False) for i in range(len(model.problem.bool_names))]
    return CoreResult(
        status="feasible",
        objective=objective,
        bound=None,
        tasks=tasks,
        bools=bools,
        wall_time=0.0,
        build_time=0.0,
        time_to_first=None,
        time_to_best=None,
        num_solutions=1,
    )
