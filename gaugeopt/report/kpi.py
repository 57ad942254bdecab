"""Key figures of a schedule: dwell against lower bounds, utilisation, critical chains.

``kpis(instance, solution)`` returns three pandas DataFrames (see :class:`Kpis`):

* ``trains`` — one row per train: arrival, departure, dwell and two lower bounds.
  ``dwell_lb`` is the train's critical-path length alone in an empty station with its mode
  and blocks as scheduled (longest chain of §4 durations, with border check and
  ``earliest_departure``); it ignores crews, shunters, tracks, jacks, bogie stock and
  locomotives. ``dwell_lb_any`` holds for every schedule whatever its mode and blocks: the
  larger of the critical path with one-carriage blocks on the fastest track method and the
  solver's search-free bound of the train, when the caller passes it as ``dwell_bounds``
  (``gaugeopt.bounds.train_dwell_bounds``: crews on duty, crew-pool and shunter
  energy, the earliest locomotive; the report never runs solver code itself). So
  ``dwell >= dwell_lb`` and ``dwell >= dwell_lb_any`` for any valid schedule.
  ``excess`` = dwell − dwell_lb is what resource contention cost the train.
* ``resources`` — busy minutes and utilisation of each crew (busy / shift minutes inside the
  horizon), track (occupied / plan span), jack sets (jack-minutes / (jack sets × span)),
  shunter and changer (busy / span). The plan span runs from the first arrival to the last
  departure; ``util_horizon`` divides by the whole horizon instead.
* ``chains`` — each train's critical chain, walked back from the task that sets its
  departure. Each step names why the task started when it did: ``precedence`` (its latest
  predecessor ended then), a resource (the task that last used the same crew, shunter, track,
  jack sets, changer, locomotive or bogies ended exactly at this start, after the task was
  ready), a ``shift`` start, or ``waiting`` (no cause found: slack in the schedule). Steps that
  waited carry the advice "what to add to make it leave sooner".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import OP_SKILL, Solution, Task
from gaugeopt.report.graph import (
    TaskKey,
    any_blocks_dwell,
    critical_path_dwell,
    describe,
    task_key,
    train_graph,
)
from gaugeopt.report.timeline import check_references


@dataclass(frozen=True)
class Kpis:
    """The report's tables: per train, per resource and the critical-chain steps."""

    trains: pd.DataFrame
    resources: pd.DataFrame
    chains: pd.DataFrame


@dataclass
class _Step:
    task: str
    start: int
    end: int
    link: str
    wait: int
    advice: str


