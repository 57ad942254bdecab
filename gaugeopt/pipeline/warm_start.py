"""Warm-start phase: the constructive scheduler's schedule, as early as possible."""

from __future__ import annotations

import time

from gaugeopt.model.solution import Solution
from gaugeopt.pipeline import background
from gaugeopt.pipeline.bounds import ensure_bounds
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


def warm_start(state: SolveState) -> None:
    """Set ``warm`` (None if switched off or nothing found) and ``restarts``.

    Reproducible runs (one worker) make a fixed number of restarts rather than as many as
    the clock allows. The search stops early at the search-free bound, worked out after
    the constructive scheduler's first pass. Every pass gives up at the time limit (× the
    ``clock_slack`` of a reproducible run: its safety net; its fixed passes end well before
    it on a small day).
    """
    from gaugeopt.construct.search import MultiStart

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
        state.warm = state.restarts.run(
            # one worker: a count of restarts, the clock only a safety net at the limit
            time_limit=state.wall(state.time_limit) if state.deterministic else warm_budget(state),
            restarts=p.deterministic_restarts if state.deterministic else None,
            target=lambda: ensure_bounds(state),
            stop=state.stop,
            deadline=state.t0 + state.wall(state.time_limit),
        )
        state.pass_seconds = state.restarts.first_seconds
    given = state.start
    if given is not None and (state.warm is None or objective_of(given) < objective_of(state.warm)):
        state.warm = given
        _improved(state, given)
    state.stats.warm_start_time = time.perf_counter() - t
    background.start(state)  # several workers: the restarts go on in it beside CP-SAT
    state.stats.warm_start_objective = None if state.warm is None else state.warm.objective
