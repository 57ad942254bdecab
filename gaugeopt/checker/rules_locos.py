"""Mainline locomotives: known, right gauge, available at attach start, one train each."""

from __future__ import annotations

from gaugeopt.checker.context import Context


def check_locos(ctx: Context) -> None:
    """Every locomotive rule of docs/model.md, plus train.locomotive == its attach's locomotive."""
    st = ctx.inst.station
    station = {lo.id: lo for lo in st.locomotives}
    inbound = {t.inbound_loco.id: t for t in ctx.inst.trains if t.inbound_loco is not None}
    users: dict[str, list[str]] = {}
    for tid, tr in ctx.trains.items():
        attach = ctx.get(tid, "attach")
        plan = ctx.plans.get(tid)
        if attach is None:
            continue
        loco = attach.locomotive
        if plan is not None and plan.locomotive != loco:
            ctx.add(
                "loco-mismatch",
                f"train {tid}: trains[].locomotive is {plan.locomotive}, its attach takes {loco}",
                tid,
                "attach",
                loco,
            )
        if loco is None:
            ctx.add("loco-unknown", f"train {tid}: attach takes no locomotive", tid, "attach")
            continue
        users.setdefault(loco, []).append(tid)
        ready: int | None
        if loco in station:
            gauge, ready = station[loco].gauge, station[loco].available_from
            since = f"available_from {ready}"
        elif loco in inbound:
            owner = inbound[loco]
            assert owner.inbound_loco is not None  # inbound holds only trains that have one
            gauge = owner.inbound_loco.gauge
            detach = ctx.get(owner.id, "detach")
            ready = None if detach is None else detach.end + st.loco_turnaround
            since = (
                f"train {owner.id}'s detach end {detach.end} + loco_turnaround {st.loco_turnaround}"
                if detach is not None
                else ""
            )
        else:
            ctx.add(
                "loco-unknown",
                f"train {tid}: attach takes unknown locomotive {loco}",
                tid,
                "attach",
                loco,
            )
            continue
        if gauge != tr.to_gauge:
            ctx.add(
                "loco-gauge",
                f"train {tid}: attach takes locomotive {loco} of gauge {gauge}, the train "
                f"leaves on {tr.to_gauge}",
                tid,
                "attach",
                loco,
            )
        if ready is not None and attach.start < ready:
            ctx.add(
                "loco-availability",
                f"train {tid}: attach of locomotive {loco} starts at {attach.start}, "
                f"before it is free at {ready} ({since})",
                tid,
                "attach",
                loco,
            )
    for loco, tids in users.items():
        if len(tids) > 1:
            ctx.add(
                "loco-reuse",
                f"locomotive {loco} hauls trains {', '.join(tids)} (at most one)",
                tids[-1],
                "attach",
                loco,
            )
