"""The replan's warm start: the previous plan, repaired (docs/replanning.md, issue 14).

The previous plan keeps every assignment and its tasks move only as needed
(:func:`gaugeopt.justify.shift_to_feasible`): frozen tasks stay, every other one starts at
max(now, its previous start) or later — or, in other candidates, at ``now`` or later, which
can give back the minutes a late train freed — in each order of placement
(:data:`gaugeopt.justify.repair.ORDERS`), keeping crews and shunters wherever they still
fit or (``flexible``) giving each task whichever capable one starts it soonest. Cancelled
trains are dropped. Each candidate
must pass :func:`gaugeopt.check` and :func:`gaugeopt.checker.frozen.check_frozen`; the one
with the least replanning objective wins. An extra train is placed by CP-SAT around the
best repair of the others (:mod:`gaugeopt.replan.extra`); if that fails, the repair covers
only the trains of the previous plan (a partial warm start: the search places the new train).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.justify import shift_to_feasible
from gaugeopt.justify.jobs import task_key
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.replan import diff
from gaugeopt.replan.extra import place_new_trains
from gaugeopt.replan.search import Weights

log = logging.getLogger("gaugeopt")


@dataclass
class Repaired:
    """The repaired previous plan and whether it is a whole plan of the new instance."""

    solution: Solution
    #: Every train of the instance planned, and both checkers pass: a valid incumbent.
    complete: bool
    score: int | None = None


def score(previous: Solution, sol: Solution, weights: Weights) -> int:
    """The replanning objective of ``sol``: weighted dwell, then changes."""
    changed = diff.changed_count(diff.compare(previous, sol))
    return weights.dwell * (sol.objective or 0) + weights.change * changed


def _kept_trains(inst: Instance, previous: Solution) -> Solution:
    """``previous`` without the trains the instance no longer has."""
    ids = {t.id for t in inst.trains}
    return previous.model_copy(
        update={
            "trains": [p for p in previous.trains if p.id in ids],
            "tasks": [t for t in previous.tasks if t.train in ids],
        }
    )


#: The repairs tried, in this order, while time allows: (earliest start: "previous" for
#: max(now, previous start), "now" for now; order of placement; flexible crews). The first
#: keeps the most; the next ones usually give less dwell.
TRIES: tuple[tuple[str, str, bool], ...] = (
    ("previous", "previous", False),
    ("now", "shifted", True),
    ("now", "previous", True),
    ("previous", "previous", True),
    ("previous", "shifted", True),
    ("now", "previous", False),
    ("now", "shifted", False),
    ("previous", "shifted", False),
    ("previous", "undisturbed", False),
    ("now", "undisturbed", True),
)


def _candidates(inst: Instance, base: Solution, now: int, budget: float) -> list[Solution]:
    """Repairs of ``base`` that ``inst`` (cut down to ``base``'s trains) accepts, from
    :data:`TRIES` while ``budget`` seconds allow (and until one is found)."""
    t0 = time.perf_counter()
    ids = {p.id for p in base.trains}
    sub = inst.model_copy(update={"trains": [t for t in inst.trains if t.id in ids]})
    frozen = {task_key(t) for t in base.tasks if t.start < now}
    bounds = {
        "previous": {task_key(t): max(now, t.start) for t in base.tasks},
        "now": {task_key(t): now for t in base.tasks},
    }
    out: list[Solution] = []
    for bound, order, flexible in TRIES:
        if out and time.perf_counter() - t0 > budget:
            break
        sol = shift_to_feasible(
            sub, base, bounds[bound], frozen, orders=(order,), flexible=flexible
        )
        if sol is None:
            continue
        bad = check(sub, sol)
        if bad:
            log.debug("replan: a repair breaks %s", bad[0])
            continue
        out.append(sol)
    return out


def repair(
    inst: Instance,
    previous: Solution,
    now: int,
    weights: Weights,
    *,
    time_limit: float = 2.0,
    workers: int = 2,
    seed: int = 0,
) -> Repaired | None:
    """The best repair of ``previous`` for ``inst`` at ``now``, or None when none fits.

    Repairs are tried for up to ``time_limit`` seconds; trains new to ``inst`` are then
    placed by :func:`~gaugeopt.replan.extra.place_new_trains` (within ``time_limit``) around
    the best repair of the others; when that fails, the
    repair comes back incomplete (a partial warm start).
    """
    base = _kept_trains(inst, previous)
    found = _candidates(inst, base, now, time_limit)
    if not found:
        return None
    if {p.id for p in base.trains} != {t.id for t in inst.trains}:
        partial = min(found, key=lambda s: s.objective or 0)
        whole = place_new_trains(
            inst, partial, now, time_limit=time_limit, workers=workers, seed=seed
        )
        if whole is None:
            return Repaired(partial, False)
        found = [whole]
    best: Repaired | None = None
    for sol in found:
        bad = [*check(inst, sol), *check_frozen(previous, sol, now)]
        if bad:
            log.debug("replan: a repair breaks %s", bad[0])
            continue
        value = score(previous, sol, weights)
        if best is None or value < (best.score or 0):
            best = Repaired(sol, True, value)
    return best
