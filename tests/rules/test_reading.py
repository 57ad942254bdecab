"""The one reading of a schedule (gaugeopt.rules.reading) says what the rulebook says about
each operation, and finds every hold of a constructed schedule with its tasks."""

from __future__ import annotations

from dataclasses import replace
from typing import get_args

from gaugeopt.construct import construct
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Op, Solution
from gaugeopt.rules import HOLDS, JACK_HOLD, OPS, TRACK_HOLD
from gaugeopt.rules.reading import (
    BOGIE_OPS,
    CHANGER_OPS,
    HAUL_OPS,
    OP_ORDER,
    SHUNTER_OPS,
    Reading,
    level,
    skill,
    task_key,
)
from tests.conftest import ROOT

BREST = ROOT / "instances" / "examples" / "brest-passenger.json"


def _schedule() -> Solution:
    inst = read_instance(BREST)
    sol = construct(inst, time_limit=0, seed=0)
    assert sol is not None and sol.status == "feasible"
    return sol


def test_every_table_comes_from_the_rulebook() -> None:
    assert OP_ORDER == get_args(Op) == tuple(r.op for r in OPS)
    assert {op: skill(op) for op in OP_ORDER} == {r.op: r.skill for r in OPS}
    assert {op: level(op) for op in OP_ORDER} == {r.op: r.level for r in OPS}
    assert {"shunt_in", "roll", "shunt_out", "changer_pass"} == SHUNTER_OPS
    assert {"changer_pass"} == CHANGER_OPS
    assert {"attach"} == HAUL_OPS
    assert {"swap", "roll"} == BOGIE_OPS


def test_task_key_keeps_the_reference_of_the_level_only() -> None:
    sol = _schedule()
    for t in sol.tasks:
        _, _, car, block = task_key(t)
        assert (car is not None) == (level(t.op) == "carriage")
        assert (block is not None) == (level(t.op) == "block")
    assert len({task_key(t) for t in sol.tasks}) == len(sol.tasks)


def test_occupancies_pair_each_holds_start_and_end_tasks() -> None:
    sol = _schedule()
    reading = Reading(sol)
    blocks = [(p.id, b, blk) for p in sol.trains for b, blk in enumerate(p.blocks)]
    track = reading.occupancies(TRACK_HOLD)
    assert [(o.train, o.block, o.track) for o in track] == [(i, b, k.track) for i, b, k in blocks]
    for o in track:
        assert (o.first.op, o.last.op) == ("shunt_in", "shunt_out")
        assert o.start == o.first.start < o.end == o.last.end
    jacks = reading.occupancies(JACK_HOLD)
    assert [o.carriage for o in jacks] == [c for _, _, k in blocks for c in k.carriages]
    for o in jacks:
        assert (o.first.op, o.last.op, o.first.carriage) == ("lift", "lower", o.carriage)
    assert set(reading.holds()) == set(HOLDS)


def test_a_hold_of_other_operations_is_read_without_a_change() -> None:
    """A hold the rulebook might gain (the coupling crew's bench, disconnect to reconnect)
    is found from its level and its operations alone."""
    sol = _schedule()
    bench = replace(JACK_HOLD, start_op="disconnect", end_op="reconnect")
    spans = Reading(sol).occupancies(bench)
    assert len(spans) == len(Reading(sol).occupancies(JACK_HOLD)) > 0
    assert all(o.first.op == "disconnect" and o.last.op == "reconnect" for o in spans)


def test_a_missing_end_task_leaves_its_hold_out() -> None:
    sol = _schedule()
    kept = [t for t in sol.tasks if not (t.op == "shunt_out" and t.block == 0)]
    broken = sol.model_copy(update={"tasks": kept})
    trains_with_blocks = sum(1 for p in sol.trains if p.blocks)
    full = len(Reading(sol).occupancies(TRACK_HOLD))
    assert len(Reading(broken).occupancies(TRACK_HOLD)) == full - trains_with_blocks


def test_carriages_of_follow_the_level() -> None:
    sol = _schedule()
    reading = Reading(sol)
    for t in sol.tasks:
        cars = reading.carriages_of(t)
        plan = reading.plans[t.train]
        if level(t.op) == "carriage":
            assert cars == [t.carriage]
        elif level(t.op) == "block":
            assert t.block is not None
            assert cars == plan.blocks[t.block].carriages
        else:
            assert cars == [c for b in plan.blocks for c in b.carriages]
