"""Four harder families (issue 13): ``cycling``, ``congested``, ``roles``, ``random-skills``.

* ``cycling``: pairs of trains of opposite directions with the same carriages, and a bogie
  stock of 4 per (gauge, type) — far below the 16-36 bogies one direction takes — so the
  bogies a train of one direction sets free are the ones the other direction needs.
* ``congested``: a day of 8-30 trains with crews for about half the work a day brings;
  trains wait into the next day, and the 3-4 day horizon leaves room for all of them.
* ``roles``: a day of 4-12 trains whose crews hold one or two skills by trade
  (:func:`.teams.role_crews`).
* ``random-skills``: a day of 4-10 trains over two days, three rotating shift teams, random
  skill sets per crew, every skill covered in every shift (:func:`.teams.rotating_crews`).

Each recipe returns an instance dict (docs/file-formats.md); :func:`gaugeopt.generate.generate`
validates it, checks it with the constructive scheduler and re-draws when needed.
"""

from __future__ import annotations

import math
import random
from typing import Any

from gaugeopt.generate import ranges as R
from gaugeopt.generate import station as S
from gaugeopt.generate import teams
from gaugeopt.generate.trains import GAUGES, bogie_need, train

SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "cycling": {"any": (2, 8), "small": (2, 4), "medium": (6, 8)},
    "congested": {"any": (8, 30), "small": (8, 12), "medium": (16, 30)},
    "roles": {"any": (4, 12), "small": (4, 6), "medium": (8, 12)},
    "random-skills": {"any": (4, 10), "small": (4, 6), "medium": (8, 10)},
}
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


def _mixed_trains(rng: random.Random, n: int, *, freight_share: float) -> list[dict[str, Any]]:
    """``n`` trains over one day, both ways: freight blocks, passenger, special, through."""
    arrivals, dirs = _arrivals(rng, n), _directions(rng, n)
    out = []
    for k in range(n):
        u = rng.random()
        if u < freight_share:
            kind, cars = "freight", R.draw(rng, R.SHORT_FREIGHT_CARS)
        elif u < freight_share + 0.05:
            kind, cars = "through", R.draw(rng, R.PASSENGER_CARS)
        elif u < freight_share + 0.12:
            kind, cars = "special", R.draw(rng, R.SPECIAL_CARS)
        else:
            kind, cars = "passenger", R.draw(rng, R.PASSENGER_CARS)
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
    crews = S.crews(rng, horizon, max(4, math.ceil(S.exchange_minutes(trains, dur) / 700)), 2, 2)
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
    exchange = S.exchange_minutes(trains, dur)
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
    total = sum(len(t["carriages"]) for t in trains)
    return trains, S.durations(rng), max(2, min(6, math.ceil(total / 90)))


def roles(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A day of 4-12 trains; each crew holds one or two skills by trade."""
    horizon = 2880
    trains, dur, n_tracks = _crewed_day(rng, "roles", size, n, horizon)
    crews = teams.role_crews(rng, horizon, teams.skill_minutes(trains, dur))
    return {
        "horizon": horizon,
        "station": _station(
            rng, "Roles", trains, dur, crews, n_tracks=n_tracks, shunters=min(3, n_tracks)
        ),
        "trains": trains,
    }


def random_skills(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A day of 4-10 trains; three rotating teams over two days, random skill sets."""
    horizon = 2880
    trains, dur, n_tracks = _crewed_day(rng, "random-skills", size, n, horizon)
    crews = teams.rotating_crews(rng, horizon, teams.skill_minutes(trains, dur))
    return {
        "horizon": horizon,
        "station": _station(
            rng, "Random skills", trains, dur, crews, n_tracks=n_tracks, shunters=min(3, n_tracks)
        ),
        "trains": trains,
    }


RECIPES = {
    "cycling": cycling,
    "congested": congested,
    "roles": roles,
    "random-skills": random_skills,
}
