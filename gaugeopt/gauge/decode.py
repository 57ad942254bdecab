"""Turn a core schedule back into a solution (docs/file-formats.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from gaugeopt.core.problem import Lit
from gaugeopt.core.result import CoreResult
from gaugeopt.gauge.build import AUX_OPS, GaugeModel
from gaugeopt.model.solution import Block, Mode, Op, Solution, Status, Task, TrainPlan
from gaugeopt.rules import DEPARTS_AFTER, departure, dwell
from gaugeopt.rules.crews import assign_crews
from gaugeopt.rules.reading import HAUL_OPS, OP_RANK

#: Order of tasks in a written solution: by train, then as the work flows.


def lit_value(bools: Sequence[bool], lit: Lit) -> bool:
    return bools[lit.index] != lit.negated


def _assign_crews(
    model: GaugeModel,
    starts: Sequence[int],
    ends: Sequence[int],
    present: Sequence[bool],
    resources: Sequence[Sequence[int]],
) -> dict[int, str]:
    """Crew id of every task that took a crew group (task index -> crew id)."""
    group_of = {res: g for res, g in zip(model.crews, model.crew_groups, strict=True)}
    by_group: dict[int, list[tuple[int, int, int]]] = {}
    for idx, meta in enumerate(model.meta):
        if present[idx] and "crew" in meta.choices:
            res = resources[idx][meta.choices.index("crew")]
            by_group.setdefault(res, []).append((idx, starts[idx], ends[idx]))
    crews = model.instance.station.crews
    out: dict[int, str] = {}
    for res, tasks in by_group.items():
        for idx, k in assign_crews(group_of[res], tasks).items():
            out[idx] = crews[k].id
    return out


def decode(
    model: GaugeModel,
    starts: Sequence[int],
    ends: Sequence[int],
    present: Sequence[bool],
    resources: Sequence[Sequence[int]],
    bools: Sequence[bool],
    *,
    status: Status,
    lower_bound: int | None,
) -> Solution:
    """Build the solution from per-task values and literal values of the core model."""
    inst = model.instance
    st = inst.station
    crew_of = _assign_crews(model, starts, ends, present, resources)
    shunter_of = {r: st.shunters[k].id for k, r in enumerate(model.shunters)}

    plans: list[TrainPlan] = []
    block_of: dict[tuple[int, int], int] = {}  # (train, block start carriage) -> block index
    track_of: dict[tuple[int, int], str] = {}  # (train, block start) -> track id
    block_of_car: dict[tuple[int, int], int] = {}  # (train, carriage) -> block start
    departure_total = 0
    for tm in model.trains:
        train = inst.trains[tm.index]
        # The builder keys modes by possible_modes(), a subset of Mode.
        mode = cast(Mode, next(m for m, lit in tm.modes.items() if lit_value(bools, lit)))
        blocks: list[Block] = []
        if mode == "exchange":
            starts_at = [i for i, s in enumerate(tm.starts) if lit_value(bools, s)]
            for b, i in enumerate(starts_at):
                end = starts_at[b + 1] if b + 1 < len(starts_at) else len(train.carriages)
                track = next(t for (j, t), z in tm.z.items() if j == i and lit_value(bools, z))
                blocks.append(
                    Block(
                        track=st.tracks[track].id,
                        carriages=[c.id for c in train.carriages[i:end]],
                    )
                )
                block_of[tm.index, i] = b
                track_of[tm.index, i] = st.tracks[track].id
                for j in range(i, end):
                    block_of_car[tm.index, j] = i
        loco = next(
            (model.locos[li].id for li, sel in tm.loco.items() if lit_value(bools, sel)), None
        )
        departs = departure(train, {op: ends[tm.tasks[op]] for op in DEPARTS_AFTER})
        departure_total += train.weight * dwell(train, departs)
        plans.append(
            TrainPlan(
                id=train.id,
                mode=mode,
                departure=departs,
                dwell=dwell(train, departs),
                locomotive=loco,
                blocks=blocks,
                ground_brake_test=tm.ground is not None and lit_value(bools, tm.ground),
            )
        )

    tasks: list[Task] = []
    for idx, meta in enumerate(model.meta):
        if meta.op in AUX_OPS or not present[idx]:
            continue
        train = inst.trains[meta.train]
        chosen = dict(zip(meta.choices, resources[idx], strict=False))
        start_i: int | None
        if meta.carriage is not None:
            start_i = block_of_car[meta.train, meta.carriage]
        else:
            start_i = meta.block_start
        tasks.append(
            Task(
                train=train.id,
                op=cast(Op, meta.op),  # not an AUX_OPS task: one of Op
                carriage=train.carriages[meta.carriage].id if meta.carriage is not None else None,
                block=block_of[meta.train, start_i] if start_i is not None else None,
                start=starts[idx],
                end=ends[idx],
                crew=crew_of.get(idx),
                shunter=shunter_of.get(chosen["shunter"]) if "shunter" in chosen else None,
                track=track_of[meta.train, start_i] if start_i is not None else None,
                locomotive=plans[meta.train].locomotive if meta.op in HAUL_OPS else None,
            )
        )
    order = {t.id: k for k, t in enumerate(inst.trains)}
    tasks.sort(
        key=lambda t: (
            order[t.train],
            t.block if t.block is not None else -1,
            OP_RANK[t.op],
            t.start,
            t.carriage or "",
        )
    )
    return Solution(
        instance=inst.name,
        status=status,
        objective=departure_total,
        lower_bound=lower_bound,
        trains=plans,
        tasks=tasks,
    )


def decode_core(
    model: GaugeModel, core: CoreResult, *, status: Status, lower_bound: int | None
) -> Solution:
    """:func:`decode` of a core result's task and literal values."""
    return decode(
        model,
        [t.start for t in core.tasks],
        [t.end for t in core.tasks],
        [t.present for t in core.tasks],
        [t.resources for t in core.tasks],
        core.bools,
        status=status,
        lower_bound=lower_bound,
    )
