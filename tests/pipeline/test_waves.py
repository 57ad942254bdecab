"""A day of separate waves of trains is solved wave by wave, against the bogies and locomotives the waves before each one left, and the joined schedule passes the checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from budget import DETERMINISTIC
from small_days import relay

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline import SolveState, run_phases
from gaugeopt.pipeline.decompose import solve_waves, waves
from gaugeopt.pipeline.residual import residual_instance

SPREAD = Path(__file__).resolve().parents[2] / "instances/bench/families/spread"


def _nothing(inst) -> Solution:
    return Solution(instance=inst.name, status="feasible", objective=0)


def test_waves_cut_where_no_train_is_left_in_the_station():
    inst = relay()
    warm = construct(inst, time_limit=0.0)
    assert warm is not None
    assert [[t.id for t in part] for part in waves(inst, warm)] == [["A"], ["B"], ["C"]]
    late = warm.model_copy(
        update={
            "trains": [
                p.model_copy(update={"departure": 400}) if p.id == "A" else p for p in warm.trains
            ]
        }
    )
    assert [[t.id for t in part] for part in waves(inst, late)] == [["A", "B"], ["C"]]


def test_a_wave_gets_the_bogies_and_locomotives_the_waves_before_it_left():
    inst = relay()
    a, b = inst.trains[0], inst.trains[1]
    alone = residual_instance(inst, [b], [a], _nothing(inst), 600)
    assert alone.station.bogie_stock[0].gauge == 1520  # nothing of 1435 without A's
    assert [lo.id for lo in alone.station.locomotives] == ["L1"]
    warm = construct(inst, time_limit=0.0)
    assert warm is not None
    a_only = warm.model_copy(update={"tasks": [t for t in warm.tasks if t.train == "A"]})
    sub = residual_instance(inst, [b], [a], a_only, 600)
    stock = {(s.gauge, s.type): s.count for s in sub.station.bogie_stock}
    assert stock == {(1435, "std"): 2}  # A took both 1520 bogies and gave back two 1435
    detach = next(t for t in warm.tasks if t.train == "A" and t.op == "detach")
    assert [(lo.id, lo.available_from) for lo in sub.station.locomotives] == [
        ("IN-A", detach.end + 5)
    ]
    assert sub.horizon == 600 and [t.id for t in sub.trains] == ["B"]
    kept = residual_instance(inst, [b], [a], a_only, 600, kept={"IN-A"})
    assert kept.station.locomotives == []


def test_the_waves_joined_are_a_schedule_of_the_day():
    inst = relay()
    state = SolveState(inst, time_limit=3.0, workers=1, seed=0, params=DETERMINISTIC)
    state.warm = construct(inst, time_limit=0.0)
    assert state.warm is not None
    joined = solve_waves(state, waves(inst, state.warm), 3.0, run_phases)
    assert joined is not None
    assert check(inst, joined) == []
    assert [p.id for p in joined.trains] == ["A", "B", "C"]
    assert joined.objective == sum(p.dwell for p in joined.trains)


@pytest.mark.slow
def test_a_spread_day_is_solved_wave_by_wave_and_checks():
    inst = gaugeopt.read_instance(SPREAD / "spread-small-0001.json")
    off = DETERMINISTIC.model_copy(update={"decompose_share": 0.0})
    whole = gaugeopt.solve(inst, time_limit=6, workers=1, params=off)
    split = gaugeopt.solve(inst, time_limit=6, workers=1, params=DETERMINISTIC)
    assert split.stats.decompose_waves == 4
    assert check(inst, split.solution) == []
    assert split.objective is not None and whole.objective is not None
    assert split.objective < whole.objective


def test_a_wave_without_a_schedule_keeps_the_day_whole():
    inst = relay()
    state = SolveState(inst, time_limit=3.0, workers=1, seed=0, params=DETERMINISTIC)
    state.warm = construct(inst, time_limit=0.0)
    assert state.warm is not None
    calls = []

    def run(sub: SolveState) -> gaugeopt.Result:
        calls.append([t.id for t in sub.instance.trains])
        if len(calls) == 2:  # the second wave finds nothing
            empty = Solution(instance=sub.instance.name, status="unknown")
            return gaugeopt.Result(sub.instance, empty, runtime=0.0)
        return run_phases(sub)

    assert solve_waves(state, waves(inst, state.warm), 3.0, run) is None
    assert calls == [["A"], ["B"]]  # and C is not tried
