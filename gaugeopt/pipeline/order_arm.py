"""The portfolio's order-search arm: iterated greedy over the constructive scheduler's train
order (:class:`~gaugeopt.construct.order_search.OrderSearch`) on a day, round by round."""

from __future__ import annotations

from gaugeopt.construct.order_search import OrderSearch
from gaugeopt.pipeline.incumbent import adopt, best_objective
from gaugeopt.pipeline.state import SolveState, objective_of


def order_search(state: SolveState) -> OrderSearch | None:
    """The order search of a day (made at its first round, from the order of the warm
    start's best pass); None when switched off, on a single train, or once it gave up
    (:attr:`~gaugeopt.construct.order_search.OrderSearch.hopeless`)."""
    p = state.params
    if not p.order_search or len(state.instance.trains) < 2:
        return None
    if state.orders is not None and state.orders.hopeless:
        return None
    if state.orders is None:
        state.orders = OrderSearch(
            state.instance,
            seed=state.seed,
            max_cuts=p.warm_max_cuts,
            reach=p.order_search_reach,
            stall=p.order_search_stall,
        )
        if state.restarts is not None and state.restarts.best_order:
            state.orders.queue(state.restarts.best_order)
    return state.orders


def orders_round(state: SolveState, seconds: float, end: float) -> None:
    """Steps of the order search (with one worker ``portfolio_deterministic_restarts``
    passes' worth of trains); a schedule better than the best in hand is adopted. A pass
    gives up at ``end`` (seconds since the solve's start)."""
    search = order_search(state)
    if search is None:
        return
    follow_background(state, search)
    p = state.params
    steps = p.portfolio_deterministic_restarts * len(state.instance.trains)
    sol = search.run(
        time_limit=seconds,
        steps=steps if state.deterministic else None,
        target=state.analytic,
        stop=state.stop,
        deadline=state.t0 + end,
    )
    if sol is not None and objective_of(sol) < best_objective(state):
        adopt(state, sol)


def measured(state: SolveState) -> bool:
    """Whether the order search has stepped beyond its start order (until then its rounds
    only placed that order, and say nothing of its rate)."""
    return state.orders is not None and state.orders.tried > 1


def orders_seconds(state: SolveState, left: float) -> float:
    """A round of the order search: ``portfolio_restart_seconds``, or two of the warm
    start's first pass where longer (its first round places its start order whole)."""
    p = state.params
    if state.deterministic:
        return left
    return min(left, max(p.portfolio_restart_seconds, 2 * state.pass_seconds))


def follow_background(state: SolveState, search: OrderSearch) -> None:
    """Restart the order search from the order of the background restarts' best pass
    where that pass beat every schedule the order search found (iterated greedy from the
    greedy's 12,963 on day-t20-0001 reached 11,485 in five passes' worth of trains and
    10,733 in sixty; from the rules' best, 13,113, it stalled at 12,171)."""
    child = state.background
    if child is None or child.best is None or not child.best_order:
        return
    order, found = child.best_order, objective_of(child.best)
    if order == state.orders_followed:
        return
    if search.best is None or found < search.best.objective:
        search.queue(order, restart=True)
        state.orders_followed = order
