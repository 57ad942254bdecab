"""One broken rule of a solution, as a stable code and a one-line message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """A rule of docs/model.md or docs/file-formats.md that a solution breaks.

    ``rule`` is a short stable code (``precedence``, ``crew-overlap``, ...); ``message`` is one
    line naming the train, the task and the resource involved. ``train``, ``task`` (e.g.
    ``"lift A1"``) and ``resource`` repeat those names for programs.
    """

    rule: str
    message: str
    train: str | None = None
    task: str | None = None
    resource: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def block_name(index: int | None) -> str:
    """A block as a person counts it, from 1 (the solution file's ``block`` index counts
    from 0): ``block 1`` for index 0; ``no block`` for None."""
    return "no block" if index is None else f"block {index + 1}"


def task_label(op: str, carriage: str | None = None, block: int | None = None) -> str:
    """A short human name for a task: ``lift A1``, ``shunt_in block 1`` (the file's block
    0, :func:`block_name`), ``attach``."""
    if carriage is not None:
        return f"{op} {carriage}"
    if block is not None:
        return f"{op} {block_name(block)}"
    return op
