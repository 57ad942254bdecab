"""The order in which the serial scheduler places one train's tasks, from its task graph.

Train tasks go in rulebook order, and the blocks, one after the other, at the place of the
first block task. Each block is one :class:`Unit` for its stay on its track
(:func:`~gaugeopt.rules.stay`): placed again from a later time while its track is taken,
or while any other block-level hold of its track's method (:attr:`Unit.inner`, by its
span: the block's tasks of its start and end operations) finds its pool full.
Inside a block, the block tasks before its first carriage task go first; then each carriage
in turn goes through its leading carriage tasks, up to the first task at block level or the
end of the last of its carriage holds (:func:`~gaugeopt.rules.holds_at`; on an
``individual`` track the jack hold), each hold a unit of its own (nested in the order of
their spans), placed again from the end of a hold in its way; the remaining tasks go
operation by operation, in train order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from gaugeopt.rules import BlockSpec, Hold, TaskNode, holds_at, stay


@dataclass(frozen=True)
class Held:
    """A hold over a unit's tasks from the start of node ``first`` to the end of ``last``."""

    hold: Hold
    first: int
    last: int


@dataclass(frozen=True)
class Unit:
    """Tasks placed together under one hold: ``first`` and ``last`` index the nodes whose
    start and end bound the hold; ``block`` is the block the held resource belongs to;
    ``inner``: the other holds of the block's level the unit's tasks take (a block's)."""

    hold: Hold
    block: int
    first: int
    last: int
    steps: tuple[Step, ...]
    inner: tuple[Held, ...] = ()


#: A node index (one task) or a unit.
Step = int | Unit


def _unit(hold: Hold, block: int, nodes: list[TaskNode], steps: list[Step]) -> Unit:
    flat = list(_flatten(steps))
    first = next(i for i in flat if nodes[i].op == hold.start_op)
    last = next(i for i in reversed(flat) if nodes[i].op == hold.end_op)
    return Unit(hold, block, first, last, tuple(steps))


def _flatten(steps: Sequence[Step]) -> list[int]:
    out: list[int] = []
    for s in steps:
        out.extend(_flatten(s.steps) if isinstance(s, Unit) else [s])
    return out


def _nest(nodes: list[TaskNode], chain: list[int], block: int, holds: list[Hold]) -> list[Step]:
    """A carriage's chain with each of ``holds`` (of its level, nested or disjoint) as a
    unit, outer holds first; a hold with one end in the chain only cannot be placed."""
    pos = {nodes[i].op: k for k, i in enumerate(chain)}
    spans = []
    for h in holds:
        ends = (h.start_op in pos, h.end_op in pos)
        if ends == (True, True):
            spans.append((pos[h.start_op], -pos[h.end_op], h))
        elif any(ends):
            raise ValueError(f"the {h.resource} hold crosses another hold or a block step")
    if not spans:
        return list(chain)
    a, b, outer = min(spans, key=lambda s: s[:2])
    rest = [h for _, _, h in spans if h != outer]
    mid = _nest(nodes, chain[a : 1 - b], block, rest)
    return [
        *_nest(nodes, chain[:a], block, rest),
        _unit(outer, block, nodes, mid),
        *_nest(nodes, chain[1 - b :], block, rest),
    ]


def _block_unit(nodes: list[TaskNode], block: int, spec: BlockSpec) -> Unit:
    """Block ``block``'s tasks (see the module docstring) as one unit of its stay."""
    mine = [i for i, n in enumerate(nodes) if n.block == block]
    groups = [list(g) for _, g in itertools.groupby(mine, key=lambda i: nodes[i].op)]
    holds = holds_at("carriage", spec.method)
    pending = {h.end_op for h in holds}
    steps: list[Step] = []
    k = 0
    while k < len(groups) and nodes[groups[k][0]].rule.level != "carriage":
        steps.extend(groups[k])
        k += 1
    leading: list[int] = []
    while k < len(groups) and nodes[groups[k][0]].rule.level == "carriage":
        leading.extend(groups[k])
        k += 1
        if pending and not pending.difference({nodes[leading[-1]].op}):
            break
        pending.discard(nodes[leading[-1]].op)
    for j in spec.carriages:
        chain = [i for i in leading if nodes[i].carriage == j]
        steps.extend(_nest(nodes, chain, block, holds))
    for g in groups[k:]:
        steps.extend(g)
    unit = _unit(stay(), block, nodes, steps)
    return replace(unit, inner=_inner(nodes, mine, unit.hold, spec))


def _inner(
    nodes: list[TaskNode], mine: list[int], outer: Hold, spec: BlockSpec
) -> tuple[Held, ...]:
    """The block-level holds of the block's track method besides ``outer`` that the block
    has both ends of (a train may lack an operation), by their spans."""
    ops = {nodes[i].op: i for i in mine if nodes[i].rule.level == "block"}
    return tuple(
        Held(h, ops[h.start_op], ops[h.end_op])
        for h in holds_at("block", spec.method)
        if h != outer and h.start_op in ops and h.end_op in ops
    )


def placement_order(nodes: list[TaskNode], blocks: Sequence[BlockSpec]) -> list[Step]:
    """Every node of a train's task graph once, in placement order (module docstring)."""
    order: list[Step] = []
    placed_blocks = False
    for i, n in enumerate(nodes):
        if n.block is None:
            order.append(i)
        elif not placed_blocks:
            order.extend(_block_unit(nodes, b, spec) for b, spec in enumerate(blocks))
            placed_blocks = True
    return order
