"""The constructive scheduler: every schedule it returns meets every rule of DESIGN.md §4."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from example_files import example_instances
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import random_instance, synthetic_day

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.construct.blocks import block_minutes, candidate_cuts, greedy_cut
from gaugeopt.construct.timeline import Ledger, Stock, Unary
from gaugeopt.model import read_instance
from gaugeopt.model.instance import Instance, carriage_minutes

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"


# ---- calendars ----------------------------------------------------------------------------


def test_unary_earliest_fit_respects_busy_intervals_and_shifts() -> None:
    ledger = Ledger()
    u = Unary("C", [(0, 50), (60, 100)])
    u.reserve(10, 20, ledger)
    u.reserve(25, 40, ledger)
    assert u.earliest(0, 10) == 0
    assert u.earliest(5, 10) == 40
    assert u.earliest(5, 5) == 5
    assert u.earliest(15, 5) == 20
    assert u.earliest(41, 10) == 60  # [41, 51) would cross the shift end
    assert u.earliest(95, 10) is None
    mark = ledger.savepoint()
    u.reserve(60, 70, ledger)
    assert u.earliest(41, 10) == 70
    ledger.rollback(mark)
    assert u.earliest(41, 10) == 60
    assert u.is_free(20, 25) and not u.is_free(19, 21)
    assert u.free_from(12) == 20


def test_stock_take_never_drives_a_future_level_negative() -> None:
    ledger = Ledger()
    s = Stock(4)
    s.add(100, -4, ledger)  # committed: 4 leave at 100 ...
    s.add(200, 4, ledger)  # ... and come back at 200
    assert s.earliest_take(0, 2) == 200  # taking 2 before 100 would break the take at 100
    assert s.earliest_take(250, 4) == 250
    assert s.earliest_take(0, 5) is None
    s.add(150, 2, ledger)
    assert s.earliest_take(0, 2) == 150
    s.add(50, 2, ledger)
    assert s.earliest_take(0, 2) == 0
    assert s.earliest_take(0, 3) == 150
    ledger.rollback(0)
    assert s.earliest_take(0, 4) == 0


def test_cuts_put_heavy_carriages_only_on_tracks_that_lift_them() -> None:
    inst = random_instance(3)
    dur = inst.station.durations
    tr = inst.station.tracks
    cars = [c.model_copy(update={"mass_t": 50.0}) for c in inst.trains[0].carriages]
    cars[len(cars) // 2] = cars[len(cars) // 2].model_copy(update={"mass_t": 500.0})
    train = inst.trains[0].model_copy(update={"carriages": cars})
    assert candidate_cuts(train, tr, {t.id: 0 for t in tr}, dur) == []
    light = [t.model_copy(update={"max_mass_t": 60.0, "capacity": 3}) for t in tr]
    heavy = light[0].model_copy(update={"id": "H", "max_mass_t": 600.0, "capacity": 1})
    cut = greedy_cut(train, [*light, heavy], {t.id: 0 for t in [*light, heavy]}, 1, dur)
    assert cut is not None
    assert [i for _, idx in cut for i in idx] == list(range(len(cars)))
    assert ("H", [len(cars) // 2]) in cut
    assert all(len(idx) <= 3 for _, idx in cut)


def test_block_minutes_spread_carriage_work_over_jack_sets() -> None:
    inst = random_instance(3)
    d = inst.station.durations
    train = inst.trains[0]
    idx = list(range(min(3, len(train.carriages))))
    cars = [train.carriages[j] for j in idx]
    work = sum(sum(carriage_minutes(d, c)) for c in cars)
    track = inst.station.tracks[0].model_copy(update={"method": "individual", "jack_sets": 1})
    assert block_minutes(train, idx, track, d) == 2 * d.shunt + work
    wide = track.model_copy(update={"jack_sets": len(idx)})
    assert block_minutes(train, idx, wide, d) == 2 * d.shunt + -(-work // len(idx))
    roll = track.model_copy(update={"method": "roll"})
    swaps = sum(carriage_minutes(d, c).swap for c in cars)
    bogies = sum(c.bogies for c in cars)
    rolled = work - swaps + d.roll_setup + d.roll_per_bogie * bogies
    assert block_minutes(train, idx, roll, d) == 2 * d.shunt + rolled


def test_modes_follow_the_rulebook_mass_rule() -> None:
    # A gauge-changing train whose heaviest carriage no track lifts goes by changer only.
    inst = random_instance(3)
    data = inst.model_dump()
    data["station"]["changer"] = {"id": "AGC"}
    for c in data["trains"][0]["carriages"]:
        c["variable_gauge"] = True
    data["trains"][0]["carriages"][0]["mass_t"] = 999.0
    heavy = Instance.model_validate(data, strict=False)
    assert heavy.trains[0].from_gauge != heavy.trains[0].to_gauge
    sol = construct(heavy, restarts=0)
    assert sol is not None and check(heavy, sol) == []
    assert sol.trains[0].mode == "changer"


# ---- schedules ----------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_random_instances_give_valid_schedules(seed: int) -> None:
    inst = random_instance(seed)
    sol = construct(inst, restarts=2, seed=seed, time_limit=math.inf)
    if sol is not None:
        assert sol.status == "feasible" and sol.lower_bound is None
        assert check(inst, sol) == []


def test_random_instances_are_mostly_solved() -> None:
    # Guards against a scheduler that gives up everywhere (and so passes the test above).
    solved = sum(construct(random_instance(s), restarts=0) is not None for s in range(40))
    assert solved >= 20


def test_property_test_instances_exercise_every_feature() -> None:
    # The seeds the property test draws from cover every mode, both track methods, swaps
    # that wait for returned bogies and inbound locomotives taking trains out.
    seen: set[str] = set()
    for s in range(60):
        inst = random_instance(s)
        sol = construct(inst, restarts=0)
        if sol is None:
            continue
        seen |= {p.mode for p in sol.trains}
        seen |= {t.op for t in sol.tasks}
        inbound = {t.inbound_loco.id for t in inst.trains if t.inbound_loco is not None}
        if any(p.locomotive in inbound for p in sol.trains):
            seen.add("inbound-reuse")
    assert {"through", "exchange", "changer", "swap", "roll", "inbound-reuse"} <= seen


def _with(inst: Instance, **changes: object) -> Instance:
    return Instance.model_validate({**inst.model_dump(), **changes}, strict=False)


def test_no_schedule_when_a_carriage_is_too_heavy_for_every_track() -> None:
    inst = synthetic_day(2, 10)
    train = inst.trains[0]
    cars = [c.model_dump() for c in train.carriages]
    cars[3]["mass_t"] = 999.0
    trains = [t.model_dump() for t in inst.trains]
    trains[0]["carriages"] = cars
    assert construct(_with(inst), restarts=0) is not None
    assert construct(_with(inst, trains=trains), restarts=0) is None


def test_no_schedule_past_the_horizon() -> None:
    inst = synthetic_day(2, 10)
    sol = construct(inst, restarts=0)
    assert sol is not None
    last = max(p.departure for p in sol.trains)
    assert construct(_with(inst, horizon=last), restarts=0) is not None
    assert (
        construct(_with(inst, horizon=min(t.arrival for t in inst.trains) + 30), restarts=0) is None
    )


def test_restarts_never_worsen_and_seed_is_reproducible() -> None:
    inst = random_instance(39)
    base = construct(inst, restarts=0)
    more = construct(inst, restarts=5, seed=1, time_limit=math.inf)
    again = construct(inst, restarts=5, seed=1, time_limit=math.inf)
    assert base is not None and more is not None and again is not None
    assert more.objective <= base.objective
    assert more.model_dump() == again.model_dump()


def test_synthetic_day_is_scheduled_validly() -> None:
    inst = synthetic_day(10, 150)
    sol = construct(inst, restarts=0)
    assert sol is not None
    assert check(inst, sol) == []


@pytest.mark.parametrize("path", example_instances(EXAMPLES), ids=lambda p: p.stem)
def test_example_instances(path: Path) -> None:
    inst = read_instance(path)
    sol = construct(inst, restarts=0)
    assert sol is not None
    assert check(inst, sol) == []
