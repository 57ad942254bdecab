"""Resource calendars for the constructive scheduler, with an undo log.

Every reservation goes through a :class:`Ledger`, which records how to take it back, so a
train (or one block of it) can be placed tentatively and rolled back to a savepoint when a
later check fails or a better alternative is found.

* :class:`Unary` — a resource used by one task at a time (crew, shunter, changer, track):
  sorted, non-overlapping busy intervals and an earliest-fit search; optional shifts.
* :class:`Pool` — a per-track resource of a hold: up to its capacity spans at once, none
  inside its closed windows.
* :class:`Stock` — bogies of one (gauge, type): a step function of committed events.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

INF = float("inf")


class Ledger:
    """An undo log: each reservation appends the closure that reverts it."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def savepoint(self) -> int:
        """A mark to roll back to."""
        return len(self._undo)

    def record(self, undo: Callable[[], None]) -> None:
        self._undo.append(undo)

    def rollback(self, mark: int) -> None:
        """Revert every reservation made since `mark`, newest first."""
        while len(self._undo) > mark:
            self._undo.pop()()


class Unary:
    """A resource doing one thing at a time, optionally only inside shifts [a, b)."""

    __slots__ = ("_ends", "_shift_ends", "_starts", "id", "shifts")

    def __init__(self, rid: str, shifts: list[tuple[int, int]] | None = None) -> None:
        self.id = rid
        self.shifts = sorted(shifts) if shifts is not None else None
        # Shifts do not overlap, so their ends are sorted too (for skipping past ones).
        self._shift_ends = [b for _, b in self.shifts] if self.shifts is not None else []
        self._starts: list[int] = []
        self._ends: list[int] = []

    def _fit_free(self, t: int, d: int) -> int:
        """Earliest s >= t with [s, s + d) clear of every busy interval."""
        starts, ends = self._starts, self._ends
        i = bisect.bisect_right(ends, t)
        s = t
        n = len(starts)
        while i < n and starts[i] < s + d:
            if ends[i] > s:
                s = ends[i]
            i += 1
        return s

    def earliest(self, t: int, d: int) -> int | None:
        """Earliest start >= t for a task of duration d (>0), or None if no shift fits."""
        if self.shifts is None:
            return self._fit_free(t, d)
        shifts = self.shifts
        for j in range(bisect.bisect_left(self._shift_ends, t + d), len(shifts)):
            a, b = shifts[j]
            s = self._fit_free(t if t > a else a, d)
            if s + d <= b:
                return s
        return None

    def is_free(self, s: int, e: int) -> bool:
        """True when [s, e) meets no busy interval."""
        i = bisect.bisect_right(self._ends, s)
        return i >= len(self._starts) or self._starts[i] >= e

    def free_from(self, t: int) -> int:
        """Earliest time >= t at which the resource is not busy."""
        i = bisect.bisect_right(self._ends, t)
        while i < len(self._starts) and self._starts[i] <= t:
            t = self._ends[i]
            i += 1
        return t

    def first_conflict_end(self, s: int, e: int) -> int:
        """End of the first busy interval meeting [s, e) (call only when not free)."""
        return self._ends[bisect.bisect_right(self._ends, s)]

    def reserve(self, s: int, e: int, ledger: Ledger) -> None:
        """Mark [s, e) busy (caller guarantees it is free); empty spans are ignored."""
        if e <= s:
            return
        i = bisect.bisect_left(self._starts, s)
        self._starts.insert(i, s)
        self._ends.insert(i, e)

        def undo() -> None:
            j = bisect.bisect_left(self._starts, s)
            del self._starts[j]
            del self._ends[j]

        ledger.record(undo)


def overlap_conflict(held: list[tuple[int, int]], new: tuple[int, int], cap: int) -> int | None:
    """None if ``new`` keeps at most ``cap`` of the ``held`` spans at once; else the earliest
    end of a span overlapping it after its start (a time from which a retry may succeed).
    ``cap`` is at least 1."""
    s, e = new
    points = [s] + [hs for hs, _ in held if s < hs < e]
    for p in points:
        if sum(1 for hs, he in held if hs <= p < he) >= cap:
            return min(he for hs, he in held if hs < e and he > s)
    return None


