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
from gaugeopt.diagnose.precheck import infeasibility_reasons
from gaugeopt.gauge.build import build
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance, read_instance
from gaugeopt.rules import possible_modes

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"
#: Every v1.2 field at its default.
V12_DEFAULTS = {"inspection": 0, "inspection_per_carriage": 0, "coupler": 15}


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


def test_brest_exchanges_every_coupler_beside_the_bogies() -> None:
    inst = read_instance(EXAMPLES / "brest-couplers.json")
    sol = construct(inst, time_limit=0)
    assert sol is not None and check(inst, sol) == []
    by = {(t.op, t.carriage): t for t in sol.tasks if t.carriage is not None}
    cars = [c.id for c in inst.trains[0].carriages]
    for cid in cars:
        cpl = by["coupler", cid]
        assert cpl.end - cpl.start == 15 and cpl.track is not None
        assert by["disconnect", cid].end <= cpl.start and cpl.end <= by["reconnect", cid].start
    beside = [
        cid
        for cid in cars
        if by["coupler", cid].start < by["lower", cid].end
        and by["lift", cid].start < by["coupler", cid].end
    ]
    assert beside, "no coupler exchange ran beside its carriage's bogie work"


def test_a_train_exchanging_couplers_never_takes_the_changer() -> None:
    data = json.loads((EXAMPLES / "erenhot-day.json").read_text())
    variable = next(t for t in data["trains"] if t["carriages"][0]["variable_gauge"])
    base = parse_instance(data)
    variable["coupler_exchange"] = True
    inst = parse_instance(data)
    tid = variable["id"]
    assert possible_modes(base, base.train(tid)) == ["exchange", "changer"]
    assert possible_modes(inst, inst.train(tid)) == ["exchange"]
    reasons = infeasibility_reasons(_without_tracks(data))
    assert any("coupler_exchange" in r and tid in r for r in reasons), reasons


def _without_tracks(data: dict) -> Instance:
    """The instance with no shed track: a coupler-exchanging train has no mode left."""
    bare = json.loads(json.dumps(data))
    bare["station"]["tracks"] = []
    return parse_instance(bare)


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
    for train in data["trains"]:
        train["coupler_exchange"] = False
    spelled = parse_instance(data)
    assert spelled == plain
    names = [t.name for t in build(plain).problem.tasks]
    assert names == [t.name for t in build(spelled).problem.tasks]
    assert not any(n.startswith(("inspect:", "coupler:")) for n in names)
    assert construct(plain, time_limit=0) == construct(spelled, time_limit=0)


def test_the_inspected_family_uses_both_v12_steps() -> None:
    """``generate inspected``: every train inspected by examiners, some exchange couplers,
    and the constructed schedule passes the checker."""
    from gaugeopt.generate import generate

    flagged = 0
    for seed in (1, 2, 3):
        inst = generate("inspected", seed, size="small")
        assert inst.station.durations.inspection > 0
        assert any(c.skills == ["inspection"] for c in inst.station.crews)
        flagged += sum(t.coupler_exchange for t in inst.trains)
        sol = construct(inst, time_limit=0)
        assert sol is not None and check(inst, sol) == []
        assert sum(t.op == "inspect" for t in sol.tasks) == len(inst.trains)
    assert flagged > 0


@pytest.mark.parametrize(("name", "now"), [("brest-couplers", 660), ("erenhot-inspected", 100)])
def test_a_replan_keeps_the_v12_work_already_started(name: str, now: int) -> None:
    """Replanning mid-way: started inspections and coupler exchanges stay as they were, and
    the new plan passes the checker."""
    inst = read_instance(EXAMPLES / f"{name}.json")
    previous = construct(inst, time_limit=0)
    assert previous is not None
    started = [t for t in previous.tasks if t.start < now and t.op in ("inspect", "coupler")]
    assert started
    result = gaugeopt.replan(inst, previous, now, time_limit=2, workers=1)
    assert result.status in ("optimal", "feasible")
    assert check(inst, result.solution) == []
    kept = result.solution.tasks
    assert all(t in kept for t in started)


def test_exports_and_report_colours_carry_the_v12_steps() -> None:
    """Every v1.2 task is a row of the CSV and an event of the calendar; every operation of
    the solution format has a report colour (derived for the new ones, all distinct)."""
    from typing import get_args

    from gaugeopt.export import export_bytes
    from gaugeopt.model.solution import Op
    from gaugeopt.report.timeline import OP_COLORS

    for name, op in (("brest-couplers", "coupler"), ("erenhot-inspected", "inspect")):
        inst = read_instance(EXAMPLES / f"{name}.json")
        sol = construct(inst, time_limit=0)
        assert sol is not None
        count = sum(t.op == op for t in sol.tasks)
        rows = export_bytes(inst, sol, ".csv").decode().splitlines()
        assert sum(f",{op}," in row for row in rows) == count
        ics = export_bytes(inst, sol, ".ics", epoch="2025-09-02T00:00:00+03:00").decode()
        assert ics.count("BEGIN:VEVENT") >= count > 0
    ops = get_args(Op)
    assert set(ops) <= set(OP_COLORS)
    assert len({OP_COLORS[op] for op in ops}) == len(ops)


def test_validate_names_the_v12_steps_only_where_asked_for() -> None:
    from typer.testing import CliRunner

    from gaugeopt.cli import app

    runner = CliRunner()
    couplers = runner.invoke(app, ["validate", str(EXAMPLES / "brest-couplers.json")])
    assert "couplers     exchanged on 1 train(s), 15 min a carriage" in couplers.stdout
    looked = runner.invoke(app, ["validate", str(EXAMPLES / "erenhot-inspected.json")])
    assert "inspection   20 min a train + 0 a carriage" in looked.stdout
    plain = runner.invoke(app, ["validate", "--json", str(EXAMPLES / "brest-passenger.json")])
    assert "inspection" not in plain.stdout and "coupler" not in plain.stdout
