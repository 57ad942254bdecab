"""The portfolio's order-search arm: it runs beside the background restarts (never instead of the greedy's own passes), adopts better schedules as the incumbent, and gives up on days no serial order fits."""

from __future__ import annotations

from pipeline_states import from_first_rule, run_through, state_of
from random_instances import synthetic_day
from small_days import tiny_cycling

from gaugeopt.checker import check
from gaugeopt.construct.priority import RULES
from gaugeopt.construct.search import MultiStart
from gaugeopt.core.arms import Arm
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import SolveState
from gaugeopt.pipeline.order_arm import follow_background, measured, order_search, orders_round
from gaugeopt.pipeline.portfolio import _arm
from gaugeopt.pipeline.warm_start import _rules_then_restarts


class AliveChild:
    """Stands in for the background process: alive, and nothing sent yet."""

    best = None

    def alive(self) -> bool:
        return True


def test_a_better_order_becomes_the_incumbent_and_passes_the_checker() -> None:
    inst = synthetic_day(10, 120, seed=1)
    state = run_through(state_of(inst, time_limit=5.0), "build")
    first = from_first_rule(state).objective
    assert first is not None
    for _ in range(8):  # one worker: each round a fixed count of steps
        orders_round(state, seconds=1e9, end=1e9)
    assert state.orders is not None and state.orders.placed > 0
    assert state.warm is not None and state.warm.objective is not None
    assert state.warm.objective < first
    assert state.incumbent is not None and state.incumbent.objective == state.warm.objective
    assert check(inst, state.warm) == []


def test_the_order_search_runs_only_beside_the_greedys_own_passes() -> None:
    state = run_through(state_of(synthetic_day(4, 40, seed=2)), "build")
    arms = [Arm("lns", [(1.0, 0)], last=0), Arm("restarts", [(1.0, 0)], last=1), Arm("orders")]
    for _ in range(3):  # one worker: the restarts run here, so no order search
        assert _arm(state, arms, left=10.0).name in {"lns", "restarts"}
    state.background = AliveChild()  # the greedy's passes go on in a process
    assert _arm(state, arms, left=10.0).name == "orders"  # untried: it goes first
    lns, _, orders = arms
    lns.rounds.append((1.0, 5))
    orders.rounds.append((1.0, 0))
    orders.last, lns.last = 1, 2
    assert _arm(state, arms, left=10.0).name == "lns"  # the better rate
    lns.last = 1 + state.params.order_search_revisit
    assert _arm(state, arms, left=10.0).name == "orders"  # not run for a while: again
    state.params = state.params.model_copy(update={"order_search": False})
    assert _arm(state, arms, left=10.0).name == "lns"


def test_a_day_no_serial_order_fits_gives_the_arm_up() -> None:
    state = run_through(state_of(tiny_cycling()), "build")
    state.background = AliveChild()
    orders_round(state, seconds=1e9, end=1e9)
    assert state.orders is not None and state.orders.hopeless
    assert order_search(state) is None


class StartingChild:
    """Stands in for the background process: ready after ``reads`` looks at it."""

    def __init__(self, reads: int) -> None:
        self.reads = reads

    @property
    def startup(self) -> float | None:
        self.reads -= 1
        return None if self.reads >= 0 else 0.5

    def alive(self) -> bool:
        return True


def test_the_warm_start_hands_its_passes_over_as_soon_as_the_process_is_ready() -> None:
    inst = synthetic_day(4, 40, seed=2)
    children = {}
    for handoff in (True, False):
        state = SolveState(
            inst,
            time_limit=10.0,
            workers=2,
            seed=0,
            # with the handoff, a budget the four rules' passes fit in many times over
            params=SolveParams(
                warm_handoff=handoff,
                background_restarts=False,
                warm_share_large=0.5 if handoff else 0.01,
            ),
        )
        child = children[handoff] = StartingChild(reads=2)
        state.background = child
        search = MultiStart(inst, seed=0)
        best = _rules_then_restarts(state, search)
        assert best is not None and check(inst, best) == []
        if handoff:  # the rules, then a pass per look until the process is ready
            assert search.passes == len(RULES) + 2
    assert children[True].reads < 0 and children[False].reads == 2  # not asked without it


def test_a_round_that_only_placed_the_start_order_measures_nothing() -> None:
    state = run_through(state_of(synthetic_day(4, 40, seed=2)), "build")
    assert not measured(state)  # no search yet
    search = order_search(state)
    assert search is not None and search.tried == 0
    search.run(steps=1)  # the queued start order only: the budget ends after it
    assert search.tried == 1 and not measured(state)
    search.run(steps=4)
    assert measured(state)


def test_the_order_search_restarts_from_a_better_background_order_once() -> None:
    inst = synthetic_day(4, 40, seed=2)
    state = run_through(state_of(inst), "build")
    search = order_search(state)
    assert search is not None
    search.run(steps=40)
    assert search.best is not None
    child = AliveChild()
    reversed_order = tuple(t.id for t in reversed(inst.trains))
    better = search.best_solution.model_copy(update={"objective": search.best.objective - 1})
    child.best, child.best_order = better, reversed_order
    state.background = child
    follow_background(state, search)
    assert state.orders_followed == reversed_order and search.waiting == 1
    tried = search.tried
    search.run(steps=1)  # the queued order is placed first, and becomes the current one
    assert search.tried == tried + 1
    assert search.current is not None
    assert [k for k, _ in search.current.keys] == list(reversed_order)
    follow_background(state, search)  # the same order again: not queued twice
    assert search.waiting == 0
