"""Iterated greedy over the serial scheduler's train order (a local search on the list).

The serial scheduler (:mod:`~gaugeopt.construct.sgs`) places trains one at a time in a
given order; the random restarts of :class:`~gaugeopt.construct.search.MultiStart` draw a
fresh order for every pass and keep the best. This search instead changes the best order a
little at a time, as iterated greedy and forward–backward improvement do for large
project-scheduling instances:

* **A sequence** is the order of the trains, each with the seed of its own random choices
  (the crew among equally early ones, the extra block count; None: the rules' ties).
* **A step** moves one train up to ``reach`` places, swaps two neighbours, or draws a new
  seed for one train; the new sequence is kept when it is no worse (sideways moves let the
  search cross plateaus). After ``stall`` steps without a new best, a randomised restart
  order (the greedy's noisy arrival order) becomes the sequence.
* **Placing is incremental** (:class:`Walk`): the calendar keeps a savepoint before each
  train, so a sequence that shares its first k trains with the last one placed is placed
  from train k on. A step near the end of the order costs a few trains, not a pass.

A train that cannot be placed where it stands goes to the end of the sequence (its
locomotive may be one a later train brings in), as in a serial pass; a sequence in which
some train never fits is rejected. Days whose trains must lend each other bogies (the
serial scheduler's cycling groups) are left to the restarts.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gaugeopt.construct.budget import Clock, Expired, PassExpired, check, expiry
from gaugeopt.construct.placer import GraphCache, TrainPlacer, TrainResult
from gaugeopt.construct.priority import noisy_fifo
from gaugeopt.construct.sgs import schedule_train, to_solution
from gaugeopt.construct.state import Calendar
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.rules import dwell

#: Sequences that must all fail before the search gives up (:attr:`OrderSearch.hopeless`).
TRIES = 3

#: A train of a sequence and the seed of its random choices (None: deterministic ties).
Key = tuple[str, int | None]


@dataclass(frozen=True)
class Sequence:
    """A placed sequence and its objective."""

    keys: tuple[Key, ...]
    objective: int


class Walk:
    """The calendar of the last sequence placed, a savepoint before each of its trains."""

    def __init__(self, instance: Instance, max_cuts: int, graphs: GraphCache) -> None:
        self.instance = instance
        self.max_cuts = max_cuts
        self.trains = {t.id: t for t in instance.trains}
        self.cal = Calendar(instance, None)
        self.placer = TrainPlacer(instance, self.cal, graphs)
        self.keys: list[Key] = []
        self.marks: list[int] = []
        self.results: list[TrainResult] = []
        #: trains placed so far, in all sequences (the search's unit of work).
        self.placed = 0

    def _back_to(self, k: int) -> None:
        """Undo the trains from position ``k`` on."""
        if k < len(self.marks):
            self.cal.ledger.rollback(self.marks[k])
            del self.marks[k:], self.results[k:], self.keys[k:]

    def _shared(self, keys: list[Key]) -> int:
        """How many first keys ``keys`` shares with the sequence placed."""
        k = 0
        while k < min(len(keys), len(self.keys)) and keys[k] == self.keys[k]:
            k += 1
        return k

    def _place_one(self, key: Key) -> TrainResult | None:
        """Place one train at the end of the sequence (kept only when it fits)."""
        train_id, seed = key
        rng = None if seed is None else random.Random(seed)
        self.cal.rng = rng
        self.marks.append(self.cal.ledger.savepoint())
        self.placed += 1
        res = schedule_train(self.placer, self.trains[train_id], max_cuts=self.max_cuts, rng=rng)
        if res is None:
            self.cal.ledger.rollback(self.marks.pop())
            return None
        self.keys.append(key)
        self.results.append(res)
        return res

    def place(self, keys: list[Key], expired: Expired | None = None) -> Sequence | None:
        """Place ``keys`` (from the first train that differs from the last sequence); a
        train that does not fit is tried again after the others. None when some train
        never fits; :class:`PassExpired` when ``expired`` says so before a train."""
        k = self._shared(keys)
        self._back_to(k)
        pending, failed = list(keys[k:]), 0
        while pending:
            check(expired)
            key = pending.pop(0)
            if self._place_one(key) is not None:
                failed = 0
                continue
            failed += 1
            if failed > len(pending):
                return None
            pending.append(key)
        return Sequence(tuple(self.keys), self.objective())

    def objective(self) -> int:
        """Σ weight × dwell of the sequence placed."""
        return sum(
            self.trains[tid].weight * dwell(self.trains[tid], r.departure)
            for (tid, _), r in zip(self.keys, self.results, strict=True)
        )

    def solution(self) -> Solution:
        """The sequence placed, as a schedule."""
        by_id = {tid: r for (tid, _), r in zip(self.keys, self.results, strict=True)}
        return to_solution(self.instance, by_id)


def neighbour(keys: tuple[Key, ...], rng: random.Random, reach: int) -> list[Key]:
    """One step from ``keys``: move a train up to ``reach`` places, swap two neighbours,
    or draw a new seed for one train."""
    out, n, draw = list(keys), len(keys), rng.random()
    if n > 1 and draw < 0.4:
        i = rng.randrange(n)
        j = rng.choice([j for j in range(max(0, i - reach), min(n, i + reach + 1)) if j != i])
        out.insert(j, out.pop(i))
    elif n > 1 and draw < 0.7:
        i = rng.randrange(n - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    else:
        i = rng.randrange(n)
        out[i] = (out[i][0], rng.getrandbits(32))
    return out


class OrderSearch:
    """Iterated greedy over the train order (see the module's text), from the orders
    :meth:`queue` gives it (the best of them), else from a restart order.

    Each :meth:`run` goes on where the last one stopped; ``steps`` caps the trains placed
    in a call (a budget that does not depend on the clock), ``time_limit`` and
    ``deadline`` (a reading of ``clock``) end it on the clock. ``on_improve`` is called
    with each schedule better than all before it.
    """

    def __init__(
        self,
        instance: Instance,
        *,
        seed: int = 0,
        max_cuts: int = 3,
        reach: int = 3,
        stall: float = 3.0,
        on_improve: Callable[[Solution], None] | None = None,
        clock: Clock = time.perf_counter,
    ) -> None:
        self.instance = instance
        self.reach = reach
        #: steps without a new best before a restart order, per train of the day.
        self.stall = max(1, round(stall * len(instance.trains)))
        self.on_improve = on_improve
        self.clock = clock
        self._rng = random.Random(seed)
        self._walk = Walk(instance, max_cuts, GraphCache(instance))
        self.current: Sequence | None = None
        self.best: Sequence | None = None
        self.best_solution: Solution | None = None
        self._since = 0
        self._queued: list[tuple[list[Key], bool]] = []
        #: sequences tried so far (placed or not).
        self.tried = 0

    @property
    def placed(self) -> int:
        """Trains placed so far (the search's unit of work)."""
        return self._walk.placed

    def queue(self, order: Iterable[str], *, restart: bool = False) -> None:
        """Place ``order`` (train ids; deterministic ties) at the next step, before any
        neighbour; it becomes the current sequence where it is no worse, or as a restart
        whatever it gives (``restart``: another search found a better schedule with this
        order)."""
        self._queued.append(([(tid, None) for tid in order], restart))

    @property
    def waiting(self) -> int:
        """Orders queued and not placed yet."""
        return len(self._queued)

    @property
    def hopeless(self) -> bool:
        """Whether the search gives up: its first :data:`TRIES` sequences all failed (on a
        day whose trains must lend each other bogies no serial order fits)."""
        return self.best is None and self.tried >= TRIES

    def _take(self, seq: Sequence | None, *, accept: bool) -> None:
        """Keep ``seq`` as the current sequence if it is no worse (or ``accept``), and as
        the best if it is better than all before it."""
        self.tried += 1
        if seq is None:
            return
        current = self.current
        if accept or current is None or seq.objective <= current.objective:
            self.current = seq
        if self.best is None or seq.objective < self.best.objective:
            self.best = seq
            self.best_solution = self._walk.solution()
            self._since = 0
            if self.on_improve is not None:
                self.on_improve(self.best_solution)

    def _step(self, expired: Expired) -> None:
        """One step: a queued order, a neighbour of the current sequence, or a restart
        order on a stall (or while there is no sequence yet)."""
        self._since += 1
        keys: list[Key]
        if self._queued:
            keys, accept = self._queued.pop(0)
        elif self.current is None or self._since > self.stall:
            order = noisy_fifo(self.instance, self._rng)
            keys, accept = [(t.id, self._rng.getrandbits(32)) for t in order], True
            self._since = 0
        else:
            keys, accept = neighbour(self.current.keys, self._rng, self.reach), False
        self._take(self._walk.place(keys, expired), accept=accept)

    def run(
        self,
        *,
        time_limit: float = math.inf,
        steps: int | None = None,
        target: int | None = None,
        stop: threading.Event | None = None,
        deadline: float = math.inf,
    ) -> Solution | None:
        """Step until ``steps`` trains are placed, the time is over, ``stop`` is set, the
        best schedule reaches ``target`` or the search is :attr:`hopeless`; the best
        schedule so far."""
        end = min(deadline, self.clock() + time_limit)
        expired = expiry(end, stop, self.clock)
        budget = math.inf if steps is None else self.placed + steps
        if steps is None and math.isinf(end):
            raise ValueError("an order search needs a step budget or a time limit")
        while self.placed < budget and not expired() and not self.hopeless:
            if target is not None and self.best is not None and self.best.objective <= target:
                break
            try:
                self._step(expired)
            except PassExpired:
                break
        return self.best_solution
