"""Small random instances for property tests (shared helper).

`random_instance(seed)` draws 1–6 trains in both directions (and now and then a through
train), tracks of both methods with mixed capacities and mass limits, sometimes a gauge
changer with variable-gauge trains, tight bogie stock, narrow crew shifts and few station
locomotives (so inbound locomotives get reused). Every instance is valid; many are
feasible, some are not.
"""

from __future__ import annotations

import random

import builders

from gaugeopt.bounds import lower_bound, station_bound, train_dwell_bounds
from gaugeopt.checker import check
from gaugeopt.model.instance import SKILLS, Instance
from gaugeopt.model.solution import Solution

GAUGES = (1435, 1520)
#: The skills of contract v1.1 (v1.2's ``inspection`` is drawn by :func:`random_v12`).
BASE_SKILLS = tuple(s for s in SKILLS if s != "inspection")
TYPES = ("std", "heavy")


def _shifts(rng: random.Random, horizon: int) -> list[list[int]]:
    if rng.random() < 0.4:
        return [[0, horizon]]
    length = rng.choice([60, 120, 240, 480])
    gap = rng.choice([0, 0, 15, 60])
    shifts, t = [], rng.randint(0, 30)
    while t < horizon:
        shifts.append([t, min(horizon, t + length)])
        t += length + gap
    return shifts


def random_instance(seed: int) -> Instance:
    """A valid instance drawn from `seed` (same seed, same instance)."""
    rng = random.Random(seed)
    horizon = rng.choice([1440, 2880])
    n_tracks = rng.randint(1, 4)
    tracks = [
        {
            "id": f"T{i}",
            "capacity": rng.randint(2, 10),
            "jack_sets": rng.randint(1, 6),
            "max_mass_t": rng.choice([70.0, 100.0, 140.0]),
            "method": rng.choice(["individual", "individual", "roll"]),
        }
        for i in range(n_tracks)
    ]
    if rng.random() < 0.85:
        tracks[0]["max_mass_t"] = 140.0  # usually some track lifts the heaviest carriages
    has_changer = rng.random() < 0.35
    crews = []
    for i in range(rng.randint(2, 7)):
        skills = rng.sample(BASE_SKILLS, rng.randint(1, 4))
        crews.append({"id": f"C{i}", "skills": skills, "shifts": _shifts(rng, horizon)})
    # Every skill has at least one crew, usually with a long shift.
    for skill in BASE_SKILLS:
        if not any(skill in c["skills"] for c in crews):
            crews.append(
                {
                    "id": f"C-{skill}",
                    "skills": [skill],
                    "shifts": [[0, horizon]] if rng.random() < 0.8 else _shifts(rng, horizon),
                }
            )
    trains, stock_need = [], {}
    t_arr = 0
    n_trains = rng.randint(1, 6)
    for k in range(n_trains):
        t_arr += rng.choice([0, 10, 30, 60, 120])
        from_g = rng.choice(GAUGES)
        to_g = from_g if rng.random() < 0.1 else GAUGES[1 - GAUGES.index(from_g)]
        variable = has_changer and rng.random() < 0.5
        cars = []
        for c in range(rng.randint(1, 8)):
            btype = rng.choice(TYPES)
            car = {
                "id": f"K{k}-{c}",
                "mass_t": rng.choice([40.0, 60.0, 90.0, 120.0]),
                "bogie_type": btype,
                "bogies": rng.choice([2, 2, 2, 3, 4]),
                "variable_gauge": variable,
                "work_pct": rng.choice([100, 100, 120, 150]),
            }
            cars.append(car)
            key = (to_g, btype)
            stock_need[key] = stock_need.get(key, 0) + car["bogies"]
        train = {
            "id": f"K{k}",
            "arrival": t_arr,
            "from_gauge": from_g,
            "to_gauge": to_g,
            "weight": rng.randint(1, 3),
            "carriages": cars,
        }
        if rng.random() < 0.6:
            train["inbound_loco"] = {"id": f"IN{k}", "gauge": from_g}
        if rng.random() < 0.2:
            train["earliest_departure"] = t_arr + rng.randint(0, 300)
        if rng.random() < 0.2:
            train["border_check"] = rng.randint(0, 90)
        trains.append(train)
    # Tight stock: part of the need may have to come from bogies of opposite trains.
    supply: dict[tuple[int, str], int] = {}
    for train in trains:
        if train["from_gauge"] != train["to_gauge"]:
            for car in train["carriages"]:
                key = (train["from_gauge"], car["bogie_type"])
                supply[key] = supply.get(key, 0) + car["bogies"]
    bogie_stock = []
    for (g, bt), need in sorted(stock_need.items()):
        spare = int(supply.get((g, bt), 0) * rng.choice([0.0, 0.5, 1.0]))
        count = max(8, need - spare) if rng.random() < 0.95 else 0
        bogie_stock.append({"gauge": g, "type": bt, "count": count})
    # Few station locomotives: inbound ones of opposite trains must be reused.
    locos = []
    for g in GAUGES:
        demand = sum(1 for t in trains if t["to_gauge"] == g)
        inbound = sum(1 for t in trains if "inbound_loco" in t and t["from_gauge"] == g)
        for _ in range(max(0, demand - inbound) + rng.choice([0, 0, 1])):
            locos.append(
                {"id": f"L{len(locos)}", "gauge": g, "available_from": rng.choice([0, 0, 60, 200])}
            )
    durations = {
        "detach": rng.choice([0, 10]),
        "attach": 10,
        "brake_test": rng.choice([20, 25]),
        "border_check": rng.choice([30, 45, 60]),
        "shunt": rng.choice([0, 10, 15]),
        "couple_per_carriage": 2,
        "disconnect": rng.choice([5, 8]),
        "lift": 6,
        "swap_per_bogie": rng.choice([0, 5, 7]),
        "lower": 6,
        "reconnect": rng.choice([8, 10]),
        "changer_setup": 10,
        "changer_per_carriage": 2,
        "roll_setup": rng.choice([0, 10]),
        "roll_per_bogie": 1,
    }
    data = {
        "name": f"random-{seed}",
        "horizon": horizon,
        "station": {
            "name": "Random",
            "tracks": tracks,
            "shunters": [{"id": f"SH{i}"} for i in range(rng.randint(1, 2))],
            "changer": {"id": "AGC1"} if has_changer else None,
            "bogie_stock": bogie_stock,
            "bogie_turnaround": rng.choice([0, 0, 30, 60]),
            "loco_turnaround": rng.choice([0, 30]),
            "crews": crews,
            "locomotives": locos,
            "durations": durations,
        },
        "trains": trains,
    }
    return Instance.model_validate(data, strict=False)


