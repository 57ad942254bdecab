"""The neighbourhood search's time shared between three arms by measured progress.

* ``lns``: large-neighbourhood search (a round is up to ``lns_step_seconds`` of it, see
  :func:`gaugeopt.core.lns.improve`);
* ``restarts``: more of the warm start's constructive restarts
  (:class:`~gaugeopt.construct.search.MultiStart`, going on where the warm start stopped);
* ``orders`` (a day, ``order_search``): iterated greedy over the constructive scheduler's
  train order (:class:`~gaugeopt.construct.order_search.OrderSearch`), from the order of
  the warm start's best pass.

Each round goes to the arm whose last few seconds of rounds improved the best schedule
faster (:func:`gaugeopt.core.arms.choose`); a constructive schedule better than the
incumbent becomes the incumbent the neighbourhoods start from. With one worker every round
counts as ``lns_step_seconds`` and the arms are chosen from objectives alone, so the run
stays reproducible for a seed.
While the restarts go on in a process of their own (:mod:`~gaugeopt.pipeline.background`,
several workers) the restarts' arm does not run: each round starts from that process's
best schedule where that is better, and the order search runs beside the greedy's own
passes, which keep going there.
"""

from __future__ import annotations

import logging
import math

from gaugeopt.core.arms import Arm, choose
from gaugeopt.core.lns import NeighbourhoodFn, improve
from gaugeopt.pipeline.background import found
from gaugeopt.pipeline.incumbent import adopt, best_objective
from gaugeopt.pipeline.order_arm import measured, order_search, orders_round, orders_seconds
from gaugeopt.pipeline.state import SolveState, objective_of

log = logging.getLogger("gaugeopt")

#: Below this many seconds left the portfolio ends (a sub-solve would not start).
MIN_ROUND_SECONDS = 0.2


def restart_round(state: SolveState, seconds: float, end: float = math.inf) -> None:
    """More constructive restarts; a schedule better than the incumbent replaces it (and
    the warm schedule, which the finish phase falls back on if the model cannot take it).
    A pass gives up at ``end`` (seconds since the solve's start: the portfolio's end)."""
    search = state.restarts
    if search is None:
        return
    p = state.params
    before = best_objective(state)
    sol = search.run(
        time_limit=seconds,
        restarts=p.portfolio_deterministic_restarts if state.deterministic else None,
        target=state.analytic,
        stop=state.stop,
        deadline=state.t0 + end,
    )
    if sol is not None and objective_of(sol) < before:
        adopt(state, sol)


def restarts_fit(state: SolveState, left: float) -> bool:
    """Whether a restart round can run in ``left`` seconds: with several workers its first
    pass must fit, as the slowest pass so far did (else it would overrun the time limit);
    never while the restarts go on in a process of their own
    (:mod:`~gaugeopt.pipeline.background`; where it failed, here they go on)."""
    search = state.restarts
    if search is None or (state.background is not None and state.background.alive()):
        return False
    return state.deterministic or search.slowest <= left


def take_background(state: SolveState) -> bool:
    """Take the background restarts' best where it beats the best in hand (reported);
    whether the incumbent changed."""
    sol = found(state)
    if sol is None or objective_of(sol) >= best_objective(state):
        return False
    before = state.incumbent
    adopt(state, sol)
    state.report(0.0, objective_of(sol), float(state.analytic or 0))
    return state.incumbent is not before


def lns_round(state: SolveState, hoods: NeighbourhoodFn, seconds: float, k: int) -> None:
    """One neighbourhood from the incumbent (round ``k`` seeds it)."""
    if state.incumbent is None:
        raise RuntimeError("the portfolio needs an incumbent")
    p = state.params
    state.incumbent, stats = improve(
        state.require_model().problem,
        state.incumbent,
        hoods,
        time_limit=seconds,
        workers=state.cp_workers,
        seed=state.seed + k,
        step_time=p.lns_step_seconds,
        on_progress=state.report,
        stop=state.stop,
        params=state.cp_params,
        iterations=1 if state.deterministic else None,
        deterministic_rate=p.deterministic_rate,
        target=state.analytic,
        bound=float(state.analytic or 0),
    )
    add_counts(state.stats.lns, stats)


