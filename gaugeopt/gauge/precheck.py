"""Reasons an instance can never be scheduled, found without solving.

Each check is necessary, not sufficient: an instance that passes may still be infeasible,
and the solver then reports it so. Each reason is one line a planner can act on.
"""

from __future__ import annotations

from collections import Counter

from gaugeopt.clock import Clock
from gaugeopt.model.instance import Carriage, Instance, Track, Train
from gaugeopt.rules import (
    MODES,
    OPS,
    TRACK_HOLD,
    BlockSpec,
    OpRule,
    ground_options,
    possible_modes,
    task_graph,
    track_windows,
)

#: One way a train may cross: its mode, the track method of its blocks (exchange) and
#: whether it takes the ground-air brake test.
Config = tuple[str, str | None, bool]

#: What a planner calls the work of a shunter operation, for the reason naming it.
_SHUNTER_WORK = {
    "shunt_in": "shunting into the shed",
    "shunt_out": "shunting out of the shed",
    "roll": "rolling in the new bogies",
    "changer_pass": "the changer pass",
}


def _configs(inst: Instance, train: Train, modes: list[str]) -> list[Config]:
    """Every configuration of ``train`` in ``modes``: in exchange, each method of a track
    that lifts one of its carriages at least; each ground-air choice."""
    lifts = [
        t for t in inst.station.tracks if any(c.mass_t <= t.max_mass_t for c in train.carriages)
    ]
    methods: list[str | None] = [*sorted({t.method for t in lifts})] or [None]
    return [
        (mode, method, ground)
        for mode in modes
        for method in (methods if mode == "exchange" else [None])
        for ground in ground_options(inst)
    ]


def _shortest(inst: Instance, train: Train, rule: OpRule, ground: bool) -> int:
    """The shortest an instance of ``rule`` can last for ``train`` (a block or carriage
    task covers one carriage at least)."""
    d = inst.station.durations
    if rule.level == "train":
        return rule.minutes(d, train, train.carriages, ground)
    return min(rule.minutes(d, train, [c], ground) for c in train.carriages)


def _mode_reasons(inst: Instance) -> list[str]:
    st = inst.station
    out = []
    for train in inst.trains:
        if possible_modes(inst, train):
            continue
        why_changer = (
            "the station has no changer"
            if st.changer is None
            else "not every carriage is variable_gauge"
        )
        if not st.tracks:
            out.append(f"train {train.id}: the station has no shed track and {why_changer}")
            continue
        heaviest = max(t.max_mass_t for t in st.tracks)
        for c in train.carriages:
            if c.mass_t > heaviest:
                out.append(
                    f"train {train.id}: carriage {c.id} ({c.mass_t:g} t) is heavier than any "
                    f"track can lift (max_mass_t at most {heaviest:g} t) and {why_changer}"
                )
                break
    return out


def _needed(inst: Instance, train: Train) -> list[tuple[OpRule, int]]:
    """Every operation ``train`` takes whichever configuration it has, with its shortest
    duration, in rulebook order. A train with no possible mode is taken through the
    operations every mode has."""
    configs = _configs(inst, train, possible_modes(inst, train) or list(MODES))
    out = []
    for rule in OPS:
        present = [g for mode, method, g in configs if rule.exists(mode, method, g)]
        if len(present) == len(configs):
            out.append((rule, min(_shortest(inst, train, rule, g) for g in present)))
    return out


def _crew_reasons(inst: Instance) -> list[str]:
    st = inst.station
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for train in inst.trains:
        needed = _needed(inst, train)
        for rule, dur in needed:
            op, skill = rule.op, rule.skill
            if dur <= 0:
                continue
            crews = [c for c in st.crews if skill in c.skills and c.shifts]
            key = (skill, op)
            if not crews:
                if key not in seen:
                    out.append(f"no crew has skill {skill!r}, needed by {op} (train {train.id})")
                    seen.add(key)
                continue
            fits = [
                (a, b)
                for c in crews
                for a, b in c.shifts
                if min(b, inst.horizon) - max(a, train.arrival) >= dur
            ]
            if not fits:
                clock = Clock.of(inst)
                out.append(
                    f"train {train.id}: no shift of a crew with skill {skill!r} leaves "
                    f"{dur} min for {op} after its arrival at {clock.at(train.arrival)} "
                    f"before the horizon ends at {clock.at(inst.horizon)}"
                )
        if st.shunters:
            continue
        for rule, dur in needed:
            if rule.shunter and dur > 0:
                work = _SHUNTER_WORK.get(rule.op, rule.op)
                out.append(f"train {train.id}: {work} needs a shunter; the station has none")
                break
    return out


def _loco_reasons(inst: Instance) -> list[str]:
    st = inst.station
    need = Counter(t.to_gauge for t in inst.trains)
    have = Counter(lo.gauge for lo in st.locomotives if lo.available_from <= inst.horizon)
    have.update(t.inbound_loco.gauge for t in inst.trains if t.inbound_loco is not None)
    return [
        f"too few locomotives of gauge {g}: {need[g]} trains leave on it, "
        f"the pool has {have[g]} (station and inbound)"
        for g in sorted(need)
        if have[g] < need[g]
    ]


