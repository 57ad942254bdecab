"""The shared-station bound never exceeds what a schedule achieves, and sees queues."""

from __future__ import annotations

import copy

import builders
import pytest
from brute_force import optimum, tiny_instance
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import random_instance

from gaugeopt.bounds import lower_bound, station_bound, train_dwell_bounds
from gaugeopt.bounds.sets import Idle, Supply
from gaugeopt.construct import construct
from gaugeopt.model.instance import SKILLS
from gaugeopt.model.io import parse_instance, read_instance

SKILL_LIST = list(SKILLS)


def _alone(inst) -> int:
    bounds = train_dwell_bounds(inst)
    return sum(t.weight * b for t, b in zip(inst.trains, bounds, strict=True))


@given(seed=st.integers(0, 100_000))
@settings(max_examples=60, deadline=None)
def test_bound_below_every_constructed_schedule(seed: int) -> None:
    inst = random_instance(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is None:
        return
    bound = station_bound(inst)
    assert bound is not None and bound <= sol.objective


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_instance(seed)
    bound = station_bound(inst)
    assert bound is not None and bound <= optimum(inst)


def test_lower_bound_is_the_larger_of_both() -> None:
    for seed in range(8):
        inst = random_instance(seed)
        if any(b is None for b in train_dwell_bounds(inst)):
            continue
        shared = station_bound(inst)
        assert lower_bound(inst) == max(_alone(inst), shared if shared is not None else 0)


# ------------------------------------------------------------------ hand-made stations


def _station(**changes) -> dict:
    """Ample crews (six with every skill, all day), shunters, locomotives and bogies."""
    station = builders.station(
        name="Hand",
        tracks=[builders.track(capacity=4, jack_sets=4)],
        shunters=[f"SH{i}" for i in range(3)],
        bogie_stock=[
            {"gauge": 1520, "type": "std", "count": 40},
            {"gauge": 1435, "type": "std", "count": 40},
        ],
        crews=[{"id": f"C{i}", "skills": SKILL_LIST, "shifts": [[0, 1440]]} for i in range(6)],
        locomotives=[{"id": f"L{i}", "gauge": 1520} for i in range(3)]
        + [{"id": f"M{i}", "gauge": 1435} for i in range(3)],
    )
    station.update(changes)
    return station


def _train(name: str, from_gauge: int = 1435, to_gauge: int = 1520, **extra) -> dict:
    return builders.train(
        name, from_gauge=from_gauge, to_gauge=to_gauge, car_id="{train}-{k}", **extra
    )


def _instance(station: dict, trains: list[dict]) -> object:
    return parse_instance(builders.instance(station, trains, horizon=1440))


def test_three_trains_queue_for_one_track() -> None:
    # Each train alone: detach 0-10, shunt_in 10-20, disconnect 20-25, lift 25-30,
    # swap 30-40 (2 bogies x 5), lower 40-45, reconnect 45-50, shunt_out 50-60, couple
    # 60-62, attach 62-72, brake test 72-92: dwell 92, 3 x 92 = 276 for the three.
    # One track holds each one-carriage block from shunt_in start to shunt_out end, 50
    # minutes, one block at a time: in the best order the blocks hold it over 10-60,
    # 60-110 and 110-160, and the trains leave at 92, 142 and 192 (sum 426), which is
    # optimal: the k-th block off the track ends no earlier than 10 + 50 k.
    inst = _instance(_station(), [_train("A"), _train("B"), _train("C")])
    alone = _alone(inst)
    assert alone <= 276
    bound = station_bound(inst)
    assert bound is not None
    assert alone < bound <= 426
    assert bound >= 420  # the relaxation is exact here, up to rounding
    sol = construct(inst, time_limit=0.5)
    assert sol is not None and bound <= sol.objective
    assert lower_bound(inst) == bound


def test_a_second_track_removes_the_queue() -> None:
    two = _station(tracks=[builders.track(f"T{i}", capacity=4, jack_sets=4) for i in range(3)])
    inst = _instance(two, [_train("A"), _train("B"), _train("C")])
    # three tracks, six crews and three shunters: 3 x 92 is achievable
    bound = station_bound(inst)
    assert bound is not None and bound <= 276


def test_two_handovers_wait_for_two_locomotives() -> None:
    # Through trains: detach 0-10, attach, brake test. The only locomotives of the
    # outbound gauge are free at 100 and 200, one per train: dwells 100 + 10 + 20 = 130
    # and 230, 360 in all, while each train alone could take the one free at 100.
    station = _station(
        locomotives=[
            {"id": "L1", "gauge": 1520, "available_from": 100},
            {"id": "L2", "gauge": 1520, "available_from": 200},
        ]
    )
    trains = [_train("A", 1520, 1520), _train("B", 1520, 1520)]
    inst = _instance(station, trains)
    assert _alone(inst) <= 260
    bound = station_bound(inst)
    assert bound is not None and 359 <= bound <= 360


def test_a_train_waits_for_the_bogies_of_the_opposite_one() -> None:
    # No 1520 bogies in stock: A (1435 -> 1520) swaps with the bogies B (1520 -> 1435)
    # takes off at its swap end, 40, back in stock at 40 + 50 = 90. A's swap then runs
    # 90-100, lower 100-105, reconnect 105-110, shunt_out 110-120, couple 120-122,
    # attach 122-132, brake test 132-152; B leaves at 92: 244 in all.
    station = _station(
        tracks=[builders.track(f"T{i}", capacity=4, jack_sets=4) for i in range(2)],
        bogie_stock=[{"gauge": 1435, "type": "std", "count": 2}],
        bogie_turnaround=50,
    )
    inst = _instance(station, [_train("A"), _train("B", 1520, 1435)])
    bound = station_bound(inst)
    assert bound is not None and 243 <= bound <= 244
    sol = construct(inst, time_limit=0.5)
    assert sol is not None and sol.objective >= bound


def test_a_changer_train_needs_no_track() -> None:
    # C may pass the changer, so the track queue holds only A and B: it must not count
    # C's (optional) exchange. With the changer C leaves at 10 + 12 + 10 + 20 = 52.
    station = _station(changer={"id": "AGC1"})
    c = _train("C")
    c["carriages"][0]["variable_gauge"] = True
    inst = _instance(station, [_train("A"), _train("B"), c])
    bound = station_bound(inst)
    # A, B on the one track: 92 + 142; C through the changer: 52
    assert bound is not None and _alone(inst) <= bound <= 92 + 142 + 52
    sol = construct(inst, time_limit=0.5)
    assert sol is not None and bound <= sol.objective


@pytest.mark.parametrize("name", ["erenhot-day.json", "khasan-armoured.json"])
def test_bound_below_constructed_schedules_of_examples(examples_dir, name: str) -> None:
    inst = read_instance(examples_dir / name)
    sol = construct(inst, time_limit=0.3)
    bound = station_bound(inst)
    assert bound is not None and bound <= sol.objective


def test_bound_is_deterministic(examples_dir) -> None:
    inst = read_instance(examples_dir / "erenhot-day.json")
    assert station_bound(inst) == station_bound(copy.deepcopy(inst))


# ------------------------------------------------------------------ the set functions


def _fluid_by_steps(segments, jobs, step=0.001) -> float:
    """∫ t ρ(t) dt of the earliest processing, by small time steps."""
    t, queue, total, pending = 0.0, 0.0, 0.0, sorted(jobs)
    while pending or queue > 1e-12:
        while pending and pending[0][0] <= t + 1e-12:
            queue += pending.pop(0)[1]
        if queue <= 1e-12:
            t = pending[0][0]
            continue
        cap = next((k for a, b, k in segments if a <= t < b), 0)
        done = min(cap * step, queue)
        total += done * (t + step / 2)
        queue -= done
        t += step
    return total


@given(
    caps=st.lists(st.integers(0, 3), min_size=1, max_size=4),
    jobs=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 20)), min_size=1, max_size=4),
)
@settings(max_examples=40, deadline=None)
def test_idle_fill_is_the_earliest_processing(caps, jobs) -> None:
    segments = [(10.0 * i, 10.0 * (i + 1), k) for i, k in enumerate(caps)]
    segments.append((10.0 * len(caps), float("inf"), 2))
    idle = Idle(segments)
    got = sum(idle.fill(r, a) for r, a in reversed(jobs))  # any order gives the same
    want = _fluid_by_steps(segments, jobs)
    assert got == pytest.approx(want, abs=0.01 * sum(a for _, a in jobs) + 1e-6)


@given(
    supply=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 4)), min_size=1, max_size=5),
    jobs=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 5)), min_size=1, max_size=5),
)
@settings(max_examples=60, deadline=None)
def test_supply_matching_takes_the_kth_unit_no_earlier_than_the_kth_supply(supply, jobs) -> None:
    jobs = sorted(jobs)
    units = sorted(t for t, c in supply for _ in range(c))
    releases = sorted(r for r, c in jobs for _ in range(c))
    want = sum(max(e, units[u]) if u < len(units) else e for u, e in enumerate(releases))
    assert Supply([(float(t), c) for t, c in supply]).matched(jobs) == pytest.approx(want)