def add_counts(into: dict[str, int], counts: dict[str, int]) -> None:
    """Add ``counts`` to ``into``, key by key."""
    for key, n in counts.items():
        into[key] = into.get(key, 0) + n


def warm_arm(state: SolveState) -> Arm:
    """The restarts' arm with the warm start as its first round: its improvement after the
    first schedule, over its time after it (``lns_step_seconds`` with one worker)."""
    arm = Arm("restarts")
    p = state.params
    trace = state.stats.trace
    warm_time = state.stats.warm_start_time or 0.0
    if state.warm is not None and trace:
        gain = trace[0][1] - objective_of(state.warm)
        cost = p.lns_step_seconds if state.deterministic else max(1e-3, warm_time - trace[0][0])
        arm.rounds.append((cost, gain))
    return arm


def _arm(state: SolveState, arms: list[Arm], left: float) -> Arm:
    """The arm of the next round, by the rates, of the arms that can run now. The order
    search runs only while the greedy's own passes go on in the background process, never
    instead of them (with one worker every round it took was a round the restarts lost:
    random-skills-small-0001 at 10 s went from 6,749 to 7,303); it comes first, so that its
    rate is measured before the neighbourhoods' first round, which on a day is long and
    seldom pays."""
    lns, restarts, orders = arms
    p = state.params
    if restarts_fit(state, left):
        return choose([lns, restarts], p.portfolio_window_seconds)
    beside = state.background is not None and state.background.alive()
    if not beside or order_search(state) is None:
        return lns
    latest = max(lns.last, orders.last)
    if orders.rounds and latest - orders.last >= p.order_search_revisit:
        return orders  # its rate is old: measured again
    return choose([orders, lns], p.portfolio_window_seconds)


def run_portfolio(
    state: SolveState, hoods: NeighbourhoodFn, seconds: float, rounds: int | None
) -> None:
    """Share ``seconds`` (and with one worker at most ``rounds`` rounds) between the arms;
    ``state.incumbent`` must hold the warm schedule on the model."""
    p = state.params
    start = state.elapsed()
    arms = [Arm("lns"), warm_arm(state), Arm("orders")]
    k = 0
    while rounds is None or k < rounds:
        left = seconds - (state.elapsed() - start) / state.slack
        if left < MIN_ROUND_SECONDS or (state.stop is not None and state.stop.is_set()):
            break
        if state.analytic is not None and best_objective(state) <= state.analytic:
            break
        take_background(state)
        arm = _arm(state, arms, left)
        before, t = best_objective(state), state.elapsed()
        # With one worker counts end a round, and the clock only as a safety net.
        if arm.name == "lns":
            cap = left if state.deterministic else min(left, p.lns_step_seconds)
            lns_round(state, hoods, state.wall(cap), k)
        elif arm.name == "restarts":
            cap = left if state.deterministic else min(left, p.portfolio_restart_seconds)
            restart_round(state, state.wall(cap), start + state.wall(seconds))
        else:
            orders_round(
                state, state.wall(orders_seconds(state, left)), start + state.wall(seconds)
            )
        gain = before - best_objective(state)
        cost = p.lns_step_seconds if state.deterministic else max(1e-3, state.elapsed() - t)
        if arm.name != "orders" or measured(state):
            arm.rounds.append((cost, gain))
        arm.last = k
        if arm.name != "lns":
            add_counts(
                state.stats.lns, {f"{arm.name}:tried": 1, f"{arm.name}:improved": int(gain > 0)}
            )
        k += 1
    log.debug(
        "portfolio: %s",
        ", ".join(f"{len(a.rounds)} {a.name} rounds (rate {a.rate(math.inf):.3g})" for a in arms),
    )
