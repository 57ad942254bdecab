"""Multi-start constructive search: priority rules, then randomised restarts."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gaugeopt.construct.budget import Clock, Expired, PassExpired, expiry
from gaugeopt.construct.placer import GraphCache
from gaugeopt.construct.priority import RULES, noisy_fifo
from gaugeopt.construct.sgs import run_sgs
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution

#: A known lower bound, or a function that computes one (called once, after a first pass).
Target = int | Callable[[], int | None] | None


@dataclass(frozen=True)
class Progress:
    """Where a :class:`MultiStart` stands: enough to go on with its sequence of passes in
    another process (:meth:`MultiStart.progress`, :meth:`MultiStart.resume`)."""

    rng: tuple[Any, ...]
    passes: int
    expired: int
    slowest: float
    first_seconds: float
    best: Solution | None
    #: the train order of the pass that gave ``best`` (ids; empty before one).
    best_order: tuple[str, ...] = ()


class MultiStart:
    """The sequence of passes :func:`construct` makes, resumable: each :meth:`run` goes on
    where the last one stopped (the next priority rule, then the next randomised restart
    from the same random stream), so several calls make the same passes as one long one.
    ``clock`` is the clock of every time limit and deadline (tests inject a fake one).
    """

    def __init__(
        self,
        instance: Instance,
        *,
        seed: int = 0,
        max_cuts: int = 3,
        on_improve: Callable[[Solution], None] | None = None,
        clock: Clock = time.perf_counter,
    ) -> None:
        self.clock = clock
        self.instance = instance
        self.max_cuts = max_cuts
        self.on_improve = on_improve
        self.best: Solution | None = None
        #: the train order (ids) of the pass that gave ``best``.
        self.best_order: tuple[str, ...] = ()
        #: passes made so far (rules and restarts), and those of them that gave up.
        self.passes = 0
        self.expired = 0
        self._slowest = 0.0
        #: seconds of the first pass (0 before it).
        self.first_seconds = 0.0
        self._rng = random.Random(seed)
        self._graphs = GraphCache(instance)

    @property
    def slowest(self) -> float:
        """Seconds of the slowest pass so far (0 before the first)."""
        return self._slowest

    def progress(self) -> Progress:
        """Where the sequence stands (a copy: later passes do not change it)."""
        return Progress(
            rng=self._rng.getstate(),
            passes=self.passes,
            expired=self.expired,
            slowest=self._slowest,
            first_seconds=self.first_seconds,
            best=self.best,
            best_order=self.best_order,
        )

    def resume(self, progress: Progress) -> None:
        """Go on from ``progress`` (of a search of the same instance, seed and
        ``max_cuts``): the next passes are those the other search would have made next."""
        self._rng.setstate(progress.rng)
        self.passes = progress.passes
        self.expired = progress.expired
        self._slowest = progress.slowest
        self.first_seconds = progress.first_seconds
        self.best = progress.best
        self.best_order = progress.best_order

    def _pass(self, expired: Expired | None = None) -> None:
        """Make the next pass: the next priority rule, else a randomised restart; a pass
        that ``expired`` cuts short counts as made, without a schedule."""
        start = self.clock()
        if self.passes < len(RULES):
            order, rng = RULES[self.passes](self.instance, self._rng), None
        else:
            rng = random.Random(self._rng.getrandbits(64))
            order = noisy_fifo(self.instance, rng)
        self.passes += 1
        try:
            sol = run_sgs(
                self.instance,
                order,
                max_cuts=self.max_cuts,
                rng=rng,
                graphs=self._graphs,
                expired=expired,
            )
        except PassExpired:
            self.expired += 1
            sol = None
        took = self.clock() - start
        self._slowest = max(self._slowest, took)
        if self.passes == 1:
            self.first_seconds = took
        if sol is not None and (self.best is None or _objective(sol) < _objective(self.best)):
            self.best = sol
            self.best_order = tuple(t.id for t in order)
            if self.on_improve is not None:
                self.on_improve(sol)

    def run(
        self,
        *,
        time_limit: float = 1.0,
        restarts: int | None = None,
        target: Target = None,
        stop: threading.Event | None = None,
        deadline: float = math.inf,
    ) -> Solution | None:
        """Make passes for ``time_limit`` seconds and return the best schedule so far.

        The first pass of a call always runs (unless ``target`` is already met or no
        restart is allowed); a further one starts only if the slowest pass so far still
        fits in the time left. ``restarts`` caps the randomised restarts of this call (None:
        no cap; with an infinite time limit it then means none). The call stops as soon as
        the best schedule reaches ``target``, and before any pass but the first once
        ``stop`` is set (Ctrl-C).

        Every pass watches the clock: the call's first pass gives up at ``deadline`` (a
        reading of ``clock``, the caller's hard end), a later one at the end of
        ``time_limit`` too, and any pass once ``stop`` is set while a schedule is in hand.
        """
        if restarts is None and math.isinf(time_limit):
            restarts = 0
        t0 = self.clock()
        later = min(deadline, t0 + time_limit)
        rules_left = len(RULES) - min(self.passes, len(RULES))
        allowed = math.inf if restarts is None else rules_left + restarts
        done = 0
        while done < allowed and (done == 0 or self.clock() - t0 + self._slowest <= time_limit):
            if callable(target) and self.best is not None:
                target = target()
            best = self.best
            if isinstance(target, int) and best is not None and _objective(best) <= target:
                break
            if done and stop is not None and stop.is_set():
                break
            cut = stop if self.best is not None else None
            self._pass(expiry(later if done else deadline, cut, self.clock))
            done += 1
        return self.best


def construct(
    instance: Instance,
    *,
    time_limit: float = 1.0,
    seed: int = 0,
    restarts: int | None = None,
    max_cuts: int = 3,
    on_improve: Callable[[Solution], None] | None = None,
    target: Target = None,
    deadline: float = math.inf,
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
    while the bound is worked out). A pass gives up at ``deadline`` (a
    :func:`time.perf_counter` reading; the first one too), a later one also at the end of
    ``time_limit``. :class:`MultiStart` is the same search, resumable.
    """
    search = MultiStart(instance, seed=seed, max_cuts=max_cuts, on_improve=on_improve)
    return search.run(time_limit=time_limit, restarts=restarts, target=target, deadline=deadline)


def _objective(sol: Solution) -> int:
    """The objective of a schedule the scheduler built (always set)."""
    assert sol.objective is not None
    return sol.objective
