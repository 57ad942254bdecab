"""Placing one train on the station's calendars, task by task, from its task graph.

Each task starts at the earliest time its predecessors (by the rulebook), its crew, shunter,
changer, bogies and locomotive allow (docs/model.md). A unit of tasks under a hold (see
:mod:`gaugeopt.construct.steps`) is placed again from a later time when the held resource
is taken: a block whose track is busy (another block, or a maintenance window) over
its stay (:func:`~gaugeopt.rules.stay`, [shunt_in start, shunt_out end)) from the end of that
occupation, and one whose other block-level holds (any of :data:`~gaugeopt.rules.HOLDS`,
over the span of its start and end operations) would exceed their pool's capacity on the
track, or meet a window the hold closes with, from the end of what is in the way; a
carriage whose hold of a per-track pool (the jack hold [lift start, lower end), or any other
carriage-level hold) would exceed the pool's capacity on the track from the next hold's end.
A track on which some hold has no room at all (capacity 0) takes no block
(:func:`~gaugeopt.construct.blocks.usable`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from gaugeopt.construct.blocks import Cut
from gaugeopt.construct.state import Calendar
from gaugeopt.construct.steps import Step, Unit, placement_order
from gaugeopt.construct.timeline import Pool, overlap_conflict
from gaugeopt.model.instance import Instance, Track, Train
from gaugeopt.model.solution import Block, Op, Task
from gaugeopt.rules import (
    LOCO_FREED_BY,
    BlockSpec,
    Hold,
    TaskNode,
    departure,
    task_graph,
)


class PlaceFailed(Exception):
    """A task could not be placed by the horizon (or no locomotive exists)."""


@dataclass(frozen=True)
class Option:
    """One way to schedule a train: its mode, its cut (exchange) and the ground-air test."""

    mode: str
    cut: Cut | None = None
    ground: bool = False


@dataclass
class TrainResult:
    """One train placed: its plan and its tasks."""

    mode: str
    departure: int
    locomotive: str | None
    blocks: list[Block]
    tasks: list[Task] = field(default_factory=list)
    ground: bool = False

    def key(self) -> tuple[int, int, int]:
        """Earlier departure first, then earlier release of resources, then fewer blocks."""
        last = max((t.end for t in self.tasks), default=0)
        return (self.departure, last, len(self.blocks))


Graph = tuple[list[TaskNode], list[Step]]
#: The carriage holds of a block placed so far: [start, end) spans by hold.
Holds = dict[Hold, list[tuple[int, int]]]


class GraphCache:
    """Task graphs and their placement orders, by (train, mode, blocks, ground choice)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self._graphs: dict[tuple[str, str, tuple[BlockSpec, ...], bool], Graph] = {}

    def get(self, train: Train, mode: str, blocks: tuple[BlockSpec, ...], ground: bool) -> Graph:
        key = (train.id, mode, blocks, ground)
        if key not in self._graphs:
            nodes = task_graph(self.inst, train, mode, blocks, ground=ground)
            self._graphs[key] = (nodes, placement_order(nodes, blocks))
        return self._graphs[key]


class Run:
    """The placement of one train in one option: its tasks and their times so far."""

    def __init__(self, train: Train, nodes: list[TaskNode], cut: Cut, tracks: list[Track]):
        self.train = train
        self.nodes = nodes
        self.cut = cut
        self.tracks = tracks  # the track of each block
        self.starts = [0] * len(nodes)
        self.ends = [0] * len(nodes)
        self.out: list[Task] = []
        self.locomotive: str | None = None

    def covered(self, node: TaskNode) -> list[int]:
        """The carriage indices a task covers."""
        if node.carriage is not None:
            return [node.carriage]
        if node.block is not None:
            return self.cut[node.block][1]
        return list(range(len(self.train.carriages)))


