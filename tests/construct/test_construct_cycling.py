"""The constructive scheduler on bogie-cycling instances: trains going opposite ways must
lend each other bogies (the stock alone cannot serve any one of them)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from small_days import cycling_train, tiny_cycling

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.construct.cycling import cycling_groups
from gaugeopt.model import parse_instance, read_instance
from gaugeopt.model.instance import Instance

CYCLING = Path(__file__).resolve().parents[2] / "instances" / "bench" / "families" / "cycling"


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
        {**inst.model_dump(mode="json"), "trains": [cycling_train("A", 0, 1520, 1435, 4)]}
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
