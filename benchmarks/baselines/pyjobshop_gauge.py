"""PyJobShop's own model of a gauge-change instance, as far as PyJobShop 0.0.9 can express it.

PyJobShop cannot choose block cuts (a cut changes which tasks exist), so the structure is fixed
from our greedy schedule (:func:`gaugeopt.construct.construct`): each train's mode, its blocks
with their tracks, and its outbound locomotive. Given that structure, the model holds:

* one job per train (weight, release = arrival, deadline = horizon) and the objective
  ``weight_total_flow_time`` = Σ weight × (job end − arrival); a zero-length ``depart`` task
  after brake_test and border_check, not before ``earliest_departure``, ends the job, so the
  flow time is the dwell;
* one task per operation of docs/model.md with its duration, skill, resources and precedences,
  from the rulebook's task graph (:func:`gaugeopt.rules.task_graph`) for the train's mode,
  blocks and ground-air choice as the greedy schedule has them;
* crews as machines whose breaks are the gaps between their shifts (a crew whose shifts touch
  is two machines, alternate shifts each, so no task spans a seam); a task of positive
  duration has one mode per capable crew machine, or per (crew, shunter) pair for shunting
  work, plus the changer for changer_pass; a task of duration 0 has no crew or shunter;
* track occupancy (shunt_in start .. shunt_out end) and jack holds (lift start .. lower end) as
  idle-allowed zero-work tasks pinned to those starts and ends: the first on its track's
  machine, the second taking one unit of its track's jack-set renewable;
* locomotive availability as release dates (station loco) or end-before-start from the
  inbound train's detach plus ``loco_turnaround``;
* bogie stock as a consumable per (gauge, type) with capacity = stock + bogies returned into
  it: exact when nothing returns into the pool, else a relaxation (only totals count; when
  bogies leave and return is not expressible).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaugeopt.bench.record import MethodResult
from gaugeopt.checker import check
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance, Train
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution, Task, TrainPlan
from gaugeopt.rules import (
    DEPARTS_AFTER,
    JACK_HOLD,
    LOCO_FREED_BY,
    OPS,
    RULES,
    TRACK_HOLD,
    BlockSpec,
    OpRule,
    departure,
    dwell,
    task_graph,
)
from pyjobshop_psplib import (
    METHOD,
    MISSING,
    NO_CALLBACK,
    import_pyjobshop,
    number,
    status_of,
)

FIXED = "fixed from greedy: train modes, block cuts and tracks (PyJobShop cannot choose block cuts), locomotives"


#: (train, op, carriage, block): carriage set for carriage ops only, block for block ops only.
Key = tuple[str, str, str | None, int | None]


def key_of(train: str, op: str, carriage: str | None, block: int | None) -> Key:
    """The identity of a task: carriage tasks by carriage, block tasks by block index."""
    level = RULES[op].level
    return (
        train,
        op,
        carriage if level == "carriage" else None,
        block if level == "block" else None,
    )


#: The operation that takes the train's outbound locomotive.
LOCO_OP = next(r.op for r in OPS if r.locomotive)


@dataclass
class Node:
    """One task of a train with the structure fixed: its rule, duration, block and track."""

    key: Key
    rule: OpRule
    duration: int
    block: int | None
    track: str | None
    carriages: list[str]  # the carriages it covers (bogies of a swap or roll)
    preds: list[Key] = field(default_factory=list)

    @property
    def op(self) -> str:
        return self.rule.op


def train_tasks(inst: Instance, train: Train, plan: TrainPlan) -> dict[Key, Node]:
    """Every task of ``train`` under ``plan``'s mode, blocks and ground-air choice."""
    method = {t.id: t.method for t in inst.station.tracks}
    index = {c.id: j for j, c in enumerate(train.carriages)}
    specs = [
        BlockSpec(tuple(index[cid] for cid in b.carriages), method[b.track]) for b in plan.blocks
    ]
    nodes = task_graph(inst, train, plan.mode, specs, ground=plan.ground_brake_test)
    cars = train.carriages
    keys = [
        key_of(train.id, n.op, cars[n.carriage].id if n.carriage is not None else None, n.block)
        for n in nodes
    ]
    out: dict[Key, Node] = {}
    for key, n in zip(keys, nodes, strict=True):
        if n.carriage is not None:
            covered = [cars[n.carriage].id]
        elif n.block is not None:
            covered = list(plan.blocks[n.block].carriages)
        else:
            covered = []
        track = plan.blocks[n.block].track if n.block is not None else None
        out[key] = Node(
            key, n.rule, n.duration, n.block, track, covered, [keys[p] for p in n.preds]
        )
    return out


