"""The outcome of :func:`gaugeopt.solve`: status, bound, solution and tidy tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from gaugeopt.bounds import train_dwell_bounds
from gaugeopt.frames import tasks_frame, trains_frame
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.utilisation import resource_table

#: Shown where a value is missing (no objective, no bound).
MISSING = "—"


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
    #: Waves the day was solved in, one by one (0: not decomposed; see
    #: :mod:`gaugeopt.pipeline.decompose`).
    decompose_waves: int = 0
    #: Wall time of each pipeline phase that ran, by name, in the order they ran.
    phase_times: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The stats as plain data (lists and dicts), e.g. for JSON."""
        return asdict(self)


@dataclass
class Result:
    """What a solve found: the schedule, its status, objective and bound, and tidy tables.

    A record: its tables are :mod:`gaugeopt.frames` and :func:`gaugeopt.utilisation.resource_table`
    of its schedule, and :func:`gaugeopt.report.plot_result` draws it.

    :func:`gaugeopt.solve` returns one (:func:`gaugeopt.replan` a subclass). ``status`` is
    ``optimal`` (objective proven minimal), ``feasible`` (a checked schedule, maybe not
    minimal), ``infeasible`` (proven: no schedule exists; ``reasons`` says why where a cause
    could be named, and the solution carries them too) or ``unknown`` (nothing found within
    the time limit).

    Parameters
    ----------
    instance : Instance
        The instance solved.
    solution : Solution
        The schedule found (empty unless the status is ``optimal`` or ``feasible``), as
        written to a solution file.
    runtime : float
        Seconds the solve took.
    stats : SolveStats
        Timings and sizes of the solve (:class:`SolveStats`).

    Attributes
    ----------
    reasons : list of str
        Why there is no schedule, where a cause could be named: the solution's ``reasons``
        (written to the solution file, and read back with it).
    status : str
        ``optimal``, ``feasible``, ``infeasible`` or ``unknown`` (the solution's).
    objective : int or None
        Σ weight × dwell in minutes of the schedule; None without one.
    lower_bound : int, float or None
        A proven lower bound on the objective; None when nothing was proven.
    gap : float or None
        (objective − lower_bound) / objective; 0 when optimal, None without both.
    trains : pandas.DataFrame
        One row per train: mode, arrival, departure, dwell, weight, locomotive, blocks.
    tasks : pandas.DataFrame
        One row per task, as in the solution file.
    resources : pandas.DataFrame
        Busy and available minutes, utilisation and uses of every resource.
    """

    instance: Instance
    solution: Solution
    runtime: float = 0.0
    stats: SolveStats = field(default_factory=SolveStats)

    @property
    def reasons(self) -> list[str]:
        """Why there is no schedule (the solution's ``reasons``: their one home)."""
        return self.solution.reasons

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
        """One row per train (:func:`gaugeopt.frames.trains_frame` of the schedule)."""
        return trains_frame(self.instance, self.solution)

    @property
    def tasks(self) -> pd.DataFrame:
        """One row per task (:func:`gaugeopt.frames.tasks_frame` of the schedule); ``block``
        is counted from 1, a nullable integer."""
        return tasks_frame(self.solution)

    @property
    def resources(self) -> pd.DataFrame:
        """One row per resource — crews, shunters, tracks, jack sets, changer, locomotives —
        with ``busy`` and ``available`` minutes, ``utilisation`` (busy / available) and
        ``uses`` (:func:`gaugeopt.utilisation.resource_table` of the schedule). Empty
        without a schedule."""
        return resource_table(self.instance, self.solution)

    def dwell_bounds(self) -> list[int | None]:
        """Each train's search-free bound on its dwell: the solve's, or worked out now.

        Returns
        -------
        list of int or None
            One bound per train, in the instance's train order (None: the train can never
            depart).
        """
        if self.stats.dwell_bounds:
            return self.stats.dwell_bounds
        return train_dwell_bounds(self.instance)

    def summary(self) -> str:
        """One line: status, objective, bound, gap and runtime (the line ``gaugeopt solve``
        prints).

        Returns
        -------
        str
            E.g. ``optimal: objective 280 (weighted dwell, min), lower bound 280, gap
            0.00%, 1.2 s`` ("—" where there is no value);
            ``infeasible: no schedule exists, 0.3 s`` or ``unknown: no schedule found
            within the time limit, 30.0 s`` without a schedule.
        """
        if self.status == "infeasible":
            return f"infeasible: no schedule exists, {self.runtime:.1f} s"
        if self.status == "unknown":
            return f"unknown: no schedule found within the time limit, {self.runtime:.1f} s"
        gap = MISSING if self.gap is None else f"{100 * self.gap:.2f}%"
        obj = MISSING if self.objective is None else str(self.objective)
        lb = MISSING if self.lower_bound is None else f"{self.lower_bound:g}"
        return (
            f"{self.status}: objective {obj} (weighted dwell, min), "
            f"lower bound {lb}, gap {gap}, {self.runtime:.1f} s"
        )
