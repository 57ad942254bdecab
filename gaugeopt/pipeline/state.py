"""The state one solve's phases share: the inputs, then what each phase leaves for the next."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gaugeopt.core.result import CoreHint, CoreResult
from gaugeopt.gauge.build import GaugeModel
from gaugeopt.gauge.hint import ModelValues
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.params import SolveParams
from gaugeopt.result import Result, SolveStats

if TYPE_CHECKING:
    from gaugeopt.construct.order_search import OrderSearch
    from gaugeopt.construct.search import MultiStart
    from gaugeopt.pipeline.restart_process import RestartProcess

#: on_progress(elapsed seconds, best objective, lower bound)
ProgressCallback = Callable[[float, int, float], None]


def objective_of(sol: Solution) -> int:
    """The objective of a schedule the pipeline made (every one of them has it)."""
    if sol.objective is None:
        raise ValueError(f"a schedule of {sol.instance} without an objective")
    return sol.objective


@dataclass
class SolveState:
    """One solve: its inputs (first block) and each phase's output, filled in phase order.

    ``t0`` is the :func:`time.perf_counter` reading at the call's start: every time limit
    and every time in ``stats`` counts from it. A phase that settles the outcome sets
    ``result`` and the remaining phases are skipped.
    """

    instance: Instance
    time_limit: float
    workers: int
    seed: int
    params: SolveParams = field(default_factory=SolveParams)
    t0: float = field(default_factory=time.perf_counter)
    use_warm_start: bool = True
    on_progress: ProgressCallback | None = None
    stop: threading.Event | None = None
    log: bool = False
    #: a valid schedule given by the caller: the warm start takes it where it is better.
    start: Solution | None = None

    #: pre-check: reasons the instance is infeasible on its face.
    reasons: list[str] = field(default_factory=list)
    #: warm start: the constructive scheduler's best schedule (a later, better constructive
    #: schedule of the portfolio replaces it), and the scheduler, to go on with.
    warm: Solution | None = None
    restarts: MultiStart | None = None
    #: neighbourhood search: the order search, the portfolio's third arm (made at its
    #: first round; not tried again once it is ``hopeless``).
    orders: OrderSearch | None = None
    #: the background restarts' best order the order search last restarted from.
    orders_followed: tuple[str, ...] = ()
    #: the restarts going on in a process of their own beside CP-SAT
    #: (:mod:`~gaugeopt.pipeline.background`), started as the warm start starts.
    background: RestartProcess | None = None
    #: warm start: seconds of the constructive scheduler's first pass over the whole
    #: instance, the yardstick of what building the model and left-justifying will cost.
    pass_seconds: float = 0.0
    #: bounds: each train's own dwell bound (None until worked out) and the objective's.
    dwell_bounds: list[int | None] | None = None
    analytic: int | None = None
    #: bounds: the time-indexed bound, working beside the warm start's restarts.
    pending_bound: threading.Thread | None = None
    #: build: the CP-SAT model, the warm schedule on it and the hint it gives.
    model: GaugeModel | None = None
    warm_values: ModelValues | None = None
    hint: CoreHint | None = None
    #: build: extra CP-SAT parameters for every search.
    cp_params: dict[str, object] = field(default_factory=dict)
    #: probe (a single train's first whole-model search), then neighbourhood search: the
    #: best result so far (``optimal`` where a search proved it), and the share of the time
    #: each had.
    incumbent: CoreResult | None = None
    probe_share: float = 0.0
    lns_share: float = 0.0
    #: full search: the final core result (the incumbent if the search was skipped).
    core: CoreResult | None = None
    #: finish (or an earlier phase that settles it): what the solve returns.
    result: Result | None = None
    stats: SolveStats = field(default_factory=SolveStats)

    @property
    def deterministic(self) -> bool:
        """One worker: the run must give the same schedule for the same seed."""
        return self.workers == 1

    @property
    def cp_workers(self) -> int:
        """CP-SAT's workers: one fewer while the restarts go on in a process of their own."""
        beside = self.background is not None and self.background.alive()
        return max(1, self.workers - 1) if beside else self.workers

    def elapsed(self) -> float:
        """Seconds since the call's start."""
        return time.perf_counter() - self.t0

    @property
    def slack(self) -> float:
        """How many times slower the budget's clock runs than the wall clock: with one
        worker ``params.clock_slack`` (the deterministic budgets end the search, the clock
        is a safety net), else 1."""
        return self.params.slack(self.workers)

    def left(self) -> float:
        """Seconds of the time limit left, on the budget's clock (the wall clock read
        ``slack`` times slower)."""
        return self.time_limit - self.elapsed() / self.slack

    def wall(self, seconds: float) -> float:
        """Wall-clock seconds for ``seconds`` of the budget: the limit a sub-solve's
        clock gets."""
        return seconds * self.slack

    def search_left(self) -> float:
        """Seconds the searches may still take, on the budget's clock: to the time limit,
        less what the finish phase needs to decode and left-justify
        (``finish_reserve_passes`` first passes)."""
        return self.left() - self.params.finish_reserve_passes * self.pass_seconds

    def require_model(self) -> GaugeModel:
        """The model the build phase made (an error to ask before it ran)."""
        if self.model is None:
            raise RuntimeError("the build phase has not run")
        return self.model

    def proven(self) -> bool:
        """Whether a search over the whole model (the probe's) proved the schedule in hand
        optimal, so that no search is left to run."""
        return self.incumbent is not None and self.incumbent.status == "optimal"

    def whole_searchable(self) -> bool:
        """Whether the model is small enough for a search over all of it."""
        return len(self.require_model().problem.tasks) <= self.params.full_search_max_tasks

    def report(self, _elapsed: float, objective: int, bound: float) -> None:
        """Record an improving schedule in the trace and pass it to ``on_progress``.

        The elapsed time a sub-solve reports is its own; the trace counts from ``t0``.
        """
        now = self.elapsed()
        trace = self.stats.trace
        if not trace or objective < trace[-1][1]:
            trace.append((round(now, 3), objective))
        if self.on_progress is not None:
            self.on_progress(now, objective, bound)
