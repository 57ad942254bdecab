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
from gaugeopt.clock import Clock
from gaugeopt.errors import InputError
from gaugeopt.gauge.build import GaugeModel, build
from gaugeopt.gauge.decode import decode_core
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution, Status, Task
from gaugeopt.params import SolveParams
from gaugeopt.replan import diff
from gaugeopt.replan.crews import reassign_crews
from gaugeopt.replan.frozen import Frozen, frozen_part, validate_frozen
from gaugeopt.replan.mapping import Placed, hint, place
from gaugeopt.replan.pin import pin_frozen
from gaugeopt.replan.repair import Budget, Repaired, repair, score
from gaugeopt.replan.search import Searched, Weights, search
from gaugeopt.result import Result, SolveStats

log = logging.getLogger("gaugeopt")

#: Share of the time limit that trying repairs of the previous plan may take.
REPAIR_SHARE = 0.25
#: With one worker, repairs are counted instead of timed: a try is reckoned to take this
#: many seconds per task of the previous plan, and as many are made (one at least) as fit
#: in ``REPAIR_SHARE`` of the limit, so the result does not depend on the clock and a
#: large day does not overrun its limit.
SECONDS_PER_REPAIR_TASK = 0.0002
#: Below this many seconds left after the repair (with one worker: below this time limit),
#: the search is not started: the repaired previous plan is the replan.
MIN_SEARCH_SECONDS = 1.0


@dataclass
class ReplanResult(Result):
    """A :class:`~gaugeopt.result.Result` with what the replan kept and changed.

    ``changes`` has one row per task of ``previous`` that changed (or a task that was
    added), with its kinds of change (:func:`gaugeopt.replan.diff.compare`);
    ``changes_by_train`` and ``changes_by_crew`` count them, ``departures`` sets each
    train's new departure beside its old one. ``repaired`` is the previous plan repaired
    (moved only as needed, extra trains placed around it): the least the replan could have
    changed, and the plan it was measured against.
    """

    previous: Solution | None = None
    now: int = 0
    #: Tasks of ``previous`` that had started by ``now`` and are kept as they were.
    frozen: int = 0
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=diff.COLUMNS))
    weights: Weights | None = None
    repaired: Solution | None = None

    @property
    def changed(self) -> int:
        """Tasks of ``previous`` that changed (moved, re-crewed, re-tracked, re-shunted or
        dropped)."""
        return diff.changed_count(self.changes)

    @property
    def reassigned(self) -> int:
        """Tasks of ``previous`` given another crew, track or shunter, or dropped."""
        return diff.reassigned_count(self.changes)

    @property
    def changes_by_train(self) -> pd.DataFrame:
        return diff.by_train(self.changes)

    @property
    def changes_by_crew(self) -> pd.DataFrame:
        return diff.by_crew(self.changes)

    @property
    def departures(self) -> pd.DataFrame:
        """Per train: old and new departure (minutes from t = 0) and the difference."""
        if self.previous is None:
            return pd.DataFrame(columns=diff.DEPARTURE_COLUMNS)
        return diff.departures(self.previous, self.solution)

    @property
    def repair_changes(self) -> pd.DataFrame:
        """:attr:`changes` of the repaired previous plan."""
        if self.previous is None or self.repaired is None:
            return pd.DataFrame(columns=diff.COLUMNS)
        return diff.compare(self.previous, self.repaired)


def default_weights(
    dwell_weight: int | None = None,
    change_weight: int | None = None,
    move_weight: int | None = None,
) -> Weights:
    """:class:`Weights` with the defaults where a weight is not given (docs/replanning.md)."""
    base = Weights()
    return Weights(
        base.dwell if dwell_weight is None else dwell_weight,
        base.change if change_weight is None else change_weight,
        base.move if move_weight is None else move_weight,
    )


