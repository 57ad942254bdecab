"""The order in which the serial scheduler places one train's tasks, from its task graph.

Train tasks go in rulebook order, and the blocks, one after the other, at the place of the
first block task. Each block is one :class:`Unit` for the track hold
(:data:`~gaugeopt.rules.TRACK_HOLD`): placed again from a later time while its track is
taken. Inside a block, the block tasks before its first carriage task go first; then each
carriage in turn goes through its leading carriage tasks, up to the first task at block
level or the end of its jack hold (:data:`~gaugeopt.rules.JACK_HOLD`, itself a unit,
placed again from the end of a hold in its way); the remaining tasks go operation by
operation, in train order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from gaugeopt.rules import JACK_HOLD, TRACK_HOLD, BlockSpec, Hold, TaskNode


@dataclass(frozen=True)
class Unit:
    """Tasks placed together under one hold: ``first`` and ``last`` index the nodes whose
    start and end bound the hold; ``block`` is the block the held resource belongs to."""

    hold: Hold
    block: int
    first: int
    last: int
    steps: tuple[Step, ...]


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


def _carriage_chain(nodes: list[TaskNode], chain: list[int], block: int, jack: bool) -> list[Step]:
    """One carriage's leading tasks, its jack hold (when it has one) as a unit."""
    if not jack:
        return list(chain)
    at = next(k for k, i in enumerate(chain) if nodes[i].op == JACK_HOLD.start_op)
    return [*chain[:at], _unit(JACK_HOLD, block, nodes, list(chain[at:]))]


def _block_unit(nodes: list[TaskNode], block: int, spec: BlockSpec) -> Unit:
    """Block ``block``'s tasks (see the module docstring) as one track-hold unit."""
    mine = [i for i, n in enumerate(nodes) if n.block == block]
    groups = [list(g) for _, g in itertools.groupby(mine, key=lambda i: nodes[i].op)]
    jack = spec.method in JACK_HOLD.methods
    steps: list[Step] = []
    k = 0
    while k < len(groups) and nodes[groups[k][0]].rule.level != "carriage":
        steps.extend(groups[k])
        k += 1
    leading: list[int] = []
    while k < len(groups) and nodes[groups[k][0]].rule.level == "carriage":
        leading.extend(groups[k])
        k += 1
        if jack and nodes[leading[-1]].op == JACK_HOLD.end_op:
            break
    for j in spec.carriages:
        chain = [i for i in leading if nodes[i].carriage == j]
        steps.extend(_carriage_chain(nodes, chain, block, jack))
    for g in groups[k:]:
        steps.extend(g)
    return _unit(TRACK_HOLD, block, nodes, steps)


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
