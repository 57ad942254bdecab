"""The outcome of :func:`gaugeopt.solve`: status, bound, solution and tidy tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
    #: Wall time of each pipeline phase that ran, by name, in the order they ran.
    phase_times: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The stats as plain data (lists and dicts), e.g. for JSON."""
        return asdict(self)


@dataclass
class Result:
    """What a solve found: the schedule, its status, objective and bound, and tidy tables.

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
    reasons : list of str
        Why there is no schedule, where a cause could be named; they go into
        ``solution.reasons`` too (and a solution read back brings its reasons along).
    runtime : float
        Seconds the solve took.
    stats : SolveStats
        Timings and sizes of the solve (:class:`SolveStats`).

    Attributes
    ----------
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
    reasons: list[str] = field(default_factory=list)
    runtime: float = 0.0
    stats: SolveStats = field(default_factory=SolveStats)

    def __post_init__(self) -> None:
        """The reasons go into the solution too (its ``reasons`` field, written to the
        solution file), and a solution read back brings its reasons along."""
        if self.reasons and not self.solution.reasons:
            self.solution = self.solution.model_copy(update={"reasons": list(self.reasons)})
        elif not self.reasons and self.solution.reasons:
            self.reasons = list(self.solution.reasons)

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
        """One row per train: mode, arrival, departure, dwell, weight, locomotive and
        ``blocks``, the track split in the wording of :func:`gaugeopt.wording.track_split`
        (blocks counted from 1: ``1: E02-01..04 → H1; 2: E02-05..08 → R2``)."""
        from gaugeopt.wording import track_split

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
                "blocks": track_split(p),
            }
            for p in self.solution.trains
        ]
        cols = ["train", "mode", "arrival", "departure", "dwell", "weight", "locomotive", "blocks"]
        return pd.DataFrame(rows, columns=cols)

    @property
    def tasks(self) -> pd.DataFrame:
        """One row per task, with the solution file's fields; ``block`` is counted from 1
        as people count blocks (the file's 0-based index + 1), a nullable integer (pandas
        ``Int64``: ``<NA>`` on train tasks); ``start`` and ``end`` are integers."""
        cols = list(Task.model_fields)
        df = pd.DataFrame([t.model_dump() for t in self.solution.tasks], columns=cols)
        df = df.astype({"block": "Int64", "start": "int64", "end": "int64"})
        df["block"] = df["block"] + 1
        return df

    @property
    def resources(self) -> pd.DataFrame:
        """One row per resource — crews, shunters, tracks, jack sets, changer, locomotives —
        with ``busy`` and ``available`` minutes, ``utilisation`` (busy / available) and
        ``uses``; see :mod:`gaugeopt.utilisation` for what each counts. Empty without a
        schedule."""
        from gaugeopt.utilisation import resource_table

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
        from gaugeopt.bounds import train_dwell_bounds

        return train_dwell_bounds(self.instance)

    def plot_gantt(
        self, path: str | Path | None = None, *, ax: Axes | None = None, **kwargs: Any
    ) -> Figure:
        """Draw the schedule (see :func:`gaugeopt.report.plot_gantt`) and return the Figure.

        Parameters
        ----------
        path : str or path, optional
            Also save the figure there (any format matplotlib writes, by suffix).
        ax : matplotlib.axes.Axes, optional
            Draw resources and trains as one Gantt on this axes; a figure without a layout
            engine gets matplotlib's constrained layout, so that row labels and the legend
            outside the axes are not cut off.
        **kwargs
            Passed on to :func:`gaugeopt.report.plot_gantt` (``dwell_bounds``; default:
            ``self.dwell_bounds()``).

        Returns
        -------
        matplotlib.figure.Figure
            Without ``ax``, the full report figure (resources, trains, bogie stock, dwell,
            utilisation, advice); with ``ax``, the figure of ``ax``.

        Raises
        ------
        NothingToDraw
            The solution holds no schedule (status ``infeasible`` or ``unknown``).
        """
        from gaugeopt.report import plot_gantt

        if ax is not None:
            fig = ax.figure
            root = cast("Figure", getattr(fig, "figure", fig))  # a SubFigure's root Figure
            if root.get_layout_engine() is None:
                root.set_layout_engine("constrained")
        kwargs.setdefault("dwell_bounds", self.dwell_bounds())
        return plot_gantt(self.instance, self.solution, path, ax=ax, **kwargs)

    def summary(self) -> str:
        """One line: status, objective, bound, gap and runtime.

        Returns
        -------
        str
            E.g. ``optimal: objective 280, lower bound 280, gap 0.00%, 1.2 s`` ("—" where
            there is no value).
        """
        gap = MISSING if self.gap is None else f"{100 * self.gap:.2f}%"
        obj = MISSING if self.objective is None else str(self.objective)
        lb = MISSING if self.lower_bound is None else f"{self.lower_bound:g}"
        return f"{self.status}: objective {obj}, lower bound {lb}, gap {gap}, {self.runtime:.1f} s"