def replan(
    instance: Instance | str | os.PathLike[str],
    previous: Solution | str | os.PathLike[str],
    now: int,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    dwell_weight: int | None = None,
    change_weight: int | None = None,
    move_weight: int | None = None,
    params: SolveParams | None = None,
) -> ReplanResult:
    """Plan ``instance`` (what the station knows now) keeping the work of ``previous``
    that started before ``now`` (docs/replanning.md).

    The objective is ``dwell_weight × Σ weight × dwell + change_weight × reassigned tasks
    + move_weight × moved tasks`` (defaults :class:`~gaugeopt.replan.search.Weights`:
    1, 10 and 1, so one reassignment is worth 10 minutes of weighted dwell;
    docs/replanning.md). The previous plan, repaired and with extra trains placed around it,
    is the floor: the search starts from it, never returns more weighted dwell, and it is
    returned when nothing better is found. With ``workers=1`` the result does not depend on
    the clock (budgets are counted or in CP-SAT's deterministic time).

    Parameters
    ----------
    instance : Instance or path
        The instance as the station knows it now: the earlier one, edited (a late arrival,
        a shorter shift, a closed track, an extra or a cancelled train...).
    previous : Solution or path
        The plan being carried out (a solution of the earlier instance).
    now : int
        Minutes from t = 0: every task of ``previous`` that started before it is kept as it
        was, and no other task may start before it.
    time_limit : float
        Seconds the search may take.
    workers : int
        CP-SAT search threads (1: reproducible, as for :func:`gaugeopt.solve`).
    seed : int
        Random seed of the search.
    dwell_weight : int, optional
        Weight of the weighted dwell in the objective (>= 0; default 1).
    change_weight : int, optional
        Weight of each task given another crew, track or shunter (>= 0; default 10).
    move_weight : int, optional
        Weight of each task with another start (>= 0; default 1).
    params : SolveParams, optional
        Its ``deterministic_rate`` and ``clock_slack`` apply as in :func:`gaugeopt.solve`:
        with one worker the clock is a safety net at ``time_limit`` × ``clock_slack``.

    Returns
    -------
    ReplanResult
        A :class:`~gaugeopt.result.Result` with ``previous``, ``now``, ``weights``,
        ``frozen`` (tasks kept as they were), ``changed`` (tasks that changed), ``changes``
        (one row per changed task), ``changes_by_train`` / ``changes_by_crew``,
        ``repaired`` (the repaired previous plan), ``departures`` (each train's old and new
        departure) and ``reassigned`` (tasks given another crew, track or shunter).

    Raises
    ------
    InputError
        A file cannot be read or is invalid, a weight is negative, or the edited instance
        contradicts the frozen work (one line naming the task and the rule).
    """
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else read_instance(Path(instance))
    prev = previous if isinstance(previous, Solution) else read_solution(Path(previous))
    given = {"dwell": dwell_weight, "change": change_weight, "move": move_weight}
    for name, value in given.items():
        if value is not None and value < 0:
            raise InputError(f"must be >= 0, got {value}", path=f"{name}_weight")
    weights = default_weights(dwell_weight, change_weight, move_weight)
    if now > inst.horizon:
        raise InputError(
            f"{Clock.of(inst).at(now)} lies past the horizon ({Clock.of(inst).at(inst.horizon)})",
            path="now",
        )
    frozen = frozen_part(prev, now)
    validate_frozen(inst, prev, frozen)
    deterministic = workers == 1
    share = REPAIR_SHARE * time_limit
    budget = (
        Budget(tries=max(1, int(share / (SECONDS_PER_REPAIR_TASK * max(1, len(prev.tasks))))))
        if deterministic
        else Budget(seconds=share)
    )
    repaired = repair(inst, prev, now, weights, budget)
    repair_time = time.perf_counter() - t0
    left = time_limit - (share if deterministic else repair_time)
    if repaired is not None and left < MIN_SEARCH_SECONDS:
        log.info("replan: %.2f s left after the repair; the repaired plan is the replan", left)
        found = None
        stats = SolveStats(warm_start_time=repair_time, time_to_first=repair_time)
        model = None
    else:
        model, found, stats = _search(
            inst,
            prev,
            frozen,
            repaired,
            weights,
            t0,
            left if deterministic else time_limit,
            workers=workers,
            seed=seed,
            clock_slack=(params or SolveParams()).slack(workers),
        )
        if repaired is not None:
            stats.warm_start_time = repair_time
            stats.warm_start_objective = repaired.solution.objective
            stats.time_to_first = repair_time
    sol = (
        _solution(model, found, prev, frozen.tasks)
        if model is not None and found is not None
        else Solution(instance=inst.name, status="unknown")
    )
    best = _best(inst, prev, now, sol, repaired, found, weights)
    if best.status == "infeasible":
        why = ["no plan of the edited instance keeps the work already done"]
        best = best.model_copy(update={"reasons": why})
    result = ReplanResult(
        inst,
        best,
        previous=prev,
        now=now,
        frozen=len(frozen.tasks),
        weights=weights,
        stats=stats,
        repaired=repaired.solution if repaired is not None else None,
    )
    if result.status in ("optimal", "feasible"):
        result.changes = diff.compare(prev, result.solution)
        if repaired is None or result.solution is not repaired.solution:
            _log_violations(inst, prev, result.solution, now)
    result.runtime = time.perf_counter() - t0
    return result


