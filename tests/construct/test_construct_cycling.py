"""The constructive scheduler on bogie-cycling instances: trains going opposite ways must
lend each other bogies (the stock alone cannot serve any one of them)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import builders
import pytest

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.construct.cycling import cycling_groups
from gaugeopt.model import parse_instance, read_instance
from gaugeopt.model.instance import Instance

CYCLING = Path(__file__).resolve().parents[2] / "instances" / "bench" / "families" / "cycling"


def _train(tid: str, arrival: int, src: int, dst: int, n: int) -> dict[str, Any]:
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
    trains = [_train("A", 0, 1520, 1435, 4), _train("B", 10, 1435, 1520, 4)]
    return parse_instance(builders.instance(station, trains, name="tiny-cycling", horizon=2000))


def _schedule(inst: Instance) -> None:
    sol = construct(inst, time_limit=math.inf, restarts=0)
    assert sol is not None
    assert check(inst, sol) == []
    assert sol.status == "feasible" and len(sol.trains) == len(inst.trains)


def test_tiny_cycling_instance_is_detected_and_scheduled() -> None:
    inst = tiny_cycling()
    assert [[t.id for t in g] for g in cycling_groups(inst)] == [["A", "B"]]
    _schedule(inst)


def test_tiny_cycling_blocks_fit_the_bogies_at_hand() -> None:
    """With 2 bogies of each gauge the first block of the train that goes first holds one
    carriage: more would wait for bogies no committed task returns."""
    inst = tiny_cycling()
    sol = construct(inst, time_limit=math.inf, restarts=0)
    assert sol is not None
    first = min(sol.trains, key=lambda p: min(t.start for t in sol.tasks if t.train == p.id))
    assert len(first.blocks[0].carriages) == 1


def test_bogies_that_can_never_come_back_leave_no_schedule() -> None:
    """One train alone, short of bogies, and no train to return any: no schedule."""
    inst = tiny_cycling()
    lone = parse_instance(
        {**inst.model_dump(mode="json"), "trains": [_train("A", 0, 1520, 1435, 4)]}
    )
    assert cycling_groups(lone) == []
    assert construct(lone, time_limit=math.inf, restarts=0) is None


def test_enough_stock_means_no_group() -> None:
    assert cycling_groups(tiny_cycling(stock=8)) == []


@pytest.mark.parametrize(
    "name", ["cycling-small-0001", "cycling-small-0002", "cycling-medium-0001"]
)
def test_cycling_bench_instances_are_scheduled(name: str) -> None:
    _schedule(read_instance(CYCLING / f"{name}.json"))


def test_randomised_restarts_on_cycling_stay_valid() -> None:
    inst = read_instance(CYCLING / "cycling-small-0001.json")
    sol = construct(inst, time_limit=math.inf, restarts=3, seed=7)
    assert sol is not None and check(inst, sol) == []
