"""Place jobs one by one, in a fixed order, each at the earliest start its rules allow.

The repair pass (:func:`gaugeopt.justify.shift_to_feasible`) takes the jobs in an order
derived from the previous plan; a job goes to the earliest start at or after its lower
bound (its earliest start, release, predecessors' ends and locomotive's release) at which
its crew (inside one shift), shunter and changer are free, the bogie stock covers what it
takes from then on, and the holds it opens (a block's track, a carriage's jack set) find
room, given only the jobs already placed. A hold whose last job is not placed yet is taken
to last as long as it did in the previous plan (``estimate``); the repair checks the real
span when its last job is placed and starts again when it ran into something. Each rule
pushes the start to the end of what it conflicts with, until every rule is met.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from gaugeopt.justify.jobs import BogieKey, Jobs
from gaugeopt.model.instance import Instance


class NoStart(Exception):
    """A job that no start before the horizon fits (with the resources it was given)."""


@dataclass
class Choice:
    """The one-at-a-time resources a job is placed with."""

    crew: str | None
    units: list[str]


class Placer:
    """Jobs placed so far, and what each resource holds."""

    def __init__(self, inst: Instance, jobs: Jobs, estimate: list[int]) -> None:
        st = inst.station
        self.jobs = jobs
        self.estimate = estimate  # per hold: how long it lasts until its last job is placed
        self.horizon = inst.horizon
        self.turnaround = st.bogie_turnaround
        self.stock: dict[BogieKey, int] = defaultdict(int)
        for b in st.bogie_stock:
            self.stock[(b.gauge, b.type)] += b.count
        self.shifts = {c.id: sorted((a, b) for a, b in c.shifts) for c in st.crews}
        self.tracks = {t.id: t for t in st.tracks}
        self.start: dict[int, int] = {}
        self.busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.bogies: dict[BogieKey, list[tuple[int, int]]] = defaultdict(list)

    def end(self, k: int) -> int:
        return self.start[k] + self.jobs.jobs[k].duration

    # -- what is placed -----------------------------------------------------------------------

    def put(self, k: int, s: int, choice: Choice) -> None:
        """Place job ``k`` at ``s`` holding ``choice``."""
        job = self.jobs.jobs[k]
        self.start[k] = s
        d = job.duration
        if d > 0:
            for unit in _unit_names(choice):
                self.busy[unit].append((s, s + d))
        for key, n in job.takes.items():
            self.bogies[key].append((s, -n))
        for key, n in job.gives.items():
            self.bogies[key].append((s + d + self.turnaround, n))

    def hold_span(self, h: int) -> tuple[int, int] | None:
        """Where hold ``h`` runs, when its first job is placed."""
        span = self.jobs.holds[h]
        if span.first not in self.start:
            return None
        a = self.start[span.first]
        return a, self.end(span.last) if span.last in self.start else a + self.estimate[h]

    # -- the earliest start -------------------------------------------------------------------

    def earliest(self, k: int, low: int, choice: Choice) -> int:
        """The earliest start >= ``low`` of job ``k`` with ``choice``; NoStart if none."""
        d = self.jobs.jobs[k].duration
        s = low
        while True:
            if s + d > self.horizon:
                raise NoStart(k)
            pushed = max(
                self._unit_push(s, d, choice),
                self._shift_push(s, d, choice.crew),
                self._bogie_push(k, s),
                self._hold_push(k, s, d),
            )
            if pushed <= s:
                return s
            s = pushed

    def _unit_push(self, s: int, d: int, choice: Choice) -> int:
        if d == 0:
            return s
        out = s
        for unit in _unit_names(choice):
            for a, b in self.busy[unit]:
                if a < s + d and s < b:
                    out = max(out, b)
        return out

    def _shift_push(self, s: int, d: int, crew: str | None) -> int:
        if d == 0 or crew is None:
            return s
        shifts = self.shifts.get(crew, [])
        if any(a <= s and s + d <= b for a, b in shifts):
            return s
        later = [a for a, b in shifts if a > s and b - a >= d]
        if not later:
            raise NoStart(crew)
        return min(later)

    def _bogie_push(self, k: int, s: int) -> int:
        """Past the last time from ``s`` on at which the stock would not cover the job."""
        out = s
        for key, n in self.jobs.jobs[k].takes.items():
            bad = _last_bad(self.bogies[key], self.stock[key], s, lambda lv, n=n: lv < n)
            out = max(out, bad)
        return out

    def _hold_push(self, k: int, s: int, d: int) -> int:
        """Past whatever leaves no room for the holds the job opens, as long as each is
        estimated to last."""
        out = s
        for h in self.jobs.jobs[k].opens:
            out = max(out, self.hold_room(h, s, s + max(d, self.estimate[h], 1)))
        return out

    def hold_room(self, h: int, a: int, b: int) -> int:
        """``a`` when hold ``h`` fits in [a, b) beside the other holds placed (and a track's
        maintenance windows), else a later start worth trying."""
        span = self.jobs.holds[h]
        track = self.tracks[span.track]
        limit = span.hold.capacity(track)
        events: list[tuple[int, int]] = []
        for other, o in enumerate(self.jobs.holds):
            if other == h or (o.hold, o.track) != (span.hold, span.track):
                continue
            run = self.hold_span(other)
            if run is not None and run[1] > run[0] and run[0] < b and a < run[1]:
                events += [(run[0], 1), (run[1], -1)]
        if span.hold.closures:
            events += [(w0, limit) for w0, w1 in track.unavailable if w0 < b and a < w1]
            events += [(w1, -limit) for w0, w1 in track.unavailable if w0 < b and a < w1]
        return _first_room(events, a, b - a, limit)


def _unit_names(choice: Choice) -> list[str]:
    return ([f"crew {choice.crew}"] if choice.crew is not None else []) + choice.units


def _last_bad(events: list[tuple[int, int]], initial: int, s: int, bad) -> int:
    """The time after the last stretch from ``s`` on whose level is ``bad`` (``s`` when
    none); NoStart when the level is still bad at the end."""
    deltas: dict[int, int] = defaultdict(int)
    for t, dv in events:
        deltas[t] += dv
    level = initial
    for t in sorted(deltas):
        if t <= s:
            level += deltas[t]
    out = s
    was_bad = bad(level)
    for t in sorted(x for x in deltas if x > s):
        level += deltas[t]
        if was_bad:
            out = t
        was_bad = bad(level)
    if was_bad:
        raise NoStart(s)
    return out


def _first_room(events: list[tuple[int, int]], a: int, length: int, limit: int) -> int:
    """``a`` when the level stays below ``limit`` over [a, a + length), else the end of the
    first stretch in there where it does not."""
    deltas: dict[int, int] = defaultdict(int)
    for t, dv in events:
        deltas[t] += dv
    level = sum(dv for t, dv in deltas.items() if t <= a)
    if level >= limit:
        return min(
            (t for t in sorted(deltas) if t > a and level + _sum_to(deltas, a, t) < limit),
            default=a + length + 1,
        )
    for t in sorted(x for x in deltas if a < x < a + length):
        level += deltas[t]
        if level >= limit:
            return min(
                (u for u in sorted(deltas) if u > t and level + _sum_to(deltas, t, u) < limit),
                default=a + length + 1,
            )
    return a


def _sum_to(deltas: dict[int, int], lo: int, hi: int) -> int:
    """The deltas in (lo, hi]."""
    return sum(dv for t, dv in deltas.items() if lo < t <= hi)
