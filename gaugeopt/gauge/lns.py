"""Neighbourhoods of a gauge-change schedule for large-neighbourhood search.

Four kinds, drawn at random:

* ``trains``: one train, chosen with odds growing with its weighted excess dwell over its
  bound, plus up to two trains whose stay overlaps it (fewer at low intensity), since they
  compete for the same crews, tracks and bogies. Everything of these trains is free: mode,
  block cuts, tracks, locomotive, crews and times.
* ``schedule``: the same trains, but their structure (mode, cuts, tracks, locomotive)
  stays and only crews and times are free: a much easier problem, which CP-SAT often
  solves to optimality where the one with the structure free stalls.
* ``window``: every task that overlaps a random time window (wider at high intensity);
  the structure stays, crews and times are free.
* ``train+window``: one train's structure and a window around its stay.

A single train draws ``schedule``, ``window`` and, now and then, ``trains`` (the whole
problem).
"""

from __future__ import annotations

import random

from gaugeopt.core.lns import Neighbourhood, NeighbourhoodFn
from gaugeopt.core.result import CoreResult
from gaugeopt.gauge.build import GaugeModel
from gaugeopt.params import SolveParams
from gaugeopt.rules import RULES


def _after_arrival(op: str) -> bool:
    """Whether ``op`` starts after its train's arrival in every schedule, by the rulebook:
    it says so itself, or each operation it may follow does."""
    rule = RULES[op]
    return rule.after_arrival or (bool(rule.after) and all(_after_arrival(p) for p in rule.after))


#: Every operation of a train starts after its arrival (so its tasks can be windowed).
ALL_AFTER_ARRIVAL = all(_after_arrival(op) for op in RULES)


def trains_window(model: GaugeModel, trains: set[int], best: CoreResult) -> tuple[int, int] | None:
    """The window of a neighbourhood that frees ``trains`` whole: from their first arrival
    to the last end of their tasks in ``best`` (with the others fixed and the objective no
    worse, none of them leaves later); None when the rulebook does not put every
    operation after arrival."""
    if not ALL_AFTER_ARRIVAL:
        return None
    lo = min(model.instance.trains[k].arrival for k in trains)
    ends = [
        best.tasks[i].end for k in trains for i in model.train_tasks[k] if best.tasks[i].present
    ]
    return lo, max(ends, default=lo)


def train_hood(model: GaugeModel, k: int, best: CoreResult) -> Neighbourhood:
    """Train ``k`` whole (mode, cuts, tracks, locomotive, crews, times), windowed."""
    trains = {k}
    return Neighbourhood(
        set(model.train_tasks[k]),
        set(model.train_bools[k]),
        "sweep",
        trains_window(model, trains, best),
    )


def neighbourhoods(model: GaugeModel, params: SolveParams | None = None) -> NeighbourhoodFn:
    """A neighbourhood chooser for :func:`gaugeopt.core.lns.improve` on ``model``
    (``params.lns_window_tasks``: the tasks a time window frees at full intensity)."""
    window_tasks = (params or SolveParams()).lns_window_tasks
    inst = model.instance
    floors = [b or 0 for b in model.dwell_floor]
    n_trains = len(inst.trains)

    def stays(best: CoreResult) -> list[tuple[int, int]]:
        out = []
        for k, tm in enumerate(model.trains):
            depart = best.tasks[tm.tasks["depart"]].end
            out.append((inst.trains[k].arrival, depart))
        return out

    def window(
        rng: random.Random, best: CoreResult, around: tuple[int, int] | None, intensity: float
    ) -> set[int]:
        """Tasks overlapping a time window that holds about window_tasks × intensity of
        them (counted, not timed: on a busy day an hour holds hundreds of tasks)."""
        present = sorted(
            ((tv.start, tv.end, i) for i, tv in enumerate(best.tasks) if tv.present),
        )
        count = max(20, int(window_tasks * intensity * rng.uniform(0.7, 1.3)))
        if around is not None:
            first = next((k for k, p in enumerate(present) if p[0] >= around[0]), 0)
            first = max(0, first - count // 4)
        else:
            first = rng.randint(0, max(0, len(present) - count))
        chosen = present[first : first + count]
        if not chosen:
            return set()
        a, b = chosen[0][0], max(e for _, e, _ in chosen)
        return {i for s, e, i in present if s < b and e > a} if b > a else {chosen[0][2]}

    def choose(rng: random.Random, best: CoreResult, intensity: float) -> Neighbourhood:
        stay = stays(best)
        if n_trains == 1:
            kinds = ["schedule", "schedule", "window", "window", "trains"]
        else:
            kinds = ["trains", "trains", "schedule", "window", "train+window"]
        kind = rng.choice(kinds)
        excess = [
            t.weight * max(0, (dep - arr) - floors[k]) + 1
            for k, (t, (arr, dep)) in enumerate(zip(inst.trains, stay, strict=True))
        ]
        seed_train = rng.choices(range(n_trains), weights=excess)[0]
        if kind == "window":
            return Neighbourhood(window(rng, best, None, intensity), set(), kind)
        trains = {seed_train}
        if kind in ("trains", "schedule"):
            a, b = stay[seed_train]
            overlapping = [
                k for k, (x, y) in enumerate(stay) if k != seed_train and x < b and y > a
            ]
            rng.shuffle(overlapping)
            trains.update(overlapping[: rng.randint(0, round(2 * intensity))])
        tasks: set[int] = set()
        bools: set[int] = set()
        for k in trains:
            tasks |= model.train_tasks[k]
            if kind != "schedule":
                bools |= model.train_bools[k]
        if kind == "train+window":
            tasks |= window(rng, best, stay[seed_train], intensity)
            return Neighbourhood(tasks, bools, kind)
        return Neighbourhood(tasks, bools, kind, trains_window(model, trains, best))

    return choose
