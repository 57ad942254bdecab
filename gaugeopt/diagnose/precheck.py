"""Reasons an instance can never be scheduled, found without solving.

Each check is necessary, not sufficient: an instance that passes may still be infeasible,
and the solver then reports it so. Each reason is one line a planner can act on, and only
root causes are listed: a train's first, most basic reason (it arrives too late, no mode
can take it, its operations cannot fit before the horizon) stands alone, without the
crew-shift, shunter and maintenance lines that follow from it; a missing skill is named
once; of one train's crew-shift shortfalls for one skill, only the shortest operation's.
"""

from __future__ import annotations

from collections import Counter

from gaugeopt.clock import Clock, duration
from gaugeopt.model.instance import Carriage, Instance, Track, Train
from gaugeopt.rules import (
    MODES,
    OPS,
    BlockSpec,
    OpRule,
    changer_obstacle,
    departure,
    ground_options,
    possible_modes,
    stay,
    task_graph,
    track_windows,
)

#: One way a train may cross: its mode, the track method of its blocks (exchange) and
#: whether it takes the ground-air brake test.
Config = tuple[str, str | None, bool]


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


def _mode_reason(inst: Instance, train: Train) -> str | None:
    """Why no mode can take ``train`` (None: some mode can)."""
    st = inst.station
    if possible_modes(inst, train):
        return None
    why_changer = changer_obstacle(inst, train) or "the changer cannot take it"
    if not st.tracks:
        return f"train {train.id}: the station has no shed track and {why_changer}"
    heaviest = max(t.max_mass_t for t in st.tracks)
    for c in train.carriages:
        if c.mass_t > heaviest:
            return (
                f"train {train.id}: carriage {c.id} ({c.mass_t:g} t) is heavier than any "
                f"track can lift (max_mass_t at most {heaviest:g} t) and {why_changer}"
            )
    return f"train {train.id}: no mode can take it ({why_changer})"


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


def _skill_less(inst: Instance) -> str:
    """`` (crew X has no skills)``: the crews that might have been meant to have one."""
    idle = [c.id for c in inst.station.crews if not c.skills]
    if not idle:
        return ""
    return f" (crew{'s' if len(idle) > 1 else ''} {', '.join(idle)} {'have' if len(idle) > 1 else 'has'} no skills)"


def _crew_reasons(inst: Instance, settled: set[str]) -> list[str]:
    """A skill no crew has (once per skill), and for each train not ``settled`` by a more
    basic reason, the skills whose shifts leave too little time after it arrives (per
    skill, the shortest operation that does not fit: the longer ones follow)."""
    st = inst.station
    out: list[str] = []
    seen: set[str] = set()
    clock = Clock.of(inst)
    for train in inst.trains:
        needed = _needed(inst, train)
        short: dict[str, tuple[int, str]] = {}
        for rule, dur in needed:
            op, skill = rule.op, rule.skill
            if dur <= 0:
                continue
            crews = [c for c in st.crews if skill in c.skills and c.shifts]
            if not crews:
                if skill not in seen:
                    out.append(
                        f"no crew has skill {skill!r}, needed by {op} (train {train.id})"
                        + _skill_less(inst)
                    )
                    seen.add(skill)
                continue
            if train.id in settled:
                continue
            fits = [
                (a, b)
                for c in crews
                for a, b in c.shifts
                if min(b, inst.horizon) - max(a, train.arrival) >= dur
            ]
            if not fits and (skill not in short or dur < short[skill][0]):
                short[skill] = (dur, op)
        for skill, (dur, op) in short.items():
            out.append(
                f"train {train.id}: no shift of a crew with skill {skill!r} leaves "
                f"{dur} min for {op} after its arrival at {clock.at(train.arrival)} "
                f"before the horizon ends at {clock.at(inst.horizon)}"
            )
        if st.shunters or train.id in settled:
            continue
        for rule, dur in needed:
            if rule.shunter and dur > 0:
                out.append(f"train {train.id}: {rule.words} needs a shunter; the station has none")
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
    seen: set[tuple[int, str]] = set()
    for t in inst.trains:
        if not swaps[t.id][1]:
            continue
        for c in t.carriages:
            key = (t.to_gauge, c.bogie_type)
            if supply[key] < c.bogies and key not in seen:
                seen.add(key)
                out.append(
                    f"bogie stock of type {c.bogie_type!r} for gauge {t.to_gauge} can never "
                    f"suffice: carriage {c.id} of train {t.id} needs {c.bogies}, at most "
                    f"{supply[key]} can ever be in stock"
                )
                break
    return out


#: (carriage's fields but its id, method) -> its shed stay, for one train: carriages alike
#: have the same stay, so a long train of like carriages costs a handful of task graphs.
StayCache = dict[tuple[str, str], tuple[int, int]]


def _shed_stay(
    inst: Instance, train: Train, j: int, method: str, cache: StayCache | None = None
) -> tuple[int, int]:
    """(earliest start, shortest length) of the track hold of a block holding carriage j
    on a track of ``method``: the hold's span along carriage j's own chain of tasks (the
    train's own tasks are the same for every carriage, so ``cache`` holds it by the
    carriage's fields)."""
    key = (train.carriages[j].model_dump_json(exclude={"id"}), method)
    if cache is not None and key in cache:
        return cache[key]
    stay = _chain_stay(inst, train, j, method)
    if cache is not None:
        cache[key] = stay
    return stay


