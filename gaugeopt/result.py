"""The outcome of :func:`gaugeopt.solve`: status, bound, solution and tidy tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: One improvement: (seconds from the call's start, objective).
TracePoint = tuple[float, int]


@dataclass
class SolveStats:
    """What a solve measured. Times are seconds; ``None`` where the phase never ran (a
    pre-check found the instance infeasible, so nothing was built or searched)."""

    #: Compiling the instance into the CP-SAT model.
    build_time: float | None = None
    #: The warm start (constructive scheduler), including the search-free bounds when they
    #: were worked out during it (after its first pass).
    warm_start_time: float | None = None
    #: Objective of the warm start's schedule (None: none found or no warm start).
    warm_start_objective: int | None = None
    #: Status of the last search ("optimal", "feasible", "infeasible", "unknown").
    cpsat_status: str | None = None
    #: Seconds from the call to the first / the last improving schedule.
    time_to_first: float | None = None
    time_to_best: float | None = None
    #: Every improvement, in order.
    trace: list[TracePoint] = field(default_factory=list)
    #: Improving schedules CP-SAT reported in the last search.
    num_solutions: int | None = None
    #: Size of the model: tasks and literals.
    tasks: int | None = None
    literals: int | None = None
    #: The search-free lower bound on the objective.
    analytic_bound: int | None = None
    #: Each train's own search-free bound on its dwell (``train_dwell_bounds``), in the
    #: instance's train order; the report's ``dwell_lb_any`` uses it.
    dwell_bounds: list[int | None] = field(default_factory=list)
    #: Neighbourhoods tried / improving, by name (``trains:tried``, ``window:improved``...).
    lns: dict[str, int] = field(default_factory=dict)
    #: Wall time of each pipeline phase that ran, by name, in the order they ran.
    phase_times: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The stats as plain data (lists and dicts), e.g. for JSON."""
        return asdict(self)


@dataclass
class Result:
    """What a solve found.

    ``status`` is ``optimal`` (objective proven minimal), ``feasible`` (a checked schedule,
    maybe not minimal), ``infeasible`` (proven: no schedule exists; ``reasons`` says why
    where a cause could be named) or ``unknown`` (nothing found within the time limit).
    ``objective`` is Σ weight × dwell in minutes, ``lower_bound`` a proven bound on it.
    ``stats`` holds timings and sizes (see :class:`SolveStats`).
    """

    instance: Instance
    solution: Solution
    reasons: list[str] = field(default_factory=list)
    runtime: float = 0.0
    stats: SolveStats = field(default_factory=SolveStats)

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

    def dwell_bounds(self) -> list[int | None]:
        """Each train's search-free bound on its dwell: the solve's, or worked out now."""
        if self.stats.dwell_bounds:
            return self.stats.dwell_bounds
        from gaugeopt.bounds import train_dwell_bounds

        return train_dwell_bounds(self.instance)

    def plot_gantt(self, path: str | Path | None = None, **kwargs: Any) -> Figure:
        """Draw the schedule (see :func:`gaugeopt.report.plot_gantt`)."""
        from gaugeopt.report import plot_gantt

        kwargs.setdefault("dwell_bounds", self.dwell_bounds())
        return plot_gantt(self.instance, self.solution, path, **kwargs)

    def summary(self) -> str:
        """One line: status, objective, bound and gap."""
        gap = "-" if self.gap is None else f"{100 * self.gap:.2f}%"
        return (
            f"{self.status}: objective {self.objective}, lower bound {self.lower_bound}, "
            f"gap {gap}, {self.runtime:.1f} s"
        )
