"""Regenerate the worked examples in this folder (deterministic; no randomness).

Run from the project root::

    python instances/examples/make_examples.py

Each ``build_*`` function returns one :class:`~gaugeopt.model.instance.Instance`; the figures
and their sources are described in ``instances/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance, write_instance

HERE = Path(__file__).resolve().parent

#: Station durations in minutes (DESIGN.md §3 defaults; ranges in research/domain.md §7).
BASE_DURATIONS: dict[str, int] = {
    "detach": 10,
    "attach": 10,
    "brake_test": 25,
    "border_check": 45,
    "shunt": 15,
    "couple_per_carriage": 2,
    "disconnect": 8,
    "lift": 6,
    "swap_per_bogie": 7,
    "lower": 6,
    "reconnect": 10,
    "changer_setup": 15,
    "changer_per_carriage": 1,
    "roll_setup": 15,
    "roll_per_bogie": 1,
}

DAY = [[0, 720]]
NIGHT = [[720, 1440]]


def crew(cid: str, skills: list[str], shifts: list[list[int]]) -> dict[str, Any]:
    return {"id": cid, "skills": skills, "shifts": shifts}


def car(
    cid: str,
    mass_t: float,
    bogie_type: str,
    *,
    bogies: int = 2,
    work_pct: int = 100,
    variable_gauge: bool = False,
) -> dict[str, Any]:
    return {
        "id": cid,
        "mass_t": mass_t,
        "bogies": bogies,
        "bogie_type": bogie_type,
        "variable_gauge": variable_gauge,
        "work_pct": work_pct,
    }


def cycle(values: list[float], n: int) -> list[float]:
    """The first n values of ``values`` repeated: deterministic variety without randomness."""
    return [values[i % len(values)] for i in range(n)]


def build_khasan() -> Instance:
    """The leader's armoured train regauged 1435 -> 1520 at a small border station."""
    # (role, mass, bogies, bogie type, work_pct), in train order.
    consist = [
        ("escort coach", 57.0, 2, "passenger", 100),
        ("communications car", 96.0, 3, "heavy", 150),
        ("security car", 92.0, 3, "heavy", 150),
        ("flat car, 2 armoured vehicles", 68.0, 2, "flat", 130),
        ("staff sleeper", 54.0, 2, "passenger", 100),
        ("conference car", 108.0, 3, "heavy", 175),
        ("leader's saloon", 118.0, 3, "heavy", 200),
        ("leader's sleeper", 112.0, 3, "heavy", 200),
        ("office car", 60.0, 2, "passenger", 120),
        ("restaurant car", 58.0, 2, "passenger", 100),
        ("medical car", 56.0, 2, "passenger", 100),
        ("staff sleeper", 54.0, 2, "passenger", 100),
        ("staff sleeper", 54.0, 2, "passenger", 100),
        ("flat car, 2 armoured vehicles", 68.0, 2, "flat", 130),
        ("escort coach / power car", 62.0, 2, "passenger", 100),
    ]
    cars = [
        car(f"K1-{i:02d}", mass, bt, bogies=nb, work_pct=pct)
        for i, (_, mass, nb, bt, pct) in enumerate(consist, start=1)
    ]
    day, night = [[360, 1080]], [[0, 360], [1080, 1440]]
    data = {
        "name": "khasan-armoured",
        "horizon": 1440,
        "station": {
            "name": "Khasan",
            "tracks": [
                {"id": "T1", "capacity": 8, "jack_sets": 3, "max_mass_t": 120.0},
                {"id": "T2", "capacity": 7, "jack_sets": 2, "max_mass_t": 100.0},
            ],
            "shunters": [{"id": "TEM2-7512"}],
            "changer": None,
            "bogie_stock": [
                {"gauge": 1520, "type": "heavy", "count": 18},
                {"gauge": 1520, "type": "flat", "count": 6},
                {"gauge": 1520, "type": "passenger", "count": 20},
            ],
            "bogie_turnaround": 60,
            "loco_turnaround": 30,
            "crews": [
                crew("KD1", ["coupling", "lifting", "bogie"], day),
                crew("KD2", ["coupling", "lifting", "bogie"], day),
                crew("KD3", ["shunting", "brake", "coupling"], day),
                crew("KN1", ["coupling", "lifting", "bogie", "shunting", "brake"], night),
                crew("KX1", ["customs"], [[360, 1200]]),
            ],
            "locomotives": [
                {"id": "2TE116-1623", "gauge": 1520, "available_from": 0},
                {"id": "2TE10U-0187", "gauge": 1520, "available_from": 600},
            ],
            "durations": BASE_DURATIONS | {"brake_test": 30},
        },
        "trains": [
            {
                "id": "K1",
                "arrival": 540,
                "from_gauge": 1435,
                "to_gauge": 1520,
                "weight": 1,
                "earliest_departure": None,
                "border_check": 90,
                "inbound_loco": {"id": "KP-RedFlag-1", "gauge": 1435},
                "carriages": cars,
            }
        ],
    }
    return parse_instance(data)


