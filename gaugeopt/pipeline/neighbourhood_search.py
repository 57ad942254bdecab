"""Neighbourhood-search phase: large-neighbourhood search from the warm schedule, in a
portfolio with more constructive restarts."""

from __future__ import annotations

from gaugeopt.core.lns import improve
from gaugeopt.core.result import CoreHint, CoreResult
from gaugeopt.gauge.hint import as_core_result
from gaugeopt.gauge.lns import neighbourhoods
from gaugeopt.pipeline.portfolio import add_counts, run_portfolio
from gaugeopt.pipeline.state import SolveState, objective_of
from gaugeopt.pipeline.train_sweep import train_sweep


def lns_share(state: SolveState, remaining: float) -> float | None:
    """Share of the ``remaining`` seconds that the neighbourhoods get (None: they do not run).

    They run from a warm schedule the bound does not already prove optimal, given more
    than ``lns_min_seconds``; on a model too large to search whole they are the only
    search left, so they run however little time remains, with all of it.
    """
    p = state.params
    warm = state.warm
    if state.hint is None or warm is None:
        return None
    if state.analytic is not None and objective_of(warm) <= state.analytic:
        return None  # proven optimal already
    if state.proven():
        return None  # by the probe
    if not state.whole_searchable():
        return 1.0
    if remaining <= p.lns_min_seconds:
        return None
    return p.lns_share if len(state.instance.trains) > 1 else p.lns_share_single


def _start(state: SolveState) -> CoreResult:
    """The search's first incumbent: the probe's schedule, else the warm one."""
    if state.incumbent is not None:
        return state.incumbent
    if state.warm is None or state.warm_values is None:
        raise RuntimeError("neighbourhood search needs the warm schedule on the model")
    return as_core_result(state.require_model(), state.warm_values, objective_of(state.warm))


def _iterations(state: SolveState, share: float) -> int | None:
    """Reproducible runs count neighbourhoods from the time limit, not the clock."""
    if not state.deterministic:
        return None
    return max(1, int(share * state.time_limit / state.params.lns_step_seconds))


def neighbourhood_search(state: SolveState) -> None:
    """Set ``lns_share``, ``incumbent`` (None if the search did not run) and the hint.

    On a day, a share of the time (``sweep_share``) first goes to the train sweep
    (:mod:`gaugeopt.pipeline.train_sweep`: each train re-solved on its own). With
    ``params.portfolio`` the rest is shared with more constructive restarts by measured
    progress (:mod:`gaugeopt.pipeline.portfolio`); the incumbent is then the best
    schedule of either.
    """
    if state.model is None:
        return
    remaining = state.search_left()
    share = lns_share(state, remaining)
    if share is None:
        return
    p = state.params
    state.lns_share = share
    model = state.require_model()
    state.incumbent = _start(state)
    seconds = share * remaining
    if len(state.instance.trains) > 1 and p.sweep_share > 0:
        start = state.elapsed()
        train_sweep(state, p.sweep_share * seconds)
        seconds -= state.elapsed() - start
    if p.portfolio:
        run_portfolio(state, neighbourhoods(model, p), seconds, _iterations(state, share))
    else:
        state.incumbent, counts = improve(
            model.problem,
            state.incumbent,
            neighbourhoods(model, p),
            time_limit=state.wall(seconds),
            workers=state.cp_workers,
            seed=state.seed,
            step_time=p.lns_step_seconds,
            on_progress=state.report,
            stop=state.stop,
            params=state.cp_params,
            iterations=_iterations(state, share),
            deterministic_rate=p.deterministic_rate,
            target=state.analytic,
            bound=float(state.analytic or 0),
        )
        add_counts(state.stats.lns, counts)
    state.hint = CoreHint.from_result(state.incumbent)
