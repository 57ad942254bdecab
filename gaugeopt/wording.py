"""How a plan's blocks read to a person, the same in every output.

The solution file numbers a train's blocks from 0 (``Task.block``, the index into
``TrainPlan.blocks``); people count them from 1, as they count carriages. Every table,
page, sheet, calendar and CLI line a person reads names block ``i`` as ``block i + 1``
(``b1`` where room is short), and writes a train's track split one way
(:func:`track_split`)::

    1: E02-01..04 → H1; 2: E02-05..08 → R2; 3: E02-09..12 → R3

(block number, its first and last carriage with the part they share written once,
the track it is exchanged on).
"""

from __future__ import annotations

from gaugeopt.model.solution import Block, TrainPlan

#: Between the blocks of a track split.
SPLIT_SEPARATOR = "; "


def block_number(index: int) -> int:
    """The number a person reads for the block at 0-based ``index``: ``index + 1``."""
    return index + 1


def block_name(index: int) -> str:
    """``block 1`` for index 0."""
    return f"block {block_number(index)}"


def block_short(index: int) -> str:
    """``b1`` for index 0 (bar labels, where room is short)."""
    return f"b{block_number(index)}"


def carriage_range(first: str, last: str) -> str:
    """``E02-01..04`` for ``E02-01`` to ``E02-04``: the last id without the part it
    shares with the first, cut after a separator (``-``, ``_``, ``.``, ``/`` or a space)
    so that a number is never split; ``A`` alone when first is last."""
    if first == last:
        return first
    cut = 0
    for i, (a, b) in enumerate(zip(first, last, strict=False)):
        if a != b:
            break
        if a in "-_./ ":
            cut = i + 1
    return f"{first}..{last[cut:]}"


def block_part(index: int, block: Block) -> str:
    """``2: E02-05..08 → R2``: one block of a track split."""
    ids = block.carriages
    cars = carriage_range(ids[0], ids[-1]) if ids else "no carriages"
    return f"{block_number(index)}: {cars} → {block.track}"


def split_parts(plan: TrainPlan) -> list[str]:
    """The blocks of ``plan`` as :func:`block_part` texts, in block order."""
    return [block_part(i, b) for i, b in enumerate(plan.blocks)]


def track_split(plan: TrainPlan) -> str:
    """A train's track split in the one wording every output uses (the module doc); empty
    for a train without blocks (changer, through)."""
    return SPLIT_SEPARATOR.join(split_parts(plan))
