"""Harder families (issue 13): ``cycling``, ``congested``, ``roles``, ``random-skills``; and
``spread`` (issue 19).

* ``cycling``: pairs of trains of opposite directions with the same carriages, and a bogie
  stock of 4 per (gauge, type) — far below the 16-36 bogies one direction takes — so the
  bogies a train of one direction sets free are the ones the other direction needs.
* ``congested``: a day of 8-30 trains with crews for about half the work a day brings;
  trains wait into the next day, and the 3-4 day horizon leaves room for all of them.
* ``roles``: a day of 4-12 trains whose crews hold one or two skills by trade
  (:func:`.teams.role_crews`).
* ``random-skills``: a day of 4-10 trains over two days, three rotating shift teams, random
  skill sets per crew, every skill covered in every shift (:func:`.teams.rotating_crews`).
* ``inspected`` (contract v1.2): a ``roles`` day at a station that inspects every train on
  arrival (10-25 min, sometimes plus 1 a carriage; Erenhot's 20 min, docs/sources.md) with
  inspectors by trade, where about a third of the gauge-changing trains exchange their
  couplers in the shed (10-20 min a carriage; Brest's screw coupling for SA-3).
* ``spread``: 4-8 trains that arrive so far apart that they never compete for anything
  (the optimum is the sum of each train's own); teams as ``random-skills``.

Each recipe returns an instance dict (docs/file-formats.md); :func:`gaugeopt.generate.generate`
validates it, checks it with the constructive scheduler and re-draws when needed.
"""

from __future__ import annotations

import math
import random
from typing import Any

from gaugeopt.generate import ranges as R
from gaugeopt.generate import station as S
from gaugeopt.generate import teams, work
from gaugeopt.generate.trains import GAUGES, bogie_need, train

SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "cycling": {"any": (2, 8), "small": (2, 4), "medium": (6, 8)},
    "congested": {"any": (8, 30), "small": (8, 12), "medium": (16, 30)},
    "roles": {"any": (4, 12), "small": (4, 6), "medium": (8, 12)},
    "random-skills": {"any": (4, 10), "small": (4, 6), "medium": (8, 10)},
    "inspected": {"any": (4, 12), "small": (4, 6), "medium": (8, 12)},
    "spread": {"any": (4, 8), "small": (4, 5), "medium": (6, 8)},
}
#: Share of an ``inspected`` day's gauge-changing trains that exchange their couplers.
COUPLER_SHARE = 0.35
#: Bogies per (gauge, type) in a ``cycling`` station's stock.
CYCLING_STOCK = 4


def _count(rng: random.Random, family: str, size: str, n: int | None) -> int:
    return n if n is not None else rng.randint(*SIZES[family][size])


def _station(
    rng: random.Random,
    name: str,
    trains: list[dict[str, Any]],
    dur: dict[str, int],
    crews: list[dict[str, Any]],
    *,
    n_tracks: int,
    shunters: int,
    stock: list[dict[str, Any]] | None = None,
    individual: bool = False,
) -> dict[str, Any]:
    heaviest = max(c["mass_t"] for t in trains for c in t["carriages"])
    tracks = S.tracks(rng, n_tracks, heaviest)
    if individual:  # a roll needs a whole block's bogies at once
        for t in tracks:
            t["method"] = "individual"
            t["jack_sets"] = min(t["capacity"], max(2, t["jack_sets"]))
    return {
        "name": name,
        "tracks": tracks,
        "shunters": [{"id": f"SH{k + 1}"} for k in range(shunters)],
        "changer": None,
        "bogie_stock": stock if stock is not None else S.bogie_stock(rng, trains),
        "bogie_turnaround": R.draw(rng, R.BOGIE_TURNAROUND),
        "loco_turnaround": R.draw(rng, R.LOCO_TURNAROUND),
        "crews": crews,
        "locomotives": S.locomotives(rng, trains),
        "durations": dur,
    }


