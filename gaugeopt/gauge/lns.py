"""Neighbourhoods of a gauge-change schedule for large-neighbourhood search.

Three kinds, drawn at random:

* ``trains``: one train, chosen with odds growing with its weighted excess dwell over its
  bound, plus up to two trains whose stay overlaps it (they compete for the same crews,
  tracks and bogies). Everything of these trains is free: mode, block cuts, tracks,
  locomotive, crews and times.
* ``window``: every task that overlaps a random time window; the structure (modes, cuts,
  tracks, locomotives) stays, crews and times are free. Works on single trains too.
* ``train+window``: one train's structure and a window around its stay.
"""

from __future__ import annotations

import random

from gaugeopt.core.lns import Neighbourhood, NeighbourhoodFn
from gaugeopt.core.result import CoreResult
from gaugeopt.gauge.bounds import train_dwell_bounds
from gaugeopt.gauge.build import GaugeModel


def neighbourhoods(model: GaugeModel) -> NeighbourhoodFn:
    """A neighbourhood chooser for :func:`gaugeopt.core.lns.improve` on ``model``."""
    inst = model.instance
    floors = [b or 0 for b in train_dwell_bounds(inst)]
    n_trains = len(inst.trains)

    def stays(best: CoreResult) -> list[tuple[int, int]]:
        out = []
        for k, tm in enumerate(model.trains):
            depart = best.tasks[tm.tasks["depart"]].end
            out.append((inst.trains[k].arrival, depart))
        return out

    def window(rng: random.Random, best: CoreResult, around: tuple[int, int] | None) -> set[int]:
        present = [(i, tv) for i, tv in enumerate(best.tasks) if tv.present]
        lo = min(tv.start for _, tv in present)
        hi = max(tv.end for _, tv in present)
        span = max(1, hi - lo)
        width = max(30, int(span * rng.uniform(0.1, 0.35)))
        if around is not None:
            a = max(lo, around[0] - width // 2)
            b = max(a + width, around[1] + width // 4)
        else:
            a = rng.randint(lo, max(lo, hi - width))
            b = a + width
        return {i for i, tv in present if tv.start < b and tv.end > a}

    def choose(rng: random.Random, best: CoreResult) -> Neighbourhood:
        stay = stays(best)
        kinds = ["window"] if n_trains == 1 else ["trains", "trains", "window", "train+window"]
        kind = rng.choice(kinds)
        excess = [
            t.weight * max(0, (dep - arr) - floors[k]) + 1
            for k, (t, (arr, dep)) in enumerate(zip(inst.trains, stay, strict=True))
        ]
        seed_train = rng.choices(range(n_trains), weights=excess)[0]
        if kind == "window":
            return Neighbourhood(window(rng, best, None), set(), kind)
        trains = {seed_train}
        if kind == "trains":
            a, b = stay[seed_train]
            overlapping = [
                k for k, (x, y) in enumerate(stay) if k != seed_train and x < b and y > a
            ]
            rng.shuffle(overlapping)
            trains.update(overlapping[: rng.randint(0, 2)])
        tasks: set[int] = set()
        bools: set[int] = set()
        for k in trains:
            tasks |= model.train_tasks[k]
            bools |= model.train_bools[k]
        if kind == "train+window":
            tasks |= window(rng, best, stay[seed_train])
        return Neighbourhood(tasks, bools, kind)

    return choose
