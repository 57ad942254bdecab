"""Why no schedule meets the horizon, in numbers: the load on each resource.

For every resource — the crews that hold a set of skills, the shed tracks by mass class,
the jack sets, the shunters, the changer, the bogies of a (gauge, type) and the locomotives
of a gauge — :func:`loads` sets the work the trains certainly need against what the
station has after their arrivals and before the horizon:

* **time resources** (crews, tracks, jack sets, shunters, changer): for each arrival time
  ``a``, the minutes needed by the trains arriving at or after ``a`` (each train in its
  cheapest configuration for that resource, with the fewest blocks its carriages allow)
  against the minutes the resource is on duty or open in ``[a, horizon)``. A crew counts
  for a set of skills when it holds one of them; a crew does one task at a time, so its
  minutes on duty bound the work it can do.
* **counted resources**: bogies of a (gauge, type) needed by the trains that exchange into
  that gauge against the stock plus every bogie the trains leaving that gauge can set
  free; locomotives of a gauge needed against the station's and the inbound ones.

Every "needed" figure is a lower bound and every "available" figure an upper bound, so a
load above 100 % proves the horizon too short for that resource; durations come from the
rulebook (:data:`gaugeopt.rules.OPS`). :func:`root_cause` picks the most loaded resource,
the one line a planner acts on.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from gaugeopt.clock import Clock
from gaugeopt.model.instance import SKILLS, Carriage, Crew, Instance, Track, Train
from gaugeopt.rules import (
    METHODS,
    OPS,
    ground_options,
    possible_modes,
    stay,
)
from gaugeopt.rules import pool as jack_pool

#: Keys of the time resources besides skills.
SHUNTERS, CHANGER, JACKS = "shunters", "changer", "jack sets"
#: A load within this share of the worst one is as good a cause, if it names fewer skills.
NEAR = 0.9
#: Most skills a crew pool of :func:`loads` combines (all subsets up to this size).
MAX_POOL = len(SKILLS)


@dataclass(frozen=True)
class Load:
    """One resource's load: ``needed`` against ``available`` (in ``unit``)."""

    resource: str
    needed: int
    available: int
    unit: str
    #: Where the available amount is: "on duty in day 1 06:00–18:00", "in stock or set free".
    where: str
    #: The work counted is that of the trains arriving at or after this minute (None:
    #: counted resources, all trains).
    start: int | None = None
    #: The first arrival of the instance (``start`` equal to it reads "after arrivals").
    first_arrival: int = 0
    #: Skills of a crew pool, for ordering (a smaller pool first at equal load).
    pool: int = 0

    @property
    def ratio(self) -> float:
        """needed / available (inf when nothing is available but something is needed)."""
        if self.available <= 0:
            return math.inf if self.needed > 0 else 0.0
        return self.needed / self.available

    @property
    def overloaded(self) -> bool:
        return self.needed > self.available

    def line(self, clock: Clock | None = None) -> str:
        """``lifting: 1,240 crew-min needed after arrivals, 960 on duty in day 1
        06:00–18:00 (129 %)``."""
        clock = clock or Clock()
        if self.start is None or self.start <= self.first_arrival:
            after = "after arrivals" if self.start is not None else ""
        else:
            after = f"by the trains arriving from {clock.at(self.start)}"
        unit = self.unit[:-1] if self.needed == 1 and self.unit.endswith("s") else self.unit
        needed = f"{self.needed:,} {unit} needed" + (f" {after}" if after else "")
        if math.isinf(self.ratio):  # nothing available: say so in words, not as a ratio
            return f"{self.resource}: {needed}, but none {self.where}"
        pct = f"{100 * self.ratio:.0f} %"
        return f"{self.resource}: {needed}, {self.available:,} {self.where} ({pct})"


# --- what one train needs ----------------------------------------------------------------

#: Demand of one train in one configuration: minutes (or counts) by resource key.
Demand = dict[str, int]


def _track_classes(inst: Instance) -> list[float]:
    """The distinct ``max_mass_t`` of the tracks, ascending: class ``i`` is every track
    lifting at least the ``i``-th; the carriages heavier than the one below need it."""
    return sorted({t.max_mass_t for t in inst.station.tracks})


def _track_key(classes: list[float], i: int) -> str:
    return "tracks" if i == 0 else f"tracks lifting over {classes[i - 1]:g} t"