def build_dandong() -> Instance:
    """Same gauge on both sides: two locomotive handovers with border checks."""
    day = [[0, 720]]
    data = {
        "name": "dandong-handover",
        "horizon": 720,
        "station": {
            "name": "Dandong",
            "tracks": [],
            "shunters": [{"id": "DF7C-5021"}],
            "changer": None,
            "bogie_stock": [],
            "bogie_turnaround": 0,
            "loco_turnaround": 30,
            "crews": [
                crew("DC1", ["coupling", "brake"], day),
                crew("DC2", ["coupling", "brake", "shunting"], day),
                crew("DX1", ["customs"], day),
                crew("DX2", ["customs"], day),
            ],
            "locomotives": [{"id": "DF11Z-0001", "gauge": 1435, "available_from": 0}],
            "durations": BASE_DURATIONS | {"brake_test": 20},
        },
        "trains": [
            {
                "id": "D1",
                "arrival": 180,
                "from_gauge": 1435,
                "to_gauge": 1435,
                "weight": 3,
                "earliest_departure": None,
                "border_check": 120,
                "inbound_loco": {"id": "KP-RedFlag-2", "gauge": 1435},
                "carriages": [
                    car(f"D1-{i:02d}", m, "passenger")
                    for i, m in enumerate(cycle([58.0, 96.0, 62.0, 110.0, 55.0], 15), 1)
                ],
            },
            {
                "id": "D2",
                "arrival": 240,
                "from_gauge": 1435,
                "to_gauge": 1435,
                "weight": 1,
                "earliest_departure": None,
                "border_check": 90,
                "inbound_loco": {"id": "DF4D-3107", "gauge": 1435},
                "carriages": [
                    car(f"D2-{i:02d}", m, "passenger")
                    for i, m in enumerate(cycle([52.0, 54.0, 50.0], 9), 1)
                ],
            },
        ],
    }
    return parse_instance(data)


def build_brest() -> Instance:
    """A 17-carriage sleeper train 1520 -> 1435 at a large exchange shed."""
    day, night = [[480, 1200]], [[0, 480], [1200, 1440]]
    masses = cycle([52.0, 54.0, 50.0, 56.0, 53.0, 58.0], 17)
    cars = [car(f"B1-{i:02d}", m, "passenger") for i, m in enumerate(masses, 1)]
    cars[8]["mass_t"] = 60.0  # restaurant car
    data = {
        "name": "brest-passenger",
        "horizon": 1440,
        "station": {
            "name": "Brest-Tsentralny",
            "tracks": [
                {"id": "B1", "capacity": 9, "jack_sets": 9, "max_mass_t": 100.0},
                {"id": "B2", "capacity": 9, "jack_sets": 9, "max_mass_t": 100.0},
                {"id": "B3", "capacity": 8, "jack_sets": 8, "max_mass_t": 100.0},
            ],
            "shunters": [{"id": "ChME3-4471"}, {"id": "ChME3-5120"}],
            "changer": None,
            "bogie_stock": [
                {"gauge": 1435, "type": "passenger", "count": 60},
                {"gauge": 1520, "type": "passenger", "count": 20},
            ],
            "bogie_turnaround": 60,
            "loco_turnaround": 30,
            "crews": [
                crew("BD1", ["coupling", "lifting", "bogie"], day),
                crew("BD2", ["coupling", "lifting", "bogie"], day),
                crew("BD3", ["coupling", "lifting", "bogie"], day),
                crew("BD4", ["shunting", "brake", "coupling"], day),
                crew("BDX", ["customs"], day),
                crew("BN1", ["coupling", "lifting", "bogie", "shunting", "brake"], night),
                crew("BNX", ["customs"], night),
            ],
            "locomotives": [
                {"id": "EP09-048", "gauge": 1435, "available_from": 0},
                {"id": "SM42-1210", "gauge": 1435, "available_from": 0},
            ],
            "durations": BASE_DURATIONS | {"brake_test": 30, "border_check": 60},
        },
        "trains": [
            {
                "id": "B1",
                "arrival": 600,
                "from_gauge": 1520,
                "to_gauge": 1435,
                "weight": 1,
                "earliest_departure": None,
                "border_check": None,
                "inbound_loco": {"id": "ChS4T-577", "gauge": 1520},
                "carriages": cars,
            }
        ],
    }
    return parse_instance(data)


