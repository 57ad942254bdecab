"""Lower bounds on the weighted dwell, from relaxations that need no search.

Each train is bounded alone, with the whole station to itself (other trains only take
crews, shunters and tracks away; the locomotives they could bring are counted at their
earliest), and Σ weight × (bound of each train) bounds the objective.

A train's departure is bounded, for each mode it may take, by the largest of the bounds
below; the least over its modes bounds its departure. In exchange mode every schedule has
one **configuration**: the track methods its blocks use (all ``individual``, all ``roll``,
or mixed, which needs two blocks or more), the number b of blocks and, when mixed, the
number S of carriages on roll tracks. The least over configurations of a bound valid for
each is a bound (:func:`_exchange_bound` searches them best first).

Every task gets a **head** (an earliest start: its chain of predecessors at their shortest,
each waiting until some crew with its skill is on duty long enough to do it whole) and a
**tail** (the shortest chain of successors from its end to the departure). In any
schedule every task starts at or after its head and the departure is at least its end
plus its tail. All durations, heads and tails are minima over the choices left inside a
configuration (which carriages form the blocks, which track, which method for a carriage
that fits both), so each bound below holds for every schedule of that configuration.

* **Critical path**: the longest chain, the attach waiting for the earliest locomotive of
  the outbound gauge; ``earliest_departure``; the border check.
* **Crews** (:func:`_crew_bounds`), energetic reasoning with a window per crew: for a set K
  of skills, a head h and a tail q, the tasks needing a skill in K whose head ≥ h and tail
  ≥ q lie in [h, departure − q] and only the crews having a skill in K can do them. A crew
  only does those that need one of its own skills, so it works on them only within
  [least head of those, departure − least tail of those], and only in pieces of its shifts
  long enough to hold the shortest of them whole (no task is interrupted or crosses a shift
  end). The departure is at least the least T at which those crews' time in their windows
  covers the work. Every K the crews connect is checked: these are the Hall conditions of
  assigning the work of each skill to crews having it (a K whose skills split into parts no
  crew bridges is the sum of its parts). The same bound over the predecessors of the
  couple, the attach and the brake test bounds when each can start; each must then also
  fit in a shift of a crew with its skill (:func:`_finish`).
* **Shunters** (:func:`_shunter_bound`): the same (h, q) energy with the shunting
  locomotives as identical machines: 2b shunts, the rolls and the changer pass.
* **Tracks** (:func:`_track_makespan`): a block occupies its track from its shunt_in start
  to its shunt_out end, at least 2 shunts plus the shortest way through its carriages
  (on an ``individual`` track ⌈s/J⌉ rounds of lift-swap-lower for s carriages and J jack
  sets; on a ``roll`` track one roll of all their bogies). All blocks lie between the
  first possible shunt_in start and the departure minus couple, attach and brake test, so
  the blocks of each track fit in a span L; the least L at which the tracks could hold
  every carriage (the heavy ones only on tracks that lift them; with a split S, S of them on
  roll tracks and the others on individual ones) bounds the departure. With a single track
  the b blocks follow each other and each lasts at least as long as its longest carriage
  (:func:`_one_track`).
* **Roll barrier** (:func:`_roll_barrier`): the largest roll block (at least ⌈n/b⌉
  carriages, or ⌈S/r⌉ with at most r roll blocks) rolls only once all its carriages are
  lifted, and lowers them only once rolled: both phases are crew bounds of their own.
* **Bogie work of a split**: with S carriages rolled, those that must be (too heavy for any
  individual track) and then those a roll saves most on; at least ⌈S / roll capacity⌉
  roll setups.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gaugeopt.gauge.crews import crew_groups
from gaugeopt.gauge.modes import possible_modes
from gaugeopt.model.instance import Durations, Instance, Track, Train, carriage_minutes

#: Stands for "no schedule" in the lazy search over configurations.
_NEVER = 1 << 60


@dataclass(frozen=True)
class _Op:
    """Tasks of a relaxed train that share a skill, a head and a tail."""

    skill: str | None
    unit: int  # shortest duration of one of the tasks
    work: int  # least total duration of the tasks
    shunter: bool  # each task takes a shunting locomotive
    release: int  # head: earliest start (absolute time)
    tail: int  # shortest time from the end of any of the tasks to the departure


class _Station:
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
                    out.append((k, groups, _Duty(groups)))
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


def loco_release_times(inst: Instance, gauge: int) -> list[int]:
    """When each locomotive of ``gauge`` can first be free, earliest first: a station
    locomotive from ``available_from``, an inbound one at its train's earliest detach end
    plus ``loco_turnaround``."""
    st = inst.station
    times = [lo.available_from for lo in st.locomotives if lo.gauge == gauge]
    for other in inst.trains:
        if other.inbound_loco is not None and other.inbound_loco.gauge == gauge:
            times.append(other.arrival + st.durations.detach + st.loco_turnaround)
    return sorted(times)


class _Profile:
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


class _Duty(_Profile):
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
        i = bisect.bisect_right(self.ends, (t, _NEVER))
        lost = 0
        while i < len(self.ends) and self.ends[i][0] < t + unit:
            lost += self.ends[i][1] * (self.ends[i][0] - t)
            i += 1
        return lost


def _crew_bound(st: _Station, ops: Sequence[_Op]) -> int | None:
    """Least departure the crews allow (module docstring, "Crews"); None: never."""
    out = _crew_bounds(st, ops, ())
    return None if out is None else out[0]


def _crew_bounds(
    st: _Station, ops: Sequence[_Op], tails: Sequence[int], bogie: bool | None = None
) -> tuple[int, list[int]] | None:
    """Least departure the crews allow (module docstring, "Crews"), and for each of
    ``tails`` the same over the tasks whose tail is at least that; None: never. With
    ``bogie`` True (False), only over the skill sets with (without) ``bogie``.

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
    for k, groups, duty in st.subsets(frozenset(o.skill for o in ops)):
        if bogie is not None and ("bogie" in k) != bogie:
            continue
        # By decreasing tail, so that each q adds tasks to those of the larger ones.
        kops = sorted(
            ((o.tail, o.release, o.skill, o.unit, o.work) for o in ops if o.skill in k),
            reverse=True,
        )
        for h in sorted({o[1] for o in kops}):
            per: dict[str, list[int]] = {}  # skill -> [least head, least tail, unit]
            work = 0
            head = _NEVER
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
                todo.append(
                    (_NEVER if high is None else high + top[1], work, _copy(per), groups, q)
                )
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
        t = _Profile(events).reach(work)
        if t is None:
            return None
        best = max(best, t)
        cur = [max(c, t) if q >= x else c for x, c in zip(tails, cur, strict=True)]
    return best, cur


