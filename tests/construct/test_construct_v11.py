"""The constructive scheduler on contract v1.1: ground-air brake tests and track windows."""

from __future__ import annotations

import random

import builders
from random_instances import random_instance

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.instance import SKILLS, Instance


def _v11(seed: int) -> Instance:
    """A random instance with v1.1 fields drawn on top: ground air, a short brake test and
    maintenance windows on the tracks."""
    rng = random.Random(seed)
    data = random_instance(seed).model_dump()
    st = data["station"]
    st["ground_air"] = rng.random() < 0.7
    st["durations"]["brake_test_short"] = rng.choice([0, 5, 10, 30])
    for t in st["tracks"]:
        starts = sorted(rng.sample(range(0, 900, 10), rng.randint(0, 3)))
        t["unavailable"] = [[a, a + rng.choice([30, 120, 400])] for a in starts]
    return Instance.model_validate(data, strict=False)


def test_v11_random_instances_give_checked_schedules() -> None:
    solved = ground = 0
    for seed in range(100):
        inst = _v11(seed)
        sol = construct(inst, restarts=0, seed=seed)
        if sol is None:
            continue
        assert check(inst, sol) == [], seed
        solved += 1
        ground += sum(p.ground_brake_test for p in sol.trains)
    assert solved >= 50 and ground > 0  # the loop exercises both features


def _one_train(*, gauge_change: bool = True, **station: object) -> dict:
    """One train of 4 carriages, crews of every skill around the clock, one track."""
    data = builders.instance(
        builders.station(
            tracks=[builders.track(t, capacity=4, jack_sets=4) for t in ("T1", "T2")],
            bogie_stock=[{"gauge": 1520, "type": "std", "count": 8}],
            crews=builders.crews_per_skill(1440, SKILLS),
            locomotives=[{"id": "L1", "gauge": 1520, "available_from": 0}],
            durations=builders.durations(
                builders.TYPICAL, brake_test=30, brake_test_short=10, border_check=20
            ),
            **station,
        ),
        [
            builders.train(
                "A",
                arrival=100,
                to_gauge=1520 if gauge_change else 1435,
                cars=4,
                mass_t=60.0,
                first=0,
            )
        ],
        name="v11",
        horizon=1440,
    )
    if not gauge_change:
        data["station"]["locomotives"][0]["gauge"] = 1435
    return data


def _solve(data: dict) -> tuple[Instance, object]:
    inst = Instance.model_validate(data, strict=False)
    sol = construct(inst, restarts=0)
    assert sol is not None
    assert check(inst, sol) == []
    return inst, sol


def test_ground_test_is_taken_while_the_train_waits_for_its_locomotive() -> None:
    data = _one_train(gauge_change=False, ground_air=True)
    data["station"]["locomotives"][0]["available_from"] = 300
    _, sol = _solve(data)
    plan = sol.trains[0]
    assert plan.ground_brake_test
    by_op = {t.op: t for t in sol.tasks}
    assert by_op["ground_brake_test"].end <= by_op["attach"].start
    assert by_op["ground_brake_test"].start >= by_op["detach"].end
    assert by_op["brake_test"].end - by_op["brake_test"].start == 10
    assert plan.departure == 300 + 10 + 10  # attach as the loco comes, then the short test


def test_ground_test_is_left_out_when_it_only_delays() -> None:
    data = _one_train(ground_air=True)
    data["station"]["durations"]["brake_test_short"] = 30
    _, sol = _solve(data)
    assert not sol.trains[0].ground_brake_test
    assert "ground_brake_test" not in {t.op for t in sol.tasks}
    assert not _solve(_one_train())[1].trains[0].ground_brake_test  # no ground air: never


def test_blocks_keep_out_of_maintenance_windows() -> None:
    _, free = _solve(_one_train())
    # Close the track the block used, over its stay and a while after.
    (used,) = {t.track for t in free.tasks if t.track is not None}
    start = min(t.start for t in free.tasks if t.op == "shunt_in")
    end = max(t.end for t in free.tasks if t.op == "shunt_out")
    window = [[start - 5, end + 40]]
    one = _one_train()
    for tr in one["station"]["tracks"]:
        tr["unavailable"] = window if tr["id"] == used else []
    _, sol = _solve(one)  # the other track takes the train rather than waiting
    assert used not in {t.track for t in sol.tasks if t.track is not None}
    both = _one_train()
    for tr in both["station"]["tracks"]:
        tr["unavailable"] = window
    _, sol = _solve(both)  # every block waits for the windows to end
    assert min(t.start for t in sol.tasks if t.op == "shunt_in") >= end + 40
    assert sol.objective > free.objective


def test_a_track_closed_all_day_is_never_used() -> None:
    data = _one_train()
    data["station"]["tracks"][0]["unavailable"] = [[0, 700], [650, 1440]]
    _, sol = _solve(data)
    assert {t.track for t in sol.tasks if t.track is not None} == {"T2"}
    data["station"]["tracks"][1]["unavailable"] = [[0, 1440]]
    inst = Instance.model_validate(data, strict=False)
    assert construct(inst, restarts=0) is None
