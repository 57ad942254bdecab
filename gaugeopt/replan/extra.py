"""Trains a repaired plan does not have: the constructive scheduler places them around it.

The constructive scheduler's calendars (:class:`gaugeopt.construct.state.Calendar`) are
loaded with everything the repaired plan holds — each task's crew, shunter and the changer,
each block's track from shunt_in to shunt_out, every bogie that leaves and comes back, and
the locomotives it takes or brings in — and the missing trains are then placed one by one
(:func:`gaugeopt.construct.sgs.schedule_train`: every mode, cut and ground-air choice, the
earliest departure kept) into the gaps the plan leaves, or after it. Their tasks start at
``now`` or later: each such train is placed as if it arrived at ``now`` at the earliest
(every task of a train follows its detach or border check, which wait for the arrival).
The repaired plan itself does not move, so an extra train never changes it.
"""

from __future__ import annotations

import logging

from gaugeopt.construct.placer import TrainPlacer, TrainResult
from gaugeopt.construct.sgs import schedule_train, to_solution
from gaugeopt.construct.state import Calendar
from gaugeopt.justify.jobs import Jobs, build_jobs
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.rules import LOCO_FREED_BY, objective, stay
from gaugeopt.rules.reading import HAUL_OPS

log = logging.getLogger("gaugeopt")

#: Block counts tried per train in exchange mode (as the constructive scheduler's passes).
MAX_CUTS = 3


def _load(cal: Calendar, inst: Instance, plan: Solution, jobs: Jobs) -> None:
    """Reserve on ``cal`` what ``plan`` holds (see the module doc)."""
    crews = {u.id: u for units in cal.crews_by_skill.values() for u in units}
    shunters = {u.id: u for u in cal.shunters}
    turnaround = inst.station.bogie_turnaround
    for job in jobs.jobs:
        task = plan.tasks[job.task]
        if job.duration > 0:
            if job.crew is not None and job.crew in crews:
                crews[job.crew].reserve(task.start, task.end, cal.ledger)
            if task.shunter is not None and f"shunter {task.shunter}" in job.units:
                shunters[task.shunter].reserve(task.start, task.end, cal.ledger)
            if "changer" in job.units and cal.changer is not None:
                cal.changer.reserve(task.start, task.end, cal.ledger)
        for key, n in job.takes.items():
            cal.stock_of(*key).add(task.start, -n, cal.ledger)
        for key, n in job.gives.items():
            cal.stock_of(*key).add(task.end + turnaround, n, cal.ledger)
    for hold in jobs.holds:
        if hold.hold == stay():  # a block's stay on its track
            a = plan.tasks[jobs.jobs[hold.first].task].start
            b = plan.tasks[jobs.jobs[hold.last].task].end
            cal.tracks[hold.track].reserve(a, max(b, a + 1), cal.ledger)
    taken = {t.locomotive for t in plan.tasks if t.op in HAUL_OPS and t.locomotive}
    for loco in taken:
        cal.locos.pop(loco, None)
    for p in plan.trains:
        train = inst.train(p.id)
        freed = jobs.train_jobs.get(p.id, {}).get(LOCO_FREED_BY)
        lo = train.inbound_loco
        if lo is not None and freed is not None and lo.id not in taken:
            end = plan.tasks[jobs.jobs[freed].task].end
            cal.locos[lo.id] = (lo.gauge, end + inst.station.loco_turnaround)


def _placed(inst: Instance, partial: Solution, now: int) -> dict[str, TrainResult] | None:
    """The missing trains of ``inst`` placed around ``partial`` (None: one does not fit)."""
    planned = {p.id for p in partial.trains}
    missing = sorted(
        (t for t in inst.trains if t.id not in planned), key=lambda t: (t.arrival, t.id)
    )
    # The missing trains arrive at now at the earliest: nothing of theirs has started.
    floored = inst.model_copy(
        update={
            "trains": [
                t if t.id in planned else t.model_copy(update={"arrival": max(t.arrival, now)})
                for t in inst.trains
            ]
        }
    )
    jobs = build_jobs(floored, partial)
    if jobs is None:
        return None
    cal = Calendar(floored)
    _load(cal, floored, partial, jobs)
    placer = TrainPlacer(floored, cal)
    results: dict[str, TrainResult] = {}
    pending = [floored.train(t.id) for t in missing]
    while pending:
        failed = []
        for train in pending:
            res = schedule_train(placer, train, max_cuts=MAX_CUTS, rng=None)
            if res is None:
                failed.append(train)
            else:
                results[train.id] = res
        if len(failed) == len(pending):
            log.debug("replan: no place for %s", ", ".join(t.id for t in failed))
            return None
        pending = failed  # a train's locomotive may come in with one placed after it
    return results


def place_new_trains(inst: Instance, partial: Solution, now: int) -> Solution | None:
    """``partial`` (a valid plan of some of the trains of ``inst``) with the others placed
    around it, or None when one of them finds no place before the horizon."""
    results = _placed(inst, partial, now)
    if results is None:
        return None
    new = to_solution(
        inst.model_copy(update={"trains": [t for t in inst.trains if t.id in results]}), results
    )
    plans = {p.id: p for p in [*partial.trains, *new.trains]}
    ordered = [plans[t.id] for t in inst.trains]
    value = objective(inst.trains, [p.departure for p in ordered])
    return partial.model_copy(
        update={
            "trains": ordered,
            "tasks": [*partial.tasks, *new.tasks],
            "objective": value,
            "lower_bound": None,
        }
    )
