"""The solver end to end: examples, random instances, infeasibility, determinism."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from brute_force import optimum, tiny_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_instances import random_instance

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.io import parse_instance, read_instance

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "instances" / "examples").glob("*.json"))


def assert_checked(result: gaugeopt.Result) -> None:
    assert result.status in ("optimal", "feasible"), result.summary()
    violations = check(result.instance, result.solution)
    assert violations == [], "\n".join(map(str, violations[:10]))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_solves_and_checks(path: Path) -> None:
    result = gaugeopt.solve(path, time_limit=10, workers=2, seed=0)
    assert_checked(result)
    assert result.lower_bound is not None
    assert result.lower_bound <= result.objective
    assert len(result.trains) == len(result.instance.trains)
    assert set(result.tasks.columns) >= {"train", "op", "start", "end", "crew"}


@given(seed=st.integers(0, 10_000))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_tiny_optimum_agrees_with_enumeration(seed: int) -> None:
    inst = tiny_instance(seed)
    result = gaugeopt.solve(inst, time_limit=20, workers=2, seed=0)
    assert_checked(result)
    assert result.status == "optimal"
    assert result.objective == optimum(inst)


@given(seed=st.integers(0, 100_000))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_instances_give_checked_schedules(seed: int) -> None:
    inst = random_instance(seed)
    result = gaugeopt.solve(inst, time_limit=4, workers=2, seed=0)
    if result.status in ("optimal", "feasible"):
        assert_checked(result)
        assert result.lower_bound is None or result.lower_bound <= result.objective
    else:
        assert result.status in ("infeasible", "unknown")
        assert result.solution.tasks == []
        if result.status == "infeasible":
            assert result.reasons


def _base() -> dict:
    return json.loads(tiny_instance(7).model_dump_json())


def _infeasible_cases() -> dict[str, tuple[dict, str]]:
    cases: dict[str, tuple[dict, str]] = {}

    heavy = _base()
    heavy["trains"][0]["carriages"][0]["mass_t"] = 500.0
    cases["carriage-no-track-can-lift"] = (heavy, "heavier than any track can lift")

    no_skill = _base()
    no_skill["station"]["crews"] = [
        c for c in no_skill["station"]["crews"] if "brake" not in c["skills"]
    ]
    cases["skill-no-crew-has"] = (no_skill, "no crew has skill 'brake'")

    no_loco = _base()
    no_loco["station"]["locomotives"] = [{"id": "L9", "gauge": 1435, "available_from": 0}]
    cases["too-few-locomotives"] = (no_loco, "too few locomotives of gauge 1520")

    no_bogies = _base()
    no_bogies["station"]["bogie_stock"] = [{"gauge": 1520, "type": "std", "count": 1}]
    cases["bogie-stock-never-suffices"] = (no_bogies, "can never suffice")

    short_shift = _base()
    for c in short_shift["station"]["crews"]:
        if c["skills"] == ["lifting"]:
            c["shifts"] = [[0, 2]]
    short_shift["station"]["durations"]["lift"] = 5
    cases["shift-leaves-no-crew"] = (short_shift, "no shift of a crew with skill 'lifting'")
    return cases


@pytest.mark.parametrize("name", list(_infeasible_cases()))
def test_infeasible_instances_are_reported_with_reason(name: str) -> None:
    data, reason = _infeasible_cases()[name]
    result = gaugeopt.solve(parse_instance(data), time_limit=5)
    assert result.status == "infeasible"
    assert result.solution.trains == [] and result.solution.tasks == []
    assert result.solution.objective is None
    assert any(reason in r for r in result.reasons), result.reasons


def test_infeasibility_proven_by_search_is_reported() -> None:
    # Every pre-check passes, but the only lifting crew's shift ends before the train can
    # have been shunted in: only the search can tell.
    data = _base()
    for c in data["station"]["crews"]:
        if c["skills"] == ["lifting"]:
            c["shifts"] = [[0, 25]]
    data["trains"][0]["arrival"] = 20
    data["trains"][0]["carriages"][0]["work_pct"] = 100
    data["station"]["durations"].update(detach=5, shunt=2, disconnect=2, lift=3, lower=3)
    result = gaugeopt.solve(parse_instance(data), time_limit=10)
    assert result.status == "infeasible"
    assert result.reasons


def test_same_seed_one_worker_gives_same_schedule() -> None:
    path = next(p for p in EXAMPLES if p.stem == "khasan-armoured")
    a = gaugeopt.solve(path, time_limit=3, workers=1, seed=5)
    b = gaugeopt.solve(path, time_limit=3, workers=1, seed=5)
    assert a.solution.trains == b.solution.trains
    assert a.solution.tasks == b.solution.tasks


def test_solve_accepts_path_and_model_alike() -> None:
    path = next(p for p in EXAMPLES if p.stem == "dandong-handover")
    by_path = gaugeopt.solve(path, time_limit=5)
    by_model = gaugeopt.solve(read_instance(path), time_limit=5)
    assert by_path.objective == by_model.objective
    assert_checked(by_model)


def test_input_instance_is_not_modified() -> None:
    inst = tiny_instance(3)
    before = copy.deepcopy(inst.model_dump())
    gaugeopt.solve(inst, time_limit=5)
    assert inst.model_dump() == before


def test_same_seed_one_worker_gives_same_day_schedule() -> None:
    # Several trains: large-neighbourhood search runs too, and must be reproducible.
    inst = next(
        inst
        for inst in map(random_instance, range(40, 200))
        if len(inst.trains) >= 3 and construct(inst, time_limit=0) is not None
    )
    a = gaugeopt.solve(inst, time_limit=8, workers=1, seed=3)
    b = gaugeopt.solve(inst, time_limit=8, workers=1, seed=3)
    assert a.stats["lns"], "large-neighbourhood search did not run"
    assert a.solution.trains == b.solution.trains
    assert a.solution.tasks == b.solution.tasks