def build_brest_ground_air() -> Instance:
    """Contract v1.1 at Brest: a station compressor (ground air), a track closed for
    maintenance, clock times. Two trains in opposite directions share the shed."""
    brest = build_brest().model_dump()
    station = brest["station"]
    station["name"] = "Brest-Tsentralny (ground air)"
    station["ground_air"] = True
    # B3's jacks are inspected 12:00-15:00 local time.
    station["tracks"][2]["unavailable"] = [[720, 900]]
    station["locomotives"].append({"id": "ChS4T-580", "gauge": 1520, "available_from": 0})
    station["durations"]["brake_test_short"] = 5
    masses = cycle([55.0, 57.0, 52.0], 12)
    back = [car(f"B2-{i:02d}", m, "passenger") for i, m in enumerate(masses, 1)]
    brest["trains"].append(
        {
            "id": "B2",
            "arrival": 660,
            "from_gauge": 1435,
            "to_gauge": 1520,
            "weight": 1,
            "earliest_departure": None,
            "border_check": None,
            "inbound_loco": {"id": "EU07-160", "gauge": 1435},
            "carriages": back,
        }
    )
    brest["name"] = "brest-ground-air"
    brest["epoch"] = "2025-09-02T00:00:00+03:00"
    return parse_instance(brest)


# Erenhot: (train id, arrival, direction, kind, carriages, indices of heavy wagons, weight,
# border check). Direction "S": 1435 -> 1520 (out of China), "N": 1520 -> 1435.
ERENHOT_TRAINS = [
    ("E01", 30, "S", "passenger", 12, (), 3, 120),
    ("E02", 110, "N", "passenger", 12, (), 3, 120),
    ("E03", 200, "S", "freight", 20, (16,), 1, 45),
    ("E04", 290, "N", "freight", 24, (), 1, 45),
    ("E05", 400, "S", "passenger", 10, (), 2, 90),
    ("E06", 480, "N", "passenger", 8, (), 2, 60),
    ("E07", 580, "S", "freight", 22, (18,), 1, 45),
    ("E08", 680, "N", "freight", 16, (), 1, 45),
    ("E09", 780, "S", "passenger", 14, (), 2, 90),
    ("E10", 880, "N", "variable", 10, (), 3, 60),
    ("E11", 960, "S", "freight", 18, (), 1, 45),
]


def erenhot_carriages(tid: str, kind: str, n: int, heavy: tuple[int, ...]) -> list[dict]:
    if kind == "freight":
        masses = cycle([88.0, 24.0, 91.0, 86.0, 26.0, 90.0, 84.0], n)
        cars = [car(f"{tid}-{i:02d}", m, "freight") for i, m in enumerate(masses, 1)]
        for pos in heavy:
            cars[pos - 1]["mass_t"] = 118.0
        return cars
    masses = cycle([52.0, 54.0, 50.0, 56.0, 58.0], n)
    vg = kind == "variable"
    return [
        car(f"{tid}-{i:02d}", m, "passenger", variable_gauge=vg) for i, m in enumerate(masses, 1)
    ]


