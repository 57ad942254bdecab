"""The replan's warm start: the previous plan, repaired (DESIGN.md §7, issue 14).

The previous plan keeps every assignment and its tasks move only as needed
(:func:`gaugeopt.justify.shift_to_feasible`): frozen tasks stay, every other one starts at
max(now, its previous start) or later — or, in other candidates, at ``now`` or later, which
can give back the minutes a late train freed — in each order of placement
(:data:`gaugeopt.justify.repair.ORDERS`), keeping crews and shunters wherever they still
fit or (``flexible``) giving each task whichever capable one starts it soonest. Cancelled
trains are dropped. Each candidate
must pass :func:`gaugeopt.check` and :func:`gaugeopt.checker.frozen.check_frozen`; the one
with the least replanning objective wins. Trains the repair lacks — extra
trains, or, when the previous plan does not repair whole, the trains that have not started
— are placed around it by the constructive scheduler (:mod:`gaugeopt.replan.extra`).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.justify import shift_to_feasible
from gaugeopt.justify.jobs import TaskKey, task_key
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import OP_SKILL, Solution, Task
from gaugeopt.replan import diff
from gaugeopt.replan.extra import place_new_trains
from gaugeopt.replan.search import Weights

log = logging.getLogger("gaugeopt")


@dataclass
class Repaired:
    """The repaired previous plan: a whole plan of the new instance that passes the checker
    and the frozen rule, and its replanning objective."""

    solution: Solution
    score: int


def score(previous: Solution, sol: Solution, weights: Weights) -> int:
    """The replanning objective of ``sol`` (:class:`~gaugeopt.replan.search.Weights`)."""
    changes = diff.compare(previous, sol)
    return (
        weights.dwell * (sol.objective or 0)
        + weights.change * diff.reassigned_count(changes)
        + weights.move * diff.moved_count(changes)
    )


def _kept_trains(inst: Instance, previous: Solution) -> Solution:
    """``previous`` without the trains the instance no longer has."""
    ids = {t.id for t in inst.trains}
    return previous.model_copy(
        update={
            "trains": [p for p in previous.trains if p.id in ids],
            "tasks": [t for t in previous.tasks if t.train in ids],
        }
    )


#: The repairs tried, in this order, while the budget allows: (earliest start: "previous"
#: for max(now, previous start), "now" for now; order of placement; which tasks take
#: whichever capable crew and shunter starts them soonest instead of keeping theirs: "none",
#: "all", or the "disturbed" ones, see :func:`disturbed`). The first ones keep the most.
TRIES: tuple[tuple[str, str, str], ...] = (
    ("previous", "shifted", "disturbed"),
    ("previous", "previous", "none"),
    ("now", "shifted", "disturbed"),
    ("previous", "previous", "disturbed"),
    ("now", "shifted", "all"),
    ("now", "previous", "all"),
    ("previous", "previous", "all"),
    ("previous", "shifted", "all"),
    ("now", "previous", "none"),
    ("now", "shifted", "none"),
    ("previous", "shifted", "none"),
    ("previous", "undisturbed", "none"),
    ("now", "undisturbed", "all"),
)


def disturbed(inst: Instance, base: Solution) -> set[TaskKey]:
    """Tasks of ``base`` a disruption hits: every task of a train that now arrives after
    its first task started, that had a block on a track in a new maintenance window or
    whose locomotive is gone or comes later; and each task whose crew is gone, lacks the
    skill or has no shift left around it."""
    trains = {t.id: t for t in inst.trains}
    crews = {c.id: c for c in inst.station.crews}
    locos = {lo.id: lo.available_from for lo in inst.station.locomotives}
    locos |= {t.inbound_loco.id: 0 for t in inst.trains if t.inbound_loco is not None}
    windows = {t.id: t.unavailable for t in inst.station.tracks}
    hit: set[str] = set()
    out: set[TaskKey] = set()
    by_block: dict[tuple[str, int | None], list[Task]] = {}
    for t in base.tasks:
        train = trains[t.train]
        if t.start < train.arrival:
            hit.add(t.train)
        if (
            t.op == "attach"
            and t.locomotive is not None
            and locos.get(t.locomotive, t.start + 1) > t.start
        ):
            hit.add(t.train)
        if t.op in ("shunt_in", "shunt_out"):
            by_block.setdefault((t.train, t.block), []).append(t)
        crew = crews.get(t.crew or "")
        if t.crew is not None and (
            crew is None
            or OP_SKILL[t.op] not in crew.skills
            or not any(a <= t.start and t.end <= b for a, b in crew.shifts)
        ):
            out.add(task_key(t))
    for (tid, _), ends in by_block.items():
        a, b = min(t.start for t in ends), max(t.end for t in ends)
        track = ends[0].track
        if any(w0 < b and a < w1 for w0, w1 in windows.get(track or "", [])):
            hit.add(tid)
    return out | {task_key(t) for t in base.tasks if t.train in hit}


@dataclass
class Budget:
    """How many of :data:`TRIES` to make at most, and for how long: a further try starts
    only while both allow (the first always runs; with ``seconds`` infinite the result does
    not depend on the clock)."""

    tries: int = len(TRIES)
    seconds: float = math.inf


def _candidates(inst: Instance, base: Solution, now: int, budget: Budget) -> list[Solution]:
    """Repairs of ``base`` that ``inst`` (cut down to ``base``'s trains) accepts, from
    :data:`TRIES` while ``budget`` allows (and until one is found)."""
    t0 = time.perf_counter()
    ids = {p.id for p in base.trains}
    sub = inst.model_copy(update={"trains": [t for t in inst.trains if t.id in ids]})
    frozen = {task_key(t) for t in base.tasks if t.start < now}
    flexible: dict[str, bool | set[TaskKey]] = {
        "none": False,
        "all": True,
        "disturbed": disturbed(sub, base),
    }
    bounds = {
        "previous": {task_key(t): max(now, t.start) for t in base.tasks},
        "now": {task_key(t): now for t in base.tasks},
    }
    out: list[Solution] = []
    for k, (bound, order, flex) in enumerate(TRIES):
        if out and (k >= budget.tries or time.perf_counter() - t0 > budget.seconds):
            break
        sol = shift_to_feasible(
            sub, base, bounds[bound], frozen, orders=(order,), flexible=flexible[flex]
        )
        if sol is None:
            continue
        bad = check(sub, sol)
        if bad:
            log.debug("replan: a repair breaks %s", bad[0])
            continue
        out.append(sol)
    return out


def _started(base: Solution, now: int) -> Solution:
    """``base`` cut down to the trains with work started before ``now``."""
    ids = {t.train for t in base.tasks if t.start < now}
    return base.model_copy(
        update={
            "trains": [p for p in base.trains if p.id in ids],
            "tasks": [t for t in base.tasks if t.train in ids],
        }
    )


def _partials(inst: Instance, base: Solution, now: int, budget: Budget) -> list[Solution]:
    """Repairs of the previous plan's trains; when none fits, repairs of the trains that
    have started alone (the others are then placed again like extra trains)."""
    found = _candidates(inst, base, now, budget)
    if found:
        return found
    core = _started(base, now)
    if not core.trains:
        return [core.model_copy(update={"objective": 0})]
    log.info("replan: the previous plan does not repair whole; re-placing the trains not started")
    return _candidates(inst, core, now, budget)


def repair(
    inst: Instance,
    previous: Solution,
    now: int,
    weights: Weights,
    budget: Budget | None = None,
) -> Repaired | None:
    """The best repair of ``previous`` for ``inst`` at ``now`` (by :func:`score`), or None
    when none fits.

    Repairs are tried while ``budget`` allows (default: all of :data:`TRIES`); the trains the repair lacks (extra trains, or
    the trains not started when the previous plan does not repair whole) are placed around
    each by the constructive scheduler (:func:`~gaugeopt.replan.extra.place_new_trains`).
    Every candidate must pass :func:`gaugeopt.check` and the frozen rule.
    """
    base = _kept_trains(inst, previous)
    wanted = {t.id for t in inst.trains}
    best: Repaired | None = None
    for partial in _partials(inst, base, now, budget or Budget()):
        sol = partial
        if {p.id for p in partial.trains} != wanted:
            whole = place_new_trains(inst, partial, now)
            if whole is None:
                continue
            sol = whole
            bad = check(inst, sol)  # a partial one has passed the checker already
        else:
            bad = []
        bad += check_frozen(previous, sol, now)
        if bad:
            log.warning("replan: a repair breaks %s", bad[0])
            continue
        value = score(previous, sol, weights)
        if best is None or value < best.score:
            best = Repaired(sol, value)
    return best
