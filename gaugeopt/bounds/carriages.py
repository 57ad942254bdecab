"""The carriages of an exchange in the per-train bound (:mod:`gaugeopt.bounds.train`):
each carriage's shortest chain in one track-method configuration, the crew work of each
step over all of them, and the roll barrier."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from gaugeopt.bounds.energy import Station, Work, crew_bound
from gaugeopt.bounds.skeleton import (
    BOGIE,
    JACKS,
    carriage_chain,
    chain_minutes,
    share,
    step_skill,
)
from gaugeopt.model.instance import Track, Train
from gaugeopt.rules import METHODS


@dataclass
class Car:
    """One carriage in one configuration: shortest durations and its chain."""

    mass: float
    steps: list[tuple[int, str]]  # (duration, skill) of each step of the carriage chain
    works: list[int]  # the carriage's least own work in each step
    releases: list[int]  # head of each step
    hold: int  # its jack hold (on an individual track)
    end: int  # earliest end of its last step
    swap: int  # its bogie step on an individual track
    share: int  # what it adds to a roll
    ways: frozenset[str]  # the methods of the tracks that lift it
    prefix: list[int] = field(default_factory=list)  # Σ of the steps before each step

    def __post_init__(self) -> None:
        self.prefix = list(itertools.accumulate((x for x, _ in self.steps), initial=0))

    def part(self, lo: int, hi: int) -> int:
        """The duration of steps lo..hi-1."""
        return self.prefix[hi] - self.prefix[lo]

    @property
    def chain(self) -> int:
        return self.prefix[-1]


def cars_of(
    st: Station, train: Train, cfg: str, tracks: Sequence[Track], shunted_in: int
) -> list[Car] | None:
    """The carriages in configuration ``cfg``; None if one cannot be exchanged in it.

    The bogie step is a swap on an ``individual`` track or a roll (its fixed part plus this
    carriage's) on a ``roll`` track, the shorter of those the carriage fits by mass. A roll
    is one task for a whole block: in an all-roll configuration the rolls are counted per
    block elsewhere (own work 0 here); in a mixed one each carriage counts its own part and
    the fixed part is counted once (at least one block rolls).
    """
    d = st.inst.station.durations
    roll = carriage_chain("roll")[BOGIE]
    n = len(carriage_chain("roll"))
    out = []
    for car in train.carriages:
        ways = {t.method for t in tracks if t.max_mass_t >= car.mass_t}
        if not ways:
            return None
        alone = {m: chain_minutes(d, train, car, m) for m in METHODS}
        mine = share(d, roll, car)
        block_part = 0 if cfg == "roll" else mine

        def own(m: str, k: int, alone=alone, block_part=block_part) -> int:
            return block_part if carriage_chain(m)[k].level == "block" else alone[m][k]

        steps = [(min(alone[m][k] for m in ways), step_skill(k)) for k in range(n)]
        works = [min(own(m, k) for m in ways) for k in range(n)]
        releases = []
        t = shunted_in
        for dur, skill in steps:
            s = st.start(skill, t, dur)
            if s is None:
                return None
            releases.append(s)
            t = s + dur
        out.append(
            Car(
                car.mass_t,
                steps,
                works,
                releases,
                sum(alone["individual"][JACKS[0] : JACKS[1] + 1]),
                t,
                alone["individual"][BOGIE],
                mine,
                frozenset(ways),
            )
        )
    return out


def step_ops(cars: Sequence[Car], after: int, skip: int | None = None) -> list[Work]:
    """One task set per step (but ``skip``) over all carriages: least head, least tail
    (``after`` follows the last step), shortest task, total work."""
    ops = []
    for k in range(len(cars[0].steps)):
        work = sum(c.works[k] for c in cars)
        if work <= 0 or k == skip:
            continue
        ops.append(
            Work(
                step_skill(k),
                min(c.works[k] for c in cars if c.works[k] > 0),
                work,
                False,
                min(c.releases[k] for c in cars),
                min(c.part(k + 1, len(c.steps)) for c in cars) + after,
            )
        )
    return ops


def roll_barrier(st: Station, cars: Sequence[Car], size: int, fixed: int) -> int | None:
    """Earliest end of the last steps of a roll block of ``size`` carriages: every step
    before the roll of each of its carriages ends before the roll (``fixed`` plus their
    parts), every step after it starts after (:mod:`gaugeopt.bounds.train`, "Roll
    barrier"). Each phase is a crew bound over the ``size`` smallest durations of each
    step."""
    n = len(cars[0].steps)

    def least(k: int) -> tuple[list[int], int]:
        return sorted(c.steps[k][0] for c in cars)[:size], min(c.releases[k] for c in cars)

    before = [least(k) for k in range(BOGIE)]
    ops = [
        Work(
            step_skill(k),
            durs[0],
            sum(durs),
            False,
            release,
            sum(before[j][0][0] for j in range(k + 1, BOGIE)),
        )
        for k, (durs, release) in enumerate(before)
    ]
    lifted = crew_bound(st, ops)
    if lifted is None:
        return None
    last = BOGIE - 1
    lifted = max(lifted, min(c.releases[last] + c.steps[last][0] for c in cars))
    parts = sum(sorted(c.share for c in cars)[:size])
    t = st.chain(lifted, [(fixed + parts, step_skill(BOGIE))])
    after = [sorted(c.steps[k][0] for c in cars)[:size] for k in range(BOGIE + 1, n)]
    ops = []
    for i, durs in enumerate(after):
        k = BOGIE + 1 + i
        s = st.start(step_skill(k), t, durs[0]) if t is not None else None
        if s is None:
            return None
        t = s + durs[0]
        ops.append(
            Work(step_skill(k), durs[0], sum(durs), False, s, sum(x[0] for x in after[i + 1 :]))
        )
    done = crew_bound(st, ops)
    if done is None or t is None:
        return None
    return max(done, t)
