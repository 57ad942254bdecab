"""Lower bounds on the weighted dwell, from relaxations that need no search.

Each train is bounded alone, with the whole station to itself (other trains only take
resources away, so this relaxes the problem), and the bound of the instance is
Σ weight × (bound of each train). A train's bound is, for its best possible mode, the
largest of:

* the **critical path**: its chain of operations at their shortest, each operation waiting
  until some crew with its skill is on duty long enough to do it, the attach waiting until
  the earliest locomotive of its gauge can be free, and ``earliest_departure``;
* an **energy bound per crew pool**: the work needing the skills of a pool, spread over the
  crews of that pool on duty from the earliest moment that work can start, then the
  shortest remaining tail to departure;
* an **energy bound for shunters** (shunts, rolls, the changer pass).

All operands are minima over the choices the solver has (block cuts, tracks, methods), so
the bound holds for every schedule.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from gaugeopt.gauge.crews import crew_pools
from gaugeopt.gauge.modes import possible_modes
from gaugeopt.model.instance import Instance, Train, scaled


@dataclass(frozen=True)
class _Op:
    """A piece of work of a relaxed train: its shortest duration, skill and tail."""

    duration: int
    skill: str | None
    shunter: bool
    head: int  # earliest start, from arrival, ignoring crews
    tail: int  # shortest time from its end to the train's departure


def _window_start(inst: Instance, skill: str | None, t: int, dur: int) -> int | None:
    """Earliest start >= t at which some crew with ``skill`` can work ``dur`` minutes."""
    if skill is None or dur <= 0:
        return t
    best = None
    for crew in inst.station.crews:
        if skill not in crew.skills:
            continue
        for a, b in crew.shifts:
            s = max(t, a)
            if s + dur <= b and (best is None or s < best):
                best = s
    return best


def _loco_ready(inst: Instance, train: Train) -> int | None:
    """Earliest moment any locomotive of the train's outbound gauge can be free."""
    st = inst.station
    times = [lo.available_from for lo in st.locomotives if lo.gauge == train.to_gauge]
    for other in inst.trains:
        if other.inbound_loco is not None and other.inbound_loco.gauge == train.to_gauge:
            times.append(other.arrival + st.durations.detach + st.loco_turnaround)
    return min(times) if times else None


def _chain(inst: Instance, t: int, steps: list[tuple[int, str | None]]) -> int | None:
    """End of a chain of (duration, skill) steps started at t, each waiting for a crew."""
    for dur, skill in steps:
        s = _window_start(inst, skill, t, dur)
        if s is None:
            return None
        t = s + dur
    return t


def _carriage_steps(inst: Instance, train: Train, j: int) -> list[tuple[int, str | None]]:
    """The shortest chain of one carriage's operations (best method of any track)."""
    return [(dur, skill) for dur, _, skill in _carriage_work(inst, train, j)]


def _carriage_work(inst: Instance, train: Train, j: int) -> list[tuple[int, int, str]]:
    """(shortest duration, least work, skill) of each operation of one carriage.

    They differ for a roll: it lasts at least its setup plus this carriage's bogies, but
    its setup is shared by the whole block, so the carriage's own share of the work is
    only its bogies.
    """
    d = inst.station.durations
    car = train.carriages[j]
    w = car.work_pct
    tracks = [t for t in inst.station.tracks if car.mass_t <= t.max_mass_t]
    length, share = [], []
    if any(t.method == "individual" for t in tracks):
        length.append(scaled(d.swap_per_bogie * car.bogies, w))
        share.append(length[-1])
    if any(t.method == "roll" for t in tracks):
        length.append(d.roll_setup + d.roll_per_bogie * car.bogies)
        share.append(d.roll_per_bogie * car.bogies)
    steps = [
        (scaled(d.disconnect, w), "coupling"),
        (scaled(d.lift, w), "lifting"),
        (min(length), "bogie"),
        (scaled(d.lower, w), "lifting"),
        (scaled(d.reconnect, w), "coupling"),
    ]
    return [(dur, min(share) if skill == "bogie" else dur, skill) for dur, skill in steps]