def _copy(per: dict[str, list[int]]) -> dict[str, list[int]]:
    return {s: list(p) for s, p in per.items()}


def _shunter_bound(shunters: int, ops: Sequence[_Op]) -> int | None:
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


def _min_blocks(train: Train, tracks: Sequence[Track]) -> int | None:
    """Fewest consecutive blocks, each fitting some track by capacity and mass (greedy:
    a part of a block that fits fits too); None: some carriage fits no track."""
    cars = train.carriages
    i = b = 0
    while i < len(cars):
        size = 0
        heavy = 0.0
        for j in range(i, len(cars)):
            heavy = max(heavy, cars[j].mass_t)
            if not any(t.capacity > j - i and t.max_mass_t >= heavy for t in tracks):
                break
            size = j - i + 1
        if size == 0:
            return None
        i += size
        b += 1
    return b


@dataclass
class _Car:
    """One carriage in one configuration: shortest durations and its chain."""

    mass: float
    bogies: int
    steps: list[tuple[int, str]]  # disconnect, lift, bogie step, lower, reconnect
    works: list[int]  # the carriage's least own work in each step
    releases: list[int]  # head of each step
    hold: int  # lift + swap + lower (on an individual track)
    end: int  # earliest reconnect end
    swap: int  # its swap on an individual track
    share: int  # its bogies' part of a roll
    ways: frozenset[str]  # the methods of the tracks that lift it


