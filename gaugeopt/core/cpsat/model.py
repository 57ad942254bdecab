"""Build a CP-SAT model from a :class:`~gaugeopt.core.problem.Problem` and solve it."""

from __future__ import annotations

import math
import threading
import time

from ortools.sat.python import cp_model as cp
from ortools.sat.python.cp_model_helper import Literal as CpLit

from gaugeopt.core.cpsat.constraints import Constraints
from gaugeopt.core.cpsat.hints import apply_hint
from gaugeopt.core.cpsat.objective import objective_expression
from gaugeopt.core.cpsat.options import ModelOptions
from gaugeopt.core.cpsat.progress import Progress, ProgressFn, StopWatcher
from gaugeopt.core.cpsat.variables import TaskVars, Variables
from gaugeopt.core.problem import Problem
from gaugeopt.core.result import CoreHint, CoreResult, Status, TaskValue

_STATUS: dict[cp.CpSolverStatus, Status] = {
    cp.OPTIMAL: "optimal",
    cp.FEASIBLE: "feasible",
    cp.INFEASIBLE: "infeasible",
    cp.UNKNOWN: "unknown",
}


class CpsatModel:
    """The CP-SAT model of one problem: variables, constraints and objective."""

    def __init__(self, problem: Problem, options: ModelOptions | None = None) -> None:
        self.problem = problem
        self.options = options or ModelOptions()
        self.model = cp.CpModel()
        self.model.name = problem.name
        self.vars = Variables(self.model, problem)
        self.constraints = Constraints(self.model, problem, self.vars, self.options)
        self.constraints.add_all()
        self.objective = objective_expression(self.model, problem, self.vars)
        if self.objective is not None:
            self.model.minimize(self.objective)

    def add_upper_bound(self, upper_bound: int) -> None:
        """Require ``objective <= upper_bound``."""
        if self.objective is not None:
            self.model.add(self.objective <= upper_bound)
        elif self.problem.objective_offset > upper_bound:
            self.model.add_bool_or([])

    def add_hint(self, hint: CoreHint) -> int:
        """Hint a (partial) solution; return the number of hinted variables."""
        return apply_hint(self.model, self.problem, self.vars, self.constraints, hint)

    def solve(
        self,
        *,
        time_limit: float = 10.0,
        workers: int = 2,
        seed: int = 0,
        on_progress: ProgressFn | None = None,
        log: bool = False,
        stop: threading.Event | None = None,
        t0: float | None = None,
        params: dict[str, object] | None = None,
        model: cp.CpModel | None = None,
    ) -> CoreResult:
        """Solve within ``time_limit`` seconds of ``t0`` (default: now), so a model built
        since ``t0`` spends part of it; times in the result count from ``t0`` too.

        ``model`` solves a clone of :attr:`model` with constraints added (same variables),
        as large-neighbourhood search does.
        """
        t0 = time.perf_counter() if t0 is None else t0
        build_time = time.perf_counter() - t0
        solver = cp.CpSolver()
        settings = solver.parameters
        # The limit counts from ``t0``: building the model (large on a whole day) is part of it.
        settings.max_time_in_seconds = max(0.05, time_limit - build_time)
        settings.num_workers = workers
        settings.random_seed = seed
        settings.log_search_progress = log
        # CP-SAT's own SIGINT handler would swallow Ctrl-C (ending only this solve, never
        # setting ``stop``) and leave SIGINT at its default afterwards: the caller's
        # handler and ``stop`` decide instead.
        settings.catch_sigint_signal = False
        subsolvers = self.options.full_subsolvers
        if subsolvers and "subsolvers" not in (params or {}):
            settings.subsolvers.extend(subsolvers)
            settings.num_full_subsolvers = min(max(1, workers), len(subsolvers))
        for name, value in (params or {}).items():
            if isinstance(value, list | tuple):  # a repeated field (e.g. ``subsolvers``)
                field = getattr(settings, name)
                field.clear()
                field.extend(value)
            else:
                setattr(settings, name, value)
        offset = self.problem.objective_offset
        callback = Progress(t0, on_progress, stop, self.objective is not None, offset)
        with StopWatcher(solver, stop):
            code = solver.solve(model or self.model, callback)
        if code == cp.MODEL_INVALID:
            raise ValueError(f"invalid CP-SAT model: {(model or self.model).validate()}")
        status = _STATUS[code]
        found = status in ("optimal", "feasible")
        objective: int | None = None
        bound: float | None = None
        tasks: list[TaskValue] = []
        bools: list[bool] = []
        if found:
            values = list(solver.response_proto.solution)
            tasks = [self._task_value(tv, values) for tv in self.vars.tasks]
            bools = [bool(values[b.index]) for b in self.vars.bools]
            objective = offset if self.objective is None else round(solver.objective_value)
        if status != "infeasible":
            if self.objective is None:
                bound = float(offset) if found else None
            elif status == "optimal" and objective is not None:
                bound = float(objective)
            elif math.isfinite(solver.best_objective_bound):
                bound = float(math.ceil(solver.best_objective_bound - 1e-6))
        return CoreResult(
            status=status,
            objective=objective,
            bound=bound,
            tasks=tasks,
            bools=bools,
            wall_time=time.perf_counter() - t0,
            build_time=build_time,
            time_to_first=callback.time_to_first,
            time_to_best=callback.time_to_best,
            num_solutions=callback.num_solutions,
        )

    @staticmethod
    def _task_value(tv: TaskVars, values: list[int]) -> TaskValue:
        def on(x: CpLit | None) -> bool:
            if x is None:
                return True
            return bool(values[x.index]) if x.index >= 0 else not values[-x.index - 1]

        if not on(tv.present):
            return TaskValue(False, 0, 0, -1, [])
        k = next((k for k, mv in enumerate(tv.modes) if on(mv.literal)), 0)
        resources = [
            next(r for r, x in zip(ch.resources, ch.literals, strict=True) if on(x))
            for ch in tv.modes[k].choices
            if ch.resources
        ]
        return TaskValue(True, values[tv.start.index], values[tv.end.index], k, resources)


def solve_problem(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressFn | None = None,
    hint: CoreHint | None = None,
    upper_bound: int | None = None,
    log: bool = False,
    stop: threading.Event | None = None,
    params: dict[str, object] | None = None,
    options: ModelOptions | None = None,
) -> CoreResult:
    """Solve ``problem`` with CP-SAT.

    ``params`` sets further CP-SAT parameters by name (e.g. ``{"cp_model_probing_level": 0}``);
    ``options`` chooses between equivalent formulations (:class:`ModelOptions`).

    ``on_progress(elapsed_s, objective, bound)`` is called on every improving solution.
    ``hint`` warm-starts the search; ``upper_bound`` requires ``objective <= upper_bound``
    (with it, "infeasible" means "nothing at least that good"). Setting ``stop`` from another
    thread ends the search early; the best solution so far is returned. With ``workers=1``
    and a fixed ``seed`` the result is reproducible.
    """
    t0 = time.perf_counter()
    cpsat = CpsatModel(problem, options)
    if hint is not None:
        cpsat.add_hint(hint)
    if upper_bound is not None:
        cpsat.add_upper_bound(upper_bound)
    return cpsat.solve(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=on_progress,
        log=log,
        stop=stop,
        t0=t0,
        params=params,
    )