class TrainPlacer:
    """Places one train's tasks on a :class:`Calendar`."""

    def __init__(self, inst: Instance, cal: Calendar, graphs: GraphCache | None = None) -> None:
        self.inst = inst
        self.cal = cal
        self.graphs = graphs if graphs is not None else GraphCache(inst)
        self.tracks: dict[str, Track] = {t.id: t for t in inst.station.tracks}
        self.bogie_turnaround = inst.station.bogie_turnaround
        self.loco_turnaround = inst.station.loco_turnaround

    def place(self, train: Train, option: Option) -> TrainResult | None:
        """Place ``train`` as ``option`` says; None (and nothing reserved) when it cannot be
        done by the horizon."""
        mark = self.cal.ledger.savepoint()
        try:
            return self._place(train, option)
        except PlaceFailed:
            self.cal.ledger.rollback(mark)
            return None

    def _place(self, train: Train, option: Option) -> TrainResult:
        run, order = self.begin(train, option)
        for step in order:
            self._step(run, step, {})
        return self.finish(run, option)

    def begin(self, train: Train, option: Option) -> tuple[Run, list[Step]]:
        """A fresh placement of ``train`` as ``option`` says, and its placement order."""
        cut = list(option.cut or []) if option.mode == "exchange" else []
        tracks = [self.tracks[tid] for tid, _ in cut]
        specs = tuple(
            BlockSpec(tuple(idx), tr.method) for (_, idx), tr in zip(cut, tracks, strict=True)
        )
        nodes, order = self.graphs.get(train, option.mode, specs, option.ground)
        return Run(train, nodes, cut, tracks), order

    def finish(self, run: Run, option: Option) -> TrainResult:
        """The plan of a run whose every step is placed (raises PlaceFailed past the horizon)."""
        train = run.train
        nodes = run.nodes
        end_of = {n.op: run.ends[i] for i, n in enumerate(nodes) if n.rule.level == "train"}
        departs = departure(train, end_of)
        if departs > self.inst.horizon:
            raise PlaceFailed("departure")
        blocks = [
            Block(track=tid, carriages=[train.carriages[i].id for i in idx]) for tid, idx in run.cut
        ]
        return TrainResult(option.mode, departs, run.locomotive, blocks, run.out, option.ground)

    def place_steps(self, run: Run, steps: list[Step]) -> None:
        """Place steps of a run begun with :meth:`begin` (raises PlaceFailed when one cannot be)."""
        for step in steps:
            self._step(run, step, {})

    def place_block(self, run: Run, unit: Unit, track_ids: list[str]) -> None:
        """Place a block's unit on whichever of ``track_ids`` (all of its cut's method) lets
        it leave its track first; raises PlaceFailed when none can take it by the horizon.

        Used where blocks are placed one at a time across trains, so the track each block
        gets is chosen against what the blocks placed before it really left free."""
        b, idx = unit.block, run.cut[unit.block][1]
        ready = self._ready(run, unit.first)
        free = {tid: self.cal.tracks[tid].free_from(ready) for tid in track_ids}
        best: tuple[int, int, str] | None = None
        for tid in sorted(track_ids, key=lambda tid: (free[tid], tid)):
            if best is not None and free[tid] >= best[0]:
                continue  # it could not even start before the best one is left
            run.cut[b], run.tracks[b] = (tid, idx), self.tracks[tid]
            mark, n_out = self.cal.ledger.savepoint(), len(run.out)
            try:
                self._step(run, unit, {})
            except PlaceFailed:
                continue
            finally:
                self.cal.ledger.rollback(mark)
                del run.out[n_out:]
            key = (run.ends[unit.last], run.starts[unit.first], tid)
            if best is None or key < best:
                best = key
        if best is None:
            raise PlaceFailed("block")
        run.cut[b], run.tracks[b] = (best[2], idx), self.tracks[best[2]]
        self._step(run, unit, {})

    def _step(self, run: Run, step: Step, holds: Holds) -> None:
        if isinstance(step, int):
            self._task(run, step, 0)
        elif step.hold.level == "block":  # the block's track, one block at a time
            self._track_unit(run, step)
        else:  # a carriage's share of a per-track pool (jack sets, any carriage hold)
            self._jack_unit(run, step, holds)

    def _steps(self, run: Run, unit: Unit, floor: int, holds: Holds) -> None:
        """Place a unit's steps, its first task no earlier than ``floor``."""
        for step in unit.steps:
            if step == unit.first:
                self._task(run, step, floor)
            else:
                self._step(run, step, holds)

    def _ready(self, run: Run, i: int) -> int:
        """When node i may start by its release and its predecessors."""
        node, ends = run.nodes[i], run.ends
        t = node.release
        for p in node.preds:
            if ends[p] > t:
                t = ends[p]
        return t

    def _track_unit(self, run: Run, unit: Unit) -> None:
        """A block on its track: again from the end of any occupation in its way, or of any
        span in the way of one of its other block holds (:attr:`Unit.inner`)."""
        track = self.cal.tracks[run.tracks[unit.block].id]
        t = self._ready(run, unit.first)
        while True:
            t = track.free_from(t)
            if t > self.inst.horizon:
                raise PlaceFailed("track")
            mark, n_out = self.cal.ledger.savepoint(), len(run.out)
            self._steps(run, unit, t, {})
            start = run.starts[unit.first]
            # Zero-length stays still claim their instant, so they never sit inside another.
            occ_end = max(run.ends[unit.last], start + 1)
            retry = (
                track.first_conflict_end(start, occ_end)
                if not track.is_free(start, occ_end)
                else self._inner_conflict(run, unit)
            )
            if retry is None:
                track.reserve(start, occ_end, self.cal.ledger)
                self._reserve_inner(run, unit)
                return
            self.cal.ledger.rollback(mark)
            del run.out[n_out:]
            t = retry

    def _inner_spans(self, run: Run, unit: Unit) -> list[tuple[Pool, int, int]]:
        """Each inner hold of a placed block unit: its pool on the block's track and its
        span (a zero-length one claims its instant, as the stay does)."""
        track = run.tracks[unit.block]
        out = []
        for held in unit.inner:
            start = run.starts[held.first]
            end = max(run.ends[held.last], start + 1)
            out.append((self.cal.pool(held.hold, track), start, end))
        return out

    def _inner_conflict(self, run: Run, unit: Unit) -> int | None:
        """None when every inner hold of a placed block unit fits its pool; else a time
        from which to place the block again."""
        for pool, start, end in self._inner_spans(run, unit):
            retry = pool.conflict(start, end)
            if retry is not None:
                return retry
        return None

    def _reserve_inner(self, run: Run, unit: Unit) -> None:
        for pool, start, end in self._inner_spans(run, unit):
            pool.reserve(start, end, self.cal.ledger)

    def _jack_unit(self, run: Run, unit: Unit, holds: Holds) -> None:
        """A carriage's hold of a per-track pool (its capacity on the block's track): again
        from the end of a hold in its way (``holds``: the block's holds so far, by hold)."""
        cap = unit.hold.capacity(run.tracks[unit.block])
        if cap < 1:
            raise PlaceFailed(unit.hold.resource)
        floor = 0
        while True:
            mark, n_out = self.cal.ledger.savepoint(), len(run.out)
            held = {h: len(spans) for h, spans in holds.items()}
            self._steps(run, unit, floor, holds)
            start = run.starts[unit.first]
            hold = (start, max(run.ends[unit.last], start + 1))
            mine = holds.setdefault(unit.hold, [])
            blocker = overlap_conflict(mine, hold, cap)
            if blocker is None:
                mine.append(hold)
                return
            self.cal.ledger.rollback(mark)
            del run.out[n_out:]
            for h in list(holds):  # forget the nested holds of this try
                del holds[h][held.get(h, 0) :]
            floor = blocker

    def _task(self, run: Run, i: int, floor: int) -> None:
        """Place node i at the earliest time >= floor its rule and resources allow."""
        node, rule, train, cal = run.nodes[i], run.nodes[i].rule, run.train, self.cal
        t = max(floor, self._ready(run, i))
        loco = None
        if rule.locomotive:
            picked = cal.pick_loco(train.to_gauge, t)
            if picked is None:
                raise PlaceFailed(node.op)
            loco, avail = picked
            t = max(t, avail)
        bogies = self._bogies_needed(run, node) if rule.bogies else None
        need = {(train.to_gauge, b): k for b, k in bogies.items()} if bogies is not None else None
        d = node.duration
        p = cal.place(t, d, rule.skill, shunter=rule.shunter, changer=rule.changer, need=need)
        if p is None:
            raise PlaceFailed(node.op)
        cal.commit(p, d, changer=rule.changer)
        end = p.start + d
        if bogies is not None:
            back = end + self.bogie_turnaround
            for btype, k in bogies.items():
                cal.stock_of(train.to_gauge, btype).add(p.start, -k, cal.ledger)
                cal.stock_of(train.from_gauge, btype).add(back, k, cal.ledger)
        if loco is not None:
            cal.take_loco(loco)
            run.locomotive = loco
        if node.op == LOCO_FREED_BY and train.inbound_loco is not None:
            lo = train.inbound_loco
            cal.add_loco(lo.id, lo.gauge, end + self.loco_turnaround)
        run.starts[i], run.ends[i] = p.start, end
        track = run.tracks[node.block].id if node.block is not None else None
        run.out.append(
            Task(
                train=train.id,
                op=cast(Op, node.op),
                carriage=train.carriages[node.carriage].id if node.carriage is not None else None,
                block=node.block,
                start=p.start,
                end=end,
                crew=p.crew.id if p.crew is not None else None,
                shunter=p.shunter.id if p.shunter is not None else None,
                track=track,
                locomotive=loco,
            )
        )

    def _bogies_needed(self, run: Run, node: TaskNode) -> dict[str, int]:
        """Bogies by type that leave the stock at a task's start (its carriages')."""
        need: dict[str, int] = {}
        for j in run.covered(node):
            car = run.train.carriages[j]
            need[car.bogie_type] = need.get(car.bogie_type, 0) + car.bogies
        return need
