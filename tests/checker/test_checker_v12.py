"""The checker on contract v1.2: a valid hand-made schedule with arrival inspections and
coupler exchanges passes, and each v1.2 rule broken alone is reported as exactly that rule."""

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


def test_v12_solution_exercises_the_coupler_exchange(valid_v12):
    """Couplers of G1 (individual track) and G4 (roll track) between disconnect and
    reconnect, scaled by work_pct, one of them beside its carriage's lift and swap."""
    _, sol = valid_v12
    for tid, car in (("G1", "G1-1"), ("G1", "G1-2"), ("G4", "G4-1"), ("G4", "G4-2")):
        t = _find(sol, tid, "coupler", car)
        assert t["start"] >= _find(sol, tid, "disconnect", car)["end"]
        assert t["end"] <= _find(sol, tid, "reconnect", car)["start"]
        assert t["block"] == 0 and t["track"] == ("T1" if tid == "G1" else "T2")
    cpl = _find(sol, "G1", "coupler", "G1-1")
    assert cpl["end"] - cpl["start"] == 11  # scaled(7, 150 %)
    lift = _find(sol, "G1", "lift", "G1-1")
    assert cpl["start"] < lift["end"] and lift["start"] < cpl["end"]
    assert not [t for t in sol["tasks"] if t["op"] == "coupler" and t["train"] in ("G2", "G3")]


def test_coupler_exchange_of_a_through_train_adds_no_task(valid_v12):
    """A through train keeps its couplers' flag without coupler tasks (no exchange)."""
    inst, sol = copy.deepcopy(valid_v12[0]), valid_v12[1]
    next(t for t in inst["trains"] if t["id"] == "G2")["coupler_exchange"] = True
    assert _run(inst, sol) == []


def _flag(train: str, value: bool):
    def change(inst: Doc) -> None:
        next(t for t in inst["trains"] if t["id"] == train)["coupler_exchange"] = value

    return _inst(change)


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
    Case(
        "coupler missing",
        "task-set",
        _remove("G1", "coupler", "G1-2"),
        ("train G1", "coupler", "G1-2", "is missing"),
    ),
    Case(
        "coupler of a train that keeps its couplers",
        "task-set",
        _flag("G1", False),
        ("train G1", "coupler", "is not a task of this train"),
    ),
    Case(
        "coupler not scaled by work_pct",
        "duration",
        _set("G1", "coupler", "G1-1", end=40),
        ("train G1", "coupler", "lasts 7", "expected 11", "scaled(coupler, 150%)"),
    ),
    Case(
        "coupler before its disconnect ends",
        "precedence",
        _shift("G1", "coupler", "G1-2", by=-3, crew="K2"),
        ("train G1", "coupler", "starts at 27", "disconnect", "ends at 30"),
    ),
    Case(
        "reconnect before its coupler ends",
        "precedence",
        _shift("G1", "coupler", "G1-1", by=19, crew="K2"),
        ("train G1", "reconnect", "starts at 54", "coupler", "ends at 63"),
    ),
    Case(
        "coupler by a crew without coupling",
        "crew-skill",
        _set("G1", "coupler", "G1-2", crew="I2"),
        ("train G1", "coupler", "needs skill coupling", "I2"),
    ),
    Case(
        "coupler exchange through the changer",
        "mode",
        _flag("G3", True),
        ("train G3", "mode changer", "coupler_exchange"),
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
    inst["station"]["durations"]["coupler"] = 15
    for train in inst["trains"]:
        train["coupler_exchange"] = False
    sol = build_solution(INSTANCE_V11, PLAN_V11)
    assert _run(inst, sol) == []
