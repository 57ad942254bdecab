"""The instance families: ``single``, ``day`` and ``scarce`` here; ``cycling``,
``congested``, ``roles`` and ``random-skills`` in :mod:`.variants`.

Each recipe draws one instance (as a dict in the docs/file-formats.md format) from a random
generator and a size class; :func:`gaugeopt.generate.generate` checks feasibility and
re-draws. Figures: docs/sources.md (see :mod:`.ranges`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from gaugeopt.generate import ranges as R
from gaugeopt.generate import station as S
from gaugeopt.generate import variants, work
from gaugeopt.generate.trains import GAUGES, kind_for, train

#: Size classes per family: carriages of the train (single) or number of trains.
SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "single": {"any": (6, 60), "small": (6, 24), "medium": (30, 60)},
    "day": {"any": (4, 40), "small": (4, 6), "medium": (10, 20), "large": (30, 40)},
    "scarce": {"any": (1, 8), "small": (1, 3), "medium": (4, 8)},
    **variants.SIZES,
}
#: Least carriages of a ``large`` day.
LARGE_DAY_CARRIAGES = 500
#: Families whose size can also be fixed exactly: the counted thing and its name tag
#: (``single-c06-0001``: 6 carriages; ``day-t30-0001``: 30 trains). The allowed range is
#: the family's whole range, ``SIZES[family]["any"]``.
FIXED: dict[str, tuple[str, str]] = {"single": ("carriages", "c"), "day": ("trains", "t")}


def _count(rng: random.Random, family: str, size: str, n: int | None) -> int:
    """``n`` if fixed, else a count drawn from the family's size class."""
    return n if n is not None else rng.randint(*SIZES[family][size])


def _station(
    rng: random.Random,
    name: str,
    trains: list[dict[str, Any]],
    horizon: int,
    dur: dict[str, int],
    *,
    n_tracks: int,
    shunters: int,
    changer: bool,
    exchange_teams: int,
    support_teams: int,
    customs_teams: int,
    scarce: bool = False,
    cycle: bool = True,
) -> dict[str, Any]:
    heaviest = max(c["mass_t"] for t in trains for c in t["carriages"])
    return {
        "name": name,
        "tracks": S.tracks(rng, n_tracks, heaviest, scarce=scarce),
        "shunters": [{"id": f"SH{k + 1}"} for k in range(shunters)],
        "changer": {"id": "AGC1"} if changer else None,
        "bogie_stock": S.bogie_stock(rng, trains, scarce=scarce, cycle=cycle),
        "bogie_turnaround": R.draw(rng, R.BOGIE_TURNAROUND),
        "loco_turnaround": R.draw(rng, R.LOCO_TURNAROUND),
        "crews": S.crews(rng, horizon, exchange_teams, support_teams, customs_teams, scarce=scarce),
        "locomotives": S.locomotives(rng, trains, scarce=scarce),
        "durations": dur,
    }