def _bogie_ops(inst: Instance, train: Train) -> tuple[bool, bool]:
    """(in some, in every) configuration of ``train``, an operation swaps its bogies."""
    configs = _configs(inst, train, possible_modes(inst, train))
    has = [any(r.bogies and r.exists(m, meth, g) for r in OPS) for m, meth, g in configs]
    return any(has), bool(has) and all(has)


def _bogie_reasons(inst: Instance) -> list[str]:
    """A carriage needs more bogies of a (gauge, type) than could ever be in stock."""
    st = inst.station
    supply = Counter({(b.gauge, b.type): b.count for b in st.bogie_stock})
    swaps = {t.id: _bogie_ops(inst, t) for t in inst.trains}
    for t in inst.trains:
        if swaps[t.id][0]:
            for c in t.carriages:
                supply[(t.from_gauge, c.bogie_type)] += c.bogies
    out = []
    for t in inst.trains:
        if not swaps[t.id][1]:
            continue
        for c in t.carriages:
            key = (t.to_gauge, c.bogie_type)
            if supply[key] < c.bogies:
                out.append(
                    f"bogie stock of type {c.bogie_type!r} for gauge {t.to_gauge} can never "
                    f"suffice: carriage {c.id} of train {t.id} needs {c.bogies}, at most "
                    f"{supply[key]} can ever be in stock"
                )
                break
    return out


def _shed_stay(inst: Instance, train: Train, j: int, method: str) -> tuple[int, int]:
    """(earliest start, shortest length) of the track hold of a block holding carriage j
    on a track of ``method``: the hold's span along carriage j's own chain of tasks."""
    nodes = task_graph(inst, train, "exchange", [BlockSpec((j,), method)])
    ends: list[int] = []
    start = end = 0
    for node in nodes:
        begin = max([node.release] + [ends[p] for p in node.preds])
        ends.append(begin + node.duration)
        if node.op == TRACK_HOLD.start_op:
            start = begin
        if node.op == TRACK_HOLD.end_op:
            end = ends[-1]
    return start, end - start


def _open_long_enough(track: Track, start: int, length: int, horizon: int) -> bool:
    """Whether ``track`` is free of maintenance for ``length`` min from ``start`` on."""
    free = track_windows(track.unavailable, horizon) or [(0, horizon)]
    return any(min(b, horizon) - max(a, start) >= length for a, b in free)


def _carriage_shut_out(inst: Instance, train: Train, j: int) -> list[Track] | None:
    """The tracks that lift carriage j, when every one of them is closed for maintenance
    too long for its stay in the shed (None otherwise)."""
    car: Carriage = train.carriages[j]
    lifts = [t for t in inst.station.tracks if car.mass_t <= t.max_mass_t]
    if not lifts or not any(t.unavailable for t in lifts):
        return None
    for track in lifts:
        start, length = _shed_stay(inst, train, j, track.method)
        if length <= 0 or _open_long_enough(track, start, length, inst.horizon):
            return None
    return lifts


def _window_reasons(inst: Instance) -> list[str]:
    """A train that can only be exchanged, with a carriage that no track lifting it is
    open long enough to take after the train arrives (v1.1 maintenance windows)."""
    clock = Clock.of(inst)
    out = []
    for train in inst.trains:
        if possible_modes(inst, train) != ["exchange"]:
            continue
        for j, car in enumerate(train.carriages):
            lifts = _carriage_shut_out(inst, train, j)
            if lifts is None:
                continue
            closed = "; ".join(f"{t.id} {clock.spans(t.unavailable)}" for t in lifts)
            out.append(
                f"train {train.id}: carriage {car.id} ({car.mass_t:g} t) finds no track that "
                f"lifts it open long enough for its exchange before the horizon ends at "
                f"{clock.at(inst.horizon)} (closed for maintenance: {closed})"
            )
            break
    return out


def _time_reasons(inst: Instance) -> list[str]:
    out = []
    clock = Clock.of(inst)
    end = clock.at(inst.horizon)
    for t in inst.trains:
        if t.arrival > inst.horizon:
            out.append(
                f"train {t.id} arrives at {clock.at(t.arrival)}, after the horizon ends at {end}"
            )
        elif t.earliest_departure is not None and t.earliest_departure > inst.horizon:
            out.append(
                f"train {t.id}: earliest_departure {clock.at(t.earliest_departure)} is after "
                f"the horizon ends at {end}"
            )
    return out


def infeasibility_reasons(inst: Instance) -> list[str]:
    """Every reason found why ``inst`` has no schedule (empty: none found)."""
    return (
        _time_reasons(inst)
        + _mode_reasons(inst)
        + _crew_reasons(inst)
        + _loco_reasons(inst)
        + _bogie_reasons(inst)
        + _window_reasons(inst)
    )
