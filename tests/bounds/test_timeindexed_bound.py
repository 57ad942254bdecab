"""The time-indexed bound never exceeds what a schedule achieves, and sees which train
waits whole for scarce bogies where the station LP lets two trains share the wait."""

from __future__ import annotations

import pytest
from brute_force import optimum, tiny_instance
from budget import DETERMINISTIC
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import random_instance
from test_station_bound import _instance, _station, _train

from gaugeopt.bounds import Effort, lower_bound, station_bound, time_indexed_bound
from gaugeopt.bounds.demand import resources
from gaugeopt.bounds.timeindexed import bottlenecks
from gaugeopt.bounds.train import train_dwell_bounds
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.io import read_instance

#: every resource of the instance, priced alike, so the tests check the whole relaxation
EVERY = 10_000
#: the bound's CP-SAT budgeted in deterministic time, as a solve with one worker does
RATE = DETERMINISTIC.bucket_bound_deterministic_rate


def _every_price(inst) -> dict[str, float]:
    return {r.name: 1.0 for r in resources(inst)}


def _bound(inst, *, buckets: int = 150, seconds: float = 1.0) -> int | None:
    own = train_dwell_bounds(inst)
    effort = Effort(
        seconds=seconds, buckets=buckets, resources=EVERY, workers=1, deterministic_rate=RATE
    )
    return time_indexed_bound(inst, own, _every_price(inst), effort)


@given(seed=st.integers(0, 100_000), buckets=st.sampled_from([40, 150, 400]))
@settings(max_examples=30, deadline=None)
def test_bound_below_every_constructed_schedule(seed: int, buckets: int) -> None:
    inst = random_instance(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is None:
        return
    assert check(inst, sol) == []
    bound = _bound(inst, buckets=buckets)
    assert bound is None or bound <= sol.objective


@given(seed=st.integers(0, 10_000))
@settings(max_examples=20, deadline=None)
def test_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_instance(seed)
    bound = _bound(inst, buckets=400)
    assert bound is None or bound <= optimum(inst)


def _scarce_bogies():
    # A and B (1435 -> 1520) need 4 bogies of 1520 each; the stock holds 2. C (1520 ->
    # 1435, 2 carriages) gives back 4 after its swaps and D (1520 -> 1435, arriving at 60)
    # 2 more. Whichever of A and B leaves first waits for C's bogies, the other for D's:
    # the station LP lets each take "half" of the wait.
    station = _station(
        tracks=[
            {"id": f"T{i}", "capacity": 4, "jack_sets": 4, "max_mass_t": 100.0} for i in range(4)
        ],
        bogie_stock=[
            {"gauge": 1520, "type": "std", "count": 2},
            {"gauge": 1435, "type": "std", "count": 40},
        ],
        bogie_turnaround=50,
    )

    def two(name: str, *gauges: int, **extra) -> dict:
        train = _train(name, *gauges, **extra)
        train["carriages"] = [
            {"id": f"{name}-{k}", "mass_t": 50.0, "bogie_type": "std"} for k in (1, 2)
        ]
        return train

    trains = [two("A"), two("B"), two("C", 1520, 1435), _train("D", 1520, 1435, arrival=60)]
    return _instance(station, trains)


@pytest.mark.slow
def test_one_train_waits_whole_for_the_returned_bogies() -> None:
    import gaugeopt

    inst = _scarce_bogies()
    shared = station_bound(inst)
    bound = _bound(inst, buckets=400, seconds=10.0)
    assert shared is not None and bound is not None
    assert bound > shared
    result = gaugeopt.solve(inst, time_limit=10, workers=1, params=DETERMINISTIC)
    assert result.solution.objective is not None
    assert check(inst, result.solution) == []
    assert bound <= result.solution.objective


def test_bottlenecks_are_the_priced_resources_dearest_first() -> None:
    inst = _scarce_bogies()
    rs = resources(inst)
    prices = {rs[0].name: 1.0, rs[-1].name: 3.0}
    assert [r.name for r in bottlenecks(rs, prices, 5)] == [rs[-1].name, rs[0].name]
    assert [r.name for r in bottlenecks(rs, prices, 1)] == [rs[-1].name]
    assert bottlenecks(rs, {}, 5) == []


def test_lower_bound_takes_the_largest(examples_dir) -> None:
    inst = read_instance(examples_dir / "erenhot-day.json")
    effort = Effort(seconds=2.0, workers=1, deterministic_rate=RATE)
    own = train_dwell_bounds(inst)
    prices: dict[str, float] = {}
    shared = station_bound(inst, own=own, prices=prices)
    timed = time_indexed_bound(inst, own, prices, effort)
    alone = sum(t.weight * b for t, b in zip(inst.trains, own, strict=True))
    both = lower_bound(inst, own=own, effort=effort)
    assert both == max(b for b in (alone, shared, timed) if b is not None)
    assert lower_bound(inst, own=own) == max(alone, shared or 0)


def test_no_bound_without_time() -> None:
    inst = _scarce_bogies()
    own = train_dwell_bounds(inst)
    assert time_indexed_bound(inst, own, _every_price(inst), Effort(seconds=0.0)) is None


@pytest.mark.slow
def test_solve_reports_it_and_leaves_no_thread_working() -> None:
    import threading

    import gaugeopt

    inst = _scarce_bogies()
    shared = station_bound(inst)
    assert shared is not None
    before = threading.active_count()
    on = gaugeopt.solve(inst, time_limit=6, workers=1, params=DETERMINISTIC)
    assert threading.active_count() == before
    no_bound = DETERMINISTIC.model_copy(update={"bucket_bound_share": 0.0})
    off = gaugeopt.solve(inst, time_limit=6, workers=1, params=no_bound)
    for result in (on, off):
        assert check(inst, result.solution) == []
    # the bound before any search: the station LP's without it, higher with it
    assert off.stats.analytic_bound == shared
    assert on.stats.analytic_bound is not None and on.stats.analytic_bound > shared
    assert on.lower_bound is not None and on.stats.analytic_bound <= on.lower_bound
    assert on.lower_bound <= on.objective
