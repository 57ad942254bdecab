"""One train's task graph for a fixed configuration, derived from the rulebook.

Given a train, its mode, its blocks (consecutive carriages and the method of the track each
stands on) and whether it takes the ground-air brake test, :func:`task_graph` lists every
task of §4 with its duration, skill, resources and predecessors, in a topological order
(operations in rulebook order; within one operation, blocks and carriages in train order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gaugeopt.model.instance import Instance, Train
from gaugeopt.rules.rulebook import OPS, OpRule

#: Each operation's level (train, block or carriage).
LEVEL = {rule.op: rule.level for rule in OPS}


@dataclass(frozen=True)
class BlockSpec:
    """One block: carriage indices (consecutive, in train order) and its track's method."""

    carriages: tuple[int, ...]
    method: str = "individual"


@dataclass(frozen=True)
class TaskNode:
    """One task of the graph. ``block`` indexes the blocks given; ``carriage`` the train's
    carriages; ``preds`` index earlier nodes; ``release`` is the earliest start."""

    op: str
    rule: OpRule
    duration: int
    carriage: int | None = None
    block: int | None = None
    preds: tuple[int, ...] = ()
    release: int = 0

    @property
    def skill(self) -> str:
        return self.rule.skill


def _instances(
    rule: OpRule, n: int, blocks: Sequence[BlockSpec]
) -> list[tuple[int | None, int | None, tuple[int, ...]]]:
    """(carriage, block, carriages covered) for each instance of ``rule``."""
    if rule.level == "train":
        return [(None, None, tuple(range(n)))]
    if rule.level == "block":
        return [
            (None, b, blk.carriages) for b, blk in enumerate(blocks) if blk.method in rule.methods
        ]
    return [
        (j, b, (j,))
        for b, blk in enumerate(blocks)
        if blk.method in rule.methods
        for j in blk.carriages
    ]


class _Preds:
    """The nodes made so far, by operation and by the block (or carriage) they belong to,
    so that a node finds the instances it waits for without scanning every node."""

    def __init__(self, block_of: dict[int, int]) -> None:
        self.block_of = block_of
        self.every: dict[str, list[int]] = {}
        self.by_block: dict[tuple[str, int | None], list[int]] = {}
        self.by_carriage: dict[tuple[str, int | None], list[int]] = {}

    def add(self, index: int, node: TaskNode) -> None:
        block = node.block if node.rule.level == "block" else self.block_of.get(node.carriage)  # type: ignore[arg-type]
        self.every.setdefault(node.op, []).append(index)
        self.by_block.setdefault((node.op, block), []).append(index)
        self.by_carriage.setdefault((node.op, node.carriage), []).append(index)

    def of(self, node: TaskNode, op: str, level: str) -> list[int]:
        """The instances of ``op`` (of rule level ``level``) that ``node`` waits for: same
        train, block or carriage; the enclosing one; or every one inside, in the order
        they were made."""
        a = node.rule.level
        if a == "train" or level == "train":
            return self.every.get(op, [])
        if a == "carriage" and level == "carriage":
            return self.by_carriage.get((op, node.carriage), [])
        block = node.block if a == "block" else self.block_of[node.carriage]  # type: ignore[index]
        return self.by_block.get((op, block), [])


def task_graph(
    inst: Instance,
    train: Train,
    mode: str,
    blocks: Sequence[BlockSpec] = (),
    *,
    ground: bool = False,
) -> list[TaskNode]:
    """Every task of ``train`` in ``mode`` with ``blocks`` (exchange) and the ground-air
    choice, with durations and predecessors by the rulebook. An operation the train does
    not have (:meth:`~gaugeopt.rules.OpRule.applies`) is left out, with its links."""
    d = inst.station.durations
    cars = train.carriages
    blocks = list(blocks) if mode == "exchange" else []
    block_of = {j: b for b, blk in enumerate(blocks) for j in blk.carriages}
    nodes: list[TaskNode] = []
    made = _Preds(block_of)
    for rule in OPS:
        if not rule.exists(mode, ground=ground) or not rule.applies(d, train):
            continue
        for carriage, block, covered in _instances(rule, len(cars), blocks):
            probe = TaskNode(rule.op, rule, 0, carriage, block)
            preds = tuple(i for p in rule.after for i in made.of(probe, p, LEVEL[p]))
            nodes.append(
                TaskNode(
                    rule.op,
                    rule,
                    rule.minutes(d, train, [cars[j] for j in covered], ground),
                    carriage,
                    block,
                    preds,
                    train.arrival if rule.after_arrival else 0,
                )
            )
            made.add(len(nodes) - 1, nodes[-1])
    return nodes
