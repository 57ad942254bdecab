"""Key figures of a schedule: each train's dwell taken apart, its lower bound, utilisation.

``kpis(instance, solution, dwell_bounds)`` returns three pandas DataFrames (see :class:`Kpis`).
Their columns are short identifiers; :data:`LABELS` gives the words the report prints.

* ``trains`` — one row per train: arrival, departure, dwell, one lower bound and the dwell
  taken apart. ``lower_bound`` ("least possible dwell in any plan") holds for every
  schedule whatever its mode and blocks: the larger of the train's critical path with
  one-carriage blocks on the fastest track method and the search-free bound the caller
  passes as ``dwell_bounds`` (``gaugeopt.bounds.train_dwell_bounds``: crews on duty, crew
  and shunter work, the earliest locomotive; the report never runs solver code itself).
  ``above_bound`` = dwell − lower_bound (0 for a train at its bound). ``work`` plus the
  ``wait_*`` columns add up to the dwell exactly (see ``chains``). ``work`` is this plan's
  chain, with its blocks: it may exceed ``lower_bound`` (a block of many carriages makes a
  longer chain than the one-carriage blocks the bound assumes); the report says so.
  ``set_by`` names the binding wait, the longest one on the chain with its minutes;
  ``advice`` what would make the train leave sooner, naming the task, train and carriage.
* ``chains`` — each train's critical chain as consecutive parts from its arrival to its
  departure: the work of its own tasks on the chain, and the waits between them, each with
  its cause (:data:`WAITS`). The minutes of a train's parts sum to its dwell.
* ``resources`` — busy minutes and utilisation of each resource, the table of
  ``Result.resources`` (:func:`gaugeopt.utilisation.resource_table`): one definition of
  utilisation, busy ÷ available minutes in the planning window (t = 0 to the horizon), a
  crew available on shift, a track when open (maintenance removed).

A wait is charged to the resource whose previous task ended exactly when the waiting task
started (crew, shift start, shunter, track or its maintenance window, jack sets, bogies,
the changer, the locomotive); a wait no resource explains is ``slack`` (the schedule could
have started the task sooner). After the brake test the train waits for the border check,
then for its earliest departure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gaugeopt.clock import Clock
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.report.graph import TaskKey, any_blocks_dwell, task_key, train_graph
from gaugeopt.report.timeline import check_references, op_words, task_name, task_words
from gaugeopt.rules import DEPARTS_AFTER, JACK_HOLD, LOCO_FREED_BY, RULES, TRACK_HOLD
from gaugeopt.rules.reading import BOGIE_OPS, CHANGER_OPS, HAUL_OPS, Reading, skill
from gaugeopt.utilisation import UTILISATION_HEADER, resource_table

#: What a departure waits for (the rulebook's DEPARTS_AFTER): the last step of a train's
#: chain of work (the brake test), and the step beside the chain that waits only for the
#: arrival (the border check).
(CHAIN_END,) = [op for op in DEPARTS_AFTER if not RULES[op].after_arrival]
(BESIDE_CHAIN,) = [op for op in DEPARTS_AFTER if RULES[op].after_arrival]
#: The wait for the step beside the chain once the chain is done (``wait_border_check``).
WAIT_BESIDE = f"wait_{BESIDE_CHAIN}"

#: Wait columns of ``Kpis.trains`` and the words the report prints for them, in order.
WAITS: dict[str, str] = {
    "wait_crew": "waiting for a crew",
    "wait_shunter": "waiting for a shunter",
    "wait_track": "waiting for a track",
    "wait_jacks": "waiting for a jack set",
    "wait_bogies": "waiting for bogies",
    "wait_changer": "waiting for the changer",
    "wait_locomotive": "waiting for the locomotive",
    WAIT_BESIDE: f"waiting for the {op_words(BESIDE_CHAIN)}",
    "wait_earliest_departure": "waiting for the earliest departure",
    "slack": "idle, nothing held it (schedule slack)",
}
#: The words the report prints for every column of the three tables.
LABELS: dict[str, str] = {
    "train": "train",
    "mode": "mode",
    "weight": "weight",
    "arrival": "arrival",
    "departure": "departure",
    "dwell": "dwell (min)",
    "lower_bound": "least possible dwell in any plan (min)",
    "above_bound": "dwell above it (min)",
    "work": "work on this plan's critical chain (min)",
    **{k: f"{v} (min)" for k, v in WAITS.items()},
    "set_by": "departure held most by",
    "advice": "what would make it leave sooner",
    "step": "step",
    "part": "part",
    "what": "what",
    "start": "from",
    "end": "to",
    "minutes": "minutes",
    "kind": "kind",
    "resource": "resource",
    "uses": "uses",
    "busy": "busy (min)",
    "available": "available (min)",
    "utilisation": UTILISATION_HEADER,
}
_TRAIN_COLUMNS = [
    "train",
    "mode",
    "weight",
    "arrival",
    "departure",
    "dwell",
    "lower_bound",
    "above_bound",
    "work",
    *WAITS,
    "set_by",
    "advice",
]
_CHAIN_COLUMNS = ["train", "step", "part", "what", "start", "end", "minutes", "advice"]
_CAUSE_COLUMN = {
    "crew": "wait_crew",
    "shift": "wait_crew",
    "shunter": "wait_shunter",
    "track": "wait_track",
    "jacks": "wait_jacks",
    "bogies": "wait_bogies",
    "changer": "wait_changer",
    "locomotive": "wait_locomotive",
}
#: Shown when nothing resource-bound delayed a train.
NOTHING_TO_ADD = "nothing to add: the chain is work only (shorter durations would help)"


@dataclass(frozen=True)
class Kpis:
    """The report's tables: per train, per resource and the critical-chain parts."""

    trains: pd.DataFrame
    resources: pd.DataFrame
    chains: pd.DataFrame


