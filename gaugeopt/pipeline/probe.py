"""Probe phase: on a single train, a short search over the whole model before the
neighbourhoods, which ends the searches where it proves its schedule optimal.

A small train's whole model is often proven optimal in a fraction of a second, while the
neighbourhoods (which prove nothing) would first spend their share of the time limit: on
single-c06-0001 at 60 s with 2 workers the solve proved its optimum after 13.6 s, against
1.1 s for the direct model of the benchmarks. The probe searches the whole model from the
warm schedule for ``probe_share_single`` of the time; what it finds becomes the
neighbourhoods' incumbent, and where it proves it optimal the neighbourhood and
full-search phases have nothing left to do. Only models of at most ``probe_max_tasks``
tasks are probed: on a larger one the probe's seconds go to CP-SAT's presolve, which the
full search then repeats.
"""

from __future__ import annotations

from gaugeopt.core import solve_problem
from gaugeopt.core.result import CoreHint
from gaugeopt.pipeline.full_search import search_params
from gaugeopt.pipeline.state import SolveState, objective_of


def probe_seconds(state: SolveState) -> float | None:
    """Seconds the probe gets (None: it does not run).

    It runs on a single train whose model has at most ``probe_max_tasks`` tasks (on a
    larger one the probe's time goes to a presolve the full search repeats), from a warm
    schedule the search-free bound does not already prove optimal, given a positive share.
    """
    p = state.params
    if p.probe_share_single <= 0 or len(state.instance.trains) != 1 or state.model is None:
        return None
    if state.hint is None or state.warm is None:
        return None
    if len(state.model.problem.tasks) > p.probe_max_tasks or not state.whole_searchable():
        return None
    if state.analytic is not None and objective_of(state.warm) <= state.analytic:
        return None
    seconds = p.probe_share_single * state.search_left()
    return seconds if seconds > 0 else None


def probe(state: SolveState) -> None:
    """Set ``probe_share`` and, where the probe found a schedule, ``incumbent`` (its result:
    ``optimal`` where proven) and the hint from it."""
    seconds = probe_seconds(state)
    if seconds is None or state.warm is None:
        return
    share = state.params.probe_share_single
    state.probe_share = share
    params = search_params(state)
    if state.deterministic:
        params["max_deterministic_time"] = (
            state.params.deterministic_rate * share * state.time_limit
        )
    found = solve_problem(
        state.require_model().problem,
        time_limit=state.wall(seconds),
        workers=state.cp_workers,
        seed=state.seed,
        on_progress=state.report,
        hint=state.hint,
        upper_bound=objective_of(state.warm),
        stop=state.stop,
        params=params,
    )
    if found.objective is None:
        return  # nothing better than the warm schedule in the time (or nothing at all)
    state.incumbent = found
    state.hint = CoreHint.from_result(found)
