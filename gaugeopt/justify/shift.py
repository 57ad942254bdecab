"""The pass itself: move each job, in order of start, to the earliest start its rules allow.

A job's start is bounded below by rules that, once met at some start, are met at every
later one up to where it stands: its release and predecessors, its locomotive's release,
the bogie stock before it, its track's occupation and maintenance windows and its track's
jack sets (:meth:`Shifter.low`). Above that bound, the one-at-a-time resources (crew,
shunter, changer) and the crew's shifts leave gaps, so the earliest start is the bound or
the end of some busy interval or the start of a shift (:meth:`Shifter.fit`). Every other
job stays where it is while one moves, and none moves later, so a schedule that met every
rule still does after each move.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from gaugeopt.justify.jobs import BogieKey, Jobs
from gaugeopt.justify.steps import earliest_ok
from gaugeopt.model.instance import Instance
from gaugeopt.rules import Hold


def _at_least(n: int, level: int) -> bool:
    return level >= n


def _below(limit: int, level: int) -> bool:
    return level < limit


class Shifter:
    """The jobs of one schedule and their current starts, with what each resource holds."""

    def __init__(self, inst: Instance, jobs: Jobs, starts: list[int]) -> None:
        st = inst.station
        self.jobs = jobs
        self.start = list(starts)
        self.end = [s + j.duration for s, j in zip(starts, jobs.jobs, strict=True)]
        self.turnaround = st.bogie_turnaround
        self.stock: dict[BogieKey, int] = defaultdict(int)
        for b in st.bogie_stock:
            self.stock[(b.gauge, b.type)] += b.count
        self.shifts = {c.id: sorted(c.shifts) for c in st.crews}
        self.tracks = {t.id: t for t in st.tracks}
        self.users: dict[str, list[int]] = defaultdict(list)
        self.takers: dict[BogieKey, list[int]] = defaultdict(list)
        self.givers: dict[BogieKey, list[int]] = defaultdict(list)
        for k, job in enumerate(jobs.jobs):
            for unit in self._units(k):
                self.users[unit].append(k)
            for key in job.takes:
                self.takers[key].append(k)
            for key in job.gives:
                self.givers[key].append(k)
        self.spans: dict[tuple[Hold, str], list[int]] = defaultdict(list)
        for h, span in enumerate(jobs.holds):
            self.spans[(span.hold, span.track)].append(h)

    def _units(self, k: int) -> list[str]:
        """The one-at-a-time resources job ``k`` holds while it runs."""
        job = self.jobs.jobs[k]
        return ([f"crew {job.crew}"] if job.crew is not None else []) + job.units

    # -- rules that bound a start from below -------------------------------------------------

    def _ready(self, k: int) -> int:
        """Release, predecessors' ends and the locomotive's release."""
        job = self.jobs.jobs[k]
        low = max([job.release] + [self.end[p] for p in job.preds])
        if job.loco is not None and job.loco in self.jobs.loco_ready:
            freed, plus = self.jobs.loco_ready[job.loco]
            low = max(low, plus if freed is None else self.end[freed] + plus)
        return low

    def _bogie_low(self, k: int) -> int:
        """Earliest start at which the stock before the job's own start still covers what
        it takes (the bogies it gives back come back earlier, which never hurts)."""
        low = 0
        before = self.start[k]
        for key, n in self.jobs.jobs[k].takes.items():
            events = [(self.start[m], -self.jobs.jobs[m].takes[key]) for m in self.takers[key]]
            events += [
                (self.end[m] + self.turnaround, self.jobs.jobs[m].gives[key])
                for m in self.givers[key]
            ]
            low = max(low, earliest_ok(events, self.stock[key], before, partial(_at_least, n)))
        return low

    def _hold_low(self, k: int) -> int:
        """Earliest start that keeps every hold the job opens within its limit: one block
        per track and none in a maintenance window; ``jack_sets`` lifted carriages."""
        low = 0
        before = self.start[k]
        for h in self.jobs.jobs[k].opens:
            span = self.jobs.holds[h]
            events: list[tuple[int, int]] = []
            for other in self.spans[(span.hold, span.track)]:
                o = self.jobs.holds[other]
                a, b = self.start[o.first], self.end[o.last]
                if other != h and b > a:
                    events += [(a, 1), (b, -1)]
            track = self.tracks[span.track]
            limit = span.hold.capacity(track)
            if span.hold.closures:
                for a, b in track.unavailable:
                    events += [(a, limit), (b, -limit)]
            low = max(low, earliest_ok(events, 0, before, partial(_below, limit)))
        return low

    def low(self, k: int) -> int:
        """The start below which some rule that is monotone in the start breaks."""
        return max(self._ready(k), self._bogie_low(k), self._hold_low(k))

    # -- one-at-a-time resources and shifts ---------------------------------------------------

    def fit(self, k: int, low: int) -> int:
        """The earliest start in [low, start] at which the job's crew, shunter and changer
        are free for its whole duration, inside one of the crew's shifts."""
        job = self.jobs.jobs[k]
        d, before = job.duration, self.start[k]
        units = self._units(k)
        if d == 0 or not units:
            return low
        busy = [
            (self.start[m], self.end[m])
            for unit in units
            for m in self.users[unit]
            if m != k and self.end[m] > max(self.start[m], low) and self.start[m] < before + d
        ]
        shifts = self.shifts.get(job.crew, []) if job.crew is not None else None
        times = {low} | {b for _, b in busy if low < b <= before}
        if shifts is not None:
            times |= {a for a, _ in shifts if low < a <= before}
        for s in sorted(times):
            if shifts is not None and not any(a <= s and s + d <= b for a, b in shifts):
                continue
            if not any(a < s + d and s < b for a, b in busy):
                return s
        return before

    def sweep(self) -> bool:
        """One pass over the jobs in order of start; whether any moved."""
        moved = False
        order = sorted(
            range(len(self.start)), key=lambda k: (self.start[k], self.jobs.jobs[k].order)
        )
        for k in order:
            before = self.start[k]
            low = self.low(k)
            if low >= before:
                continue
            s = min(self.fit(k, low), before)
            if s < before:
                self.start[k] = s
                self.end[k] = s + self.jobs.jobs[k].duration
                moved = True
        return moved