def _arrivals(rng: random.Random, n: int, last: int = 1380) -> list[int]:
    """``n`` arrival times over one day, on 5-minute marks, in order."""
    return sorted(5 * rng.randint(0, last // 5) for _ in range(n))


def _directions(rng: random.Random, n: int) -> list[int]:
    """Origin gauges, balanced between the two directions (bogies and locos can cycle)."""
    dirs = [GAUGES[k % 2] for k in range(n)]
    rng.shuffle(dirs)
    return dirs


def single(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """One train of 6-60 carriages at a shed of 2-4 tracks (passenger, special or freight).

    ``n`` fixes the carriages; otherwise they are drawn from the size class.
    """
    n = _count(rng, "single", size, n)
    changer = rng.random() < 0.3
    kind = kind_for(rng, n, changer=changer)
    arrival = 5 * rng.randint(0, 72)
    trains = [train(rng, 1, kind, n, arrival, rng.choice(GAUGES))]
    horizon = 1440 if n <= 24 else 2880
    dur = S.durations(rng)
    dur_guess = work.exchange_minutes(trains, dur)
    return {
        "horizon": horizon,
        "station": _station(
            rng,
            "Single",
            trains,
            horizon,
            dur,
            n_tracks=R.draw(rng, R.TRACKS),
            shunters=rng.randint(1, 2),
            changer=changer,
            exchange_teams=max(3, min(8, math.ceil(dur_guess / 180))),
            support_teams=rng.randint(1, 2),
            customs_teams=1,
            cycle=False,
        ),
        "trains": trains,
    }


def day(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """A day of 4-40 trains both ways: passenger, freight, special, variable-gauge, through.

    Freight block trains are 16-44 wagons (24-44 on large days); the station grows with the
    traffic (docs/sources.md gives 2-4 tracks and 4-10 teams per shift for a passenger shed;
    busier days get up to 8 tracks and more teams, like Dostyk's 52 exchange positions).
    ``n`` fixes the number of trains; otherwise it is drawn from the size class.
    """
    n = _count(rng, "day", size, n)
    changer = rng.random() < 0.4
    freight_cars = R.LARGE_DAY_FREIGHT_CARS if size == "large" else R.SHORT_FREIGHT_CARS
    arrivals, dirs = _arrivals(rng, n), _directions(rng, n)
    trains = []
    for k in range(n):
        u = rng.random()
        if u < 0.45:
            kind, cars = "freight", R.draw(rng, freight_cars)
        elif u < 0.5:
            kind, cars = "through", R.draw(rng, R.PASSENGER_CARS)
        elif u < 0.55:
            kind, cars = "special", R.draw(rng, R.SPECIAL_CARS)
        elif changer and u < 0.7:
            kind, cars = "variable", R.draw(rng, R.PASSENGER_CARS)
        else:
            kind, cars = "passenger", R.draw(rng, R.PASSENGER_CARS)
        trains.append(
            train(rng, k + 1, kind, cars, arrivals[k], dirs[k], inbound=rng.random() < 0.9)
        )
    if size == "large":  # top up freight trains until the day has enough carriages
        freight = [t for t in trains if t["id"].startswith("F")] or trains
        while sum(len(t["carriages"]) for t in trains) < LARGE_DAY_CARRIAGES:
            t = rng.choice(freight)
            cars = t["carriages"]
            cars.append({**cars[-1], "id": f"{t['id']}-{len(cars) + 1:02d}"})
    total = sum(len(t["carriages"]) for t in trains)
    horizon = 2880 if n <= 20 else 4320
    dur = S.durations(rng)
    dur_guess = work.exchange_minutes(trains, dur)
    n_tracks = max(2, min(8, math.ceil(total / 110) + rng.randint(0, 1)))
    return {
        "horizon": horizon,
        "station": _station(
            rng,
            "Border day",
            trains,
            horizon,
            dur,
            n_tracks=n_tracks,
            shunters=1 if n_tracks <= 2 else (2 if n_tracks <= 5 else 3),
            changer=changer,
            # crew minutes of a day's exchange work over two 12 h shifts at ~60 % use
            exchange_teams=max(3, min(30, math.ceil(dur_guess / (R.DAY_MINUTES * 0.6)))),
            support_teams=max(2, min(6, math.ceil(n / 6))),
            customs_teams=max(1, min(6, math.ceil(n * 100 / (R.DAY_MINUTES * 0.5)))),
        ),
        "trains": trains,
    }


def scarce(rng: random.Random, size: str, n: int | None = None) -> dict[str, Any]:
    """1-8 trains of 8-24 carriages at a lean station.

    Few jack sets (1-2 per individual track), thin crews (one team per skill group) on
    narrow 8-hour day shifts, bogie stock of exactly the largest train's need, no spare
    locomotives, and in every train 1-3 heavy carriages (101-120 t) that only one track lifts.
    """
    n = _count(rng, "scarce", size, n)
    arrivals, dirs = _arrivals(rng, n), _directions(rng, n)
    trains = []
    for k in range(n):
        cars = rng.randint(8, 24)
        kind = kind_for(rng, cars, changer=False)
        trains.append(
            train(
                rng, k + 1, kind, cars, arrivals[k], dirs[k], heavy=rng.randint(1, 3), heavy_min=101
            )
        )
    horizon = 2880 if n <= 3 else 4320
    dur = S.durations(rng)
    dur_guess = work.exchange_minutes(trains, dur)
    return {
        "horizon": horizon,
        "station": _station(
            rng,
            "Lean",
            trains,
            horizon,
            dur,
            n_tracks=rng.randint(2, 3),
            shunters=1,
            changer=False,
            # about one day's exchange work per team-day of two 8-hour shifts
            exchange_teams=max(2, math.ceil(dur_guess / 960)),
            support_teams=1,
            customs_teams=1,
            scarce=True,
        ),
        "trains": trains,
    }


#: Recipes: ``recipe(rng, size, n)``; ``n`` (carriages of a single, trains otherwise) fixes
#: the count, ``None`` draws it from the size class.
FAMILIES: dict[str, Callable[[random.Random, str, int | None], dict[str, Any]]] = {
    "single": single,
    "day": day,
    "scarce": scarce,
    **variants.RECIPES,
}
