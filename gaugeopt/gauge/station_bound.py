"""A lower bound on the weighted dwell that sees trains queue for shared resources.

The per-train bound (:func:`gaugeopt.gauge.bounds.train_dwell_bounds`) gives every train
the whole station. Here the trains share it. A linear programme lets each train j leave
no earlier than its own bound, and no earlier than its work on each shared resource
allows when the work of all trains competes for that resource; it minimises Σ w_j D_j
(D_j = departure). Every schedule of the instance gives a feasible point of the LP (shown
below, step by step), so the LP optimum is at most the optimum of the instance.

**Resources.**

* *Fluid* resources, with a capacity profile K(t) (at most K(t) units busy at t): a group
  of tracks (all tracks; and for each mass limit m above the lowest, the tracks lifting at
  least m, which alone can take a carriage heavier than the next lower limit), K = number
  of tracks (a track holds one block at a time); the shunters and the changer, K = their
  number; each crew pool of :func:`gaugeopt.gauge.crews.crew_pools` (``every=True``):
  every task whose skill is in the pool takes one of its crews, each crew one task at a
  time and only on duty, so K(t) = :meth:`CrewPool.level` (beyond the horizon, where no
  schedule works, its largest level: any value there keeps the bound valid).
* *Supplies* of units: the locomotives of each gauge (each hauls one train and is free
  from ``available_from``, or from its train's arrival + detach + loco_turnaround) and the
  bogies of each (gauge, type) whose total demand exceeds the stock (stock at time 0, the
  bogies of each carriage of an opposite train returning no earlier than its arrival +
  detach + shunt + disconnect + lift + shortest swap or roll + bogie_turnaround).

**What a train needs.** All quantities are minima (maxima for u_j) over every mode the
train may take (:func:`possible_modes`), every cut into blocks and every track a block may
go to, and ignore every other resource, so they hold in every schedule:

* on a fluid resource, a *job* is a set of the train's tasks on it; ``a`` its least
  total duration; ``r`` no later than its first task starts (arrival + the shortest chain
  of operations before any of them); ``q`` no longer than from the end of any of its
  tasks to departure (shortest chain after it); ``p`` no longer than its shortest task;
  ``u`` at least the units it can hold at once. A train has one job per resource, or two
  when every mode has carriage work on it (carriage and block tasks; train tasks: detach,
  border_check, couple, attach, brake_test), which gives the carriage work its much
  longer tail. A train with a mode using none of the resource is left out.
* Per-block work (shunts, rolls, swaps) is the least over the cuts by a dynamic programme,
  each block on its best track. On tracks, a block counts the least time it holds its
  track, from shunt_in start to shunt_out end: two shunts plus the longest carriage chain;
  on an ``individual`` track at least min disconnect + ceil(Σ(lift+swap+lower) /
  jack_sets) + min reconnect between them (the first lift starts after a disconnect, the
  last lower ends before a reconnect, at most ``jack_sets`` carriages hold jacks at once);
  on a ``roll`` track max(disconnect+lift) + roll + max(lower+reconnect) (every lift ends
  before the roll, every lower starts after it).
* On a supply, train j takes ``a`` units (one locomotive at its attach start; its
  bogies of the type at its swap or roll starts), none before ``r``, and leaves at least
  ``q`` after its last take.

**The inequalities.** Take any schedule. For a fluid job, let u(t) be the units its tasks
hold at t, keep its earliest ``a`` unit-minutes (it does at least that much), and let X be
their mean time (Goemans' *mean busy time*), C the end of its last task.

1. X ≤ C − max(a/(2u), p/2): at most u units at a time, ending by C, the mean is largest
   with the work packed right before C; and each task, p long or more, has its mean at
   least p/2 before its end (the kept part is the earliest, so its mean is no later).
   With D ≥ C + q: **D ≥ X + max(a/(2u), p/2) + q**.
2. For every set S of jobs of the resource, **Σ_S a X ≥ f(S)**, where f(S) = ∫ t ρ(t) dt
   when the work of S is done as early as the releases and K(t) allow (fluid, any split):
   Σ_S a X = ∫ t (units held by S at t) dt, and moving work earlier only lowers it.
   f is computed by filling the idle capacity from each release (:class:`_Idle`): the
   work done by any time is then as large as possible, whatever the order.
3. For a supply, X = the job's last take, D ≥ X + q. Let σ_1 ≤ σ_2 ≤ … be when the units
   become available. When the u-th unit taken by S (in time order) is taken, u units
   have left, so u units were available: its time is ≥ σ_u; and u units of S were
   released by then: ≥ e_(u), the u-th smallest release. Hence **Σ_S a X ≥ Σ_u max(σ_u,
   e_(u))** (:class:`_Supply`).
4. **D_j ≥ arrival_j + (per-train bound of j)**, X ≥ r, and every time of a schedule is at
   most the horizon.

**Solving.** GLOP solves the LP; inequalities 2 and 3 are added by separation: for up to
12 release thresholds ρ, the prefixes, in the order of the current X, of the jobs released
at ρ or later (a heuristic: every set added is valid, a set missed only weakens the
bound). At most 40 rounds (the benchmark days need about 20, under half a second).

**Exact arithmetic of the result.** The LP is solved in floating point, so its value is
not trusted. For the rows A x ≥ b, the box lo ≤ x ≤ hi (hi = horizon) and GLOP's duals y
clipped to ≥ 0, ``y·b + Σ_k min(rc_k lo_k, rc_k hi_k)`` with rc = c − Aᵀy is at most
the LP optimum for *any* y ≥ 0, however inexact. The bound is that value, minus
Σ w_j arrival_j, rounded up after a margin of 1e-6 relative for the rounding of the sums.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from gaugeopt.gauge.bounds import loco_release_times, train_dwell_bounds
from gaugeopt.gauge.crews import crew_pools
from gaugeopt.gauge.modes import possible_modes
from gaugeopt.model.instance import Instance, Track, Train, carriage_minutes

INF = float("inf")
#: Rounds of cutting planes at most, and a safety net in seconds. The bound is valid
#: whenever it stops; on the benchmark days it converges well within both, so it is the
#: same from run to run.
MAX_ROUNDS = 40
TIME_LIMIT = 3.0
#: A set is added when violated by more than this (minutes, per unit of work).
VIOLATION = 1e-3
#: Release thresholds tried per resource and round of separation.
THRESHOLDS = 12


# --------------------------------------------------------------------------- resources


@dataclass
class _Job:
    """What a train needs of one resource (module docstring: a, r, and the gap of D − X)."""

    train: int
    amount: int  # a: least work (fluid) or units taken (supply)
    release: int  # r, absolute
    gap: float  # D_train >= X + gap


@dataclass
class _Resource:
    """A fluid resource (capacity profile) or a supply of units."""

    name: str
    segments: list[tuple[float, float, int]] | None = None  # (start, end, capacity)
    supply: list[tuple[float, int]] | None = None  # (time, count)
    jobs: list[_Job] = field(default_factory=list)

    def bound(self, members: Iterable[int]) -> float:
        """f(S): a lower bound on Σ a X over the jobs ``members``."""
        jobs = [(self.jobs[i].release, self.jobs[i].amount) for i in members]
        if self.segments is not None:
            idle = _Idle(self.segments)
            return sum(idle.fill(r, a) for r, a in jobs)
        return _Supply(self.supply or []).matched(sorted(jobs))


class _Idle:
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


class _Supply:
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


# --------------------------------------------------------------------------- train work


@dataclass(frozen=True)
class _Block:
    """Consecutive carriages [s, e) of a train."""

    size: int
    mass: float  # of the heaviest
    bogies: int
    swap: int  # Σ swap
    jacks: int  # Σ (lift + swap + lower)
    before_roll: int  # max (disconnect + lift)
    after_roll: int  # max (lower + reconnect)
    chain: int  # max (disconnect + lift + swap + lower + reconnect)
    min_disc: int
    min_rec: int


class _Train:
    """Shortest durations and the possible blocks of one train in exchange mode."""

    def __init__(self, inst: Instance, train: Train) -> None:
        st = inst.station
        d = st.durations
        cs = train.carriages
        self.inst = inst
        self.n = len(cs)
        own = [carriage_minutes(d, c) for c in cs]
        self.disc = [m.disconnect for m in own]
        self.lift = [m.lift for m in own]
        self.swap = [m.swap for m in own]
        self.lower = [m.lower for m in own]
        self.rec = [m.reconnect for m in own]
        self.mass = [c.mass_t for c in cs]
        # shortest swap or roll of each carriage on the tracks that can lift it (a roll
        # lasts at least its setup plus this carriage's bogies)
        self.bogie_op = []
        for k, c in enumerate(cs):
            methods = {t.method for t in st.tracks if c.mass_t <= t.max_mass_t}
            options = [
                self.swap[k] if m == "individual" else d.roll_setup + d.roll_per_bogie * c.bogies
                for m in methods
            ]
            self.bogie_op.append(min(options, default=0))
        self.chain = [
            self.disc[k] + self.lift[k] + self.bogie_op[k] + self.lower[k] + self.rec[k]
            for k in range(self.n)
        ]
        longest = max((t.capacity for t in st.tracks), default=0)
        self.blocks: dict[tuple[int, int], _Block] = {}
        for s in range(self.n):
            mass, bog, swap, jacks, br, ar, ch, md, mr = 0.0, 0, 0, 0, 0, 0, 0, 10**9, 10**9
            for e in range(s + 1, min(self.n, s + longest) + 1):
                c = e - 1
                mass = max(mass, self.mass[c])
                bog += cs[c].bogies
                swap += self.swap[c]
                jacks += self.lift[c] + self.swap[c] + self.lower[c]
                br = max(br, self.disc[c] + self.lift[c])
                ar = max(ar, self.lower[c] + self.rec[c])
                ch = max(
                    ch, self.disc[c] + self.lift[c] + self.swap[c] + self.lower[c] + self.rec[c]
                )
                md = min(md, self.disc[c])
                mr = min(mr, self.rec[c])
                self.blocks[s, e] = _Block(e - s, mass, bog, swap, jacks, br, ar, ch, md, mr)
        self._work: dict[tuple[bool, bool, bool], float] = {}

    def partition(self, cost: Callable[[_Block], float]) -> float:
        """Least Σ cost over the cuts into consecutive blocks (INF: a block not allowed)."""
        best = [0.0] + [INF] * self.n
        for e in range(1, self.n + 1):
            for s in range(e - 1, -1, -1):
                b = self.blocks.get((s, e))
                if b is None:
                    break
                c = best[s] + cost(b)
                if c < best[e]:
                    best[e] = c
        return best[self.n]

    def block_work(self, shunt: bool, roll: bool, swap: bool) -> float:
        """Least work of the blocks in their shunts, rolls and swaps (those flagged)."""
        key = (shunt, roll, swap)
        if key not in self._work:
            self._work[key] = self.partition(lambda b: _block_work(self.inst, b, *key))
        return self._work[key]


def _fits(b: _Block, track: Track) -> bool:
    return b.size <= track.capacity and b.mass <= track.max_mass_t


def _occupancy(inst: Instance, b: _Block, track: Track) -> float:
    """Least time block ``b`` holds ``track``, shunt_in start to shunt_out end (module
    docstring)."""
    if not _fits(b, track):
        return INF
    d = inst.station.durations
    if track.method == "roll":
        roll = d.roll_setup + d.roll_per_bogie * b.bogies
        return 2 * d.shunt + b.before_roll + roll + b.after_roll
    jacks = b.min_disc + -(-b.jacks // track.jack_sets) + b.min_rec
    return 2 * d.shunt + max(b.chain, jacks)


def _block_work(inst: Instance, b: _Block, shunt: bool, roll: bool, swap: bool) -> float:
    """Least work of block ``b`` in its shunts, roll and swaps (those flagged)."""
    d = inst.station.durations
    best = INF
    for t in inst.station.tracks:
        if _fits(b, t):
            c = 2 * d.shunt if shunt else 0
            if t.method == "roll" and roll:
                c += d.roll_setup + d.roll_per_bogie * b.bogies
            if t.method == "individual" and swap:
                c += b.swap
            best = min(best, c)
    return best


@dataclass(frozen=True)
class _Op:
    """Tasks of one kind of a train: the skill, shunter and changer they take, whether
    they are carriage or block work, their total duration, earliest start (from
    arrival), least tail to departure and shortest task."""

    skill: str
    shunter: bool
    changer: bool
    block: bool
    work: float
    head: float
    tail: float
    shortest: float


@dataclass(frozen=True)
class _Use:
    """A job of one train in one mode on one fluid resource (a, r − arrival, q, p)."""

    work: float
    head: float
    tail: float
    shortest: float


def _merge(uses: Iterable[_Use]) -> _Use:
    us = list(uses)
    return _Use(
        sum(u.work for u in us),
        min(u.head for u in us),
        min(u.tail for u in us),
        min(u.shortest for u in us),
    )


def _ops(inst: Instance, train: Train, tr: _Train | None, mode: str) -> list[_Op]:
    """The crew, shunter and changer tasks of ``train`` in ``mode``, by kind (block tasks
    — shunts, rolls, swaps — apart: their work depends on the cuts)."""
    d = inst.station.durations
    n = len(train.carriages)
    border = train.border_check if train.border_check is not None else d.border_check
    finish = d.attach + d.brake_test
    ops = [_Op("customs", False, False, False, border, 0, 0, border)]
    if mode == "through":
        ready = d.detach
        ops.append(_Op("coupling", False, False, False, d.detach, 0, finish, d.detach))
    elif mode == "changer":
        cp = d.changer_setup + d.changer_per_carriage * n
        ready = d.detach + cp
        ops.append(_Op("coupling", False, False, False, d.detach, 0, cp + finish, d.detach))
        ops.append(_Op("shunting", True, True, False, cp, d.detach, finish, cp))
    else:
        assert tr is not None
        couple = d.couple_per_carriage * n
        out = couple + finish  # from the last shunt_out end to departure
        head_in = d.detach + d.shunt  # earliest end of a shunt_in
        shortest = min(tr.chain)
        ready = head_in + shortest + d.shunt + couple
        after_disc = min(c - x for c, x in zip(tr.chain, tr.disc, strict=True))
        before_rec = min(c - x for c, x in zip(tr.chain, tr.rec, strict=True))
        ops += [
            _Op(
                "coupling", False, False, False, d.detach, 0, 2 * d.shunt + shortest + out, d.detach
            ),
            _Op(
                "coupling",
                False,
                False,
                True,
                sum(tr.disc),
                head_in,
                after_disc + d.shunt + out,
                min(tr.disc),
            ),
            _Op(
                "coupling",
                False,
                False,
                True,
                sum(tr.rec),
                head_in + before_rec,
                d.shunt + out,
                min(tr.rec),
            ),
            _Op(
                "lifting",
                False,
                False,
                True,
                sum(tr.lift) + sum(tr.lower),
                head_in + min(tr.disc),
                min(tr.rec) + d.shunt + out,
                min(*tr.lift, *tr.lower),
            ),
            _Op("coupling", False, False, False, couple, ready - couple, finish, couple),
        ]
    loco = min(loco_release_times(inst, train.to_gauge), default=0) - train.arrival
    attach = max(ready, loco)
    ops.append(_Op("coupling", False, False, False, d.attach, attach, d.brake_test, d.attach))
    ops.append(_Op("brake", False, False, False, d.brake_test, attach + d.attach, 0, d.brake_test))
    return ops


def _mode_uses(
    inst: Instance, train: Train, tr: _Train | None, mode: str, keys: Iterable[tuple]
) -> dict[tuple, dict[bool, _Use]]:
    """{resource key: {carriage/block work?: job}} of ``train`` in ``mode``."""
    st = inst.station
    d = st.durations
    ops = _ops(inst, train, tr, mode)
    uses: dict[tuple, dict[bool, _Use]] = {}
    for key in keys:
        if key[0] == "tracks":
            if mode != "exchange":
                continue
            assert tr is not None
            below, group = key[1], [st.tracks[i] for i in key[2]]
            if below > 0 and max(tr.mass) <= below:
                continue

            def cost(b: _Block, below=below, group=group) -> float:
                if below > 0 and b.mass <= below:  # may go to any track, not counted
                    return 0.0 if any(_fits(b, t) for t in st.tracks) else INF
                return min(_occupancy(inst, b, t) for t in group)

            work = tr.partition(cost)
            if 0 < work < INF:
                out = d.couple_per_carriage * tr.n + d.attach + d.brake_test
                span = 2 * d.shunt + min(tr.chain)
                uses[key] = {True: _Use(work, d.detach, out, span)}
            continue
        if key[0] == "changer":
            sel = [o for o in ops if o.changer]
            shunt = roll = swap = False
        elif key[0] == "shunters":
            sel = [o for o in ops if o.shunter]
            shunt, roll, swap = True, True, False
        else:
            sel = [o for o in ops if o.skill in key[1]]
            shunt = "shunting" in key[1]
            roll = swap = "bogie" in key[1]
        jobs: dict[bool, _Use] = {}
        for block in (False, True):
            mine = [o for o in sel if o.block == block and o.work > 0]
            work = sum(o.work for o in mine)
            heads = [o.head for o in mine]
            tails = [o.tail for o in mine]
            spans = [o.shortest for o in mine]
            if block and mode == "exchange" and (shunt or roll or swap):
                assert tr is not None
                work += tr.block_work(shunt, roll, swap)
                out = d.couple_per_carriage * tr.n + d.attach + d.brake_test
                if shunt and d.shunt > 0:
                    heads.append(d.detach)
                    tails.append(out)
                    spans.append(d.shunt)
                if roll or swap:
                    # after some carriage's disconnect and lift; before its lower,
                    # reconnect, the shunt_out and the rest
                    heads.append(
                        d.detach
                        + d.shunt
                        + min(a + b for a, b in zip(tr.disc, tr.lift, strict=True))
                    )
                    tails.append(
                        min(a + b for a, b in zip(tr.lower, tr.rec, strict=True)) + d.shunt + out
                    )
                    spans.append(0)
            if 0 < work < INF and heads:
                jobs[block] = _Use(work, min(heads), min(tails), min(spans))
        if jobs:
            uses[key] = jobs
    return uses


# --------------------------------------------------------------------------- resources


def _fluid(inst: Instance) -> dict[tuple, _Resource]:
    st = inst.station
    out: dict[tuple, _Resource] = {}
    masses = sorted({t.max_mass_t for t in st.tracks})
    for g, m in enumerate(masses):
        below = masses[g - 1] if g else 0.0
        group = tuple(i for i, t in enumerate(st.tracks) if t.max_mass_t >= m)
        out["tracks", below, group] = _Resource(
            f"tracks>{below:g}t", segments=[(0.0, INF, len(group))]
        )
    if st.shunters:
        out[("shunters",)] = _Resource("shunters", segments=[(0.0, INF, len(st.shunters))])
    if st.changer is not None:
        out[("changer",)] = _Resource("changer", segments=[(0.0, INF, 1)])
    for pool in crew_pools(inst, every=True):
        level = pool.level(inst.horizon)
        top = max((c for _, _, c in level), default=0)
        if top > 0:
            segs = [(float(a), float(b), c) for a, b, c in level]
            segs.append((float(inst.horizon), INF, top))
            out["pool", pool.skills] = _Resource("+".join(sorted(pool.skills)), segments=segs)
    return out


def _bogie_returns(inst: Instance, trs: list[_Train | None], key: tuple[int, str]) -> list:
    """Stock at 0 and the earliest return of the bogies of each carriage (gauge, type)."""
    st = inst.station
    d = st.durations
    out: list[tuple[float, int]] = [
        (0.0, b.count) for b in st.bogie_stock if (b.gauge, b.type) == key
    ]
    for t, tr in zip(inst.trains, trs, strict=True):
        if t.from_gauge != key[0] or tr is None:
            continue
        for k, c in enumerate(t.carriages):
            if c.bogie_type == key[1]:
                done = tr.disc[k] + tr.lift[k] + tr.bogie_op[k]
                at = t.arrival + d.detach + d.shunt + done + st.bogie_turnaround
                out.append((float(at), c.bogies))
    return out


def _resources(inst: Instance) -> list[_Resource]:
    """Every shared resource with the jobs of the trains on it."""
    st = inst.station
    d = st.durations
    modes = [possible_modes(inst, t) for t in inst.trains]
    trs = [
        _Train(inst, t) if "exchange" in m else None
        for t, m in zip(inst.trains, modes, strict=True)
    ]
    fluid = _fluid(inst)
    locos = {
        g: _Resource(f"locos {g}", supply=[(float(x), 1) for x in loco_release_times(inst, g)])
        for g in sorted({t.to_gauge for t in inst.trains})
    }
    bogies: dict[tuple[int, str], _Resource] = {}
    for j, train in enumerate(inst.trains):
        tr = trs[j]
        if not modes[j]:
            continue
        per_mode = [_mode_uses(inst, train, tr, m, fluid.keys()) for m in modes[j]]
        for key, r in fluid.items():
            if not all(key in u for u in per_mode):
                continue  # some mode does not use it
            if all(True in u[key] for u in per_mode):
                jobs = [[u[key][True] for u in per_mode]]
                if all(False in u[key] for u in per_mode):
                    jobs.append([u[key][False] for u in per_mode])
            else:
                jobs = [[_merge(u[key].values()) for u in per_mode]]
            width = max(c for _, _, c in r.segments or [])
            if key[0] == "tracks":
                width = min(width, len(train.carriages))
            for use in jobs:
                work = min(u.work for u in use)
                gap = max(work / (2 * width), min(u.shortest for u in use) / 2)
                r.jobs.append(
                    _Job(
                        j,
                        math.floor(work),
                        train.arrival + math.ceil(min(u.head for u in use)),
                        gap + min(u.tail for u in use),
                    )
                )
        # the locomotive, taken at attach start
        ready = []
        for m in modes[j]:
            if m == "through":
                ready.append(d.detach)
            elif m == "changer":
                ready.append(
                    d.detach + d.changer_setup + d.changer_per_carriage * len(train.carriages)
                )
            else:
                assert tr is not None
                ready.append(d.detach + 2 * d.shunt + min(tr.chain) + d.couple_per_carriage * tr.n)
        locos[train.to_gauge].jobs.append(
            _Job(j, 1, train.arrival + min(ready), float(d.attach + d.brake_test))
        )
        # bogies, taken at swap or roll start, by the trains that must exchange
        if modes[j] == ["exchange"]:
            assert tr is not None
            out = d.couple_per_carriage * tr.n + d.attach + d.brake_test
            for btype in sorted({c.bogie_type for c in train.carriages}):
                mine = [k for k, c in enumerate(train.carriages) if c.bogie_type == btype]
                key = (train.to_gauge, btype)
                if key not in bogies:
                    bogies[key] = _Resource(
                        f"bogies {key[0]}/{key[1]}", supply=_bogie_returns(inst, trs, key)
                    )
                head = min(tr.disc[k] + tr.lift[k] for k in mine)
                tail = min(tr.bogie_op[k] + tr.lower[k] + tr.rec[k] for k in mine)
                bogies[key].jobs.append(
                    _Job(
                        j,
                        sum(train.carriages[k].bogies for k in mine),
                        train.arrival + d.detach + d.shunt + head,
                        float(tail + d.shunt + out),
                    )
                )
    stock = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    out_ = [r for r in fluid.values() if len(r.jobs) >= 2]
    out_ += [r for r in locos.values() if r.jobs]
    out_ += [r for k, r in bogies.items() if sum(x.amount for x in r.jobs) > stock.get(k, 0)]
    return out_


# --------------------------------------------------------------------------- the LP


class _LP:
    """min c·x, rows A x >= b, x >= lo; keeps the rows for the Lagrangian bound."""

    def __init__(self, horizon: int) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.solver.Objective().SetMinimization()
        self.vars: list[tuple[pywraplp.Variable, float, float, float]] = []  # v, lo, hi, c
        self.rows: list[tuple[pywraplp.Constraint, list[tuple[int, float]], float]] = []
        self.horizon = float(horizon)

    def var(self, lo: float, cost: float) -> int:
        v = self.solver.NumVar(lo, INF, "")
        self.solver.Objective().SetCoefficient(v, cost)
        self.vars.append((v, lo, max(lo, self.horizon), cost))
        return len(self.vars) - 1

    def row(self, terms: list[tuple[int, float]], rhs: float) -> None:
        c = self.solver.Constraint(rhs, INF)
        for k, a in terms:
            c.SetCoefficient(self.vars[k][0], a)
        self.rows.append((c, terms, rhs))

    def solve(self) -> tuple[list[float], float] | None:
        """The values of the variables and a valid bound (None: not solved)."""
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return [v.solution_value() for v, _, _, _ in self.vars], self._lagrangian()

    def _lagrangian(self) -> float:
        """y·b + Σ_k min(rc_k lo_k, rc_k hi_k) for the duals y clipped to >= 0: at most
        the LP optimum over the box [lo, hi], however inexact y is."""
        rc = [cost for _, _, _, cost in self.vars]
        total = 0.0
        for c, terms, rhs in self.rows:
            y = max(0.0, c.dual_value())
            if y > 0.0:
                total += y * rhs
                for k, a in terms:
                    rc[k] -= y * a
        for (_, lo, hi, _), r in zip(self.vars, rc, strict=True):
            total += r * lo if r >= 0 else r * hi
        return total


def station_bound(inst: Instance, *, own: list[int | None] | None = None) -> int | None:
    """A lower bound on Σ weight × dwell that accounts for trains sharing the station
    (module docstring). ``own``: :func:`train_dwell_bounds`, if the caller has it. None
    when some train can never leave, or the LP cannot be solved."""
    start = time.perf_counter()
    if own is None:
        own = train_dwell_bounds(inst)
    if any(b is None for b in own):
        return None
    resources = _resources(inst)
    lp = _LP(inst.horizon)
    dep = [
        lp.var(float(t.arrival + (b or 0)), float(t.weight))
        for t, b in zip(inst.trains, own, strict=True)
    ]
    xs: list[list[int]] = []
    for r in resources:
        xs.append([lp.var(float(job.release), 0.0) for job in r.jobs])
        for job, k in zip(r.jobs, xs[-1], strict=True):
            lp.row([(dep[job.train], 1.0), (k, -1.0)], job.gap)
    seen: list[set[frozenset[int]]] = [set() for _ in resources]

    def cut(ri: int, members: list[int]) -> bool:
        r = resources[ri]
        key = frozenset(members)
        total = sum(r.jobs[i].amount for i in members)
        if key in seen[ri] or total <= 0:
            return False
        seen[ri].add(key)
        lp.row([(xs[ri][i], r.jobs[i].amount / total) for i in members], r.bound(members) / total)
        return True

    for ri, r in enumerate(resources):
        for i in range(len(r.jobs)):
            cut(ri, [i])
        cut(ri, list(range(len(r.jobs))))
    solved = lp.solve()
    if solved is None:
        return None
    values, best = solved
    every = set(range(len(resources)))
    active = every
    for _ in range(MAX_ROUNDS):
        if time.perf_counter() - start > TIME_LIMIT:
            break
        # separate on the resources that gave cuts in the last round; on all of them
        # when those give none, and stop when none gives any
        found = set()
        for ri in sorted(active):
            x = [values[k] for k in xs[ri]]
            if sum(cut(ri, m) for m in _separate(resources[ri], x)):
                found.add(ri)
        if not found:
            if active == every:
                break
            active = every
            continue
        active = found
        solved = lp.solve()
        if solved is None:
            break
        values, bound = solved
        best = max(best, bound)
    value = best - sum(t.weight * t.arrival for t in inst.trains)
    return math.ceil(value - 1e-6 * max(1.0, abs(value)))


def _thresholds(releases: list[int], most: int) -> list[int]:
    """At most ``most`` of the distinct releases, spread evenly, the first always."""
    values = sorted(set(releases))
    if len(values) <= most:
        return values
    return [values[(i * len(values)) // most] for i in range(most)]


def _separate(r: _Resource, x: list[float]) -> list[list[int]]:
    """For each release threshold ρ, the most violated prefix, in the order of x, of the
    jobs released at ρ or later (if any is violated)."""
    order = sorted(range(len(x)), key=lambda i: x[i])
    out = []
    for rho in _thresholds([job.release for job in r.jobs], THRESHOLDS):
        idle = _Idle(r.segments) if r.segments is not None else None
        supply = _Supply(r.supply or [])
        jobs: list[tuple[int, int]] = []
        f = lhs = total = 0.0
        members: list[int] = []
        top, top_at = VIOLATION, 0
        for i in order:
            job = r.jobs[i]
            if job.release < rho or job.amount <= 0:
                continue
            members.append(i)
            lhs += job.amount * x[i]
            total += job.amount
            if idle is not None:
                f += idle.fill(job.release, job.amount)
            else:
                bisect.insort(jobs, (job.release, job.amount))
                f = supply.matched(jobs)
            if (f - lhs) / total > top:
                top, top_at = (f - lhs) / total, len(members)
        if top_at:
            out.append(members[:top_at])
    return out
