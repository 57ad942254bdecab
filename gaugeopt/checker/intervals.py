"""Overlap detection for unary resources and counting for cumulative ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def overlaps(items: Iterable[tuple[int, int, T]]) -> list[tuple[T, T]]:
    """Pairs (earlier, later) of half-open [start, end) intervals that overlap.

    Empty intervals never overlap. Each later interval is paired with the one, among those
    that started before it, that ends last; so a resource used three times at once yields
    two pairs, not three.
    """
    items = list(items)
    live = sorted((s, e, i) for i, (s, e, _) in enumerate(items) if e > s)
    pairs = []
    last: tuple[int, int] | None = None  # (end, index) of the interval that ends last so far
    for s, e, i in live:
        if last is not None and s < last[0]:
            pairs.append((items[last[1]][2], items[i][2]))
        if last is None or e > last[0]:
            last = (e, i)
    return pairs


def peaks(items: Iterable[tuple[int, int, T]], limit: int) -> list[tuple[int, list[T]]]:
    """Times at which more than ``limit`` intervals are open, with the items open then.

    One entry per excursion above the limit (the moment it starts).
    """
    items = [it for it in items if it[1] > it[0]]
    out = []
    above = False
    for t in sorted({s for s, _, _ in items} | {e for _, e, _ in items}):
        open_now = [x for s, e, x in items if s <= t < e]
        if len(open_now) > limit and not above:
            out.append((t, open_now))
        above = len(open_now) > limit
    return out
