"""Solver-neutral results of the scheduling core, and warm-start hints.

A :class:`CoreResult` reports a solve of a :class:`~gaugeopt.core.problem.Problem`; its
``tasks`` are index-aligned with ``problem.tasks`` and its ``bools`` with
``problem.bool_names``. A :class:`CoreHint` carries a (partial or complete) solution back
into a solve; :meth:`CoreHint.from_result` turns a result into a complete hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass
class TaskValue:
    """The value of one task in a solution.

    ``resources`` holds the chosen resource index for each :class:`~gaugeopt.core.problem.Choice`
    of the chosen ``mode``, in order (empty when that mode has duration 0). An absent task has
    ``present=False``, ``start=end=0``, ``mode=-1`` and no resources.
    """

    present: bool
    start: int
    end: int
    mode: int
    resources: list[int] = field(default_factory=list)


@dataclass
class CoreResult:
    """The outcome of :func:`gaugeopt.core.solve_problem`.

    ``objective`` is ``None`` unless a solution was found (then ``tasks``/``bools`` hold it);
    ``bound`` is the proven lower bound. Times are seconds since the call began:
    ``build_time`` for building the model, ``wall_time`` for everything, ``time_to_first`` /
    ``time_to_best`` for the first / last improving solution.
    """

    status: Status
    objective: int | None
    bound: float | None
    tasks: list[TaskValue]
    bools: list[bool]
    wall_time: float
    build_time: float
    time_to_first: float | None
    time_to_best: float | None
    num_solutions: int

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")

    @classmethod
    def unsearched(cls) -> CoreResult:
        """No search ran (no time for it): no schedule, no bound."""
        return cls("unknown", None, None, [], [], 0.0, 0.0, None, None, 0)


@dataclass
class TaskHint:
    """Hinted values for one task; ``None`` leaves a value unhinted.

    ``resources`` is the chosen resource per choice of the hinted ``mode``. ``end`` is only
    needed where it does not follow from ``start`` and the mode (span tasks, durations that
    depend on unhinted literals).
    """

    present: bool | None = None
    start: int | None = None
    mode: int | None = None
    resources: list[int] | None = None
    end: int | None = None


@dataclass
class CoreHint:
    """A warm start: task hints by task index and literal values by literal index."""

    tasks: dict[int, TaskHint] = field(default_factory=dict)
    bools: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def from_result(cls, result: CoreResult) -> CoreHint:
        """A complete hint reproducing the solution held by ``result``."""
        tasks = {
            i: TaskHint(False)
            if not tv.present
            else TaskHint(True, tv.start, tv.mode, list(tv.resources), tv.end)
            for i, tv in enumerate(result.tasks)
        }
        return cls(tasks, dict(enumerate(result.bools)))
