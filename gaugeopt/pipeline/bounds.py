"""Bounds phase: the lower bounds (each train's own dwell bound, the objective's).

The search-free bounds are worked out at once. The time-indexed bound
(:mod:`gaugeopt.bounds.timeindexed`) searches: it runs in a thread beside the warm start's
restarts, which are pure Python and hold one core, with one CP-SAT worker on the other;
the bounds phase waits for it.
"""

from __future__ import annotations

import logging
import threading

from gaugeopt.bounds import Effort, lower_bound, time_indexed_bound, train_dwell_bounds
from gaugeopt.pipeline.state import SolveState

log = logging.getLogger("gaugeopt")


def effort(state: SolveState) -> Effort | None:
    """What the time-indexed bound may spend: ``bucket_bound_share`` of the time limit, at
    most ``bucket_bound_max_seconds`` and the same share of the time left, with one worker
    (None: switched off, or a single train). With one worker for the whole solve it is budgeted in deterministic time, so
    that the run stays reproducible."""
    p = state.params
    seconds = min(p.bucket_bound_max_seconds, p.bucket_bound_share * state.time_limit)
    if not state.deterministic:  # started late (after a slow first pass): a share of what is left
        seconds = min(seconds, p.bucket_bound_share * state.left())
    if seconds <= 0 or len(state.instance.trains) < 2:
        return None
    return Effort(
        seconds=seconds,
        buckets=p.bucket_bound_buckets,
        resources=p.bucket_bound_resources,
        workers=1,
        deterministic_rate=p.bucket_bound_deterministic_rate if state.workers == 1 else 0.0,
    )


def ensure_bounds(state: SolveState) -> int | None:
    """Work the search-free bounds out once (about 0.5 s on a day of 40 trains), start the
    time-indexed one beside whatever comes next, and return the objective's bound so far
    (None: some train can never leave).

    The warm start calls it after its first pass, so that the first schedule comes first.
    """
    if state.dwell_bounds is None:
        own = train_dwell_bounds(state.instance)
        prices: dict[str, float] = {}
        state.dwell_bounds = own
        state.analytic = lower_bound(state.instance, own=own, prices=prices)
        state.stats.dwell_bounds = own
        state.stats.analytic_bound = state.analytic
        wanted = effort(state)
        if wanted is not None and state.analytic is not None:
            state.pending_bound = threading.Thread(
                target=_time_indexed, args=(state, own, prices, wanted), daemon=True
            )
            state.pending_bound.start()
    return state.analytic


def _time_indexed(
    state: SolveState, own: list[int | None], prices: dict[str, float], wanted: Effort
) -> None:
    try:
        found = time_indexed_bound(state.instance, own, prices, wanted)
    except Exception:  # the bound is an extra: a failure leaves the others standing
        log.exception("the time-indexed bound failed")
        return
    if found is not None and state.analytic is not None and found > state.analytic:
        state.analytic = found
        state.stats.analytic_bound = found


def settle_bounds(state: SolveState) -> int | None:
    """Wait for the time-indexed bound, if it is still working; the objective's bound."""
    if state.pending_bound is not None:
        state.pending_bound.join()
        state.pending_bound = None
    return state.analytic


def bounds(state: SolveState) -> None:
    """Set ``dwell_bounds`` and ``analytic``, unless the warm start already did, and wait
    for the time-indexed bound. Stopped with no schedule in hand (Ctrl-C, or a caller that
    wants the rest of its time for something else), the search-free bounds are skipped:
    on a day of 60 trains they take seconds."""
    stopped = state.stop is not None and state.stop.is_set()
    if stopped and state.warm is None and state.dwell_bounds is None:
        return
    ensure_bounds(state)
    settle_bounds(state)