@dataclass(frozen=True)
class Cause:
    """Why a task started after it was ready: its column, words, advice, the task it waited on."""

    column: str
    text: str
    advice: str
    other: Task | None = None


@dataclass(frozen=True)
class Part:
    """One stretch of a train's dwell: ``column`` is ``work`` or a :data:`WAITS` key."""

    column: str
    start: int
    end: int
    what: str
    advice: str = ""

    @property
    def minutes(self) -> int:
        return self.end - self.start


class _Walker:
    """Indexes the schedule once; takes each train's dwell apart along its critical chain."""

    def __init__(self, instance: Instance, solution: Solution) -> None:
        self.inst = instance
        self.clock = Clock.of(instance)
        st = instance.station
        self.tracks = {t.id: t for t in st.tracks}
        self.crews = {c.id: c for c in st.crews}
        self.locos = {lo.id: lo for lo in st.locomotives}
        self.inbound = {t.inbound_loco.id: t for t in instance.trains if t.inbound_loco}
        self.trains = {t.id: t for t in instance.trains}
        self.cars = {c.id: (t, c) for t in instance.trains for c in t.carriages}
        self.plans = {p.id: p for p in solution.trains}
        self.tasks: dict[TaskKey, Task] = {task_key(t): t for t in solution.tasks}
        self.pred: dict[TaskKey, list[TaskKey]] = {}
        for plan in solution.trains:
            _, pred = train_graph(instance, self.trains[plan.id], plan)
            self.pred.update(pred)
        self.ending: dict[int, list[Task]] = defaultdict(list)
        self.crew_busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for t in solution.tasks:
            self.ending[t.end].append(t)
            if t.crew is not None and t.end > t.start:
                self.crew_busy[t.crew].append((t.start, t.end))
        # Jack holds per track: (start, end, the task that ends it), in task order.
        self.holds: dict[str, list[tuple[int, int, Task]]] = defaultdict(list)
        at = {id(t): i for i, t in enumerate(solution.tasks)}
        self.reading = Reading(solution)
        jacks = self.reading.occupancies(JACK_HOLD)
        for o in sorted(jacks, key=lambda o: at[id(o.last)]):
            if o.track in self.tracks:
                self.holds[o.track].append((o.start, o.end, o.last))

    def _span(self, a: int, b: int) -> str:
        return self.clock.span(a, b)

    def _busy_with(self, what: str, q: Task) -> str:
        return f"{what} (busy with {task_name(q)} until {self.clock.time(q.end)})"

    # -- causes -------------------------------------------------------------------------
    def _block_size(self, task: Task) -> tuple[int, float]:
        plan = self.plans[task.train]
        if task.block is None or task.block >= len(plan.blocks):
            return 1, 0.0
        ids = plan.blocks[task.block].carriages
        return len(ids), max(self.cars[c][1].mass_t for c in ids if c in self.cars)

    def causes(self, task: Task, ready: int) -> list[Cause]:
        """Every resource that held ``task`` until its start, ``ready`` being when its
        predecessors let it start."""
        s = task.start
        others = [q for q in self.ending[s] if q is not task and q.start <= s]
        out: list[Cause] = []
        if task.crew is not None:
            out.extend(self._crew_causes(task, ready, others))
        if task.shunter is not None:
            out.extend(
                Cause(
                    "wait_shunter",
                    self._busy_with(f"shunter {task.shunter}", q),
                    f"add another shunter, {self._span(ready, s)}",
                    q,
                )
                for q in others
                if q.shunter == task.shunter
            )
        if task.op in CHANGER_OPS:
            out.extend(
                Cause(
                    "wait_changer",
                    self._busy_with("the changer", q),
                    f"keep the changer free, {self._span(ready, s)}",
                    q,
                )
                for q in others
                if q.op in CHANGER_OPS
            )
        if task.op == TRACK_HOLD.start_op and task.track is not None:
            out.extend(self._track_causes(task, ready, others))
        if task.op == JACK_HOLD.start_op and task.track in self.tracks:
            out.extend(self._jack_causes(task, ready))
        if task.op in HAUL_OPS and task.locomotive is not None:
            out.extend(self._loco_cause(task, ready))
        if task.op in BOGIE_OPS:
            out.extend(self._bogie_cause(task, ready))
        return out

    def _crew_causes(self, task: Task, ready: int, others: list[Task]) -> list[Cause]:
        s, crew_id = task.start, task.crew or ""
        needs = skill(task.op)
        idle = self._idle_crew(task, needs, ready)
        out = []
        for q in others:
            if q.crew == crew_id:
                advice = f"add another crew with skill {needs}, {self._span(ready, s)}"
                if idle is not None:  # the crew was not the bottleneck: the assignment was
                    advice = (
                        f"give {task_words(task)} to crew {idle[0]}, free at "
                        f"{self.clock.time(idle[1])}"
                    )
                out.append(Cause("wait_crew", self._busy_with(f"crew {crew_id}", q), advice, q))
        crew = self.crews.get(crew_id)
        if crew is not None and any(a == s for a, _ in crew.shifts):
            out.append(
                Cause(
                    "wait_crew",
                    f"crew {crew_id} (its shift starts at {self.clock.time(s)})",
                    f"add a crew with skill {needs} on shift from {self.clock.time(ready)}",
                )
            )
        return out

    def _track_causes(self, task: Task, ready: int, others: list[Task]) -> list[Cause]:
        s, tid = task.start, task.track or ""
        n, mass = self._block_size(task)
        advice = (
            f"add a free track (capacity >= {n}, max mass >= {mass:g} t), {self._span(ready, s)}"
        )
        out = [
            Cause("wait_track", self._busy_with(f"track {tid}", q), advice, q)
            for q in others
            if q.op == TRACK_HOLD.end_op and q.track == tid
        ]
        track = self.tracks.get(tid)
        if track is not None and any(b == s for _, b in track.unavailable):
            out.append(Cause("wait_track", f"track {tid} (closed for maintenance)", advice))
        return out

    def _jack_causes(self, task: Task, ready: int) -> list[Cause]:
        s, track = task.start, self.tracks[task.track or ""]
        if track.method not in JACK_HOLD.methods:
            return []
        held = sum(1 for a, b, _ in self.holds[track.id] if a < s <= b and a != s)
        return [
            Cause(
                "wait_jacks",
                f"jack sets on {track.id} (all {track.jack_sets} in use; one freed by "
                f"{task_name(q)} at {self.clock.time(b)})",
                f"add more jack sets on {track.id}, {self._span(ready, s)}",
                q,
            )
            for a, b, q in self.holds[track.id]
            if b == s and a < s and held >= track.jack_sets
        ]

    def _idle_crew(self, task: Task, skill: str, ready: int) -> tuple[str, int] | None:
        """Another crew with ``skill`` that could have started ``task`` before it did."""
        d = task.end - task.start
        best: tuple[str, int] | None = None
        for crew in self.crews.values():
            if crew.id == task.crew or skill not in crew.skills:
                continue
            busy = self.crew_busy.get(crew.id, [])
            times = {ready} | {b for _, b in busy} | {a for a, _ in crew.shifts}
            for t in sorted(x for x in times if ready <= x < task.start):
                in_shift = any(a <= t and t + d <= b for a, b in crew.shifts)
                if in_shift and not any(a < t + d and t < b for a, b in busy):
                    if best is None or t < best[1]:
                        best = (crew.id, t)
                    break
        return best

    def _loco_cause(self, task: Task, ready: int) -> list[Cause]:
        s, lid = task.start, task.locomotive or ""
        gauge = self.trains[task.train].to_gauge
        advice = f"add a {gauge} locomotive available from {self.clock.time(ready)}"
        loco = self.locos.get(lid)
        if loco is not None and loco.available_from == s:
            return [Cause("wait_locomotive", f"locomotive {lid} (available from then)", advice)]
        brought = self.inbound.get(lid)
        if brought is not None:
            detach = self.tasks.get((brought.id, LOCO_FREED_BY, None))
            if detach is not None and detach.end + self.inst.station.loco_turnaround == s:
                text = f"locomotive {lid} (brought in by {brought.id}, free then)"
                return [Cause("wait_locomotive", text, advice, detach)]
        return []

    def _bogie_cause(self, task: Task, ready: int) -> list[Cause]:
        train = self.trains[task.train]
        turnaround = self.inst.station.bogie_turnaround
        needed = [self.cars[c][1] for c in self.reading.carriages_of(task) if c in self.cars]
        types = {c.bogie_type for c in needed}
        out: list[Cause] = []
        for q in self.ending[task.start - turnaround]:
            if q.op not in BOGIE_OPS or q is task:
                continue
            if self.trains[q.train].from_gauge != train.to_gauge:
                continue
            back = {
                self.cars[c][1].bogie_type for c in self.reading.carriages_of(q) if c in self.cars
            }
            for kind in sorted(types & back):
                n = sum(c.bogies for c in needed if c.bogie_type == kind)
                out.append(
                    Cause(
                        "wait_bogies",
                        f"{train.to_gauge}/{kind} bogies (freed by {task_name(q)})",
                        f"add more {train.to_gauge}/{kind} bogies ({n}) at {self.clock.time(ready)}",
                        q,
                    )
                )
        return out

    # -- the walk -----------------------------------------------------------------------

    def parts(self, train_id: str) -> list[Part]:
        """The train's dwell as consecutive parts, from its departure back to its arrival.

        Work parts are its own tasks on the critical chain (the latest-ending predecessor at
        each step), wait parts the gaps between them. They telescope: their minutes sum to
        departure − arrival exactly.
        """
        train, plan = self.trains[train_id], self.plans[train_id]
        arrival, cursor = train.arrival, plan.departure
        out: list[Part] = []
        brake = self.tasks.get((train_id, CHAIN_END, None))
        border = self.tasks.get((train_id, BESIDE_CHAIN, None))
        chain_end = min(brake.end, cursor) if brake is not None else arrival
        if border is not None and min(border.end, cursor) > chain_end:
            b_end = min(border.end, cursor)
            if cursor > b_end:
                out.append(self._after_border(train_id, b_end, cursor))
            text = f"{task_name(border)} ({self._span(border.start, border.end)})"
            out.append(
                Part(WAIT_BESIDE, chain_end, b_end, text, f"shorten the {op_words(BESIDE_CHAIN)}")
            )
            cursor = chain_end
        elif cursor > chain_end:
            out.append(self._after_border(train_id, chain_end, cursor))
            cursor = chain_end
        task = brake
        while task is not None and cursor > arrival:
            task, cursor = self._step(task, arrival, cursor, out)
        if cursor > arrival:  # the first task started late with nothing before it
            out.append(Part("slack", arrival, cursor, "nothing to do before this"))
        out.reverse()
        return out

    def _after_border(self, train_id: str, start: int, end: int) -> Part:
        early = self.trains[train_id].earliest_departure
        if early is not None and early >= end:
            advice = f"allow an earlier departure (earliest departure now {self.clock.time(early)})"
            text = f"earliest departure {self.clock.time(early)}"
            return Part("wait_earliest_departure", start, end, text, advice)
        return Part("slack", start, end, "ready, not yet departed", "depart as soon as ready")

    def _step(
        self, task: Task, arrival: int, cursor: int, out: list[Part]
    ) -> tuple[Task | None, int]:
        """Add ``task``'s work and the wait before it; return the predecessor and new cursor."""
        start = max(task.start, arrival)
        if cursor > start:
            out.append(Part("work", start, cursor, task_name(task)))
        cursor = min(cursor, start)
        preds = [self.tasks[p] for p in self.pred.get(task_key(task), []) if p in self.tasks]
        latest = max(preds, key=lambda p: p.end, default=None)
        ready = min(max([p.end for p in preds] + [arrival]), cursor)
        if cursor > ready:
            out.append(self._wait(task, ready, cursor))
        return latest, ready

    def _wait(self, task: Task, ready: int, start: int) -> Part:
        causes = self.causes(task, ready)
        name = task_name(task)
        if not causes:
            advice = f"start {name} at {self.clock.time(ready)} (nothing held it)"
            return Part("slack", ready, start, f"before {name}", advice)
        text = "; ".join(dict.fromkeys(c.text for c in causes))
        advice = " or ".join(dict.fromkeys(c.advice for c in causes))
        return Part(causes[0].column, ready, start, f"{name}: {text}", advice)


