"""The probe phase: a single train's first whole-model search proves a small train optimal
before any neighbourhood runs, hands its schedule and bound on otherwise, and leaves days alone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from budget import CLOCK_SLACK
from random_instances import random_instance

from gaugeopt import solve
from gaugeopt.checker import check
from gaugeopt.model.io import read_instance
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import PHASES, SolveState
from gaugeopt.pipeline.full_search import full_search, search_params
from gaugeopt.pipeline.probe import probe, probe_seconds

SCALE = Path(__file__).resolve().parents[2] / "instances/bench/scale"
#: Six carriages; the warm schedule (1,480) is far from the optimum (1,190), which the
#: whole-model search proves in about 0.02 units of deterministic time.
SMALL_TRAIN = SCALE / "single-c06-0001.json"


def params(**fields: object) -> SolveParams:
    return SolveParams(clock_slack=CLOCK_SLACK, **fields)  # type: ignore[arg-type]


def through_build(inst, time_limit: float = 30.0, **fields: object) -> SolveState:
    state = SolveState(inst, time_limit=time_limit, workers=1, seed=0, params=params(**fields))
    for name, phase in PHASES:
        phase(state)
        if name == "build":
            return state
    raise AssertionError("no build phase")


def test_the_probe_proves_a_small_train_before_any_neighbourhood() -> None:
    inst = read_instance(SMALL_TRAIN)
    result = solve(inst, time_limit=30, workers=1, seed=0, params=params())
    assert result.status == "optimal" and result.objective == 1190
    assert check(inst, result.solution) == []
    assert result.stats.lns == {}  # no neighbourhood was tried
    assert result.stats.cpsat_status == "optimal"
    assert result.stats.warm_start_objective is not None
    assert result.stats.warm_start_objective > 1190


def test_without_the_probe_the_neighbourhoods_run_first() -> None:
    inst = read_instance(SMALL_TRAIN)
    result = solve(inst, time_limit=30, workers=1, seed=0, params=params(probe_share_single=0.0))
    assert result.objective == 1190
    assert sum(n for key, n in result.stats.lns.items() if key.endswith(":tried")) > 0


def test_a_proof_by_the_probe_skips_the_later_searches(monkeypatch) -> None:
    state = through_build(read_instance(SMALL_TRAIN))
    probe(state)
    assert state.proven() and state.probe_share == params().probe_share_single
    assert state.incumbent is not None and state.incumbent.objective == 1190

    def no_search(*_a, **_k):
        raise AssertionError("searched although the probe proved the schedule optimal")

    monkeypatch.setattr("gaugeopt.pipeline.full_search.solve_problem", no_search)
    full_search(state)
    assert state.core is not None and state.core.status == "optimal"


def test_the_probe_runs_on_single_trains_only() -> None:
    day = through_build(random_instance(47))
    assert len(day.instance.trains) > 1 and probe_seconds(day) is None
    probe(day)
    assert day.incumbent is None and day.probe_share == 0.0
    single = through_build(read_instance(SMALL_TRAIN), probe_share_single=0.0)
    assert probe_seconds(single) is None


def test_the_probe_leaves_a_larger_model_to_the_full_search() -> None:
    inst = read_instance(SMALL_TRAIN)
    small = through_build(inst)
    size = len(small.require_model().problem.tasks)
    assert probe_seconds(small) is not None
    larger = through_build(inst, probe_max_tasks=size - 1)
    assert probe_seconds(larger) is None
    probe(larger)
    assert larger.incumbent is None and larger.probe_share == 0.0


def test_the_budgets_of_probe_neighbourhoods_and_full_search_add_up() -> None:
    state = through_build(read_instance(SMALL_TRAIN), deterministic_rate=0.1)
    state.probe_share, state.lns_share = 0.1, 0.2
    assert search_params(state)["max_deterministic_time"] == pytest.approx(0.1 * 0.7 * 30.0)


def test_the_full_search_keeps_the_probes_better_bound(monkeypatch) -> None:
    state = through_build(read_instance(SMALL_TRAIN), probe_share_single=0.0)
    full_search(state)
    assert state.core is not None and state.core.bound == 1190
    # An earlier search (the probe) bounded the model better than the full search does.
    state.incumbent = replace(state.core, status="feasible")
    weak = replace(state.core, status="feasible", bound=900.0)
    monkeypatch.setattr("gaugeopt.pipeline.full_search.solve_problem", lambda *_a, **_k: weak)
    full_search(state)
    assert state.core.bound == 1190