def _departure_bound(inst: Instance, train: Train, mode: str) -> int | None:
    """Earliest departure of ``train`` alone in ``mode`` (None: impossible)."""
    st = inst.station
    d = st.durations
    n = len(train.carriages)
    border = train.border_check if train.border_check is not None else d.border_check
    border_end = _chain(inst, train.arrival, [(border, "customs")])
    detached = _chain(inst, train.arrival, [(d.detach, "coupling")])
    loco = _loco_ready(inst, train)
    if border_end is None or detached is None or loco is None:
        return None
    ops: list[_Op] = []
    tail_attach = d.brake_test
    tail_detach = d.attach + d.brake_test
    if mode == "through":
        ready = detached
    elif mode == "changer":
        ready = _chain(inst, detached, [(d.changer_setup + d.changer_per_carriage * n, "shunting")])
        tail_detach += d.changer_setup + d.changer_per_carriage * n
        ops.append(
            _Op(
                d.changer_setup + d.changer_per_carriage * n,
                "shunting",
                True,
                detached - train.arrival,
                d.attach + d.brake_test,
            )
        )
    else:
        couple = d.couple_per_carriage * n
        tail_out = couple + d.attach + d.brake_test
        shunted_in = _chain(inst, detached, [(d.shunt, "shunting")])
        if shunted_in is None:
            return None
        ready = 0
        for j in range(n):
            work = _carriage_work(inst, train, j)
            end = _chain(inst, shunted_in, [(dur, skill) for dur, _, skill in work])
            if end is None:
                return None
            ready = max(ready, end)
            head = shunted_in - train.arrival
            for k, (dur, energy, skill) in enumerate(work):
                rest = sum(x for x, _, _ in work[k + 1 :])
                ops.append(_Op(energy, skill, False, head, rest + d.shunt + tail_out))
                head += dur
        ready = _chain(inst, ready, [(d.shunt, "shunting"), (couple, "coupling")])
        shortest = min(sum(x for x, _ in _carriage_steps(inst, train, j)) for j in range(n))
        tail_in = shortest + d.shunt + tail_out
        tail_detach = d.shunt + tail_in
        cap = max(t.capacity for t in st.tracks)
        for _ in range(math.ceil(n / cap)):
            ops.append(_Op(d.shunt, "shunting", True, detached - train.arrival, tail_in))
            ops.append(_Op(d.shunt, "shunting", True, detached - train.arrival, tail_out))
        ops.append(_Op(couple, "coupling", False, 0, d.attach + d.brake_test))
    if ready is None:
        return None
    attach_end = _chain(inst, max(ready, loco), [(d.attach, "coupling")])
    if attach_end is None:
        return None
    brake_end = _chain(inst, attach_end, [(d.brake_test, "brake")])
    if brake_end is None:
        return None
    ops += [
        _Op(d.detach, "coupling", False, 0, tail_detach),
        _Op(d.attach, "coupling", False, 0, tail_attach),
        _Op(d.brake_test, "brake", False, 0, 0),
    ]
    bound = max(brake_end, border_end, train.earliest_departure or 0)
    for pool_end in _energy_bounds(inst, train, ops):
        bound = max(bound, pool_end)
    return bound


def _fill(shifts: list[tuple[int, int]], start: int, work: int, horizon: int) -> int | None:
    """Earliest T with ∫_start^T (crews on duty) dt >= work (None: never by the horizon)."""
    if work <= 0:
        return start
    points = sorted({start, horizon * 4, *(t for sh in shifts for t in sh if t > start)})
    done = 0
    for a, b in itertools.pairwise(points):
        level = sum(1 for x, y in shifts if x <= a and b <= y)
        if level and done + level * (b - a) >= work:
            return a + math.ceil((work - done) / level)
        done += level * (b - a)
    return None


def _energy_bounds(inst: Instance, train: Train, ops: list[_Op]) -> list[int]:
    out = []
    for pool in crew_pools(inst, every=True):
        skills, shifts = pool.skills, list(pool.shifts)
        mine = [o for o in ops if o.skill in skills and o.duration > 0]
        if not mine:
            continue
        start = train.arrival + min(o.head for o in mine)
        end = _fill(shifts, start, sum(o.duration for o in mine), inst.horizon)
        if end is not None:
            out.append(end + min(o.tail for o in mine))
    shunter_ops = [o for o in ops if o.shunter and o.duration > 0]
    count = len(inst.station.shunters)
    if shunter_ops and count:
        work = sum(o.duration for o in shunter_ops)
        start = train.arrival + min(o.head for o in shunter_ops)
        out.append(start + math.ceil(work / count) + min(o.tail for o in shunter_ops))
    return out


def train_dwell_bounds(inst: Instance) -> list[int | None]:
    """A lower bound on each train's dwell (None: the train cannot leave at all)."""
    out: list[int | None] = []
    for train in inst.trains:
        deps = [_departure_bound(inst, train, m) for m in possible_modes(inst, train)]
        deps = [x for x in deps if x is not None]
        out.append(min(deps) - train.arrival if deps else None)
    return out


def lower_bound(inst: Instance) -> int | None:
    """The larger of Σ weight × (dwell bound of each train alone) and the bound of
    :func:`gaugeopt.gauge.station_bound.station_bound`, where the trains share the
    station (None if some train can never leave)."""
    from gaugeopt.gauge.station_bound import station_bound  # it imports this module

    bounds = train_dwell_bounds(inst)
    if any(b is None for b in bounds):
        return None
    alone = sum(t.weight * b for t, b in zip(inst.trains, bounds, strict=True))
    shared = station_bound(inst, own=bounds)
    return alone if shared is None else max(alone, shared)