def synthetic_day(n_trains: int = 30, n_carriages: int = 500, seed: int = 0) -> Instance:
    """A busy day: `n_trains` trains alternating direction, `n_carriages` carriages in all,
    a realistic shed (6 tracks, 3 shunters, 20 crews in two shifts, ample stock)."""
    rng = random.Random(seed)
    per = [
        n_carriages // n_trains + (1 if i < n_carriages % n_trains else 0) for i in range(n_trains)
    ]
    horizon = 4 * 1440
    trains = []
    for k in range(n_trains):
        from_g = GAUGES[k % 2]
        to_g = GAUGES[1 - k % 2]
        trains.append(
            {
                "id": f"D{k}",
                "arrival": k * 45,
                "from_gauge": from_g,
                "to_gauge": to_g,
                "weight": rng.randint(1, 3),
                "inbound_loco": {"id": f"IN{k}", "gauge": from_g},
                "carriages": [
                    {
                        "id": f"D{k}-{c}",
                        "mass_t": rng.choice([60.0, 80.0, 95.0]),
                        "bogie_type": rng.choice(TYPES),
                        "work_pct": rng.choice([100, 100, 120]),
                    }
                    for c in range(per[k])
                ],
            }
        )
    skills_cycle = [
        ["coupling", "lifting"],
        ["lifting", "bogie"],
        ["bogie", "coupling"],
        ["coupling", "brake"],
        ["shunting"],
        ["customs"],
        ["coupling", "lifting", "bogie"],
    ]
    crews = []
    for i in range(42):
        day = [[d * 1440, d * 1440 + 720] for d in range(4)]
        night = [[d * 1440 + 720, (d + 1) * 1440] for d in range(4)]
        skills = skills_cycle[i % len(skills_cycle)]
        crews.append({"id": f"C{i}", "skills": skills, "shifts": night if i % 2 else day})
    data = {
        "name": f"day-{n_trains}x{n_carriages}",
        "horizon": horizon,
        "station": {
            "name": "Synthetic",
            "tracks": [
                {
                    "id": f"T{i}",
                    "capacity": 12,
                    "jack_sets": 6,
                    "max_mass_t": 100.0,
                    "method": "roll" if i >= 4 else "individual",
                }
                for i in range(6)
            ],
            "shunters": [{"id": f"SH{i}"} for i in range(3)],
            "changer": None,
            "bogie_stock": [{"gauge": g, "type": t, "count": 200} for g in GAUGES for t in TYPES],
            "bogie_turnaround": 30,
            "loco_turnaround": 30,
            "crews": crews,
            "locomotives": [{"id": f"L{i}", "gauge": GAUGES[i % 2]} for i in range(4)],
            "durations": builders.durations(builders.TYPICAL),
        },
        "trains": trains,
    }
    return Instance.model_validate(data, strict=False)


def random_v12(seed: int) -> Instance:
    """:func:`random_instance` with contract v1.2 drawn on top: an arrival inspection (fixed
    and per-carriage minutes, often none), usually some crew with skill inspection, and
    trains whose couplers are exchanged (coupler minutes, sometimes 0)."""
    data = random_instance(seed).model_dump()
    rng = random.Random(f"v12-{seed}")
    station = data["station"]
    d = station["durations"]
    d["inspection"] = rng.choice([0, 0, 10, 20])
    d["inspection_per_carriage"] = rng.choice([0, 0, 1, 3])
    d["coupler"] = rng.choice([0, 10, 15, 25])
    for train in data["trains"]:
        train["coupler_exchange"] = rng.random() < 0.5
    crews = station["crews"]
    if rng.random() < 0.5:
        rng.choice(crews)["skills"].append("inspection")
    elif rng.random() < 0.9:
        crews.append(
            {"id": "C-inspection", "skills": ["inspection"], "shifts": [[0, data["horizon"]]]}
        )
    data["name"] = f"random-v12-{seed}"
    return Instance.model_validate(data, strict=False)


def assert_bounds_below(inst: Instance, sol: Solution) -> None:
    """``sol`` passes the checker, and the lower bound, the station bound and each train's
    dwell bound lie at or below it (what the bounds' property tests assert)."""
    assert check(inst, sol) == []
    lb = lower_bound(inst)
    assert lb is not None and lb <= sol.objective
    shared = station_bound(inst)
    assert shared is None or shared <= sol.objective
    dwell = {p.id: p.dwell for p in sol.trains}
    for train, bound in zip(inst.trains, train_dwell_bounds(inst), strict=True):
        assert bound is not None and bound <= dwell[train.id]
