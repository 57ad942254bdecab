"""Serial schedule generation: trains one by one, each train's tasks in precedence order,
each task at the earliest time its crew, shunter, changer, track, jack set, bogies and
locomotive allow (DESIGN.md §4).

A train is placed tentatively for every (mode, block cut) candidate, rolled back, and the
candidate that departs earliest is placed again for good. Within a block, a carriage whose
jack hold [lift start, lower end) would exceed the track's jack sets is re-placed from the
next hold's end; a block whose track is not free over [shunt_in start, shunt_out end) is
re-placed from the end of the conflicting occupation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gaugeopt.construct.blocks import Cut, candidate_cuts
from gaugeopt.construct.state import Calendar, Placement
from gaugeopt.model.instance import Instance, Track, Train, scaled
from gaugeopt.model.solution import Block, Solution, Task, TrainPlan


class _Fail(Exception):
    """A task could not be placed by the horizon (or no locomotive exists)."""


@dataclass
class TrainResult:
    """One train placed: its plan and its tasks."""

    mode: str
    departure: int
    locomotive: str | None
    blocks: list[Block]
    tasks: list[Task] = field(default_factory=list)

    def key(self) -> tuple[int, int, int]:
        """Earlier departure first, then earlier release of resources, then fewer blocks."""
        last = max((t.end for t in self.tasks), default=0)
        return (self.departure, last, len(self.blocks))


def modes_of(inst: Instance, train: Train) -> list[str]:
    """The modes §4 allows for a train (exchange may still fail on masses)."""
    if train.from_gauge == train.to_gauge:
        return ["through"]
    modes = ["exchange"]
    if inst.station.changer is not None and all(c.variable_gauge for c in train.carriages):
        modes.append("changer")
    return modes


class TrainPlacer:
    """Places one train's tasks on a :class:`Calendar`."""

    def __init__(self, inst: Instance, cal: Calendar) -> None:
        self.inst = inst
        self.cal = cal
        self.dur = inst.station.durations
        self.tracks: dict[str, Track] = {t.id: t for t in inst.station.tracks}

    # ---- one task -----------------------------------------------------------------------
    def _task(
        self,
        out: list[Task],
        train: Train,
        op: str,
        t: int,
        d: int,
        skill: str,
        *,
        shunter: bool = False,
        changer: bool = False,
        need: dict[tuple[int, str], int] | None = None,
        **fields: object,
    ) -> Placement:
        p = self.cal.place(t, d, skill, shunter=shunter, changer=changer, need=need)
        if p is None:
            raise _Fail(op)
        self.cal.commit(p, d, changer=changer)
        out.append(
            Task(
                train=train.id,
                op=op,
                start=p.start,
                end=p.start + d,
                crew=p.crew.id if p.crew is not None else None,
                shunter=p.shunter.id if p.shunter is not None else None,
                **fields,
            )
        )
        return p

    def _bogies(self, train: Train, need: dict[str, int], start: int, end: int) -> None:
        """Bogie stock events of a swap or roll: leave at start, return after turnaround."""
        back = end + self.inst.station.bogie_turnaround
        for btype, k in need.items():
            self.cal.stock_of(train.to_gauge, btype).add(start, -k, self.cal.ledger)
            self.cal.stock_of(train.from_gauge, btype).add(back, k, self.cal.ledger)

    # ---- a whole train ------------------------------------------------------------------
    def place(self, train: Train, mode: str, cut: Cut | None) -> TrainResult | None:
        """Place `train` in `mode` (with `cut` for exchange); None (and nothing reserved)
        when it cannot be done by the horizon."""
        mark = self.cal.ledger.savepoint()
        try:
            return self._place(train, mode, cut or [])
        except _Fail:
            self.cal.ledger.rollback(mark)
            return None

    def _place(self, train: Train, mode: str, cut: Cut) -> TrainResult:
        dur, st = self.dur, self.inst.station
        out: list[Task] = []
        n = len(train.carriages)
        det = self._task(out, train, "detach", train.arrival, dur.detach, "coupling")
        det_end = det.start + dur.detach
        bc_d = train.border_check if train.border_check is not None else dur.border_check
        bc = self._task(out, train, "border_check", train.arrival, bc_d, "customs")
        if train.inbound_loco is not None:
            self.cal.add_loco(
                train.inbound_loco.id, train.inbound_loco.gauge, det_end + st.loco_turnaround
            )
        blocks: list[Block] = []
        ready = det_end
        if mode == "changer":
            d = dur.changer_setup + dur.changer_per_carriage * n
            p = self._task(
                out, train, "changer_pass", det_end, d, "shunting", shunter=True, changer=True
            )
            ready = p.start + d
        elif mode == "exchange":
            outs = []
            for b, (tid, idx) in enumerate(cut):
                outs.append(self._block(out, train, b, tid, idx, det_end))
                blocks.append(Block(track=tid, carriages=[train.carriages[i].id for i in idx]))
            d = dur.couple_per_carriage * n
            p = self._task(out, train, "couple", max(outs), d, "coupling")
            ready = p.start + d
        picked = self.cal.pick_loco(train.to_gauge, ready)
        if picked is None:
            raise _Fail("attach")
        loco, avail = picked
        att = self._task(
            out, train, "attach", max(ready, avail), dur.attach, "coupling", locomotive=loco
        )
        self.cal.take_loco(loco)
        att_end = att.start + dur.attach
        bt = self._task(out, train, "brake_test", att_end, dur.brake_test, "brake")
        departure = max(bt.start + dur.brake_test, bc.start + bc_d, train.earliest_departure or 0)
        if departure > self.inst.horizon:
            raise _Fail("departure")
        return TrainResult(mode, departure, loco, blocks, out)

    # ---- one block ----------------------------------------------------------------------
    def _block(
        self, out: list[Task], train: Train, b: int, tid: str, idx: list[int], t: int
    ) -> int:
        """Place block b on track tid from time t; returns its shunt_out end."""
        unit = self.cal.tracks[tid]
        while True:
            t = unit.free_from(t)
            if t > self.inst.horizon:
                raise _Fail("track")
            mark = self.cal.ledger.savepoint()
            mine: list[Task] = []
            start, end = self._block_tasks(mine, train, b, tid, idx, t)
            # Zero-length stays still claim their instant, so they never sit inside another.
            occ_end = max(end, start + 1)
            if unit.is_free(start, occ_end):
                unit.reserve(start, occ_end, self.cal.ledger)
                out.extend(mine)
                return end
            self.cal.ledger.rollback(mark)
            t = unit.first_conflict_end(start, occ_end)

    def _block_tasks(
        self, out: list[Task], train: Train, b: int, tid: str, idx: list[int], t: int
    ) -> tuple[int, int]:
        dur = self.dur
        track = self.tracks[tid]
        where = {"block": b, "track": tid}
        si = self._task(out, train, "shunt_in", t, dur.shunt, "shunting", shunter=True, **where)
        si_end = si.start + dur.shunt
        lowered: list[tuple[int, int]] = []  # (carriage index, lower end)
        if track.method == "roll":
            lift_ends = []
            for i in idx:
                car = train.carriages[i]
                w = {**where, "carriage": car.id}
                d1 = scaled(dur.disconnect, car.work_pct)
                p = self._task(out, train, "disconnect", si_end, d1, "coupling", **w)
                d2 = scaled(dur.lift, car.work_pct)
                p = self._task(out, train, "lift", p.start + d1, d2, "lifting", **w)
                lift_ends.append(p.start + d2)
            need_by_type: dict[str, int] = {}
            for i in idx:
                car = train.carriages[i]
                need_by_type[car.bogie_type] = need_by_type.get(car.bogie_type, 0) + car.bogies
            d = dur.roll_setup + dur.roll_per_bogie * sum(need_by_type.values())
            need = {(train.to_gauge, k): v for k, v in need_by_type.items()}
            p = self._task(
                out, train, "roll", max(lift_ends), d, "bogie", shunter=True, need=need, **where
            )
            self._bogies(train, need_by_type, p.start, p.start + d)
            roll_end = p.start + d
            for i in idx:
                car = train.carriages[i]
                d4 = scaled(dur.lower, car.work_pct)
                q = self._task(
                    out, train, "lower", roll_end, d4, "lifting", **where, carriage=car.id
                )
                lowered.append((i, q.start + d4))
        else:
            holds: list[tuple[int, int]] = []
            for i in idx:
                lowered.append((i, self._carriage(out, train, i, where, si_end, holds, track)))
        rec_ends = []
        for i, low_end in lowered:
            car = train.carriages[i]
            d5 = scaled(dur.reconnect, car.work_pct)
            p = self._task(
                out, train, "reconnect", low_end, d5, "coupling", **where, carriage=car.id
            )
            rec_ends.append(p.start + d5)
        so = self._task(
            out, train, "shunt_out", max(rec_ends), dur.shunt, "shunting", shunter=True, **where
        )
        return si.start, so.start + dur.shunt

    def _carriage(
        self,
        out: list[Task],
        train: Train,
        i: int,
        where: dict[str, object],
        t: int,
        holds: list[tuple[int, int]],
        track: Track,
    ) -> int:
        """Disconnect, lift, swap and lower carriage i on an individual track, keeping at
        most `jack_sets` holds at once; returns its lower end."""
        dur = self.dur
        car = train.carriages[i]
        w = {**where, "carriage": car.id}
        d1 = scaled(dur.disconnect, car.work_pct)
        p = self._task(out, train, "disconnect", t, d1, "coupling", **w)
        t = p.start + d1
        d2 = scaled(dur.lift, car.work_pct)
        d3 = scaled(dur.swap_per_bogie * car.bogies, car.work_pct)
        d4 = scaled(dur.lower, car.work_pct)
        need = {(train.to_gauge, car.bogie_type): car.bogies}
        while True:
            mark = self.cal.ledger.savepoint()
            n_out = len(out)
            lift = self._task(out, train, "lift", t, d2, "lifting", **w)
            sw = self._task(out, train, "swap", lift.start + d2, d3, "bogie", need=need, **w)
            self._bogies(train, {car.bogie_type: car.bogies}, sw.start, sw.start + d3)
            low = self._task(out, train, "lower", sw.start + d3, d4, "lifting", **w)
            hold = (lift.start, max(low.start + d4, lift.start + 1))
            blocker = _jack_conflict(holds, hold, track.jack_sets)
            if blocker is None:
                holds.append(hold)
                return low.start + d4
            self.cal.ledger.rollback(mark)
            del out[n_out:]
            t = blocker


