"""Left-justified schedules: the last pass of a solve.

:func:`left_justify` moves each task to the earliest start that its predecessors, its crew
(one task at a time, inside one shift), its shunter, the changer, its track (one block at a
time from shunt_in start to shunt_out end, never in a maintenance window), its track's jack
sets, the bogie stock over time and its locomotive's availability allow — without changing
any assignment: mode, blocks, tracks, crews, shunters, locomotives and the ground-air choice
stay as they are. Tasks are taken in order of start, and passes repeat until none moves.
No task moves later, so no departure does: the objective never gets worse, and a schedule
that met every rule still does. Durations, precedences and holds come from the rulebook
(:mod:`gaugeopt.rules`). The pass is deterministic.

:func:`shift_to_feasible` (:mod:`gaugeopt.justify.repair`) is the same rules run the other
way for a replan: tasks move later, from per-task earliest starts, until they fit.
"""

from __future__ import annotations

import logging

from gaugeopt.justify.jobs import Jobs, build_jobs
from gaugeopt.justify.repair import shift_to_feasible
from gaugeopt.justify.shift import Shifter
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, TrainPlan
from gaugeopt.rules import DEPARTS_AFTER, departure, dwell, objective

__all__ = ["left_justify", "shift_to_feasible"]

log = logging.getLogger("gaugeopt")

#: Passes over the schedule at most (each moves tasks only earlier; one or two usually do).
MAX_PASSES = 20


def _plans(inst: Instance, sol: Solution, jobs: Jobs, end: list[int]) -> list[TrainPlan]:
    """Each train's plan with the departure and dwell its moved tasks give."""
    plans = []
    for plan in sol.trains:
        train = inst.train(plan.id)
        own = jobs.train_jobs.get(plan.id, {})
        end_of = {op: end[own[op]] for op in DEPARTS_AFTER}
        dep = departure(train, end_of)
        plans.append(plan.model_copy(update={"departure": dep, "dwell": dwell(train, dep)}))
    return plans


def left_justify(instance: Instance, solution: Solution) -> Solution:
    """``solution`` with every task as early as its rules and assignments allow.

    A solution without a schedule (infeasible, unknown), or one whose tasks do not match
    the rulebook's task graphs, comes back unchanged. ``objective`` and each train's
    departure and dwell are recomputed; status and lower bound are kept.
    """
    if solution.status not in ("optimal", "feasible") or not solution.tasks:
        return solution
    jobs = build_jobs(instance, solution)
    if jobs is None:
        log.debug("left-justify: %s does not match the rulebook's tasks; kept", solution.instance)
        return solution
    shifter = Shifter(instance, jobs, [solution.tasks[j.task].start for j in jobs.jobs])
    passes = 0
    while passes < MAX_PASSES and shifter.sweep():
        passes += 1
    tasks = list(solution.tasks)
    moved = 0
    for k, job in enumerate(jobs.jobs):
        t = tasks[job.task]
        if shifter.start[k] != t.start:
            tasks[job.task] = t.model_copy(
                update={"start": shifter.start[k], "end": shifter.end[k]}
            )
            moved += 1
    if not moved:
        return solution
    plans = _plans(instance, solution, jobs, shifter.end)
    value = objective([instance.train(p.id) for p in plans], [p.departure for p in plans])
    if solution.objective is not None and value > solution.objective:  # never: no task moves later
        return solution
    log.debug("left-justify: %d tasks moved earlier in %d passes", moved, passes + 1)
    return solution.model_copy(update={"tasks": tasks, "trains": plans, "objective": value})
