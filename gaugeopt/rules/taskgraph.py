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


def _related(node: TaskNode, pred: TaskNode, block_of: dict[int, int]) -> bool:
    """Whether ``pred`` is one of the instances ``node`` waits for (same train, block or
    carriage; the enclosing one; or every one inside)."""
    a, b = node.rule.level, pred.rule.level
    if a == "train" or b == "train":
        return True
    if a == "block" and b == "block":
        return node.block == pred.block
    if a == "carriage" and b == "carriage":
        return node.carriage == pred.carriage
    if a == "block":  # pred is a carriage
        return block_of[pred.carriage] == node.block  # type: ignore[index]
    return block_of[node.carriage] == pred.block  # type: ignore[index]  # pred is a block


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
    by_op: dict[str, list[int]] = {}
    for rule in OPS:
        if not rule.exists(mode, ground=ground) or not rule.applies(d, train):
            continue
        for carriage, block, covered in _instances(rule, len(cars), blocks):
            probe = TaskNode(rule.op, rule, 0, carriage, block)
            preds = tuple(
                i
                for p in rule.after
                for i in by_op.get(p, [])
                if _related(probe, nodes[i], block_of)
            )
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
            by_op.setdefault(rule.op, []).append(len(nodes) - 1)
    return nodes