def _jack_conflict(holds: list[tuple[int, int]], new: tuple[int, int], cap: int) -> int | None:
    """None if `new` keeps at most `cap` holds at once; else the earliest end of a hold
    overlapping it after its start (a time from which a retry may succeed)."""
    s, e = new
    points = [s] + [hs for hs, _ in holds if s < hs < e]
    for p in points:
        if sum(1 for hs, he in holds if hs <= p < he) >= cap:
            return min(he for hs, he in holds if hs < e and he > s)
    return None


def schedule_train(
    placer: TrainPlacer,
    train: Train,
    *,
    max_cuts: int,
    rng: random.Random | None,
) -> TrainResult | None:
    """Try every mode and candidate cut, keep the one departing earliest (placed for good)."""
    inst, cal = placer.inst, placer.cal
    options: list[tuple[str, Cut | None]] = []
    for mode in modes_of(inst, train):
        if mode != "exchange":
            options.append((mode, None))
            continue
        tracks = inst.station.tracks
        # Estimated time each track is free once the train's detach is done.
        t0 = train.arrival + placer.dur.detach
        ready = {tid: u.free_from(t0) for tid, u in cal.tracks.items()}
        extra = rng.randint(1, len(train.carriages)) if rng is not None else None
        cuts = candidate_cuts(train.carriages, tracks, ready, placer.dur, max_cuts, extra)
        options.extend(("exchange", c) for c in cuts)
    if not options:
        return None
    if len(options) == 1:
        return placer.place(train, *options[0])
    best: tuple[tuple[int, int, int], int] | None = None
    for j, (mode, cut) in enumerate(options):
        mark = cal.ledger.savepoint()
        res = placer.place(train, mode, cut)
        if res is None:
            continue
        cal.ledger.rollback(mark)
        if best is None or res.key() < best[0]:
            best = (res.key(), j)
    if best is None:
        return None
    return placer.place(train, *options[best[1]])


