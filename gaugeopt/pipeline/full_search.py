"""Full-search phase: one CP-SAT search over the whole model from the best schedule so far.

It proves the bound and may still improve. It is skipped when the schedule in hand meets
the search-free bound, or when the model is too large to search whole.
"""

from __future__ import annotations

from dataclasses import replace

from gaugeopt.core import solve_problem
from gaugeopt.core.result import CoreHint, CoreResult
from gaugeopt.gauge.hint import as_core_result
from gaugeopt.pipeline.portfolio import take_background
from gaugeopt.pipeline.state import SolveState


def search_params(state: SolveState) -> dict[str, object]:
    """CP-SAT parameters of the whole-model search: ``cp_params``, the lower-bound
    subsolver on a single train with several workers, and with one worker a deterministic
    budget for the time the probe and the neighbourhoods left."""
    p = state.params
    out = dict(state.cp_params)
    if len(state.instance.trains) == 1 and state.cp_workers > 1:
        out["subsolvers"] = list(p.single_train_subsolvers)
    if state.deterministic:
        rate = p.deterministic_rate
        left = max(0.0, 1.0 - state.lns_share - state.probe_share)
        out["max_deterministic_time"] = rate * left * state.time_limit
    return out


def upper_bound(state: SolveState) -> int | None:
    """Objective of the best schedule the model can start from (None: none)."""
    if state.hint is None:
        return None
    if state.incumbent is not None:
        return state.incumbent.objective
    return None if state.warm is None else state.warm.objective


def _in_hand(state: SolveState, upper: int) -> CoreResult:
    """The best schedule so far as the search's result."""
    if state.incumbent is not None:
        return state.incumbent
    if state.warm_values is None:
        raise RuntimeError("no schedule on the model to return")
    return as_core_result(state.require_model(), state.warm_values, upper)


def skipped(state: SolveState, upper: int | None) -> bool:
    """Whether the search is skipped: the schedule in hand meets the search-free bound or
    leaves less than ``full_search_min_seconds``, or the model is too large to search whole
    (building its CP-SAT model alone took 16 s on a day of 16,600 tasks), or the probe
    proved the schedule in hand optimal."""
    if not state.whole_searchable() or state.proven():
        return True
    if upper is None:
        return False
    at_bound = state.analytic is not None and upper <= state.analytic
    return at_bound or state.search_left() < state.params.full_search_min_seconds


def _larger_bound(core: CoreResult, earlier: CoreResult | None) -> float | None:
    """The better of the search's bound and an earlier search's (the probe's, which the
    neighbourhoods' incumbents carry on): both bound the same whole model's optimum."""
    bounds = [b for b in (core.bound, None if earlier is None else earlier.bound) if b is not None]
    return max(bounds, default=None)


def full_search(state: SolveState) -> None:
    """Set ``core``: the search's result, or the schedule in hand if it is skipped; a
    search that ends without a schedule falls back on the neighbourhoods' incumbent.
    Without a model (the build phase found no time for it) ``core`` stays None."""
    p = state.params
    if state.model is None:
        return
    model = state.model
    if state.incumbent is not None and take_background(state):
        state.hint = CoreHint.from_result(state.incumbent)
    remaining = max(p.full_search_min_seconds, state.search_left())
    cp_params = search_params(state)
    upper = upper_bound(state)
    if skipped(state, upper):
        core = _in_hand(state, upper) if upper is not None else CoreResult.unsearched()
    else:
        core = solve_problem(
            model.problem,
            time_limit=state.wall(remaining),
            workers=state.cp_workers,
            seed=state.seed,
            on_progress=state.report,
            hint=state.hint,
            upper_bound=upper,
            log=state.log,
            stop=state.stop,
            params=cp_params,
        )
    if core.status not in ("optimal", "feasible") and state.incumbent is not None:
        core = replace(state.incumbent, status="feasible", bound=core.bound)
    core = replace(core, bound=_larger_bound(core, state.incumbent))
    state.core = core
    state.stats.cpsat_status = core.status
    state.stats.num_solutions = core.num_solutions