@dataclass
class _Built:
    """A PyJobShop model plus what is needed to read its solution back."""

    model: Any
    index: dict[Key, int] = field(default_factory=dict)  # our task -> PyJobShop task index
    expected: dict[str, dict[Key, Node]] = field(default_factory=dict)  # per train
    mode_use: list[tuple[str | None, str | None]] = field(default_factory=list)  # crew, shunter
    task_modes: list[list[int]] = field(default_factory=list)  # PyJobShop task -> its modes
    keys: list[Key] = field(default_factory=list)  # PyJobShop task -> our task (or span start)
    span_end: dict[int, Key] = field(default_factory=dict)  # span task -> the task it ends with
    relaxed: list[str] = field(default_factory=list)


def shift_classes(shifts: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """A crew's shifts split so that no two shifts of one class touch.

    A machine's breaks forbid a task only to overlap a break; two touching shifts leave no
    break between them, so a task could span the seam. Shifts are disjoint in time, so the
    crew may be several machines, one per class, without ever doing two tasks at once:
    sorted shifts alternate between two classes when some touch, else one class suffices.
    """
    shifts = sorted((a, b) for a, b in shifts if b > a)
    touch = any(b1 == a2 for (_, b1), (a2, _) in itertools.pairwise(shifts))
    if not touch:
        return [shifts] if shifts else []
    return [c for c in (shifts[0::2], shifts[1::2]) if c]


def breaks(shifts: list[tuple[int, int]], horizon: int) -> list[tuple[int, int]]:
    """The gaps between disjoint, non-touching ``shifts`` within [0, horizon]."""
    gaps, t = [], 0
    for a, b in sorted(shifts):
        if a > t:
            gaps.append((t, a))
        t = max(t, b)
    if t < horizon:
        gaps.append((t, horizon))
    return gaps


def _bogie_flows(inst: Instance, plans: dict[str, TrainPlan]) -> tuple[dict, dict]:
    """Bogies swaps take from each (gauge, type) pool, and bogies returned into each."""
    taken: dict[tuple[int, str], int] = {}
    fed: dict[tuple[int, str], int] = {}
    for train in inst.trains:
        if plans[train.id].mode != "exchange":
            continue
        for c in train.carriages:
            to, back = (train.to_gauge, c.bogie_type), (train.from_gauge, c.bogie_type)
            taken[to] = taken.get(to, 0) + c.bogies
            fed[back] = fed.get(back, 0) + c.bogies
    return taken, fed


def build_model(pjs: Any, inst: Instance, greedy: Solution) -> _Built:
    """PyJobShop's model of ``inst`` with the structure (modes, blocks, locos) of ``greedy``."""
    m = pjs.Model()
    b = _Built(m)
    st = inst.station
    H = inst.horizon
    plans = {p.id: p for p in greedy.trains}

    crews = [  # (crew, machine): one machine per class of non-touching shifts
        (c, m.add_machine(breaks=breaks(cls, H), name=f"crew:{c.id}"))
        for c in st.crews
        for cls in shift_classes(c.shifts)
    ]
    shunters = [(s.id, m.add_machine(name=f"shunter:{s.id}")) for s in st.shunters]
    changer = m.add_machine(name=f"changer:{st.changer.id}") if st.changer else None
    # A track's maintenance windows are breaks of its machine (v1.1).
    tracks = {
        t.id: m.add_machine(breaks=[tuple(w) for w in t.unavailable], name=f"track:{t.id}")
        for t in st.tracks
    }
    jacks = {
        t.id: m.add_renewable(t.jack_sets, name=f"jacks:{t.id}")
        for t in st.tracks
        if t.method == "individual"
    }
    # Bogie stock: a consumable per pool swaps take from; capacity = stock + every return
    # into it. Exact when nothing returns into the pool, else only the totals count.
    taken, fed = _bogie_flows(inst, plans)
    stock = {(s.gauge, s.type): s.count for s in st.bogie_stock}
    pools = {
        key: m.add_consumable(stock.get(key, 0) + fed.get(key, 0), name=f"bogies:{key}")
        for key in sorted(taken)
    }
    timed = sorted(k for k in taken if k in fed)
    if timed:
        b.relaxed.append(
            "bogie stock over time for pools fed by returns (only totals: "
            + ", ".join(f"{g}/{t}" for g, t in timed)
            + ")"
        )

    loco_from = {lo.id: lo.available_from for lo in st.locomotives}
    inbound_of = {t.inbound_loco.id: t.id for t in inst.trains if t.inbound_loco is not None}
    tasks: dict[Key, Any] = {}

    def add_task(job: Any, key: Key, release: int = 0, span_end: Key | None = None) -> Any:
        """A task; a span (from ``key``'s start to ``span_end``'s end) when span_end is set."""
        idx = len(m.tasks)
        task = m.add_task(job=job, earliest_start=release, allow_idle=span_end is not None)
        b.keys.append(key)
        b.task_modes.append([])
        if span_end is None:
            b.index[key] = idx
            tasks[key] = task
        else:
            b.span_end[idx] = span_end
            m.add_start_at_start(task, tasks[key])
            m.add_end_at_end(task, tasks[span_end])
        return task

    def add_mode(task: Any, resources: list, duration: int, demands: list[int], use) -> None:
        b.task_modes[-1].append(len(m.modes))
        m.add_mode(task, resources, duration, demands)
        b.mode_use.append(use)

    for train in inst.trains:
        plan = plans[train.id]
        job = m.add_job(weight=train.weight, release_date=train.arrival, deadline=H, name=train.id)
        exp = train_tasks(inst, train, plan)
        b.expected[train.id] = exp
        cars = {c.id: c for c in train.carriages}
        for key, et in exp.items():
            release = train.arrival
            if et.rule.locomotive and plan.locomotive in loco_from:
                release = max(release, loco_from[plan.locomotive])
            task = add_task(job, key, release)
            # Bogies leave the stock at a swap/roll start whatever its duration.
            need: dict[tuple[int, str], int] = {}
            for cid in et.carriages if et.rule.bogies else []:
                pool = (train.to_gauge, cars[cid].bogie_type)
                need[pool] = need.get(pool, 0) + cars[cid].bogies
            extra = [(pools[k], q) for k, q in sorted(need.items()) if k in pools]
            ex_res, ex_dem = [r for r, _ in extra], [q for _, q in extra]
            if et.duration == 0:
                add_mode(task, ex_res, 0, ex_dem, (None, None))
                continue
            capable = [(c, res) for c, res in crews if et.rule.skill in c.skills]
            shunt = shunters if et.rule.shunter else [(None, None)]
            fixed = [changer] if et.rule.changer and changer is not None else []
            for c, cres in capable:
                for sid, sres in shunt:
                    res = [cres, *([sres] if sres is not None else []), *fixed, *ex_res]
                    dem = [0] * (len(res) - len(ex_res)) + ex_dem  # machines: demand 0
                    add_mode(task, res, et.duration, dem, (c.id, sid))
        for key, et in exp.items():
            for pred in et.preds:
                m.add_end_before_start(tasks[pred], tasks[key])
        tid = train.id
        # Track occupancy (the rulebook's track hold) on the block's track.
        th, jh = TRACK_HOLD, JACK_HOLD
        for i, block in enumerate(plan.blocks):
            occ = add_task(job, (tid, th.start_op, None, i), span_end=(tid, th.end_op, None, i))
            add_mode(occ, [tracks[block.track]], 0, [0], (None, None))
            # Jack holds on individual tracks, one jack set each.
            if block.track in jacks:
                for cid in block.carriages:
                    first, last = (tid, jh.start_op, cid, None), (tid, jh.end_op, cid, None)
                    hold = add_task(job, first, span_end=last)
                    add_mode(hold, [jacks[block.track]], 0, [1], (None, None))
        depart = add_task(job, (tid, "depart", None, None), train.earliest_departure or 0)
        add_mode(depart, [], 0, [], (None, None))
        for op in DEPARTS_AFTER:
            m.add_end_before_start(tasks[(tid, op, None, None)], depart)
    for plan in greedy.trains:  # after every train: an inbound loco may come in later
        if plan.locomotive in inbound_of:
            m.add_end_before_start(
                tasks[(inbound_of[plan.locomotive], LOCO_FREED_BY, None, None)],
                tasks[(plan.id, LOCO_OP, None, None)],
                st.loco_turnaround,
            )
    m.set_objective(weight_total_flow_time=1)
    return b


def greedy_start(pjs: Any, data: Any, greedy: Solution, built: _Built) -> Any:
    """The greedy schedule as a PyJobShop ``Solution`` (for ``initial_solution``)."""
    by_key = {key_of(t.train, t.op, t.carriage, t.block): t for t in greedy.tasks}
    departure = {p.id: p.departure for p in greedy.trains}
    out = []
    for idx, key in enumerate(built.keys):
        modes = built.task_modes[idx]
        if key[1] == "depart":
            mode, start, end = modes[0], departure[key[0]], departure[key[0]]
        elif idx in built.span_end:
            mode, start, end = modes[0], by_key[key].start, by_key[built.span_end[idx]].end
        else:
            t = by_key[key]
            mode = next(k for k in modes if built.mode_use[k] == (t.crew, t.shunter))
            start, end = t.start, t.end
        idle = end - start - data.modes[mode].duration
        out.append(pjs.ScheduledTask(mode, data.modes[mode].resources, start, end, idle, 0))
    return pjs.Solution(data, out)


def to_solution(inst: Instance, greedy: Solution, built: _Built, best: Any) -> Solution:
    """Our :class:`Solution` from PyJobShop's best schedule (structure from ``greedy``)."""
    trains, out = [], []
    for plan in greedy.trains:
        train = inst.train(plan.id)
        ends = {}
        for key, et in built.expected[plan.id].items():
            st = best.tasks[built.index[key]]
            crew, shunter = built.mode_use[st.mode]
            ends[et.op] = st.end
            out.append(
                Task(
                    train=plan.id,
                    op=et.op,
                    carriage=key[2],
                    block=et.block,
                    start=st.start,
                    end=st.end,
                    crew=crew,
                    shunter=shunter,
                    track=et.track,
                    locomotive=plan.locomotive if et.rule.locomotive else None,
                )
            )
        departs = departure(train, ends)
        trains.append(
            plan.model_copy(update={"departure": departs, "dwell": dwell(train, departs)})
        )
    objective = sum(inst.train(p.id).weight * p.dwell for p in trains)
    return Solution(
        instance=inst.name, status="feasible", objective=objective, trains=trains, tasks=out
    )


def solve_gauge_with_pyjobshop(
    path: str | Path, time_limit: float, workers: int, *, warm_start: bool = False
) -> MethodResult:
    """PyJobShop (CP-SAT) on a gauge-change instance (our JSON), its schedule checked by ours.

    The greedy scheduler runs first (5 % of the budget, at most 2 s) to fix the structure;
    PyJobShop gets the rest of ``time_limit``. The row's ``objective`` is Σ weight × dwell of
    the converted schedule, ``valid`` is our checker's verdict (violated rule codes in the
    notes), ``status`` is ``feasible`` at best: the restricted model's optimum is not the
    instance's. Its bound is in ``extra["pyjobshop_lower_bound"]``, not ``lower_bound``: it
    bounds the model with fixed blocks, not the instance. With ``warm_start`` the greedy
    schedule is also PyJobShop's ``initial_solution`` (method ``pyjobshop-warm``); without,
    PyJobShop searches from scratch, as its users would run it.
    """
    path = Path(path)
    name = path.stem
    method = f"{METHOD}-warm" if warm_start else METHOD
    pjs = import_pyjobshop()
    if pjs is None:
        return MethodResult(name, method, "error", notes=MISSING)
    from gaugeopt.construct import construct

    t0 = time.perf_counter()
    try:
        inst = read_instance(path)
    except InputError as exc:
        return MethodResult(name, method, "error", notes=str(exc))
    greedy = construct(inst, time_limit=max(0.05, min(2.0, 0.05 * time_limit)))
    t_greedy = time.perf_counter() - t0
    if greedy is None:
        return MethodResult(
            name,
            method,
            "unknown",
            wall_time=time.perf_counter() - t0,
            notes="the greedy scheduler found no schedule, so no block structure to fix",
        )
    built = build_model(pjs, inst, greedy)
    data = built.model.data()
    initial = greedy_start(pjs, data, greedy, built) if warm_start else None
    t1 = time.perf_counter()
    result = pjs.solve(
        data,
        solver="ortools",
        time_limit=max(0.1, time_limit - (t1 - t0)),
        num_workers=workers,
        display=False,
        initial_solution=initial,
    )
    solve_wall = time.perf_counter() - t1
    wall = time.perf_counter() - t0
    extra = {
        "pyjobshop_status": getattr(result.status, "value", str(result.status)),
        "pyjobshop_objective": number(result.objective),
        "pyjobshop_lower_bound": number(result.lower_bound),
        "greedy_objective": greedy.objective,
        "greedy_time": t_greedy,
        "solver_runtime": result.runtime,
        "tasks": data.num_tasks,
        "modes": data.num_modes,
    }
    relaxed = "; ".join([FIXED, *(f"relaxed: {r}" for r in built.relaxed)])
    build_time = (t1 - t0 - t_greedy) + max(0.0, solve_wall - result.runtime)
    if status_of(result) not in ("optimal", "feasible"):
        return MethodResult(
            name,
            method,
            "unknown",
            build_time=build_time,
            wall_time=wall,
            notes=f"PyJobShop found no schedule ({extra['pyjobshop_status']}); {relaxed}",
            extra=extra,
        )
    sol = to_solution(inst, greedy, built, result.best)
    violations = check(inst, sol)
    notes = [relaxed, NO_CALLBACK, "lower_bound: PyJobShop's bound holds only for fixed blocks"]
    if violations:
        notes.append("violates: " + ", ".join(sorted({v.rule for v in violations})))
    extra["violations"] = len(violations)
    return MethodResult(
        name,
        method,
        "feasible",
        objective=sol.objective,
        lower_bound=None,
        time_to_best=wall,
        build_time=build_time,
        wall_time=wall,
        valid=not violations,
        notes="; ".join(notes),
        extra=extra,
    )
