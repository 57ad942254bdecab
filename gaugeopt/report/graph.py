"""One train's task graph as the report sees it: task keys, intended durations, predecessors.

Derived from the rulebook's task graph for a train's mode and blocks *as scheduled*, so the
report needs nothing from the solver. A task key is ``(train, op, ref)``: ``ref`` is the carriage id for
carriage ops, the block index for block ops and ``None`` for train ops.
"""

from __future__ import annotations

from gaugeopt.model.instance import Instance, Train
from gaugeopt.model.solution import Task, TrainPlan
from gaugeopt.rules import (
    BlockSpec,
    TaskNode,
    departure,
    dwell,
    ground_options,
    possible_modes,
    task_graph,
)
from gaugeopt.rules.reading import level
from gaugeopt.wording import block_name

TaskKey = tuple[str, str, str | int | None]


def task_key(task: Task) -> TaskKey:
    """The key of a solution task."""
    lvl = level(task.op)
    if lvl == "carriage":
        return (task.train, task.op, task.carriage)
    if lvl == "block":
        return (task.train, task.op, task.block)
    return (task.train, task.op, None)


def describe(key: TaskKey) -> str:
    """``K1 lift K1-03``, ``K1 shunt_in block 1`` (blocks counted from 1), ``K1 attach``."""
    train, op, ref = key
    if ref is None:
        return f"{train} {op}"
    if isinstance(ref, int):
        return f"{train} {op} {block_name(ref)}"
    return f"{train} {op} {ref}"


def _blocks(instance: Instance, train: Train, plan: TrainPlan) -> list[BlockSpec]:
    """The plan's blocks as carriage indices and track methods (unknown track: individual)."""
    tracks = {t.id: t for t in instance.station.tracks}
    index = {c.id: j for j, c in enumerate(train.carriages)}
    return [
        BlockSpec(
            tuple(index[cid] for cid in block.carriages),
            tracks[block.track].method if block.track in tracks else "individual",
        )
        for block in plan.blocks
    ]


def _key(train: Train, node: TaskNode) -> TaskKey:
    if node.carriage is not None:
        return (train.id, node.op, train.carriages[node.carriage].id)
    return (train.id, node.op, node.block)


def train_graph(
    instance: Instance, train: Train, plan: TrainPlan
) -> tuple[dict[TaskKey, int], dict[TaskKey, list[TaskKey]]]:
    """Intended duration and precedence predecessors of every task of ``train`` under ``plan``
    (from the rulebook's task graph). The dict order is a topological order."""
    nodes = task_graph(
        instance, train, plan.mode, _blocks(instance, train, plan), ground=plan.ground_brake_test
    )
    keys = [_key(train, n) for n in nodes]
    dur = {k: n.duration for k, n in zip(keys, nodes, strict=True)}
    pred = {k: [keys[p] for p in n.preds] for k, n in zip(keys, nodes, strict=True)}
    return dur, pred


def _chain_dwell(train: Train, nodes: list[TaskNode]) -> int:
    """Dwell when every task starts as soon as its predecessors end (nothing else waits)."""
    end: list[int] = []
    end_of: dict[str, int] = {}
    for n in nodes:
        start = max([train.arrival if n.rule.after_arrival else 0] + [end[p] for p in n.preds])
        end.append(max(start, train.arrival) + n.duration)
        end_of[n.op] = max(end_of.get(n.op, 0), end[-1])
    return dwell(train, departure(train, end_of))


def critical_path_dwell(instance: Instance, train: Train, plan: TrainPlan) -> int:
    """Dwell of ``train`` alone in an empty station with its mode and blocks as scheduled.

    Longest chain of intended durations from arrival, then the rulebook's departure. Ignores
    crews, shifts, shunters, tracks, jacks, bogie stock and locomotive availability: a true
    lower bound on the train's dwell.
    """
    nodes = task_graph(
        instance, train, plan.mode, _blocks(instance, train, plan), ground=plan.ground_brake_test
    )
    return _chain_dwell(train, nodes)


def any_blocks_dwell(instance: Instance, train: Train) -> int:
    """Dwell lower bound over every mode, block cut and ground-air choice the station allows.

    Exchange: each carriage in its own one-carriage block on the track method whose chain is
    shortest for it — no cut can do better, since a block waits for its slowest carriage and
    a roll for all its bogies. Changer and through: their task graphs as they are.
    """
    best: int | None = None
    for mode in possible_modes(instance, train) or ["through"]:
        for ground in ground_options(instance):
            blocks = _fastest_blocks(instance, train, ground) if mode == "exchange" else []
            if blocks is None:
                continue
            value = _chain_dwell(train, task_graph(instance, train, mode, blocks, ground=ground))
            best = value if best is None else min(best, value)
    if best is None:  # nothing fits: only the train-level chain is certain
        best = _chain_dwell(train, task_graph(instance, train, "through"))
    return best


def _fastest_blocks(instance: Instance, train: Train, ground: bool) -> list[BlockSpec] | None:
    """One-carriage blocks, each on the method that makes its own chain shortest."""
    blocks = []
    for j, car in enumerate(train.carriages):
        methods = sorted({t.method for t in instance.station.tracks if t.max_mass_t >= car.mass_t})
        if not methods:
            return None
        one = train.model_copy(update={"carriages": [car]})
        chain = {
            m: _chain_dwell(one, task_graph(instance, one, "exchange", [BlockSpec((0,), m)]))
            for m in methods
        }
        blocks.append(BlockSpec((j,), min(methods, key=lambda m: chain[m])))
    return blocks