def _chain_stay(inst: Instance, train: Train, j: int, method: str) -> tuple[int, int]:
    """:func:`_shed_stay` worked out on the task graph."""
    nodes = task_graph(inst, train, "exchange", [BlockSpec((j,), method)])
    ends: list[int] = []
    start = end = 0
    for node in nodes:
        begin = max([node.release] + [ends[p] for p in node.preds])
        ends.append(begin + node.duration)
        if node.op == stay().start_op:
            start = begin
        if node.op == stay().end_op:
            end = ends[-1]
    return start, end - start


def _open_long_enough(track: Track, start: int, length: int, horizon: int) -> bool:
    """Whether ``track`` is free of maintenance for ``length`` min from ``start`` on."""
    free = track_windows(track.unavailable, horizon) or [(0, horizon)]
    return any(min(b, horizon) - max(a, start) >= length for a, b in free)


def _carriage_shut_out(
    inst: Instance, train: Train, j: int, cache: StayCache | None = None
) -> list[Track] | None:
    """The tracks that lift carriage j, when every one of them is closed for maintenance
    too long for its stay in the shed (None otherwise)."""
    car: Carriage = train.carriages[j]
    lifts = [t for t in inst.station.tracks if car.mass_t <= t.max_mass_t]
    if not lifts or not any(t.unavailable for t in lifts):
        return None
    for track in lifts:
        start, length = _shed_stay(inst, train, j, track.method, cache)
        if length <= 0 or _open_long_enough(track, start, length, inst.horizon):
            return None
    return lifts


def _window_reasons(inst: Instance, settled: set[str]) -> list[str]:
    """A train that can only be exchanged, with a carriage that no track lifting it is
    open long enough to take after the train arrives (v1.1 maintenance windows)."""
    clock = Clock.of(inst)
    out = []
    for train in inst.trains:
        if train.id in settled or possible_modes(inst, train) != ["exchange"]:
            continue
        cache: StayCache = {}
        for j, car in enumerate(train.carriages):
            lifts = _carriage_shut_out(inst, train, j, cache)
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


def _time_reason(inst: Instance, t: Train) -> str | None:
    """``t`` arrives, or may only leave, after the horizon (None: neither)."""
    clock = Clock.of(inst)
    end = clock.at(inst.horizon)
    if t.arrival > inst.horizon:
        return f"train {t.id} arrives at {clock.at(t.arrival)}, after the horizon ends at {end}"
    if t.earliest_departure is not None and t.earliest_departure > inst.horizon:
        return (
            f"train {t.id}: earliest_departure {clock.at(t.earliest_departure)} is after "
            f"the horizon ends at {end}"
        )
    return None


def _singleton_blocks(inst: Instance, train: Train) -> list[BlockSpec]:
    """One block per carriage, each on the method whose shed stay ends first (the
    quickest way through the shed, resources aside)."""
    specs = []
    cache: StayCache = {}
    for j, car in enumerate(train.carriages):
        methods = {t.method for t in inst.station.tracks if car.mass_t <= t.max_mass_t}
        best = min(sorted(methods), key=lambda m: sum(_shed_stay(inst, train, j, m, cache)))
        specs.append(BlockSpec((j,), best))
    return specs


def least_departure(inst: Instance, train: Train) -> int | None:
    """The earliest ``train`` could leave with unlimited crews and resources: each task at
    the end of its predecessors, a block per carriage (None: no mode can take it)."""
    best: int | None = None
    for mode in possible_modes(inst, train):
        specs = _singleton_blocks(inst, train) if mode == "exchange" else []
        for ground in ground_options(inst):
            nodes = task_graph(inst, train, mode, specs, ground=ground)
            ends: list[int] = []
            for n in nodes:
                ends.append(max([n.release] + [ends[p] for p in n.preds]) + n.duration)
            end_of = {n.op: e for n, e in zip(nodes, ends, strict=True) if n.rule.level == "train"}
            dep = departure(train, end_of)
            best = dep if best is None else min(best, dep)
    return best


def _too_short_reason(inst: Instance, t: Train) -> str | None:
    """Even with every crew and resource free, ``t`` cannot leave by the horizon."""
    dep = least_departure(inst, t)
    if dep is None or dep <= inst.horizon:
        return None
    clock = Clock.of(inst)
    return (
        f"train {t.id} arrives at {clock.at(t.arrival)} and needs at least "
        f"{duration(dep - t.arrival)} to cross (its operations end to end), but the horizon "
        f"ends at {clock.at(inst.horizon)}"
    )


def infeasibility_reasons(inst: Instance) -> list[str]:
    """The root causes found why ``inst`` has no schedule (empty: none found).

    Each train's most basic reason comes first and alone (see the module docstring); then
    missing skills and crew shifts, locomotives, bogie stock and maintenance windows.
    """
    per_train: dict[str, str] = {}
    for t in inst.trains:
        why = _time_reason(inst, t) or _mode_reason(inst, t) or _too_short_reason(inst, t)
        if why is not None:
            per_train[t.id] = why
    settled = set(per_train)
    return (
        list(per_train.values())
        + _crew_reasons(inst, settled)
        + _loco_reasons(inst)
        + _bogie_reasons(inst)
        + _window_reasons(inst, settled)
    )
