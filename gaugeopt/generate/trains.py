"""Drawing trains: passenger, special (armoured), freight, variable-gauge and through trains.

Sizes, masses and border-check times follow docs/sources.md (see :mod:`.ranges`).
"""

from __future__ import annotations

import random
from typing import Any

from gaugeopt.generate import ranges as R

GAUGES = (1435, 1520)
#: Train id prefix per kind.
PREFIX = {"passenger": "P", "special": "S", "freight": "F", "variable": "V", "through": "H"}


def kind_for(rng: random.Random, n: int, *, changer: bool) -> str:
    """A train kind that fits ``n`` carriages (docs/sources.md sizes); freight above 21."""
    if n <= R.PASSENGER_CARS[1]:
        kinds = ["passenger", "passenger", "special"]
        if changer:
            kinds.append("variable")
        return rng.choice(kinds)
    if n <= R.SPECIAL_CARS[1]:
        return rng.choice(["special", "freight"])
    return "freight"


def _carriage(cid: str, mass: float, btype: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "mass_t": mass, "bogies": 2, "bogie_type": btype, **extra}


def carriages(
    rng: random.Random, tid: str, kind: str, n: int, *, heavy: int = 0, heavy_min: int = 70
) -> list[dict[str, Any]]:
    """``n`` carriages of a train of ``kind``; ``heavy`` of them are armoured/heavy cars.

    Heavy cars weigh ``heavy_min``..120 t, ride on 3 heavy bogies and need 120-200 % work
    (docs/sources.md, estimates).
    """
    cars = []
    for i in range(n):
        cid = f"{tid}-{i + 1:02d}"
        if kind == "freight":
            loaded = rng.random() < 0.7
            mass = R.draw(rng, R.FREIGHT_MASS_LOADED if loaded else R.FREIGHT_MASS_EMPTY)
            cars.append(_carriage(cid, float(mass), "freight"))
        else:
            mass = R.draw(rng, R.PASSENGER_MASS)
            extra = {"variable_gauge": True} if kind == "variable" else {}
            cars.append(_carriage(cid, float(mass), "passenger", **extra))
    for pos in rng.sample(range(n), min(heavy, n)):
        low, high, typ = R.HEAVY_MASS
        mass = R.draw(rng, (max(low, heavy_min), high, max(typ, heavy_min)))
        cars[pos] = _carriage(
            cars[pos]["id"],
            float(mass),
            "heavy",
            work_pct=R.draw(rng, R.HEAVY_WORK_PCT),
        )
        cars[pos]["bogies"] = 3
    return cars


def train(
    rng: random.Random,
    index: int,
    kind: str,
    n: int,
    arrival: int,
    from_gauge: int,
    *,
    inbound: bool = True,
    heavy: int | None = None,
    heavy_min: int = 70,
) -> dict[str, Any]:
    """One train dict (instance format, docs/file-formats.md)."""
    tid = f"{PREFIX[kind]}{index:02d}"
    to_gauge = from_gauge if kind == "through" else GAUGES[1 - GAUGES.index(from_gauge)]
    if heavy is None:
        heavy = rng.randint(2, 5) if kind == "special" else 0
    car_kind = "passenger" if kind in ("special", "through") else kind
    weight = {"passenger": rng.randint(2, 3), "special": 5, "freight": 1, "variable": 3}
    check = {
        "passenger": R.PASSENGER_BORDER_CHECK,
        "special": R.SPECIAL_BORDER_CHECK,
        "freight": R.FREIGHT_BORDER_CHECK,
        "variable": R.PASSENGER_BORDER_CHECK,
        "through": R.SPECIAL_BORDER_CHECK,
    }
    out: dict[str, Any] = {
        "id": tid,
        "arrival": arrival,
        "from_gauge": from_gauge,
        "to_gauge": to_gauge,
        "weight": weight.get(kind, 2),
        "earliest_departure": None,
        "border_check": R.draw(rng, check[kind]),
        "inbound_loco": {"id": f"{tid}-IN", "gauge": from_gauge} if inbound else None,
        "carriages": carriages(rng, tid, car_kind, n, heavy=heavy, heavy_min=heavy_min),
    }
    if kind == "passenger" and rng.random() < 0.3:  # a timetabled stop
        out["earliest_departure"] = arrival + R.draw(rng, R.TIMETABLED_STOP)
    return out


def bogie_need(trains: list[dict[str, Any]]) -> dict[tuple[int, str], list[int]]:
    """Bogies of each (gauge, type) that each exchanging train takes from the stock."""
    need: dict[tuple[int, str], list[int]] = {}
    for t in trains:
        if t["from_gauge"] == t["to_gauge"]:
            continue
        per: dict[tuple[int, str], int] = {}
        for c in t["carriages"]:
            key = (t["to_gauge"], c["bogie_type"])
            per[key] = per.get(key, 0) + c["bogies"]
        for key, k in per.items():
            need.setdefault(key, []).append(k)
    return need
