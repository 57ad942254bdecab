"""``gaugeopt.replan``: a new plan for an edited instance that keeps the work already done."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.errors import InputError
from gaugeopt.gauge.build import GaugeModel, build
from gaugeopt.gauge.decode import decode_core
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution, Status, Task
from gaugeopt.params import SolveParams
from gaugeopt.replan import diff
from gaugeopt.replan.crews import reassign_crews
from gaugeopt.replan.frozen import frozen_part, validate_frozen
from gaugeopt.replan.mapping import Placed, hint, place
from gaugeopt.replan.pin import pin_frozen
from gaugeopt.replan.repair import Repaired, repair, score
from gaugeopt.replan.search import Searched, Weights, search
from gaugeopt.result import Result, SolveStats

log = logging.getLogger("gaugeopt")

#: Share of the time limit that trying repairs of the previous plan, and then placing trains
#: new to the instance around it (:mod:`gaugeopt.replan.extra`), may take each.
REPAIR_SHARE = 0.25


@dataclass
class ReplanResult(Result):
    """A :class:`~gaugeopt.result.Result` with what the replan kept and changed.

    ``changes`` has one row per task of ``previous`` that changed (or a task that was
    added), with its kinds of change (:func:`gaugeopt.replan.diff.compare`);
    ``changes_by_train`` and ``changes_by_crew`` count them.
    """

    previous: Solution | None = None
    now: int = 0
    #: Tasks of ``previous`` that had started by ``now`` and are kept as they were.
    frozen: int = 0
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=diff.COLUMNS))
    weights: Weights | None = None

    @property
    def changed(self) -> int:
        """Tasks of ``previous`` that changed (moved, re-crewed, re-tracked, re-shunted or
        dropped)."""
        return diff.changed_count(self.changes)

    @property
    def changes_by_train(self) -> pd.DataFrame:
        return diff.by_train(self.changes)

    @property
    def changes_by_crew(self) -> pd.DataFrame:
        return diff.by_crew(self.changes)


def default_weights(previous: Solution, change_weight: int = 1) -> Weights:
    """Dwell first: a minute of weighted dwell outweighs changing every task of ``previous``."""
    return Weights((len(previous.tasks) + 1) * change_weight, change_weight)


def replan(
    instance: Instance | str | os.PathLike[str],
    previous: Solution | str | os.PathLike[str],
    now: int,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    dwell_weight: int | None = None,
    change_weight: int = 1,
    params: SolveParams | None = None,
) -> ReplanResult:
    """Plan ``instance`` (what the station knows now) keeping the work of ``previous``
    that started before ``now`` (docs/replanning.md).

    The objective is ``dwell_weight × Σ weight × dwell + change_weight × changes``; by
    default ``dwell_weight = (tasks of previous + 1) × change_weight``, so that least dwell
    comes first and the fewest changes second (docs/replanning.md). Raises
    :class:`~gaugeopt.errors.InputError` (one line naming the task and the rule) when the
    edited instance contradicts the frozen work.

    With ``workers=1`` the search is budgeted in CP-SAT's deterministic time
    (``params.deterministic_rate`` × ``time_limit``) and the clock is a safety net at
    ``time_limit`` × ``params.clock_slack``, as in :func:`gaugeopt.solve`.
    """
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else read_instance(Path(instance))
    prev = previous if isinstance(previous, Solution) else read_solution(Path(previous))
    if change_weight < 0 or (dwell_weight is not None and dwell_weight < 0):
        raise InputError(f"must be >= 0, got {dwell_weight}, {change_weight}", path="weights")
    weights = (
        default_weights(prev, change_weight)
        if dwell_weight is None
        else Weights(dwell_weight, change_weight)
    )
    frozen = frozen_part(prev, now)
    validate_frozen(inst, prev, frozen)
    p = params or SolveParams()
    wall = time_limit * p.slack(workers)
    repaired = repair(
        inst, prev, now, weights, time_limit=REPAIR_SHARE * wall, workers=workers, seed=seed
    )
    repair_time = time.perf_counter() - t0
    model = build(inst)
    placed = place(model, prev)
    pinned = pin_frozen(model, placed, frozen)
    build_time = time.perf_counter() - t0
    movable = Placed({i: t for i, t in placed.tasks.items() if i not in pinned})
    log.info("replan at %d: %d frozen tasks, %d movable", now, len(pinned), len(movable.tasks))
    warm = prev if repaired is None else repaired.solution
    found = search(
        model,
        movable,
        hint(model, place(model, warm) if repaired else placed, warm),
        weights,
        time_limit=max(0.1, wall - build_time),
        workers=workers,
        seed=seed,
        deterministic_time=p.deterministic_rate * time_limit if workers == 1 else None,
    )
    stats = SolveStats(
        build_time=build_time,
        cpsat_status=found.core.status,
        num_solutions=found.core.num_solutions,
        tasks=len(model.problem.tasks),
        literals=len(model.problem.bool_names),
    )
    if repaired is not None and repaired.complete:
        stats.warm_start_time = repair_time
        stats.warm_start_objective = repaired.solution.objective
        stats.time_to_first = repair_time
    elif found.core.time_to_first is not None:
        stats.time_to_first = build_time + found.core.time_to_first
    result = ReplanResult(
        inst,
        _best(
            inst, prev, now, _solution(model, found, prev, frozen.tasks), repaired, found, weights
        ),
        previous=prev,
        now=now,
        frozen=len(frozen.tasks),
        weights=weights,
        stats=stats,
    )
    if result.status == "infeasible":
        result.reasons = ["no plan of the edited instance keeps the work already done"]
    if result.status in ("optimal", "feasible"):
        result.changes = diff.compare(prev, result.solution)
        _log_violations(inst, prev, result.solution, now)
    result.runtime = time.perf_counter() - t0
    return result


def _solution(model: GaugeModel, found: Searched, prev: Solution, frozen: list[Task]) -> Solution:
    """The search's plan with crews handed out again (frozen ones kept), or an empty one."""
    core = found.core
    if not core.has_solution:
        status: Status = "infeasible" if core.status == "infeasible" else "unknown"
        return Solution(instance=model.instance.name, status=status)
    sol = decode_core(model, core, status="feasible", lower_bound=found.dwell_bound)
    sol = reassign_crews(model, sol, prev, frozen)
    bound, dwell = found.dwell_bound, sol.objective
    if bound is not None and dwell is not None and dwell <= bound:
        sol = sol.model_copy(update={"status": "optimal"})
    return sol


