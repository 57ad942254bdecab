"""Bogie-cycling groups: trains that must lend each other bogies, placed block by block.

When the station stocks fewer bogies of a (gauge, type) than a train going to that gauge
needs, the train can finish only with the bogies that trains going the other way release
when their own are removed (after ``bogie_turnaround``, docs/model.md) — and those trains
may in turn need the bogies it releases. Placing one such train after another deadlocks:
the first one's later swaps wait for bogies that no committed task will ever return.

A planner interleaves them instead. :func:`cycling_groups` finds the trains linked that
way (a train short of a (gauge, type) and every train that releases bogies of it);
:func:`plan_group` cuts each train of a group into blocks no larger than the bogies the
stock plus the blocks planned before it will have returned, and orders the blocks of all
its trains by when each could start, so the trains take turns; :func:`schedule_group`
places the group's train-level work before its blocks, then the blocks in that order (each
on the track that frees it first), each train's closing work right after its last block.
Every block is placed whole, so the usual retries inside a block never undo another
train's work, and a block only ever waits for bogies that earlier blocks really return.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaugeopt.construct.blocks import Cut, block_minutes, usable
from gaugeopt.construct.placer import Option, PlaceFailed, Run, TrainPlacer, TrainResult
from gaugeopt.construct.state import Calendar
from gaugeopt.construct.steps import Step, Unit
from gaugeopt.model.instance import Instance, Track, Train
from gaugeopt.rules import ground_options, possible_modes

#: A bogie stock: (gauge, bogie type).
Key = tuple[int, str]


def bogie_demand(train: Train) -> dict[Key, int]:
    """Bogies by (to_gauge, type) that the train's swaps take from the stock."""
    need: dict[Key, int] = {}
    for car in train.carriages:
        key = (train.to_gauge, car.bogie_type)
        need[key] = need.get(key, 0) + car.bogies
    return need


def _releases(train: Train, key: Key) -> bool:
    """Whether the train's swaps return bogies of ``key`` (its from_gauge, a type it has)."""
    return train.from_gauge == key[0] and any(c.bogie_type == key[1] for c in train.carriages)


def cycling_groups(inst: Instance) -> list[list[Train]]:
    """Groups of exchange-only trains (instance order) that must share bogies: a train
    needing more bogies of a (gauge, type) than the station stocks, with every train that
    releases bogies of that kind, joined transitively. Trains that may take the changer
    are left out (they need no bogies there)."""
    stock = {(b.gauge, b.type): b.count for b in inst.station.bogie_stock}
    cands = [t for t in inst.trains if possible_modes(inst, t) == ["exchange"]]
    parent = {t.id: t.id for t in cands}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    short: set[str] = set()
    for t in cands:
        for key, k in bogie_demand(t).items():
            if k <= stock.get(key, 0):
                continue
            for u in cands:
                if u is not t and _releases(u, key):
                    short.add(t.id)
                    parent[root(u.id)] = root(t.id)
    groups: dict[str, list[Train]] = {}
    for t in cands:
        groups.setdefault(root(t.id), []).append(t)
    return [g for g in groups.values() if len(g) > 1 and any(t.id in short for t in g)]


@dataclass
class GroupPlan:
    """Block cuts of a group's trains (by train id; each block with the track it was
    planned on) and the order in which their blocks are placed."""

    cuts: dict[str, Cut]
    turns: list[tuple[str, int]]


def _run_length(
    train: Train, i: int, track: Track, cap: int, avail: dict[Key, int]
) -> tuple[int, dict[Key, int]]:
    """How many carriages from ``i`` can form one block on ``track`` (at most ``cap``, by
    capacity and mass) with the bogies ``avail`` holds, and the bogies they take."""
    cars = train.carriages
    took: dict[Key, int] = {}
    n = 0
    limit = min(cap, track.capacity)
    while n < limit and i + n < len(cars):
        car = cars[i + n]
        key = (train.to_gauge, car.bogie_type)
        if car.mass_t > track.max_mass_t or took.get(key, 0) + car.bogies > avail.get(key, 0):
            break
        took[key] = took.get(key, 0) + car.bogies
        n += 1
    return n, took


@dataclass(frozen=True)
class _Block:
    """A block proposed for a train's next carriages: its track, size, bogies taken and
    its estimated start."""

    track: Track
    size: int
    took: dict[Key, int]
    start: int


def _next_block(
    train: Train,
    i: int,
    tracks: list[Track],
    free: dict[str, int],
    ready: int,
    cap: int,
    avail: dict[Key, int],
) -> _Block | None:
    """The longest block from carriage ``i`` the bogies allow, on the track that takes the
    most carriages, ties to the soonest free (as :func:`~gaugeopt.construct.blocks.greedy_cut`
    does); None when not even one carriage gets its bogies."""
    best: tuple[tuple[int, int, str], _Block] | None = None
    for tr in tracks:
        n, took = _run_length(train, i, tr, cap, avail)
        if n:
            start = max(free[tr.id], ready)
            rank = (-n, start, tr.id)
            if best is None or rank < best[0]:
                best = (rank, _Block(tr, n, took, start))
    return None if best is None else best[1]


