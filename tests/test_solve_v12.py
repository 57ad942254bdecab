"""Contract v1.2 end to end: v1.2 instances get schedules that pass the independent checker
(constructive and CP-SAT), the pre-checks name a missing skill, and a v1.1 file with v1.2's
defaults written out is scheduled exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from random_instances import random_v12

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.gauge.build import build
from gaugeopt.gauge.precheck import infeasibility_reasons
from gaugeopt.model.io import parse_instance, read_instance

EXAMPLES = Path(__file__).resolve().parents[1] / "instances" / "examples"
#: Every v1.2 field at its default.
V12_DEFAULTS = {"inspection": 0, "inspection_per_carriage": 0}


@pytest.mark.parametrize("seed", range(40))
def test_constructed_v12_schedules_pass_the_checker(seed: int) -> None:
    inst = random_v12(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is not None:
        assert check(inst, sol) == [], seed


@pytest.mark.parametrize("seed", [1, 4, 9, 12, 21, 33])
def test_solver_v12_schedules_pass_the_checker(seed: int) -> None:
    inst = random_v12(seed)
    result = gaugeopt.solve(inst, time_limit=2, workers=1, seed=0)
    if result.status in ("optimal", "feasible"):
        assert check(inst, result.solution) == []
        assert result.lower_bound is None or result.lower_bound <= result.objective
    else:
        assert result.solution.tasks == []


def test_erenhot_inspects_every_train_for_twenty_minutes() -> None:
    inst = read_instance(EXAMPLES / "erenhot-inspected.json")
    sol = construct(inst, time_limit=0)
    assert sol is not None and check(inst, sol) == []
    looked = [t for t in sol.tasks if t.op == "inspect"]
    assert sorted(t.train for t in looked) == sorted(t.id for t in inst.trains)
    assert all(t.end - t.start == 20 and t.crew and "I" in t.crew for t in looked)
    first = {}
    for t in sol.tasks:
        if t.op in ("shunt_in", "changer_pass"):
            first[t.train] = min(first.get(t.train, t.start), t.start)
    ends = {t.train: t.end for t in looked}
    assert all(first[tid] >= ends[tid] for tid in first)


def test_no_inspector_is_named_as_the_root_cause() -> None:
    data = json.loads((EXAMPLES / "erenhot-inspected.json").read_text())
    data["station"]["crews"] = [
        c for c in data["station"]["crews"] if c["skills"] != ["inspection"]
    ]
    reasons = infeasibility_reasons(parse_instance(data))
    assert reasons and "no crew has skill 'inspection', needed by inspect" in reasons[0]


@pytest.mark.parametrize("name", ["brest-ground-air", "erenhot-day"])
def test_v11_file_with_v12_defaults_is_scheduled_as_before(name: str) -> None:
    """The same model (task for task) and the same constructed schedule."""
    plain = read_instance(EXAMPLES / f"{name}.json")
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    data["station"]["durations"] |= V12_DEFAULTS
    spelled = parse_instance(data)
    assert spelled == plain
    names = [t.name for t in build(plain).problem.tasks]
    assert names == [t.name for t in build(spelled).problem.tasks]
    assert not any(n.startswith(("inspect:", "coupler:")) for n in names)
    assert construct(plain, time_limit=0) == construct(spelled, time_limit=0)