class _Walker:
    """Indexes the schedule once; walks each train's critical chain back to its arrival."""

    def __init__(self, instance: Instance, solution: Solution) -> None:
        self.inst = instance
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
        # Jack holds per individual track: (start, end, lower task).
        self.holds: dict[str, list[tuple[int, int, Task]]] = defaultdict(list)
        for t in solution.tasks:
            if t.op == "lower" and t.track in self.tracks:
                lift = self.tasks.get((t.train, "lift", t.carriage))
                if lift is not None:
                    self.holds[t.track].append((lift.start, t.end, t))

    # -- causes -------------------------------------------------------------------------
    def _block_size(self, task: Task) -> tuple[int, float]:
        plan = self.plans[task.train]
        if task.block is None or task.block >= len(plan.blocks):
            return 1, 0.0
        ids = plan.blocks[task.block].carriages
        return len(ids), max(self.cars[c][1].mass_t for c in ids if c in self.cars)

    def causes(self, task: Task, ready: int) -> list[tuple[str, str, Task | None]]:
        """(link, advice, resource predecessor or None) for a task that started after ready."""
        s = task.start
        out: list[tuple[str, str, Task | None]] = []
        others = [q for q in self.ending[s] if q is not task and q.start <= s]
        if task.crew is not None:
            skill = OP_SKILL[task.op]
            idle = self._idle_crew(task, skill, ready)
            for q in others:
                if q.crew == task.crew:
                    advice = f"another crew with skill {skill} between {ready} and {s}"
                    if idle is not None:  # the crew was not the bottleneck: the assignment was
                        advice = f"give it to crew {idle[0]} (free at {idle[1]})"
                    out.append((f"crew {task.crew}", advice, q))
            crew = self.crews.get(task.crew)
            if crew is not None and any(a == s for a, _ in crew.shifts):
                out.append(
                    (
                        f"shift {task.crew}",
                        f"a crew with skill {skill} on shift from {ready} "
                        f"({task.crew}'s shift starts at {s})",
                        None,
                    )
                )
        if task.shunter is not None:
            for q in others:
                if q.shunter == task.shunter:
                    out.append(
                        (
                            f"shunter {task.shunter}",
                            f"another shunter between {ready} and {s}",
                            q,
                        )
                    )
        if task.op == "changer_pass":
            for q in others:
                if q.op == "changer_pass":
                    out.append(("changer", f"a free changer between {ready} and {s}", q))
        if task.op == "shunt_in" and task.track is not None:
            n, mass = self._block_size(task)
            for q in others:
                if q.op == "shunt_out" and q.track == task.track:
                    out.append(
                        (
                            f"track {task.track}",
                            f"a free track (capacity >= {n}, max mass >= {mass:g} t) "
                            f"between {ready} and {s}",
                            q,
                        )
                    )
        if task.op == "lift" and task.track in self.tracks:
            track = self.tracks[task.track]
            if track.method == "individual":
                held = sum(1 for a, b, _ in self.holds[track.id] if a < s <= b and a != s)
                for a, b, q in self.holds[track.id]:
                    if b == s and a < s and held >= track.jack_sets:
                        out.append(
                            (
                                f"jacks {track.id}",
                                f"more jack sets on {track.id} between {ready} and {s}",
                                q,
                            )
                        )
        if task.op == "attach" and task.locomotive is not None:
            out.extend(self._loco_cause(task, ready))
        if task.op in ("swap", "roll"):
            out.extend(self._bogie_cause(task, ready))
        return out

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

    def _loco_cause(self, task: Task, ready: int) -> list[tuple[str, str, Task | None]]:
        s, lid = task.start, task.locomotive
        gauge = self.trains[task.train].to_gauge
        advice = f"a {gauge} locomotive available from {ready}"
        loco = self.locos.get(lid or "")
        if loco is not None and loco.available_from == s:
            return [(f"locomotive {lid}", advice, None)]
        brought = self.inbound.get(lid or "")
        if brought is not None:
            detach = self.tasks.get((brought.id, "detach", None))
            if detach is not None and detach.end + self.inst.station.loco_turnaround == s:
                return [(f"locomotive {lid}", advice, detach)]
        return []

    def _bogie_cause(self, task: Task, ready: int) -> list[tuple[str, str, Task | None]]:
        train = self.trains[task.train]
        turnaround = self.inst.station.bogie_turnaround
        if task.op == "swap":
            needed = [self.cars[task.carriage][1]] if task.carriage in self.cars else []
        else:
            plan = self.plans[task.train]
            ids = plan.blocks[task.block].carriages if task.block is not None else []
            needed = [self.cars[c][1] for c in ids if c in self.cars]
        types = {c.bogie_type for c in needed}
        out: list[tuple[str, str, Task | None]] = []
        for q in self.ending[task.start - turnaround]:
            if q.op not in ("swap", "roll") or q is task:
                continue
            if self.trains[q.train].from_gauge != train.to_gauge:
                continue
            if q.op == "swap":
                back = {self.cars[q.carriage][1].bogie_type} if q.carriage in self.cars else set()
            else:
                blk = self.plans[q.train].blocks[q.block] if q.block is not None else None
                back = {self.cars[c][1].bogie_type for c in (blk.carriages if blk else [])}
            for kind in sorted(types & back):
                n = sum(c.bogies for c in needed if c.bogie_type == kind)
                out.append(
                    (
                        f"bogies {train.to_gauge}/{kind}",
                        f"more {train.to_gauge}/{kind} bogies ({n}) at {ready}",
                        q,
                    )
                )
        return out

    # -- the walk -----------------------------------------------------------------------
    def chain(self, train_id: str) -> tuple[str, list[_Step]]:
        """(what sets the departure, steps from the departure back to the arrival)."""
        train, plan = self.trains[train_id], self.plans[train_id]
        brake = self.tasks.get((train_id, "brake_test", None))
        border = self.tasks.get((train_id, "border_check", None))
        steps: list[_Step] = []
        ends = [t for t in (brake, border) if t is not None]
        if not ends:
            return "no tasks", steps
        last = max(ends, key=lambda t: (t.end, t is brake))
        early = train.earliest_departure
        if early is not None and early >= plan.departure and early > last.end:
            advice = f"an earlier earliest_departure (now {early})"
            steps.append(_Step("departure", early, early, "earliest_departure", 0, advice))
            return "earliest_departure", steps
        binding = describe(task_key(last))
        if plan.departure > last.end:
            steps.append(
                _Step(
                    "departure",
                    plan.departure,
                    plan.departure,
                    "waiting",
                    plan.departure - last.end,
                    f"depart at {last.end} (the train is ready then)",
                )
            )
        current: Task | None = last
        seen: set[int] = set()
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            current = self._step(current, train_id, steps)
        return binding, steps

    def _step(self, task: Task, train_id: str, steps: list[_Step]) -> Task | None:
        key = task_key(task)
        preds = [self.tasks[p] for p in self.pred.get(key, []) if p in self.tasks]
        arrival = self.trains[task.train].arrival
        ready = max([p.end for p in preds] + [arrival])
        s, name = task.start, describe(key)
        if s <= ready:
            binding = [p for p in preds if p.end == s]
            if binding:
                steps.append(_Step(name, s, task.end, "precedence", 0, ""))
                return binding[0]
            steps.append(_Step(name, s, task.end, "arrival", 0, ""))
            return None
        causes = self.causes(task, ready)
        wait = s - ready
        if not causes:
            latest = max(preds, key=lambda p: p.end) if preds else None
            steps.append(
                _Step(
                    name,
                    s,
                    task.end,
                    "waiting",
                    wait,
                    f"start {name} at {ready} (no resource held it: schedule slack)",
                )
            )
            return latest
        link = "; ".join(dict.fromkeys(c[0] for c in causes))
        advice = " or ".join(dict.fromkeys(c[1] for c in causes))
        steps.append(_Step(name, s, task.end, link, wait, advice))
        nxt = [c[2] for c in causes if c[2] is not None]
        return nxt[0] if nxt else (max(preds, key=lambda p: p.end) if preds else None)