def _cars(
    st: _Station, train: Train, cfg: str, tracks: Sequence[Track], shunted_in: int
) -> list[_Car] | None:
    """The carriages in configuration ``cfg``; None if one cannot be exchanged in it.

    The bogie step is a swap on an ``individual`` track or a roll (setup plus its bogies)
    on a ``roll`` track, the shorter of those the carriage fits by mass. A roll is one task
    for a whole block: in an all-roll configuration the rolls are counted per block
    elsewhere (own work 0 here); in a mixed one each carriage counts its own bogies and one
    setup is counted once (at least one block rolls).
    """
    d = st.inst.station.durations
    out = []
    for car in train.carriages:
        dis, lift, swap, lower, rec = carriage_minutes(d, car)
        roll = d.roll_setup + d.roll_per_bogie * car.bogies
        share = 0 if cfg == "roll" else d.roll_per_bogie * car.bogies
        ways = {t.method for t in tracks if t.max_mass_t >= car.mass_t}
        if not ways:
            return None
        length = min(swap if m == "individual" else roll for m in ways)
        own = min(swap if m == "individual" else share for m in ways)
        steps = [
            (dis, "coupling"),
            (lift, "lifting"),
            (length, "bogie"),
            (lower, "lifting"),
            (rec, "coupling"),
        ]
        releases = []
        t = shunted_in
        for dur, skill in steps:
            s = st.start(skill, t, dur)
            if s is None:
                return None
            releases.append(s)
            t = s + dur
        out.append(
            _Car(
                car.mass_t,
                car.bogies,
                steps,
                [dis, lift, own, lower, rec],
                releases,
                lift + swap + lower,
                t,
                swap,
                d.roll_per_bogie * car.bogies,
                frozenset(ways),
            )
        )
    return out


def _step_ops(cars: Sequence[_Car], after: int) -> list[_Op]:
    """One op per step over all carriages: least head, least tail (``after`` follows the
    reconnect), shortest task, total work."""
    ops = []
    for k in range(5):
        skill = cars[0].steps[k][1]
        work = sum(c.works[k] for c in cars)
        if work <= 0:
            continue
        ops.append(
            _Op(
                skill,
                min(c.works[k] for c in cars if c.works[k] > 0),
                work,
                False,
                min(c.releases[k] for c in cars),
                min(sum(x for x, _ in c.steps[k + 1 :]) for c in cars) + after,
            )
        )
    return ops


