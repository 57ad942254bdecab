"""Each phase of the solve pipeline on a small instance, and the runner over all of them."""

from __future__ import annotations

import json
import math

import pytest
from brute_force import optimum, tiny_instance
from pipeline_states import from_first_rule, run_through, state_of
from random_instances import random_instance

from gaugeopt.bounds import lower_bound, train_dwell_bounds
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.construct.priority import RULES
from gaugeopt.construct.search import MultiStart
from gaugeopt.core.result import CoreResult
from gaugeopt.gauge.hint import as_core_result, solution_values
from gaugeopt.model.io import parse_instance
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import PHASES, run_phases
from gaugeopt.pipeline import bounds as bounds_module
from gaugeopt.pipeline import full_search as full_search_module
from gaugeopt.pipeline.bounds import bounds
from gaugeopt.pipeline.finish import finish
from gaugeopt.pipeline.full_search import full_search, search_params
from gaugeopt.pipeline.neighbourhood_search import lns_share, neighbourhood_search
from gaugeopt.pipeline.portfolio import restart_round
from gaugeopt.pipeline.precheck import precheck
from gaugeopt.pipeline.warm_start import warm_budget

#: Two trains whose warm schedule (528) the search-free bound (447) does not prove optimal.
GAP_SEED = 47


# ---- pre-check ------------------------------------------------------------------------------


def test_precheck_ends_an_instance_infeasible_on_its_face() -> None:
    data = json.loads(tiny_instance(7).model_dump_json())
    data["trains"][0]["carriages"][0]["mass_t"] = 500.0
    state = state_of(parse_instance(data))
    result = run_phases(state)
    assert result.status == "infeasible"
    assert any("heavier than any track can lift" in r for r in result.reasons)
    assert list(result.stats.phase_times) == ["precheck"]
    assert result.stats.build_time is None and state.model is None


def test_precheck_lets_a_feasible_instance_through() -> None:
    state = state_of(tiny_instance(7))
    precheck(state)
    assert state.reasons == [] and state.result is None


# ---- warm start -----------------------------------------------------------------------------


def test_warm_start_gives_a_checked_schedule_and_works_out_the_bounds() -> None:
    inst = random_instance(GAP_SEED)
    state = run_through(state_of(inst), "warm_start")
    assert state.warm is not None
    assert check(inst, state.warm) == []
    assert state.stats.warm_start_objective == state.warm.objective
    assert state.stats.trace[-1][1] == state.warm.objective
    assert state.stats.warm_start_time is not None
    # The bounds come after the constructive scheduler's first pass, inside the phase.
    assert state.dwell_bounds is not None


def test_warm_start_can_be_switched_off() -> None:
    state = run_through(state_of(tiny_instance(7), warm=False), "warm_start")
    assert state.warm is None and state.stats.trace == []
    assert state.dwell_bounds is None


def test_warm_budget_is_a_share_of_the_time_limit() -> None:
    single = state_of(tiny_instance(8), time_limit=10.0)  # one train, one carriage
    day = state_of(random_instance(GAP_SEED), time_limit=10.0)
    assert warm_budget(single) == pytest.approx(0.3)
    assert warm_budget(day) == pytest.approx(3.0)
    assert warm_budget(state_of(tiny_instance(8), time_limit=1.0)) == pytest.approx(0.05)


# ---- bounds ---------------------------------------------------------------------------------


def test_bounds_are_the_search_free_ones_worked_out_once(monkeypatch) -> None:
    inst = tiny_instance(9)
    calls = []

    def counted(i):
        calls.append(i)
        return train_dwell_bounds(i)

    monkeypatch.setattr(bounds_module, "train_dwell_bounds", counted)
    state = run_through(state_of(inst, warm=False), "bounds")
    bounds(state)
    assert len(calls) == 1
    assert state.dwell_bounds == train_dwell_bounds(inst)
    assert state.analytic == lower_bound(inst)
    assert state.analytic is not None and state.analytic <= optimum(inst)
    assert state.stats.analytic_bound == state.analytic
    assert state.stats.dwell_bounds == state.dwell_bounds


# ---- build ----------------------------------------------------------------------------------


