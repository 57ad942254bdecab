"""Solution callback (progress reports, timing) and the stop-event watcher."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model as cp

ProgressFn = Callable[[float, int, float], None]


class Progress(cp.CpSolverSolutionCallback):
    """Counts solutions, times the first and best, reports ``(elapsed, objective, bound)``.

    Times are seconds since ``t0`` (a :func:`time.perf_counter` value).
    """

    def __init__(
        self,
        t0: float,
        on_progress: ProgressFn | None = None,
        stop: threading.Event | None = None,
        has_objective: bool = True,
        offset: int = 0,
    ) -> None:
        super().__init__()
        self.t0 = t0
        self.on_progress = on_progress
        self.stop = stop
        self.has_objective = has_objective
        self.offset = offset
        self.num_solutions = 0
        self.time_to_first: float | None = None
        self.time_to_best: float | None = None

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.t0
        self.num_solutions += 1
        if self.time_to_first is None:
            self.time_to_first = now
        self.time_to_best = now  # CP-SAT reports improving solutions only
        if self.on_progress is not None:
            if self.has_objective:
                objective = round(self.objective_value)
                bound = math.ceil(self.best_objective_bound - 1e-6)
            else:
                objective = bound = self.offset
            self.on_progress(now, objective, float(bound))
        if self.stop is not None and self.stop.is_set():
            self.stop_search()


class StopWatcher:
    """While active, stops ``solver`` as soon as ``stop`` is set (polled from a thread)."""

    def __init__(self, solver: cp.CpSolver, stop: threading.Event | None, poll: float = 0.05):
        self.solver = solver
        self.stop = stop
        self.poll = poll
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        assert self.stop is not None
        while not self._done.is_set():
            # Keep asking: a request made before the search starts could otherwise be lost.
            if self.stop.wait(self.poll):
                self.solver.stop_search()
                self._done.wait(self.poll)

    def __enter__(self) -> StopWatcher:
        if self.stop is not None:
            self._thread = threading.Thread(target=self._run, name="cpsat-stop", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
