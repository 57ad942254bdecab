"""Bogie stock per (gauge, type) over time, with the turnaround of returned bogies."""

from __future__ import annotations

from collections import defaultdict

from gaugeopt.checker.context import Context, label
from gaugeopt.checker.expected import block_views


def check_bogies(ctx: Context) -> None:
    """Stock never negative; all movements at the same minute count together (join before use).

    A swap takes the carriage's bogies of (to_gauge, type) at its start and returns as many of
    (from_gauge, type) at its end + bogie_turnaround; a roll does so for its whole block.
    """
    st = ctx.inst.station
    turn = st.bogie_turnaround
    level: dict[tuple[int, str], int] = defaultdict(int)
    for b in st.bogie_stock:
        level[(b.gauge, b.type)] += b.count
    # time -> (gauge, type) -> [delta, takers]
    events: dict[int, dict[tuple[int, str], list]] = defaultdict(
        lambda: defaultdict(lambda: [0, []])
    )

    def move(tr, task, cars) -> None:
        per_type: dict[str, int] = defaultdict(int)
        for c in cars:
            per_type[c.bogie_type] += c.bogies
        for btype, n in per_type.items():
            take = events[task.start][(tr.to_gauge, btype)]
            take[0] -= n
            take[1].append((tr.id, label(task), n))
            events[task.end + turn][(tr.from_gauge, btype)][0] += n

    for tid, p in ctx.plans.items():
        if p.mode != "exchange":
            continue
        tr = ctx.trains[tid]
        own = {c.id: c for c in tr.carriages}
        for view in block_views(ctx.inst, tr, p.blocks):
            roll = ctx.get(tid, "roll", block=view.index)
            if roll is not None:
                move(tr, roll, [own[c] for c in view.carriages])
        for cid, car in own.items():
            swap = ctx.get(tid, "swap", carriage=cid)
            if swap is not None:
                move(tr, swap, [car])

    negative: set[tuple[int, str]] = set()
    for t in sorted(events):
        for key, (delta, _) in events[t].items():
            level[key] += delta
        for key in events[t]:
            if level[key] < 0 and key not in negative:
                takers = events[t][key][1]
                who = ", ".join(f"{op} of train {tr} takes {n}" for tr, op, n in takers)
                ctx.add(
                    "bogie-stock",
                    f"bogie stock {key[0]}/{key[1]} falls to {level[key]} at t={t} ({who})",
                    takers[-1][0] if takers else None,
                    takers[-1][1] if takers else None,
                    f"{key[0]}/{key[1]}",
                )
            if level[key] < 0:
                negative.add(key)
            else:
                negative.discard(key)
