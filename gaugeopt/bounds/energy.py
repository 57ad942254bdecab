"""Energetic reasoning on the crews and shunters of one train (the "Crews" and "Shunters"
bounds of :mod:`gaugeopt.bounds.train`): tasks as :class:`Work`, the crews on duty as a
step profile, and the least departure the work allows."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gaugeopt.model.instance import Instance
from gaugeopt.rules import OpRule
from gaugeopt.rules.crews import crew_groups

#: Stands for "no schedule".
NEVER = 1 << 60


@dataclass(frozen=True)
class Work:
    """Tasks of a relaxed train that share a skill, a head and a tail."""

    skill: str | None
    unit: int  # shortest duration of one of the tasks
    work: int  # least total duration of the tasks
    shunter: bool  # each task takes a shunting locomotive
    release: int  # head: earliest start (absolute time)
    tail: int  # shortest time from the end of any of the tasks to the departure


class Station:
    """What every train's bound needs from the station, computed once per instance."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.groups = [(g.skills, g.shifts, len(g.members)) for g in crew_groups(inst)]
        self._subsets: dict[frozenset[str], list] = {}
        self._starts: dict[tuple[str, int, int], int | None] = {}

    def start(self, skill: str | None, t: int, dur: int) -> int | None:
        """Earliest start >= t at which some crew with ``skill`` can work ``dur`` minutes
        inside one shift (None: never)."""
        if skill is None or dur <= 0:
            return t
        key = (skill, t, dur)
        if key not in self._starts:
            best = None
            for skills, shifts, _ in self.groups:
                if skill in skills:
                    for a, b in shifts:
                        s = max(t, a)
                        if s + dur <= b and (best is None or s < best):
                            best = s
            self._starts[key] = best
        return self._starts[key]

    def op_start(self, rule: OpRule, t: int, dur: int) -> int | None:
        """:meth:`start` for an operation of the rulebook (a
        :data:`~gaugeopt.bounds.skeleton.StartFn`)."""
        return self.start(rule.skill, t, dur)

    def chain(self, t: int | None, steps: Iterable[tuple[int, str | None]]) -> int | None:
        """End of a chain of (duration, skill) steps started at t, each waiting for a crew."""
        for dur, skill in steps:
            if t is None:
                return None
            s = self.start(skill, t, dur)
            t = None if s is None else s + dur
        return t

    def subsets(self, skills: frozenset[str]) -> list:
        """(K, crews of K) for every subset K of ``skills`` that the crews connect; the
        crews of K merged by (their skills in K, shifts) into (skills, shifts, count)."""
        if skills not in self._subsets:
            out = []
            ordered = sorted(skills)
            for r in range(1, len(ordered) + 1):
                for combo in itertools.combinations(ordered, r):
                    k = frozenset(combo)
                    if not self._connected(k):
                        continue
                    merged: dict[tuple, int] = {}
                    for gs, shifts, cnt in self.groups:
                        if gs & k:
                            key = (tuple(sorted(gs & k)), shifts)
                            merged[key] = merged.get(key, 0) + cnt
                    groups = [(s, sh, c) for (s, sh), c in merged.items()]
                    out.append((k, groups, Duty(groups)))
            self._subsets[skills] = out
        return self._subsets[skills]

    def _connected(self, k: frozenset[str]) -> bool:
        seen = {min(k)}
        todo = list(seen)
        while todo:
            s = todo.pop()
            for gs, _, _ in self.groups:
                if s in gs:
                    for x in gs & k:
                        if x not in seen:
                            seen.add(x)
                            todo.append(x)
        return seen == k


