"""One train's task graph as the report sees it: task keys, intended durations, predecessors.

Rebuilt from DESIGN.md §4 for a train's mode and blocks *as scheduled*, so the report needs
nothing from the solver. A task key is ``(train, op, ref)``: ``ref`` is the carriage id for
carriage ops, the block index for block ops and ``None`` for train ops.
"""

from __future__ import annotations

from collections.abc import Iterable

from gaugeopt.model.instance import Instance, Train, carriage_minutes, scaled
from gaugeopt.model.solution import BLOCK_OPS, CARRIAGE_OPS, Task, TrainPlan

TaskKey = tuple[str, str, str | int | None]


def task_key(task: Task) -> TaskKey:
    """The key of a solution task."""
    if task.op in CARRIAGE_OPS:
        return (task.train, task.op, task.carriage)
    if task.op in BLOCK_OPS:
        return (task.train, task.op, task.block)
    return (task.train, task.op, None)


def describe(key: TaskKey) -> str:
    """``K1 lift K1-03``, ``K1 shunt_in b0``, ``K1 attach``."""
    train, op, ref = key
    if ref is None:
        return f"{train} {op}"
    if isinstance(ref, int):
        return f"{train} {op} b{ref}"
    return f"{train} {op} {ref}"


def train_graph(
    instance: Instance, train: Train, plan: TrainPlan
) -> tuple[dict[TaskKey, int], dict[TaskKey, list[TaskKey]]]:
    """Intended duration and precedence predecessors of every task of ``train`` under ``plan``.

    The dict order is a topological order (every task after its predecessors).
    """
    d = instance.station.durations
    tracks = {t.id: t for t in instance.station.tracks}
    cars = {c.id: c for c in train.carriages}
    n = len(train.carriages)
    tid = train.id
    dur: dict[TaskKey, int] = {}
    pred: dict[TaskKey, list[TaskKey]] = {}

    def add(op: str, ref: str | int | None, minutes: int, after: Iterable[TaskKey]) -> TaskKey:
        key = (tid, op, ref)
        dur[key] = minutes
        pred[key] = list(after)
        return key

    detach = add("detach", None, d.detach, ())
    border = train.border_check if train.border_check is not None else d.border_check
    add("border_check", None, border, ())
    if plan.mode == "exchange":
        outs: list[TaskKey] = []
        for b_i, block in enumerate(plan.blocks):
            method = tracks[block.track].method if block.track in tracks else "individual"
            s_in = add("shunt_in", b_i, d.shunt, (detach,))
            lifts: list[TaskKey] = []
            for cid in block.carriages:
                car = cars[cid]
                disc = add("disconnect", cid, scaled(d.disconnect, car.work_pct), (s_in,))
                lifts.append(add("lift", cid, scaled(d.lift, car.work_pct), (disc,)))
            if method == "roll":
                bogies = sum(cars[cid].bogies for cid in block.carriages)
                roll = add("roll", b_i, d.roll_setup + d.roll_per_bogie * bogies, lifts)
                before_lower = [roll] * len(lifts)
            else:
                before_lower = [
                    add(
                        "swap",
                        cid,
                        scaled(d.swap_per_bogie * cars[cid].bogies, cars[cid].work_pct),
                        (lift,),
                    )
                    for cid, lift in zip(block.carriages, lifts, strict=True)
                ]
            recs = []
            for cid, before in zip(block.carriages, before_lower, strict=True):
                car = cars[cid]
                low = add("lower", cid, scaled(d.lower, car.work_pct), (before,))
                recs.append(add("reconnect", cid, scaled(d.reconnect, car.work_pct), (low,)))
            outs.append(add("shunt_out", b_i, d.shunt, recs))
        ready = add("couple", None, d.couple_per_carriage * n, outs)
    elif plan.mode == "changer":
        ready = add("changer_pass", None, d.changer_setup + d.changer_per_carriage * n, (detach,))
    else:
        ready = detach
    attach = add("attach", None, d.attach, (ready,))
    add("brake_test", None, d.brake_test, (attach,))
    return dur, pred


def critical_path_dwell(instance: Instance, train: Train, plan: TrainPlan) -> int:
    """Dwell of ``train`` alone in an empty station with its mode and blocks as scheduled.

    Longest chain of intended durations from arrival, then departure = max(brake_test end,
    border_check end, earliest_departure). Ignores crews, shifts, shunters, tracks, jacks,
    bogie stock and locomotive availability: a true lower bound on the train's dwell.
    """
    dur, pred = train_graph(instance, train, plan)
    end: dict[TaskKey, int] = {}
    for key, minutes in dur.items():
        end[key] = max((end[p] for p in pred[key]), default=0) + minutes
    dwell = max(end[(train.id, "brake_test", None)], end[(train.id, "border_check", None)])
    if train.earliest_departure is not None:
        dwell = max(dwell, train.earliest_departure - train.arrival)
    return dwell


def any_blocks_dwell(instance: Instance, train: Train) -> int:
    """Dwell lower bound over every mode and block cut the station allows (see kpi docs).

    Exchange: each carriage's own chain on the fastest track method that can lift it (its own
    one-carriage block), framed by two shunts, plus detach, couple, attach and brake test —
    no cut can do better, since a block waits for its slowest carriage and a roll for all its
    bogies. Changer (when every carriage is variable-gauge and there is a changer): its pass.
    """
    st = instance.station
    d = st.durations
    n = len(train.carriages)
    border = train.border_check if train.border_check is not None else d.border_check
    if train.from_gauge == train.to_gauge:
        options = [0]
    else:
        options = []
        if st.changer is not None and all(c.variable_gauge for c in train.carriages):
            options.append(d.changer_setup + d.changer_per_carriage * n)
        chains = []
        for car in train.carriages:
            methods = {t.method for t in st.tracks if t.max_mass_t >= car.mass_t}
            m = carriage_minutes(d, car)
            common = m.disconnect + m.lift + m.lower + m.reconnect
            per = []
            if "individual" in methods:
                per.append(common + m.swap)
            if "roll" in methods:
                per.append(common + d.roll_setup + d.roll_per_bogie * car.bogies)
            chains.append(min(per) if per else None)
        if all(c is not None for c in chains):
            options.append(2 * d.shunt + max(chains) + d.couple_per_carriage * n)  # type: ignore[type-var]
        if not options:  # nothing fits: the as-scheduled bound is all we can say
            options = [0]
    dwell = max(d.detach + min(options) + d.attach + d.brake_test, border)
    if train.earliest_departure is not None:
        dwell = max(dwell, train.earliest_departure - train.arrival)
    return dwell