def build_erenhot() -> Instance:
    """A day of traffic both ways through a large roll shed, with an automatic changer."""
    crews = []
    for shift, tag in ((DAY, "A"), (NIGHT, "B")):
        for k in range(1, 6):
            crews.append(crew(f"{tag}X{k}", ["coupling", "lifting"], shift))
        for k in range(1, 3):
            crews.append(crew(f"{tag}L{k}", ["lifting", "bogie"], shift))
        crews.append(crew(f"{tag}B1", ["coupling", "brake", "bogie"], shift))
        for k in range(1, 3):
            crews.append(crew(f"{tag}S{k}", ["shunting", "brake"], shift))
        for k in range(1, 3):
            crews.append(crew(f"{tag}C{k}", ["customs"], shift))
    gauges = {"S": (1435, 1520), "N": (1520, 1435)}
    inbound = {"S": "HXN5", "N": "2TE116U"}
    trains = []
    for tid, arrival, direction, kind, n, heavy, weight, check in ERENHOT_TRAINS:
        g_from, g_to = gauges[direction]
        trains.append(
            {
                "id": tid,
                "arrival": arrival,
                "from_gauge": g_from,
                "to_gauge": g_to,
                "weight": weight,
                "earliest_departure": None,
                "border_check": check,
                "inbound_loco": {"id": f"{inbound[direction]}-{tid}", "gauge": g_from},
                "carriages": erenhot_carriages(tid, kind, n, heavy),
            }
        )
    data = {
        "name": "erenhot-day",
        "horizon": 1440,
        "station": {
            "name": "Erenhot",
            "tracks": [
                {
                    "id": "R1",
                    "capacity": 12,
                    "jack_sets": 12,
                    "max_mass_t": 100.0,
                    "method": "roll",
                },
                {
                    "id": "R2",
                    "capacity": 12,
                    "jack_sets": 12,
                    "max_mass_t": 100.0,
                    "method": "roll",
                },
                {
                    "id": "R3",
                    "capacity": 10,
                    "jack_sets": 10,
                    "max_mass_t": 100.0,
                    "method": "roll",
                },
                {"id": "H1", "capacity": 6, "jack_sets": 4, "max_mass_t": 140.0},
            ],
            "shunters": [{"id": "DF7G-1001"}, {"id": "DF7G-1002"}],
            "changer": {"id": "AGC1"},
            # Stock of each (gauge, type) is short of one direction's daily need: the rest
            # comes from bogies released by trains of the other direction.
            "bogie_stock": [
                {"gauge": 1520, "type": "passenger", "count": 56},
                {"gauge": 1435, "type": "passenger", "count": 40},
                {"gauge": 1520, "type": "freight", "count": 90},
                {"gauge": 1435, "type": "freight", "count": 50},
            ],
            "bogie_turnaround": 60,
            "loco_turnaround": 30,
            "crews": crews,
            "locomotives": [
                {"id": "2TE116U-0101", "gauge": 1520, "available_from": 0},
                {"id": "2TE116U-0102", "gauge": 1520, "available_from": 0},
                {"id": "2TE116U-0103", "gauge": 1520, "available_from": 600},
                {"id": "DF4D-0201", "gauge": 1435, "available_from": 0},
                {"id": "DF4D-0202", "gauge": 1435, "available_from": 480},
            ],
            "durations": BASE_DURATIONS,
        },
        "trains": trains,
    }
    return parse_instance(data)


def build_erenhot_inspected() -> Instance:
    """Contract v1.2 at Erenhot: every train is inspected for 20 minutes on arrival before
    the exchange (research/domain.md §1.1 step 1), by two car inspectors per shift."""
    erenhot = build_erenhot().model_dump()
    station = erenhot["station"]
    station["name"] = "Erenhot (arrival inspection)"
    station["durations"]["inspection"] = 20
    for shift, tag in ((DAY, "A"), (NIGHT, "B")):
        for k in range(1, 3):
            station["crews"].append(crew(f"{tag}I{k}", ["inspection"], shift))
    erenhot["name"] = "erenhot-inspected"
    return parse_instance(erenhot)


def build_brest_couplers() -> Instance:
    """Contract v1.2 at Brest: the sleeper train's automatic SA-3 couplers are exchanged for
    screw couplings in the shed, 15 minutes a carriage with the overhead crane, beside the
    bogie work (research/domain.md §1.1 step 6), by two coupler fitters on the day shift."""
    brest = build_brest().model_dump()
    station = brest["station"]
    station["name"] = "Brest-Tsentralny (coupler exchange)"
    station["durations"]["coupler"] = 15
    day = [[480, 1200]]
    station["crews"] += [crew("BK1", ["coupling"], day), crew("BK2", ["coupling"], day)]
    brest["trains"][0]["coupler_exchange"] = True
    brest["name"] = "brest-couplers"
    return parse_instance(brest)


BUILDERS = {
    "khasan-armoured": build_khasan,
    "dandong-handover": build_dandong,
    "brest-passenger": build_brest,
    "erenhot-day": build_erenhot,
    "brest-ground-air": build_brest_ground_air,
    "erenhot-inspected": build_erenhot_inspected,
    "brest-couplers": build_brest_couplers,
}


def main() -> None:
    for name, build in BUILDERS.items():
        write_instance(build(), HERE / f"{name}.json")
        print(f"wrote {name}.json")


if __name__ == "__main__":
    main()
