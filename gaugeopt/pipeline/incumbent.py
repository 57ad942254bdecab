"""The best schedule in hand during the searches, and how a constructive schedule that
beats it becomes the neighbourhoods' incumbent."""

from __future__ import annotations

import logging

from gaugeopt.gauge.hint import as_core_result, solution_values
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline.state import SolveState, objective_of

log = logging.getLogger("gaugeopt")


def best_objective(state: SolveState) -> int:
    """The best objective in hand: the incumbent's or the warm schedule's."""
    if state.incumbent is None or state.incumbent.objective is None:
        raise RuntimeError("the portfolio needs an incumbent")
    warm = objective_of(state.warm) if state.warm is not None else state.incumbent.objective
    return min(state.incumbent.objective, warm)


def adopt(state: SolveState, sol: Solution) -> None:
    """A constructive schedule better than the best in hand: the warm schedule (the finish
    phase falls back on it) and, where the model can express it, the incumbent."""
    state.warm = sol
    model = state.require_model()
    try:
        values = solution_values(model, sol)
    except (KeyError, StopIteration):  # a schedule the model cannot express
        log.debug("restart schedule %d does not fit the model", objective_of(sol))
        return
    state.warm_values = values
    state.incumbent = as_core_result(model, values, objective_of(sol))
