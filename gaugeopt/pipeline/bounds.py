"""Bounds phase: the search-free lower bounds (each train's own dwell bound, the objective's)."""

from __future__ import annotations

from gaugeopt.bounds import lower_bound, train_dwell_bounds
from gaugeopt.pipeline.state import SolveState


def ensure_bounds(state: SolveState) -> int | None:
    """Work the bounds out once (a day of 40 trains takes about 0.5 s for each) and return
    the objective's (None: some train can never leave).

    The warm start calls it after its first pass, so that the first schedule comes first.
    """
    if state.dwell_bounds is None:
        state.dwell_bounds = train_dwell_bounds(state.instance)
        state.analytic = lower_bound(state.instance, own=state.dwell_bounds)
        state.stats.dwell_bounds = state.dwell_bounds
        state.stats.analytic_bound = state.analytic
    return state.analytic


def bounds(state: SolveState) -> None:
    """Set ``dwell_bounds`` and ``analytic``, unless the warm start already did."""
    ensure_bounds(state)