def _busy(intervals: list[tuple[int, int]], lo: int, hi: int) -> int:
    """Minutes of [lo, hi) covered by the union of intervals."""
    total, cur_a, cur_b = 0, None, None
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in intervals):
        if b <= a:
            continue
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                total += cur_b - cur_a  # type: ignore[operator]
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        total += cur_b - cur_a  # type: ignore[operator]
    return total


def _resources(instance: Instance, solution: Solution, span: tuple[int, int]) -> pd.DataFrame:
    st, horizon = instance.station, instance.horizon
    lo, hi = span
    width = max(hi - lo, 1)
    rows: list[dict[str, object]] = []
    tasks = solution.tasks

    def add(kind: str, rid: str, busy: int, available: int, basis: str, n: int) -> None:
        rows.append(
            {
                "kind": kind,
                "id": rid,
                "tasks": n,
                "busy": busy,
                "available": available,
                "utilisation": busy / available if available > 0 else 0.0,
                "util_horizon": busy / horizon,
                "basis": basis,
            }
        )

    for crew in st.crews:
        mine = [(t.start, t.end) for t in tasks if t.crew == crew.id]
        shift = _busy([(a, b) for a, b in crew.shifts], 0, horizon)
        add("crew", crew.id, _busy(mine, 0, horizon), shift, "shift minutes", len(mine))
    by_key = {(t.train, t.op, t.block): t for t in tasks if t.op in ("shunt_in", "shunt_out")}
    lifts = {(t.train, t.carriage): t for t in tasks if t.op == "lift"}
    for track in st.tracks:
        occ = []
        for plan in solution.trains:
            for b_i, block in enumerate(plan.blocks):
                s_in = by_key.get((plan.id, "shunt_in", b_i))
                s_out = by_key.get((plan.id, "shunt_out", b_i))
                if block.track == track.id and s_in and s_out:
                    occ.append((s_in.start, s_out.end))
        add("track", track.id, _busy(occ, lo, hi), width, f"span {lo}–{hi}", len(occ))
        if track.method == "individual":
            holds = [
                (lifts[(t.train, t.carriage)].start, t.end)
                for t in tasks
                if t.op == "lower" and t.track == track.id and (t.train, t.carriage) in lifts
            ]
            jack_min = sum(max(0, min(b, hi) - max(a, lo)) for a, b in holds)
            rows.append(
                {
                    "kind": "jacks",
                    "id": track.id,
                    "tasks": len(holds),
                    "busy": jack_min,
                    "available": track.jack_sets * width,
                    "utilisation": jack_min / (track.jack_sets * width),
                    "util_horizon": sum(b - a for a, b in holds) / (track.jack_sets * horizon),
                    "basis": f"jack-minutes, {track.jack_sets} sets × span",
                }
            )
    for sh in st.shunters:
        mine = [(t.start, t.end) for t in tasks if t.shunter == sh.id]
        add("shunter", sh.id, _busy(mine, lo, hi), width, f"span {lo}–{hi}", len(mine))
    if st.changer is not None:
        mine = [(t.start, t.end) for t in tasks if t.op == "changer_pass" and t.end > t.start]
        add("changer", st.changer.id, _busy(mine, lo, hi), width, f"span {lo}–{hi}", len(mine))
    return pd.DataFrame(
        rows,
        columns=[
            "kind",
            "id",
            "tasks",
            "busy",
            "available",
            "utilisation",
            "util_horizon",
            "basis",
        ],
    )


