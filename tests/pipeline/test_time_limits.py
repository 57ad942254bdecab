"""Every phase watches the clock: passes give up at their deadline, the model is not built
without time for it, and what is returned then still passes the checker (no wall-clock
assertion: fake clocks, call counts and stop events decide)."""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from random_instances import synthetic_day

from gaugeopt.checker import check
from gaugeopt.construct.budget import PassExpired, expiry
from gaugeopt.construct.priority import fifo
from gaugeopt.construct.search import MultiStart
from gaugeopt.construct.sgs import run_sgs
from gaugeopt.model import read_instance
from gaugeopt.params import SolveParams
from gaugeopt.solver import solve

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"


class Ticks:
    """A fake clock: each reading is one second later than the last."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def after(n: int) -> tuple[list[int], Callable[[], bool]]:
    """An ``expired`` check that says the time is over from its ``n``-th question on."""
    asked = [0]

    def expired() -> bool:
        asked[0] += 1
        return asked[0] >= n

    return asked, expired


def test_a_pass_gives_up_when_its_time_is_over() -> None:
    inst = synthetic_day(6, 40)
    asked, expired = after(3)
    with pytest.raises(PassExpired):
        run_sgs(inst, fifo(inst, random.Random(0)), expired=expired)
    assert asked[0] == 3  # asked before each train and option, stopped at the first yes


def test_a_pass_never_told_to_stop_is_not_cut() -> None:
    inst = synthetic_day(6, 40)
    asked, expired = after(10**9)
    sol = run_sgs(inst, fifo(inst, random.Random(0)), expired=expired)
    assert sol is not None and not check(inst, sol)
    assert asked[0] >= len(inst.trains)


def test_expiry_reads_the_clock_and_the_stop_event() -> None:
    clock = Ticks()
    assert not expiry(2.5, None, clock)()  # reads 1
    assert not expiry(2.5, None, clock)()  # reads 2
    assert expiry(2.5, None, clock)()  # reads 3
    stop = threading.Event()
    never = expiry(math.inf, stop, clock)
    assert not never()
    stop.set()
    assert never()


def test_a_multistart_pass_past_its_deadline_counts_without_a_schedule() -> None:
    inst = synthetic_day(6, 40)
    search = MultiStart(inst, seed=0, clock=Ticks())
    # The call starts at 1; its first pass reads 2, then its first train's check reads 3.
    assert search.run(time_limit=math.inf, restarts=0, deadline=2.5) is None
    assert search.passes >= 1 and search.expired == search.passes
    # Every rule's pass was cut; without a deadline a restart goes on and schedules the day.
    sol = search.run(time_limit=math.inf, restarts=1)
    assert sol is not None and not check(inst, sol)


def test_later_passes_give_up_at_the_end_of_the_call() -> None:
    inst = synthetic_day(6, 40)
    search = MultiStart(inst, seed=0, clock=Ticks())
    first = search.run(time_limit=math.inf, restarts=0)  # every rule, no cut
    assert first is not None
    before = search.passes
    # A fake second per reading: the round's first pass runs to the far deadline, the next
    # (if the slowest still fitted) is cut at the end of the 10**6-second limit at most.
    search.run(time_limit=10**6, restarts=2, deadline=math.inf)
    assert search.passes > before
    assert search.best is not None and not check(inst, search.best)


def test_no_time_to_build_the_model_returns_the_warm_schedule() -> None:
    inst = read_instance(EXAMPLES / "erenhot-day.json")
    params = SolveParams(build_min_left_passes=1e6)  # never time enough to build
    result = solve(inst, time_limit=30, workers=1, params=params)
    assert result.status in ("feasible", "optimal")
    assert result.stats.build_time is None  # the model was never built
    assert not result.stats.lns  # nor searched
    assert result.lower_bound is not None  # the search-free bound is still reported
    assert not check(inst, result.solution)


def test_a_stop_before_the_search_returns_the_first_schedule_unbuilt() -> None:
    inst = read_instance(EXAMPLES / "erenhot-day.json")
    stop = threading.Event()
    stop.set()
    result = solve(inst, time_limit=30, workers=1, stop=stop)
    assert result.status in ("feasible", "optimal")
    assert result.stats.build_time is None
    assert not check(inst, result.solution)
