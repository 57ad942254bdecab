"""What one method reports on one benchmark instance (one CSV row)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class MethodResult:
    """The outcome of one method on one instance.

    ``status``: optimal / feasible / infeasible / unknown / error. ``objective`` is the
    instance's own objective (weighted dwell for gauge-change instances, makespan for
    PSPLIB/MMLIB). Times are seconds of wall clock measured by the method itself;
    ``time_to_first``/``time_to_best`` count from the method's start, ``build_time`` is
    the model build. ``valid`` says whether the schedule passed the project's checker
    (None where the checker does not apply). ``notes`` names rules a method cannot
    express or anything else a reader of the table must know.
    """

    instance: str
    method: str
    status: str
    objective: float | None = None
    lower_bound: float | None = None
    time_to_first: float | None = None
    time_to_best: float | None = None
    build_time: float | None = None
    wall_time: float | None = None
    peak_memory_mb: float | None = None
    valid: bool | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.lower_bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.lower_bound) / self.objective)

    def row(self) -> dict[str, Any]:
        """A flat dict for the CSV (``extra`` keys become columns)."""
        out = {k: v for k, v in asdict(self).items() if k != "extra"}
        out["gap"] = self.gap
        out.update(self.extra)
        return out
