"""Searches sharing time by measured progress: which one gets the next round.

Each :class:`Arm` records its rounds as (cost, improvement of the best objective); the cost
is seconds, or any budget that does not depend on the clock (a reproducible run counts
rounds or steps). :func:`choose` gives the next round to the arm that has lately improved
the best schedule faster (the neighbourhood search's portfolio,
:mod:`gaugeopt.pipeline.portfolio`, shares its time this way).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Arm:
    """The rounds one arm has had: (cost, improvement of the best objective) each."""

    name: str
    rounds: list[tuple[float, int]] = field(default_factory=list)
    #: the round count of the whole search when this arm last ran.
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


def choose(arms: Sequence[Arm], window: float) -> Arm:
    """The arm of the next round, of ``arms`` (at least one).

    An arm that has had no round gets one, the first such in ``arms`` (its rate is
    unknown until then); after that the arm of the best rate over its last ``window`` of
    rounds. When none improved in its window, the best rate over all its rounds (a record
    of random restarts can come late: the restarts alone found the best schedule after 9 s
    of 10 on day-t10-0001). Ties go to the arm later in ``arms``. When none ever improved,
    the arms take turns: the one that ran least recently.
    """
    for arm in arms:
        if not arm.rounds:
            return arm
    for w in (window, math.inf):
        rates = [arm.rate(w) for arm in arms]
        if max(rates) > 0:
            best = max(rates)
            return [arm for arm, r in zip(arms, rates, strict=True) if r == best][-1]
    return min(arms, key=lambda arm: arm.last)