#: ``set_by`` of a train whose critical chain has no wait: its own work set its departure.
WORK_ONLY = "its own work (no wait on its critical chain)"


def set_by(parts: list[Part]) -> str:
    """The binding wait of a train's departure: the longest wait on its critical chain, in
    words with its minutes (``waiting for a crew, 44 min``), or :data:`WORK_ONLY`."""
    waits = [p for p in parts if p.column != "work" and p.minutes > 0]
    if not waits:
        return WORK_ONLY
    top = max(waits, key=lambda p: p.minutes)
    return f"{WAITS[top.column]}, {top.minutes} min"


def _advice(parts: list[Part]) -> str:
    """The advice of the train's waits, longest wait first."""
    waits = sorted((p for p in parts if p.column != "work" and p.advice), key=lambda p: -p.minutes)
    return "; ".join(dict.fromkeys(p.advice for p in waits)) or NOTHING_TO_ADD


def kpis(
    instance: Instance,
    solution: Solution,
    dwell_bounds: Sequence[int | None] | None = None,
) -> Kpis:
    """Per-train, per-resource and critical-chain tables of a schedule (see module docs).

    ``dwell_bounds``: each train's search-free dwell bound, in the instance's train order
    (``Result.stats.dwell_bounds``, or ``train_dwell_bounds(instance)``); without it the
    lower bound is the train's critical path alone.

    Raises :class:`~gaugeopt.report.timeline.NothingToDraw` for an infeasible/unknown
    solution and :class:`~gaugeopt.errors.InputError` for ids the instance does not know.
    """
    check_references(instance, solution)
    walker = _Walker(instance, solution)
    own: Sequence[int | None] = dwell_bounds or [None] * len(instance.trains)
    search_free = dict(zip((t.id for t in instance.trains), own, strict=True))
    train_rows: list[dict[str, object]] = []
    chain_rows: list[dict[str, object]] = []
    for train in instance.trains:
        plan = walker.plans.get(train.id)
        if plan is None:
            continue
        parts = walker.parts(train.id)
        dwell = plan.departure - train.arrival
        bound = max(any_blocks_dwell(instance, train), search_free[train.id] or 0)
        minutes = dict.fromkeys(["work", *WAITS], 0)
        for p in parts:
            minutes[p.column] += p.minutes
        train_rows.append(
            {
                "train": train.id,
                "mode": plan.mode,
                "weight": train.weight,
                "arrival": train.arrival,
                "departure": plan.departure,
                "dwell": dwell,
                "lower_bound": bound,
                "above_bound": dwell - bound,
                **minutes,
                "set_by": set_by(parts),
                "advice": _advice(parts),
            }
        )
        chain_rows.extend(
            {
                "train": train.id,
                "step": i,
                "part": p.column,
                "what": p.what,
                "start": p.start,
                "end": p.end,
                "minutes": p.minutes,
                "advice": p.advice,
            }
            for i, p in enumerate(parts)
        )
    return Kpis(
        trains=pd.DataFrame(train_rows, columns=_TRAIN_COLUMNS),
        resources=resource_table(instance, solution),
        chains=pd.DataFrame(chain_rows, columns=_CHAIN_COLUMNS),
    )
