"""Multi-start constructive search: priority rules, then randomised restarts."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from gaugeopt.construct.placer import GraphCache
from gaugeopt.construct.priority import RULES, noisy_fifo
from gaugeopt.construct.sgs import run_sgs
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution


def construct(
    instance: Instance,
    *,
    time_limit: float = 1.0,
    seed: int = 0,
    restarts: int | None = None,
    max_cuts: int = 3,
    on_improve: Callable[[Solution], None] | None = None,
    target: int | Callable[[], int | None] | None = None,
) -> Solution | None:
    """A feasible schedule built by greedy serial schedule generation, or None if none found.

    Each deterministic priority rule (see :mod:`gaugeopt.construct.priority`) runs once,
    then randomised restarts (noisy arrival order, random crew ties, a random extra block
    count) run while `time_limit` seconds allow and fewer than `restarts` have run (None =
    no count limit; with an infinite time limit it then means none). The first rule always
    runs in full; a further pass starts only if the slowest pass so far still fits in the
    time left. `max_cuts` is how many block counts each train tries in exchange mode. The
    best objective wins; the result has status ``feasible`` and no lower bound.
    ``on_improve`` is called with each schedule better than all before it. The search
    stops as soon as a schedule reaches ``target``: a known lower bound, or a function that
    computes one, called once after the first pass (so the first schedule is not held up
    while the bound is worked out).
    """
    if restarts is None and math.isinf(time_limit):
        restarts = 0
    t0 = time.perf_counter()
    slowest = 0.0
    best: Solution | None = None
    graphs = GraphCache(instance)

    def run(order: list, rng: random.Random | None) -> None:
        nonlocal best, slowest
        start = time.perf_counter()
        sol = run_sgs(instance, order, max_cuts=max_cuts, rng=rng, graphs=graphs)
        slowest = max(slowest, time.perf_counter() - start)
        if sol is not None and (best is None or _objective(sol) < _objective(best)):
            best = sol
            if on_improve is not None:
                on_improve(sol)

    def time_left() -> bool:
        nonlocal target
        if callable(target):
            target = target()
        if target is not None and best is not None and _objective(best) <= target:
            return False
        return time.perf_counter() - t0 + slowest <= time_limit

    rng = random.Random(seed)
    for j, rule in enumerate(RULES):
        if j > 0 and not time_left():
            return best
        run(rule(instance, rng), None)
    done = 0
    while (restarts is None or done < restarts) and time_left():
        run_rng = random.Random(rng.getrandbits(64))
        run(noisy_fifo(instance, run_rng), run_rng)
        done += 1
    return best


def _objective(sol: Solution) -> int:
    """The objective of a schedule the scheduler built (always set)."""
    assert sol.objective is not None
    return sol.objective
