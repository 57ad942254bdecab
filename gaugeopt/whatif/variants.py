"""The what-if variants of an instance: one resource more, or one less, each in turn.

Every variant is an edited deep copy of the instance (``model_copy(deep=True)``); the
original is never touched. Added resources get fresh ids. The kinds, in order:

* ``+crew``: one more crew like each distinct (skills, shifts) pair of the station's crews;
* ``+jack set``: one more jack set on each ``individual`` track;
* ``+shunter``: one more shunter;
* ``+locomotive``: one more station locomotive, available from t = 0, of each outbound gauge;
* ``+bogies``: more bogies of each (gauge, type) that swaps take from the stock: as many as
  the carriage of that type with the most bogies has, i.e. enough for one more carriage;
* ``+track``: a copy of the largest track (capacity, then jack sets, then mass limit), in
  service all day (no maintenance windows);
* ``+changer``: a gauge changer, where the station has none (it only helps trains whose
  carriages are all variable-gauge);
* ``-crew``, ``-track``: each crew, and each track, lost in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from gaugeopt.clock import Clock
from gaugeopt.model.instance import BogieStock, Changer, Instance, Locomotive, Shunter

#: Every kind of variant, in the order they are generated.
KINDS: tuple[str, ...] = (
    "+crew",
    "+jack set",
    "+shunter",
    "+locomotive",
    "+bogies",
    "+track",
    "+changer",
    "-crew",
    "-track",
)


@dataclass(frozen=True)
class Variant:
    """One change to the instance: its label (``change``), its kind and the edited copy."""

    change: str
    kind: str
    instance: Instance


def fresh_id(base: str, taken: set[str]) -> str:
    """``base-new`` (or ``base-new2``, ...): an id not in ``taken``."""
    candidate, k = f"{base}-new", 1
    while candidate in taken:
        k += 1
        candidate = f"{base}-new{k}"
    return candidate


def span_label(clock: Clock, a: int, b: int) -> str:
    """``06:00–18:00`` (day 1 without an epoch); ``day 2 06:00–18:00``; across midnight
    ``22:00–day 2 06:00``; with an epoch the date where it is not t = 0's."""
    text = clock.span(a, b)
    if clock.offset:
        text = text.removesuffix(f" {clock.offset}")
    return text.removeprefix(f"{clock.date(0)} ")


def shifts_label(shifts: list[tuple[int, int]], clock: Clock | None = None) -> str:
    """``00:00–12:00``; ``00:00–08:00,10:00–18:00``; ``6 shifts 00:00–24:00`` for more
    than two (clock times of ``clock``, by default without an epoch)."""
    clock = clock or Clock()
    spans = sorted(shifts)
    if len(spans) <= 2:
        return ",".join(span_label(clock, a, b) for a, b in spans) or "no shifts"
    return f"{len(spans)} shifts {span_label(clock, spans[0][0], spans[-1][1])}"


def more_crews(inst: Instance) -> Iterator[Variant]:
    """A crew like the first of each distinct (skills, shifts) pair."""
    seen: set[tuple[tuple[str, ...], tuple[tuple[int, int], ...]]] = set()
    labels: set[str] = set()
    taken = {c.id for c in inst.station.crews}
    for crew in inst.station.crews:
        key = (tuple(sorted(crew.skills)), tuple(sorted(crew.shifts)))
        if key in seen:
            continue
        seen.add(key)
        new = crew.model_copy(deep=True, update={"id": fresh_id(crew.id, taken)})
        label = f"+crew {'/'.join(key[0])} {shifts_label(crew.shifts, Clock.of(inst))}"
        if label in labels:  # same skills and the same shift summary: say which crew
            label += f" like {crew.id}"
        labels.add(label)
        copy = inst.model_copy(deep=True)
        copy.station.crews.append(new)
        yield Variant(label, "+crew", copy)