def kpis(
    instance: Instance,
    solution: Solution,
    dwell_bounds: Sequence[int | None] | None = None,
) -> Kpis:
    """Per-train, per-resource and critical-chain tables of a schedule (see module docs).

    ``dwell_bounds``: each train's search-free dwell bound, in the instance's train order
    (``Result.stats.dwell_bounds``, or ``train_dwell_bounds(instance)``); without it
    ``dwell_lb_any`` is the critical-path bound alone.

    Raises :class:`~gaugeopt.report.timeline.NothingToDraw` for an infeasible/unknown
    solution and :class:`~gaugeopt.errors.InputError` for ids the instance does not know.
    """
    check_references(instance, solution)
    walker = _Walker(instance, solution)
    arrivals = [instance.train(p.id).arrival for p in solution.trains]
    span = (min(arrivals, default=0), max((p.departure for p in solution.trains), default=1))
    train_rows, chain_rows = [], []
    own: Sequence[int | None] = dwell_bounds or [None] * len(instance.trains)
    search_free = dict(zip((t.id for t in instance.trains), own, strict=True))
    for train in instance.trains:
        plan = walker.plans.get(train.id)
        if plan is None:
            continue
        binding, steps = walker.chain(train.id)
        dwell = plan.departure - train.arrival
        lb = critical_path_dwell(instance, train, plan)
        advice = list(dict.fromkeys(s.advice for s in steps if s.wait > 0 and s.advice))
        if not advice and binding != "earliest_departure":
            advice = ["nothing to add: the chain is precedence only (shorter durations would help)"]
        elif binding == "earliest_departure":
            advice = [steps[0].advice]
        train_rows.append(
            {
                "train": train.id,
                "mode": plan.mode,
                "weight": train.weight,
                "arrival": train.arrival,
                "departure": plan.departure,
                "dwell": dwell,
                "dwell_lb": lb,
                "dwell_lb_any": max(
                    min(lb, any_blocks_dwell(instance, train)), search_free[train.id] or 0
                ),
                "excess": dwell - lb,
                "binding": binding,
                "waited": sum(s.wait for s in steps),
                "advice": "; ".join(advice),
            }
        )
        for i, s in enumerate(steps):
            chain_rows.append(
                {
                    "train": train.id,
                    "step": i,
                    "task": s.task,
                    "start": s.start,
                    "end": s.end,
                    "link": s.link,
                    "wait": s.wait,
                    "advice": s.advice,
                }
            )
    trains = pd.DataFrame(
        train_rows,
        columns=[
            "train",
            "mode",
            "weight",
            "arrival",
            "departure",
            "dwell",
            "dwell_lb",
            "dwell_lb_any",
            "excess",
            "binding",
            "waited",
            "advice",
        ],
    )
    chains = pd.DataFrame(
        chain_rows, columns=["train", "step", "task", "start", "end", "link", "wait", "advice"]
    )
    return Kpis(trains=trains, resources=_resources(instance, solution, span), chains=chains)
