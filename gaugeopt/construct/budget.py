"""The time a constructive pass may take: a check the pass makes before each train and
each option it tries, so that a pass over a large day gives up when its time is over
rather than running on past the caller's time limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: Tells a pass whether its time is over (checked before each train and each option).
Expired = Callable[[], bool]

#: A clock of seconds (:func:`time.perf_counter`; tests inject a fake one).
Clock = Callable[[], float]


class PassExpired(Exception):
    """A pass gave up: its time was over before every train was placed."""


def check(expired: Expired | None) -> None:
    """Raise :class:`PassExpired` when ``expired`` says the pass's time is over."""
    if expired is not None and expired():
        raise PassExpired


def expiry(
    deadline: float,
    stop: threading.Event | None = None,
    clock: Clock = time.perf_counter,
) -> Expired:
    """Over once ``clock()`` passes ``deadline`` (a reading of the same clock; infinite:
    never) or ``stop`` is set."""

    def expired() -> bool:
        return clock() > deadline or (stop is not None and stop.is_set())

    return expired
