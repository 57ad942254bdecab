"""Bounds phase: the lower bounds (each train's own dwell bound, the objective's)."""

from __future__ import annotations

from gaugeopt.bounds import Effort, lower_bound, train_dwell_bounds
from gaugeopt.pipeline.state import SolveState


def effort(state: SolveState) -> Effort | None:
    """What the time-indexed bound may spend: ``bucket_bound_share`` of the time limit, at
    most ``bucket_bound_max_seconds`` (None: switched off). With one worker it is budgeted
    in deterministic time, so that the run stays reproducible."""
    p = state.params
    seconds = min(p.bucket_bound_max_seconds, p.bucket_bound_share * state.time_limit)
    if seconds <= 0:
        return None
    return Effort(
        seconds=seconds,
        buckets=p.bucket_bound_buckets,
        resources=p.bucket_bound_resources,
        workers=state.workers,
        deterministic_rate=p.deterministic_rate if state.workers == 1 else 0.0,
    )


def ensure_bounds(state: SolveState) -> int | None:
    """Work the bounds out once (the search-free ones take about 0.5 s on a day of 40
    trains, the time-indexed one its share of the time limit) and return the objective's
    (None: some train can never leave).

    The warm start calls it after its first pass, so that the first schedule comes first.
    """
    if state.dwell_bounds is None:
        state.dwell_bounds = train_dwell_bounds(state.instance)
        state.analytic = lower_bound(state.instance, own=state.dwell_bounds, effort=effort(state))
        state.stats.dwell_bounds = state.dwell_bounds
        state.stats.analytic_bound = state.analytic
    return state.analytic


def bounds(state: SolveState) -> None:
    """Set ``dwell_bounds`` and ``analytic``, unless the warm start already did."""
    ensure_bounds(state)
