"""A direct CP-SAT model of the gauge-change contract (docs/model.md, v1.2), as a user would write it.

The benchmark baseline ``gaugeopt bench -m direct``: one CP-SAT model of the whole instance,
built straight from the rules, with none of gaugeopt's own solver code (no bounds, no
constructive start, no decomposition). It reads the instance through :mod:`gaugeopt.model`
and writes a solution (docs/file-formats.md), which :func:`gaugeopt.checker.check` can verify.

The model, rule by rule:

* **Modes**: ``through`` when the gauges agree; else a Boolean for ``exchange`` and one for
  ``changer`` (only when every carriage is variable-gauge and the station has a changer),
  exactly one of them true.
* **Blocks**: slot ``b`` of a train (up to one slot per carriage) holds a consecutive range of
  carriages: each carriage is in one slot (``x[c][b]``), and the slot index along the train
  (``Σ b·x[c][b]``) starts at 0 and rises by 0 or 1 from carriage to carriage. A used slot
  picks one track (``y[b][k]``) whose capacity covers its carriage count; a carriage's track
  (``w[c][k]``) is its slot's track and exists only where ``max_mass_t`` allows.
* **Tasks** are optional intervals, present with their mode, slot or track method (``swap``
  on an ``individual`` track, ``roll`` per slot on a ``roll`` track); precedences of the
  table hold when both sides are present (carriage-to-block ones under ``x[c][b]``).
* **Tracks**: per (slot, track) an optional interval from shunt_in start to shunt_out end;
  one NoOverlap per track with its maintenance windows ``unavailable`` as fixed intervals.
* **Jack sets**: per (carriage, individual track) an optional interval from lift start to
  lower end; a cumulative per track with capacity ``jack_sets``.
* **Shunters**: one optional interval per (task, shunter), exactly one chosen for each
  shunt_in, shunt_out, roll and changer_pass of positive duration; NoOverlap per shunter.
  The changer: NoOverlap over the changer passes.
* **Crews**: one optional interval per (task, crew with the skill, shift long enough) inside
  that shift, exactly one chosen per task of positive duration; NoOverlap per crew.
* **Bogies**: a reservoir per (gauge, type): the stock at t = 0, minus a carriage's bogies of
  the new gauge when its swap (or its block's roll) starts, plus as many of the old gauge
  at that end + ``bogie_turnaround``.
* **Locomotives**: each train picks one locomotive of its ``to_gauge`` (a station one, from
  ``available_from``, or any train's inbound one, from that train's detach end +
  ``loco_turnaround``) for its attach start; each locomotive at most once.
* **Ground-air test** (``station.ground_air``): a Boolean per train; if true an optional
  ``ground_brake_test`` after the train is whole and before attach, and ``brake_test`` lasts
  ``brake_test_short``.
* **Arrival inspection** (v1.2, where ``inspection + inspection_per_carriage × n`` > 0): a
  task per train after arrival; every shunt_in, the changer pass and the attach wait for it.
* **Coupler exchange** (v1.2, a train with ``coupler_exchange``): a task per carriage in
  exchange mode, after its disconnect and before its reconnect; no changer for the train.
* **Departure** = max(brake_test end, border_check end, earliest_departure) ≤ horizon;
  every task ends by the horizon. Objective: Σ weight × (departure − arrival).

Zero-duration tasks take no crew, shunter or changer; locomotives, tracks, jack sets and
bogies apply to them as to any task.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from ortools.sat.python import cp_model, cp_model_helper

from gaugeopt.bench.record import MethodResult
from gaugeopt.checker import check
from gaugeopt.model.instance import Instance, Train, carriage_minutes, scaled
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import (
    Block,
    Mode,
    Op,
    Solution,
    Status,
    Task,
    TrainPlan,
)

#: The operations in the order the contract lists them, and the skill each needs (as
#: docs/model.md gives them), written here as a user's own model would: this baseline
#: reads the contract, not gaugeopt's rulebook.
OP_ORDER: tuple[str, ...] = get_args(Op)
OP_SKILL: dict[str, str] = {
    "detach": "coupling",
    "border_check": "customs",
    "inspect": "inspection",
    "shunt_in": "shunting",
    "disconnect": "coupling",
    "lift": "lifting",
    "swap": "bogie",
    "roll": "bogie",
    "coupler": "coupling",
    "lower": "lifting",
    "reconnect": "coupling",
    "shunt_out": "shunting",
    "couple": "coupling",
    "changer_pass": "shunting",
    "ground_brake_test": "brake",
    "attach": "coupling",
    "brake_test": "brake",
}

#: A Boolean variable or its negation.
Lit = cp_model_helper.Literal
#: A Boolean variable (what the search strategy decides on).
Bool = cp_model.IntVar
Size = int | cp_model.IntVar
#: Called with (seconds since the solve began, objective) at every improving schedule.
OnSolution = Callable[[float, int], None]

SHUNTER_OPS = frozenset({"shunt_in", "shunt_out", "changer_pass", "roll"})
STATUS: dict[Any, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "unknown",
    cp_model.UNKNOWN: "unknown",
}


@dataclass
class _Op:
    """One task of the contract as an optional interval with its resource choices."""

    train: str
    op: Op
    start: cp_model.IntVar
    end: cp_model.IntVar
    size: Size
    present: Lit
    interval: cp_model.IntervalVar
    carriage: str | None = None
    slot: int | None = None
    #: The literal that says the task lasts > 0 and so needs a crew (None: never).
    staffed: Lit | None = None
    #: Least duration and earliest start (the train's arrival), to skip shifts too short.
    shortest: int = 0
    release: int = 0
    crews: list[tuple[str, Bool]] = field(default_factory=list)
    shunters: list[tuple[str, Bool]] = field(default_factory=list)
    locos: list[tuple[str, Bool]] = field(default_factory=list)


@dataclass
class _Slot:
    """Block slot ``b`` of a train: used flag, track choice and its block tasks."""

    used: Lit
    tracks: dict[str, Bool]
    shunt_in: _Op
    shunt_out: _Op
    roll: _Op | None


@dataclass
class _TrainVars:
    """Everything of one train that the solution is read from."""

    train: Train
    modes: dict[Mode, Bool]
    departure: cp_model.IntVar
    ground: Lit | None
    ops: list[_Op] = field(default_factory=list)
    #: member[c][b]: carriage index c is in slot b.
    member: list[dict[int, Bool]] = field(default_factory=list)
    slots: list[_Slot] = field(default_factory=list)
    #: Set while the train is built (detach first, attach once the train is whole).
    detach: _Op = field(init=False)
    attach: _Op = field(init=False)
    #: What the train's exchange work waits for: detach, and the inspection (v1.2).
    arrived: list[_Op] = field(default_factory=list)


class DirectModel:
    """The CP-SAT model of one instance; :meth:`solution` reads a solved model back."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.st = inst.station
        self.m = cp_model.CpModel()
        self.true = self.m.new_bool_var("true")
        self.m.add(self.true == 1)
        self.trains: list[_TrainVars] = []
        self.track_intervals: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        self.jack_intervals: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        #: (gauge, type) -> reservoir events (time, change, active).
        self.bogie_events: dict[tuple[int, str], list[tuple]] = defaultdict(list)
        for tr in inst.trains:
            self.trains.append(self._train(tr))
        self._locomotives()
        self._tracks()
        self._jack_sets()
        self._shunters_and_changer()
        self._crews()
        self._bogies()
        self.m.minimize(sum(t.train.weight * (t.departure - t.train.arrival) for t in self.trains))
        self._strategy()

    # -- tasks -------------------------------------------------------------------------------

    def _task(self, tv: _TrainVars, op: Op, size: Size, present: Lit, **where) -> _Op:
        """An optional interval [start, start + size) inside [arrival, horizon]."""
        arr, h = tv.train.arrival, self.inst.horizon
        name = f"{tv.train.id}:{op}:{where.get('carriage', '')}:{where.get('slot', '')}"
        start = self.m.new_int_var(arr, h, f"s[{name}]")
        end = self.m.new_int_var(arr, h, f"e[{name}]")
        shortest = size if isinstance(size, int) else 0
        interval = self.m.new_optional_interval_var(start, size, end, present, f"i[{name}]")
        task = _Op(
            tv.train.id,
            op,
            start,
            end,
            size,
            present,
            interval,
            shortest=shortest,
            release=arr,
            **where,
        )
        if isinstance(size, int):
            task.staffed = present if size > 0 else None
        tv.ops.append(task)
        return task

    def _after(self, later: _Op, earlier: _Op, *when: Lit) -> None:
        """``later`` starts after ``earlier`` ends, when every literal of ``when`` holds."""
        self.m.add(later.start >= earlier.end).only_enforce_if(list(when))

    # -- one train ---------------------------------------------------------------------------

    def _modes(self, tr: Train) -> dict[Mode, Bool]:
        if tr.from_gauge == tr.to_gauge:
            return {"through": self.true}
        changer_ok = (
            self.st.changer is not None
            and all(c.variable_gauge for c in tr.carriages)
            and not tr.coupler_exchange  # v1.2: the changer leaves couplers as they are
        )
        if not changer_ok:
            return {"exchange": self.true}
        ex, ch = self.m.new_bool_var(f"exchange[{tr.id}]"), self.m.new_bool_var(f"changer[{tr.id}]")
        self.m.add_exactly_one(ex, ch)
        return {"exchange": ex, "changer": ch}

    def _train(self, tr: Train) -> _TrainVars:
        d = self.st.durations
        modes = self._modes(tr)
        ground = self.m.new_bool_var(f"ground[{tr.id}]") if self.st.ground_air else None
        dep = self.m.new_int_var(tr.arrival, self.inst.horizon, f"departure[{tr.id}]")
        tv = _TrainVars(tr, modes, dep, ground)
        tv.detach = detach = self._task(tv, "detach", d.detach, self.true)
        check = d.border_check if tr.border_check is None else tr.border_check
        border = self._task(tv, "border_check", check, self.true)
        # v1.2: the arrival inspection, where it lasts; the train's work waits for it.
        looked = d.inspection + d.inspection_per_carriage * len(tr.carriages)
        tv.arrived = [detach]
        if looked > 0:
            tv.arrived.append(self._task(tv, "inspect", looked, self.true))
        whole: list[tuple[_Op, Lit]] = []  # the task after which the train is whole, by mode
        if "through" in modes:
            whole.append((detach, self.true))
        if "exchange" in modes:
            whole.append((self._exchange(tv, modes["exchange"]), modes["exchange"]))
        if "changer" in modes:
            n = len(tr.carriages)
            passing = self._task(
                tv, "changer_pass", d.changer_setup + d.changer_per_carriage * n, modes["changer"]
            )
            for task in tv.arrived:
                self._after(passing, task, modes["changer"])
            whole.append((passing, modes["changer"]))
        tv.attach = attach = self._task(tv, "attach", d.attach, self.true)
        for task, lit in whole:
            self._after(attach, task, lit)
        for task in tv.arrived:  # binding in through mode, implied in the others
            self._after(attach, task)
        brake = self._brake_tests(tv, whole, attach)
        earliest = [] if tr.earliest_departure is None else [tr.earliest_departure]
        self.m.add_max_equality(dep, [brake.end, border.end, *earliest])
        return tv

    def _brake_tests(self, tv: _TrainVars, whole: list[tuple[_Op, Lit]], attach: _Op) -> _Op:
        """brake_test after attach; with ground air, the optional ground test before it."""
        d = self.st.durations
        g = tv.ground
        if g is None:
            brake = self._task(tv, "brake_test", d.brake_test, self.true)
            self._after(brake, attach)
            return brake
        ground = self._task(tv, "ground_brake_test", d.brake_test, g)
        for task, lit in whole:
            self._after(ground, task, lit, g)
        self.m.add(ground.end <= attach.start).only_enforce_if(g)
        full, short = d.brake_test, d.brake_test_short
        size = self.m.new_int_var(min(full, short), max(full, short), f"brake_size[{tv.train.id}]")
        self.m.add(size == short).only_enforce_if(g)
        self.m.add(size == full).only_enforce_if(~g)
        brake = self._task(tv, "brake_test", size, self.true)
        if full > 0 and short > 0:
            brake.staffed = self.true
        elif full > 0:
            brake.staffed = ~g
        elif short > 0:
            brake.staffed = g
        self._after(brake, attach)
        return brake

    # -- exchange mode: block slots, carriages, bogies -----------------------------------------

    def _exchange(self, tv: _TrainVars, ex: Lit) -> _Op:
        """Block slots with membership chains and every exchange task; returns ``couple``."""
        tr, d = tv.train, self.st.durations
        n = len(tr.carriages)
        tracks = self.st.tracks
        if not tracks:
            self.m.add(ex == 0)
        cap = max((t.capacity for t in tracks), default=1)
        # member[c][b] for the slots carriage c can be in: b <= c, and not so low that the
        # carriages before it cannot fit in b slots of the largest track.
        for c in range(n):
            lo = (c + cap) // cap - 1
            tv.member.append(
                {b: self.m.new_bool_var(f"x[{tr.id},{c},{b}]") for b in range(lo, c + 1)}
            )
            self.m.add(sum(tv.member[c].values()) == ex)
        index = [sum(b * lit for b, lit in tv.member[c].items()) for c in range(n)]
        for c in range(n - 1):
            self.m.add(index[c + 1] >= index[c])
            self.m.add(index[c + 1] <= index[c] + 1)
        on_track = self._carriage_tracks(tv, ex)
        for b in range(n):
            tv.slots.append(self._slot(tv, b, on_track))
        couple = self._task(tv, "couple", d.couple_per_carriage * n, ex)
        for slot in tv.slots:
            self._after(couple, slot.shunt_out, slot.used)
        for c in range(n):
            self._carriage(tv, c, ex, on_track[c])
        return couple

    def _carriage_tracks(self, tv: _TrainVars, ex: Lit) -> list[dict[str, Bool]]:
        """w[c][k]: carriage c is on track k (only tracks that can lift it); one if exchange."""
        out = []
        for car in tv.train.carriages:
            fits = [t for t in self.st.tracks if car.mass_t <= t.max_mass_t]
            w = {t.id: self.m.new_bool_var(f"w[{car.id},{t.id}]") for t in fits}
            self.m.add(sum(w.values()) == ex)
            out.append(w)
        return out

    def _slot(self, tv: _TrainVars, b: int, on_track: list[dict[str, Bool]]) -> _Slot:
        """Slot b: used iff a carriage is in it; its track, capacity, mass, block tasks."""
        tr, d, h = tv.train, self.st.durations, self.inst.horizon
        inside = {c: tv.member[c][b] for c in range(len(tr.carriages)) if b in tv.member[c]}
        used = self.m.new_bool_var(f"used[{tr.id},{b}]")
        for lit in inside.values():
            self.m.add_implication(lit, used)
        self.m.add(sum(inside.values()) >= used)
        y = {t.id: self.m.new_bool_var(f"y[{tr.id},{b},{t.id}]") for t in self.st.tracks}
        self.m.add(sum(y.values()) == used)
        self.m.add(sum(inside.values()) <= sum(t.capacity * y[t.id] for t in self.st.tracks))
        for c, x in inside.items():
            for k, yk in y.items():
                w = on_track[c].get(k)
                if w is None:  # too heavy for track k
                    self.m.add_bool_or([~x, ~yk])
                else:
                    self.m.add_bool_or([~x, ~yk, w])
        sin = self._task(tv, "shunt_in", d.shunt, used, slot=b)
        for task in tv.arrived:
            self._after(sin, task, used)
        sout = self._task(tv, "shunt_out", d.shunt, used, slot=b)
        for t in self.st.tracks:
            occ = self.m.new_int_var(0, h, f"occ[{tr.id},{b},{t.id}]")
            self.track_intervals[t.id].append(
                self.m.new_optional_interval_var(
                    sin.start, occ, sout.end, y[t.id], f"o[{tr.id},{b},{t.id}]"
                )
            )
        roll = self._roll(tv, b, inside, [y[t.id] for t in self.st.tracks if t.method == "roll"])
        return _Slot(used, y, sin, sout, roll)

    def _roll(
        self, tv: _TrainVars, b: int, inside: dict[int, Bool], roll_y: list[Bool]
    ) -> _Op | None:
        """The slot's roll, present when its track is a roll track; lasts by its bogies."""
        if not roll_y:
            return None
        d = self.st.durations
        rolls = self.m.new_bool_var(f"rolls[{tv.train.id},{b}]")
        self.m.add(sum(roll_y) == rolls)
        cars = tv.train.carriages
        most = d.roll_setup + d.roll_per_bogie * sum(cars[c].bogies for c in inside)
        size = self.m.new_int_var(0, most, f"roll_size[{tv.train.id},{b}]")
        bogies = sum(cars[c].bogies * x for c, x in inside.items())
        self.m.add(size == d.roll_setup + d.roll_per_bogie * bogies).only_enforce_if(rolls)
        roll = self._task(tv, "roll", size, rolls, slot=b)
        if d.roll_setup > 0 or d.roll_per_bogie > 0:  # a block has at least one bogie
            roll.staffed = rolls
        return roll

    def _carriage(self, tv: _TrainVars, c: int, ex: Lit, on_track: dict[str, Bool]) -> None:
        """The five carriage tasks, their precedences and the carriage's bogie events."""
        car, st = tv.train.carriages[c], self.st
        mins = carriage_minutes(st.durations, car)
        kw = {"carriage": car.id}
        dis = self._task(tv, "disconnect", mins.disconnect, ex, **kw)
        lift = self._task(tv, "lift", mins.lift, ex, **kw)
        lower = self._task(tv, "lower", mins.lower, ex, **kw)
        rec = self._task(tv, "reconnect", mins.reconnect, ex, **kw)
        self._after(lift, dis, ex)
        self._after(rec, lower, ex)
        if tv.train.coupler_exchange:  # v1.2: beside lift, swap/roll and lower
            size = scaled(st.durations.coupler, car.work_pct)
            coupler = self._task(tv, "coupler", size, ex, **kw)
            self._after(coupler, dis, ex)
            self._after(rec, coupler, ex)
        methods = {t.id: t.method for t in st.tracks}
        individual = [w for k, w in on_track.items() if methods[k] == "individual"]
        take = self.m.new_int_var(tv.train.arrival, self.inst.horizon, f"take[{car.id}]")
        back = self.m.new_int_var(0, self.inst.horizon + st.bogie_turnaround, f"back[{car.id}]")
        if individual:
            swaps = self.m.new_bool_var(f"swaps[{car.id}]")
            self.m.add(sum(individual) == swaps)
            swap = self._task(tv, "swap", mins.swap, swaps, **kw)
            self._after(swap, lift, swaps)
            self._after(lower, swap, swaps)
            self.m.add(take == swap.start).only_enforce_if(swaps)
            self.m.add(back == swap.end + st.bogie_turnaround).only_enforce_if(swaps)
        for b, x in tv.member[c].items():
            slot = tv.slots[b]
            self._after(dis, slot.shunt_in, x)
            self._after(slot.shunt_out, rec, x)
            if slot.roll is not None:
                roll, rolls = slot.roll, slot.roll.present
                self._after(roll, lift, x, rolls)
                self._after(lower, roll, x, rolls)
                self.m.add(take == roll.start).only_enforce_if([x, rolls])
                self.m.add(back == roll.end + st.bogie_turnaround).only_enforce_if([x, rolls])
        for k, w in on_track.items():
            if methods[k] == "individual":
                held = self.m.new_int_var(0, self.inst.horizon, f"held[{car.id},{k}]")
                self.jack_intervals[k].append(
                    self.m.new_optional_interval_var(
                        lift.start, held, lower.end, w, f"j[{car.id},{k}]"
                    )
                )
        tr = tv.train
        self.bogie_events[(tr.to_gauge, car.bogie_type)].append((take, -car.bogies, ex))
        self.bogie_events[(tr.from_gauge, car.bogie_type)].append((back, car.bogies, ex))

    # -- shared resources --------------------------------------------------------------------

    def _locomotives(self) -> None:
        """One locomotive of the right gauge per attach, free by then; each loco once."""
        st = self.st
        pool: list[tuple[str, int, int | cp_model.LinearExpr]] = [
            (lo.id, lo.gauge, lo.available_from) for lo in st.locomotives
        ]
        for tv in self.trains:
            if tv.train.inbound_loco is not None:
                lo = tv.train.inbound_loco
                pool.append((lo.id, lo.gauge, tv.detach.end + st.loco_turnaround))
        users: dict[str, list[Bool]] = defaultdict(list)
        for tv in self.trains:
            attach = tv.attach
            for loco, gauge, ready in pool:
                if gauge != tv.train.to_gauge:
                    continue
                lit = self.m.new_bool_var(f"loco[{tv.train.id},{loco}]")
                self.m.add(attach.start >= ready).only_enforce_if(lit)
                attach.locos.append((loco, lit))
                users[loco].append(lit)
            if attach.locos:
                self.m.add_exactly_one([lit for _, lit in attach.locos])
            else:  # no locomotive of this gauge anywhere
                self.m.add_bool_or([])
        for lits in users.values():
            self.m.add_at_most_one(lits)

    def _all_ops(self) -> list[_Op]:
        return [op for tv in self.trains for op in tv.ops]

    def _tracks(self) -> None:
        """One block per track at a time, and none in a maintenance window."""
        for t in self.st.tracks:
            windows = [
                self.m.new_fixed_size_interval_var(a, b - a, f"down[{t.id},{a}]")
                for a, b in t.unavailable
            ]
            self.m.add_no_overlap(self.track_intervals[t.id] + windows)

    def _jack_sets(self) -> None:
        for t in self.st.tracks:
            holds = self.jack_intervals[t.id]
            if holds:
                self.m.add_cumulative(holds, [1] * len(holds), t.jack_sets)

    def _shunters_and_changer(self) -> None:
        """Each shunter op of positive duration takes one shunter; one pass at a time."""
        used: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        passes = []
        for op in self._all_ops():
            if op.op not in SHUNTER_OPS or op.staffed is None:
                continue
            for sh in self.st.shunters:
                lit = self.m.new_bool_var(f"sh[{op.interval.name},{sh.id}]")
                used[sh.id].append(self._copy(op, lit, f"sh[{sh.id}]"))
                op.shunters.append((sh.id, lit))
            self.m.add(sum(lit for _, lit in op.shunters) == op.staffed)
            if op.op == "changer_pass":
                passes.append(op.interval)
        for intervals in used.values():
            self.m.add_no_overlap(intervals)
        self.m.add_no_overlap(passes)

    def _copy(self, op: _Op, lit: Lit, tag: str) -> cp_model.IntervalVar:
        """The task's interval again, present under ``lit`` (a resource's own copy)."""
        return self.m.new_optional_interval_var(
            op.start, op.size, op.end, lit, f"{tag}{op.interval.name}"
        )

    def _crews(self) -> None:
        """Each staffed task: exactly one (crew, shift) with its skill, inside that shift."""
        per_crew: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        h = self.inst.horizon
        for op in self._all_ops():
            if op.staffed is None:
                continue
            skill = OP_SKILL[op.op]
            shortest, earliest = max(op.shortest, 1), op.release
            choices = []
            for crew in self.st.crews:
                if skill not in crew.skills:
                    continue
                for a, b in crew.shifts:
                    if min(b, h) - max(a, earliest) < shortest:
                        continue
                    lit = self.m.new_bool_var(f"cr[{op.interval.name},{crew.id},{a}]")
                    self.m.add(op.start >= a).only_enforce_if(lit)
                    self.m.add(op.end <= b).only_enforce_if(lit)
                    per_crew[crew.id].append(self._copy(op, lit, f"cr[{crew.id}]"))
                    choices.append((crew.id, lit))
            op.crews = choices
            self.m.add(sum(lit for _, lit in choices) == op.staffed)
        for intervals in per_crew.values():
            self.m.add_no_overlap(intervals)

    def _bogies(self) -> None:
        """Stock per (gauge, type) never negative; returned bogies may leave the same minute."""
        stock = {(s.gauge, s.type): s.count for s in self.st.bogie_stock}
        for key, events in self.bogie_events.items():
            start = stock.get(key, 0)
            times = [0, *(t for t, _, _ in events)]
            changes = [start, *(c for _, c, _ in events)]
            actives = [self.true, *(a for _, _, a in events)]
            top = start + sum(c for c in changes[1:] if c > 0)
            self.m.add_reservoir_constraint_with_active(times, changes, actives, 0, top)

    # -- search ------------------------------------------------------------------------------

    def _decide(self, lits: list[Bool], rotate: int = 0, value: str = "max") -> None:
        if lits:
            k = rotate % len(lits)
            pick = cp_model.SELECT_MAX_VALUE if value == "max" else cp_model.SELECT_MIN_VALUE
            self.m.add_decision_strategy(lits[k:] + lits[:k], cp_model.CHOOSE_FIRST, pick)

    def _strategy(self) -> None:
        """The order the fixed search decides in (CP-SAT's own default finds few schedules here).

        Per train: its mode, each carriage into the lowest slot it can take, each slot's track
        (rotating, so that blocks spread over the tracks). Then every task in operation order:
        its crew (rotating over the options, so that work spreads over the crews), its shunter,
        and its start, at the earliest.
        """
        for tv in self.trains:
            self._decide(list(tv.modes.values()))
            for row in tv.member:
                self._decide([row[b] for b in sorted(row)])
            for b, slot in enumerate(tv.slots):
                self._decide(list(slot.tracks.values()), rotate=b)
        rank = {op: i for i, op in enumerate(OP_ORDER)}
        order = sorted(self._all_ops(), key=lambda op: (rank[op.op], op.slot or 0))
        for i, op in enumerate(order):
            self._decide([lit for _, lit in op.crews], rotate=i)
            self._decide([lit for _, lit in op.shunters])
            self._decide([op.start], value="min")

    # -- reading a schedule back ---------------------------------------------------------------

    def solution(self, solver: cp_model.CpSolver, status: Status, bound: int | None) -> Solution:
        """The docs/file-formats.md solution of the solver's current values."""
        plans, tasks = [], []
        objective = 0
        for tv in self.trains:
            plan, own = self._plan(solver, tv)
            plans.append(plan)
            tasks.extend(own)
            objective += tv.train.weight * plan.dwell
        return Solution(
            instance=self.inst.name,
            status=status,
            objective=objective,
            lower_bound=bound,
            trains=plans,
            tasks=tasks,
        )

    def _plan(self, solver: cp_model.CpSolver, tv: _TrainVars) -> tuple[TrainPlan, list[Task]]:
        tr = tv.train
        mode = next(m for m, lit in tv.modes.items() if solver.boolean_value(lit))
        slot_of = {
            tr.carriages[c].id: b
            for c, row in enumerate(tv.member)
            for b, x in row.items()
            if solver.boolean_value(x)
        }
        track_of = {
            b: next(k for k, y in s.tracks.items() if solver.boolean_value(y))
            for b, s in enumerate(tv.slots)
            if solver.boolean_value(s.used)
        }
        blocks = [
            Block(track=track_of[b], carriages=[c.id for c in tr.carriages if slot_of[c.id] == b])
            for b in sorted(track_of)
        ]
        tasks = [
            self._task_of(solver, op, slot_of, track_of)
            for op in tv.ops
            if solver.boolean_value(op.present)
        ]
        departure = solver.value(tv.departure)
        plan = TrainPlan(
            id=tr.id,
            mode=mode,
            departure=departure,
            dwell=departure - tr.arrival,
            locomotive=next(lo for lo, lit in tv.attach.locos if solver.boolean_value(lit)),
            blocks=blocks,
            ground_brake_test=tv.ground is not None and solver.boolean_value(tv.ground),
        )
        return plan, tasks

    @staticmethod
    def _task_of(
        solver: cp_model.CpSolver, op: _Op, slot_of: dict[str, int], track_of: dict[int, str]
    ) -> Task:
        def chosen(options: list[tuple[str, Bool]]) -> str | None:
            return next((name for name, lit in options if solver.boolean_value(lit)), None)

        block = slot_of[op.carriage] if op.carriage is not None else op.slot
        return Task(
            train=op.train,
            op=op.op,
            carriage=op.carriage,
            block=block,
            start=solver.value(op.start),
            end=solver.value(op.end),
            crew=chosen(op.crews),
            shunter=chosen(op.shunters),
            track=None if block is None else track_of[block],
            locomotive=chosen(op.locos),
        )


