"""What a part of a day leaves of the station for the trains after it.

A day whose trains come in separate waves (no train of a wave still in the station when the
next wave arrives) is solved wave by wave (:mod:`~gaugeopt.pipeline.decompose`). The waves
share no crew, shunter, track or changer time, since none of them overlaps the next in time;
what they do share are the stocks a train takes away: bogies and mainline locomotives.
:func:`residual_instance` is the next wave alone, with the station as the waves before it
left it:

* **bogies** — each bogie task of the earlier schedule takes its carriages' bogies of the
  new gauge at its start and gives back as many of the old gauge at its end +
  ``bogie_turnaround`` (the rulebook's ``bogies`` operations). The wave starts with the
  initial stock, less what was taken, plus what came back by the wave's first arrival
  (bogies back later are left out: fewer bogies, so the wave's schedule still holds);
* **locomotives** — a station locomotive an earlier train took out is gone; an earlier
  train's inbound locomotive that no train took becomes a station locomotive, available
  from that train's detach end + ``loco_turnaround`` (the rulebook's ``LOCO_FREED_BY``).

A locomotive that a later wave's train takes in the schedule being improved is kept for
it, so the wave's new schedule leaves the later waves theirs. The wave's horizon is the
next wave's first arrival, so its schedule ends before the next
wave starts and the waves never overlap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from gaugeopt.model.instance import BogieStock, Instance, Locomotive, Train
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules.reading import BOGIE_OPS, HAUL_OPS, Reading
from gaugeopt.rules.rulebook import LOCO_FREED_BY

#: (gauge, bogie type) -> bogies.
Stock = Counter[tuple[int, str]]


def _bogie_flows(inst: Instance, before: Solution, at: int) -> tuple[Stock, Stock]:
    """Bogies the earlier schedule took from the stock, and those back in it by ``at``."""
    trains = {t.id: t for t in inst.trains}
    reading = Reading(before)
    taken: Stock = Counter()
    back: Stock = Counter()
    turnaround = inst.station.bogie_turnaround
    for task in before.tasks:
        if task.op not in BOGIE_OPS:
            continue
        train = trains[task.train]
        cars = {c.id: c for c in train.carriages}
        for car_id in reading.carriages_of(task):
            car = cars[car_id]
            taken[(train.to_gauge, car.bogie_type)] += car.bogies
            if task.end + turnaround <= at:
                back[(train.from_gauge, car.bogie_type)] += car.bogies
    return taken, back


def _stock(inst: Instance, before: Solution, at: int) -> list[BogieStock]:
    """The bogie stock a wave arriving at ``at`` starts with."""
    stock: Stock = Counter({(b.gauge, b.type): b.count for b in inst.station.bogie_stock})
    taken, back = _bogie_flows(inst, before, at)
    stock.subtract(taken)
    stock.update(back)
    return [
        BogieStock(gauge=gauge, type=kind, count=count)
        for (gauge, kind), count in sorted(stock.items())
        if count > 0
    ]


def taken_locomotives(tasks: Iterable[Task]) -> set[str]:
    """The locomotives ``tasks`` take out."""
    return {t.locomotive for t in tasks if t.op in HAUL_OPS and t.locomotive}


def _locomotives(
    inst: Instance, before: Solution, earlier: list[Train], kept: set[str]
) -> list[Locomotive]:
    """The locomotives left to a later wave: the station's and the earlier trains' inbound
    ones that no earlier train took out and that are not ``kept`` for later waves, each
    from when it is free."""
    taken = taken_locomotives(before.tasks) | kept
    out = [loco for loco in inst.station.locomotives if loco.id not in taken]
    freed = {t.train: t.end for t in before.tasks if t.op == LOCO_FREED_BY}
    turnaround = inst.station.loco_turnaround
    for train in earlier:
        loco = train.inbound_loco
        if loco is None or loco.id in taken or train.id not in freed:
            continue
        out.append(
            Locomotive(id=loco.id, gauge=loco.gauge, available_from=freed[train.id] + turnaround)
        )
    return out


def residual_instance(
    inst: Instance,
    wave: list[Train],
    earlier: list[Train],
    before: Solution,
    horizon: int,
    kept: set[str] | None = None,
) -> Instance:
    """``wave`` alone, ending by ``horizon``, with the bogies and locomotives the
    ``earlier`` trains' schedule ``before`` leaves (see the module's docstring), less the
    locomotives ``kept`` for the trains after it."""
    at = min(t.arrival for t in wave)
    station = inst.station.model_copy(
        update={
            "bogie_stock": _stock(inst, before, at),
            "locomotives": _locomotives(inst, before, earlier, kept or set()),
        }
    )
    return inst.model_copy(update={"trains": wave, "station": station, "horizon": horizon})
