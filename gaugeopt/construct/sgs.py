"""Serial schedule generation: trains one by one, each placed by a
:class:`~gaugeopt.construct.placer.TrainPlacer` (docs/model.md).

A train is placed tentatively for every option — each mode that
:func:`~gaugeopt.rules.possible_modes` allows, each block cut in exchange mode, each
ground-air choice of :func:`~gaugeopt.rules.ground_options` — rolled back, and the option
that departs earliest is placed again for good.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import partial
from typing import cast

from gaugeopt.construct.blocks import Cut, candidate_cuts, usable
from gaugeopt.construct.budget import Expired, check
from gaugeopt.construct.cycling import cycling_groups, schedule_group
from gaugeopt.construct.placer import GraphCache, Option, TrainPlacer, TrainResult
from gaugeopt.construct.state import Calendar
from gaugeopt.model.instance import Instance, Train
from gaugeopt.model.solution import Mode, Solution, TrainPlan
from gaugeopt.rules import RULES, dwell, ground_options, objective, possible_modes, stay


def _earliest_end(inst: Instance, train: Train, op: str) -> int:
    """The soonest a train-level operation could end, waiting for its train-level
    predecessors only."""
    rule = RULES[op]
    start = train.arrival if rule.after_arrival else 0
    for p in rule.after:
        if RULES[p].level == "train" and RULES[p].exists("exchange"):
            start = max(start, _earliest_end(inst, train, p))
    return start + rule.minutes(inst.station.durations, train, train.carriages, False)


def blocks_ready(inst: Instance, train: Train) -> int:
    """The soonest a train's blocks could go onto their tracks (its detach end)."""
    first = RULES[stay().start_op]
    return max(
        [train.arrival]
        + [_earliest_end(inst, train, p) for p in first.after if RULES[p].level == "train"]
    )


def options_of(
    placer: TrainPlacer, train: Train, *, max_cuts: int, rng: random.Random | None
) -> list[Option]:
    """Every option to try for ``train``: by mode, then cut, then ground-air choice."""
    inst, cal = placer.inst, placer.cal
    # Drawn for every train that changes gauge, whichever modes it may take.
    extra = (
        rng.randint(1, len(train.carriages))
        if rng is not None and train.from_gauge != train.to_gauge
        else None
    )
    options: list[Option] = []
    for mode in possible_modes(inst, train):
        cuts: list[Cut | None] = [None]
        if mode == "exchange":
            # Estimated time each track is free once the train's blocks could start.
            t0 = blocks_ready(inst, train)
            ready = {tid: u.free_from(t0) for tid, u in cal.tracks.items()}
            d = inst.station.durations
            tracks = usable(inst.station.tracks)
            cuts = list(candidate_cuts(train, tracks, ready, d, max_cuts, extra))
        options.extend(Option(mode, cut, g) for cut in cuts for g in ground_options(inst))
    return options


def schedule_train(
    placer: TrainPlacer,
    train: Train,
    *,
    max_cuts: int,
    rng: random.Random | None,
    expired: Expired | None = None,
) -> TrainResult | None:
    """Try every option, keep the one departing earliest (placed for good); raises
    :class:`~gaugeopt.construct.budget.PassExpired` when ``expired`` says so before an
    option."""
    cal = placer.cal
    options = options_of(placer, train, max_cuts=max_cuts, rng=rng)
    if not options:
        return None
    if len(options) == 1:
        return placer.place(train, options[0])
    best: tuple[tuple[int, int, int], int] | None = None
    for j, option in enumerate(options):
        check(expired)
        mark = cal.ledger.savepoint()
        res = placer.place(train, option)
        if res is None:
            continue
        cal.ledger.rollback(mark)
        if best is None or res.key() < best[0]:
            best = (res.key(), j)
    if best is None:
        return None
    return placer.place(train, options[best[1]])


def run_sgs(
    inst: Instance,
    order: list[Train],
    *,
    max_cuts: int = 4,
    rng: random.Random | None = None,
    graphs: GraphCache | None = None,
    block_caps: Sequence[int] = (),
    expired: Expired | None = None,
) -> Solution | None:
    """Place trains in `order`; a train that fails is retried after the others (its
    locomotive may be one that a later train brings in). None when some train never fits.
    ``graphs`` may carry task graphs over from earlier passes on the same instance.

    When that fails and some trains must lend each other bogies (a
    :func:`~gaugeopt.construct.cycling.cycling_groups` group), the pass is made again with
    each such group placed together, block by block, at its first train's turn, trying a
    plan per block cap in ``block_caps`` (the largest track when empty). Instances where
    the plain pass succeeds are scheduled exactly as without groups.

    ``expired`` is asked before each train and each option; when it says the time is over
    the pass gives up with :class:`~gaugeopt.construct.budget.PassExpired`."""
    serial = partial(
        _serial, inst, order, max_cuts=max_cuts, rng=rng, graphs=graphs, expired=expired
    )
    sol = serial(groups=[], caps=[])
    if sol is None:
        groups = cycling_groups(inst)
        if groups:
            caps = list(block_caps) or [max(t.capacity for t in inst.station.tracks)]
            sol = serial(groups=groups, caps=caps)
    return sol


def _serial(
    inst: Instance,
    order: list[Train],
    *,
    max_cuts: int,
    rng: random.Random | None,
    graphs: GraphCache | None,
    groups: list[list[Train]],
    caps: list[int],
    expired: Expired | None,
) -> Solution | None:
    """One serial pass (see :func:`run_sgs`); each group's trains are placed together."""
    cal = Calendar(inst, rng)
    placer = TrainPlacer(inst, cal, graphs)
    group_of = {t.id: g for g in groups for t in g}
    results: dict[str, TrainResult] = {}
    pending = list(order)
    while pending:
        failed: list[Train] = []
        for train in pending:
            if train.id in results or train in failed:
                continue
            check(expired)
            group = group_of.get(train.id)
            if group is None:
                res = schedule_train(placer, train, max_cuts=max_cuts, rng=rng, expired=expired)
                if res is None:
                    failed.append(train)
                else:
                    results[train.id] = res
                continue
            ready = {t.id: blocks_ready(inst, t) for t in group}
            placed = schedule_group(placer, group, ready, caps)
            if placed is None:
                failed.extend(group)
            else:
                results.update(placed)
        if len(failed) == len(pending):
            return None
        pending = failed
    return to_solution(inst, results)


def to_solution(inst: Instance, results: dict[str, TrainResult]) -> Solution:
    """A `feasible` solution (docs/file-formats.md) from placed trains, in instance order."""
    plans, tasks = [], []
    for train in inst.trains:
        r = results[train.id]
        plans.append(
            TrainPlan(
                id=train.id,
                mode=cast(Mode, r.mode),
                departure=r.departure,
                dwell=dwell(train, r.departure),
                locomotive=r.locomotive,
                blocks=r.blocks,
                ground_brake_test=r.ground,
            )
        )
        tasks.extend(sorted(r.tasks, key=lambda t: (t.start, t.end)))
    return Solution(
        instance=inst.name,
        status="feasible",
        objective=objective(inst.trains, [results[t.id].departure for t in inst.trains]),
        lower_bound=None,
        trains=plans,
        tasks=tasks,
    )