class _Progress(cp_model.CpSolverSolutionCallback):
    """Forwards every improving objective to ``on_solution``."""

    def __init__(self, on_solution: OnSolution, t0: float) -> None:
        super().__init__()
        self.on_solution, self.t0 = on_solution, t0

    def on_solution_callback(self) -> None:
        self.on_solution(time.perf_counter() - self.t0, round(self.objective_value))


def solve_direct(
    instance: Instance,
    time_limit: float,
    workers: int,
    seed: int,
    *,
    on_solution: OnSolution | None = None,
    deterministic_time: float | None = None,
) -> tuple[Status, int | None, int | None, Solution | None]:
    """Build and solve the direct model: (status, objective, lower bound, solution or None).

    ``status`` is ``optimal``, ``feasible``, ``infeasible`` or ``unknown``; the solution (in
    the form of docs/file-formats.md) exists for the first two only. The bound is CP-SAT's own.
    ``deterministic_time`` also limits CP-SAT's deterministic time: with one worker the
    result is then the same on any machine the clock does not cut short.
    """
    t0 = time.perf_counter()
    model = DirectModel(instance)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.perf_counter() - t0))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time
    # The full-problem worker follows the model's decision strategy; with more workers, the
    # others run CP-SAT's large-neighbourhood searches from its schedules.
    if workers > 1:
        solver.parameters.subsolvers.append("fixed")
    else:
        solver.parameters.search_branching = cp_model.FIXED_SEARCH
    callback = _Progress(on_solution, t0) if on_solution is not None else None
    code = solver.solve(model.m, callback)
    status: Status = STATUS.get(code, "unknown")
    if status in ("infeasible", "unknown"):
        return status, None, None, None
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    sol = model.solution(solver, status, bound)
    return status, sol.objective, bound, sol


def run_direct(path: Path, time_limit: float, workers: int, seed: int) -> MethodResult:
    """One benchmark row of the direct model: its schedule checked by gaugeopt's checker."""
    t0 = time.perf_counter()
    inst = read_instance(path)
    trace: list[tuple[float, float]] = []

    def improving(_el: float, obj: int) -> None:
        if not trace or obj < trace[-1][1]:
            trace.append((time.perf_counter() - t0, obj))

    status, objective, bound, sol = solve_direct(
        inst,
        max(0.1, time_limit - (time.perf_counter() - t0)),
        workers,
        seed,
        on_solution=improving,
    )
    out = MethodResult(path.stem, "direct", status, objective, bound)
    if sol is not None and objective is not None:
        out.valid = not check(inst, sol)
        if not trace or objective < trace[-1][1]:
            trace.append((time.perf_counter() - t0, objective))
        out.time_to_first = trace[0][0]
        out.time_to_best = next(t for t, obj in trace if obj <= objective)
    out.extra["trace"] = ";".join(f"{t:.2f}:{obj:g}" for t, obj in trace)
    return out
