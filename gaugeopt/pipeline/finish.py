"""Finish phase: the proven bound, the decoded schedule, left-justified, and its status."""

from __future__ import annotations

import math

from gaugeopt.core.result import CoreResult
from gaugeopt.gauge.decode import decode_core
from gaugeopt.justify import left_justify
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline import background
from gaugeopt.pipeline.state import SolveState, objective_of
from gaugeopt.result import Result


def proven_bound(state: SolveState, core: CoreResult) -> int | None:
    """The larger of the search's bound (rounded up) and the search-free one."""
    bound = None if core.bound is None else max(0, math.ceil(core.bound - 1e-6))
    if state.analytic is not None and core.status != "infeasible":
        bound = state.analytic if bound is None else max(bound, state.analytic)
    return bound


def decoded(state: SolveState, core: CoreResult, bound: int | None) -> Solution:
    """The search's schedule as a solution (the warm one if that is better)."""
    sol = decode_core(state.require_model(), core, status="feasible", lower_bound=bound)
    if state.warm is not None and objective_of(state.warm) < objective_of(sol):
        return state.warm
    return sol


def infeasible(state: SolveState) -> Result:
    """The search proved that no schedule exists: name the groups of rules behind the
    proof, in the time left (at least ``explain_min_seconds``)."""
    from gaugeopt.diagnose.explain import explain_infeasibility

    inst = state.instance
    left = max(state.params.explain_min_seconds, state.left())
    why = explain_infeasibility(
        inst, state.wall(left), workers=state.workers, known_infeasible=True, stop=state.stop
    )
    return Result(
        inst,
        Solution(
            instance=inst.name,
            status="infeasible",
            reasons=why or ["the solver proved that no schedule meets every rule"],
        ),
        runtime=state.elapsed(),
        stats=state.stats,
    )


def _times(state: SolveState) -> None:
    trace = state.stats.trace
    state.stats.time_to_first = trace[0][0] if trace else None
    state.stats.time_to_best = trace[-1][0] if trace else None


def finish(state: SolveState) -> None:
    """Set ``result``: ``optimal`` when the schedule meets the proven bound, else
    ``feasible``; ``infeasible`` (with reasons) or ``unknown`` when there is none.

    Every schedule returned is left-justified (:func:`gaugeopt.justify.left_justify`):
    each task as early as its rules allow, with the assignments the search chose. The
    background restarts end here; their best is the fallback where it is better."""
    background.halt(state)
    found = background.found(state)
    if found is not None and (state.warm is None or objective_of(found) < objective_of(state.warm)):
        state.warm = found
    if state.core is None:
        if state.model is not None:
            raise RuntimeError("the full-search phase has not run")
        core = CoreResult.unsearched()  # no time was left to build the model: the warm schedule
    else:
        core = state.core
    bound = proven_bound(state, core)
    if core.status in ("optimal", "feasible"):
        sol = decoded(state, core, bound)
    elif state.warm is not None:
        sol = state.warm
    elif core.status == "infeasible":
        _times(state)
        state.result = infeasible(state)
        return
    else:
        _times(state)
        sol = Solution(instance=state.instance.name, status="unknown", lower_bound=bound)
        state.result = Result(state.instance, sol, runtime=state.elapsed(), stats=state.stats)
        return
    # Past the time limit the schedule is returned as it is; a reproducible run (one
    # worker) always left-justifies, so that the clock does not decide its schedule.
    if state.deterministic or state.left() > 0:
        sol = left_justify(state.instance, sol)
    trace = state.stats.trace
    objective = objective_of(sol)
    if trace and objective < trace[-1][1]:  # decoding and justifying drop idle minutes
        state.report(0.0, objective, float(bound or 0))
    _times(state)
    status = "optimal" if bound is not None and bound == objective else "feasible"
    sol = sol.model_copy(update={"status": status, "lower_bound": bound})
    state.result = Result(state.instance, sol, runtime=state.elapsed(), stats=state.stats)