def _arrivals(rng: random.Random, n: int, last: int = 1380) -> list[int]:
    return sorted(5 * rng.randint(0, last // 5) for _ in range(n))


def _directions(rng: random.Random, n: int) -> list[int]:
    dirs = [GAUGES[k % 2] for k in range(n)]
    rng.shuffle(dirs)
    return dirs


def _kind(rng: random.Random, freight_share: float) -> tuple[str, int]:
    """A kind of train and its carriages: freight blocks, passenger, special, through."""
    u = rng.random()
    if u < freight_share:
        return "freight", R.draw(rng, R.SHORT_FREIGHT_CARS)
    if u < freight_share + 0.05:
        return "through", R.draw(rng, R.PASSENGER_CARS)
    if u < freight_share + 0.12:
        return "special", R.draw(rng, R.SPECIAL_CARS)
    return "passenger", R.draw(rng, R.PASSENGER_CARS)


def _mixed_trains(rng: random.Random, n: int, *, freight_share: float) -> list[dict[str, Any]]:
    """``n`` trains over one day, both ways: freight blocks, passenger, special, through."""
    arrivals, dirs = _arrivals(rng, n), _directions(rng, n)
    out = []
    for k in range(n):
        kind, cars = _kind(rng, freight_share)
        out.append(train(rng, k + 1, kind, cars, arrivals[k], dirs[k], inbound=rng.random() < 0.9))
    return out


def cycling(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """Pairs of opposite trains (8-18 passenger or 16-24 freight carriages, the same in
    both) arriving within two hours of each other, and 4 bogies per (gauge, type)."""
    n = _count(rng, "cycling", size, n)
    pairs = max(1, n // 2)
    trains: list[dict[str, Any]] = []
    for _ in range(pairs):
        kind = rng.choice(["passenger", "freight"])
        cars = R.draw(rng, R.PASSENGER_CARS if kind == "passenger" else (16, 24, 18))
        first = 5 * rng.randint(0, 1200 // 5)
        for k, gauge in enumerate(GAUGES if rng.random() < 0.5 else GAUGES[::-1]):
            arrival = first + (5 * rng.randint(0, 24) if k else 0)
            t = train(rng, len(trains) + 1, kind, cars, arrival, gauge, heavy=0)
            t["earliest_departure"] = None
            trains.append(t)
    trains.sort(key=lambda t: t["arrival"])
    stock = [{"gauge": g, "type": b, "count": CYCLING_STOCK} for g, b in sorted(bogie_need(trains))]
    horizon = 2880 if pairs <= 2 else 4320
    dur = S.durations(rng)
    crews = S.crews(rng, horizon, max(4, math.ceil(work.exchange_minutes(trains, dur) / 700)), 2, 2)
    return {
        "horizon": horizon,
        "station": _station(
            rng,
            "Cycling",
            trains,
            dur,
            crews,
            n_tracks=rng.randint(3, 4),
            shunters=2,
            stock=stock,
            individual=True,
        ),
        "trains": trains,
    }


def congested(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A day of 8-30 trains, crews for about 45-65 % of its work per day (so the work of
    day 1 runs into day 2 and beyond), and a horizon of 3 days (4 for more than 16 trains)."""
    n = _count(rng, "congested", size, n)
    trains = _mixed_trains(rng, n, freight_share=0.5)
    total = sum(len(t["carriages"]) for t in trains)
    horizon = 4320 if n <= 16 else 5760
    dur = S.durations(rng)
    exchange = work.exchange_minutes(trains, dur)
    # crew minutes of a day's exchange work, on 24 h of teams at 100 % / 45-65 % of it
    exchange_teams = max(2, math.ceil(exchange / R.DAY_MINUTES * rng.uniform(0.45, 0.65)))
    crews = S.crews(
        rng, horizon, exchange_teams, max(2, math.ceil(n / 8)), max(1, math.ceil(n / 10))
    )
    return {
        "horizon": horizon,
        "station": _station(
            rng,
            "Congested",
            trains,
            dur,
            crews,
            n_tracks=max(2, min(6, math.ceil(total / 150))),
            shunters=2 if total < 400 else 3,
        ),
        "trains": trains,
    }


def _crewed_day(
    rng: random.Random, family: str, size: str, n: int | None, horizon: int
) -> tuple[list[dict[str, Any]], dict[str, int], int]:
    n = _count(rng, family, size, n)
    trains = _mixed_trains(rng, n, freight_share=0.4)
    return trains, S.durations(rng), _n_tracks(trains)


def _n_tracks(trains: list[dict[str, Any]]) -> int:
    """2-6 tracks, one per 90 carriages of the day."""
    return max(2, min(6, math.ceil(sum(len(t["carriages"]) for t in trains) / 90)))


def _crewed(
    rng: random.Random,
    name: str,
    horizon: int,
    trains: list[dict[str, Any]],
    dur: dict[str, int],
    crews: list[dict[str, Any]],
    n_tracks: int,
) -> dict[str, Any]:
    """The instance of a day with its crews drawn: up to 3 shunters, one per track."""
    return {
        "horizon": horizon,
        "station": _station(
            rng, name, trains, dur, crews, n_tracks=n_tracks, shunters=min(3, n_tracks)
        ),
        "trains": trains,
    }


def roles(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A day of 4-12 trains; each crew holds one or two skills by trade."""
    horizon = 2880
    trains, dur, n_tracks = _crewed_day(rng, "roles", size, n, horizon)
    crews = teams.role_crews(rng, horizon, work.skill_minutes(trains, dur))
    return _crewed(rng, "Roles", horizon, trains, dur, crews, n_tracks)


def random_skills(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A day of 4-10 trains; three rotating teams over two days, random skill sets."""
    horizon = 2880
    trains, dur, n_tracks = _crewed_day(rng, "random-skills", size, n, horizon)
    crews = teams.rotating_crews(rng, horizon, work.skill_minutes(trains, dur))
    return _crewed(rng, "Random skills", horizon, trains, dur, crews, n_tracks)


def _apart(t: dict[str, Any], dur: dict[str, int]) -> int:
    """Minutes after a train's arrival by which it has surely left whatever crews it waits
    for: all its work one task at a time, every train-level operation, the slowest bogie
    and locomotive turnarounds and a 12-hour shift change, rounded up to the hour."""
    train_ops = sum(v for k, v in dur.items() if not k.endswith(("_per_carriage", "_per_bogie")))
    couple = dur["couple_per_carriage"] * len(t["carriages"])
    serial = work.exchange_minutes([t], dur) + train_ops + couple
    slack = R.BOGIE_TURNAROUND[1] + R.LOCO_TURNAROUND[1] + R.SHIFT_MINUTES
    return 60 * math.ceil((serial + slack) / 60)


def spread(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """4-8 trains that arrive far apart: each once the one before could have done all its
    work one task at a time (:func:`_apart`), so they never compete and the optimum is the
    sum of each train's own; three rotating teams, random skill sets (as ``random-skills``)."""
    n = _count(rng, "spread", size, n)
    dur, dirs = S.durations(rng), _directions(rng, n)
    trains: list[dict[str, Any]] = []
    arrival = 5 * rng.randint(0, 36)
    for k in range(n):
        kind, cars = _kind(rng, 0.4)
        t = train(rng, k + 1, kind, cars, arrival, dirs[k], inbound=rng.random() < 0.9)
        trains.append(t)
        arrival += _apart(t, dur)
    horizon = R.SHIFT_MINUTES * math.ceil(arrival / R.SHIFT_MINUTES)
    crews = teams.rotating_crews(rng, horizon, work.skill_minutes(trains, dur))
    return _crewed(rng, "Spread", horizon, trains, dur, crews, _n_tracks(trains))


def inspected(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A ``roles`` day of 4-12 trains with v1.2's arrival inspection and coupler exchange."""
    horizon = 2880
    trains, dur, n_tracks = _crewed_day(rng, "inspected", size, n, horizon)
    dur["inspection"] = rng.randint(10, 25)
    dur["inspection_per_carriage"] = rng.choice([0, 0, 1])
    dur["coupler"] = rng.randint(10, 20)
    for t in trains:
        t["coupler_exchange"] = t["from_gauge"] != t["to_gauge"] and rng.random() < COUPLER_SHARE
    need = work.skill_minutes(trains, dur)
    crews = teams.role_crews(rng, horizon, need)
    crews += teams.inspector_crews(horizon, need["inspection"])
    return {
        "horizon": horizon,
        "station": _station(
            rng, "Inspected", trains, dur, crews, n_tracks=n_tracks, shunters=min(3, n_tracks)
        ),
        "trains": trains,
    }


RECIPES = {
    "cycling": cycling,
    "congested": congested,
    "roles": roles,
    "random-skills": random_skills,
    "inspected": inspected,
    "spread": spread,
}