class Profile:
    """A rate that changes by c at each (t, c) of ``events`` (0 before the first), and its
    integral."""

    def __init__(self, events: Iterable[tuple[int, int]]) -> None:
        changes: dict[int, int] = {}
        for t, c in events:
            changes[t] = changes.get(t, 0) + c
        self.times = sorted(changes)
        self.rates: list[int] = []
        self.area: list[int] = []  # integral up to each time
        rate = total = 0
        for i, t in enumerate(self.times):
            if i:
                total += rate * (t - self.times[i - 1])
            rate += changes[t]
            self.rates.append(rate)
            self.area.append(total)

    def integral(self, t: int) -> int:
        """The rate's integral before t."""
        i = bisect.bisect_right(self.times, t) - 1
        return 0 if i < 0 else self.area[i] + self.rates[i] * (t - self.times[i])

    def reach(self, value: int) -> int | None:
        """Least t with integral(t) >= value (None: never)."""
        i = bisect.bisect_left(self.area, value)
        if i == len(self.area):
            return None
        if i == 0:
            return self.times[0]
        return self.times[i - 1] + -(-(value - self.area[i - 1]) // self.rates[i - 1])


class Duty(Profile):
    """How many crews of a set are on duty over time, and its integral (pooled capacity)."""

    def __init__(self, groups: list) -> None:
        super().__init__(
            (t, c * sign)
            for _, shifts, c in groups
            for shift in shifts
            for t, sign in zip(shift, (1, -1), strict=True)
        )
        self.ends = sorted((s1, cnt) for _, shifts, cnt in groups for _, s1 in shifts)
        self.shortest = min((s1 - s0 for _, shifts, _ in groups for s0, s1 in shifts), default=0)

    def cut(self, t: int, unit: int) -> int:
        """Crew time of the shifts ending within (t, t + unit): pieces too short for a task
        of ``unit`` minutes if a window opens at t."""
        i = bisect.bisect_right(self.ends, (t, NEVER))
        lost = 0
        while i < len(self.ends) and self.ends[i][0] < t + unit:
            lost += self.ends[i][1] * (self.ends[i][0] - t)
            i += 1
        return lost


def crew_bound(st: Station, ops: Sequence[Work]) -> int | None:
    """Least departure the crews allow (:mod:`gaugeopt.bounds.train`, "Crews"); None: never."""
    out = crew_bounds(st, ops, ())
    return None if out is None else out[0]


def crew_bounds(
    st: Station,
    ops: Sequence[Work],
    tails: Sequence[int],
    split: tuple[str, bool] | None = None,
) -> tuple[int, list[int]] | None:
    """Least departure the crews allow (:mod:`gaugeopt.bounds.train`, "Crews"), and for each of
    ``tails`` the same over the tasks whose tail is at least that; None: never. With
    ``split`` (s, True) (or (s, False)), only over the skill sets with (without) skill s.

    For each connected skill set K and each (h, q) among the heads and tails of its tasks,
    the selected tasks (skill in K, head >= h, tail >= q) must be done by the crews of K,
    each within its own window [a_c, T − e_c] (a_c, e_c: least head and tail of the selected
    tasks it has a skill for) and only in shift pieces that can hold its shortest such task.
    The capacity is non-decreasing in T, so the least T covering the work is found by
    sweeping the pieces in time order.

    A selection lacking some skill of K is the same as for the skills it has, so it is
    skipped. Pooling the crews of K over [h, T − q] gives a T no larger (and a bound
    itself); pooling them over [A, T − E] (A, E: the largest, over the skills of K, least
    head and least tail of their selected tasks; every crew window holds it), less the
    pieces of shifts that end too soon after A to hold a task, gives a T no smaller. The
    exact T is worked out only when that larger one could raise a bound found so far.
    """
    ops = [o for o in ops if o.skill is not None and o.work > 0]
    best = 0
    todo = []
    found: list[tuple[int, int]] = []  # (q, pooled bound) of each (K, h, q)
    for k, groups, duty in st.subsets(frozenset(o.skill for o in ops if o.skill is not None)):
        if split is not None and (split[0] in k) != split[1]:
            continue
        # By decreasing tail, so that each q adds tasks to those of the larger ones.
        kops = sorted(
            ((o.tail, o.release, o.skill, o.unit, o.work) for o in ops if o.skill and o.skill in k),
            reverse=True,
        )
        for h in sorted({o[1] for o in kops}):
            per: dict[str, list[int]] = {}  # skill -> [least head, least tail, unit]
            work = 0
            head = NEVER
            hops = [o for o in kops if o[1] >= h]
            for i, (tl, r, sk, u, wk) in enumerate(hops):
                work += wk
                head = min(head, r)
                p = per.get(sk)
                if p is None:
                    per[sk] = [r, tl, u]
                else:
                    p[0], p[1], p[2] = min(p[0], r), tl, min(p[2], u)
                # (h, q) with a larger least head or tail gives the same tasks, and more;
                # so does a selection lacking a skill of K (the same as without it).
                if i + 1 < len(hops) and hops[i + 1][0] == tl:
                    continue
                if len(per) < len(k) or head != h:
                    continue
                q = tl
                low = duty.reach(duty.integral(h) + work)
                if low is None:
                    return None
                best = max(best, low + q)
                found.append((q, low + q))
                high = None
                top = [max(p[j] for p in per.values()) for j in range(3)]
                if top[2] <= duty.shortest:
                    high = duty.reach(duty.integral(top[0]) + work + duty.cut(top[0], top[2]))
                todo.append((NEVER if high is None else high + top[1], work, _copy(per), groups, q))
    todo.sort(key=lambda x: -x[0])
    cur = [max((t for q, t in found if q >= x), default=0) for x in tails]
    for high, work, per, groups, q in todo:
        if high <= min([best, *(c for x, c in zip(tails, cur, strict=True) if q >= x)]):
            if high <= min([best, *cur]):
                break
            continue
        events = []
        for gskills, shifts, cnt in groups:
            mine = [per[s] for s in gskills if s in per]
            a = min(p[0] for p in mine)
            e = min(p[1] for p in mine)
            u = min(p[2] for p in mine)
            for s0, s1 in shifts:
                lo = max(s0, a)
                if s1 - lo >= u:
                    events.append((lo + e, cnt))
                    events.append((s1 + e, -cnt))
        t = Profile(events).reach(work)
        if t is None:
            return None
        best = max(best, t)
        cur = [max(c, t) if q >= x else c for x, c in zip(tails, cur, strict=True)]
    return best, cur


def _copy(per: dict[str, list[int]]) -> dict[str, list[int]]:
    return {s: list(p) for s, p in per.items()}


def shunter_bound(shunters: int, ops: Sequence[Work]) -> int | None:
    """Energy bound of the shunting locomotives (identical machines); None: none exist."""
    mine = [o for o in ops if o.shunter and o.work > 0]
    if not mine:
        return 0
    if shunters == 0:
        return None
    best = 0
    for h in {o.release for o in mine}:
        for q in {o.tail for o in mine}:
            w = sum(o.work for o in mine if o.release >= h and o.tail >= q)
            if w:
                best = max(best, h + -(-w // shunters) + q)
    return best
