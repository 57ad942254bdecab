"""Small days built for the tests of several folders: a relay of trains that each leave with
what the one before left, and two trains that must lend each other bogies."""

from __future__ import annotations

from typing import Any

import builders

from gaugeopt.model import parse_instance
from gaugeopt.model.instance import Instance


def relay():
    """Three one-carriage trains far apart, each able to leave only with what the one
    before it left: A takes the only 1520 bogies and returns 1435 ones, which B needs; B
    returns the 1520 ones for C; A's and B's inbound locomotives take B and C out."""
    station = builders.station(
        crews=builders.crews_per_skill(1000),
        bogie_stock=[{"gauge": 1520, "type": "std", "count": 2}],
        locomotives=[{"id": "L1", "gauge": 1520}],
        bogie_turnaround=5,
        loco_turnaround=5,
    )
    trains = [
        builders.train("A", arrival=0, inbound_loco={"id": "IN-A", "gauge": 1435}),
        builders.train(
            "B",
            arrival=300,
            from_gauge=1520,
            to_gauge=1435,
            inbound_loco={"id": "IN-B", "gauge": 1520},
        ),
        builders.train("C", arrival=600),
    ]
    return parse_instance(builders.instance(station, trains, horizon=1000))


def cycling_train(tid: str, arrival: int, src: int, dst: int, n: int) -> dict[str, Any]:
    return builders.train(
        tid,
        arrival=arrival,
        from_gauge=src,
        to_gauge=dst,
        cars=n,
        mass_t=60.0,
        bogie_type="passenger",
        car_id="{train}-{k:02d}",
        first=0,
        inbound_loco={"id": f"{tid}-IN", "gauge": src},
    )


def tiny_cycling(stock: int = 2) -> Instance:
    """Two 4-carriage trains going opposite ways (8 bogies each), ``stock`` bogies of each
    gauge: neither train can be exchanged with the stock alone."""
    station = builders.station(
        name="Tiny",
        tracks=[builders.track(tid, capacity=4, jack_sets=2) for tid in ("T1", "T2")],
        bogie_stock=[
            {"gauge": 1435, "type": "passenger", "count": stock},
            {"gauge": 1520, "type": "passenger", "count": stock},
        ],
        bogie_turnaround=20,
        crews=[
            {"id": f"C{k}", "skills": list(builders.SKILLS), "shifts": [[0, 2000]]}
            for k in range(3)
        ],
        locomotives=[],
    )
    trains = [cycling_train("A", 0, 1520, 1435, 4), cycling_train("B", 10, 1435, 1520, 4)]
    return parse_instance(builders.instance(station, trains, name="tiny-cycling", horizon=2000))
