"""Priority rules: the order in which the serial scheduler places trains."""

from __future__ import annotations

import random
from collections.abc import Callable

from gaugeopt.model.instance import Instance, Train

#: A rule maps an instance (and a random source, for the noisy rule) to a train order.
Rule = Callable[[Instance, random.Random], list[Train]]


def _work(train: Train) -> int:
    """A size proxy: carriages (a changer or through train counts as one)."""
    return len(train.carriages) if train.from_gauge != train.to_gauge else 1


def fifo(inst: Instance, rng: random.Random) -> list[Train]:
    """First come, first served; heavier weight first on equal arrivals."""
    return sorted(inst.trains, key=lambda t: (t.arrival, -t.weight))


def wspt(inst: Instance, rng: random.Random) -> list[Train]:
    """Weighted shortest processing time: weight per carriage, highest first."""
    return sorted(inst.trains, key=lambda t: (-t.weight / _work(t), t.arrival))


def weight_first(inst: Instance, rng: random.Random) -> list[Train]:
    """Heaviest weight first, then by arrival."""
    return sorted(inst.trains, key=lambda t: (-t.weight, t.arrival))


def loco_suppliers_first(inst: Instance, rng: random.Random) -> list[Train]:
    """By arrival, but trains that bring a locomotive in go before those that do not, so
    the locomotives they free are known when trains needing them are placed."""
    return sorted(inst.trains, key=lambda t: (t.inbound_loco is None, t.arrival, -t.weight))


def noisy_fifo(inst: Instance, rng: random.Random) -> list[Train]:
    """Arrival order perturbed by noise on the scale of a typical gap, biased by weight."""
    arrivals = sorted(t.arrival for t in inst.trains)
    span = max(30, (arrivals[-1] - arrivals[0]) / max(1, len(arrivals) - 1))
    return sorted(
        inst.trains, key=lambda t: t.arrival + rng.gauss(0, span) - span * 0.2 * (t.weight - 1)
    )


#: Deterministic rules, tried first, in this order.
RULES: tuple[Rule, ...] = (fifo, wspt, weight_first, loco_suppliers_first)