def test_build_makes_the_model_and_hints_the_warm_schedule() -> None:
    state = run_through(state_of(random_instance(GAP_SEED)), "build")
    model = state.require_model()
    assert state.stats.tasks == len(model.problem.tasks) > 0
    assert state.stats.literals == len(model.problem.bool_names)
    assert state.stats.build_time is not None
    assert state.hint is not None and len(state.hint.tasks) == len(model.problem.tasks)
    assert state.cp_params == {}


def test_build_without_a_warm_schedule_has_no_hint_and_probing_follows_size() -> None:
    state = run_through(state_of(tiny_instance(7), warm=False, probing_off_above_tasks=0), "build")
    assert state.model is not None and state.hint is None and state.warm_values is None
    assert state.cp_params == {"cp_model_probing_level": 0}


# ---- neighbourhood search -------------------------------------------------------------------


def test_neighbourhood_search_starts_from_the_warm_schedule() -> None:
    inst = random_instance(GAP_SEED)
    state = run_through(state_of(inst, lns_min_seconds=0.0, lns_step_seconds=0.5), "build")
    assert state.warm is not None
    neighbourhood_search(state)
    assert state.lns_share == 0.85
    assert state.incumbent is not None and state.incumbent.objective is not None
    assert state.incumbent.objective <= state.warm.objective
    tried = sum(v for k, v in state.stats.lns.items() if k.endswith(":tried"))
    assert 1 <= tried <= int(0.85 * 3.0 / 0.5)  # one worker: iterations from the time limit
    assert state.hint is not None
    assert [state.hint.tasks[i].start for i in range(3)] == [
        state.incumbent.tasks[i].start for i in range(3)
    ]


def test_neighbourhood_search_is_skipped_for_a_proven_warm_schedule() -> None:
    state = run_through(state_of(random_instance(GAP_SEED), lns_min_seconds=0.0), "build")
    assert state.warm is not None
    state.analytic = state.warm.objective
    neighbourhood_search(state)
    assert state.incumbent is None and state.stats.lns == {} and state.lns_share == 0.0


def test_lns_share_by_time_left_train_count_and_model_size() -> None:
    day = run_through(state_of(random_instance(GAP_SEED), lns_share=0.7), "build")
    assert lns_share(day, remaining=10.0) == 0.7
    assert lns_share(day, remaining=5.0) is None  # not more than lns_min_seconds left
    huge = run_through(state_of(random_instance(GAP_SEED), full_search_max_tasks=10), "build")
    assert lns_share(huge, remaining=0.5) == 1.0  # the only search left
    single = run_through(state_of(random_instance(GAP_SEED)), "build")
    single.instance = single.instance.model_copy(update={"trains": single.instance.trains[:1]})
    assert lns_share(single, remaining=10.0) == SolveParams().lns_share_single


# ---- full search ----------------------------------------------------------------------------


def test_full_search_proves_the_optimum_of_a_tiny_train() -> None:
    inst = tiny_instance(7)
    state = run_through(state_of(inst, time_limit=5.0, warm=False), "full_search")
    assert state.core is not None and state.core.status == "optimal"
    assert state.stats.cpsat_status == "optimal"
    assert state.core.objective is not None and state.core.objective >= optimum(inst)


def test_full_search_keeps_a_schedule_at_the_bound_without_searching(monkeypatch) -> None:
    state = run_through(state_of(random_instance(GAP_SEED)), "neighbourhood_search")
    assert state.warm is not None
    state.analytic = state.warm.objective

    def no_search(*_a, **_k):
        raise AssertionError("searched although the schedule meets the bound")

    monkeypatch.setattr(full_search_module, "solve_problem", no_search)
    full_search(state)
    assert state.core is not None and state.core.objective == state.warm.objective


def test_full_search_parameters() -> None:
    state = run_through(state_of(random_instance(GAP_SEED), deterministic_rate=0.1), "build")
    state.lns_share = 0.75
    assert search_params(state) == {"max_deterministic_time": 0.1 * 0.25 * 3.0}
    single = state_of(tiny_instance(8), workers=2)
    assert search_params(single) == {"subsolvers": ["objective_lb_search"]}


# ---- finish ---------------------------------------------------------------------------------


def test_finish_decodes_a_checked_optimal_schedule() -> None:
    inst = tiny_instance(7)
    state = run_through(state_of(inst, time_limit=5.0, warm=False), "finish")
    result = state.result
    assert result is not None and result.status == "optimal"
    assert check(inst, result.solution) == []
    assert result.objective == optimum(inst) == result.lower_bound
    assert result.stats.time_to_best == result.stats.trace[-1][0]
    assert result.stats.time_to_first == result.stats.trace[0][0]


