"""``gaugeopt.solve``: pre-checks, warm start, CP-SAT search, decoding."""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from gaugeopt.core import CoreHint, TaskHint, solve_problem
from gaugeopt.core.lns import improve
from gaugeopt.core.result import CoreResult
from gaugeopt.gauge.bounds import lower_bound, train_dwell_bounds
from gaugeopt.gauge.build import build
from gaugeopt.gauge.decode import decode
from gaugeopt.gauge.hint import ModelValues, as_core_result, solution_values
from gaugeopt.gauge.lns import neighbourhoods
from gaugeopt.gauge.precheck import infeasibility_reasons
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.result import Result

#: Above this many tasks CP-SAT's presolve probing is switched off: on a day of 11 trains
#: (2,200 tasks, 13,000 optional crew intervals) it spent 28 s of wall time probing and
#: left no time to search, while the search itself does as well without it.
PROBING_OFF_ABOVE_TASKS = 1000

#: Large-neighbourhood search runs on instances of several trains given more than
#: LNS_MIN_SECONDS, for LNS_SHARE of the time left after the warm start, in sub-solves of
#: about LNS_STEP_SECONDS; the rest goes to one search over the whole model (on a day of
#: 30 trains that search barely moves, while each neighbourhood still pays).
LNS_MIN_SECONDS = 5.0
#: Above this many tasks the last search over the whole model is skipped and the
#: neighbourhood search keeps all the time: building and presolving the whole model of a
#: 30-train day takes seconds and the search over it found nothing.
FULL_SEARCH_MAX_TASKS = 5000
LNS_SHARE = 0.85
#: A single train spends less in neighbourhoods: the whole model is small enough for
#: CP-SAT to search, and it is the only search that can prove optimality.
LNS_SHARE_SINGLE = 0.5
LNS_STEP_SECONDS = 2.0

#: Share of the time limit for the warm start's restarts. On large models they pay: a
#: 32-train day went from 36,187 (one pass) to 32,077 with 10 s of restarts, and a single
#: 49-carriage train from 694 to 548 in 3 s, where CP-SAT alone did not move in 10 s.
#: On a single train of up to WARM_SMALL_CARRIAGES carriages CP-SAT does better with it.
WARM_SHARE_LARGE = 0.3
WARM_SHARE_SMALL = 0.03
WARM_SMALL_CARRIAGES = 30

#: CP-SAT's full-model worker on a single train (with 2 workers or more): the search for
#: the objective's lower bound. Measured at 30 s, 2 workers, from no hint: bounds 800 -> 975
#: (single-small-0006, 7 carriages) and 920 -> 970 (single-small-0010) with schedules as
#: good or better, no change on brest-passenger and khasan-armoured. Days keep the default
#: (their last whole-model search is short; see LNS_SHARE).
SINGLE_TRAIN_SUBSOLVERS = ["objective_lb_search"]

#: Reproducible runs (one worker) budget CP-SAT in its deterministic time, at this many
#: units per second of the time limit: measured here at 0.06 units/s on single trains
#: (0.012 on an 11-train day, where the clock then ends the search first and the run is
#: not reproducible), so the deterministic budget usually ends the search before the clock.
DETERMINISTIC_RATE = 0.03
#: Randomised restarts of the warm start when the run must be reproducible.
DETERMINISTIC_RESTARTS = 4

#: on_progress(elapsed seconds, best objective, lower bound)
ProgressCallback = Callable[[float, int, float], None]


def _hint(values: ModelValues) -> CoreHint:
    tasks = {
        i: TaskHint(True, values.start[i], 0, values.resources[i], values.end[i])
        if values.present[i]
        else TaskHint(False)
        for i in range(len(values.present))
    }
    return CoreHint(tasks, dict(values.bools))


def _warm_start(
    inst: Instance,
    time_limit: float,
    seed: int,
    deterministic: bool,
    on_improve: Callable[[Solution], None],
    target: int | Callable[[], int | None] | None,
) -> Solution | None:
    from gaugeopt.construct import construct

    if deterministic:  # a fixed number of restarts, not as many as the clock allows
        return construct(
            inst,
            time_limit=math.inf,
            seed=seed,
            restarts=DETERMINISTIC_RESTARTS,
            on_improve=on_improve,
            target=target,
        )
    return construct(inst, time_limit=time_limit, seed=seed, on_improve=on_improve, target=target)


