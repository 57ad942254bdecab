"""What each train needs of the station's shared resources, for the station bound
(:mod:`gaugeopt.bounds.station`, "What a train needs"): its jobs on the tracks, the
shunters, the changer, each crew pool, the locomotives and the bogies.

A train's configurations are its modes (:func:`~gaugeopt.rules.possible_modes`) with each
ground-air choice (:func:`~gaugeopt.rules.ground_options`); a job's quantities are the
minima (its units the maxima) over them, so it holds whichever the train takes. Tasks,
durations, skills, shunters and precedences are the rulebook's, through
:mod:`gaugeopt.bounds.skeleton`. Track maintenance windows (v1.1) are ignored: a track's
capacity is its count at every time, which only counts more room than there is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gaugeopt.bounds.locos import loco_release_times
from gaugeopt.bounds.sets import INF, Job, Resource
from gaugeopt.bounds.skeleton import (
    BOGIE,
    JACKS,
    POOL,
    SHUNT_IN,
    SHUNT_OUT,
    absent,
    blocks_index,
    carriage_chain,
    chain_minutes,
    node_minutes,
    share,
    skeleton,
    tails,
    walk,
)
from gaugeopt.model.instance import Instance, Track, Train
from gaugeopt.rules import METHODS, OpRule, ground_options, possible_modes
from gaugeopt.rules.crews import crew_pools

#: The block work: what a block does on its track that depends on the cut or the track's
#: method (its shunts and every method's bogie step).
BLOCK_OPS: tuple[OpRule, ...] = (SHUNT_IN, SHUNT_OUT, *(carriage_chain(m)[BOGIE] for m in METHODS))


# --------------------------------------------------------------------------- train work


@dataclass(frozen=True)
class _Block:
    """Consecutive carriages [s, e) of a train."""

    size: int
    mass: float  # of the heaviest
    work: dict[str, int]  # minutes of each of BLOCK_OPS for the whole block
    jacks: int  # Σ jack hold (lift + swap + lower)
    before_roll: int  # max of the steps before the bogie step (disconnect + lift)
    after_roll: int  # max of the steps after it (lower + reconnect)
    chain: int  # max of the individual chain
    min_pre: int  # min of the steps before the jack hold (disconnect)
    min_post: int  # min of the steps after it (reconnect)


class _Train:
    """Shortest durations and the possible blocks of one train in exchange mode."""

    def __init__(self, inst: Instance, train: Train) -> None:
        st = inst.station
        d = st.durations
        cs = train.carriages
        self.inst = inst
        self.n = len(cs)
        self.mass = [c.mass_t for c in cs]
        chains = {m: [chain_minutes(d, train, c, m) for c in cs] for m in METHODS}
        ind = chains["individual"]
        # shortest bogie step of each carriage on the tracks that can lift it (a roll lasts
        # at least as long as for a block of this carriage alone)
        self.bogie_op = [
            min(
                (
                    chains[m][k][BOGIE]
                    for m in {t.method for t in st.tracks if mass <= t.max_mass_t}
                ),
                default=0,
            )
            for k, mass in enumerate(self.mass)
        ]
        #: each carriage's steps, the bogie step at its shortest
        self.steps = [
            [x if i != BOGIE else self.bogie_op[k] for i, x in enumerate(ind[k])]
            for k in range(self.n)
        ]
        self.chain = [sum(s) for s in self.steps]
        self.pre_bogie = [sum(s[:BOGIE]) for s in self.steps]
        self.post_bogie = [sum(s[BOGIE + 1 :]) for s in self.steps]
        self.by_op = {
            r.op: [
                share(d, r, c) if r.level == "block" else r.minutes(d, train, [c], False)
                for c in cs
            ]
            for r in BLOCK_OPS
        }
        fixed = {r.op: r.fixed(d, train, False) if r.level == "block" else 0 for r in BLOCK_OPS}
        hold = [sum(x[JACKS[0] : JACKS[1] + 1]) for x in ind]
        pre = [sum(x[: JACKS[0]]) for x in ind]
        post = [sum(x[JACKS[1] + 1 :]) for x in ind]
        full = [sum(x) for x in ind]
        longest = max((t.capacity for t in st.tracks), default=0)
        self.blocks: dict[tuple[int, int], _Block] = {}
        for s in range(self.n):
            mass, jacks, br, ar, ch, md, mr = 0.0, 0, 0, 0, 0, 10**9, 10**9
            acc = dict.fromkeys(self.by_op, 0)
            for e in range(s + 1, min(self.n, s + longest) + 1):
                c = e - 1
                mass = max(mass, self.mass[c])
                for op in acc:
                    acc[op] += self.by_op[op][c]
                jacks += hold[c]
                br = max(br, self.pre_bogie[c])
                ar = max(ar, self.post_bogie[c])
                ch = max(ch, full[c])
                md = min(md, pre[c])
                mr = min(mr, post[c])
                work = {op: fixed[op] + x for op, x in acc.items()}
                self.blocks[s, e] = _Block(e - s, mass, work, jacks, br, ar, ch, md, mr)
        self._work: dict[frozenset[str], float] = {}

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

    def block_work(self, select: frozenset[str]) -> float:
        """Least work of the blocks in the operations ``select`` of :data:`BLOCK_OPS`."""
        if select not in self._work:
            self._work[select] = self.partition(lambda b: _block_work(self.inst, b, select))
        return self._work[select]


def _fits(b: _Block, track: Track) -> bool:
    return b.size <= track.capacity and b.mass <= track.max_mass_t


def _occupancy(b: _Block, track: Track) -> float:
    """Least time block ``b`` holds ``track``, shunt_in start to shunt_out end
    (:mod:`gaugeopt.bounds.station`)."""
    if not _fits(b, track):
        return INF
    shunts = b.work[SHUNT_IN.op] + b.work[SHUNT_OUT.op]
    if track.method == "roll":
        roll = b.work[carriage_chain("roll")[BOGIE].op]
        return shunts + b.before_roll + roll + b.after_roll
    jacks = b.min_pre + -(-b.jacks // POOL.capacity(track)) + b.min_post
    return shunts + max(b.chain, jacks)


def _block_work(inst: Instance, b: _Block, select: frozenset[str]) -> float:
    """Least work of block ``b`` in the operations ``select``, on its best track."""
    best = INF
    for t in inst.station.tracks:
        if _fits(b, t):
            c = sum(b.work[r.op] for r in BLOCK_OPS if r.op in select and t.method in r.methods)
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
class _Shape:
    """One configuration of a train, from its arrival: its tasks by kind (block work
    apart: it depends on the cuts) and, in exchange mode, when the block work can start,
    the least time from its end to the departure, and its shortest span."""

    ops: list[_Op]
    loco_head: int  # earliest attach start, the locomotive aside
    loco_gap: int  # from the attach start to the departure
    start: int = 0  # earliest start of a shunt_in
    shunt_in: int = 0
    shunt_out: int = 0
    out: int = 0  # from the last shunt_out end to departure
    span: int = 0  # shortest time from the first shunt_in start to the last shunt_out end

    @property
    def lead(self) -> int:
        """Earliest end of a shunt_in."""
        return self.start + self.shunt_in


def _shape(inst: Instance, train: Train, tr: _Train | None, mode: str, ground: bool) -> _Shape:
    """The tasks of ``train`` in (``mode``, ``ground``) by kind."""
    d = inst.station.durations
    nodes = skeleton(mode, ground, absent(d, train))
    sin = SHUNT_IN.minutes(d, train, [], ground)
    sout = SHUNT_OUT.minutes(d, train, [], ground)
    span = sin + min(tr.chain) + sout if mode == "exchange" and tr is not None else 0
    minutes = node_minutes(d, train, nodes, ground, span)
    loco = min(loco_release_times(inst, train.to_gauge), default=0) - train.arrival
    tail = tails(nodes, minutes)
    walked = walk(nodes, minutes, 0, loco)
    unlocked = walk(nodes, minutes, 0, 0)
    assert walked is not None and unlocked is not None  # no crew to wait for
    starts = walked[0]
    ops = [
        _Op(n.rule.skill, n.rule.shunter, n.rule.changer, False, m, t, q, m)
        for n, m, t, q in zip(nodes, minutes, starts, tail, strict=True)
        if n.rule is not None
    ]
    at = next(i for i, n in enumerate(nodes) if n.rule is not None and n.rule.locomotive)
    shape = _Shape(ops, unlocked[0][at], minutes[at] + tail[at])
    if mode != "exchange":
        return shape
    assert tr is not None
    bi = blocks_index(nodes)
    lead, out = starts[bi] + sin, tail[bi]
    rules = carriage_chain(METHODS[0])
    for k, rule in enumerate(rules):
        if k == BOGIE:
            continue
        mine = [s[k] for s in tr.steps]
        ops.append(
            _Op(
                rule.skill,
                rule.shunter,
                rule.changer,
                True,
                sum(mine),
                lead + min(sum(s[:k]) for s in tr.steps),
                min(sum(s[k + 1 :]) for s in tr.steps) + sout + out,
                min(mine),
            )
        )
    return _Shape(ops, shape.loco_head, shape.loco_gap, starts[bi], sin, sout, out, span)


@dataclass(frozen=True)
class _Use:
    """A job of one train in one configuration on one fluid resource (a, r − arrival,
    q, p)."""

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


def _uses(
    inst: Instance, tr: _Train | None, mode: str, shape: _Shape, keys: Iterable[tuple]
) -> dict[tuple, dict[bool, _Use]]:
    """{resource key: {carriage/block work?: job}} of a train in one configuration."""
    st = inst.station
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
                return min(_occupancy(b, t) for t in group)

            work = tr.partition(cost)
            if 0 < work < INF:
                uses[key] = {True: _Use(work, shape.start, shape.out, shape.span)}
            continue
        if key[0] == "changer":
            sel = [o for o in shape.ops if o.changer]
            select: frozenset[str] = frozenset()
        elif key[0] == "shunters":
            sel = [o for o in shape.ops if o.shunter]
            select = frozenset(r.op for r in BLOCK_OPS if r.shunter)
        else:
            sel = [o for o in shape.ops if o.skill in key[1]]
            select = frozenset(r.op for r in BLOCK_OPS if r.skill in key[1])
        jobs: dict[bool, _Use] = {}
        for block in (False, True):
            mine = [o for o in sel if o.block == block and o.work > 0]
            work = sum(o.work for o in mine)
            heads = [o.head for o in mine]
            tails_ = [o.tail for o in mine]
            spans = [o.shortest for o in mine]
            if block and mode == "exchange" and select:
                assert tr is not None
                work += tr.block_work(select)
                held = [
                    m
                    for r, m in ((SHUNT_IN, shape.shunt_in), (SHUNT_OUT, shape.shunt_out))
                    if r.op in select and m > 0
                ]
                if held:
                    heads.append(shape.start)
                    tails_.append(shape.out)
                    spans.append(min(held))
                if any(r.bogies and r.op in select for r in BLOCK_OPS):
                    # after some carriage's steps before it; before the steps after it,
                    # the shunt_out and the rest
                    heads.append(shape.lead + min(tr.pre_bogie))
                    tails_.append(min(tr.post_bogie) + shape.shunt_out + shape.out)
                    spans.append(0)
            if 0 < work < INF and heads:
                jobs[block] = _Use(work, min(heads), min(tails_), min(spans))
        if jobs:
            uses[key] = jobs
    return uses


# --------------------------------------------------------------------------- resources


def _fluid(inst: Instance) -> dict[tuple, Resource]:
    st = inst.station
    out: dict[tuple, Resource] = {}
    masses = sorted({t.max_mass_t for t in st.tracks})
    for g, m in enumerate(masses):
        below = masses[g - 1] if g else 0.0
        group = tuple(i for i, t in enumerate(st.tracks) if t.max_mass_t >= m)
        out["tracks", below, group] = Resource(
            f"tracks>{below:g}t", segments=[(0.0, INF, len(group))]
        )
    if st.shunters:
        out[("shunters",)] = Resource("shunters", segments=[(0.0, INF, len(st.shunters))])
    if st.changer is not None:
        out[("changer",)] = Resource("changer", segments=[(0.0, INF, 1)])
    for pool in crew_pools(inst, every=True):
        level = pool.level(inst.horizon)
        top = max((c for _, _, c in level), default=0)
        if top > 0:
            segs = [(float(a), float(b), c) for a, b, c in level]
            segs.append((float(inst.horizon), INF, top))
            out["pool", pool.skills] = Resource("+".join(sorted(pool.skills)), segments=segs)
    return out


def _bogie_returns(
    inst: Instance, trs: list[_Train | None], leads: list[int], key: tuple[int, str]
) -> list:
    """Stock at 0 and the earliest return of the bogies of each carriage (gauge, type):
    the end of its bogie step + ``bogie_turnaround``."""
    st = inst.station
    out: list[tuple[float, int]] = [
        (0.0, b.count) for b in st.bogie_stock if (b.gauge, b.type) == key
    ]
    for t, tr, lead in zip(inst.trains, trs, leads, strict=True):
        if t.from_gauge != key[0] or tr is None:
            continue
        for k, c in enumerate(t.carriages):
            if c.bogie_type == key[1]:
                done = tr.pre_bogie[k] + tr.bogie_op[k]
                at = t.arrival + lead + done + st.bogie_turnaround
                out.append((float(at), c.bogies))
    return out


def resources(inst: Instance) -> list[Resource]:
    """Every shared resource with the jobs of the trains on it."""
    st = inst.station
    options = [
        [(m, g) for m in possible_modes(inst, t) for g in ground_options(inst)] for t in inst.trains
    ]
    trs = [
        _Train(inst, t) if any(m == "exchange" for m, _ in o) else None
        for t, o in zip(inst.trains, options, strict=True)
    ]
    shapes = [
        [_shape(inst, t, tr, m, g) for m, g in o]
        for t, tr, o in zip(inst.trains, trs, options, strict=True)
    ]
    leads = [
        min((s.lead for s, (m, _) in zip(sh, o, strict=True) if m == "exchange"), default=0)
        for sh, o in zip(shapes, options, strict=True)
    ]
    fluid = _fluid(inst)
    locos = {
        g: Resource(f"locos {g}", supply=[(float(x), 1) for x in loco_release_times(inst, g)])
        for g in sorted({t.to_gauge for t in inst.trains})
    }
    bogies: dict[tuple[int, str], Resource] = {}
    for j, train in enumerate(inst.trains):
        tr = trs[j]
        if not options[j]:
            continue
        per_mode = [
            _uses(inst, tr, m, shape, fluid.keys())
            for (m, _), shape in zip(options[j], shapes[j], strict=True)
        ]
        for key, r in fluid.items():
            if not all(key in u for u in per_mode):
                continue  # some configuration does not use it
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
                tail = min(u.tail for u in use)
                r.jobs.append(
                    Job(
                        j,
                        math.floor(work),
                        train.arrival + math.ceil(min(u.head for u in use)),
                        gap + tail,
                        tail,
                        width,
                    )
                )
        # the locomotive, taken at attach start
        loco_gap = float(min(s.loco_gap for s in shapes[j]))
        locos[train.to_gauge].jobs.append(
            Job(j, 1, train.arrival + min(s.loco_head for s in shapes[j]), loco_gap, loco_gap, 1)
        )
        # bogies, taken at the bogie step's start, by the trains that must exchange
        if all(m == "exchange" for m, _ in options[j]):
            assert tr is not None
            lead = min(s.lead for s in shapes[j])
            after = min(s.shunt_out + s.out for s in shapes[j])
            for btype in sorted({c.bogie_type for c in train.carriages}):
                mine = [k for k, c in enumerate(train.carriages) if c.bogie_type == btype]
                key = (train.to_gauge, btype)
                if key not in bogies:
                    bogies[key] = Resource(
                        f"bogies {key[0]}/{key[1]}", supply=_bogie_returns(inst, trs, leads, key)
                    )
                head = min(tr.pre_bogie[k] for k in mine)
                tail = min(tr.bogie_op[k] + tr.post_bogie[k] for k in mine)
                count = sum(train.carriages[k].bogies for k in mine)
                gap = float(tail + after)
                bogies[key].jobs.append(Job(j, count, train.arrival + lead + head, gap, gap, count))
    stock = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    out_ = [r for r in fluid.values() if len(r.jobs) >= 2]
    out_ += [r for r in locos.values() if r.jobs]
    out_ += [r for k, r in bogies.items() if sum(x.amount for x in r.jobs) > stock.get(k, 0)]
    return out_