class Pool:
    """A per-track resource held by up to ``capacity`` spans at once and by none inside its
    ``closed`` windows (maintenance, when the hold closes with them). ``never``: the time
    :meth:`conflict` answers when no span can ever fit (a capacity below 1)."""

    __slots__ = ("capacity", "closed", "held", "never")

    def __init__(self, capacity: int, closed: list[tuple[int, int]], never: int) -> None:
        self.capacity = capacity
        self.closed = closed
        self.never = never
        self.held: list[tuple[int, int]] = []

    def conflict(self, s: int, e: int) -> int | None:
        """None when [s, e) fits; else a later time from which a retry may fit: the end of
        a closed window or of a span in its way (``never`` when nothing can fit)."""
        if self.capacity < 1:
            return self.never
        for a, b in self.closed:
            if a < e and s < b:
                return b
        return overlap_conflict(self.held, (s, e), self.capacity)

    def reserve(self, s: int, e: int, ledger: Ledger) -> None:
        """Take the resource for [s, e) (the caller checked :meth:`conflict`)."""
        self.held.append((s, e))
        ledger.record(lambda: self.held.remove((s, e)))


class Stock:
    """Bogies of one (gauge, type): initial count plus timed deltas (never below zero)."""

    __slots__ = ("_cache", "_deltas", "_times", "initial")

    def __init__(self, initial: int) -> None:
        self.initial = initial
        self._times: list[int] = []
        self._deltas: list[int] = []
        self._cache: tuple[list[int], list[int]] | None = None

    def _suffix_minima(self) -> tuple[list[int], list[int]]:
        """(instants, m): from instants[j] on, the level never drops below m[j]; instants[0]
        stands for 'before any event'. m is non-decreasing."""
        if self._cache is None:
            instants, levels = [0], [self.initial]
            level = self.initial
            for time, dlt in zip(self._times, self._deltas, strict=True):
                level += dlt
                if len(instants) > 1 and instants[-1] == time:
                    levels[-1] = level  # only the level after all events of an instant counts
                else:
                    instants.append(time)
                    levels.append(level)
            for j in range(len(levels) - 2, -1, -1):
                if levels[j + 1] < levels[j]:
                    levels[j] = levels[j + 1]
            self._cache = (instants, levels)
        return self._cache

    def earliest_take(self, t: int, k: int) -> int | None:
        """Earliest time >= t at which k bogies can leave and the level stays >= 0 from
        then on (including every committed future event); None if never."""
        if k <= 0:
            return t
        instants, low = self._suffix_minima()
        j = bisect.bisect_left(low, k)
        if j == len(low):
            return None
        return t if j == 0 else max(t, instants[j])

    def spare(self) -> int:
        """The most bogies that can still leave, in all, without the level ever going
        negative: the level after every committed event (they may all leave after the
        last one; leaving earlier can only wait for bogies, never add any)."""
        return self.initial + sum(self._deltas)

    def add(self, time: int, delta: int, ledger: Ledger) -> None:
        """Commit `delta` bogies joining (>0) or leaving (<0) at `time`."""
        if delta == 0:
            return
        i = bisect.bisect_right(self._times, time)
        self._times.insert(i, time)
        self._deltas.insert(i, delta)
        self._cache = None

        def undo() -> None:
            # Remove one matching event (equal-time entries are interchangeable by value).
            lo = bisect.bisect_left(self._times, time)
            hi = bisect.bisect_right(self._times, time)
            for j in range(hi - 1, lo - 1, -1):
                if self._deltas[j] == delta:
                    del self._times[j]
                    del self._deltas[j]
                    self._cache = None
                    return
            raise AssertionError("stock undo: event not found")

        ledger.record(undo)
