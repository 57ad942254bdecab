"""A day decomposes by train: a train's sub-problem, windowed to its stay, holds that train
alone where the others never meet it, and what the train sweep composes passes the checker
with the lower bound still reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaugeopt.checker import check
from gaugeopt.core.cpsat.model import solve_problem
from gaugeopt.core.restrict import restrict
from gaugeopt.gauge.decode import decode_core
from gaugeopt.gauge.hint import as_core_result
from gaugeopt.gauge.lns import ALL_AFTER_ARRIVAL, train_hood
from gaugeopt.model import read_instance
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import build, warm_start
from gaugeopt.pipeline.state import SolveState
from gaugeopt.solver import solve

SPREAD = Path(__file__).resolve().parents[2] / "instances" / "bench" / "families" / "spread"


def _built(name: str) -> SolveState:
    state = SolveState(read_instance(SPREAD / name), time_limit=30, workers=1, seed=0)
    warm_start.warm_start(state)
    build.build(state)
    return state


def test_every_operation_starts_after_arrival_by_the_rulebook() -> None:
    assert ALL_AFTER_ARRIVAL


def test_a_train_far_from_the_others_is_its_own_sub_problem() -> None:
    state = _built("spread-small-0001.json")
    model, warm = state.require_model(), state.warm
    assert warm is not None and state.warm_values is not None and warm.objective is not None
    base = as_core_result(model, state.warm_values, warm.objective)
    for k in range(len(model.instance.trains)):
        hood = train_hood(model, k, base)
        assert hood.window is not None
        windowed = restrict(model.problem, base, hood.tasks, hood.bools, hood.window)
        whole = restrict(model.problem, base, hood.tasks, hood.bools)
        assert len(windowed.problem.tasks) < len(whole.problem.tasks)
        # Of the other trains, only what changes a shared stock (bogies: swap, roll) or
        # hands a locomotive over (detach, attach) stays, pinned.
        others = {model.meta[i].op for i in set(windowed.tasks) - hood.tasks}
        assert others <= {"swap", "roll", "detach", "attach", "loco_ready"}
        found = solve_problem(
            windowed.problem,
            time_limit=30,
            workers=1,
            hint=windowed.hint(),
            upper_bound=warm.objective,
            params={"max_deterministic_time": 0.5},
        )
        assert found.objective is not None and found.objective <= warm.objective
        sol = decode_core(model, windowed.merge(found), status="feasible", lower_bound=None)
        assert check(model.instance, sol) == []


@pytest.mark.slow
def test_the_train_sweep_composes_a_valid_schedule_with_its_bound() -> None:
    inst = read_instance(SPREAD / "spread-small-0001.json")
    params = SolveParams(sweep_share=1.0, lns_min_seconds=0.0, portfolio=False)
    result = solve(inst, time_limit=8, workers=1, params=params)
    assert result.stats.lns.get("sweep:tried", 0) >= 1
    assert result.objective is not None and result.lower_bound is not None
    assert result.stats.warm_start_objective is not None
    assert result.objective <= result.stats.warm_start_objective
    assert check(inst, result.solution) == []
