"""The task graph derived from the rulebook follows DESIGN.md §4: its ops, precedences,
ground-air test, departure and modes."""

from __future__ import annotations

from typing import get_args

from gaugeopt.checker import expected
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Op
from gaugeopt.rules import OPS, BlockSpec, departure, ground_options, possible_modes, task_graph

KHASAN = "instances/examples/khasan-armoured.json"


def tiny_instance() -> Instance:
    from tests.conftest import ROOT

    return read_instance(ROOT / KHASAN)


def _inst(**station: object) -> Instance:
    inst = tiny_instance()
    return inst.model_copy(update={"station": inst.station.model_copy(update=station)})


def test_ops_are_the_solution_format_ops_in_order() -> None:
    assert tuple(r.op for r in OPS) == get_args(Op)


def test_the_checkers_own_tables_agree_with_the_rulebook() -> None:
    """The checker reads §4 on its own (it imports no rules): its skills, levels and
    shunter operations say what the rulebook says."""
    assert {r.op: r.skill for r in OPS} == expected.SKILL
    assert tuple(r.op for r in OPS if r.level == "block") == expected.BLOCK_OPS
    assert tuple(r.op for r in OPS if r.level == "carriage") == expected.CARRIAGE_OPS
    assert frozenset(r.op for r in OPS if r.shunter) == expected.SHUNTER_OPS


def test_exchange_graph_follows_section_4() -> None:
    inst = _inst()
    train = inst.trains[0]
    n = len(train.carriages)
    blocks = [BlockSpec(tuple(range(n)), "individual")]
    g = task_graph(inst, train, "exchange", blocks)
    ops = [t.op for t in g]
    assert ops.count("disconnect") == n and ops.count("swap") == n and "roll" not in ops
    assert "ground_brake_test" not in ops and "changer_pass" not in ops
    d = inst.station.durations
    by = {(t.op, t.carriage): (i, t) for i, t in enumerate(g)}
    i_det, _ = by["detach", None]
    _, sin = by["shunt_in", None]
    assert sin.preds == (i_det,) and sin.duration == d.shunt
    i_lift, _ = by["lift", 0]
    i_swap, swap = by["swap", 0]
    _, lower = by["lower", 0]
    assert swap.preds == (i_lift,) and set(lower.preds) == {i_lift, i_swap}
    _, couple = by["couple", None]
    assert couple.duration == d.couple_per_carriage * n
    _, brake = by["brake_test", None]
    assert brake.duration == d.brake_test
    assert by["detach", None][1].release == train.arrival
    for i, t in enumerate(g):  # topological
        assert all(p < i for p in t.preds)


def test_roll_block_waits_for_every_lift_and_lowers_wait_for_the_roll() -> None:
    inst = _inst()
    train = inst.trains[0]
    n = len(train.carriages)
    g = task_graph(inst, train, "exchange", [BlockSpec(tuple(range(n)), "roll")])
    roll = next(i for i, t in enumerate(g) if t.op == "roll")
    lifts = {i for i, t in enumerate(g) if t.op == "lift"}
    d = inst.station.durations
    assert set(g[roll].preds) == lifts
    assert g[roll].duration == d.roll_setup + d.roll_per_bogie * sum(
        c.bogies for c in train.carriages
    )
    assert all(roll in t.preds for t in g if t.op == "lower")
    assert "swap" not in {t.op for t in g}


def test_ground_air_test_shortens_the_brake_test() -> None:
    inst = _inst(ground_air=True)
    train = inst.trains[0]
    assert ground_options(inst) == (False, True)
    assert ground_options(_inst()) == (False,)
    g = task_graph(inst, train, "through", ground=True)
    ops = [t.op for t in g]
    assert ops == ["detach", "border_check", "ground_brake_test", "attach", "brake_test"]
    d = inst.station.durations
    assert g[2].duration == d.brake_test and g[4].duration == d.brake_test_short
    assert 2 in g[3].preds and 0 in g[2].preds


def test_departure_waits_for_brake_test_border_check_and_earliest() -> None:
    train = tiny_instance().trains[0].model_copy(update={"earliest_departure": 500})
    assert departure(train, {"brake_test": 100, "border_check": 120}) == 500
    train = train.model_copy(update={"earliest_departure": None})
    assert departure(train, {"brake_test": 100, "border_check": 120}) == 120


def test_modes_rule() -> None:
    inst = tiny_instance()
    train = inst.trains[0]
    through = train.model_copy(update={"to_gauge": train.from_gauge})
    assert possible_modes(inst, through) == ["through"]
    heavy = train.model_copy(
        update={"carriages": [c.model_copy(update={"mass_t": 1e5}) for c in train.carriages]}
    )
    assert "exchange" not in possible_modes(inst, heavy)
