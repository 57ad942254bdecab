"""The independent checker: a valid hand-made schedule passes; each broken rule is reported."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from checker_cases import DATA_DIR, INSTANCE, INSTANCE_V11, PLAN_V11, SKILL, build_solution
from typer.testing import CliRunner

from gaugeopt import check as exported_check
from gaugeopt.checker import Violation, check
from gaugeopt.cli import app
from gaugeopt.model import parse_instance, parse_solution
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules.reading import level

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def valid() -> tuple[Doc, Doc]:
    return copy.deepcopy(INSTANCE), build_solution()


def _find(sol: Doc, train: str, op: str, carriage: str | None = None, block: int | None = None):
    for t in sol["tasks"]:
        if (
            t["train"] == train
            and t["op"] == op
            and (level(op) != "carriage" or t["carriage"] == carriage)
            and (level(op) != "block" or t["block"] == block)
        ):
            return t
    raise KeyError((train, op, carriage, block))


def _plan(sol: Doc, train: str) -> Doc:
    return next(p for p in sol["trains"] if p["id"] == train)


def _run(inst: Doc, sol: Doc) -> list[Violation]:
    return check(parse_instance(inst), parse_solution(sol))


# --- the valid schedule ------------------------------------------------------------------


def test_valid_solution_has_no_violation(valid):
    inst, sol = valid
    assert _run(inst, sol) == []


def test_fixture_files_match_the_builder(valid):
    """tests/data/checker/*.json are the same instance and schedule (other tests reuse them)."""
    inst, sol = valid
    assert json.loads((DATA_DIR / "instance.json").read_text()) == inst
    assert json.loads((DATA_DIR / "solution.json").read_text()) == sol


def test_valid_solution_exercises_the_rich_features(valid):
    """The layout really contains what the mutations rely on."""
    _, sol = valid
    modes = {p["id"]: p["mode"] for p in sol["trains"]}
    assert modes == {"A": "exchange", "B": "exchange", "C": "through", "D": "changer"}
    assert _plan(sol, "B")["locomotive"] == "L-A"  # A's inbound loco takes B out
    assert _find(sol, "B", "border_check")["crew"] is None  # duration 0
    assert _find(sol, "A", "swap", "A1")["end"] - _find(sol, "A", "swap", "A1")["start"] == 9
    assert {t["crew"] for t in sol["tasks"]} >= {"C1", "C2", "C3"}
    # C's earliest_departure binds.
    assert _plan(sol, "C")["departure"] == 175 > _find(sol, "C", "brake_test")["end"]


def test_bogie_turnaround_is_binding(valid):
    """Returned bogies are needed: a longer turnaround or a smaller stock breaks the schedule."""
    inst, sol = valid
    slow = copy.deepcopy(inst)
    slow["station"]["bogie_turnaround"] = 80
    assert {v.rule for v in _run(slow, sol)} == {"bogie-stock"}
    short = copy.deepcopy(inst)
    short["station"]["bogie_stock"][1]["count"] = 1
    assert {v.rule for v in _run(short, sol)} == {"bogie-stock"}


def test_resources_freed_at_t_may_be_taken_at_t(valid):
    """Half-open intervals: B's second block may take track T1 the minute A's block leaves it."""
    inst, sol = valid
    a_out = _find(sol, "A", "shunt_out", block=0)
    b_in = _find(sol, "B", "shunt_in", block=1)
    assert a_out["end"] == b_in["start"]
    moved = copy.deepcopy(sol)
    _plan(moved, "B")["blocks"][1]["track"] = "T1"
    for t in moved["tasks"]:
        if t["train"] == "B" and t["block"] == 1:
            t["track"] = "T1"
    assert _run(inst, moved) == []


# --- one broken rule per case ------------------------------------------------------------


@dataclass
class Case:
    name: str
    rule: str
    mutate: Callable[[Doc, Doc], None]
    #: Words the message of the expected violation must contain (train, task, resource).
    words: tuple[str, ...]
    #: Other rules that the same change necessarily breaks too.
    also: set[str] = field(default_factory=set)


def _set(train, op, carriage=None, block=None, **values):
    def mutate(inst: Doc, sol: Doc) -> None:
        _find(sol, train, op, carriage, block).update(values)

    return mutate


def _shift(train, op, carriage=None, block=None, by=0, **values):
    def mutate(inst: Doc, sol: Doc) -> None:
        t = _find(sol, train, op, carriage, block)
        t["start"] += by
        t["end"] += by
        t.update(values)

    return mutate


def _remove(train, op, carriage=None, block=None):
    def mutate(inst: Doc, sol: Doc) -> None:
        sol["tasks"].remove(_find(sol, train, op, carriage, block))

    return mutate


def _append(**task):
    def mutate(inst: Doc, sol: Doc) -> None:
        base = {"carriage": None, "block": None, "crew": None, "shunter": None}
        base |= {"track": None, "locomotive": None}
        sol["tasks"].append(base | task)

    return mutate


def _duplicate(train, op):
    def mutate(inst: Doc, sol: Doc) -> None:
        sol["tasks"].append(dict(_find(sol, train, op)))

    return mutate


def _plan_set(train, **values):
    def mutate(inst: Doc, sol: Doc) -> None:
        _plan(sol, train).update(values)

    return mutate


def _inst(fn):
    def mutate(inst: Doc, sol: Doc) -> None:
        fn(inst)

    return mutate


def _both(*fns):
    def mutate(inst: Doc, sol: Doc) -> None:
        for fn in fns:
            fn(inst, sol)

    return mutate


def _reverse_first_block(inst: Doc, sol: Doc) -> None:
    _plan(sol, "B")["blocks"][0]["carriages"].reverse()


def _through_gets_block(inst: Doc, sol: Doc) -> None:
    _plan(sol, "C")["blocks"] = [{"track": "T1", "carriages": ["C01"]}]


def _carriage_twice(inst: Doc, sol: Doc) -> None:
    _plan(sol, "B")["blocks"][1]["carriages"] = ["B2", "B3"]


def _station(**values):
    return _inst(lambda inst: inst["station"].update(values))


def _track(track_id, **values):
    def fn(inst: Doc) -> None:
        next(t for t in inst["station"]["tracks"] if t["id"] == track_id).update(values)

    return _inst(fn)


def _not_variable(inst: Doc) -> None:
    inst["trains"][3]["carriages"][1]["variable_gauge"] = False


def _b_block1_on_t1_early(inst: Doc, sol: Doc) -> None:
    """B's second block onto T1, its shunt_in one minute early: T1 still holds A's block."""
    _plan(sol, "B")["blocks"][1]["track"] = "T1"
    for t in sol["tasks"]:
        if t["train"] == "B" and t["block"] == 1:
            t["track"] = "T1"
    sin = _find(sol, "B", "shunt_in", block=1)
    sin.update(start=sin["start"] - 1, end=sin["end"] - 1, shunter="SH2")


def _twin_of_d(inst: Doc, sol: Doc) -> None:
    """A second changer train E, scheduled exactly like D: changer, shunter and crews clash."""
    d = next(t for t in inst["trains"] if t["id"] == "D")
    e = copy.deepcopy(d)
    e["id"] = "E"
    for i, c in enumerate(e["carriages"]):
        c["id"] = f"E{i + 1}"
    inst["trains"].append(e)
    inst["station"]["locomotives"].append({"id": "L-S4", "gauge": 1520, "available_from": 0})
    plan = copy.deepcopy(_plan(sol, "D")) | {"id": "E", "locomotive": "L-S4"}
    sol["trains"].append(plan)
    for t in [t for t in sol["tasks"] if t["train"] == "D"]:
        twin = dict(t, train="E")
        if twin["op"] == "attach":
            twin["locomotive"] = "L-S4"
        sol["tasks"].append(twin)
    sol["objective"] += plan["dwell"]


CASES = [
    Case("missing task", "task-set", _remove("B", "swap", "B3"), ("train B", "swap B3")),
    Case("duplicate task", "task-set", _duplicate("A", "detach"), ("train A", "detach", "2 times")),
    Case(
        "unknown train",
        "task-set",
        _append(train="Z", op="detach", start=0, end=0),
        ("unknown train Z", "detach"),
    ),
    Case(
        "unknown carriage",
        "task-set",
        _append(train="A", op="lift", carriage="A9", block=0, track="T1", start=30, end=30),
        ("train A", "lift A9", "unknown carriage A9"),
    ),
    Case(
        "carriage of another train",
        "task-set",
        _append(train="A", op="lower", carriage="B1", block=0, track="T1", start=30, end=30),
        ("train A", "lower B1", "train B"),
    ),
    Case(
        "task of another mode",
        "task-set",
        _append(train="C", op="couple", start=100, end=100),
        ("train C", "couple", "through"),
    ),
    Case(
        "swap on a roll track",
        "task-set",
        _append(train="B", op="swap", carriage="B1", block=0, track="T2", start=300, end=300),
        ("train B", "swap B1"),
        also={"bogie-stock"},
    ),
    Case("scaled duration", "duration", _set("A", "swap", "A1", end=42), ("train A", "swap A1")),
    Case(
        "border_check override",
        "duration",
        _set("B", "border_check", end=25),
        ("train B", "border_check", "expected 0"),
    ),
    Case("release", "release", _shift("B", "border_check", by=-1), ("train B", "border_check")),
    Case(
        "precedence",
        "precedence",
        _shift("A", "reconnect", "A1", by=-3),
        ("train A", "reconnect A1", "lower A1"),
    ),
    Case(
        "field on the wrong task",
        "task-fields",
        _set("A", "couple", track="T1"),
        ("train A", "couple", "T1"),
    ),
    Case(
        "wrong block on a carriage task",
        "task-fields",
        lambda i, s: _find(s, "B", "lower", "B3").update(block=0),
        ("train B", "lower B3", "has block 1 /", "expected block 2 /"),
    ),
    Case(
        "horizon",
        "horizon",
        _inst(lambda inst: inst.update(horizon=220)),
        ("train D", "brake_test", "220"),
    ),
    Case("mode", "mode", _inst(_not_variable), ("train D", "changer", "D2")),
    Case("no changer", "mode", _station(changer=None), ("train D", "changer")),
    Case(
        "through mode",
        "mode",
        _plan_set("C", mode="exchange"),
        ("train C", "must be through"),
        also={"blocks", "task-set"},  # exchange without blocks; couple missing
    ),
    Case("block order", "blocks", _reverse_first_block, ("train B", "B2, B1")),
    Case("blocks in through mode", "blocks", _through_gets_block, ("train C", "no blocks")),
    Case("carriage in two blocks", "blocks", _carriage_twice, ("train B", "B2")),
    Case("track capacity", "track-capacity", _track("T2", capacity=1), ("train B", "T2")),
    Case("track mass", "track-mass", _track("T1", max_mass_t=80.0), ("train A", "A1", "T1")),
    Case(
        "track overlap",
        "track-overlap",
        _b_block1_on_t1_early,
        ("train A", "train B", "T1"),
        also={"crew-overlap"},  # C2 is the only shunting crew
    ),
    Case(
        "jack sets",
        "jack-sets",
        _set("A", "lift", "A2", start=45, end=49, crew="C2"),
        ("A1", "A2", "T1"),
    ),
    Case(
        "crew skill",
        "crew-skill",
        _set("C", "brake_test", crew="C3"),
        ("train C", "brake_test", "C3", "brake"),
    ),
    Case(
        "crew overlap",
        "crew-overlap",
        _set("C", "brake_test", crew="C1"),
        ("train C", "brake_test", "C1"),
    ),
    Case(
        "crew shift",
        "crew-shift",
        _inst(lambda inst: inst["station"]["crews"][0].update(shifts=[[0, 105], [105, 600]])),
        ("train B", "roll block 1", "C1", "[100, 110)"),
    ),
    Case("crew missing", "crew-missing", _set("A", "couple", crew=None), ("train A", "couple")),
    Case(
        "crew on a 0-minute task",
        "crew-extra",
        _set("B", "border_check", crew="C3"),
        ("train B", "border_check", "C3"),
    ),
    Case("crew unknown", "crew-unknown", _set("A", "couple", crew="C9"), ("train A", "C9")),
    Case(
        "precedence across blocks",
        "precedence",
        _shift("B", "shunt_out", block=1, by=-3),
        ("train B", "shunt_out block 2", "reconnect B3"),
    ),
    Case(
        "shunter missing",
        "shunter",
        _set("A", "shunt_in", block=0, shunter=None),
        ("train A", "shunt_in block 1"),
    ),
    Case(
        "shunter on the wrong op",
        "shunter",
        _set("A", "detach", shunter="SH1"),
        ("train A", "detach", "SH1"),
    ),
    Case(
        "unknown shunter",
        "shunter",
        _set("B", "roll", block=0, shunter="SH9"),
        ("train B", "roll block 1", "SH9"),
    ),
    Case(
        "changer twice at once",
        "changer",
        _twin_of_d,
        ("train D", "train E", "AGC1"),
        also={"shunter", "crew-overlap"},
    ),
    Case(
        "bogie stock",
        "bogie-stock",
        _station(bogie_turnaround=80),
        ("1435/heavy", "roll block 1", "train B"),
    ),
    Case(
        "loco gauge",
        "loco-gauge",
        _both(_set("B", "attach", locomotive="L-B"), _plan_set("B", locomotive="L-B")),
        ("train B", "L-B", "1435"),
        also={"loco-reuse"},
    ),
    Case(
        "loco availability",
        "loco-availability",
        _both(_set("B", "attach", locomotive="L-S2"), _plan_set("B", locomotive="L-S2")),
        ("train B", "L-S2", "500"),
    ),
    Case(
        "inbound loco turnaround",
        "loco-availability",
        _inst(lambda inst: inst["station"].update(loco_turnaround=200)),
        ("train B", "L-A", "train A"),
    ),
    Case(
        "loco reuse",
        "loco-reuse",
        _both(_set("C", "attach", locomotive="L-S1"), _plan_set("C", locomotive="L-S1")),
        ("L-S1", "A", "C"),
    ),
    Case(
        "unknown loco",
        "loco-unknown",
        _both(_set("C", "attach", locomotive="L-X"), _plan_set("C", locomotive="L-X")),
        ("train C", "L-X"),
    ),
    Case(
        "loco mismatch",
        "loco-mismatch",
        _plan_set("C", locomotive="L-S1"),
        ("train C", "L-S1", "L-S3"),
    ),
    Case(
        "earliest departure",
        "earliest-departure",
        _plan_set("C", departure=168),
        ("train C", "175"),
    ),
    Case("departure", "departure", _plan_set("A", departure=113), ("train A", "112")),
    Case("dwell", "dwell", _plan_set("D", dwell=200), ("train D", "194")),
    Case("objective", "objective", lambda i, s: s.update(objective=751), ("751", "752")),
    Case("bound", "bound", lambda i, s: s.update(lower_bound=753), ("753", "752")),
    Case("optimal without proof", "status", lambda i, s: s.update(status="optimal"), ("optimal",)),
    Case(
        "infeasible with a schedule",
        "status",
        lambda i, s: s.update(status="infeasible"),
        ("infeasible",),
    ),
    Case("instance name", "instance", lambda i, s: s.update(instance="other"), ("other",)),
    Case(
        "train missing from trains",
        "train-set",
        lambda i, s: s["trains"].pop(),
        ("train D",),
    ),
]


def _assert_reported(valid_pair: tuple[Doc, Doc], case: Case) -> None:
    inst, sol = copy.deepcopy(valid_pair[0]), copy.deepcopy(valid_pair[1])
    case.mutate(inst, sol)
    found = _run(inst, sol)
    rules = {v.rule for v in found}
    assert rules == {case.rule} | case.also, [str(v) for v in found]
    hits = [v for v in found if v.rule == case.rule]
    assert any(all(w in v.message for w in case.words) for v in hits), [str(v) for v in hits]
    assert all(str(v) == f"[{v.rule}] {v.message}" and "\n" not in v.message for v in found)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mutation_is_reported(valid, case: Case):
    _assert_reported(valid, case)


def test_violation_fields_name_train_task_resource(valid):
    inst, sol = copy.deepcopy(valid[0]), copy.deepcopy(valid[1])
    _set("C", "brake_test", crew="C1")(inst, sol)
    v = _run(inst, sol)[0]
    assert (v.rule, v.train, v.task, v.resource) == ("crew-overlap", "C", "brake_test", "C1")
    with pytest.raises(AttributeError):
        v.rule = "x"  # frozen


def test_infeasible_and_unknown_empty_are_valid(valid):
    inst, _ = valid
    for status in ("infeasible", "unknown"):
        sol = {"instance": inst["name"], "status": status, "objective": None}
        assert _run(inst, sol) == []


def test_optimal_with_matching_bound_is_valid(valid):
    inst, sol = copy.deepcopy(valid[0]), copy.deepcopy(valid[1])
    sol.update(status="optimal", lower_bound=sol["objective"])
    assert _run(inst, sol) == []


def test_exported_from_package():
    assert exported_check is check


# --- contract v1.1: ground-air brake test, maintenance windows, epoch ---------------------


@pytest.fixture(scope="module")
def valid_v11() -> tuple[Doc, Doc]:
    return copy.deepcopy(INSTANCE_V11), build_solution(INSTANCE_V11, PLAN_V11)


def _redepart(inst: Doc, sol: Doc) -> None:
    """Recompute departures, dwells and the objective from the tasks (after a retiming)."""
    sol["objective"] = 0
    for tr in inst["trains"]:
        p = _plan(sol, tr["id"])
        ends = [_find(sol, tr["id"], op)["end"] for op in ("brake_test", "border_check")]
        if tr.get("earliest_departure") is not None:
            ends.append(tr["earliest_departure"])
        p["departure"] = max(ends)
        p["dwell"] = p["departure"] - tr["arrival"]
        sol["objective"] += tr.get("weight", 1) * p["dwell"]


def _brake_lasts(train: str, minutes: int):
    """The train's brake_test lasts ``minutes``; departure, dwell and objective follow."""

    def mutate(inst: Doc, sol: Doc) -> None:
        t = _find(sol, train, "brake_test")
        t["end"] = t["start"] + minutes
        _redepart(inst, sol)

    return mutate


def _windows(track_id: str, *windows: tuple[int, int]):
    return _track(track_id, unavailable=[list(w) for w in windows])


def test_v11_valid_solution_has_no_violation(valid_v11):
    inst, sol = valid_v11
    assert _run(inst, sol) == []


def test_v11_fixture_files_match_the_builder(valid_v11):
    inst, sol = valid_v11
    assert json.loads((DATA_DIR / "instance_v11.json").read_text()) == inst
    assert json.loads((DATA_DIR / "solution_v11.json").read_text()) == sol


def test_v11_solution_exercises_the_new_rules(valid_v11):
    """Ground tests touch both their bounds, windows touch the block, spare crews are idle."""
    inst, sol = valid_v11
    assert inst["epoch"] and inst["station"]["ground_air"]
    flags = {p["id"]: p["ground_brake_test"] for p in sol["trains"]}
    assert flags == {"G1": True, "G2": True, "G3": True, "G4": False}
    whole = {"G1": "couple", "G2": "detach", "G3": "changer_pass"}
    for tid, op in whole.items():
        test = _find(sol, tid, "ground_brake_test")
        assert test["start"] == _find(sol, tid, op)["end"]
        assert test["end"] - test["start"] == 20  # brake_test
        brake = _find(sol, tid, "brake_test")
        assert brake["end"] - brake["start"] == 8  # brake_test_short
    assert _find(sol, "G1", "ground_brake_test")["end"] == _find(sol, "G1", "attach")["start"]
    assert not [t for t in sol["tasks"] if t["train"] == "G4" and t["op"] == "ground_brake_test"]
    assert _find(sol, "G4", "brake_test")["end"] - _find(sol, "G4", "brake_test")["start"] == 20
    # T1 is unavailable [0, 15) and [59, 120); G1's block holds it [15, 59).
    assert inst["station"]["tracks"][0]["unavailable"] == [[0, 15], [59, 120]]
    assert _find(sol, "G1", "shunt_in", block=0)["start"] == 15
    assert _find(sol, "G1", "shunt_out", block=0)["end"] == 59
    assert not {"C5", "X1"} & {t["crew"] for t in sol["tasks"]}
    assert _find(sol, "G1", "ground_brake_test")["crew"] == "C1"
    assert _find(sol, "G2", "ground_brake_test")["crew"] == "C4"


CASES_V11 = [
    Case(
        "ground test without ground_air",
        "ground-air",
        _station(ground_air=False),
        ("train G1", "ground_brake_test true", "Luftgrenze", "ground_air"),
    ),
    Case(
        "ground test missing",
        "task-set",
        _remove("G1", "ground_brake_test"),
        ("train G1", "ground_brake_test is missing", "plan has ground_brake_test true"),
    ),
    Case(
        "ground test not in the plan",
        "task-set",
        _append(train="G4", op="ground_brake_test", start=160, end=180, crew="X1"),
        ("train G4", "ground_brake_test", "plan has no ground_brake_test"),
    ),
    Case(
        "plan flag false over a ground test",
        "task-set",
        _plan_set("G1", ground_brake_test=False),
        ("train G1", "ground_brake_test", "plan has no ground_brake_test"),
        also={"duration"},  # the brake_test is then the short one, not brake_test
    ),
    Case(
        "plan flag true without a ground test",
        "task-set",
        _plan_set("G4", ground_brake_test=True),
        ("train G4", "ground_brake_test is missing"),
        also={"duration"},  # the brake_test is then the long one, not brake_test_short
    ),
    Case(
        "ground test before couple ends",
        "precedence",
        _shift("G1", "ground_brake_test", by=-1, crew="X1"),
        ("train G1", "ground_brake_test starts at 62", "before couple ends at 63"),
    ),
    Case(
        "ground test before detach ends (through)",
        "precedence",
        _shift("G2", "ground_brake_test", by=-1),
        ("train G2", "ground_brake_test starts at 19", "before detach ends at 20"),
    ),
    Case(
        "ground test before changer_pass ends",
        "precedence",
        _shift("G3", "ground_brake_test", by=-1),
        ("train G3", "ground_brake_test starts at 84", "before changer_pass ends at 85"),
    ),
    Case(
        "ground test ends after attach starts",
        "precedence",
        _shift("G1", "ground_brake_test", by=1, crew="X1"),
        ("train G1", "attach starts at 83", "before ground_brake_test ends at 84"),
    ),
    Case(
        "ground test of the short length",
        "duration",
        _set("G1", "ground_brake_test", end=71),
        ("train G1", "ground_brake_test lasts 8", "expected 20 (brake_test)"),
    ),
    Case(
        "full brake test after a ground test",
        "duration",
        _brake_lasts("G2", 20),
        ("train G2", "brake_test lasts 20", "expected 8", "brake_test_short"),
    ),
    Case(
        "short brake test without a ground test",
        "duration",
        _brake_lasts("G4", 8),
        ("train G4", "brake_test lasts 8", "expected 20", "no ground_brake_test"),
    ),
    Case(
        "ground test by a crew without brake",
        "crew-skill",
        _set("G1", "ground_brake_test", crew="C3"),
        ("train G1", "ground_brake_test", "needs skill brake", "C3"),
    ),
    Case(
        "ground test outside its crew's shift",
        "crew-shift",
        _set("G1", "ground_brake_test", crew="C5"),
        ("train G1", "ground_brake_test [63, 83)", "C5", "[500, 600)"),
    ),
    Case(
        "ground test while its crew is busy",
        "crew-overlap",
        _set("G1", "ground_brake_test", crew="C4"),
        ("crew C4", "train G2 brake_test [59, 67)", "train G1 ground_brake_test [63, 83)"),
    ),
    Case(
        "ground test without crew",
        "crew-missing",
        _set("G3", "ground_brake_test", crew=None),
        ("train G3", "ground_brake_test lasts 20", "no crew"),
    ),
    Case(
        "window over the block's start",
        "track-unavailable",
        _windows("T1", (0, 16), (59, 120)),
        ("train G1", "block 1", "track T1 [15, 59)", "[0, 16)"),
    ),
    Case(
        "window over the block's end",
        "track-unavailable",
        _windows("T1", (0, 15), (58, 120)),
        ("train G1", "block 1", "track T1 [15, 59)", "[58, 120)"),
    ),
    Case(
        "window inside the block's stay",
        "track-unavailable",
        _windows("T1", (30, 31)),
        ("train G1", "track T1", "[30, 31)"),
    ),
    Case(
        "window covering the block's stay",
        "track-unavailable",
        _windows("T1", (10, 70)),
        ("train G1", "track T1", "[10, 70)"),
    ),
    Case(
        "window on a roll track",
        "track-unavailable",
        _windows("T2", (151, 152)),
        ("train G4", "block 1", "track T2 [95, 152)", "[151, 152)"),
    ),
]


@pytest.mark.parametrize("case", CASES_V11, ids=[c.name for c in CASES_V11])
def test_v11_mutation_is_reported(valid_v11, case: Case):
    _assert_reported(valid_v11, case)


@pytest.mark.parametrize(
    ("track", "windows"),
    [
        ("T1", [(0, 15), (59, 120)]),
        ("T1", [(14, 15)]),
        ("T1", [(59, 60)]),
        ("T1", []),
        ("T2", [(90, 95), (152, 153)]),
        ("T2", [(0, 1), (152, 600)]),
    ],
)
def test_windows_touching_a_block_are_allowed(valid_v11, track, windows):
    """Half-open: a block may arrive at a window's end and leave at its start."""
    inst, sol = copy.deepcopy(valid_v11[0]), valid_v11[1]
    _windows(track, *windows)(inst, sol)
    assert _run(inst, sol) == []


def test_zero_minute_brake_tests_need_no_crew(valid_v11):
    """brake_test_short 0: the short tests take no crew; brake_test 0: nor do ground tests."""
    for field_name, ops in (
        ("brake_test_short", ["brake_test"]),
        ("brake_test", ["ground_brake_test"]),
    ):
        inst = copy.deepcopy(valid_v11[0])
        inst["station"]["durations"][field_name] = 0
        sol = build_solution(inst, PLAN_V11)
        assert _run(inst, sol) == []
        for op in ops:
            assert _find(sol, "G1", op)["crew"] is None
            bad = copy.deepcopy(sol)
            _find(bad, "G1", op)["crew"] = "C1"
            assert {v.rule for v in _run(inst, bad)} == {"crew-extra"}


def test_epoch_changes_no_rule(valid, valid_v11):
    for inst, sol in (valid, valid_v11):
        for epoch in (None, "2025-01-01T00:00:00+00:00", "1999-12-31T23:59:00-05:00"):
            dated = copy.deepcopy(inst) | {"epoch": epoch}
            assert _run(dated, sol) == []


def test_v1_solutions_stay_valid_under_v11(valid):
    """A v1 file pair, with v1.1's defaults written out or a ground-air station, still passes."""
    inst, sol = valid
    assert all("ground_brake_test" not in p for p in sol["trains"])
    explicit = copy.deepcopy(inst)
    explicit |= {"epoch": None}
    explicit["station"]["ground_air"] = False
    explicit["station"]["durations"]["brake_test_short"] = 10
    for track in explicit["station"]["tracks"]:
        track["unavailable"] = []
    assert _run(explicit, sol) == []
    aired = copy.deepcopy(explicit)
    aired["station"]["ground_air"] = True  # ground tests are optional
    aired["station"]["durations"]["brake_test_short"] = 3  # only ground-tested trains use it
    aired["station"]["tracks"][0]["unavailable"] = [[500, 600]]  # after T1's last block
    assert _run(aired, sol) == []
    flagged = copy.deepcopy(sol)
    for p in flagged["trains"]:
        p["ground_brake_test"] = False
    assert _run(explicit, flagged) == []


def test_v11_random_mutations_never_raise(valid_v11):
    """Seeded fuzzing of the v1.1 pair, ground flags and ground tests included."""
    rng = random.Random(11)
    inst = parse_instance(valid_v11[0])
    ops = sorted(SKILL)
    for _ in range(150):
        sol = copy.deepcopy(valid_v11[1])
        for _ in range(rng.randint(1, 3)):
            what = rng.random()
            if what < 0.3:
                plan = rng.choice(sol["trains"])
                plan["ground_brake_test"] = not plan["ground_brake_test"]
            elif what < 0.6:
                task = rng.choice(sol["tasks"])
                task["op"] = rng.choice(ops)
            elif what < 0.8:
                task = rng.choice(sol["tasks"])
                task["start"] += rng.randint(-30, 30)
            elif sol["tasks"]:
                sol["tasks"].pop(rng.randrange(len(sol["tasks"])))
        found = check(inst, parse_solution(sol))
        assert all(isinstance(v, Violation) and "\n" not in v.message for v in found)


def test_malformed_ground_flag_is_reported(valid_v11):
    inst = parse_instance(valid_v11[0])
    good = parse_solution(valid_v11[1])
    odd = good.model_copy(
        update={"trains": [good.trains[0].model_copy(update={"ground_brake_test": "yes"})]}
    )
    found = check(inst, odd)
    assert "train-set" in {v.rule for v in found}
    assert any("malformed" in v.message and "ground_brake_test" in v.message for v in found)


# --- robustness ------------------------------------------------------------------------


def test_garbage_solutions_never_raise(valid):
    inst = parse_instance(valid[0])
    good = parse_solution(valid[1])
    junk_task = Task.model_construct(train=None, op="fly", start="x", end=None)
    odd = [
        Solution(instance="?", status="feasible"),
        Solution.model_construct(instance=3, status="bogus", trains=None, tasks=7),
        good.model_copy(update={"tasks": [*good.tasks, junk_task, "not a task"]}),
        good.model_copy(update={"tasks": good.tasks * 2, "trains": good.trains * 2}),
        good.model_copy(update={"tasks": good.tasks[::3]}),
        good.model_copy(update={"tasks": [t.model_copy(update={"block": 99}) for t in good.tasks]}),
        good.model_copy(
            update={
                "tasks": [
                    t.model_copy(update={"carriage": "nope", "start": -5, "end": -9})
                    for t in good.tasks
                ]
            }
        ),
        good.model_copy(
            update={
                "trains": [
                    p.model_copy(update={"mode": "exchange", "blocks": []}) for p in good.trains
                ]
            }
        ),
    ]
    for sol in odd:
        found = check(inst, sol)
        assert found, sol
        assert all(isinstance(v, Violation) for v in found)


def test_random_mutations_never_raise(valid):
    """Seeded fuzzing: any well-typed solution, however wrong, gives violations, not errors."""
    rng = random.Random(7)
    inst = parse_instance(valid[0])
    ids = ["A", "B", "C", "D", "Z", "A1", "B2", "D1", "T1", "T2", "T9", "C1", "C3", "SH1"]
    ids += ["L-A", "L-S2", "AGC1"]
    values = {
        "train": ids,
        "carriage": [None, *ids],
        "block": [None, -1, 0, 1, 2, 50],
        "start": [-10, 0, 1, 99, 100, 599, 600, 10**6],
        "end": [-10, 0, 1, 99, 100, 599, 600, 10**6],
        "crew": [None, *ids],
        "shunter": [None, *ids],
        "track": [None, *ids],
        "locomotive": [None, *ids],
        "op": sorted(SKILL),
    }
    for _ in range(300):
        sol = copy.deepcopy(valid[1])
        for _ in range(rng.randint(1, 4)):
            what = rng.random()
            if what < 0.6:
                task = rng.choice(sol["tasks"])
                name = rng.choice(sorted(values))
                task[name] = rng.choice(values[name])
            elif what < 0.7 and sol["tasks"]:
                sol["tasks"].pop(rng.randrange(len(sol["tasks"])))
            elif what < 0.8:
                sol["tasks"].append(dict(rng.choice(sol["tasks"])))
            else:
                plan = rng.choice(sol["trains"])
                plan["mode"] = rng.choice(["through", "exchange", "changer"])
                plan["locomotive"] = rng.choice([None, *ids])
                plan["blocks"] = [
                    {"track": rng.choice(ids), "carriages": rng.sample(ids, rng.randint(1, 3))}
                    for _ in range(rng.randint(0, 3))
                ]
        found = check(inst, parse_solution(sol))
        assert all(isinstance(v, Violation) and "\n" not in v.message for v in found)


def test_blocks_with_unknown_track_and_foreign_carriages(valid):
    inst, sol = copy.deepcopy(valid[0]), copy.deepcopy(valid[1])
    _plan(sol, "A")["blocks"] = [{"track": "T9", "carriages": ["A1", "B1", "Q"]}]
    found = _run(inst, sol)
    text = "\n".join(str(v) for v in found)
    for word in ("unknown track T9", "carriage B1 of train B", "unknown carriage Q", "A2"):
        assert word in text


# --- command line ----------------------------------------------------------------------

runner = CliRunner()
CLI = [sys.executable, "-c", "from gaugeopt.cli import main; main()"]


def test_cli_ok():
    res = runner.invoke(
        app, ["check", str(DATA_DIR / "instance.json"), str(DATA_DIR / "solution.json")]
    )
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines()[-1] == "OK: 0 violations"


def test_cli_ok_v11():
    res = runner.invoke(
        app, ["check", str(DATA_DIR / "instance_v11.json"), str(DATA_DIR / "solution_v11.json")]
    )
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines()[-1] == "OK: 0 violations"


def test_cli_violations(tmp_path, valid):
    inst, sol = copy.deepcopy(valid[0]), copy.deepcopy(valid[1])
    _set("A", "couple", crew="C9")(inst, sol)
    sol["objective"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(sol))
    res = runner.invoke(app, ["check", str(DATA_DIR / "instance.json"), str(path)])
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert lines[-1] == "2 violations"
    assert lines[0].startswith("[crew-unknown] ") and "C9" in lines[0]
    assert lines[1].startswith("[objective] ")


@pytest.mark.parametrize(
    ("content", "word"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        ('{"instance": "x", "status": 1}', "status"),
    ],
)
def test_cli_bad_files_exit_2(tmp_path, content, word):
    path = tmp_path / "sol.json"
    if content is not None:
        path.write_text(content)
    res = subprocess.run(
        [*CLI, "check", str(DATA_DIR / "instance.json"), str(path)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr and word in res.stderr


def test_cli_bad_instance_exit_2(tmp_path):
    path = tmp_path / "inst.json"
    path.write_text('{"name": "x"}')
    res = runner.invoke(app, ["check", str(path), str(DATA_DIR / "solution.json")])
    assert res.exit_code == 2


# --- independence from the solver --------------------------------------------------------


def test_checker_does_not_import_solver_code():
    code = (
        "import sys, gaugeopt.checker, gaugeopt.cli.check\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in "
        "(['gaugeopt', 'core'], ['gaugeopt', 'gauge'], ['gaugeopt', 'solve'], "
        "['gaugeopt', 'solver'], ['gaugeopt', 'construct'], ['gaugeopt', 'rules'], "
        "['gaugeopt', 'bounds'])]\n"
        "print(bad)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"
