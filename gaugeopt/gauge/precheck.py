"""Reasons an instance can never be scheduled, found without solving.

Each check is necessary, not sufficient: an instance that passes may still be infeasible,
and the solver then reports it so. Each reason is one line a planner can act on.
"""

from __future__ import annotations

from collections import Counter

from gaugeopt.gauge.modes import possible_modes
from gaugeopt.model.instance import Instance, Train, scaled


def _modes(inst: Instance, train: Train) -> tuple[bool, bool]:
    """(exchange possible, changer possible) for a train that changes gauge."""
    modes = possible_modes(inst, train)
    return "exchange" in modes, "changer" in modes


def _mode_reasons(inst: Instance) -> list[str]:
    st = inst.station
    out = []
    for train in inst.trains:
        if train.from_gauge == train.to_gauge:
            continue
        exchange, changer = _modes(inst, train)
        if exchange or changer:
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


def _needed(inst: Instance, train: Train) -> list[tuple[str, str, int]]:
    """(op, skill, shortest duration) of every op the train surely needs, by its modes."""
    d = inst.station.durations
    n = len(train.carriages)
    border = train.border_check if train.border_check is not None else d.border_check
    ops = [
        ("detach", "coupling", d.detach),
        ("border_check", "customs", border),
        ("attach", "coupling", d.attach),
        ("brake_test", "brake", d.brake_test),
    ]
    if train.from_gauge == train.to_gauge:
        return ops
    exchange, changer = _modes(inst, train)
    if exchange and not changer:
        w = min(c.work_pct for c in train.carriages)
        ops += [
            ("shunt_in", "shunting", d.shunt),
            ("disconnect", "coupling", scaled(d.disconnect, w)),
            ("lift", "lifting", scaled(d.lift, w)),
            ("lower", "lifting", scaled(d.lower, w)),
            ("reconnect", "coupling", scaled(d.reconnect, w)),
            ("couple", "coupling", d.couple_per_carriage * n),
        ]
        if all(t.method == "individual" for t in inst.station.tracks):
            b = min(c.bogies for c in train.carriages)
            ops.append(("swap", "bogie", scaled(d.swap_per_bogie * b, w)))
        if all(t.method == "roll" for t in inst.station.tracks):
            ops.append(("roll", "bogie", d.roll_setup + d.roll_per_bogie))
    if changer and not exchange:
        ops.append(("changer_pass", "shunting", d.changer_setup + d.changer_per_carriage * n))
    return ops


def _crew_reasons(inst: Instance) -> list[str]:
    st = inst.station
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for train in inst.trains:
        for op, skill, dur in _needed(inst, train):
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
                out.append(
                    f"train {train.id}: no shift of a crew with skill {skill!r} leaves "
                    f"{dur} min for {op} after arrival {train.arrival} within the horizon"
                )
        if st.shunters:
            continue
        needs = [op for op, _, dur in _needed(inst, train) if op in ("shunt_in", "changer_pass")]
        d = st.durations
        if "shunt_in" in needs and d.shunt > 0:
            out.append(
                f"train {train.id}: shunting into the shed needs a shunter; the station has none"
            )
        if "changer_pass" in needs and d.changer_setup + d.changer_per_carriage > 0:
            out.append(f"train {train.id}: the changer pass needs a shunter; the station has none")
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


def _bogie_reasons(inst: Instance) -> list[str]:
    """A carriage needs more bogies of a (gauge, type) than could ever be in stock."""
    st = inst.station
    supply = Counter({(b.gauge, b.type): b.count for b in st.bogie_stock})
    for t in inst.trains:
        if t.from_gauge != t.to_gauge and _modes(inst, t)[0]:
            for c in t.carriages:
                supply[(t.from_gauge, c.bogie_type)] += c.bogies
    out = []
    for t in inst.trains:
        if t.from_gauge == t.to_gauge:
            continue
        exchange, changer = _modes(inst, t)
        if not exchange or changer:
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


def _time_reasons(inst: Instance) -> list[str]:
    out = []
    for t in inst.trains:
        if t.arrival > inst.horizon:
            out.append(f"train {t.id} arrives at {t.arrival}, after the horizon {inst.horizon}")
        elif t.earliest_departure is not None and t.earliest_departure > inst.horizon:
            out.append(
                f"train {t.id}: earliest_departure {t.earliest_departure} is after the "
                f"horizon {inst.horizon}"
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
    )
