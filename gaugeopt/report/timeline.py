"""Rows and bars of the planner's view, derived from an instance and a solution.

Pure data (no plotting): both the PNG and the HTML renderers draw from a :class:`Timeline`.
Resource rows: every shed track (its blocks, with the lifted carriages inside, and its
maintenance windows), the jack-set occupancy of every ``individual`` track (a step series),
every crew (shifts shaded), every shunter, the changer and every locomotive; a task's bar is
labelled by its carriage (``K1-03 lift``) or its train. Train rows: every task of the train
as its own bar (one per carriage for carriage ops), with arrival and departure marked.
Times in hover texts and ticks are clock times (:mod:`gaugeopt.clock`). Bogie stock per
(gauge, type) over time follows the event rule of docs/model.md.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

from gaugeopt.clock import Clock, duration
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules import JACK_HOLD, LOCO_FREED_BY, RULES, TRACK_HOLD
from gaugeopt.rules.reading import (
    BOGIE_OPS,
    CHANGER_OPS,
    HAUL_OPS,
    OP_ORDER,
    OP_RANK,
    Reading,
)
from gaugeopt.wording import block_name, block_number, block_short

#: Colours for operations the rulebook gives none (``OpRule.color``), handed out in the
#: rulebook's order. The first ones lie outside the hue families of the rulebook's colours
#: (inspect gold, coupler plum), so a new step stands apart from its neighbours.
_SPARE = ("#e7ba52", "#7b4173", "#637939", "#ad494a", "#9c9ede", "#e6550d")


def op_colors(ops: tuple[str, ...] = OP_ORDER) -> dict[str, str]:
    """A colour for every operation of ``ops`` (the rulebook's, in its order): its colour
    in the rulebook where it has one, else the next spare one, so that an operation the
    rulebook gains gets a stable colour and a legend entry without a change here."""
    spare = itertools.cycle(_SPARE)
    return {op: (RULES[op].color if op in RULES else "") or next(spare) for op in ops}


#: One colour per operation of the rulebook (:func:`op_colors`).
OP_COLORS: dict[str, str] = op_colors()
#: Colours of the non-task bars.
BLOCK_COLOR = "#d9d9d9"
LIFTED_COLOR = "#31a354"
SHIFT_COLOR = "#e5f5e0"
HAUL_COLOR = "#8c564b"
INBOUND_COLOR = "#c5b0d5"
CLOSED_COLOR = "#fcbba1"


class NothingToDraw(ValueError):
    """The solution holds no schedule (status infeasible or unknown)."""


@dataclass
class Bar:
    """One horizontal bar on a row; ``lane`` None spans the whole row height."""

    start: int
    end: int
    kind: str  # an op name, or "block", "lifted", "shift", "haul", "inbound", "closed"
    train: str = ""
    label: str = ""
    lane: int | None = 0
    hover: dict[str, str] = field(default_factory=dict)

    @property
    def color(self) -> str:
        return OP_COLORS.get(self.kind) or {
            "block": BLOCK_COLOR,
            "lifted": LIFTED_COLOR,
            "shift": SHIFT_COLOR,
            "haul": HAUL_COLOR,
            "inbound": INBOUND_COLOR,
            "closed": CLOSED_COLOR,
        }.get(self.kind, "#999999")


@dataclass
class Mark:
    """A point event on a row (arrival, departure, availability)."""

    time: int
    kind: str  # "arrival", "departure", "available"
    text: str = ""


@dataclass
class Row:
    """One labelled line of a Gantt chart, split into ``lanes`` sub-lines."""

    key: str
    label: str
    group: str  # "track", "jacks", "crew", "shunter", "changer", "locomotive", "train"
    bars: list[Bar] = field(default_factory=list)
    lanes: int = 1
    marks: list[Mark] = field(default_factory=list)
    steps: tuple[list[int], list[int]] | None = None  # jack rows: (times, counts in use)
    capacity: int | None = None


@dataclass
class Timeline:
    """Everything the renderers draw."""

    instance: Instance
    solution: Solution
    resource_rows: list[Row]
    train_rows: list[Row]
    #: "1435/heavy" -> (times, stock level from each time on), starting at t = 0.
    stock: dict[str, tuple[list[int], list[int]]]
    span: tuple[int, int]  # earliest arrival .. latest departure
    clock: Clock = field(default_factory=Clock)
    #: Warnings every page carries (an unchecked plan, an overrun schedule).
    notes: list[str] = field(default_factory=list)


def op_words(op: str) -> str:
    """An operation as the report prints it: ``brake_test`` -> ``brake test``."""
    return op.replace("_", " ")


def task_name(task: Task) -> str:
    """A task in words: ``K1-03 lift``, ``K1 block 1 shunt in``, ``K1 detach``."""
    if task.carriage is not None:
        return f"{task.carriage} {op_words(task.op)}"
    if task.block is not None:
        return f"{task.train} {block_name(task.block)} {op_words(task.op)}"
    return f"{task.train} {op_words(task.op)}"


def task_words(task: Task) -> str:
    """A task named with its train and carriage, for advice: ``the lift of carriage
    E02-03 (train E02)``, ``the shunt in of train E02's block 1``, ``the detach of train
    E02``."""
    op = op_words(task.op)
    if task.carriage is not None:
        return f"the {op} of carriage {task.carriage} (train {task.train})"
    if task.block is not None:
        return f"the {op} of train {task.train}'s {block_name(task.block)}"
    return f"the {op} of train {task.train}"


#: Tick steps in minutes, finest first: quarter and half hours when zoomed in, whole hours,
#: then several hours and days.
TICK_STEPS = (15, 30, 60, 120, 180, 240, 360, 720, 1440)


def time_ticks(span: tuple[float, float], clock: Clock, most: int = 14) -> list[tuple[int, str]]:
    """Ticks on whole clock hours (or half or quarter hours for a short span) inside
    ``span``, at most ``most`` of them, labelled ``09:00``; the first tick of each day
    also names the day (``day 2 00:00``, or the date with an epoch)."""
    lo, hi = span
    base = 0 if clock.epoch is None else clock.epoch.hour * 60 + clock.epoch.minute
    step = next((s for s in TICK_STEPS if (hi - lo) / s <= most), TICK_STEPS[-1])
    first = math.ceil((lo + base) / step) * step - base
    ticks, day = [], None
    for t in range(int(first), math.floor(hi) + 1, step):
        text = clock.time(t)
        if clock.day(t) != day:
            text = f"{clock.date(t)}\n{text}"
            day = clock.day(t)
        ticks.append((t, text))
    return ticks


def time_axis_title(clock: Clock) -> str:
    """What the time axis shows: local time with its offset, or days counted from t = 0."""
    if clock.epoch is None:
        return "time (day 1 starts at t = 0)"
    return f"local time (UTC{clock.offset})"


def pack_lanes(bars: list[Bar]) -> int:
    """Give overlapping bars different lanes (greedy by start); return the lane count."""
    lane_end: list[int] = []
    for bar in sorted(bars, key=lambda b: (b.start, b.end)):
        for i, end in enumerate(lane_end):
            if end <= bar.start:
                bar.lane = i
                lane_end[i] = max(bar.end, bar.start + 1)
                break
        else:
            bar.lane = len(lane_end)
            lane_end.append(max(bar.end, bar.start + 1))
    return max(1, len(lane_end))


def _hover(task: Task, clock: Clock) -> dict[str, str]:
    out = {"task": op_words(task.op), "train": task.train}
    for name in ("carriage", "crew", "shunter", "track", "locomotive"):
        value = getattr(task, name)
        if value is not None:
            out[name] = str(value)
    if task.block is not None:
        out["block"] = str(block_number(task.block))
    out["time"] = f"{clock.span(task.start, task.end)} ({duration(task.end - task.start)})"
    return out


def check_references(instance: Instance, solution: Solution) -> None:
    """Reject a solution the report cannot draw: wrong status or unknown ids (InputError)."""
    if solution.status in ("infeasible", "unknown"):
        raise NothingToDraw(f"nothing to draw: status {solution.status}")
    if solution.instance != instance.name:
        raise InputError(
            f"solution is for instance {solution.instance!r}, not {instance.name!r}",
            path="instance",
        )
    st = instance.station
    known = {
        "train": {t.id for t in instance.trains},
        "carriage": {c.id for t in instance.trains for c in t.carriages},
        "crew": {c.id for c in st.crews},
        "shunter": {s.id for s in st.shunters},
        "track": {t.id for t in st.tracks},
        "locomotive": {lo.id for lo in st.locomotives}
        | {t.inbound_loco.id for t in instance.trains if t.inbound_loco},
    }
    for i, plan in enumerate(solution.trains):
        if plan.id not in known["train"]:
            raise InputError(f"unknown train {plan.id!r}", path=f"trains[{i}].id")
        for b_i, block in enumerate(plan.blocks):
            if block.track not in known["track"]:
                raise InputError(
                    f"unknown track {block.track!r}", path=f"trains[{i}].blocks[{b_i}].track"
                )
            train = instance.train(plan.id)
            own = {c.id for c in train.carriages}
            for c_i, cid in enumerate(block.carriages):
                if cid not in own:
                    raise InputError(
                        f"carriage {cid!r} is not in train {plan.id!r}",
                        path=f"trains[{i}].blocks[{b_i}].carriages[{c_i}]",
                    )
    for i, task in enumerate(solution.tasks):
        for name, ids in known.items():
            value = getattr(task, name)
            if value is not None and value not in ids:
                raise InputError(f"unknown {name} {value!r}", path=f"tasks[{i}].{name}")
        if task.end < task.start:
            raise InputError(
                f"end before start, got [{task.start}, {task.end}]", path=f"tasks[{i}].end"
            )
    planned = {p.id for p in solution.trains}
    for i, task in enumerate(solution.tasks):
        if task.train not in planned:
            raise InputError(f"train {task.train!r} has no plan in trains", path=f"tasks[{i}]")


def _track_rows(instance: Instance, solution: Solution, clock: Clock) -> list[Row]:
    rows = []
    blocks: dict[str, list[Bar]] = defaultdict(list)
    lifted: dict[str, list[Bar]] = defaultdict(list)
    reading = Reading(solution)
    shunted = set()
    for o in reading.occupancies(TRACK_HOLD):
        shunted.add((o.train, o.block))
        ids = reading.plans[o.train].blocks[o.block].carriages
        blocks[o.track].append(
            Bar(
                o.start,
                o.end,
                "block",
                o.train,
                label=f"{o.train} {block_short(o.block)}",
                lane=None,
                hover={
                    "block": f"{o.train} {block_name(o.block)}",
                    "carriages": f"{len(ids)}: {ids[0]}…{ids[-1]}" if ids else "0",
                    "time": clock.span(o.start, o.end),
                },
            )
        )
    for o in reading.occupancies(JACK_HOLD):
        if (o.train, o.block) not in shunted:
            continue
        lifted[o.track].append(
            Bar(
                o.start,
                o.end,
                "lifted",
                o.train,
                label=o.carriage or "",
                hover={
                    "carriage": o.carriage or "",
                    "lifted": clock.span(o.start, o.end),
                    "lift crew": o.first.crew or "none",
                    "lower crew": o.last.crew or "none",
                },
            )
        )
    for track in instance.station.tracks:
        closed = [
            Bar(a, b, "closed", lane=None, label="closed", hover={"closed": clock.span(a, b)})
            for a, b in track.unavailable
        ]
        lanes = pack_lanes(lifted[track.id])
        rows.append(
            Row(
                key=f"track:{track.id}",
                label=f"{track.id} ({track.method}, cap {track.capacity})",
                group="track",
                bars=closed + blocks[track.id] + lifted[track.id],
                lanes=lanes,
            )
        )
        if track.method == "individual":
            times, counts = _step([(b.start, b.end) for b in lifted[track.id]])
            rows.append(
                Row(
                    key=f"jacks:{track.id}",
                    label=f"{track.id} jack sets in use (of {track.jack_sets})",
                    group="jacks",
                    steps=(times, counts),
                    capacity=track.jack_sets,
                )
            )
    return rows


def _step(intervals: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Count of open [start, end) intervals from each change time on, starting at 0."""
    delta: dict[int, int] = defaultdict(int)
    for a, b in intervals:
        if b > a:
            delta[a] += 1
            delta[b] -= 1
    times, counts, level = [0], [0], 0
    for t in sorted(delta):
        level += delta[t]
        if t == 0:
            counts[0] = level
        else:
            times.append(t)
            counts.append(level)
    return times, counts


def _task_bar(task: Task, clock: Clock, label: str) -> Bar:
    return Bar(task.start, task.end, task.op, task.train, label=label, hover=_hover(task, clock))


def _task_rows(
    solution: Solution, clock: Clock, attr: str, ids: list[str], group: str, labels: dict[str, str]
) -> list[Row]:
    """One row per resource id; each bar is one task, labelled by its carriage or train."""
    rows = {i: Row(key=f"{group}:{i}", label=labels.get(i, i), group=group) for i in ids}
    for task in solution.tasks:
        rid = getattr(task, attr)
        if rid in rows and task.end > task.start:
            rows[rid].bars.append(_task_bar(task, clock, task_name(task)))
    for row in rows.values():
        row.lanes = pack_lanes(row.bars)
    return list(rows.values())


def _crew_rows(instance: Instance, solution: Solution, clock: Clock) -> list[Row]:
    crews = instance.station.crews
    labels = {c.id: f"{c.id} ({', '.join(c.skills)})" for c in crews}
    rows = _task_rows(solution, clock, "crew", [c.id for c in crews], "crew", labels)
    for crew, row in zip(crews, rows, strict=True):
        shifts = [
            Bar(a, min(b, instance.horizon), "shift", lane=None, hover={"shift": clock.span(a, b)})
            for a, b in crew.shifts
            if a < instance.horizon
        ]
        row.bars = shifts + row.bars
    return rows


def _loco_rows(instance: Instance, solution: Solution, clock: Clock) -> list[Row]:
    rows: dict[str, Row] = {}
    for loco in instance.station.locomotives:
        rows[loco.id] = Row(
            key=f"locomotive:{loco.id}",
            label=f"{loco.id} ({loco.gauge})",
            group="locomotive",
            marks=[Mark(loco.available_from, "available", "available")],
        )
    departure = {p.id: p.departure for p in solution.trains}
    detach_end = {t.train: t.end for t in solution.tasks if t.op == LOCO_FREED_BY}
    turnaround = instance.station.loco_turnaround
    for train in instance.trains:
        lo = train.inbound_loco
        if lo is None:
            continue
        row = Row(key=f"locomotive:{lo.id}", label=f"{lo.id} ({lo.gauge}, in)", group="locomotive")
        if train.id in detach_end:
            end = detach_end[train.id]
            hover = {
                "locomotive": lo.id,
                "brought in": train.id,
                "time": clock.span(train.arrival, end),
            }
            row.bars.append(
                Bar(train.arrival, end, "inbound", train.id, label=f"in {train.id}", hover=hover)
            )
            row.marks.append(Mark(end + turnaround, "available", "free"))
        rows[lo.id] = row
    for task in solution.tasks:
        if task.op in HAUL_OPS and task.locomotive in rows:
            end = max(departure.get(task.train, task.end), task.end)
            hover = {
                "locomotive": task.locomotive,
                "hauls": task.train,
                "time": f"attach {clock.time(task.start)}, departure {clock.time(end)}",
            }
            rows[task.locomotive].bars.append(
                Bar(task.start, end, "haul", task.train, label=f"out {task.train}", hover=hover)
            )
    for row in rows.values():
        row.lanes = pack_lanes(row.bars)
    return list(rows.values())


def _train_rows(instance: Instance, solution: Solution, clock: Clock) -> list[Row]:
    """One row per train; every task its own bar (a carriage op per carriage), packed into
    lanes, so a gap between carriages shows as a gap."""
    rows = []
    plans = {p.id: p for p in solution.trains}
    tasks: dict[str, list[Task]] = defaultdict(list)
    for task in solution.tasks:
        tasks[task.train].append(task)
    for train in instance.trains:
        plan = plans.get(train.id)
        if plan is None:
            continue
        row = Row(
            key=f"train:{train.id}",
            label=f"{train.id} ({plan.mode}, {train.from_gauge}→{train.to_gauge})",
            group="train",
        )
        mine = sorted(tasks[train.id], key=lambda t: (t.start, OP_RANK[t.op], t.block or 0))
        for task in mine:
            short = op_words(task.op) if task.carriage is None else task.carriage
            if task.block is not None:
                short = f"{block_short(task.block)} {short}"
            row.bars.append(_task_bar(task, clock, short))
        row.lanes = pack_lanes(row.bars)
        row.marks = [
            Mark(train.arrival, "arrival", f"arrival {clock.at(train.arrival)}"),
            Mark(plan.departure, "departure", f"departure {clock.at(plan.departure)}"),
        ]
        rows.append(row)
    return rows


def bogie_stock(instance: Instance, solution: Solution) -> dict[str, tuple[list[int], list[int]]]:
    """Stock level per "gauge/type" over time (docs/model.md events), as step series from t=0.

    A swap takes its carriage's bogies of (to_gauge, type) at its start and returns as many of
    (from_gauge, type) at its end + bogie_turnaround; a roll does so for its whole block.
    """
    st = instance.station
    level: dict[tuple[int, str], int] = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    events: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    trains = {t.id: t for t in instance.trains}
    cars = {c.id: c for t in instance.trains for c in t.carriages}
    reading = Reading(solution)
    for task in solution.tasks:
        if task.op not in BOGIE_OPS:
            continue
        moved = [cars[c] for c in reading.carriages_of(task) if c in cars]
        train = trains[task.train]
        for car in moved:
            events[(train.to_gauge, car.bogie_type)][task.start] -= car.bogies
            events[(train.from_gauge, car.bogie_type)][task.end + st.bogie_turnaround] += car.bogies
    out = {}
    for key in sorted(set(level) | set(events)):
        times, counts, now = [0], [level.get(key, 0)], level.get(key, 0)
        for t in sorted(events[key]):
            now += events[key][t]
            if t == 0:
                counts[0] = now
            else:
                times.append(t)
                counts.append(now)
        out[f"{key[0]}/{key[1]}"] = (times, counts)
    return out


def build_timeline(instance: Instance, solution: Solution) -> Timeline:
    """All rows of the planner's view; raises NothingToDraw or InputError (see check_references)."""
    check_references(instance, solution)
    st = instance.station
    clock = Clock.of(instance)
    rows = _track_rows(instance, solution, clock)
    rows += _crew_rows(instance, solution, clock)
    rows += _task_rows(solution, clock, "shunter", [s.id for s in st.shunters], "shunter", {})
    if st.changer is not None:
        changer = [t for t in solution.tasks if t.op in CHANGER_OPS]
        row = Row(
            key=f"changer:{st.changer.id}", label=f"{st.changer.id} (changer)", group="changer"
        )
        row.bars = [_task_bar(t, clock, t.train) for t in changer if t.end > t.start]
        row.lanes = pack_lanes(row.bars)
        rows.append(row)
    rows += _loco_rows(instance, solution, clock)
    arrivals = [instance.train(p.id).arrival for p in solution.trains]
    span = (min(arrivals, default=0), max((p.departure for p in solution.trains), default=1))
    return Timeline(
        instance=instance,
        solution=solution,
        resource_rows=rows,
        train_rows=_train_rows(instance, solution, clock),
        stock=bogie_stock(instance, solution),
        span=span,
        clock=clock,
    )


def row_heights(rows: list[Row]) -> list[tuple[Row, float, float]]:
    """(row, y of its top edge, height) from the top down (y grows downwards).

    Rows with many lanes get taller (so lanes stay readable); jack step rows are compact.
    """
    out, y = [], 0.0
    for row in rows:
        height = 0.7 if row.group == "jacks" else 1.0 + 0.25 * max(0, min(row.lanes, 9) - 2)
        out.append((row, y, height))
        y += height
    return out


def lane_box(row: Row, bar: Bar, top: float, height: float) -> tuple[float, float]:
    """(y of the bar's top, its thickness) inside a row drawn at ``top`` with ``height``."""
    pad = 0.1 * min(height, 1.0)
    inner = height - 2 * pad
    if bar.lane is None:
        return top + pad / 2, height - pad
    lane_h = inner / max(row.lanes, 1)
    return top + pad + bar.lane * lane_h + lane_h * 0.08, lane_h * 0.84
