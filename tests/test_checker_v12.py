"""The checker on contract v1.2: a valid hand-made schedule with arrival inspections passes,
and each v1.2 rule broken alone is reported as exactly that rule."""

from __future__ import annotations

import copy
import json

import pytest
from checker_cases import DATA_DIR, INSTANCE_V12, PLAN_V12, build_solution
from test_checker import Case, Doc, _assert_reported, _find, _inst, _remove, _run, _set, _shift


@pytest.fixture(scope="module")
def valid_v12() -> tuple[Doc, Doc]:
    return copy.deepcopy(INSTANCE_V12), build_solution(INSTANCE_V12, PLAN_V12)


def test_v12_valid_solution_has_no_violation(valid_v12):
    inst, sol = valid_v12
    assert _run(inst, sol) == []


def test_v12_fixture_files_match_the_builder(valid_v12):
    inst, sol = valid_v12
    assert json.loads((DATA_DIR / "instance_v12.json").read_text()) == inst
    assert json.loads((DATA_DIR / "solution_v12.json").read_text()) == sol


def test_v12_solution_exercises_the_inspection(valid_v12):
    """Every train is inspected (5 + 2 per carriage) from its arrival, beside its detach."""
    inst, sol = valid_v12
    for train in inst["trains"]:
        t = _find(sol, train["id"], "inspect")
        assert t["start"] == train["arrival"]
        assert t["end"] - t["start"] == 5 + 2 * len(train["carriages"])
        assert t["crew"] == "I1" and t["block"] is None and t["track"] is None
    detach, looked = _find(sol, "G1", "detach"), _find(sol, "G1", "inspect")
    assert detach["start"] < looked["end"]  # detach runs beside the inspection


def _no_inspection(inst: Doc) -> None:
    inst["station"]["durations"] |= {"inspection": 0, "inspection_per_carriage": 0}


CASES_V12 = [
    Case(
        "inspection missing",
        "task-set",
        _remove("G1", "inspect"),
        ("train G1", "inspect is missing"),
    ),
    Case(
        "inspection at a station that inspects nobody",
        "task-set",
        _inst(_no_inspection),
        ("train G1", "inspect", "is not a task of this train"),
    ),
    Case(
        "inspection too short",
        "duration",
        _set("G2", "inspect", end=15),
        ("train G2", "inspect lasts 5", "expected 7", "inspection + inspection_per_carriage x 1"),
    ),
    Case(
        "inspection before arrival",
        "release",
        _shift("G4", "inspect", by=-5, crew="I2"),
        ("train G4", "inspect", "before arrival 30"),
    ),
    Case(
        "inspection by a crew without the skill",
        "crew-skill",
        _set("G1", "inspect", crew="C4"),
        ("train G1", "inspect", "needs skill inspection", "C4"),
    ),
    Case(
        "shunt_in before the inspection ends",
        "precedence",
        _shift("G1", "inspect", by=10, crew="I2"),
        ("train G1", "shunt_in", "before inspect ends at 19"),
    ),
    Case(
        "changer_pass before the inspection ends",
        "precedence",
        _shift("G3", "inspect", by=45, crew="I2"),
        ("train G3", "changer_pass", "before inspect ends at 74"),
    ),
    Case(
        "through attach before the inspection ends",
        "precedence",
        _shift("G2", "inspect", by=35, crew="I2"),
        ("train G2", "attach", "before inspect ends at 52"),
    ),
]


@pytest.mark.parametrize("case", CASES_V12, ids=[c.name for c in CASES_V12])
def test_v12_mutation_is_reported(valid_v12, case: Case):
    _assert_reported(valid_v12, case)


def test_v11_pair_means_the_same_with_v12_defaults_written_out():
    """A v1.1 pair with v1.2's defaults spelled out (no inspection, couplers kept) passes."""
    from checker_cases import INSTANCE_V11, PLAN_V11

    inst = copy.deepcopy(INSTANCE_V11)
    inst["station"]["durations"] |= {"inspection": 0, "inspection_per_carriage": 0}
    sol = build_solution(INSTANCE_V11, PLAN_V11)
    assert _run(inst, sol) == []