def solve(
    instance: Instance | str | os.PathLike[str],
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    warm_start: bool = True,
    stop: threading.Event | None = None,
    log: bool = False,
) -> Result:
    """Find a schedule of least weighted dwell for ``instance`` (a path or an Instance).

    The constructive scheduler runs first (3 % of the budget for a small train, 30 % for
    a day or a long train); its schedule seeds CP-SAT as a hint and an objective cut-off, so the result is
    never worse than it. Days then go through large-neighbourhood search before a last
    search over the whole model. The search stops at ``time_limit`` seconds, or when
    ``stop`` is set (the best schedule so far is returned). With ``workers=1`` the same
    ``seed`` gives the same schedule (see ``DETERMINISTIC_RATE``).

    ``Result.stats`` holds timings: ``build_time``, ``warm_start_time``,
    ``time_to_first`` / ``time_to_best`` (seconds from the call to the first / last
    improving schedule) and ``trace``, every (seconds, objective) improvement.
    """
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else read_instance(Path(instance))
    reasons = infeasibility_reasons(inst)
    if reasons:
        sol = Solution(instance=inst.name, status="infeasible")
        return Result(inst, sol, reasons=reasons, runtime=time.perf_counter() - t0)

    deterministic = workers == 1
    # The search-free bounds are worked out after the first constructive pass (a day of 40
    # trains takes about 0.5 s for each), so the first schedule comes first; each train's
    # own bound is kept for the model's departure floors.
    own: list[int | None] = []
    known: list[int | None] = []

    def analytic_bound() -> int | None:
        if not known:
            own.extend(train_dwell_bounds(inst))
            known.append(lower_bound(inst, own=own))
        return known[0]

    trace: list[tuple[float, int]] = []

    def report(_elapsed: float, objective: int, bound: float) -> None:
        now = time.perf_counter() - t0
        if not trace or objective < trace[-1][1]:
            trace.append((round(now, 3), objective))
        if on_progress is not None:
            on_progress(now, objective, bound)

    # The warm start comes first, so that a schedule is in hand as soon as possible.
    warm: Solution | None = None
    t_warm = time.perf_counter()
    if warm_start:
        n_cars = sum(len(t.carriages) for t in inst.trains)
        large = len(inst.trains) > 1 or n_cars > WARM_SMALL_CARRIAGES
        warm = _warm_start(
            inst,
            max(0.05, (WARM_SHARE_LARGE if large else WARM_SHARE_SMALL) * time_limit),
            seed,
            deterministic,
            on_improve=lambda sol: report(
                0.0, sol.objective, float(known[0] or 0) if known else 0.0
            ),
            target=analytic_bound,
        )
    warm_time = time.perf_counter() - t_warm
    analytic = analytic_bound()
    t_build = time.perf_counter()
    model = build(inst, dwell_bounds=own)
    build_time = time.perf_counter() - t_build
    hint = None
    if warm is not None:
        try:
            hint = _hint(solution_values(model, warm))
        except (KeyError, StopIteration):  # a warm schedule the model cannot express
            hint = None

    params: dict[str, object] = {}
    if len(model.problem.tasks) > PROBING_OFF_ABOVE_TASKS:
        params["cp_model_probing_level"] = 0

    # Large-neighbourhood search from the warm start first, then one search over the whole
    # model from the best schedule (it proves the bound and may still improve).
    lns_stats: dict[str, int] = {}
    incumbent: CoreResult | None = None
    remaining = time_limit - (time.perf_counter() - t0)
    proven = warm is not None and analytic is not None and warm.objective <= analytic
    lns_share = 0.0
    whole = len(model.problem.tasks) <= FULL_SEARCH_MAX_TASKS
    # Without the whole-model search, neighbourhoods are the only search left: they run
    # however little time remains (each sub-solve stops at the time limit).
    if hint is not None and (remaining > LNS_MIN_SECONDS or not whole) and not proven:
        lns_share = (LNS_SHARE if len(inst.trains) > 1 else LNS_SHARE_SINGLE) if whole else 1.0
        lns_time = lns_share * remaining
        incumbent, lns_stats = improve(
            model.problem,
            as_core_result(model, solution_values(model, warm), warm.objective),
            neighbourhoods(model),
            time_limit=lns_time,
            workers=workers,
            seed=seed,
            step_time=LNS_STEP_SECONDS,
            on_progress=report,
            stop=stop,
            params=params,
            # Reproducible runs count iterations from the time limit, not the clock.
            iterations=(
                max(1, int(lns_share * time_limit / LNS_STEP_SECONDS)) if deterministic else None
            ),
            deterministic_rate=DETERMINISTIC_RATE,
            target=analytic,
            bound=float(analytic or 0),
        )
        hint = CoreHint.from_result(incumbent)

    remaining = max(0.1, time_limit - (time.perf_counter() - t0))
    if len(inst.trains) == 1 and workers > 1:
        params["subsolvers"] = SINGLE_TRAIN_SUBSOLVERS
    if deterministic:
        params["max_deterministic_time"] = DETERMINISTIC_RATE * (1.0 - lns_share) * time_limit
    upper = None
    if hint is not None:
        upper = incumbent.objective if incumbent is not None else warm.objective
    at_bound = upper is not None and analytic is not None and upper <= analytic
    if upper is not None and (at_bound or not whole):
        # Nothing to search: the schedule in hand meets the lower bound, or building and
        # presolving the whole model alone would outlast the time left.
        core = incumbent or as_core_result(model, solution_values(model, warm), upper)
    else:
        core = solve_problem(
            model.problem,
            time_limit=remaining,
            workers=workers,
            seed=seed,
            on_progress=report,
            hint=hint,
            upper_bound=upper,
            log=log,
            stop=stop,
            params=params,
        )
    if core.status not in ("optimal", "feasible") and incumbent is not None:
        core = replace(incumbent, status="feasible", bound=core.bound)
    bound = None if core.bound is None else max(0, math.ceil(core.bound - 1e-6))
    if analytic is not None and core.status != "infeasible":
        bound = analytic if bound is None else max(bound, analytic)
    stats = {
        "build_time": build_time,
        "warm_start_time": warm_time,
        "warm_start_objective": None if warm is None else warm.objective,
        "cpsat_status": core.status,
        "time_to_first": trace[0][0] if trace else None,
        "time_to_best": trace[-1][0] if trace else None,
        "trace": trace,
        "num_solutions": core.num_solutions,
        "tasks": len(model.problem.tasks),
        "literals": len(model.problem.bool_names),
        "analytic_bound": analytic,
        "lns": lns_stats,
    }

    if core.status in ("optimal", "feasible"):
        sol = decode(
            model,
            [t.start for t in core.tasks],
            [t.end for t in core.tasks],
            [t.present for t in core.tasks],
            [t.resources for t in core.tasks],
            core.bools,
            status="feasible",
            lower_bound=bound,
        )
        if warm is not None and warm.objective < sol.objective:
            sol = warm
    elif warm is not None:
        sol = warm
    elif core.status == "infeasible":
        sol = Solution(instance=inst.name, status="infeasible")
        from gaugeopt.gauge.explain import explain_infeasibility

        # Name the groups of rules behind the proof, in the time left (at least 2 s).
        left = max(2.0, time_limit - (time.perf_counter() - t0))
        why = explain_infeasibility(inst, left, workers=workers, known_infeasible=True, stop=stop)
        return Result(
            inst,
            sol,
            reasons=why or ["the solver proved that no schedule meets every rule"],
            runtime=time.perf_counter() - t0,
            stats=stats,
        )
    else:
        sol = Solution(instance=inst.name, status="unknown", lower_bound=bound)
        return Result(inst, sol, runtime=time.perf_counter() - t0, stats=stats)

    if trace and sol.objective < trace[-1][1]:  # decoding drops any slack before departure
        report(0.0, sol.objective, float(bound or 0))
        stats["time_to_best"] = trace[-1][0]
    status = "optimal" if bound is not None and bound == sol.objective else "feasible"
    sol = sol.model_copy(update={"status": status, "lower_bound": bound})
    return Result(inst, sol, runtime=time.perf_counter() - t0, stats=stats)
