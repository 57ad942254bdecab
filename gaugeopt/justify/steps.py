"""Step functions over time: how far back a start may move before a level breaks a limit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable


def earliest_ok(
    events: Iterable[tuple[int, int]], initial: int, before: int, ok: Callable[[int], bool]
) -> int:
    """The earliest ``s <= before`` such that ``ok(level(t))`` for every t in [s, before).

    ``level(t)`` is ``initial`` plus the deltas of every event at or before t (all events
    of one minute count together, as in the checker); events at or after ``before`` do
    not matter. ``0`` when every level before ``before`` is ok (no task starts before 0).
    """
    deltas: dict[int, int] = defaultdict(int)
    for t, d in events:
        if t < before:
            deltas[t] += d
    times = sorted(deltas)
    levels = []
    level = initial
    for t in times:
        level += deltas[t]
        levels.append(level)
    for k in range(len(times) - 1, -1, -1):
        if not ok(levels[k]):
            return times[k + 1] if k + 1 < len(times) else before
    if not ok(initial):
        return times[0] if times else before
    return 0