def _track_makespan(
    d: Durations,
    cars: Sequence[_Car],
    tracks: Sequence[Track],
    count: int | None = None,
    forced: Sequence[bool] = (),
) -> int | None:
    """Least span L within which the tracks could hold every carriage (module docstring,
    "Tracks"); None: they never can.

    A block of s carriages on a track occupies it at least 2 shunts + (individual: the
    disconnect before its first lift, ⌈s/J⌉ rounds of the shortest lift-swap-lower on J jack
    sets, the reconnect after its last lower; roll: disconnect and lift, a roll of at least
    s times the fewest bogies, lower and reconnect). For a given number of blocks on a
    track, the most carriages they can hold within L has a closed form. Heavy carriages
    only go on tracks that lift them: for each mass level, the carriages at least that heavy
    (with durations at least theirs) must fit on the tracks that lift them.

    With ``count``, only ``count`` of ``cars`` need a place (the others go elsewhere), and
    on the heavier levels only those ``forced`` here.
    """
    n = len(cars)
    levels = []
    limits = sorted({t.max_mass_t for t in tracks})
    below = -1.0
    for limit in limits:
        mine = [c for c in cars if c.mass > below]
        if count is None:
            need = len(mine)
        elif below < 0:
            need = count
        else:
            need = sum(1 for c, f in zip(cars, forced, strict=True) if f and c.mass > below)
        fit = [t for t in tracks if t.max_mass_t >= limit]
        below = limit
        if not mine or need == 0:
            continue
        dis = min(c.steps[0][0] for c in mine)
        rec = min(c.steps[4][0] for c in mine)
        dislift = min(c.steps[0][0] + c.steps[1][0] for c in mine)
        lowrec = min(c.steps[3][0] + c.steps[4][0] for c in mine)
        hold = min(c.hold for c in mine)
        bmin = min(c.bogies for c in mine)
        per_track = []
        for t in fit:
            if t.method == "individual":
                fixed = 2 * d.shunt + dis + rec
                per_track.append((t.capacity, fixed, hold, min(t.jack_sets, t.capacity)))
            else:
                fixed = 2 * d.shunt + dislift + d.roll_setup + lowrec
                per_track.append((t.capacity, fixed, d.roll_per_bogie * bmin, 0))
        levels.append((need, per_track))

    def most(cap: int, fixed: int, each: int, jacks: int, span: int) -> int:
        """Most carriages j blocks can hold on one track within ``span``, best j."""
        best = 0
        for j in range(1, (n if fixed == 0 else min(n, span // fixed)) + 1):
            rest = span - j * fixed
            if each == 0:
                s = j * cap
            elif jacks == 0:  # roll: each carriage adds its bogies to the roll
                s = min(j * cap, rest // each)
            else:  # individual: rounds of lift-swap-lower on the jack sets
                rounds = rest // each
                per_block = -(-cap // jacks)
                full = j * (per_block - 1)
                last = cap - (per_block - 1) * jacks
                if rounds < j:
                    s = 0
                elif rounds <= full:
                    s = rounds * jacks
                else:
                    s = full * jacks + min(rounds - full, j) * last
            if s < j:
                break
            best = max(best, s)
            if best >= n:
                break
        return best

    def fits(span: int) -> bool:
        return all(sum(most(*p, span) for p in per_track) >= need for need, per_track in levels)

    hi = 1
    while not fits(hi):
        hi *= 2
        if hi > 1 << 40:
            return None
    lo = hi // 2
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _one_track(d: Durations, cars: Sequence[_Car], track: Track, b: int) -> int:
    """Least span of b blocks one after another on a single track: 2b shunts plus each
    block's longest carriage. Sorting the carriages' own times p₁ >= p₂ >= ..., the i-th
    longest block maximum is at least p_{(i-1)·cap+1} (the i-1 longer blocks hold at most
    (i-1)·cap carriages) and at least p_{n-b+i} (the maxima are b distinct carriages)."""
    if track.method == "individual":
        own = [sum(x for x, _ in c.steps) for c in cars]
    else:
        own = [
            c.steps[0][0]
            + c.steps[1][0]
            + c.steps[3][0]
            + c.steps[4][0]
            + d.roll_setup
            + d.roll_per_bogie * c.bogies
            for c in cars
        ]
    own.sort(reverse=True)
    n = len(own)
    total = 2 * b * d.shunt
    for i in range(b):
        first = own[i * track.capacity] if i * track.capacity < n else 0
        total += max(first, own[n - b + i])
    return total


def _roll_barrier(st: _Station, cars: Sequence[_Car], size: int, shunted_in: int) -> int | None:
    """Earliest end of the reconnects of a roll block of ``size`` carriages: every lift of
    the block before its roll, every lower after it (module docstring, "Roll barrier").
    Each phase is a crew bound over the ``size`` smallest durations of each step."""
    d = st.inst.station.durations

    def least(k: int) -> tuple[int, int, int]:
        durs = sorted(c.steps[k][0] for c in cars)[:size]
        return durs[0], sum(durs), min(c.releases[k] for c in cars)

    dis, lift = least(0), least(1)
    ops = [
        _Op("coupling", dis[0], dis[1], False, dis[2], lift[0]),
        _Op("lifting", lift[0], lift[1], False, lift[2], 0),
    ]
    lifted = _crew_bound(st, ops)
    if lifted is None:
        return None
    lifted = max(lifted, min(c.releases[1] + c.steps[1][0] for c in cars))
    bogies = sum(sorted(c.bogies for c in cars)[:size])
    rolled = st.chain(lifted, [(d.roll_setup + d.roll_per_bogie * bogies, "bogie")])
    low = sorted(c.steps[3][0] for c in cars)[:size]
    rec = sorted(c.steps[4][0] for c in cars)[:size]
    lowered = st.start("lifting", rolled, low[0]) if rolled is not None else None
    if lowered is None:
        return None
    reconnected = st.start("coupling", lowered + low[0], rec[0])
    if reconnected is None:
        return None
    ops = [
        _Op("lifting", low[0], sum(low), False, lowered, rec[0]),
        _Op("coupling", rec[0], sum(rec), False, reconnected, 0),
    ]
    done = _crew_bound(st, ops)
    if done is None:
        return None
    return max(done, reconnected + rec[0])


class _Plan:
    """One track-method configuration of an exchange: all ``individual``, all ``roll``, or
    ``mixed``; in a mixed one a split S is the number of carriages on roll tracks."""

    def __init__(
        self,
        st: _Station,
        train: Train,
        cfg: str,
        cars: list[_Car],
        tracks: list[Track],
        b_min: int,
        span: int,
        detached: int,
        shunted_in: int,
        loco: int,
        base: int,
        border: _Op,
    ) -> None:
        d = st.inst.station.durations
        n = len(cars)
        self.st, self.cfg, self.cars, self.tracks, self.n = st, cfg, cars, tracks, n
        self.detached, self.shunted_in, self.loco = detached, shunted_in, loco
        self.first = shunted_in - d.shunt  # earliest start of any shunt_in
        self.tail_out = d.couple_per_carriage * n + d.attach + d.brake_test
        self.after = d.shunt + self.tail_out  # from a reconnect end to the departure
        self.chain = min(sum(x for x, _ in c.steps) for c in cars)
        self.lift_end = min(c.releases[1] + c.steps[1][0] for c in cars)
        self.roll_tail = min(c.steps[3][0] + c.steps[4][0] for c in cars) + self.after
        self.min_end = min(c.end for c in cars)
        self.b_min = max(b_min, 2) if cfg == "mixed" else b_min
        self.ok = True
        couple = d.couple_per_carriage * n
        ready = st.chain(max(c.end for c in cars), [(d.shunt, "shunting"), (couple, "coupling")])
        attach = st.start("coupling", max(ready, loco), d.attach) if ready is not None else None
        brake = st.start("brake", attach + d.attach, d.brake_test) if attach is not None else None
        if brake is None:
            self.ok = False
            return
        self.couple_at = ready - couple
        self.ops = [
            *_step_ops(cars, self.after),
            _Op(
                "coupling",
                d.detach,
                d.detach,
                False,
                detached - d.detach,
                2 * d.shunt + self.chain + self.tail_out,
            ),
            _Op("coupling", couple, couple, False, ready - couple, d.attach + d.brake_test),
            _Op("coupling", d.attach, d.attach, False, attach, d.brake_test),
            _Op("brake", d.brake_test, d.brake_test, False, brake, 0),
            border,
        ]
        self.fixed = max(base, brake + d.brake_test, self.first + span + self.tail_out)
        self.bogies = sorted(c.bogies for c in cars)
        self._barriers: dict[tuple[int, bool], int | None] = {}
        self.crews: list[tuple[int, int, int, int]] = []  # (b, own bogie work, rolls, bound)
        self._spans: dict[int, int | None] = {}
        self._no_bogie: dict[int, tuple[int, list[int]] | None] = {}
        if cfg == "mixed":
            self._mixed(d)

    def _mixed(self, d: Durations) -> None:
        """Splits: S from the carriages that only roll tracks lift (at least 1) to all those
        roll tracks lift (at most n − 1)."""
        cars = self.cars
        n = self.n
        self.rollers = [c for c in cars if "roll" in c.ways]
        self.swappers = [c for c in cars if "individual" in c.ways]
        roll_only = n - len(self.swappers)
        self.lo = max(1, roll_only)
        self.hi = min(n - 1, len(self.rollers))
        self.ok = self.lo <= self.hi
        if not self.ok:
            return
        self.roll_cap = max(t.capacity for t in self.tracks if t.method == "roll")
        self.swap_cap = max(t.capacity for t in self.tracks if t.method == "individual")
        # Bogie work with S carriages rolled: the forced ones, then those saving the most.
        both = sorted((c.swap - c.share for c in cars if len(c.ways) == 2), reverse=True)
        saved = list(itertools.accumulate(both, initial=0))
        total = sum(c.share if "individual" not in c.ways else c.swap for c in cars)
        self.own = {s: total - saved[s - roll_only] for s in range(self.lo, self.hi + 1)}
        self.roll_bogies = list(
            itertools.accumulate(sorted(c.bogies for c in self.rollers), initial=0)
        )
        # The bogie step, rebuilt so that a split only changes its work.
        self.ops = [o for o in self.ops if o.skill != "bogie"]
        units = [x for c in cars for x in (c.swap, c.share) if x > 0]
        self.bogie_unit = min(units, default=0)
        self.bogie_release = min(c.releases[2] for c in cars)
        self.bogie_tail = self.roll_tail
        self.own_any = sum(
            min(c.swap, c.share)
            if len(c.ways) == 2
            else (c.swap if "individual" in c.ways else c.share)
            for c in cars
        )

    # --- blocks -------------------------------------------------------------------------
    def counts(self, s: int) -> tuple[int, int]:
        """(fewest roll blocks, fewest individual blocks) with s carriages rolled."""
        return -(-s // self.roll_cap), -(-(self.n - s) // self.swap_cap)

    def splits(self, b: int) -> list[int]:
        """The splits S that b blocks allow."""
        return [s for s in range(self.lo, self.hi + 1) if sum(self.counts(s)) <= b]

    def _barrier(self, size: int, rollers: bool) -> int | None:
        """Earliest departure after a roll block of ``size`` carriages (the roll barrier)."""
        key = (size, rollers)
        if key not in self._barriers:
            st = self.st
            d = st.inst.station.durations
            end = _roll_barrier(st, self.rollers if rollers else self.cars, size, self.shunted_in)
            end = st.chain(
                end, [(d.shunt, "shunting"), (d.couple_per_carriage * self.n, "coupling")]
            )
            att = st.start("coupling", max(end, self.loco), d.attach) if end is not None else None
            self._barriers[key] = st.chain(att, [(d.attach, None), (d.brake_test, "brake")])
        return self._barriers[key]

    def span(self, s: int) -> int | None:
        """Tracks bound of split s: roll tracks hold s carriages, individual ones the rest."""
        if s not in self._spans:
            d = self.st.inst.station.durations
            rolls = [t for t in self.tracks if t.method == "roll"]
            swaps = [t for t in self.tracks if t.method == "individual"]
            a = _track_makespan(
                d, self.rollers, rolls, s, [c.ways == {"roll"} for c in self.rollers]
            )
            z = _track_makespan(
                d,
                self.swappers,
                swaps,
                self.n - s,
                [c.ways == {"individual"} for c in self.swappers],
            )
            self._spans[s] = (
                None if a is None or z is None else self.first + max(a, z) + self.tail_out
            )
        return self._spans[s]

    # --- operations ---------------------------------------------------------------------
    def work(self, s: int | None) -> tuple[int, int]:
        """(the carriages' own bogie work, fewest roll blocks) of split s (None: any)."""
        if s is None:
            return (self.own_any if self.cfg == "mixed" else 0, 1)
        return self.own[s], self.counts(s)[0]

    def tasks(self, b: int, s: int | None) -> list[_Op]:
        """Every task of configuration (b, s), least work."""
        d = self.st.inst.station.durations
        shunts = [
            _Op("shunting", d.shunt, b * d.shunt, True, self.first, self.chain + self.after),
            _Op("shunting", d.shunt, b * d.shunt, True, self.min_end, self.tail_out),
        ]
        if self.cfg == "roll":
            roll = d.roll_setup + d.roll_per_bogie * self.bogies[0]
            work = b * d.roll_setup + d.roll_per_bogie * sum(self.bogies)
            return [
                *self.ops,
                *shunts,
                _Op("bogie", roll, work, True, self.lift_end, self.roll_tail),
            ]
        if self.cfg == "individual":
            return [*self.ops, *shunts]
        own, rolls = self.work(s)
        extra = [_Op("bogie", self.bogie_unit, own, False, self.bogie_release, self.bogie_tail)]
        bogies = self.roll_bogies[s] if s is not None else self.roll_bogies[1]
        extra += [
            _Op("bogie", d.roll_setup, rolls * d.roll_setup, True, self.lift_end, self.roll_tail),
            _Op(None, 0, d.roll_per_bogie * bogies, True, self.lift_end, self.roll_tail),
        ]
        return [*self.ops, *shunts, *extra]

    # --- bounds -------------------------------------------------------------------------
    def family(self, b: int) -> int | None:
        """A bound valid for every b' >= b (and every split): shunts, rolls and the single
        track only grow with b, and a roll block holds at least one carriage."""
        value = self.fixed
        if len(self.tracks) == 1:
            value = max(
                value,
                self.first
                + _one_track(self.st.inst.station.durations, self.cars, self.tracks[0], b)
                + self.tail_out,
            )
        if self.cfg != "individual":
            barrier = self._barrier(1, self.cfg == "mixed")
            if barrier is None:
                return None
            value = max(value, barrier)
        sh = _shunter_bound(len(self.st.inst.station.shunters), self.tasks(b, None))
        return None if sh is None else max(value, sh)

    def cheap(self, b: int, s: int | None) -> int | None:
        """Every bound but the crews' and (for a split) the tracks' of configuration (b, s):
        the family's, the roll barrier of the largest roll block, the shunters with the
        split's rolls."""
        value = self.family(b)
        if value is None:
            return None
        if self.cfg == "roll":
            size = -(-self.n // b)
        elif s is not None:
            singles = self.counts(s)[1]
            size = -(-s // min(s, b - singles))
        else:
            return value
        barrier = self._barrier(size, self.cfg == "mixed")
        if barrier is None:
            return None
        value = max(value, barrier)
        if s is not None:
            sh = _shunter_bound(len(self.st.inst.station.shunters), self.tasks(b, s))
            if sh is None:
                return None
            value = max(value, sh)
        return value

    def floor(self, b: int, s: int | None) -> int:
        """Largest crew bound already known of a configuration with no more work."""
        own, rolls = self.work(s)
        return max(
            (v for bb, o, r, v in self.crews if bb <= b and o <= own and r <= rolls), default=0
        )

    def crew(self, b: int, s: int | None) -> int | None:
        """Crew bound of configuration (b, s), the final steps included (None: never)."""
        d = self.st.inst.station.durations
        steps = [
            (d.couple_per_carriage * self.n, "coupling", 0),
            (d.attach, "coupling", self.loco),
            (d.brake_test, "brake", 0),
        ]
        tasks, tails = self.tasks(b, s), _tails(steps)
        if self.cfg == "mixed":
            # A split changes only the bogie tasks: the skill sets without bogie give
            # what they gave for any split with b blocks.
            if b not in self._no_bogie:
                self._no_bogie[b] = _crew_bounds(self.st, tasks, tails, bogie=False)
            rest = self._no_bogie[b]
            part = _crew_bounds(self.st, tasks, tails, bogie=True)
            out = None
            if rest is not None and part is not None:
                out = (
                    max(rest[0], part[0]),
                    [max(x, y) for x, y in zip(rest[1], part[1], strict=True)],
                )
        else:
            out = _crew_bounds(self.st, tasks, tails)
        end = None if out is None else _finish(self.st, steps, out[1], self.couple_at)
        value = None if end is None else max(out[0], end)
        own, rolls = self.work(s)
        self.crews.append((b, own, rolls, _NEVER if value is None else value))
        return value


def _tails(steps: Sequence[tuple[int, str, int]]) -> list[int]:
    """The tail of each final step's start: its duration and those after it."""
    return [sum(x for x, _, _ in steps[i:]) for i in range(len(steps))]


def _finish(
    st: _Station, steps: Sequence[tuple[int, str, int]], pre: Sequence[int], ready: int
) -> int | None:
    """Departure after the final steps (couple, attach, brake test; or attach, brake test)
    given as (duration, skill, not before), each starting no earlier than the crew bound
    of its predecessors allows and inside a shift of a crew with its skill (None: never).

    ``pre[i]``: the crew bound over the tasks whose tail is at least step i's tail; every
    such task precedes step i (all but the border check and the steps after i), and its
    tail is its least time to step i's start plus that tail, so step i starts at or after
    ``pre[i]`` − tail."""
    t = ready
    for (dur, skill, wait), tail, bound in zip(steps, _tails(steps), pre, strict=True):
        start = st.start(skill, max(t, wait, bound - tail if tail > 0 else 0), dur)
        if start is None:
            return None
        t = start + dur
    return t


_DONE, _CREW, _SPAN, _SPLIT, _FAMILY = range(5)


def _exchange_bound(
    st: _Station, train: Train, detached: int, loco: int, base: int, border: _Op
) -> int | None:
    """Least over configurations (method, b, split) of the largest bound of each.

    A best-first search over sets of configurations, each with a bound valid for all its
    members: (method, every b' >= b) splits into b and b+1...; a mixed b into its splits;
    the costlier bounds (tracks of a split, crews) are computed only when a configuration
    is the least so far, and the crew bound of one configuration bounds those with more
    work (more blocks, more bogie work, more rolls; same heads and tails). The first
    configuration popped with every bound computed has the least bound of all.
    """
    stn = st.inst.station
    d = stn.durations
    n = len(train.carriages)
    shunted_in = st.chain(detached, [(d.shunt, "shunting")])
    if shunted_in is None:
        return None
    methods = sorted({t.method for t in stn.tracks})
    heap: list[tuple[int, int, int, tuple[_Plan, int, int | None]]] = []
    seq = itertools.count()

    def push(value: int | None, stage: int, plan: _Plan, b: int, s: int | None) -> None:
        if value is not None and value < _NEVER:
            heapq.heappush(heap, (value, stage, next(seq), (plan, b, s)))

    for cfg in [*methods, "mixed"] if len(methods) == 2 else methods:
        tracks = stn.tracks if cfg == "mixed" else [t for t in stn.tracks if t.method == cfg]
        b_min = _min_blocks(train, tracks)
        cars = _cars(st, train, cfg, tracks, shunted_in)
        if b_min is None or cars is None:
            continue
        span = _track_makespan(d, cars, tracks)
        if span is None:
            continue
        plan = _Plan(
            st, train, cfg, cars, tracks, b_min, span, detached, shunted_in, loco, base, border
        )
        if plan.ok and plan.b_min <= n:
            push(plan.family(plan.b_min), _FAMILY, plan, plan.b_min, None)
    while heap:
        value, stage, _, (plan, b, s) = heapq.heappop(heap)
        if stage == _DONE:
            return value
        if stage == _FAMILY:
            if b < n:
                push(plan.family(b + 1), _FAMILY, plan, b + 1, None)
            cheap = plan.cheap(b, None)
            if cheap is not None:
                push(max(value, cheap), _CREW, plan, b, None)
        elif stage == _SPLIT:
            for split in plan.splits(b):
                cheap = plan.cheap(b, split)
                if cheap is not None:
                    push(max(value, cheap), _SPAN, plan, b, split)
        elif stage == _SPAN:
            span = plan.span(s)
            if span is not None:
                push(max(value, span), _CREW, plan, b, s)
        else:
            floor = plan.floor(b, s)
            if floor > value:
                push(floor, _CREW, plan, b, s)
                continue
            crew = plan.crew(b, s)
            if crew is not None:
                nxt = _SPLIT if plan.cfg == "mixed" and s is None else _DONE
                push(max(value, crew), nxt, plan, b, s)
    return None


def _other_bound(
    st: _Station, train: Train, mode: str, detached: int, loco: int, base: int, border: _Op
) -> int | None:
    """Departure bound in ``through`` or ``changer`` mode."""
    d = st.inst.station.durations
    n = len(train.carriages)
    ops = [border]
    if mode == "through":
        ready = detached
        tail_detach = d.attach + d.brake_test
    else:
        cp = d.changer_setup + d.changer_per_carriage * n
        ready = st.chain(detached, [(cp, "shunting")])
        if ready is None:
            return None
        tail_detach = cp + d.attach + d.brake_test
        ops.append(_Op("shunting", cp, cp, True, ready - cp, d.attach + d.brake_test))
    attach = st.start("coupling", max(ready, loco), d.attach)
    brake = st.start("brake", attach + d.attach, d.brake_test) if attach is not None else None
    if brake is None:
        return None
    ops += [
        _Op("coupling", d.detach, d.detach, False, detached - d.detach, tail_detach),
        _Op("coupling", d.attach, d.attach, False, attach, d.brake_test),
        _Op("brake", d.brake_test, d.brake_test, False, brake, 0),
    ]
    sh = _shunter_bound(len(st.inst.station.shunters), ops)
    steps = [(d.attach, "coupling", loco), (d.brake_test, "brake", 0)]
    crews = _crew_bounds(st, ops, _tails(steps))
    end = None if crews is None else _finish(st, steps, crews[1], ready)
    if sh is None or end is None:
        return None
    return max(base, brake + d.brake_test, sh, crews[0], end)


def _departure_bound(st: _Station, train: Train, mode: str) -> int | None:
    """Earliest departure of ``train`` alone in ``mode`` (None: impossible)."""
    d = st.inst.station.durations
    border = train.border_check if train.border_check is not None else d.border_check
    checked = st.start("customs", train.arrival, border)
    detached = st.chain(train.arrival, [(d.detach, "coupling")])
    loco = min(loco_release_times(st.inst, train.to_gauge), default=None)
    if checked is None or detached is None or loco is None:
        return None
    base = max(checked + border, train.earliest_departure or 0)
    border_op = _Op("customs", border, border, False, checked, 0)
    if mode == "exchange":
        return _exchange_bound(st, train, detached, loco, base, border_op)
    return _other_bound(st, train, mode, detached, loco, base, border_op)


def train_dwell_bounds(inst: Instance) -> list[int | None]:
    """A lower bound on each train's dwell (None: the train cannot leave at all)."""
    st = _Station(inst)
    out: list[int | None] = []
    for train in inst.trains:
        deps = [_departure_bound(st, train, m) for m in possible_modes(inst, train)]
        deps = [x for x in deps if x is not None]
        out.append(min(deps) - train.arrival if deps else None)
    return out


def lower_bound(inst: Instance, *, own: list[int | None] | None = None) -> int | None:
    """The larger of Σ weight × (dwell bound of each train alone) and the bound of
    :func:`gaugeopt.gauge.station_bound.station_bound`, where the trains share the
    station (None if some train can never leave). ``own``: :func:`train_dwell_bounds`,
    if the caller has it."""
    from gaugeopt.gauge.station_bound import station_bound  # it imports this module

    bounds = train_dwell_bounds(inst) if own is None else own
    if any(b is None for b in bounds):
        return None
    alone = sum(t.weight * b for t, b in zip(inst.trains, bounds, strict=True))
    shared = station_bound(inst, own=bounds)
    return alone if shared is None else max(alone, shared)