def test_finish_without_any_schedule_is_unknown_with_the_bound() -> None:
    state = run_through(state_of(tiny_instance(7), warm=False), "build")
    state.core = CoreResult("unknown", None, None, [], [], 0.0, 0.0, None, None, 0)
    finish(state)
    assert state.result is not None and state.result.status == "unknown"
    assert state.result.lower_bound == state.analytic
    assert state.result.solution.tasks == []


# ---- the runner -----------------------------------------------------------------------------


def test_run_phases_times_every_phase_in_order() -> None:
    result = run_phases(state_of(tiny_instance(7)))
    assert list(result.stats.phase_times) == [name for name, _ in PHASES]
    times = result.stats.phase_times
    assert all(t > 0 for t in times.values())
    # The phases run one after the other inside the call, and each times what it contains.
    assert sum(times.values()) <= result.runtime
    assert result.stats.warm_start_time is not None and result.stats.build_time is not None
    assert times["warm_start"] >= result.stats.warm_start_time
    assert times["build"] >= result.stats.build_time
    assert result.status == "optimal"


# ---- portfolio: neighbourhoods and constructive restarts ------------------------------------


def test_restarts_resume_where_they_stopped() -> None:
    inst = random_instance(GAP_SEED)
    whole = construct(inst, time_limit=math.inf, restarts=5, seed=3)
    search = MultiStart(inst, seed=3)
    search.run(time_limit=math.inf, restarts=2)
    assert search.passes == len(RULES) + 2
    resumed = search.run(time_limit=math.inf, restarts=3)
    assert search.passes == len(RULES) + 5
    assert whole is not None and resumed is not None
    assert resumed.objective == whole.objective and resumed.tasks == whole.tasks


def test_portfolio_is_never_worse_than_the_incumbent_it_got() -> None:
    inst = random_instance(GAP_SEED)
    state = run_through(state_of(inst, lns_min_seconds=0.0, lns_step_seconds=0.5), "build")
    assert state.warm is not None and state.warm.objective is not None
    warm = state.warm.objective
    neighbourhood_search(state)
    assert state.incumbent is not None and state.incumbent.objective is not None
    assert state.incumbent.objective <= warm
    assert state.warm.objective <= warm
    rounds = sum(v for k, v in state.stats.lns.items() if k.endswith(":tried"))
    assert 1 <= rounds <= int(0.85 * 3.0 / 0.5)  # one worker: rounds from the time limit
    result = run_through(state, "finish").result
    assert result is not None and result.objective is not None
    assert result.objective <= state.incumbent.objective
    assert check(inst, result.solution) == []


def test_a_better_constructive_schedule_becomes_the_incumbent() -> None:
    inst = random_instance(5)  # three trains: the first rule 634, later passes 623
    state = run_through(state_of(inst), "build")
    # Start the portfolio from the first rule's schedule alone, as if the warm start had
    # stopped there; the restarts then go on from the second rule.
    first = from_first_rule(state)
    model = state.require_model()
    restart_round(state, seconds=math.inf)
    better = state.restarts.best
    assert better is not None and better.objective is not None
    assert better.objective < first.objective
    assert state.warm is better
    assert state.incumbent.objective == better.objective
    assert (
        state.incumbent.tasks
        == as_core_result(model, solution_values(model, better), better.objective).tasks
    )


def test_portfolio_runs_are_reproducible_with_one_worker() -> None:
    inst = random_instance(GAP_SEED)
    runs = []
    for _ in range(2):
        state = run_through(state_of(inst, lns_min_seconds=0.0, lns_step_seconds=0.5), "build")
        neighbourhood_search(state)
        assert state.incumbent is not None
        runs.append((state.incumbent.objective, state.incumbent.tasks, dict(state.stats.lns)))
    assert runs[0] == runs[1]


def test_portfolio_can_be_switched_off() -> None:
    state = run_through(
        state_of(random_instance(GAP_SEED), lns_min_seconds=0.0, portfolio=False), "build"
    )
    neighbourhood_search(state)
    assert state.incumbent is not None
    assert not any(k.startswith("restarts:") for k in state.stats.lns)
