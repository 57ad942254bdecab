"""The constructive restarts in a thread beside CP-SAT: their best is never lost, the thread
never outlives the solve, and one worker runs no thread."""

from __future__ import annotations

import math
import threading

from random_instances import random_instance

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.gauge.hint import as_core_result, solution_values
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import PHASES, SolveState, run_phases
from gaugeopt.pipeline.portfolio import take_background

#: Three trains: the first priority rule gives 634, later passes 623.
SEED = 5


def stopped_state(workers: int, **params: object) -> SolveState:
    """A solve whose stop is set from the start: the warm start makes its first pass only
    and every search ends at once, so nothing depends on the clock."""
    stop = threading.Event()
    stop.set()
    return SolveState(
        random_instance(SEED),
        time_limit=30.0,
        workers=workers,
        seed=0,
        params=SolveParams(**params),
        stop=stop,
    )


def run_until(state: SolveState, last: str, first: str = "precheck") -> None:
    """Run the phases from ``first`` up to and including ``last``."""
    names = [name for name, _ in PHASES]
    for _name, phase in PHASES[names.index(first) : names.index(last) + 1]:
        phase(state)


def better_constructive(state: SolveState):
    """The schedule more passes of the same seeded sequence find (by count, not clock)."""
    sol = construct(state.instance, seed=0, restarts=6, time_limit=math.inf)
    assert sol is not None and sol.objective is not None
    return sol


def test_the_finish_keeps_the_threads_best_schedule() -> None:
    state = stopped_state(workers=2)
    run_until(state, "full_search")
    assert state.background is not None  # several workers: the restarts went on in a thread
    assert state.cp_workers == 1
    assert state.warm is not None and state.warm.objective is not None
    better = better_constructive(state)
    assert better.objective is not None and better.objective < state.warm.objective
    assert state.restarts is not None
    state.restarts.best = better  # as if the thread had found it during the searches
    state.stop = None  # the finish decodes and left-justifies as usual
    run_until(state, "finish", first="finish")
    result = state.result
    assert result is not None and result.objective is not None
    assert result.objective <= better.objective
    assert check(state.instance, result.solution) == []
    assert not state.background.is_alive()


def test_the_threads_best_becomes_the_incumbent() -> None:
    state = stopped_state(workers=2)
    run_until(state, "warm_start")
    state.stop = None  # the model is built as usual
    run_until(state, "build", first="bounds")
    neighbourhood_search_incumbent(state)
    better = better_constructive(state)
    assert state.restarts is not None
    state.restarts.best = better
    assert take_background(state)
    assert state.incumbent is not None and state.incumbent.objective == better.objective
    assert state.warm is better
    assert not take_background(state)  # nothing better left to take


def neighbourhood_search_incumbent(state: SolveState) -> None:
    """The warm schedule as the incumbent, as the neighbourhood search starts from it."""
    model = state.require_model()
    warm = state.warm
    assert warm is not None and warm.objective is not None
    state.incumbent = as_core_result(model, solution_values(model, warm), warm.objective)


def test_the_thread_never_outlives_the_solve() -> None:
    state = stopped_state(workers=2)
    result = run_phases(state)
    assert result.objective is not None
    assert state.background is not None and not state.background.is_alive()


def test_one_worker_or_switched_off_runs_no_thread() -> None:
    for state in (stopped_state(workers=1), stopped_state(workers=2, background_restarts=False)):
        run_phases(state)
        assert state.background is None
        assert state.cp_workers == state.workers
