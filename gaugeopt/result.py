"""The outcome of :func:`gaugeopt.solve`: status, bound, solution and tidy tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Result:
    """What a solve found.

    ``status`` is ``optimal`` (objective proven minimal), ``feasible`` (a checked schedule,
    maybe not minimal), ``infeasible`` (proven: no schedule exists; ``reasons`` says why
    where a cause could be named) or ``unknown`` (nothing found within the time limit).
    ``objective`` is Σ weight × dwell in minutes, ``lower_bound`` a proven bound on it.
    """

    instance: Instance
    solution: Solution
    reasons: list[str] = field(default_factory=list)
    runtime: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.solution.status

    @property
    def objective(self) -> int | None:
        return self.solution.objective

    @property
    def lower_bound(self) -> int | float | None:
        return self.solution.lower_bound

    @property
    def gap(self) -> float | None:
        """(objective − lower_bound) / objective; 0 when optimal, None when unknown."""
        obj, lb = self.objective, self.lower_bound
        if obj is None or lb is None:
            return None
        if obj == 0:
            return 0.0
        return max(0.0, (obj - lb) / obj)

    @property
    def trains(self) -> pd.DataFrame:
        """One row per train: mode, arrival, departure, dwell, locomotive, blocks."""
        arrival = {t.id: t.arrival for t in self.instance.trains}
        weight = {t.id: t.weight for t in self.instance.trains}
        rows = [
            {
                "train": p.id,
                "mode": p.mode,
                "arrival": arrival[p.id],
                "departure": p.departure,
                "dwell": p.dwell,
                "weight": weight[p.id],
                "locomotive": p.locomotive,
                "blocks": " | ".join(f"{b.track}:{len(b.carriages)}" for b in p.blocks),
            }
            for p in self.solution.trains
        ]
        cols = ["train", "mode", "arrival", "departure", "dwell", "weight", "locomotive", "blocks"]
        return pd.DataFrame(rows, columns=cols)

    @property
    def tasks(self) -> pd.DataFrame:
        """One row per task, as in the solution file."""
        cols = list(Task.model_fields)
        return pd.DataFrame([t.model_dump() for t in self.solution.tasks], columns=cols)

    def plot_gantt(self, path: str | Path | None = None, **kwargs: Any) -> Figure:
        """Draw the schedule (see :func:`gaugeopt.report.plot_gantt`)."""
        from gaugeopt.report import plot_gantt

        return plot_gantt(self.instance, self.solution, path, **kwargs)

    def summary(self) -> str:
        """One line: status, objective, bound and gap."""
        gap = "-" if self.gap is None else f"{100 * self.gap:.2f}%"
        return (
            f"{self.status}: objective {self.objective}, lower bound {self.lower_bound}, "
            f"gap {gap}, {self.runtime:.1f} s"
        )