def plan_group(
    inst: Instance,
    cal: Calendar,
    group: list[Train],
    ready: dict[str, int],
    max_block: int,
    fifo: bool,
) -> GroupPlan | None:
    """Cut the group's trains into blocks taking turns, or None when the bogies run out.

    Each turn goes, among the trains that can get bogies for their next carriage, to the
    one that arrived first when ``fifo`` (the bogies the stock lacks then go to the
    trains in arrival order, as a dispatcher would hand them), else to the one whose next
    block could start soonest (by the tracks' estimated free times and its own previous
    block: the trains share the bogies evenly). Its block is the longest run of its next
    carriages that one track takes (at most ``max_block`` carriages) and that the bogies
    still spare can serve: the stock's level after every committed event plus what the
    blocks planned so far return. ``ready`` is when each train's blocks could first go
    onto a track."""
    tracks = usable(inst.station.tracks)
    avail: dict[Key, int] = {}
    for t in group:
        for key in bogie_demand(t):
            for stock in (key, (t.from_gauge, key[1])):
                avail.setdefault(stock, cal.stock_of(*stock).spare())
    t0 = min(ready.values())
    free = {tr.id: cal.tracks[tr.id].free_from(t0) for tr in tracks}
    nxt = {t.id: 0 for t in group}
    est = dict(ready)
    plan = GroupPlan({t.id: [] for t in group}, [])
    dur = inst.station.durations
    while any(nxt[t.id] < len(t.carriages) for t in group):
        pick: tuple[tuple[int, float, int], Train, _Block] | None = None
        for pos, t in enumerate(group):
            if nxt[t.id] >= len(t.carriages):
                continue
            blk = _next_block(t, nxt[t.id], tracks, free, est[t.id], max_block, avail)
            if blk is not None:
                rank = (t.arrival, -t.weight, pos) if fifo else (blk.start, t.arrival, pos)
                if pick is None or rank < pick[0]:
                    pick = (rank, t, blk)
        if pick is None:
            return None  # no train of the group can get the bogies for its next carriage
        _, t, blk = pick
        idx = list(range(nxt[t.id], nxt[t.id] + blk.size))
        plan.cuts[t.id].append((blk.track.id, idx))
        plan.turns.append((t.id, len(plan.cuts[t.id]) - 1))
        for (gauge, btype), k in blk.took.items():
            avail[(gauge, btype)] -= k
            avail[(t.from_gauge, btype)] = avail.get((t.from_gauge, btype), 0) + k
        free[blk.track.id] = est[t.id] = blk.start + block_minutes(t, idx, blk.track, dur)
        nxt[t.id] += blk.size
    return plan


def _split(order: list[Step]) -> tuple[list[Step], list[Unit], list[Step]]:
    """A placement order as (steps before the blocks, block units, steps after)."""
    at = [k for k, s in enumerate(order) if isinstance(s, Unit) and s.hold.level == "block"]
    if not at:
        return order, [], []
    units = [s for s in order[at[0] : at[-1] + 1] if isinstance(s, Unit)]
    return order[: at[0]], units, order[at[-1] + 1 :]


def _tracks_for(inst: Instance, train: Train, idx: list[int], method: str) -> list[str]:
    """Tracks of ``method`` that can hold these carriages (capacity, mass)."""
    heaviest = max(train.carriages[j].mass_t for j in idx)
    return [
        tr.id
        for tr in usable(inst.station.tracks)
        if tr.method == method and tr.capacity >= len(idx) and tr.max_mass_t >= heaviest
    ]


def place_group(
    placer: TrainPlacer, group: list[Train], plan: GroupPlan, ground: bool
) -> dict[str, TrainResult] | None:
    """Place a group as ``plan`` says (module docstring); None, with nothing reserved,
    when some task cannot be placed by the horizon."""
    inst, cal = placer.inst, placer.cal
    mark = cal.ledger.savepoint()
    by_id = {t.id: t for t in group}
    options = {t.id: Option("exchange", plan.cuts[t.id], ground) for t in group}
    staged: dict[str, tuple[Run, list[Unit], list[Step]]] = {}
    results: dict[str, TrainResult] = {}
    try:
        for t in sorted(group, key=lambda t: t.arrival):
            run, order = placer.begin(t, options[t.id])
            pre, units, post = _split(order)
            placer.place_steps(run, pre)
            staged[t.id] = (run, units, post)
        for tid, b in plan.turns:
            run, units, post = staged[tid]
            method = placer.tracks[run.cut[b][0]].method
            placer.place_block(run, units[b], _tracks_for(inst, by_id[tid], run.cut[b][1], method))
            if b == len(units) - 1:
                placer.place_steps(run, post)
                results[tid] = placer.finish(run, options[tid])
    except PlaceFailed:
        cal.ledger.rollback(mark)
        return None
    return results


def _cost(group: list[Train], results: dict[str, TrainResult]) -> int:
    """Σ weight × departure (the group's share of the objective, up to a constant)."""
    return sum(t.weight * results[t.id].departure for t in group)


def schedule_group(
    placer: TrainPlacer, group: list[Train], ready: dict[str, int], block_caps: list[int]
) -> dict[str, TrainResult] | None:
    """Try a plan per block cap and turn rule (arrival order, even shares) and each
    ground-air choice; keep the cheapest, placed for good. None when none can be placed."""
    inst, cal = placer.inst, placer.cal
    tries: list[tuple[GroupPlan, bool]] = []
    for cap in block_caps:
        for fifo in (True, False):
            plan = plan_group(inst, cal, group, ready, cap, fifo)
            if plan is not None and all(plan.turns != p.turns for p, _ in tries):
                tries.extend((plan, g) for g in ground_options(inst))
    best: tuple[int, int] | None = None
    for j, (plan, g) in enumerate(tries):
        mark = cal.ledger.savepoint()
        res = place_group(placer, group, plan, g)
        if res is None:
            continue
        better = best is None or _cost(group, res) < best[0]
        if better and j == len(tries) - 1:
            return res  # the last try is the best: keep it rather than place it again
        cal.ledger.rollback(mark)
        if better:
            best = (_cost(group, res), j)
    if best is None:
        return None
    plan, g = tries[best[1]]
    return place_group(placer, group, plan, g)
