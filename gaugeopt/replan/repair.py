"""The replan's warm start: the previous plan, repaired (docs/replanning.md, issue 14).

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.justify import shift_to_feasible
from gaugeopt.justify.jobs import TaskKey, task_key
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.replan import diff
from gaugeopt.replan.extra import place_new_trains
from gaugeopt.replan.search import Weights
from gaugeopt.rules import stay
from gaugeopt.rules.reading import HAUL_OPS, skill

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
#: "all", the "disturbed" ones (:func:`disturbed`), or a number of minutes: every task keeps
#: its own unless another starts it more than that much sooner). The first keeps the most;
#: the next ones were the best on the Erenhot day with a late train and a crew gone and on
#: the generated days of benchmarks/replan_figures.py (with one worker a large day makes
#: only the first few: docs/replanning.md).
TRIES: tuple[tuple[str, str, str | int], ...] = (
    ("previous", "previous", "none"),
    ("now", "previous", 30),
    ("now", "previous", 10),
    ("now", "previous", 20),
    ("previous", "previous", 20),
    ("previous", "shifted", "disturbed"),
    ("now", "shifted", "disturbed"),
    ("previous", "previous", "disturbed"),
    ("now", "shifted", 20),
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
            t.op in HAUL_OPS
            and t.locomotive is not None
            and locos.get(t.locomotive, t.start + 1) > t.start
        ):
            hit.add(t.train)
        if t.op in (stay().start_op, stay().end_op):
            by_block.setdefault((t.train, t.block), []).append(t)
        crew = crews.get(t.crew or "")
        if t.crew is not None and (
            crew is None
            or skill(t.op) not in crew.skills
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
    """How many of :data:`TRIES` to make, and for how long: a further try starts only
    while both allow, or while none has given a whole plan (with ``seconds`` infinite the
    result does not depend on the clock)."""

    tries: int = len(TRIES)
    seconds: float = math.inf


def _repairs(inst: Instance, base: Solution, now: int) -> Iterator[Solution | None]:
    """Per try of :data:`TRIES`, in turn: the repair of ``base`` it gives, if ``inst`` (cut
    down to ``base``'s trains) accepts it, else None."""
    ids = {p.id for p in base.trains}
    sub = inst.model_copy(update={"trains": [t for t in inst.trains if t.id in ids]})
    frozen = {task_key(t) for t in base.tasks if t.start < now}
    flexible: dict[str | int, bool | int | set[TaskKey]] = {
        "none": False,
        "all": True,
        "disturbed": disturbed(sub, base),
    }
    flexible |= {flex: flex for _, _, flex in TRIES if isinstance(flex, int)}
    bounds = {
        "previous": {task_key(t): max(now, t.start) for t in base.tasks},
        "now": {task_key(t): now for t in base.tasks},
    }
    for bound, order, flex in TRIES:
        sol = shift_to_feasible(
            sub, base, bounds[bound], frozen, orders=(order,), flexible=flexible[flex]
        )
        bad = check(sub, sol) if sol is not None else []
        if bad:
            log.debug("replan: a repair breaks %s", bad[0])
        yield None if bad else sol


def _started(base: Solution, now: int) -> Solution:
    """``base`` cut down to the trains with work started before ``now``."""
    ids = {t.train for t in base.tasks if t.start < now}
    return base.model_copy(
        update={
            "trains": [p for p in base.trains if p.id in ids],
            "tasks": [t for t in base.tasks if t.train in ids],
            "objective": 0 if not ids else base.objective,
        }
    )


def _whole(inst: Instance, previous: Solution, partial: Solution, now: int) -> Solution | None:
    """``partial`` with the trains it lacks placed around it, if the result passes the
    checker and the frozen rule."""
    sol = partial
    if {p.id for p in partial.trains} != {t.id for t in inst.trains}:
        placed = place_new_trains(inst, partial, now)
        if placed is None:
            return None
        sol = placed
        bad = check(inst, sol)  # a partial one has passed the checker already
    else:
        bad = []
    bad += check_frozen(previous, sol, now)
    if bad:
        log.warning("replan: a repair breaks %s", bad[0])
        return None
    return sol


def repair(
    inst: Instance,
    previous: Solution,
    now: int,
    weights: Weights,
    budget: Budget | None = None,
) -> Repaired | None:
    """The best repair of ``previous`` for ``inst`` at ``now`` (by :func:`score`), or None
    when none fits.

    The tries of :data:`TRIES` run while ``budget`` allows (default: all), and on, one by
    one, while none has given a whole plan. The trains a repair lacks (extra trains) are
    placed around it by the constructive scheduler
    (:func:`~gaugeopt.replan.extra.place_new_trains`). When no try gives a whole plan, or
    when there are extra trains (then one try more), the trains that have not started are
    dropped from the previous plan and placed again with the extra ones, in order of
    arrival, around the repairs of the started ones. Every candidate must pass
    :func:`gaugeopt.check` and the frozen rule.
    """
    budget = budget or Budget()
    t0 = time.perf_counter()
    base = _kept_trains(inst, previous)
    core = _started(base, now)
    sources: list[Iterable[Solution | None]] = [_repairs(inst, base, now)]
    if len(core.trains) < len(base.trains):
        sources.append(_repairs(inst, core, now) if core.trains else [core])
    extra = len(inst.trains) > len(base.trains)
    best: Repaired | None = None
    for k, source in enumerate(sources):
        if k and best is not None and not extra:
            break
        tries = budget.tries if best is None else 1  # with extra trains: one try more
        if k:
            log.info("replan: re-placing the trains not started with the new ones")
        for tried, partial in enumerate(source, start=1):
            sol = _whole(inst, previous, partial, now) if partial is not None else None
            if sol is not None:
                value = score(previous, sol, weights)
                if best is None or value < best.score:
                    best = Repaired(sol, value)
            spent = time.perf_counter() - t0
            if best is not None and (tried >= tries or spent > budget.seconds):
                break
    return best
