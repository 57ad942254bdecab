"""The solution model (docs/file-formats.md): per-train summary and every task with its resources."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["optimal", "feasible", "infeasible", "unknown"]
Mode = Literal["through", "exchange", "changer"]
#: The operation names a solution file may hold (validation only; what each one is, the
#: rulebook says: :mod:`gaugeopt.rules.reading`).
Op = Literal[
    "detach",
    "border_check",
    "inspect",
    "shunt_in",
    "disconnect",
    "coupler",
    "lift",
    "swap",
    "roll",
    "lower",
    "reconnect",
    "shunt_out",
    "couple",
    "changer_pass",
    "ground_brake_test",
    "attach",
    "brake_test",
]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Block(_Model):
    """Consecutive carriages of one train on one shed track."""

    track: Annotated[str, Field(min_length=1)]
    carriages: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class TrainPlan(_Model):
    """What happens to one train: its mode, departure, locomotive and blocks."""

    id: str
    mode: Mode
    departure: int
    dwell: int
    locomotive: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    #: v1.1; written only when true, so a v1 solution stays a v1 file.
    ground_brake_test: bool = Field(False, exclude_if=lambda v: not v)


class Task(_Model):
    """One scheduled operation; [start, end) in minutes."""

    train: str
    op: Op
    carriage: str | None = None
    block: int | None = None
    start: int
    end: int
    crew: str | None = None
    shunter: str | None = None
    track: str | None = None
    locomotive: str | None = None


class Solution(_Model):
    """A schedule (or the proof that none exists) for one instance."""

    instance: str
    status: Status
    objective: int | None = None
    lower_bound: int | float | None = None
    trains: list[TrainPlan] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    #: gaugeopt's extension of the solution format (docs/file-formats.md): why no schedule exists (the root cause, one
    #: line each). Written only when not empty, so other solutions stay §5 files.
    reasons: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)
