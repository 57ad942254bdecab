"""The neighbourhood search's time shared between two arms by measured progress.

One arm is large-neighbourhood search (a round is up to ``lns_step_seconds`` of it, see
:func:`gaugeopt.core.lns.improve`); the other is more of the warm start's constructive
restarts (:class:`~gaugeopt.construct.search.MultiStart`, going on where the warm start
stopped). Each round goes to the arm whose last few seconds of rounds improved the best
schedule faster; a constructive schedule better than the incumbent becomes the incumbent
the neighbourhoods start from. With one worker every round counts as ``lns_step_seconds``
and the arms are chosen from objectives alone, so the run stays reproducible for a seed.
While the restarts go on in a process of their own (:mod:`~gaugeopt.pipeline.background`,
several workers) the restarts' arm does not run: each round of neighbourhoods starts from
that process's best schedule where that is better.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

from gaugeopt.core.lns import NeighbourhoodFn, improve
from gaugeopt.gauge.hint import as_core_result, solution_values
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline.background import found
from gaugeopt.pipeline.state import SolveState, objective_of

log = logging.getLogger("gaugeopt")

#: Below this many seconds left the portfolio ends (a sub-solve would not start).
MIN_ROUND_SECONDS = 0.2


@dataclass
class Arm:
    """The rounds one arm has had: (cost, improvement of the best objective) each."""

    name: str
    rounds: list[tuple[float, int]] = field(default_factory=list)
    #: the round count of the whole portfolio when this arm last ran.
    last: int = -1

    def rate(self, window: float) -> float:
        """Improvement per unit of cost over the fewest last rounds that cost at least
        ``window`` (all rounds if they cost less)."""
        cost, gain = 0.0, 0
        for c, g in reversed(self.rounds):
            cost, gain = cost + c, gain + g
            if cost >= window:
                break
        return gain / cost if cost > 0 else 0.0


def choose(lns: Arm, restarts: Arm, window: float) -> Arm:
    """The arm of the next round.

    The neighbourhoods get the first round (their rate is unknown until then); after it the
    arm of the better rate over its last ``window`` seconds of rounds. When neither improved
    in its window, the better rate over all its rounds (a record of random restarts can
    come late: the restarts alone found the best schedule after 9 s of 10 on day-t10-0001),
    the restarts on a tie; when neither ever improved, the arms take turns.
    """
    if not lns.rounds:
        return lns
    a, b = lns.rate(window), restarts.rate(window)
    if a > 0 or b > 0:
        return lns if a > b else restarts
    a, b = lns.rate(math.inf), restarts.rate(math.inf)
    if a > 0 or b > 0:
        return lns if a > b else restarts
    return lns if lns.last < restarts.last else restarts


def best_objective(state: SolveState) -> int:
    """The best objective in hand: the incumbent's or the warm schedule's."""
    if state.incumbent is None or state.incumbent.objective is None:
        raise RuntimeError("the portfolio needs an incumbent")
    warm = objective_of(state.warm) if state.warm is not None else state.incumbent.objective
    return min(state.incumbent.objective, warm)


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


def run_portfolio(
    state: SolveState, hoods: NeighbourhoodFn, seconds: float, rounds: int | None
) -> None:
    """Share ``seconds`` (and with one worker at most ``rounds`` rounds) between the arms;
    ``state.incumbent`` must hold the warm schedule on the model."""
    p = state.params
    start = state.elapsed()
    lns, restarts = Arm("lns"), warm_arm(state)
    k = 0
    while rounds is None or k < rounds:
        left = seconds - (state.elapsed() - start) / state.slack
        if left < MIN_ROUND_SECONDS or (state.stop is not None and state.stop.is_set()):
            break
        if state.analytic is not None and best_objective(state) <= state.analytic:
            break
        take_background(state)
        arm = choose(lns, restarts, p.portfolio_window_seconds)
        if arm is restarts and not restarts_fit(state, left):
            arm = lns
        before, t = best_objective(state), state.elapsed()
        # With one worker counts end a round, and the clock only as a safety net.
        if arm is lns:
            cap = left if state.deterministic else min(left, p.lns_step_seconds)
            lns_round(state, hoods, state.wall(cap), k)
        else:
            cap = left if state.deterministic else min(left, p.portfolio_restart_seconds)
            restart_round(state, state.wall(cap), start + state.wall(seconds))
        gain = before - best_objective(state)
        cost = p.lns_step_seconds if state.deterministic else max(1e-3, state.elapsed() - t)
        arm.rounds.append((cost, gain))
        arm.last = k
        if arm is restarts:
            add_counts(state.stats.lns, {"restarts:tried": 1, "restarts:improved": int(gain > 0)})
        k += 1
    log.debug(
        "portfolio: %d neighbourhood rounds (rate %.3g), %d restart rounds (rate %.3g)",
        len(lns.rounds),
        lns.rate(math.inf),
        len(restarts.rounds),
        restarts.rate(math.inf),
    )