def run_sgs(
    inst: Instance,
    order: list[Train],
    *,
    max_cuts: int = 4,
    rng: random.Random | None = None,
) -> Solution | None:
    """Place trains in `order`; a train that fails is retried after the others (its
    locomotive may be one that a later train brings in). None when some train never fits."""
    cal = Calendar(inst, rng)
    placer = TrainPlacer(inst, cal)
    results: dict[str, TrainResult] = {}
    pending = list(order)
    while pending:
        failed = []
        for train in pending:
            res = schedule_train(placer, train, max_cuts=max_cuts, rng=rng)
            if res is None:
                failed.append(train)
            else:
                results[train.id] = res
        if len(failed) == len(pending):
            return None
        pending = failed
    return to_solution(inst, results)


def to_solution(inst: Instance, results: dict[str, TrainResult]) -> Solution:
    """A `feasible` solution (DESIGN.md §5) from placed trains, in instance order."""
    plans, tasks = [], []
    objective = 0
    for train in inst.trains:
        r = results[train.id]
        dwell = r.departure - train.arrival
        objective += train.weight * dwell
        plans.append(
            TrainPlan(
                id=train.id,
                mode=r.mode,
                departure=r.departure,
                dwell=dwell,
                locomotive=r.locomotive,
                blocks=r.blocks,
            )
        )
        tasks.extend(sorted(r.tasks, key=lambda t: (t.start, t.end)))
    return Solution(
        instance=inst.name,
        status="feasible",
        objective=objective,
        lower_bound=None,
        trains=plans,
        tasks=tasks,
    )