def _best(
    inst: Instance,
    prev: Solution,
    now: int,
    sol: Solution,
    repaired: Repaired | None,
    found: Searched,
    weights: Weights,
) -> Solution:
    """The search's plan, or the repaired previous plan when that is complete and the search
    found nothing, nothing valid or nothing better (by the replanning objective)."""
    if repaired is None or not repaired.complete or repaired.score is None:
        return sol
    valid = sol.status in ("optimal", "feasible") and not [
        *check(inst, sol),
        *check_frozen(prev, sol, now),
    ]
    if valid and score(prev, sol, weights) <= repaired.score:
        return sol
    log.info("replan: the repaired previous plan is the best found")
    rep = repaired.solution
    bound = found.dwell_bound
    status: Status = (
        "optimal"
        if bound is not None and rep.objective is not None and rep.objective <= bound
        else "feasible"
    )
    if bound is not None and rep.objective is not None:
        bound = min(bound, rep.objective)  # a bound of the search cannot exceed a valid plan
    return rep.model_copy(update={"status": status, "lower_bound": bound})


def _log_violations(inst: Instance, previous: Solution, sol: Solution, now: int) -> None:
    """A replan that breaks a rule is a bug: say so loudly (the checker is independent)."""
    for v in [*check(inst, sol), *check_frozen(previous, sol, now)]:
        log.error("replan broke a rule: %s", v)