def _search(
    inst: Instance,
    prev: Solution,
    frozen: Frozen,
    repaired: Repaired | None,
    weights: Weights,
    t0: float,
    time_limit: float,
    *,
    workers: int,
    seed: int,
    clock_slack: float = 1.0,
) -> tuple[GaugeModel, Searched, SolveStats]:
    """The CP-SAT search over the pinned model, from the repaired plan (or the previous one)."""
    model = build(inst)
    placed = place(model, prev)
    pinned = pin_frozen(model, placed, frozen)
    build_time = time.perf_counter() - t0
    movable = Placed({i: t for i, t in placed.tasks.items() if i not in pinned})
    log.info(
        "replan at %d: %d frozen tasks, %d movable", frozen.now, len(pinned), len(movable.tasks)
    )
    warm = prev if repaired is None else repaired.solution
    found = search(
        model,
        movable,
        hint(model, place(model, warm) if repaired else placed, warm),
        weights,
        # with one worker the budget is deterministic: not cut by the clock spent so far
        time_limit=time_limit if workers == 1 else max(0.1, time_limit - build_time),
        clock_slack=clock_slack,
        workers=workers,
        seed=seed,
        dwell_cap=repaired.solution.objective if repaired is not None else None,
    )
    stats = SolveStats(
        build_time=build_time,
        cpsat_status=found.core.status,
        num_solutions=found.core.num_solutions,
        tasks=len(model.problem.tasks),
        literals=len(model.problem.bool_names),
    )
    if found.core.time_to_first is not None:
        stats.time_to_first = build_time + found.core.time_to_first
    return model, found, stats


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
    found: Searched | None,
    weights: Weights,
) -> Solution:
    """The search's plan, or the repaired previous plan when the search found nothing,
    nothing valid, nothing better (by the replanning objective) or more weighted dwell."""
    if repaired is None:
        return sol
    rep = repaired.solution
    valid = sol.status in ("optimal", "feasible") and not [
        *check(inst, sol),
        *check_frozen(prev, sol, now),
    ]
    if (
        valid
        and (sol.objective or 0) <= (rep.objective or 0)
        and score(prev, sol, weights) <= repaired.score
    ):
        return sol
    log.info("replan: the repaired previous plan is the best found")
    bound = found.dwell_bound if found is not None else None
    status: Status = (
        "optimal"
        if bound is not None and rep.objective is not None and rep.objective <= bound
        else "feasible"
    )
    if bound is not None and rep.objective is not None:
        bound = min(bound, rep.objective)  # a bound of the search cannot exceed a valid plan
    if status == "feasible" and bound == rep.lower_bound:
        return rep  # the repaired plan itself (checked already)
    return rep.model_copy(update={"status": status, "lower_bound": bound})


def _log_violations(inst: Instance, previous: Solution, sol: Solution, now: int) -> None:
    """A replan that breaks a rule is a bug: say so loudly (the checker is independent)."""
    for v in [*check(inst, sol), *check_frozen(previous, sol, now)]:
        log.error("replan broke a rule: %s", v)
