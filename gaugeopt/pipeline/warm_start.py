"""Warm-start phase: the constructive scheduler's schedule, as early as possible."""

from __future__ import annotations

import time
from collections.abc import Callable

from gaugeopt.construct.search import MultiStart
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline import background
from gaugeopt.pipeline.bounds import ensure_bounds
from gaugeopt.pipeline.decompose import splits
from gaugeopt.pipeline.state import SolveState, objective_of


def warm_budget(state: SolveState) -> float:
    """Seconds for the warm start: a larger share on a day or a long train."""
    p = state.params
    inst = state.instance
    n_cars = sum(len(t.carriages) for t in inst.trains)
    large = len(inst.trains) > 1 or n_cars > p.warm_small_carriages
    share = p.warm_share_large if large else p.warm_share_small
    return max(p.warm_min_seconds, share * state.time_limit)


def _improved(state: SolveState, sol: Solution) -> None:
    """Report a constructive schedule better than every schedule so far (in the portfolio
    the restarts' own best may still be worse than the neighbourhoods')."""
    trace = state.stats.trace
    if not trace or objective_of(sol) < trace[-1][1]:
        state.report(0.0, objective_of(sol), float(state.analytic or 0))


def _rules_then_restarts(state: SolveState, search: MultiStart) -> Solution | None:
    """The priority rules, then restarts for the rest of the warm budget: the budget of a
    day that splits into waves (:func:`~gaugeopt.pipeline.decompose.splits`) is
    ``warm_share_split`` of the limit, the waves' own solves pay better. With
    ``warm_handoff`` the restarts end once the background process is ready to go on with
    them. Reproducible runs (one worker) make a fixed number of restarts, with the clock
    only a safety net."""
    p = state.params
    deadline = state.t0 + state.wall(state.time_limit)

    def run(seconds: float, restarts: int | None) -> Solution | None:
        return search.run(
            time_limit=seconds,
            restarts=restarts,
            target=lambda: ensure_bounds(state),
            stop=state.stop,
            deadline=deadline,
        )

    if state.deterministic:
        return run(state.wall(state.time_limit), p.deterministic_restarts)
    begun = state.elapsed()
    budget = warm_budget(state)
    best = run(budget, 0)  # the priority rules (at least the first)
    if best is not None and splits(state, best):
        budget = min(budget, max(p.warm_min_seconds, p.warm_share_split * state.time_limit))
    if p.warm_handoff and state.background is not None:
        _until_ready(state, run, begun + budget)
        return search.best
    rest = budget - (state.elapsed() - begun)
    return run(rest, None) if rest > 0 else best


def _until_ready(
    state: SolveState, run: Callable[[float, int | None], Solution | None], end: float
) -> None:
    """Restarts, a pass at a time, until the background process is ready to go on with
    them (or it is gone, or ``end``, seconds since the solve's start, has come)."""
    child = state.background
    while child is not None and child.startup is None and child.alive():
        left = end - state.elapsed()
        if left <= 0 or (state.stop is not None and state.stop.is_set()):
            break
        run(left, 1)


def warm_start(state: SolveState) -> None:
    """Set ``warm`` (None if switched off or nothing found) and ``restarts``.

    Reproducible runs (one worker) make a fixed number of restarts rather than as many as
    the clock allows. The search stops early at the search-free bound, worked out after
    the constructive scheduler's first pass. Every pass gives up at the time limit (× the
    ``clock_slack`` of a reproducible run: its safety net; its fixed passes end well before
    it on a small day).
    """
    t = time.perf_counter()
    p = state.params
    background.launch(state)  # several workers: it starts up while the passes below run
    if state.use_warm_start:
        state.restarts = MultiStart(
            state.instance,
            seed=state.seed,
            max_cuts=p.warm_max_cuts,
            on_improve=lambda sol: _improved(state, sol),
        )
        state.warm = _rules_then_restarts(state, state.restarts)
        state.pass_seconds = state.restarts.first_seconds
    given = state.start
    if given is not None and (state.warm is None or objective_of(given) < objective_of(state.warm)):
        state.warm = given
        _improved(state, given)
    state.stats.warm_start_time = time.perf_counter() - t
    background.start(state)  # several workers: the restarts go on in it beside CP-SAT
    state.stats.warm_start_objective = None if state.warm is None else state.warm.objective