def more_jack_sets(inst: Instance) -> Iterator[Variant]:
    for i, track in enumerate(inst.station.tracks):
        if track.method != "individual":
            continue

        copy = inst.model_copy(deep=True)
        copy.station.tracks[i].jack_sets += 1
        yield Variant(f"+jack set {track.id}", "+jack set", copy)


def more_shunters(inst: Instance) -> Iterator[Variant]:
    new = Shunter(id=fresh_id("shunter", {s.id for s in inst.station.shunters}))
    copy = inst.model_copy(deep=True)
    copy.station.shunters.append(new)
    yield Variant("+shunter", "+shunter", copy)


def _loco_ids(inst: Instance) -> set[str]:
    ids = {loco.id for loco in inst.station.locomotives}
    ids.update(t.inbound_loco.id for t in inst.trains if t.inbound_loco is not None)
    return ids


def more_locomotives(inst: Instance) -> Iterator[Variant]:
    taken = _loco_ids(inst)
    for gauge in sorted({t.to_gauge for t in inst.trains}):
        new = Locomotive(id=fresh_id(f"loco-{gauge}", taken), gauge=gauge, available_from=0)
        copy = inst.model_copy(deep=True)
        copy.station.locomotives.append(new)
        yield Variant(f"+locomotive {gauge}", "+locomotive", copy)


def bogie_needs(inst: Instance) -> dict[tuple[int, str], int]:
    """(gauge, type) that swaps take from the stock → most bogies of one such carriage."""
    needs: dict[tuple[int, str], int] = {}
    for train in inst.trains:
        if train.from_gauge == train.to_gauge:
            continue
        for car in train.carriages:
            key = (train.to_gauge, car.bogie_type)
            needs[key] = max(needs.get(key, 0), car.bogies)
    return dict(sorted(needs.items()))


def more_bogies(inst: Instance) -> Iterator[Variant]:
    for (gauge, btype), extra in bogie_needs(inst).items():
        copy = inst.model_copy(deep=True)
        stock = copy.station.bogie_stock
        held = [b for b in stock if (b.gauge, b.type) == (gauge, btype)]
        if held:
            held[0].count += extra
        else:
            stock.append(BogieStock(gauge=gauge, type=btype, count=extra))
        yield Variant(f"+{extra} bogies {gauge} {btype}", "+bogies", copy)


def more_tracks(inst: Instance) -> Iterator[Variant]:
    tracks = inst.station.tracks
    if not tracks:
        return
    largest = max(tracks, key=lambda t: (t.capacity, t.jack_sets, t.max_mass_t))
    new = largest.model_copy(
        deep=True, update={"id": fresh_id(largest.id, {t.id for t in tracks}), "unavailable": []}
    )
    copy = inst.model_copy(deep=True)
    copy.station.tracks.append(new)
    yield Variant(f"+track like {largest.id}", "+track", copy)


def more_changers(inst: Instance) -> Iterator[Variant]:
    if inst.station.changer is not None:
        return
    copy = inst.model_copy(deep=True)
    copy.station.changer = Changer(id="changer-new")
    yield Variant("+changer", "+changer", copy)


def fewer_crews(inst: Instance) -> Iterator[Variant]:
    for i, crew in enumerate(inst.station.crews):
        copy = inst.model_copy(deep=True)
        del copy.station.crews[i]
        yield Variant(f"-crew {crew.id}", "-crew", copy)


def fewer_tracks(inst: Instance) -> Iterator[Variant]:
    for i, track in enumerate(inst.station.tracks):
        copy = inst.model_copy(deep=True)
        del copy.station.tracks[i]
        yield Variant(f"-track {track.id}", "-track", copy)


GENERATORS: tuple[Callable[[Instance], Iterator[Variant]], ...] = (
    more_crews,
    more_jack_sets,
    more_shunters,
    more_locomotives,
    more_bogies,
    more_tracks,
    more_changers,
    fewer_crews,
    fewer_tracks,
)


def variants(instance: Instance) -> list[Variant]:
    """Every what-if variant of ``instance``, kind by kind (see :data:`KINDS`)."""
    return [v for generate in GENERATORS for v in generate(instance)]