def _hold_ops(start: str, end: str) -> tuple[str, ...]:
    """The operations a hold spans: ``start``, ``end`` and every operation that waits for
    ``start`` and that ``end`` waits for (through others); not a step beside the chain."""
    after = {r.op: set(r.after) for r in OPS}

    def reaches(a: str, b: str) -> bool:  # b waits, through others, for a
        todo, seen = [b], set()
        while todo:
            op = todo.pop()
            if op == a:
                return True
            if op not in seen:
                seen.add(op)
                todo.extend(after.get(op, ()))
        return False

    return tuple(r.op for r in OPS if reaches(start, r.op) and reaches(r.op, end))


_JACK_OPS = _hold_ops(jack_pool().start_op, jack_pool().end_op)
_TRACK_ENDS = (stay().start_op, stay().end_op)


def _fits(track: Track, car: Carriage) -> bool:
    return car.mass_t <= track.max_mass_t


def _carriage_demand(inst: Instance, train: Train, car: Carriage, ground: bool) -> Demand:
    """The least a carriage adds to each resource in exchange mode, over the methods of
    the tracks that lift it (component by component: a lower bound for every pool)."""
    d = inst.station.durations
    fitting = [t for t in inst.station.tracks if _fits(t, car)]
    per_method: list[Demand] = []
    for method in METHODS:
        tracks = [t for t in fitting if t.method == method]
        if not tracks:
            continue
        dem: Demand = {}
        jack = 0
        for rule in OPS:
            if not rule.exists("exchange", method, ground) or rule.level == "train":
                continue
            if rule.level == "carriage":
                minutes = rule.minutes(d, train, [car], ground)
            elif rule.per_carriage is not None:  # a block task's share of this carriage
                minutes = rule.per_carriage(d, car)
            else:
                continue
            dem[rule.skill] = dem.get(rule.skill, 0) + minutes
            if rule.shunter:
                dem[SHUNTERS] = dem.get(SHUNTERS, 0) + minutes
            if rule.op in _JACK_OPS and rule.level == "carriage":
                jack += minutes
        if method in jack_pool().methods:
            dem[JACKS] = jack
            # the track's share: jack time over the jack sets working side by side
            dem["@track"] = min(jack // jack_pool().capacity(t) for t in tracks)
        else:
            dem["@track"] = 0
        per_method.append(dem)
    keys = {k for dem in per_method for k in dem}
    return {k: min(dem.get(k, 0) for dem in per_method) for k in keys}


def _block_minutes(inst: Instance, train: Train, ground: bool) -> Demand:
    """The fixed minutes every block adds in exchange mode, whatever its method (its
    shunts in and out), by resource; method-specific fixed parts (a roll's setup) are left
    out, as a lower bound."""
    d = inst.station.durations
    dem: Demand = {}
    for rule in OPS:
        if rule.level != "block":
            continue
        if not all(rule.exists("exchange", m, ground) for m in METHODS):
            continue
        minutes = rule.fixed(d, train, ground)
        dem[rule.skill] = dem.get(rule.skill, 0) + minutes
        if rule.shunter:
            dem[SHUNTERS] = dem.get(SHUNTERS, 0) + minutes
        if rule.op in _TRACK_ENDS:
            dem["@track"] = dem.get("@track", 0) + minutes
    return dem


def _least_blocks(tracks: list[Track], cars: list[Carriage]) -> int:
    """The fewest blocks ``cars`` can be cut into on ``tracks`` (by capacity)."""
    if not cars:
        return 0
    biggest = max((t.capacity for t in tracks), default=0)
    return math.ceil(len(cars) / biggest) if biggest else len(cars)


def _train_level(inst: Instance, train: Train, mode: str, ground: bool) -> Demand:
    d = inst.station.durations
    dem: Demand = {}
    for rule in OPS:
        if rule.level != "train" or not rule.exists(mode, ground=ground):
            continue
        minutes = rule.minutes(d, train, train.carriages, ground)
        dem[rule.skill] = dem.get(rule.skill, 0) + minutes
        if rule.shunter:
            dem[SHUNTERS] = dem.get(SHUNTERS, 0) + minutes
        if rule.changer:
            dem[CHANGER] = dem.get(CHANGER, 0) + minutes
    return dem


def _add(into: Demand, more: Demand, times: int = 1) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v * times


def train_demands(inst: Instance, train: Train) -> list[Demand]:
    """What ``train`` needs of each resource, one dict per configuration it may take
    (mode and ground-air choice); every figure is a lower bound for that configuration."""
    classes = _track_classes(inst)
    tracks = inst.station.tracks
    out = []
    for mode in possible_modes(inst, train):
        for ground in ground_options(inst):
            dem = _train_level(inst, train, mode, ground)
            if mode == "exchange":
                cars = [_carriage_demand(inst, train, c, ground) for c in train.carriages]
                for c in cars:
                    _add(dem, {k: v for k, v in c.items() if k != "@track"})
                block = _block_minutes(inst, train, ground)
                blocks = _least_blocks(tracks, train.carriages)
                _add(dem, {k: v for k, v in block.items() if k != "@track"}, blocks)
                for i, mass in enumerate(classes):
                    lighter = classes[i - 1] if i else -math.inf
                    heavy = [j for j, c in enumerate(train.carriages) if c.mass_t > lighter]
                    in_class = [t for t in tracks if t.max_mass_t >= mass]
                    n_blocks = _least_blocks(in_class, [train.carriages[j] for j in heavy])
                    share = sum(cars[j].get("@track", 0) for j in heavy)
                    dem[_track_key(classes, i)] = n_blocks * block.get("@track", 0) + share
            out.append(dem)
    return out


# --- what the station has ----------------------------------------------------------------


def _overlap(a: int, b: int, lo: int, hi: int) -> int:
    return max(0, min(b, hi) - max(a, lo))


def _duty(crew: Crew, lo: int, hi: int) -> int:
    return sum(_overlap(a, b, lo, hi) for a, b in crew.shifts)


def _open(track: Track, lo: int, hi: int) -> int:
    closed = sum(_overlap(a, b, lo, hi) for a, b in track.unavailable)
    return max(0, hi - lo - closed)


def _spans(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merged spans of the given windows, in time order."""
    out: list[list[int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _duty_text(clock: Clock, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return "on duty (no shift left before the horizon)"
    if len(spans) <= 2:
        return f"on duty in {clock.spans(spans)}"
    return (
        f"on duty in {len(spans)} spans from {clock.at(spans[0][0], offset=False)} "
        f"to {clock.at(spans[-1][1], offset=False)}"
    )


def _starts(inst: Instance) -> list[int]:
    return sorted({t.arrival for t in inst.trains})


def _least(demands: list[Demand], keys: Iterable[str]) -> int:
    """The least, over configurations, of the summed minutes for ``keys``."""
    keys = list(keys)
    if not demands:
        return 0
    return min(sum(dem.get(k, 0) for k in keys) for dem in demands)


def _crew_loads(inst: Instance, per_train: list[list[Demand]], clock: Clock) -> list[Load]:
    """The worst window of every pool of skills (crews holding one of them)."""
    st, horizon = inst.station, inst.horizon
    starts = _starts(inst)
    first = starts[0] if starts else 0
    # Each crew's duty and each train's least demand once, not once per pool and window.
    duty = {c.id: [_duty(c, a, horizon) for a in starts] for c in st.crews}
    out = []
    for size in range(1, MAX_POOL + 1):
        for pool in itertools.combinations(SKILLS, size):
            crews = [c for c in st.crews if set(c.skills) & set(pool)]
            least = [_least(dem, pool) for dem in per_train]
            best: Load | None = None
            for k, a in enumerate(starts):
                need = sum(n for t, n in zip(inst.trains, least, strict=True) if t.arrival >= a)
                if need <= 0:
                    continue
                have = sum(duty[c.id][k] for c in crews)
                load = Load(_pool_name(pool), need, have, "crew-min", "", a, first, size)
                if best is None or load.ratio > best.ratio:
                    best = load
            if best is not None:
                out.append(_with_duty(best, crews, horizon, clock))
    return out


def _pool_name(pool: tuple[str, ...]) -> str:
    """``lifting`` for one skill; ``crews with coupling, lifting or bogie`` for more."""
    if len(pool) == 1:
        return pool[0]
    return f"crews with {', '.join(pool[:-1])} or {pool[-1]}"


def _with_duty(load: Load, crews: list[Crew], horizon: int, clock: Clock) -> Load:
    """``load`` with the spans its crews are on duty in its window as ``where``."""
    a = load.start or 0
    spans = _spans(
        (max(s, a), min(e, horizon))
        for c in crews
        for s, e in c.shifts
        if _overlap(s, e, a, horizon)
    )
    return replace(load, where=_duty_text(clock, spans))


def _machine_loads(inst: Instance, per_train: list[list[Demand]], clock: Clock) -> list[Load]:
    """The worst window of the tracks by mass class, jack sets, shunters and changer."""
    st, horizon = inst.station, inst.horizon
    starts = _starts(inst)
    first = starts[0] if starts else 0
    classes = _track_classes(inst)
    pools: list[tuple[str, str, object]] = [
        (_track_key(classes, i), "track-min", [t for t in st.tracks if t.max_mass_t >= m])
        for i, m in enumerate(classes)
    ]
    pools.append((JACKS, "jack-set-min", [t for t in st.tracks if t.method in jack_pool().methods]))
    pools.append((SHUNTERS, "shunter-min", len(st.shunters)))
    pools.append((CHANGER, "changer-min", 1 if st.changer is not None else 0))
    out = []
    for key, unit, what in pools:
        best: Load | None = None
        for a in starts:
            need = sum(
                _least(dem, [key])
                for t, dem in zip(inst.trains, per_train, strict=True)
                if t.arrival >= a
            )
            if need <= 0:
                continue
            if isinstance(what, list):
                have = sum(
                    _open(t, a, horizon) * (jack_pool().capacity(t) if key == JACKS else 1)
                    for t in what
                )
                count = len(what) if key != JACKS else sum(jack_pool().capacity(t) for t in what)
            else:
                assert isinstance(what, int)
                have, count = what * (horizon - a), what
            if a < horizon:
                where = f"open in {clock.span(a, horizon)} ({count} in all)"
            else:  # they arrive after the horizon: nothing of the day is left for them
                where = f"open after the horizon ends at {clock.at(horizon)} ({count} in all)"
            load = Load(key, need, have, unit, where, a, first)
            if best is None or load.ratio > best.ratio:
                best = load
        if best is not None:
            out.append(best)
    return out


def _counted_loads(inst: Instance) -> list[Load]:
    """Bogies per (gauge, type) and locomotives per gauge, counted over the horizon."""
    st = inst.station
    need: dict[tuple[int, str], int] = {}
    freed: dict[tuple[int, str], int] = {}
    for t in inst.trains:
        modes = possible_modes(inst, t)
        for c in t.carriages:
            if "exchange" in modes:  # it may set bogies free
                key = (t.from_gauge, c.bogie_type)
                freed[key] = freed.get(key, 0) + c.bogies
            if modes == ["exchange"]:  # it certainly takes bogies
                key = (t.to_gauge, c.bogie_type)
                need[key] = need.get(key, 0) + c.bogies
    stock = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    out = []
    for (gauge, btype), n in sorted(need.items()):
        have = stock.get((gauge, btype), 0) + freed.get((gauge, btype), 0)
        where = "in stock or set free by the trains of the other direction"
        out.append(Load(f"bogies {gauge}/{btype}", n, have, "bogies", where))
    for gauge in sorted({t.to_gauge for t in inst.trains}):
        n = sum(1 for t in inst.trains if t.to_gauge == gauge and possible_modes(inst, t))
        have = sum(
            1 for lo in st.locomotives if lo.gauge == gauge and lo.available_from < inst.horizon
        ) + sum(1 for t in inst.trains if t.inbound_loco and t.inbound_loco.gauge == gauge)
        out.append(
            Load(f"locomotives {gauge}", n, have, "locomotives", "at the station or inbound")
        )
    return out


def loads(inst: Instance) -> list[Load]:
    """Every resource's load, the most loaded first (see the module doc)."""
    clock = Clock.of(inst)
    per_train = [train_demands(inst, t) for t in inst.trains]
    every = _crew_loads(inst, per_train, clock)
    every += _machine_loads(inst, per_train, clock)
    every += _counted_loads(inst)
    return sorted(every, key=lambda ld: (-ld.ratio, ld.pool, ld.resource))


def root_cause(inst: Instance) -> Load | None:
    """The most overloaded resource; when none is, the most loaded one that works in time
    (crews, tracks, jack sets, shunters, changer: a count of bogies or locomotives below
    100 % says nothing about how long the work takes). None when the trains need nothing."""
    every = loads(inst)
    if not every[0:1] or not every[0].overloaded:
        every = [ld for ld in every if ld.start is not None] or every
    if not every:
        return None
    # Of the loads close to the worst, the one that names the fewest skills.
    close = [ld for ld in every if ld.ratio >= NEAR * every[0].ratio]
    return min(close, key=lambda ld: (max(1, ld.pool), -ld.ratio))


def root_cause_line(inst: Instance) -> str:
    """One line: the overloaded resource with its numbers, or the most loaded one when
    none is overloaded on its own."""
    top = root_cause(inst)
    if top is None:
        return "no resource is loaded"
    text = top.line(Clock.of(inst))
    if top.overloaded:
        return text
    return f"no resource is overloaded on its own; the most loaded is {text}"
