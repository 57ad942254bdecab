"""Train sweep: each train of a day re-solved exactly on its own, against what the others
(fixed) leave of the crews, tracks, bogies and locomotives, in order of arrival.

This is the day's decomposition: where trains compete little, a train's sub-problem is
that train alone (:func:`~gaugeopt.gauge.lns.train_hood` windows it to its stay), small
enough for CP-SAT to solve to optimality in a fraction of a second; where they never
compete, one sweep of exact solves is optimal. Sweeps go on, train after train, until a
whole sweep improves nothing or the sweep's time is over; the portfolio takes the rest.
"""

from __future__ import annotations

import math
import time

from gaugeopt.core.lns import solve_hood
from gaugeopt.gauge.lns import train_hood
from gaugeopt.pipeline.portfolio import MIN_ROUND_SECONDS, add_counts
from gaugeopt.pipeline.state import SolveState


def sweep_order(state: SolveState) -> list[int]:
    """Trains by arrival, the heavier first among those arriving together."""
    trains = state.instance.trains
    return sorted(range(len(trains)), key=lambda k: (trains[k].arrival, -trains[k].weight))


def train_sweep(state: SolveState, seconds: float) -> None:
    """Sweep the trains for at most ``seconds`` from ``state.incumbent``, improving it.

    Each train's sub-solve has at most ``sweep_step_seconds``; with one worker it is
    budgeted in deterministic time instead (``deterministic_rate`` units a second of it),
    so the run stays reproducible."""
    order = sweep_order(state)
    if len(order) < 2 or state.incumbent is None:
        return
    p = state.params
    problem = state.require_model().problem
    params = dict(state.cp_params)
    cap = p.sweep_step_seconds
    if state.deterministic:
        params["max_deterministic_time"] = p.deterministic_rate * cap
        cap = math.inf
    end = time.perf_counter() + seconds
    idle = done = 0
    while idle < len(order):
        at_bound = state.analytic is not None and (state.incumbent.objective or 0) <= state.analytic
        stopped = state.stop is not None and state.stop.is_set()
        if end - time.perf_counter() < MIN_ROUND_SECONDS or stopped or at_bound:
            break
        k = order[done % len(order)]
        hood = train_hood(state.require_model(), k, state.incumbent)
        status, found = solve_hood(
            problem,
            state.incumbent,
            hood,
            end,
            cap,
            state.cp_workers,
            state.seed + done,
            state.stop,
            params,
        )
        if status is None:
            break
        done += 1
        add_counts(state.stats.lns, {"sweep:tried": 1, "sweep:improved": int(found is not None)})
        if found is None or found.objective is None:
            idle += 1
            continue
        idle = 0
        state.incumbent = found
        state.report(0.0, found.objective, float(state.analytic or 0))
