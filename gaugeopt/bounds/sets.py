"""The shared resources of the station bound (:mod:`gaugeopt.bounds.station`): the jobs
of the trains on each, and the set functions f(S) of its inequalities 2 (fluid capacity,
:class:`Idle`) and 3 (a supply of units, :class:`Supply`)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

INF = float("inf")


@dataclass
class Job:
    """What a train needs of one resource (module docstring: a, r, and the gap of D − X)."""

    train: int
    amount: int  # a: least work (fluid) or units taken (supply)
    release: int  # r, absolute
    gap: float  # D_train >= X + gap
    #: D_train >= (end of the job's last task, or its last take) + tail
    tail: float
    #: units it can hold at once (fluid), or takes (supply)
    width: int


@dataclass
class Resource:
    """A fluid resource (capacity profile) or a supply of units."""

    name: str
    segments: list[tuple[float, float, int]] | None = None  # (start, end, capacity)
    supply: list[tuple[float, int]] | None = None  # (time, count)
    jobs: list[Job] = field(default_factory=list)

    def bound(self, members: Iterable[int]) -> float:
        """f(S): a lower bound on Σ a X over the jobs ``members``."""
        jobs = [(self.jobs[i].release, self.jobs[i].amount) for i in members]
        if self.segments is not None:
            idle = Idle(self.segments)
            return sum(idle.fill(r, a) for r, a in jobs)
        return Supply(self.supply or []).matched(sorted(jobs))


class Idle:
    """Capacity left idle by the earliest processing of the work added so far.

    Processing is fluid and work-conserving, so the work done by any time t is as large as
    the releases and K allow, whatever the order: adding work released at r fills the
    first idle capacity from r on, and ``fill`` returns what it adds to ∫ t ρ(t) dt.
    """

    def __init__(self, segments: list[tuple[float, float, int]]) -> None:
        self.segs = [[a, b, k] for a, b, k in segments if k > 0 and b > a]

    def fill(self, release: float, work: float) -> float:
        segs = self.segs
        total = 0.0
        i = 0
        while i < len(segs) and segs[i][1] <= release:
            i += 1
        while work > 0 and i < len(segs):
            a, b, k = segs[i]
            s = max(a, release)
            room = k * (b - s)
            if room <= work:
                total += room * (s + b) / 2
                work -= room
                if s > a:
                    segs[i][1] = s
                    i += 1
                else:
                    del segs[i]
            else:
                e = s + work / k
                total += work * (s + e) / 2
                work = 0.0
                if s > a:
                    segs[i][1] = s
                    segs.insert(i + 1, [e, b, k])
                else:
                    segs[i][0] = e
        return total


class Supply:
    """Units that become available over time, as (time, count)."""

    def __init__(self, supply: list[tuple[float, int]]) -> None:
        entries = sorted((t, c) for t, c in supply if c > 0)
        self.times = [t for t, _ in entries]
        self.cum = [0]  # units in the entries before entry i
        self.cum_t = [0.0]  # Σ time × count of the entries before entry i
        for t, c in entries:
            self.cum.append(self.cum[-1] + c)
            self.cum_t.append(self.cum_t[-1] + t * c)
        self.total = self.cum[-1]

    def _prefix(self, u: int) -> float:
        """σ_1 + … + σ_u."""
        i = bisect.bisect_right(self.cum, u) - 1
        if i >= len(self.times):
            return self.cum_t[-1]
        return self.cum_t[i] + (u - self.cum[i]) * self.times[i]

    def matched(self, jobs: list[tuple[int, int]]) -> float:
        """Σ_u max(e_(u), σ_u) over the units of ``jobs`` (release, count) sorted by
        release. Units beyond the whole supply (then no schedule exists) count at their
        release."""
        total = 0.0
        u = 0
        for release, count in jobs:
            v = u + count
            top = min(v, self.total)
            early = min(top, self.cum[bisect.bisect_right(self.times, release)])
            # units [u, early) are available by the release, [early, top) later
            total += release * (max(0, early - u) + v - max(u, top))
            if top > max(u, early):
                total += self._prefix(top) - self._prefix(max(u, early))
            u = v
        return total
